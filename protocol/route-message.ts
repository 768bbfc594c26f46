import {
  AF_INET, AF_INET6, RTAX_CC_ALGO, RTA_CACHEINFO, RTA_DST, RTA_FLOW, RTA_GATEWAY, RTA_IIF, RTA_MARK, RTA_METRICS,
  RTA_MULTIPATH, RTA_OIF, RTA_PREF, RTA_PREFSRC, RTA_PRIORITY, RTA_SRC, RTA_TABLE, RTA_UID, RTA_VIA, RT_TABLE_COMPAT,
} from './constants.js';
import { NLMSG_HDRLEN } from './align.js';
import { putU32le, RTA_CACHEINFO_SIZE, RTMSG_SIZE, type RtMsg } from './structs.js';
import type { NlWriter } from './writer.js';

/** One nexthop as a message carries it (struct fib_nh_common reduced to what is reported). */
export interface RouteNexthopMessage {
  ifindex: number;
  /** RTNH_F_* of this hop; a single-path route reports them in rtm_flags. */
  flags: number;
  /** 1…256; rtnh_hops is weight − 1. */
  weight: number;
  /** Same family as the route: RTA_GATEWAY. */
  gateway?: Uint8Array | undefined;
  /** An IPv6 gateway of an IPv4 route: RTA_VIA {AF_INET6, address}. */
  via6?: Uint8Array | undefined;
  /** RTA_FLOW (IPv4 realms). */
  flow?: number | undefined;
}

/** A metric value: u32, or the congestion control name of RTAX_CC_ALGO. */
export type RouteMetric = readonly [type: number, value: number | string];

/** Everything an RTM_NEWROUTE / RTM_DELROUTE message says about one route, as plain values. */
export interface RouteMessage extends RtMsg {
  /** The full table id (RTA_TABLE); rtm_table says RT_TABLE_COMPAT above 255. */
  table: number;
  /** rtm_flags without the hop flags (they are added from a single-path route's nexthop). */
  flags: number;
  dst?: Uint8Array | undefined;
  src?: Uint8Array | undefined;
  /** IPv4 leaves a zero priority out; IPv6 always reports it. */
  priority: number;
  /** Non-zero metrics in ascending RTAX order. */
  metrics?: readonly RouteMetric[] | undefined;
  prefsrc?: Uint8Array | undefined;
  /** None for reject routes (IPv4); several make RTA_MULTIPATH. */
  nexthops: readonly RouteNexthopMessage[];
  /** IPv6: RTA_CACHEINFO rta_expires in clock_t (remaining lifetime), 0 when none. */
  expires?: number | undefined;
  /** IPv6: RTA_PREF (ICMPV6_ROUTER_PREF_*). */
  pref?: number | undefined;
  /** IPv6 `route get` only: the lookup's source (RTA_PREFSRC in the IIF position), and rta_clntref. */
  selectedSrc?: Uint8Array | undefined;
  clntref?: number | undefined;
}

/** rtm_table: table ids above 255 only fit RTA_TABLE. */
export const rtmTable = (table: number): number => (table < 256 ? table : RT_TABLE_COMPAT);

function writeRtmsg(w: NlWriter, m: Omit<RtMsg, 'flags'>, flags: number): void {
  w.u8(m.family).u8(m.dstLen).u8(m.srcLen).u8(m.tos).u8(rtmTable(m.table)).u8(m.protocol).u8(m.scope).u8(m.type).u32(flags >>> 0);
}

/** rtnetlink_put_metrics(): a nest without NLA_F_NESTED, u32 members and the CC name as a string. */
function writeMetrics(w: NlWriter, metrics: readonly RouteMetric[] | undefined): void {
  if (!metrics?.length) return;
  const at = w.nestStart(RTA_METRICS);
  for (const [type, value] of metrics) {
    if (type === RTAX_CC_ALGO) w.attrString(type, String(value));
    else w.attrU32(type, Number(value));
  }
  w.nestEnd(at);
}

