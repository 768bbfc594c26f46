import { describe, expect, it } from 'vitest';
import { RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEIGH } from '../../protocol/constants.js';
import { ManualClock } from '../../src/model/clock.js';
import { IFF_UP } from '../../src/model/flags.js';
import { NetworkModel } from '../../src/model/store.js';
import { Notifier, type NotificationSink } from '../../src/rtnl/notify.js';
import { DispatchHarness } from '../helpers/dispatch.js';
import { fixture, hex } from '../helpers/fixtures.js';

// Address messages against kernel bytes: the captures of spec Appendix A.3-A.6 and the fixture
// files. Only IFA_CACHEINFO's cstamp/tstamp (jiffies since boot) are masked.

const PORTID = 0x3062;
const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;

/** Zeroes cstamp and tstamp, the last 8 bytes of the 16-byte IFA_CACHEINFO payload. */
const maskStamps = (h: string) => h.replace(/14000600([0-9a-f]{16})[0-9a-f]{16}/, `14000600$1${'0'.repeat(16)}`);

const A3_REQUEST = '28000000140005060400000000000000021800000300000008000200c000020108000100c0000201';
const A3_NOTIFICATION =
  '4c000000140000000400000062300000021880000300000008000100c000020108000200c00002010700030076610000' +
  '080008008000000014000600ffffffffffffffff7ee902007ee90200';
const A4_REQUEST = '2c0000001400050605000000000000000a400200030000001400010020010db8000000000000000000000001';
const A4_NOTIFICATION =
  '480000001400000000000000000000000a408200030000001400010020010db800000000000000000000000114000600' +
  'ffffffffffffffffbae90200bae902000800080082000000';
const A5_DUMP = [
  '4c000000140002000600000062300000021880000300000008000100c000020108000200c00002010700030076610000' +
  '080008008000000014000600ffffffffffffffff7ee902007ee90200',
  '480000001400020006000000623000000a408200030000001400010020010db800000000000000000000000114000600' +
  'ffffffffffffffffbae90200bae902000800080082000000',
  '14000000030002000600000062300000' + '00000000',
];

class Recorder implements NotificationSink {
  readonly sent: Array<{ group: number; message: string }> = [];
  multicast(group: number, m: Buffer): void {
    this.sent.push({ group, message: m.toString('hex') });
  }
  unicast(): void {}
  /** Subscribed to links and addresses, not to routes (test/protocol/route-message.test.ts). */
  hasMembers(group: number): boolean {
    return group !== RTNLGRP_IPV4_ROUTE && group !== RTNLGRP_IPV6_ROUTE;
  }
  /** Address notifications (RTM_NEWADDR/DELADDR), stamps masked. */
  addresses(): Array<{ group: number; message: string }> {
    return this.sent
      .filter((s) => [RTM_NEWADDR, RTM_DELADDR].includes(Buffer.from(s.message, 'hex').readUInt16LE(4)))
      .map((s) => ({ group: s.group, message: maskStamps(s.message) }));
  }
}

/** The captures' namespace: lo, then vb (2) and va (3) created by the newlink-veth request. */
async function vethNamespace(portid = PORTID): Promise<{ h: DispatchHarness; clock: ManualClock; sink: Recorder }> {
  const clock = new ManualClock(1_000_000);
  const model = new NetworkModel({ cpuCount: 2, clock });
  model.addLoopback();
  const h = new DispatchHarness(model);
  h.session = { ...h.session, portid };
  await h.call(hex(fixture('newlink-veth').request!));
  const sink = new Recorder();
  new Notifier(model, sink).attach();
  return { h, clock, sink };
}

