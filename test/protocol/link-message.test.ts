import { describe, expect, it } from 'vitest';
import { IFF_UP } from '../../src/model/flags.js';
import { NetworkModel } from '../../src/model/store.js';
import { linkMessage } from '../../src/rtnl/link-view.js';
import { writeLinkMessage } from '../../protocol/link-message.js';
import { NlWriter } from '../../protocol/writer.js';
import { flattenLink, mask } from '../helpers/attr-tree.js';
import { fixture, hex } from '../helpers/fixtures.js';

// Values that differ between any two kernels or runs: IPv6 cacheinfo (tstamp, random reachable
// time), and the bridge's GC timer.
const VOLATILE = ['26/10/5', '18/2/19'];

function encode(model: NetworkModel, name: string, seq: number, pid: number): Buffer {
  const w = new NlWriter();
  writeLinkMessage(w, 16, 0, seq, pid, linkMessage(model, model.byName(name)!));
  return w.take();
}

function expectSameAsKernel(kernel: Buffer, ours: Buffer, volatile = VOLATILE): void {
  const k = flattenLink(kernel);
  const o = flattenLink(ours);
  expect(o.header).toBe(k.header);
  expect(mask(o.attrs, volatile)).toEqual(mask(k.attrs, volatile));
  expect(ours.length).toBe(kernel.length);
}

const mac = (s: string) => Buffer.from(s.replace(/:/g, ''), 'hex');

function vethModel(): NetworkModel {
  const model = new NetworkModel({ cpuCount: 2 });
  model.addLoopback();
  model.createLink({ kind: 'veth', name: 'va', address: mac('02:00:00:00:00:0a'), peer: { kind: 'veth', name: 'vb', address: mac('02:00:00:00:00:0b') } });
  return model;
}

describe('RTM_NEWLINK encoding matches kernel captures', () => {
  it('lo, down (fresh namespace)', () => {
    const fx = fixture('getlink-lo-down');
    const kernel = hex(fx.messages[0]!);
    const model = new NetworkModel({ cpuCount: 2 });
    model.addLoopback();
    expectSameAsKernel(kernel, encode(model, 'lo', kernel.readUInt32LE(8), kernel.readUInt32LE(12)));
  });

  it('lo, up', () => {
    const fx = fixture('getlink-lo-up');
    const kernel = hex(fx.messages[0]!);
    const model = new NetworkModel({ cpuCount: 2 });
    const lo = model.addLoopback();
    model.changeFlags(lo, IFF_UP, IFF_UP);
    expectSameAsKernel(kernel, encode(model, 'lo', kernel.readUInt32LE(8), kernel.readUInt32LE(12)));
  });

  it('veth end, down', () => {
    const kernel = hex(fixture('getlink-veth-down').messages[0]!);
    const model = vethModel();
    expectSameAsKernel(kernel, encode(model, 'va', kernel.readUInt32LE(8), kernel.readUInt32LE(12)));
  });

  it('bridge, down', () => {
    const kernel = hex(fixture('getlink-bridge-down').messages[0]!);
    const model = vethModel();
    model.createLink({ kind: 'bridge', name: 'br0', address: mac('02:00:00:00:00:b0') });
    expectSameAsKernel(kernel, encode(model, 'br0', kernel.readUInt32LE(8), kernel.readUInt32LE(12)));
  });

  it('ifb', () => {
    const kernel = hex(fixture('getlink-ifb').messages[0]!);
    const model = new NetworkModel({ cpuCount: 2 });
    model.addLoopback();
    const name = flattenLink(kernel).attrs.find((a) => a.path === '3')!.payload;
    const addr = flattenLink(kernel).attrs.find((a) => a.path === '1')!.payload;
    // Recreate the same index as in the capture.
    model.createLink({ kind: 'ifb', name: Buffer.from(name, 'hex').toString().replace(/\0.*/, ''), index: kernel.readInt32LE(20), address: Buffer.from(addr, 'hex') });
    expectSameAsKernel(kernel, encode(model, Buffer.from(name, 'hex').toString().replace(/\0.*/, ''), kernel.readUInt32LE(8), kernel.readUInt32LE(12)));
  });

  it('ifb, up: a device with a queue reports the default qdisc, pfifo_fast', () => {
    const kernel = hex(fixture('getlink-ifb-up').messages[0]!);
    const model = new NetworkModel({ cpuCount: 2 });
    model.addLoopback();
    model.createLink({ kind: 'ifb', name: 'ifb0', index: kernel.readInt32LE(20), address: mac('02:00:00:00:00:f0') });
    model.changeFlags(model.byName('ifb0')!, IFF_UP, IFF_UP);
    // The kernel's device sent a router solicitation and MLD reports once up: its counters
    // (stats, stats64, IPv6 stats and ICMPv6 stats) and IF_RS_SENT are traffic, not modelled.
    const traffic = [...VOLATILE, '7', '23', '26/10/1', '26/10/3', '26/10/6'];
    const ours = encode(model, 'ifb0', kernel.readUInt32LE(8), kernel.readUInt32LE(12));
    expectSameAsKernel(kernel, ours, traffic);
    expect(flattenLink(ours).attrs.find((a) => a.path === '6')!.payload).toBe(Buffer.from('pfifo_fast\0').toString('hex'));
  });
});
