import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AF_INET, AF_INET6, RTA_DST, RTA_GATEWAY, RTA_METRICS, RTA_MULTIPATH, RTA_OIF, RTM_DELROUTE, RTM_NEWROUTE,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrU32, parseAttrs } from '../../protocol/policy.js';
import { decodeMetrics, decodeMultipath, decodeRouteMessage } from '../../protocol/route-decode.js';
import { writeInet4RouteGet, writeRouteMessage, type RouteMessage } from '../../protocol/route-message.js';
import { RTM_IPV4_POLICY, RTM_IPV6_POLICY } from '../../protocol/route-policy.js';
import { NLMSGHDR_SIZE, RTMSG_SIZE, decodeNlMsgHdr } from '../../protocol/structs.js';
import { NlWriter } from '../../protocol/writer.js';
import { hex } from '../helpers/fixtures.js';

// Route messages against the kernel's bytes: spec Appendix A (kernel-probes/routes/rcap.py on
// Linux 6.18.44), converted by test/fixtures/routes-capture.py into test/fixtures/kernel/routes.json.

interface Section {
  id: string;
  title: string;
  request: string;
  replies: Array<{ summary: string; hex: string }>;
  notifications: Array<{ summary: string; hex: string }>;
}
const CAPTURE = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'kernel', 'routes.json'), 'utf8')) as { sections: Section[] };
const section = (id: string) => CAPTURE.sections.find((s) => s.id === id)!;
const PORTID = 12800;

const ip4 = (s: string) => new Uint8Array(s.split('.').map(Number));
function ip6(...words: number[]): Uint8Array {
  const b = new Uint8Array(16);
  words.forEach((w, i) => {
    b[i * 2] = w >> 8;
    b[i * 2 + 1] = w & 0xff;
  });
  return b;
}
/** fe80::N */
const ll = (n: number) => ip6(0xfe80, 0, 0, 0, 0, 0, 0, n);

function encode(type: number, flags: number, seq: number, m: RouteMessage): string {
  const w = new NlWriter();
  writeRouteMessage(w, type, flags, seq, PORTID, m);
  return w.take().toString('hex');
}

const v4 = (m: Partial<RouteMessage>): RouteMessage => ({
  family: AF_INET, dstLen: 24, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0, priority: 0, nexthops: [], ...m,
});
const v6 = (m: Partial<RouteMessage>): RouteMessage => ({
  family: AF_INET6, dstLen: 64, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 0, priority: 1024, nexthops: [], ...m,
});

