import { describe, expect, it } from 'vitest';
import { decodeAck } from '../../protocol/ack-decode.js';
import { walkAttrs } from '../../protocol/attr-walk.js';
import {
  ARPHRD_ETHER, ARPHRD_LOOPBACK, IF_OPER_DOWN, IFF_LOOPBACK, IFF_UP, IFLA_MACVLAN_FLAGS, IFLA_MACVLAN_MODE, IFLA_VLAN_FLAGS,
  IFLA_VLAN_ID, IFLA_VLAN_PROTOCOL, MACVLAN_MODE_BRIDGE, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, RTM_NEWLINK,
} from '../../protocol/constants.js';
import { decodeLinkMessage, decodeMacvlanData, decodeVlanData } from '../../protocol/link-decode.js';
import { writeLinkMessage, type LinkMessage } from '../../protocol/link-message.js';
import { writeLinkRequest } from '../../protocol/link-request.js';
import { NlWriter } from '../../protocol/writer.js';
import { fixture, hex } from '../helpers/fixtures.js';

const first = (name: string) => hex(fixture(name).messages[0]!);

describe('decodeLinkMessage on kernel captures', () => {
  it('reads lo as a fresh namespace has it', () => {
    const lo = decodeLinkMessage(first('getlink-lo-down'));
    expect(lo).toMatchObject({
      family: 0, deviceType: ARPHRD_LOOPBACK, index: 1, name: 'lo', mtu: 65536, txqlen: 1000, operstate: IF_OPER_DOWN,
      linkmode: 0, group: 0, promiscuity: 0, numTxQueues: 1, numRxQueues: 1, carrier: true, qdisc: 'noop', altnames: [],
    });
    expect(lo.flags & IFF_LOOPBACK).toBeTruthy();
    expect(lo.flags & IFF_UP).toBe(0);
    expect(Array.from(lo.address!)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(lo.master).toBeUndefined();
    expect(lo.kind).toBeUndefined();
    expect(lo.link).toBeUndefined();
    expect(lo.afSpec).toEqual({ inet: true, inet6: { flags: 0, addrGenMode: 0 } });
    expect(lo.stats64).toBeDefined();
  });

  it('reads a veth with its peer, kind and counters', () => {
    const va = decodeLinkMessage(first('getlink-veth-up-peer-up'));
    expect(va.name).toBe('va');
    expect(va.kind).toBe('veth');
    expect(va.deviceType).toBe(ARPHRD_ETHER);
    expect(va.link).toBeGreaterThan(0);
    expect(va.link).not.toBe(va.index);
    expect(va.address).toHaveLength(6);
    expect(Array.from(va.broadcast!)).toEqual([255, 255, 255, 255, 255, 255]);
    // The kernel counted MLD/NS/RS packets by the time of the capture.
    expect(va.stats64!.txPackets).toBeGreaterThan(0n);
    expect(va.stats!.txPackets).toBe(va.stats64!.txPackets);
  });

  it('reads a bridge port: master, slave kind and IFLA_BRPORT_* data', () => {
    const port = decodeLinkMessage(first('getlink-bridge-port'));
    expect(port.kind).toBe('veth');
    expect(port.slaveKind).toBe('bridge');
    expect(port.master).toBeGreaterThan(0);
    const priority = port.slaveData!.find((a) => a.type === 2)!;
    expect(priority.data.readUInt16LE(0)).toBe(32);
  });

  it('reads a bridge with its IFLA_INFO_DATA', () => {
    const br = decodeLinkMessage(first('getlink-bridge-down'));
    expect(br.kind).toBe('bridge');
    const fwd = br.infoData!.find((a) => a.type === 1)!;
    expect(fwd.data.readUInt32LE(0)).toBe(1500);
  });

  it('reads the family-7 bridge port notification', () => {
    const msgs = fixture('setlink-enslave').notifications.map(hex);
    const bridgePort = msgs.map(decodeLinkMessage).find((m) => m.family === 7)!;
    expect(bridgePort.name).toBe('va');
    expect(bridgePort.master).toBeGreaterThan(0);
    expect(bridgePort.protinfo!.length).toBeGreaterThan(10);
    expect(bridgePort.txqlen).toBeUndefined();
  });

  it('reads an alternative name list', () => {
    const w = new NlWriter();
    const at = w.msgStart(RTM_NEWLINK, 0, 1, 0);
    w.u8(0).u8(0).u16(1).s32(7).u32(0).u32(0);
    w.attrString(3, 'eth0');
    const props = w.nestStart(52 | 0x8000);
    w.attrString(53, 'first-alternative');
    w.attrString(53, 'second');
    w.nestEnd(props);
    w.msgEnd(at);
    expect(decodeLinkMessage(w.take()).altnames).toEqual(['first-alternative', 'second']);
  });

  it('stops at a malformed attribute instead of throwing', () => {
    const msg = Buffer.from(first('getlink-lo-down'));
    // Corrupt the length of the 3rd attribute: the walk ends there, earlier attributes survive.
    const attrs = walkAttrs(msg, 32, msg.length);
    const third = attrs[2]!.data.byteOffset - msg.byteOffset - 4;
    msg.writeUInt16LE(0xfff0, third);
    const lo = decodeLinkMessage(msg);
    expect(lo.name).toBe('lo');
    expect(lo.txqlen).toBe(1000);
    expect(lo.mtu).toBeUndefined();
  });

  it('rejects a message shorter than the ifinfomsg', () => {
    expect(() => decodeLinkMessage(Buffer.from(first('getlink-lo-down').subarray(0, 20)))).toThrow(RangeError);
  });
});

describe('decodeLinkMessage is the inverse of writeLinkMessage', () => {
  it('round-trips every field the encoder writes', () => {
    const m: LinkMessage = {
      family: 0, deviceType: ARPHRD_ETHER, index: 9, flags: 0x1043, change: 0xffffffff, name: 'v0', txqlen: 1000,
      operstate: 6, linkmode: 0, netnsImmutable: false, mtu: 1400, tsoMaxSize: 524280, minMtu: 68, maxMtu: 65535,
      group: 7, promiscuity: 1, allmulti: 1, numTxQueues: 2, numRxQueues: 2, master: 4, carrier: true,
      alias: 'an alias', carrierUpCount: 2, carrierDownCount: 1, event: 5, address: new Uint8Array([2, 0, 0, 0, 0, 1]),
      broadcast: new Uint8Array([255, 255, 255, 255, 255, 255]), kind: 'vlan',
      infoData: [[IFLA_VLAN_PROTOCOL, 'be16', 0x88a8], [IFLA_VLAN_ID, 'u16', 10]], slaveKind: 'bridge',
      slaveData: [[1, 'u8', 3]], link: 3, qdisc: 'noqueue', altnames: ['alt0'],
    };
    const w = new NlWriter();
    writeLinkMessage(w, RTM_NEWLINK, 0, 1, 2, m);
    const d = decodeLinkMessage(w.take());
    for (const key of ['family', 'deviceType', 'index', 'flags', 'change', 'name', 'txqlen', 'operstate', 'linkmode', 'mtu',
      'tsoMaxSize', 'minMtu', 'maxMtu', 'group', 'promiscuity', 'allmulti', 'numTxQueues', 'numRxQueues', 'master', 'carrier',
      'alias', 'carrierUpCount', 'carrierDownCount', 'event', 'kind', 'slaveKind', 'link', 'qdisc', 'netnsImmutable'] as const) {
      expect(d[key], key).toEqual(m[key]);
    }
    expect(Array.from(d.address!)).toEqual(Array.from(m.address));
    expect(d.carrierChanges).toBe(3);
    expect(d.altnames).toEqual(['alt0']);
    expect(decodeVlanData(d.infoData!)).toMatchObject({ id: 10, protocol: 0x88a8 });
    expect(d.slaveData![0]!.data[0]).toBe(3);
  });

  it('leaves IFLA_LINK absent when the encoder omits it (link equal to the index)', () => {
    const lo = decodeLinkMessage(first('getlink-lo-down'));
    const w = new NlWriter();
    writeLinkMessage(w, RTM_NEWLINK, 0, 1, 2, {
      ...lo, netnsImmutable: false, tsoMaxSize: 524280, minMtu: 0, maxMtu: 0, master: 0, carrier: true, alias: '',
      carrierUpCount: 0, carrierDownCount: 0, address: lo.address!, broadcast: lo.broadcast!, link: 1, infoData: undefined,
      slaveData: undefined, afSpec: undefined, name: 'lo', txqlen: 1000, operstate: 2, linkmode: 0, mtu: 65536, group: 0,
      promiscuity: 0, allmulti: 0, numTxQueues: 1, numRxQueues: 1,
    } as LinkMessage);
    const d = decodeLinkMessage(w.take());
    expect(d.link).toBeUndefined();
    expect(d.master).toBeUndefined();
    expect(d.alias).toBeUndefined();
  });
});

describe('kind data decoders', () => {
  it('reads vlan flags and QoS maps', () => {
    const w = new NlWriter();
    const flags = Buffer.alloc(8);
    flags.writeUInt32LE(1, 0);
    flags.writeUInt32LE(0xffffffff, 4);
    w.attrBe16(IFLA_VLAN_PROTOCOL, 0x8100).attrU16(IFLA_VLAN_ID, 42).attrBytes(IFLA_VLAN_FLAGS, flags);
    const q = w.nestStart(4);
    w.attrBytes(1, Buffer.from([1, 0, 0, 0, 5, 0, 0, 0]));
    w.nestEnd(q);
    const attrs = walkAttrs(w.take());
    expect(decodeVlanData(attrs)).toEqual({ id: 42, protocol: 0x8100, flags: 1, flagsMask: 0xffffffff, ingressQos: [[1, 5]], egressQos: undefined });
  });

  it('reads macvlan mode and flags', () => {
    const w = new NlWriter();
    w.attrU32(IFLA_MACVLAN_MODE, MACVLAN_MODE_BRIDGE).attrU16(IFLA_MACVLAN_FLAGS, 1).attrU32(8, 1000);
    expect(decodeMacvlanData(walkAttrs(w.take()))).toMatchObject({ mode: MACVLAN_MODE_BRIDGE, flags: 1, bcQueueLenUsed: 1000 });
  });
});

describe('writeLinkRequest', () => {
  it('encodes a veth create exactly as the captured request', () => {
    const f = fixture('newlink-veth');
    const req = hex(f.request!);
    const w = new NlWriter();
    writeLinkRequest(w, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, req.readUInt32LE(8), {
      name: 'va', address: new Uint8Array([2, 0, 0, 0, 0, 0x0a]), kind: 'veth',
      peer: { name: 'vb', address: new Uint8Array([2, 0, 0, 0, 0, 0x0b]) },
    });
    expect(w.take().toString('hex')).toBe(req.toString('hex'));
  });

  it('encodes a bridge create exactly as the captured request', () => {
    const req = hex(fixture('newlink-bridge').request!);
    const w = new NlWriter();
    writeLinkRequest(w, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, req.readUInt32LE(8), {
      name: 'br0', address: new Uint8Array([2, 0, 0, 0, 0, 0xb0]), kind: 'bridge',
    });
    expect(w.take().toString('hex')).toBe(req.toString('hex'));
  });

  it('sends an empty IFLA_IFALIAS to remove the alias, and the alias without a NUL otherwise', () => {
    const w = new NlWriter();
    writeLinkRequest(w, RTM_NEWLINK, NLM_F_REQUEST, 1, { index: 3, alias: '' });
    const removed = walkAttrs(w.take(), 32);
    expect(removed).toEqual([expect.objectContaining({ type: 20 })]);
    expect(removed[0]!.data.length).toBe(0);
    writeLinkRequest(w, RTM_NEWLINK, NLM_F_REQUEST, 1, { index: 3, alias: 'abc' });
    expect(walkAttrs(w.take(), 32)[0]!.data.toString()).toBe('abc');
  });
});

describe('decodeAck on kernel captures', () => {
  it('reads a plain ACK', () => {
    expect(decodeAck(first('ack-plain'))).toMatchObject({ errno: 0, extMsg: undefined, requestType: 19, requestSeq: 5 });
  });

  it('reads an error with the request echoed and no TLVs', () => {
    expect(decodeAck(first('error-enodev-extack'))).toMatchObject({ errno: 19, extMsg: undefined, requestType: 18 });
  });

  it('reads a capped error (NETLINK_CAP_ACK)', () => {
    expect(decodeAck(first('error-cap-ack'))).toMatchObject({ errno: 19, requestType: 18, requestSeq: 4 });
  });

  it('reads MSG and OFFS after the echoed request', () => {
    expect(decodeAck(first('error-mtu-policy'))).toMatchObject({ errno: 34, extMsg: 'Attribute failed policy validation', offset: 32 });
    expect(decodeAck(first('newlink-unknown-kind'))).toMatchObject({ errno: 95, extMsg: 'Unknown device type' });
  });

  it('reads an error carried by NLMSG_DONE', () => {
    expect(decodeAck(first('dump-strict-error'))).toMatchObject({ errno: 22, extMsg: 'Invalid values in header for link dump request' });
  });

  it('refuses other message types', () => {
    expect(() => decodeAck(first('getlink-lo-down'))).toThrow(TypeError);
  });
});