/** RTA_VIA with an IPv6 gateway of an IPv4 route (struct rtvia). */
function writeVia6(w: NlWriter, gateway: Uint8Array): void {
  const at = w.nestStart(RTA_VIA);
  w.u16(AF_INET6).bytes(gateway);
  w.nestEnd(at);
}

/** fib_nexthop_info(): the gateway (or VIA) and, unless inside RTA_MULTIPATH, the device; then the realm. */
function writeHopAttrs(w: NlWriter, hop: RouteNexthopMessage, withOif: boolean): void {
  if (hop.gateway) w.attrBytes(RTA_GATEWAY, hop.gateway);
  else if (hop.via6) writeVia6(w, hop.via6);
  if (withOif && hop.ifindex) w.attrU32(RTA_OIF, hop.ifindex);
  if (hop.flow) w.attrU32(RTA_FLOW, hop.flow);
}

/** fib_add_multipath(): rtnexthop records back to back, their attributes inside each. */
function writeMultipath(w: NlWriter, hops: readonly RouteNexthopMessage[]): void {
  const at = w.nestStart(RTA_MULTIPATH);
  for (const hop of hops) {
    const rtnh = w.length;
    w.u16(0).u8(hop.flags).u8(hop.weight - 1).u32(hop.ifindex);
    writeHopAttrs(w, hop, false);
    w.patchU16(rtnh, w.length - rtnh);
  }
  w.nestEnd(at);
}

/** The flags a message reports: a single path's hop flags ride in rtm_flags. */
const reportedFlags = (m: RouteMessage): number => (m.nexthops.length === 1 ? m.flags | m.nexthops[0]!.flags : m.flags);

/** net/ipv4/fib_semantics.c: fib_dump_info(), attributes in its order. */
function fillInet4(w: NlWriter, m: RouteMessage): void {
  w.attrU32(RTA_TABLE, m.table);
  if (m.dstLen && m.dst) w.attrBytes(RTA_DST, m.dst);
  if (m.priority) w.attrU32(RTA_PRIORITY, m.priority);
  writeMetrics(w, m.metrics);
  if (m.prefsrc) w.attrBytes(RTA_PREFSRC, m.prefsrc);
  if (m.nexthops.length === 1) writeHopAttrs(w, m.nexthops[0]!, true);
  else if (m.nexthops.length > 1) writeMultipath(w, m.nexthops);
}

/** struct rta_cacheinfo: everything zero but the reference count and the remaining lifetime. */
function writeCacheinfo(w: NlWriter, clntref: number, expires: number): void {
  const at = w.nestStart(RTA_CACHEINFO);
  w.u32(clntref).u32(0).s32(expires).zeros(RTA_CACHEINFO_SIZE - 12);
  w.nestEnd(at);
}

/** net/ipv6/route.c: rt6_fill_node(), attributes in its order. */
function fillInet6(w: NlWriter, m: RouteMessage): void {
  w.attrU32(RTA_TABLE, m.table);
  if (m.dst && (m.dstLen || m.selectedSrc)) w.attrBytes(RTA_DST, m.dst);
  if (m.src && (m.srcLen || m.selectedSrc)) w.attrBytes(RTA_SRC, m.src);
  if (m.selectedSrc) w.attrBytes(RTA_PREFSRC, m.selectedSrc);
  if (m.prefsrc) w.attrBytes(RTA_PREFSRC, m.prefsrc);
  writeMetrics(w, m.metrics);
  w.attrU32(RTA_PRIORITY, m.priority);
  if (m.nexthops.length === 1) writeHopAttrs(w, m.nexthops[0]!, true);
  else if (m.nexthops.length > 1) writeMultipath(w, m.nexthops);
  writeCacheinfo(w, m.clntref ?? 0, m.expires ?? 0);
  w.attrU8(RTA_PREF, m.pref ?? 0);
}

/** The rtmsg and attributes of one route (FIB entry layout, or an IPv6 `route get` reply). */
export function writeRouteBody(w: NlWriter, m: RouteMessage): void {
  writeRtmsg(w, m, reportedFlags(m));
  (m.family === AF_INET ? fillInet4 : fillInet6)(w, m);
}

