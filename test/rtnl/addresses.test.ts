import { describe, expect, it } from 'vitest';
import {
  AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC, IFA_ADDRESS, IFA_LABEL, IFA_LOCAL, IFA_TARGET_NETNSID, NLM_F_ACK, NLM_F_CREATE,
  NLM_F_DUMP, NLM_F_DUMP_FILTERED, NLM_F_DUMP_INTR, NLM_F_ECHO, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REQUEST, NLMSG_DONE,
  NLMSG_ERROR, RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
} from '../../protocol/constants.js';
import { NlWriter } from '../../protocol/writer.js';
import { ManualClock } from '../../src/model/clock.js';
import { NetworkModel } from '../../src/model/store.js';
import { Mutex } from 'async-mutex';
import { RtnlDispatcher } from '../../src/rtnl/dispatch.js';
import { DumpRun } from '../../src/rtnl/dump-run.js';
import { Notifier, type NotificationSink } from '../../src/rtnl/notify.js';
import { decodeAll, DispatchHarness, type Decoded } from '../helpers/dispatch.js';
import { IFLA_AF_SPEC, RTM_SETLINK, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE } from '../../protocol/constants.js';

const NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const DUMP = NLM_F_REQUEST | NLM_F_DUMP;
const IFA_F_NODAD = 0x02;
const ipv4 = (s: string) => new Uint8Array(s.split('.').map(Number));
const ipv6 = (last: number) => new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last]);

let seq = 100;
/** An ifaddrmsg request; `attrs` writes the attributes (or raw bytes). */
function request(type: number, flags: number, ifa: { family: number; prefixlen?: number; flags?: number; scope?: number; index?: number }, attrs: (w: NlWriter) => void = () => {}): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(type, flags, ++seq, 0);
  w.u8(ifa.family).u8(ifa.prefixlen ?? 0).u8(ifa.flags ?? 0).u8(ifa.scope ?? 0).u32(ifa.index ?? 0);
  attrs(w);
  w.msgEnd(at);
  return w.take();
}

function setup() {
  const clock = new ManualClock();
  const model = new NetworkModel({ cpuCount: 1, clock });
  model.addLoopback();
  const [b, a] = model.createLink({ kind: 'veth', name: 'a0', peer: { kind: 'veth', name: 'a1' } });
  const h = new DispatchHarness(model);
  return { h, clock, model, a: a!.index, b: b!.index };
}

/** The TLV types of an error or DONE message (after the echoed request or the errno). */
function tlvTypes(d: Decoded): number[] {
  const raw = d.raw;
  let pos = d.type === NLMSG_DONE ? 20 : d.flags & 0x100 ? 36 : 20 + ((raw.readUInt32LE(20) + 3) & ~3);
  const out: number[] = [];
  while (pos + 4 <= raw.length) {
    out.push(raw.readUInt16LE(pos + 2));
    pos += (raw.readUInt16LE(pos) + 3) & ~3;
  }
  return out;
}

const addr = (d: Decoded) => ({ family: d.raw[16], prefixlen: d.raw[17], index: d.raw.readUInt32LE(20) });

describe('routes (devinet_init, addrconf_init, rtnl_dump_all)', () => {
  it('has no NEWADDR/DELADDR for AF_UNSPEC or AF_BRIDGE and no GETADDR doit for AF_INET or AF_UNSPEC', async () => {
    const { h, a } = setup();
    for (const [type, family] of [[RTM_NEWADDR, AF_UNSPEC], [RTM_DELADDR, AF_BRIDGE], [RTM_GETADDR, AF_INET], [RTM_GETADDR, AF_UNSPEC]]) {
      const [r] = await h.call(request(type!, NLM_F_REQUEST, { family: family!, index: a }));
      expect(r!.error).toBe(-95);
    }
  });

  it('needs a whole ifaddrmsg: "Invalid header length"', async () => {
    const { h } = setup();
    const short = Buffer.from(request(RTM_NEWADDR, NEW, { family: AF_INET, prefixlen: 24 }).subarray(0, 20));
    short.writeUInt32LE(20, 0); // a 4-byte ifaddrmsg
    const [r] = await h.call(short);
    expect([r!.error, r!.extMsg]).toEqual([-22, 'Invalid header length']);
  });
});

