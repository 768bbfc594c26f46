import { describe, expect, it } from 'vitest';
import {
  AF_INET, AF_INET6, FR_ACT_BLACKHOLE, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_PROHIBIT, FR_ACT_TO_TBL, FR_ACT_UNREACHABLE,
  FRA_DST, FRA_FWMARK, FRA_GOTO, FRA_IIFNAME, FRA_PRIORITY, FRA_SRC, FRA_SUPPRESS_PREFIXLEN, FRA_TABLE, NLM_F_ACK,
  NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, RTA_DST, RTA_MARK, RTA_SRC, RTA_TABLE, RTM_DELRULE, RTM_GETROUTE,
  RTM_GETRULE, RTM_NEWROUTE, RTM_NEWRULE, RTM_F_LOOKUP_TABLE, RTN_UNICAST,
} from '../../protocol/constants.js';
import { decodeRuleMessage } from '../../protocol/rule-message.js';
import { writeRouteRequest } from '../../protocol/route-request.js';
import { NlWriter } from '../../protocol/writer.js';
import { IFF_UP } from '../../src/model/flags.js';
import { DispatchHarness, type Decoded } from '../helpers/dispatch.js';

const ip4 = (s: string) => Uint8Array.from(s.split('.').map(Number));
type Attr = [type: number, value: number | string | Uint8Array];

function rule(type: number, family: number, hdr: { srcLen?: number; dstLen?: number; tos?: number; table?: number; action?: number }, attrs: Attr[], flags = NLM_F_ACK): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(type, NLM_F_REQUEST | flags, 7, 0);
  w.u8(family).u8(hdr.dstLen ?? 0).u8(hdr.srcLen ?? 0).u8(hdr.tos ?? 0).u8(hdr.table ?? 0).u8(0).u8(0).u8(hdr.action ?? 0).u32(0);
  for (const [t, v] of attrs) {
    if (typeof v === 'number') w.attrU32(t, v);
    else if (typeof v === 'string') w.attrString(t, v);
    else w.attrBytes(t, v);
  }
  w.msgEnd(at);
  return w.take();
}

function routeGet(dst: string, extra: Attr[] = [], flags = 0): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(RTM_GETROUTE, NLM_F_REQUEST, 9, 0);
  w.u8(AF_INET).u8(32).u8(extra.some(([t]) => t === RTA_SRC) ? 32 : 0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(flags);
  w.attrBytes(RTA_DST, ip4(dst));
  for (const [t, v] of extra) {
    if (typeof v === 'number') w.attrU32(t, v);
    else w.attrBytes(t, v as Uint8Array);
  }
  w.msgEnd(at);
  return w.take();
}

const errorOf = (replies: Decoded[]) => replies.find((r) => r.type === 2);

function setup() {
  const h = new DispatchHarness();
  const m = h.model;
  m.changeFlags(m.byIndex(1)!, IFF_UP, IFF_UP);
  const [v0] = m.createLink({ kind: 'veth', name: 'v0', peer: { kind: 'veth', name: 'v1' } });
  for (const n of ['v0', 'v1']) m.changeFlags(m.byName(n)!, IFF_UP, IFF_UP);
  m.addresses.newInet4({ ifindex: v0!.index, prefixlen: 24, flags: 0, scope: 0, local: ip4('10.0.0.1') }, { excl: true, replace: false });
  const route = async (dst: string, len: number, table: number, gw: string) => {
    const w = new NlWriter();
    writeRouteRequest(w, RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 1,
      { family: AF_INET, dstLen: len, table, protocol: 3, type: RTN_UNICAST, dst: ip4(dst), gateway: ip4(gw) });
    expect(errorOf(await h.call(w.take()))!.error).toBe(0);
  };
  const dump = async (family: number) =>
    (await h.call(rule(RTM_GETRULE, family, {}, [], NLM_F_DUMP))).filter((r) => r.type === RTM_NEWRULE).map((r) => decodeRuleMessage(r.raw));
  /** The gateway `ip route get` picks, or the errno. */
  const get = async (dst: string, extra: Attr[] = []) => {
    const replies = await h.call(routeGet(dst, extra, RTM_F_LOOKUP_TABLE));
    const err = errorOf(replies);
    if (err) return err.error;
    const raw = replies[0]!.raw;
    const table = raw.readUInt32LE(raw.indexOf(Buffer.from([8, 0, RTA_TABLE, 0]), 28) + 4);
    const gw = raw.indexOf(Buffer.from([8, 0, 5, 0]), 28);
    return `${gw > 0 ? [...raw.subarray(gw + 4, gw + 8)].join('.') : 'direct'} table ${table}`;
  };
  return { h, m, route, dump, get };
}

