import { NLA_HDRLEN } from './align.js';
import { attrMap, readString, readU32, readU8, walkAttrs } from './attr-walk.js';
import {
  AF_INET, RTAX_CC_ALGO, RTAX_FEATURES, RTAX_HOPLIMIT, RTAX_MAX, RTAX_MTU, RTA_CACHEINFO, RTA_DST, RTA_FLOW, RTA_GATEWAY,
  RTA_METRICS, RTA_MULTIPATH, RTA_OIF, RTA_PREF, RTA_PREFSRC, RTA_PRIORITY, RTA_SRC, RTA_TABLE, RTA_VIA,
} from './constants.js';
import { Errno } from './errno.js';
import { NlError } from './nl-error.js';
import type { AttrTable, NlAttr } from './policy.js';
import type { RouteMessage, RouteMetric, RouteNexthopMessage } from './route-message.js';
import { decodeRtMsg, decodeRtNexthop, NLMSGHDR_SIZE, RTMSG_SIZE, RTNEXTHOP_SIZE, type RtNexthop } from './structs.js';

// --- request side: the nests of RTM_NEWROUTE / RTM_DELROUTE ---

/** One rtnexthop of an RTA_MULTIPATH request and its attributes (offsets from the message start). */
export interface RequestNexthop {
  rtnh: RtNexthop;
  attrs: AttrTable;
}

/**
 * The rtnexthop records of RTA_MULTIPATH (rtnh_ok / rtnh_next). `leftover` counts bytes after
 * the last complete record, which IPv4 refuses and IPv6 ignores.
 */
export function decodeMultipath(attr: NlAttr): { hops: RequestNexthop[]; leftover: number } {
  const hops: RequestNexthop[] = [];
  const data = attr.data;
  let pos = 0;
  while (data.length - pos >= RTNEXTHOP_SIZE) {
    const rtnh = decodeRtNexthop(data, pos);
    if (rtnh.len < RTNEXTHOP_SIZE || rtnh.len > data.length - pos) break;
    const attrs: AttrTable = new Map();
    let at = pos + RTNEXTHOP_SIZE;
    const end = pos + rtnh.len;
    // nla_find(): the first attribute of each type, malformed tails end the walk.
    while (end - at >= NLA_HDRLEN) {
      const len = data.readUInt16LE(at);
      if (len < NLA_HDRLEN || len > end - at) break;
      const rawType = data.readUInt16LE(at + 2);
      const type = rawType & 0x3fff;
      if (!attrs.has(type)) {
        attrs.set(type, { type, nested: (rawType & 0x8000) !== 0, offset: attr.offset + NLA_HDRLEN + at, data: data.subarray(at + NLA_HDRLEN, at + len) });
      }
      at += (len + 3) & ~3;
    }
    hops.push({ rtnh, attrs });
    pos += (rtnh.len + 3) & ~3;
  }
  return { hops, leftover: Math.max(0, data.length - pos) };
}

/** RTAX_FEATURE_ECN | SACK | TIMESTAMP | ALLFRAG | TCP_USEC_TS: what a user may set. */
const RTAX_FEATURE_MASK = 0x1f;
/** IP_MAX_MTU: RTAX_MTU is clamped to it. */
const IP_MAX_MTU = 0xfff0;
/** The congestion control algorithms this "kernel" has (tcp_ca_get_key_by_name). */
const CC_ALGORITHMS = new Set(['reno', 'cubic']);

/**
 * net/ipv4/metrics.c: ip_metrics_convert(). Type 0 is skipped, later members of one type win,
 * HOPLIMIT and MTU are clamped; the result lists non-zero metrics in ascending RTAX order.
 */