describe('attribute policies', () => {
  it('IPv4 addresses are u32: a 2-byte IFA_LOCAL fails with ERANGE, OFFS 24 and a POLICY nest', async () => {
    const { h, a } = setup();
    const [r] = await h.call(request(RTM_NEWADDR, NEW, { family: AF_INET, prefixlen: 24, index: a }, (w) => w.attrBytes(IFA_LOCAL, new Uint8Array([192, 0]))));
    expect([r!.error, r!.extMsg]).toEqual([-34, 'Attribute failed policy validation']);
    expect(tlvTypes(r!)).toEqual([1, 2, 0x8004]);
  });

  it('IPv6 addresses only have a minimum length: a 4-byte IFA_ADDRESS fails with ERANGE and OFFS, no POLICY', async () => {
    const { h, a } = setup();
    const [r] = await h.call(request(RTM_NEWADDR, NEW, { family: AF_INET6, prefixlen: 64, index: a }, (w) => w.attrBytes(IFA_ADDRESS, ipv4('192.0.2.1'))));
    expect([r!.error, r!.extMsg, tlvTypes(r!)]).toEqual([-34, 'Attribute failed policy validation', [1, 2]]);
  });

  it('IFA_LABEL is at most 15 bytes; longer fixed-size attributes are accepted; trailing bytes only warn', async () => {
    const { h, a, model } = setup();
    const label = await h.call(request(RTM_NEWADDR, NEW, { family: AF_INET, prefixlen: 24, index: a }, (w) => {
      w.attrBytes(IFA_LOCAL, ipv4('192.0.2.1'));
      w.attrString(IFA_LABEL, 'l'.repeat(16));
    }));
    expect(label[0]!.error).toBe(-34);
    const long = await h.call(request(RTM_NEWADDR, NEW, { family: AF_INET, prefixlen: 24, index: a }, (w) => {
      w.attrBytes(IFA_LOCAL, new Uint8Array([192, 0, 2, 1, 7, 7]));
      w.bytes(new Uint8Array([1, 2, 3]));
    }));
    expect([long[0]!.error, long[0]!.extMsg]).toEqual([0, 'bytes leftover after parsing attributes']);
    expect(model.addresses.list(a, 'inet').map((x) => x.family === 'inet' && [...x.local])).toEqual([[192, 0, 2, 1]]);
  });
});

describe('notifications', () => {
  class Sink implements NotificationSink {
    readonly log: string[] = [];
    multicast(group: number, m: Buffer, except: number): void {
      this.log.push(`multicast ${group} except ${except}: type ${m.readUInt16LE(4)} seq ${m.readUInt32LE(8)} pid ${m.readUInt32LE(12)}`);
    }
    unicast(portid: number, m: Buffer): void {
      this.log.push(`unicast ${portid}: type ${m.readUInt16LE(4)} seq ${m.readUInt32LE(8)} pid ${m.readUInt32LE(12)}`);
    }
    /** Subscribed to links and addresses, not to routes (test/rtnl/routes.test.ts). */
    hasMembers(group: number): boolean {
      return group !== RTNLGRP_IPV4_ROUTE && group !== RTNLGRP_IPV6_ROUTE;
    }
  }

  it('IPv4 carries the requester pid/seq; with ECHO the requester gets its copy by unicast instead', async () => {
    const { h, a, model } = setup();
    const sink = new Sink();
    new Notifier(model, sink).attach();
    const add = (local: string, flags: number) => request(RTM_NEWADDR, flags, { family: AF_INET, prefixlen: 24, index: a }, (w) => w.attrBytes(IFA_LOCAL, ipv4(local)));
    const first = add('192.0.2.1', NEW);
    await h.call(first);
    const second = add('192.0.2.2', NEW | NLM_F_ECHO);
    await h.call(second);
    expect(sink.log).toEqual([
      `multicast ${RTNLGRP_IPV4_IFADDR} except 0: type 20 seq ${first.readUInt32LE(8)} pid 4242`,
      `multicast ${RTNLGRP_IPV4_IFADDR} except 4242: type 20 seq ${second.readUInt32LE(8)} pid 4242`,
      `unicast 4242: type 20 seq ${second.readUInt32LE(8)} pid 4242`,
    ]);
  });

  it('IPv6 always sends pid/seq 0 and ignores ECHO', async () => {
    const { h, a, model, clock } = setup();
    const sink = new Sink();
    new Notifier(model, sink).attach();
    await h.call(request(RTM_NEWADDR, NEW | NLM_F_ECHO, { family: AF_INET6, prefixlen: 64, index: a }, (w) => w.attrBytes(IFA_ADDRESS, ipv6(1))));
    await h.call(request(RTM_NEWADDR, NEW | NLM_F_ECHO, { family: AF_INET6, prefixlen: 64, flags: IFA_F_NODAD, index: a }, (w) => w.attrBytes(IFA_ADDRESS, ipv6(2))));
    clock.flush();
    expect(sink.log).toEqual([
      `multicast ${RTNLGRP_IPV6_IFADDR} except 0: type 20 seq 0 pid 0`,
      `multicast ${RTNLGRP_IPV6_IFADDR} except 0: type 20 seq 0 pid 0`,
    ]);
  });
});