/**
 * An IPv4 FIB entry with at most one nexthop, as the model holds it: addresses as 32-bit numbers
 * (first octet highest), so the dump encodes it without a byte array per address.
 */
export interface Inet4FibEntry {
  readonly dstLen: number;
  readonly tos: number;
  readonly table: number;
  readonly protocol: number;
  readonly scope: number;
  readonly type: number;
  readonly dst: number;
  readonly priority: number;
  readonly metrics?: readonly RouteMetric[] | undefined;
  /** 0: none. */
  readonly prefsrc: number;
}

/** The one nexthop of an Inet4FibEntry, likewise. */
export interface Inet4FibHop {
  readonly ifindex: number;
  readonly gateway4?: number | undefined;
  /** An IPv6 gateway: RTA_VIA. */
  readonly gateway6?: Uint8Array | undefined;
  readonly flow: number;
}

/**
 * fib_dump_info() for a single-path (or reject) IPv4 route, straight from numbers: the same bytes
 * as writeRouteMessage() with its RouteMessage. `hopFlags` are the hop's reported RTNH_F_* (they
 * ride in rtm_flags).
 */
export function writeInet4FibEntry(
  w: NlWriter, type: number, flags: number, seq: number, pid: number, r: Inet4FibEntry, hop: Inet4FibHop | undefined, hopFlags: number,
): void {
  if (r.metrics?.length || hop?.gateway6) {
    writeInet4FibEntryNested(w, type, flags, seq, pid, r, hop, hopFlags);
    return;
  }
  // Every attribute is a bare u32: the message's length is known first, and its bytes are stored
  // in one claimed run (a dump writes one of these per route; NlWriter's calls each check room).
  const len = NLMSG_HDRLEN + RTMSG_SIZE + 8 + (r.dstLen ? 8 : 0) + (r.priority ? 8 : 0) + (r.prefsrc ? 8 : 0) +
    (hop ? (hop.gateway4 !== undefined ? 8 : 0) + (hop.ifindex ? 8 : 0) + (hop.flow ? 8 : 0) : 0);
  let p = w.claim(len);
  const b = w.buffer;
  p = putU32le(b, p, len);
  b[p] = type & 0xff;
  b[p + 1] = type >>> 8;
  b[p + 2] = flags & 0xff;
  b[p + 3] = (flags >>> 8) & 0xff;
  p = putU32le(b, p + 4, seq);
  p = putU32le(b, p, pid);
  b[p] = AF_INET;
  b[p + 1] = r.dstLen;
  b[p + 2] = 0;
  b[p + 3] = r.tos;
  b[p + 4] = rtmTable(r.table);
  b[p + 5] = r.protocol;
  b[p + 6] = r.scope;
  b[p + 7] = r.type;
  p = putU32le(b, p + 8, hopFlags);
  p = nlaU32(b, p, RTA_TABLE, r.table, false);
  if (r.dstLen) p = nlaU32(b, p, RTA_DST, r.dst, true);
  if (r.priority) p = nlaU32(b, p, RTA_PRIORITY, r.priority, false);
  if (r.prefsrc) p = nlaU32(b, p, RTA_PREFSRC, r.prefsrc, true);
  if (hop) {
    if (hop.gateway4 !== undefined) p = nlaU32(b, p, RTA_GATEWAY, hop.gateway4, true);
    if (hop.ifindex) p = nlaU32(b, p, RTA_OIF, hop.ifindex, false);
    if (hop.flow) nlaU32(b, p, RTA_FLOW, hop.flow, false);
  }
}

/** An 8-byte attribute holding a u32, in host order or (an IPv4 address) network order. */
function nlaU32(b: Buffer, p: number, type: number, v: number, bigEndian: boolean): number {
  b[p] = 8;
  b[p + 1] = 0;
  b[p + 2] = type;
  b[p + 3] = 0;
  if (!bigEndian) return putU32le(b, p + 4, v);
  b[p + 4] = (v >>> 24) & 0xff;
  b[p + 5] = (v >>> 16) & 0xff;
  b[p + 6] = (v >>> 8) & 0xff;
  b[p + 7] = v & 0xff;
  return p + 8;
}