describe('route messages as the kernel writes them (values → bytes)', () => {
  it('A.1 IPv4 route via a gateway', () => {
    const m = v4({ dst: ip4('10.10.0.0'), nexthops: [{ ifindex: 3, flags: 0, weight: 1, gateway: ip4('10.0.0.2') }] });
    expect(encode(RTM_NEWROUTE, 0x600, 1, m)).toBe(section('A.1').notifications[0]!.hex);
  });

  it('A.2 IPv4 route in table 100 with priority, metrics and prefsrc', () => {
    const m = v4({
      dst: ip4('10.11.0.0'), table: 100, priority: 100, metrics: [[1, 4], [2, 1400], [8, 1360]], prefsrc: ip4('10.0.0.1'),
      nexthops: [{ ifindex: 3, flags: 0, weight: 1, gateway: ip4('10.0.0.2') }],
    });
    expect(encode(RTM_NEWROUTE, 0x600, 2, m)).toBe(section('A.2').notifications[0]!.hex);
  });

  it('A.3 IPv4 multipath with weights 1 and 3', () => {
    const m = v4({
      dst: ip4('10.12.0.0'),
      nexthops: [{ ifindex: 3, flags: 0, weight: 1, gateway: ip4('10.0.0.2') }, { ifindex: 5, flags: 0, weight: 3, gateway: ip4('10.0.1.2') }],
    });
    expect(encode(RTM_NEWROUTE, 0x600, 3, m)).toBe(section('A.3').notifications[0]!.hex);
  });

  it('A.5 the kernel prefix, local and broadcast routes as dump entries', () => {
    const kernel = { protocol: 2, prefsrc: ip4('10.0.0.1'), nexthops: [{ ifindex: 3, flags: 0, weight: 1 }] };
    const dump = section('A.5').replies.map((r) => r.hex);
    expect(dump).toContain(encode(RTM_NEWROUTE, 2, 5, v4({ ...kernel, dst: ip4('10.0.0.0'), scope: 253 })));
    expect(dump).toContain(encode(RTM_NEWROUTE, 2, 5, v4({ ...kernel, dst: ip4('10.0.0.1'), dstLen: 32, table: 255, scope: 254, type: 2 })));
    expect(dump).toContain(encode(RTM_NEWROUTE, 2, 5, v4({ ...kernel, dst: ip4('10.0.0.255'), dstLen: 32, table: 255, scope: 253, type: 3 })));
  });

  it('A.6 IPv6 route via a link-local gateway: PRIORITY, CACHEINFO and PREF always', () => {
    const m = v6({ dst: ip6(0x2001, 0xdb8, 0x10), nexthops: [{ ifindex: 3, flags: 0, weight: 1, gateway: ll(2) }] });
    expect(encode(RTM_NEWROUTE, 0x600, 6, m)).toBe(section('A.6').notifications[0]!.hex);
  });

  it('A.7 IPv6 ECMP siblings as one RTA_MULTIPATH', () => {
    const m = v6({
      dst: ip6(0x2001, 0xdb8, 0x11),
      nexthops: [{ ifindex: 3, flags: 0, weight: 1, gateway: ll(2) }, { ifindex: 5, flags: 0, weight: 2, gateway: ll(3) }],
    });
    expect(encode(RTM_NEWROUTE, 0x400, 7, m)).toBe(section('A.7').notifications[0]!.hex);
  });

  it('A.8 IPv6 local /128 and ff00::/8 dump entries', () => {
    const dump = section('A.8').replies.map((r) => r.hex);
    const local = v6({ dst: ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), dstLen: 128, table: 255, protocol: 2, type: 2, priority: 0, nexthops: [{ ifindex: 3, flags: 0, weight: 1 }] });
    const mcast = v6({ dst: ip6(0xff00), dstLen: 8, table: 255, protocol: 2, type: 5, priority: 256, nexthops: [{ ifindex: 2, flags: 0, weight: 1 }] });
    expect(dump).toContain(encode(RTM_NEWROUTE, 2, 8, local));
    expect(dump).toContain(encode(RTM_NEWROUTE, 2, 8, mcast));
  });

  it('A.14 IPv4 DELROUTE notification', () => {
    const m = v4({ dst: ip4('10.10.0.0'), nexthops: [{ ifindex: 3, flags: 0, weight: 1, gateway: ip4('10.0.0.2') }] });
    expect(encode(RTM_DELROUTE, 0, 14, m)).toBe(section('A.14').notifications[0]!.hex);
  });

  it('A.16 IPv4 route get reply (rt_fill_info)', () => {
    const int4 = (a: string) => Buffer.from(ip4(a)).readInt32BE(0);
    const w = new NlWriter();
    writeInet4RouteGet(w, 16, PORTID, RTM_NEWROUTE, {
      tos: 0, table: 254, type: 1, flags: 0x200, dst: int4('10.12.0.5'), src: undefined, oif: 5, prefsrc: int4('10.0.1.1'), gateway: int4('10.0.1.2'),
      metrics: undefined, mark: 0, uid: 0, iif: undefined,
    });
    expect(w.take().toString('hex')).toBe(section('A.16').replies[0]!.hex);
  });

  it('A.17 IPv6 route get reply: RTA_SRC :: and the selected source', () => {
    const m = v6({
      dst: ip6(0x2001, 0xdb8, 0x10, 0, 0, 0, 0, 5), dstLen: 128, src: new Uint8Array(16), srcLen: 128, selectedSrc: ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
      clntref: 2, nexthops: [{ ifindex: 3, flags: 0, weight: 1, gateway: ll(2) }],
    });
    expect(encode(RTM_NEWROUTE, 0, 17, m)).toBe(section('A.17').replies[0]!.hex);
  });
});