describe('dumps and GET', () => {
  async function populated() {
    const t = setup();
    const add4 = (index: number, local: string) => t.h.call(request(RTM_NEWADDR, NEW, { family: AF_INET, prefixlen: 24, index }, (w) => w.attrBytes(IFA_LOCAL, ipv4(local))));
    const add6 = (index: number, last: number) => t.h.call(request(RTM_NEWADDR, NEW, { family: AF_INET6, prefixlen: 64, flags: IFA_F_NODAD, index }, (w) => w.attrBytes(IFA_ADDRESS, ipv6(last))));
    await add4(t.a, '10.0.0.1');
    await add4(t.b, '10.1.0.1');
    await add6(t.a, 1);
    await add6(t.b, 2);
    t.clock.flush();
    return t;
  }

  it('family 0 walks IPv4 then IPv6, each in ascending ifindex, under one DONE; non-strict ignores the header', async () => {
    const { h, a, b } = await populated();
    const replies = await h.call(request(RTM_GETADDR, DUMP, { family: AF_UNSPEC, prefixlen: 9, index: 424242 }));
    expect(replies.map((r) => (r.type === RTM_NEWADDR ? addr(r) : r.type))).toEqual([
      { family: AF_INET, prefixlen: 24, index: b }, { family: AF_INET, prefixlen: 24, index: a },
      { family: AF_INET6, prefixlen: 64, index: b }, { family: AF_INET6, prefixlen: 64, index: a }, NLMSG_DONE,
    ]);
    expect(replies.map((r) => r.flags)).toEqual([NLM_F_MULTI, NLM_F_MULTI, NLM_F_MULTI, NLM_F_MULTI, NLM_F_MULTI]);
  });

  it('strict: ifa_index filters and marks entries and DONE NLM_F_DUMP_FILTERED, even when a later check fails', async () => {
    const { h, a } = await populated();
    h.session.strict = true;
    const filtered = await h.call(request(RTM_GETADDR, DUMP, { family: AF_UNSPEC, index: a }));
    expect(filtered.map((r) => [r.type, r.flags])).toEqual([
      [RTM_NEWADDR, NLM_F_MULTI | NLM_F_DUMP_FILTERED], [RTM_NEWADDR, NLM_F_MULTI | NLM_F_DUMP_FILTERED], [NLMSG_DONE, NLM_F_MULTI | NLM_F_DUMP_FILTERED],
    ]);
    const missing = await h.call(request(RTM_GETADDR, DUMP, { family: AF_INET6, index: 424242 }));
    expect(missing.map((r) => [r.type, r.flags, r.error])).toEqual([[NLMSG_DONE, NLM_F_MULTI | NLM_F_DUMP_FILTERED, -19]]);
    const netnsid = await h.call(request(RTM_GETADDR, DUMP, { family: AF_INET, index: a }, (w) => w.attrS32(IFA_TARGET_NETNSID, 5)));
    expect(netnsid.map((r) => [r.flags & 0xff, r.error, r.extMsg])).toEqual([[NLM_F_MULTI | NLM_F_DUMP_FILTERED, -22, 'ipv4: Invalid target network namespace id']]);
    const header = await h.call(request(RTM_GETADDR, DUMP, { family: AF_UNSPEC, prefixlen: 1, index: a }));
    expect(header.map((r) => [r.flags & 0xff, r.error, r.extMsg])).toEqual([[NLM_F_MULTI, -22, 'ipv4: Invalid values in header for address dump request']]);
    const v6 = await h.call(request(RTM_GETADDR, DUMP, { family: AF_INET6 }, (w) => w.attrBytes(IFA_LABEL, Buffer.from('x\0'))));
    expect(v6.map((r) => [r.error, r.extMsg])).toEqual([[-22, 'ipv6: Unsupported attribute in dump request']]);
  });

  it('GET (IPv6 only) answers with one RTM_NEWADDR for the address, whatever the prefix length asked', async () => {
    const { h, a } = await populated();
    const found = await h.call(request(RTM_GETADDR, NLM_F_REQUEST, { family: AF_INET6, prefixlen: 99, index: a }, (w) => w.attrBytes(IFA_ADDRESS, ipv6(1))));
    expect(found.map((r) => [r.type, r.flags, r.pid, addr(r)])).toEqual([[RTM_NEWADDR, 0, 4242, { family: AF_INET6, prefixlen: 64, index: a }]]);
    const missing = await h.call(request(RTM_GETADDR, NLM_F_REQUEST, { family: AF_INET6, index: a }, (w) => w.attrBytes(IFA_ADDRESS, ipv6(9))));
    expect(missing.map((r) => [r.type, r.error])).toEqual([[NLMSG_ERROR, -99]]);
    h.session.strict = true;
    const strict = await h.call(request(RTM_GETADDR, NLM_F_REQUEST, { family: AF_INET6, prefixlen: 64, index: a }, (w) => w.attrBytes(IFA_ADDRESS, ipv6(1))));
    expect(strict.map((r) => [r.error, r.extMsg])).toEqual([[-22, 'ipv6: Invalid values in header for get address request']]);
  });

  it('shows in the next dump what changed since the last (label on rename, lifetimes on replace)', async () => {
    const { h, a, model } = await populated();
    const dumpV4 = async () => (await h.call(request(RTM_GETADDR, DUMP, { family: AF_INET }))).filter((r) => r.type === RTM_NEWADDR);
    const label = (r: Decoded) => r.raw.toString('latin1').match(/[a-z][a-z0-9]+(?=\0)/)?.[0];
    expect((await dumpV4()).map(label)).toEqual(['a1', 'a0']);
    model.rename(model.byIndex(a)!, 'z0');
    expect((await dumpV4()).map(label)).toEqual(['a1', 'z0']);
    model.addresses.newInet4({ ifindex: a, prefixlen: 24, flags: 0, scope: 0, local: ipv4('10.0.0.1'), lifetimes: { prefered: 50, valid: 100 } }, { excl: false, replace: true });
    const [, z0] = await dumpV4();
    expect([z0!.raw[18], z0!.raw.subarray(-16, -8).toString('hex')]).toEqual([0, '3200000064000000']);
  });

  it('marks the first entry of a chunk NLM_F_DUMP_INTR when addresses changed since the previous chunk', async () => {
    const { h, a, model } = await populated();
    // A device far enough from the others that the unfiltered dump copies its own block for it (addr-cache.ts).
    const far = model.createLink({ kind: 'dummy', name: 'far', index: 200 })[0]!.index;
    model.addresses.newInet4({ ifindex: far, prefixlen: 24, flags: 0, scope: 0, local: ipv4('10.8.0.1') }, { excl: true, replace: false });
    for (const filter of [0, a]) {
      h.session.strict = filter !== 0; // ifa_index filters strict dumps only
      const run = h.dispatcher.handle(request(RTM_GETADDR, DUMP, { family: AF_INET, index: filter }), h.session, new NlWriter()) as DumpRun;
      const w = new NlWriter();
      run.fill(w, 1);
      const first = decodeAll(w.take()).length;
      model.addresses.newInet4({ ifindex: a, prefixlen: 24, flags: 0, scope: 0, local: ipv4(`10.9.0.${filter ? 2 : 1}`) }, { excl: true, replace: false });
      run.fill(w, 1);
      expect([first, decodeAll(w.take()).map((r) => r.flags & NLM_F_DUMP_INTR)]).toEqual([filter ? 1 : 2, [NLM_F_DUMP_INTR]]);
    }
  });
});