/** writeInet4FibEntry() with metrics or an IPv6 gateway: nested attributes, through the writer. */
function writeInet4FibEntryNested(
  w: NlWriter, type: number, flags: number, seq: number, pid: number, r: Inet4FibEntry, hop: Inet4FibHop | undefined, hopFlags: number,
): void {
  const at = w.msgStart(type, flags, seq, pid);
  w.u8(AF_INET).u8(r.dstLen).u8(0).u8(r.tos).u8(rtmTable(r.table)).u8(r.protocol).u8(r.scope).u8(r.type).u32(hopFlags >>> 0);
  w.attrU32(RTA_TABLE, r.table);
  if (r.dstLen) w.attrBe32(RTA_DST, r.dst);
  if (r.priority) w.attrU32(RTA_PRIORITY, r.priority);
  writeMetrics(w, r.metrics);
  if (r.prefsrc) w.attrBe32(RTA_PREFSRC, r.prefsrc);
  if (hop) {
    if (hop.gateway4 !== undefined) w.attrBe32(RTA_GATEWAY, hop.gateway4);
    else if (hop.gateway6) writeVia6(w, hop.gateway6);
    if (hop.ifindex) w.attrU32(RTA_OIF, hop.ifindex);
    if (hop.flow) w.attrU32(RTA_FLOW, hop.flow);
  }
  w.msgEnd(at);
}

/** A complete RTM_NEWROUTE / RTM_DELROUTE message. */
export function writeRouteMessage(w: NlWriter, type: number, flags: number, seq: number, pid: number, m: RouteMessage): void {
  const at = w.msgStart(type, flags, seq, pid);
  writeRouteBody(w, m);
  w.msgEnd(at);
}

/** What an IPv4 `ip route get` answers (net/ipv4/route.c: rt_fill_info). */
export interface Inet4RouteGetReply {
  tos: number;
  table: number;
  type: number;
  /** RTM_F_CLONED | the RTCF_* bits of the cached route. */
  flags: number;
  /** Addresses as 32-bit numbers (the model's own form: no byte array per reply). */
  dst: number;
  src: number | undefined;
  oif: number;
  prefsrc: number | undefined;
  gateway: number | undefined;
  metrics: readonly RouteMetric[] | undefined;
  mark: number;
  /** Output lookups only. */
  uid: number | undefined;
  /** Input lookups only. */
  iif: number | undefined;
}

/** rt_fill_info(): a /32 "cached route" answer, attributes in its order. */
export function writeInet4RouteGet(w: NlWriter, seq: number, pid: number, type: number, r: Inet4RouteGetReply): void {
  const at = w.msgStart(type, 0, seq, pid);
  writeRtmsg(w, { family: AF_INET, dstLen: 32, srcLen: r.src !== undefined ? 32 : 0, tos: r.tos, table: r.table, protocol: 0, scope: 0, type: r.type }, r.flags);
  w.attrU32(RTA_TABLE, r.table);
  w.attrBe32(RTA_DST, r.dst);
  if (r.src !== undefined) w.attrBe32(RTA_SRC, r.src);
  if (r.oif) w.attrU32(RTA_OIF, r.oif);
  if (r.prefsrc !== undefined) w.attrBe32(RTA_PREFSRC, r.prefsrc);
  if (r.gateway !== undefined) w.attrBe32(RTA_GATEWAY, r.gateway);
  writeMetrics(w, r.metrics);
  if (r.mark) w.attrU32(RTA_MARK, r.mark);
  if (r.uid !== undefined) w.attrU32(RTA_UID, r.uid);
  if (r.iif !== undefined) w.attrU32(RTA_IIF, r.iif);
  writeCacheinfo(w, 2, 0);
  w.msgEnd(at);
}