describe('route messages read back (bytes → values → the same bytes)', () => {
  const routeMessages = CAPTURE.sections.flatMap((s) => [...s.replies, ...s.notifications].map((r) => ({ id: s.id, ...r })))
    .filter((r) => [RTM_NEWROUTE, RTM_DELROUTE].includes(hex(r.hex).readUInt16LE(4)) && r.id !== 'A.16');

  it('covers every FIB message shape of the captures', () => {
    expect(routeMessages.length).toBeGreaterThan(30);
  });

  it.each(routeMessages.map((r) => [r.id, r.summary.slice(0, 60), r.hex]))('%s %s', (_id, _s, bytes) => {
    const msg = hex(bytes);
    const h = decodeNlMsgHdr(msg);
    const m = decodeRouteMessage(msg);
    const w = new NlWriter();
    writeRouteMessage(w, h.type, h.flags, h.seq, h.pid, m);
    expect(w.take().toString('hex')).toBe(bytes);
  });

  it('decodes A.3 into two weighted hops and A.2 into its metrics', () => {
    const mp = decodeRouteMessage(hex(section('A.3').notifications[0]!.hex));
    expect(mp.nexthops.map((h) => [h.ifindex, h.weight, Buffer.from(h.gateway!).toString('hex')])).toEqual([[3, 1, '0a000002'], [5, 3, '0a000102']]);
    expect(decodeRouteMessage(hex(section('A.2').notifications[0]!.hex)).metrics).toEqual([[1, 4], [2, 1400], [8, 1360]]);
  });
});

describe('route requests (bytes → values)', () => {
  const attrsOf = (msg: Buffer, family = AF_INET) =>
    parseAttrs(msg, NLMSGHDR_SIZE + RTMSG_SIZE, msg.length, family === AF_INET ? RTM_IPV4_POLICY : RTM_IPV6_POLICY, false).attrs;

  it('A.1 request: DST and GATEWAY pass the IPv4 policy', () => {
    const tb = attrsOf(hex(section('A.1').request));
    expect(Buffer.from(tb.get(RTA_DST)!.data).toString('hex')).toBe('0a0a0000');
    expect(Buffer.from(tb.get(RTA_GATEWAY)!.data).toString('hex')).toBe('0a000002');
  });

  it('A.2 request: metrics as the kernel stores them', () => {
    const tb = attrsOf(hex(section('A.2').request));
    expect(decodeMetrics(tb.get(RTA_METRICS)!)).toEqual([[1, 4], [2, 1400], [8, 1360]]);
    expect(attrU32(tb.get(RTA_OIF)!)).toBe(3);
  });

  it('A.3 request: rtnexthops with gateways, offsets from the message start', () => {
    const tb = attrsOf(hex(section('A.3').request));
    const { hops, leftover } = decodeMultipath(tb.get(RTA_MULTIPATH)!);
    expect(leftover).toBe(0);
    expect(hops.map((h) => [h.rtnh.ifindex, h.rtnh.hops, h.attrs.get(RTA_GATEWAY)!.offset])).toEqual([[3, 0, 48], [5, 2, 64]]);
  });

  it('A.7 request: IPv6 multipath hops', () => {
    const tb = attrsOf(hex(section('A.7').request), AF_INET6);
    expect(decodeMultipath(tb.get(RTA_MULTIPATH)!).hops.map((h) => h.rtnh.ifindex)).toEqual([3, 5]);
  });

  it('a 2-byte RTA_DST fails the IPv4 policy with ERANGE, OFFS 28 and a u32 POLICY nest', () => {
    const msg = hex('24000000180005060100000000000000' + '02180000fe030001' + '00000000' + '060001000a0a0000');
    try {
      attrsOf(msg);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NlError);
      const err = e as NlError;
      expect([err.errno, err.extMsg, err.offset]).toEqual([Errno.ERANGE, 'Attribute failed policy validation', 28]);
      expect(err.policy?.entries.map((x) => x[0])).toEqual([4, 5, 1]);
    }
  });

  it('metrics errors: unknown type, short member, bad features; clamps for HOPLIMIT and MTU', () => {
    const nest = (...members: Buffer[]) => ({ type: RTA_METRICS, nested: false, offset: 28, data: Buffer.concat(members) });
    const u32 = (t: number, v: number) => {
      const b = Buffer.alloc(8);
      b.writeUInt16LE(8, 0);
      b.writeUInt16LE(t, 2);
      b.writeUInt32LE(v >>> 0, 4);
      return b;
    };
    expect(() => decodeMetrics(nest(u32(18, 1)))).toThrow('Invalid metric type');
    expect(() => decodeMetrics(nest(hex('0600020001000000')))).toThrow('Invalid attribute in metrics');
    expect(() => decodeMetrics(nest(u32(12, 0x100)))).toThrow('Unknown flag set in feature mask');
    expect(decodeMetrics(nest(u32(10, 300), u32(2, 0xffffffff), u32(0, 5)))).toEqual([[2, 65520], [10, 255]]);
  });
});