describe('the --state journal', () => {
  it('records address requests that change the model without announcing it yet (NODAD, tentative replace, promote_secondaries)', async () => {
    const { model, a } = setup();
    const recorded: number[] = [];
    const dispatcher = new RtnlDispatcher(model, new Mutex(), { record: async (m) => void recorded.push(m.readUInt32LE(8)) });
    const session = { portid: 1, strict: false, extAck: true, capAck: false, readOnly: false, dumping: false };
    const send = async (m: Buffer) => {
      const r = dispatcher.handle(m, session, new NlWriter());
      if (r instanceof Promise) await r;
      return m.readUInt32LE(8);
    };
    const nodad = await send(request(RTM_NEWADDR, NEW, { family: AF_INET6, prefixlen: 64, flags: IFA_F_NODAD, index: a }, (w) => w.attrBytes(IFA_ADDRESS, ipv6(1))));
    const tentative = await send(request(RTM_NEWADDR, NEW, { family: AF_INET6, prefixlen: 64, index: a }, (w) => w.attrBytes(IFA_ADDRESS, ipv6(2))));
    const replace = await send(request(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | 0x100, { family: AF_INET6, prefixlen: 64, index: a }, (w) => w.attrBytes(IFA_ADDRESS, ipv6(2))));
    const failed = await send(request(RTM_NEWADDR, NEW, { family: AF_INET6, prefixlen: 64, index: a }, (w) => w.attrBytes(IFA_ADDRESS, ipv6(2))));
    const w = new NlWriter();
    const at = w.msgStart(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, ++seq, 0);
    w.u8(0).u8(0).u16(0).s32(a).u32(0).u32(0);
    const spec = w.nestStart(IFLA_AF_SPEC);
    const inet = w.nestStart(AF_INET);
    const conf = w.nestStart(1);
    w.attrU32(20, 1);
    w.nestEnd(conf).nestEnd(inet).nestEnd(spec).msgEnd(at);
    const promote = await send(w.take());
    expect(recorded).toEqual([nodad, tentative, replace, promote]);
    expect(recorded).not.toContain(failed);
  });
});