export function decodeMetrics(attr: NlAttr): RouteMetric[] {
  const values = new Map<number, number | string>();
  const data = attr.data;
  for (let at = 0; data.length - at >= NLA_HDRLEN;) {
    const len = data.readUInt16LE(at);
    if (len < NLA_HDRLEN || len > data.length - at) break;
    const type = data.readUInt16LE(at + 2) & 0x3fff;
    const payload = data.subarray(at + NLA_HDRLEN, at + len);
    const offset = attr.offset + NLA_HDRLEN + at;
    at += (len + 3) & ~3;
    if (!type) continue;
    if (type > RTAX_MAX) throw new NlError(Errno.EINVAL, 'Invalid metric type');
    if (type === RTAX_CC_ALGO) {
      const name = payload.toString('utf8', 0, payload.indexOf(0) < 0 ? payload.length : payload.indexOf(0));
      if (!CC_ALGORITHMS.has(name)) throw new NlError(Errno.EINVAL, 'Unknown tcp congestion algorithm');
      values.set(type, name);
      continue;
    }
    if (payload.length !== 4) throw new NlError(Errno.EINVAL, 'Invalid attribute in metrics', offset);
    let value = payload.readUInt32LE(0);
    if (type === RTAX_HOPLIMIT && value > 255) value = 255;
    if (type === RTAX_MTU && value > IP_MAX_MTU) value = IP_MAX_MTU;
    if (type === RTAX_FEATURES && value & ~RTAX_FEATURE_MASK) {
      throw new NlError(Errno.EINVAL, 'Unknown flag set in feature mask in metrics attribute');
    }
    values.set(type, value);
  }
  return [...values].filter(([, v]) => v !== 0).sort((a, b) => a[0] - b[0]);
}

// --- reply side: a route message read back into a RouteMessage ---

const bytes = (b: Buffer | undefined) => (b ? new Uint8Array(b) : undefined);

function decodeHop(flags: number, weight: number, ifindex: number, tb: Map<number, Buffer>): RouteNexthopMessage {
  const via = tb.get(RTA_VIA);
  return {
    ifindex, flags, weight, gateway: bytes(tb.get(RTA_GATEWAY)),
    via6: via && via.length >= 18 ? new Uint8Array(via.subarray(2, 18)) : undefined,
    flow: readU32(tb.get(RTA_FLOW)),
  };
}

/**
 * Decodes an RTM_NEWROUTE / RTM_DELROUTE message (header included) as route-message.ts encodes
 * it. A single path's hop flags stay in `flags` (rtm_flags) and the hop reads flags 0.
 */
export function decodeRouteMessage(msg: Buffer): RouteMessage {
  const len = Math.min(msg.length, msg.readUInt32LE(0));
  const rtm = decodeRtMsg(msg.subarray(0, len), NLMSGHDR_SIZE);
  const tb = attrMap(walkAttrs(msg, NLMSGHDR_SIZE + RTMSG_SIZE, len));
  let nexthops: RouteNexthopMessage[] = [];
  const mp = tb.get(RTA_MULTIPATH);
  if (mp) {
    for (let at = 0; mp.length - at >= RTNEXTHOP_SIZE;) {
      const rtnh = decodeRtNexthop(mp, at);
      if (rtnh.len < RTNEXTHOP_SIZE || rtnh.len > mp.length - at) break;
      nexthops.push(decodeHop(rtnh.flags, rtnh.hops + 1, rtnh.ifindex, attrMap(walkAttrs(mp, at + RTNEXTHOP_SIZE, at + rtnh.len))));
      at += (rtnh.len + 3) & ~3;
    }
  } else if (tb.has(RTA_OIF) || tb.has(RTA_GATEWAY) || tb.has(RTA_VIA)) {
    nexthops = [decodeHop(0, 1, readU32(tb.get(RTA_OIF)) ?? 0, tb)];
  }
  const metrics: RouteMetric[] = [];
  const mx = tb.get(RTA_METRICS);
  if (mx) {
    for (const a of walkAttrs(mx)) metrics.push([a.type, a.type === RTAX_CC_ALGO ? readString(a.data)! : a.data.readUInt32LE(0)]);
  }
  const ci = tb.get(RTA_CACHEINFO);
  const inet6 = rtm.family !== AF_INET;
  return {
    family: rtm.family, dstLen: rtm.dstLen, srcLen: rtm.srcLen, tos: rtm.tos,
    table: readU32(tb.get(RTA_TABLE)) ?? rtm.table, protocol: rtm.protocol, scope: rtm.scope, type: rtm.type, flags: rtm.flags,
    dst: bytes(tb.get(RTA_DST)), src: bytes(tb.get(RTA_SRC)), priority: readU32(tb.get(RTA_PRIORITY)) ?? 0,
    metrics: metrics.length ? metrics : undefined, prefsrc: bytes(tb.get(RTA_PREFSRC)), nexthops,
    expires: inet6 && ci && ci.length >= 12 ? ci.readInt32LE(8) : undefined,
    pref: inet6 ? readU8(tb.get(RTA_PREF)) : undefined,
    clntref: inet6 && ci && ci.length >= 4 && ci.readUInt32LE(0) ? ci.readUInt32LE(0) : undefined,
  };
}