describe('RTM_NEWRULE / DELRULE / GETRULE', () => {
  it('gives automatic priorities below the second rule and keeps equal priorities in insertion order', async () => {
    const { h, dump } = setup();
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_TO_TBL, table: 100 }, []));
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_TO_TBL, table: 101 }, []));
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_TO_TBL, table: 102 }, [[FRA_PRIORITY, 32764]]));
    await h.call(rule(RTM_NEWRULE, AF_INET6, { action: FR_ACT_TO_TBL, table: 100 }, []));
    expect((await dump(AF_INET)).map((r) => [r.priority, r.table])).toEqual([[0, 255], [32764, 101], [32764, 102], [32765, 100], [32766, 254], [32767, 253]]);
    expect((await dump(AF_INET6)).map((r) => [r.priority, r.table])).toEqual([[0, 255], [32765, 100], [32766, 254]]);
    // Family 0: IPv4, IPMR, IP6MR, IPv6.
    expect((await dump(0)).map((r) => r.family)).toEqual([2, 2, 2, 2, 2, 2, 128, 129, 10, 10, 10]);
  });

  it('answers the kernel errors and ext-acks', async () => {
    const { h } = setup();
    const err = async (m: Buffer) => {
      const e = errorOf(await h.call(m))!;
      return [e.error, e.extMsg];
    };
    expect(await err(rule(RTM_NEWRULE, 7, { action: 1 }, []))).toEqual([-97, 'Rule family not supported']);
    expect(await err(rule(RTM_NEWRULE, AF_INET, { srcLen: 16, action: 1 }, []))).toEqual([-22, 'Invalid source address']);
    expect(await err(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_GOTO }, []))).toEqual([-22, 'Missing goto target for action goto']);
    expect(await err(rule(RTM_NEWRULE, AF_INET, { action: 1 }, [[FRA_GOTO, 5]]))).toEqual([-22, 'Unexpected goto']);
    expect(await err(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_GOTO }, [[FRA_PRIORITY, 10], [FRA_GOTO, 10]]))).toEqual([-22, 'Backward goto not supported']);
    expect(await err(rule(RTM_NEWRULE, AF_INET, { action: 1, tos: 0x20 }, []))).toEqual([-22, 'Invalid tos']);
    expect(await err(rule(RTM_NEWRULE, AF_INET, { action: 1, tos: 0x01 }, []))).toEqual([-22, 'Invalid dsfield (tos): ECN bits must be 0']);
    expect(await err(rule(RTM_NEWRULE, AF_INET, { action: 1 }, [[FRA_IIFNAME, 'abcdefghijklmnop']]))).toEqual([-34, 'Error parsing msg']);
    expect(await err(rule(RTM_NEWRULE, AF_INET6, { action: 1 }, []))).toEqual([-22, 'Invalid table']);
    expect(await err(rule(RTM_DELRULE, AF_INET, { table: 77 }, []))).toEqual([-2, undefined]);
    const add = rule(RTM_NEWRULE, AF_INET, { action: 1, table: 9 }, [[FRA_PRIORITY, 9]], NLM_F_ACK | NLM_F_EXCL);
    expect(await err(add)).toEqual([0, undefined]);
    expect(await err(add)).toEqual([-17, undefined]);
    // Without EXCL an identical rule is added again.
    expect(await err(rule(RTM_NEWRULE, AF_INET, { action: 1, table: 9 }, [[FRA_PRIORITY, 9]]))).toEqual([0, undefined]);
  });

  it('allocates the first free table for TO_TBL with table 0 and flags an unresolved goto until its target appears', async () => {
    const { h, dump } = setup();
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_TO_TBL }, [[FRA_PRIORITY, 5]]));
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_GOTO }, [[FRA_PRIORITY, 6], [FRA_GOTO, 50]]));
    let rules = await dump(AF_INET);
    expect(rules.find((r) => r.priority === 5)!.table).toBe(1);
    expect(rules.find((r) => r.priority === 6)!.flags).toBe(4);
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_NOP }, [[FRA_PRIORITY, 50]]));
    rules = await dump(AF_INET);
    expect(rules.find((r) => r.priority === 6)!.flags).toBe(0);
  });

  it('an empty DELRULE deletes the local rule (nothing protects the defaults)', async () => {
    const { h, dump } = setup();
    expect(errorOf(await h.call(rule(RTM_DELRULE, AF_INET, {}, [])))!.error).toBe(0);
    expect((await dump(AF_INET)).map((r) => r.priority)).toEqual([32766, 32767]);
  });
});