describe('spec Appendix A captures', () => {
  it('A.3: IPv4 RTM_NEWADDR notification carries the requester pid/seq, flags 0x80 and the label', async () => {
    const { h, sink } = await vethNamespace();
    const replies = await h.call(hex(A3_REQUEST));
    expect(replies.map((r) => r.error)).toEqual([0]);
    expect(sink.addresses()).toEqual([{ group: RTNLGRP_IPV4_IFADDR, message: maskStamps(A3_NOTIFICATION) }]);
  });

  it('A.4: IPv6 NODAD notification comes after the request, with pid/seq 0 and flags 0x82', async () => {
    const { h, clock, sink } = await vethNamespace();
    await h.call(hex(A4_REQUEST));
    expect(sink.addresses()).toEqual([]); // the DAD work has not run yet
    clock.flush();
    expect(sink.addresses()).toEqual([{ group: RTNLGRP_IPV6_IFADDR, message: maskStamps(A4_NOTIFICATION) }]);
  });

  it('A.5: a family-0 dump lists IPv4, then IPv6, under one NLMSG_DONE', async () => {
    const { h, clock } = await vethNamespace();
    await h.call(hex(A3_REQUEST));
    await h.call(hex(A4_REQUEST));
    clock.flush();
    const dump = Buffer.from('1c000000160001030600000000000000' + '0000000000000000', 'hex');
    const replies = await h.call(dump);
    expect(replies.map((r) => maskStamps(r.raw.toString('hex')))).toEqual(A5_DUMP.map(maskStamps));
  });

  it('A.6: deleting the link sends its IPv4 then IPv6 RTM_DELADDR with pid/seq 0 before the DELLINK', async () => {
    const { h, clock, sink } = await vethNamespace();
    await h.call(hex(A3_REQUEST));
    await h.call(hex(A4_REQUEST));
    clock.flush();
    sink.sent.length = 0;
    await h.call(hex('20000000110005001c0000000000000000000000030000000000000000000000'));
    const asDel = (h: string) => maskStamps(`${h.slice(0, 8)}1500${h.slice(12, 16)}${'0'.repeat(16)}${h.slice(32)}`);
    expect(sink.addresses()).toEqual([
      { group: RTNLGRP_IPV4_IFADDR, message: asDel(A3_NOTIFICATION) },
      { group: RTNLGRP_IPV6_IFADDR, message: asDel(A4_NOTIFICATION) },
    ]);
    const types = sink.sent.map((s) => Buffer.from(s.message, 'hex').readUInt16LE(4));
    expect(types).toEqual([RTM_DELADDR, RTM_DELADDR, 17, 17]);
  });
});

describe('fixture captures', () => {
  it('setlink-lo-up: lo gets 127.0.0.1/8 (scope host) and ::1/128 (proto 1) after its NEWLINK', async () => {
    const fx = fixture('setlink-lo-up');
    const clock = new ManualClock(1_000_000);
    const model = new NetworkModel({ cpuCount: 2, clock });
    model.addLoopback();
    const h = new DispatchHarness(model);
    h.session = { ...h.session, portid: fx.portid };
    const sink = new Recorder();
    new Notifier(model, sink).attach();
    const replies = await h.call(hex(fx.request!));
    expect(replies.map((r) => r.raw.toString('hex'))).toEqual(fx.messages);
    const kernel = fx.notifications.filter((n) => [RTM_NEWADDR, RTM_DELADDR].includes(hex(n).readUInt16LE(4)));
    expect(sink.addresses().map((a) => a.message)).toEqual(kernel.map(maskStamps));
    expect(sink.sent.map((s) => s.group)).toEqual([1, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR]);
  });

  it('setlink-enslave: the bridge gets its fe80::/64 EUI-64 (proto 3) once a running port makes it run, after DAD', async () => {
    const { h, clock, sink } = await vethNamespace(4242);
    const model = h.model;
    model.changeFlags(model.byName('va')!, IFF_UP, IFF_UP);
    model.changeFlags(model.byName('vb')!, IFF_UP, IFF_UP);
    await h.call(hex(fixture('newlink-bridge').request!));
    model.changeFlags(model.byName('br0')!, IFF_UP, IFF_UP);
    clock.advance(5000);
    sink.sent.length = 0;
    const fx = fixture('setlink-enslave');
    await h.call(hex(fx.request!));
    expect(sink.addresses()).toEqual([]);
    clock.advance(5000);
    const kernel = fx.notifications.filter((n) => hex(n).readUInt16LE(4) === RTM_NEWADDR);
    expect(sink.addresses()).toEqual(kernel.map((message) => ({ group: RTNLGRP_IPV6_IFADDR, message: maskStamps(message) })));
  });

  it('dellink-veth-up: each end closes and loses its fe80:: (DELADDR, pid/seq 0) before the DELLINKs', async () => {
    const { h, clock, sink } = await vethNamespace(4242);
    const model = h.model;
    model.changeFlags(model.byName('va')!, IFF_UP, IFF_UP);
    model.changeFlags(model.byName('vb')!, IFF_UP, IFF_UP);
    clock.advance(5000);
    sink.sent.length = 0;
    const fx = fixture('dellink-veth-up');
    await h.call(hex(fx.request!));
    const kernel = fx.notifications.filter((n) => hex(n).readUInt16LE(4) === RTM_DELADDR);
    expect(sink.addresses().map((a) => a.message)).toEqual(kernel.map(maskStamps));
    const order = (msgs: string[]) => msgs.map((m) => [hex(m).readUInt16LE(4), hex(m).readUInt32LE(20)]);
    // The capture listened to the link and address groups only (test/fixtures/capture.py), not to
    // RTNLGRP_NEIGH, where the closing devices' own multicast entries are flushed.
    const heard = sink.sent.filter((s) => s.group !== RTNLGRP_NEIGH);
    expect(sink.sent.length).toBeGreaterThan(heard.length);
    expect(order(heard.map((s) => s.message))).toEqual(order(fx.notifications));
  });
});