describe('route lookups through the rules', () => {
  it('reports the merged table 254 for a local address until the first rule, then 255', async () => {
    const { h, get } = setup();
    expect(await get('10.0.0.1')).toBe('direct table 254');
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_TO_TBL, table: 100 }, [[FRA_PRIORITY, 100]]));
    expect(await get('10.0.0.1')).toBe('direct table 255');
  });

  it('follows from/to/fwmark selectors, goto, nop, suppress_prefixlength and the reject actions', async () => {
    const { h, route, get } = setup();
    await route('0.0.0.0', 0, 254, '10.0.0.254');
    await route('192.0.2.0', 24, 100, '10.0.0.100');
    await route('0.0.0.0', 0, 200, '10.0.0.200');
    expect(await get('192.0.2.1')).toBe('10.0.0.254 table 254');
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_TO_TBL, table: 100, dstLen: 24 }, [[FRA_PRIORITY, 100], [FRA_DST, ip4('192.0.2.0')]]));
    expect(await get('192.0.2.1')).toBe('10.0.0.100 table 100');
    expect(await get('198.51.100.1')).toBe('10.0.0.254 table 254');
    // fwmark 7 -> table 200, before the destination rule.
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_TO_TBL, table: 200 }, [[FRA_PRIORITY, 50], [FRA_FWMARK, 7]]));
    expect(await get('192.0.2.1', [[RTA_MARK, 7]])).toBe('10.0.0.200 table 200');
    expect(await get('192.0.2.1', [[RTA_MARK, 8]])).toBe('10.0.0.100 table 100');
    // from 10.0.0.1 (a local address) -> prohibit at 40.
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_PROHIBIT, srcLen: 32 }, [[FRA_PRIORITY, 40], [FRA_SRC, ip4('10.0.0.1')]]));
    expect(await get('192.0.2.1', [[RTA_SRC, ip4('10.0.0.1')]])).toBe(-13);
    // A goto at 30 jumping over the prohibit rule to 45 (nothing there yet: unresolved, skipped).
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_GOTO }, [[FRA_PRIORITY, 30], [FRA_GOTO, 45]]));
    expect(await get('192.0.2.1', [[RTA_SRC, ip4('10.0.0.1')]])).toBe(-13);
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_NOP }, [[FRA_PRIORITY, 45]]));
    expect(await get('192.0.2.1', [[RTA_SRC, ip4('10.0.0.1')]])).toBe('10.0.0.100 table 100');
    // main's default route suppressed (prefix length 0): falls through to the default table (empty) -> unreachable.
    await h.call(rule(RTM_DELRULE, AF_INET, { action: FR_ACT_TO_TBL, table: 254 }, []));
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_TO_TBL, table: 254 }, [[FRA_PRIORITY, 32766], [FRA_SUPPRESS_PREFIXLEN, 0]]));
    expect(await get('198.51.100.1')).toBe(-101);
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_UNREACHABLE }, [[FRA_PRIORITY, 10]]));
    expect(await get('198.51.100.1')).toBe(-101);
    await h.call(rule(RTM_DELRULE, AF_INET, { action: FR_ACT_UNREACHABLE }, []));
    await h.call(rule(RTM_NEWRULE, AF_INET, { action: FR_ACT_BLACKHOLE }, [[FRA_PRIORITY, 10]]));
    expect(await get('198.51.100.1')).toBe(-22);
  });
});
