import {
  AF_INET, AF_INET6, NLM_F_APPEND, NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REPLACE, RTA_DST, RTA_ENCAP,
  RTA_ENCAP_TYPE, RTA_EXPIRES, RTA_FLOW, RTA_FLOWLABEL, RTA_GATEWAY, RTA_METRICS, RTA_MULTIPATH, RTA_NH_ID, RTA_OIF,
  RTA_PREF, RTA_PREFSRC, RTA_PRIORITY, RTA_SRC, RTA_TABLE, RTA_VIA, RTM_F_CLONED, RTN_MAX, RTN_UNICAST, RTPROT_BOOT, RTNH_F_DEAD,
  RTNH_F_LINKDOWN, RTNH_F_ONLINK, RT_TABLE_MAIN, ICMPV6_ROUTER_PREF_HIGH, ICMPV6_ROUTER_PREF_LOW,
  ICMPV6_ROUTER_PREF_MEDIUM,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrU16, attrU32, attrU8, parseAttrs, type AttrTable, type NlAttr, type Policy } from '../../protocol/policy.js';
import { decodeMetrics, decodeMultipath } from '../../protocol/route-decode.js';
import { readPlainRoute4, type PlainRoute4 } from '../../protocol/route-plain.js';
import { RTM_IPV4_POLICY, RTM_IPV6_POLICY } from '../../protocol/route-policy.js';
import { decodeRtMsg, NLMSGHDR_SIZE, RTMSG_SIZE, type RtMsg } from '../../protocol/structs.js';
import type { NewRouteFlags } from '../model/routes/host.js';
import type { Route4Config, Route4Match } from '../model/routes/inet4.js';
import type { Route6Config, Route6Match } from '../model/routes/inet6.js';
import { ipv4ToInt, maskIpv6, MASK4 } from '../model/routes/prefix.js';
import type { Metrics, Nexthop } from '../model/routes/route.js';
import { einval } from './errors.js';
import { causeOf, type Request } from './request.js';

const PAYLOAD_START = NLMSGHDR_SIZE + RTMSG_SIZE;
/** LWTUNNEL_ENCAP_MAX: types 1…10 exist (mpls, ip, ila, ip6, seg6, bpf, seg6_local, rpl, ioam6, xfrm). */
const LWTUNNEL_ENCAP_MAX = 10;

/** The rtmsg and attributes of a route request (nlmsg_parse_deprecated: unknown types ignored). */
export function parseRouteRequest(req: Request, policy: Policy, shortMessage?: string): { rtm: RtMsg; tb: AttrTable } {
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval(shortMessage);
  const parsed = parseAttrs(msg, PAYLOAD_START, msg.length, policy, false);
  req.warning = parsed.warning;
  return { rtm: decodeRtMsg(msg, NLMSGHDR_SIZE), tb: parsed.attrs };
}

/** The 16 combinations of NLM_F_REPLACE, EXCL, CREATE and APPEND (bits 8-11), made once. */
const FLAG_SETS: readonly NewRouteFlags[] = Array.from({ length: 16 }, (_, i) => {
  const f = i << 8;
  return Object.freeze({ create: (f & NLM_F_CREATE) !== 0, excl: (f & NLM_F_EXCL) !== 0, replace: (f & NLM_F_REPLACE) !== 0, append: (f & NLM_F_APPEND) !== 0 });
});

const newRouteFlags = (req: Request): NewRouteFlags => FLAG_SETS[(req.hdr.flags >> 8) & 15]!;

const requester = (req: Request) => causeOf(req, (req.hdr.flags & NLM_F_ECHO) !== 0);

/** lwtunnel_valid_encap_type(): rtnld models no lightweight tunnels. */
function checkEncapType(a: NlAttr | undefined): void {
  if (!a) return;
  const type = attrU16(a);
  if (type === 0 || type > LWTUNNEL_ENCAP_MAX) throw einval('Unknown lwt encapsulation type');
  throw new NlError(Errno.EOPNOTSUPP, 'rtnld: lightweight tunnel encapsulation is not modelled');
}

const NO_GATEWAY: Pick<Nexthop, 'gateway4' | 'gateway6'> = Object.freeze({});

const metricsOf = (tb: AttrTable): Metrics | undefined => {
  const a = tb.get(RTA_METRICS);
  return a ? decodeMetrics(a) : undefined;
};

// --- IPv4 (fib_frontend.c) ---

/** fib_gw_from_via(): RTA_VIA {family, address}. */
function gatewayFromVia(a: NlAttr): Pick<Nexthop, 'gateway4' | 'gateway6'> {
  if (a.data.length < 2) throw einval('Invalid attribute length for RTA_VIA');
  const family = a.data.readUInt16LE(0);
  const addr = a.data.subarray(2);
  if (family === AF_INET) {
    if (addr.length !== 4) throw einval('Invalid IPv4 address in RTA_VIA');
    return { gateway4: ipv4ToInt(addr) };
  }
  if (family === AF_INET6) {
    if (addr.length !== 16) throw einval('Invalid IPv6 address in RTA_VIA');
    return { gateway6: new Uint8Array(addr) };
  }
  throw einval('Unsupported address family in RTA_VIA');
}

/** fib_get_nhs(): the rtnexthops of RTA_MULTIPATH, each with its own gateway, realm and weight. */
function inetMultipath(attr: NlAttr, rtmFlags: number): Nexthop[] {
  const { hops, leftover } = decodeMultipath(attr);
  if (leftover > 0 || hops.length === 0) throw einval('Invalid nexthop configuration - extra data after nexthops');
  return hops.map(({ rtnh, attrs }) => {
    if (rtnh.flags & (RTNH_F_DEAD | RTNH_F_LINKDOWN)) throw einval('Invalid flags for nexthop - can not contain DEAD or LINKDOWN');
    const gw = attrs.get(RTA_GATEWAY);
    const via = attrs.get(RTA_VIA);
    if (gw && via) throw einval('Nexthop configuration can not contain both GATEWAY and VIA');
    let gateway: Pick<Nexthop, 'gateway4' | 'gateway6'> = {};
    if (gw) {
      if (gw.data.length < 4) throw einval('Invalid IPv4 address in RTA_GATEWAY');
      const g = ipv4ToInt(gw.data);
      if (g) gateway = { gateway4: g };
    } else if (via) {
      gateway = gatewayFromVia(via);
    }
    const flow = attrs.get(RTA_FLOW);
    if (flow && flow.data.length < 4) throw einval('Invalid RTA_FLOW');
    checkEncapType(attrs.get(RTA_ENCAP_TYPE));
    return { ifindex: rtnh.ifindex, weight: rtnh.hops + 1, flags: (rtmFlags & 0xff) | rtnh.flags, flow: flow ? attrU32(flow) : 0, ...gateway };
  });
}

/** Where readPlainRoute4 reads a request (one at a time: its values are copied out before the next). */
const plain: PlainRoute4 = { dstLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0, dst: 0, gateway: 0, oif: 0, priority: 0, prefsrc: 0, rtaTable: -1 };

/**
 * rtm_to_fib_config() of a plain request (readPlainRoute4): the checks of inetConfig that such a
 * request can fail, in the same order, and the same fib_config, without parsing it into a table.
 */
function plainInetConfig(p: PlainRoute4): Route4Config {
  if (p.tos & 3) throw einval('Invalid dsfield (tos): ECN bits must be 0');
  if (p.type > RTN_MAX) throw einval('Invalid route type');
  if (p.dstLen > 32) throw einval('Invalid prefix length');
  if ((p.dst & ~MASK4[p.dstLen]!) !== 0) throw einval('Invalid prefix for given prefix length');
  const table = p.rtaTable >= 0 ? p.rtaTable : p.table;
  return {
    table: table || RT_TABLE_MAIN, dst: p.dst, dstLen: p.dstLen, tos: p.tos, protocol: p.protocol, scope: p.scope,
    type: p.type, priority: p.priority, prefsrc: p.prefsrc, flags: p.flags,
    nexthops: [{ ifindex: p.oif, gateway4: p.gateway || undefined, gateway6: undefined, weight: 1, flags: 0, flow: 0 }],
    multipath: false, metrics: undefined, nhId: 0,
  };
}

/** rtm_to_fib_config(): the request as a fib_config, with its header checks. */
function inetConfig(req: Request): { cfg: Route4Config; multipathGiven: boolean } {
  if (readPlainRoute4(req.message, plain)) return { cfg: plainInetConfig(plain), multipathGiven: false };
  const { rtm, tb } = parseRouteRequest(req, RTM_IPV4_POLICY);
  if (rtm.tos & 3) throw einval('Invalid dsfield (tos): ECN bits must be 0');
  if (rtm.type > RTN_MAX) throw einval('Invalid route type');
  const gw = tb.get(RTA_GATEWAY);
  const via = tb.get(RTA_VIA);
  let gateway: Pick<Nexthop, 'gateway4' | 'gateway6'> = NO_GATEWAY;
  if (via) gateway = gatewayFromVia(via);
  if (gw) gateway = attrU32(gw) ? { gateway4: ipv4ToInt(gw.data) } : NO_GATEWAY;
  checkEncapType(tb.get(RTA_ENCAP_TYPE));
  const dstAttr = tb.get(RTA_DST);
  const dst = dstAttr ? ipv4ToInt(dstAttr.data) : 0;
  if (rtm.dstLen > 32) throw einval('Invalid prefix length');
  if ((dst & ~MASK4[rtm.dstLen]!) !== 0) throw einval('Invalid prefix for given prefix length');
  const oif = tb.has(RTA_OIF) ? attrU32(tb.get(RTA_OIF)!) : 0;
  const nhId = tb.has(RTA_NH_ID) ? attrU32(tb.get(RTA_NH_ID)!) : 0;
  const mp = tb.get(RTA_MULTIPATH);
  if (nhId && (oif || gateway.gateway4 !== undefined || gateway.gateway6 || tb.has(RTA_ENCAP) || mp)) {
    throw einval('Nexthop specification and nexthop id are mutually exclusive');
  }
  if (gw && via) throw einval('Nexthop configuration can not contain both GATEWAY and VIA');
  const flow = tb.has(RTA_FLOW) ? attrU32(tb.get(RTA_FLOW)!) : 0;
  const metrics = metricsOf(tb);
  let nexthops: Nexthop[] = [{ ifindex: oif, gateway4: gateway.gateway4, gateway6: gateway.gateway6, weight: 1, flags: 0, flow }];
  if (mp) {
    nexthops = inetMultipath(mp, rtm.flags);
    const first = nexthops[0]!;
    if (oif && first.ifindex !== oif) throw einval('Nexthop device index does not match RTA_OIF');
    if ((gateway.gateway4 !== undefined && first.gateway4 !== gateway.gateway4) || (gateway.gateway6 && !first.gateway6)) {
      throw einval('Nexthop gateway does not match RTA_GATEWAY or RTA_VIA');
    }
    if (flow && first.flow !== flow) throw einval('Nexthop class id does not match RTA_FLOW');
  }
  const table = tb.has(RTA_TABLE) ? attrU32(tb.get(RTA_TABLE)!) : rtm.table;
  return {
    multipathGiven: mp !== undefined,
    cfg: {
      table: table || RT_TABLE_MAIN, dst, dstLen: rtm.dstLen, tos: rtm.tos, protocol: rtm.protocol, scope: rtm.scope,
      type: rtm.type, priority: tb.has(RTA_PRIORITY) ? attrU32(tb.get(RTA_PRIORITY)!) : 0,
      prefsrc: tb.has(RTA_PREFSRC) ? ipv4ToInt(tb.get(RTA_PREFSRC)!.data) : 0, flags: rtm.flags,
      nexthops, multipath: mp !== undefined && nexthops.length > 1, metrics, nhId,
    },
  };
}

/** fib_frontend.c: inet_rtm_newroute(). A one-hop RTA_MULTIPATH is stored as a plain route. */
export function inetNewRoute(req: Request): void {
  const { cfg } = inetConfig(req);
  req.model.routes.inet.add(cfg, newRouteFlags(req), requester(req));
}

/** fib_frontend.c: inet_rtm_delroute(). */
export function inetDelRoute(req: Request): void {
  const { cfg, multipathGiven: mp } = inetConfig(req);
  if (cfg.nhId) throw einval('Nexthop id does not exist');
  const first = cfg.nexthops[0]!;
  const m: Route4Match = {
    table: cfg.table, dst: cfg.dst, dstLen: cfg.dstLen, tos: cfg.tos, type: cfg.type, scope: cfg.scope, prefsrc: cfg.prefsrc,
    protocol: cfg.protocol, priority: cfg.priority, oif: mp ? 0 : first.ifindex,
    gateway4: mp ? undefined : first.gateway4, gateway6: mp ? undefined : first.gateway6, flow: mp ? 0 : first.flow,
    multipath: mp ? cfg.nexthops.map((h) => ({ ifindex: h.ifindex, gateway4: h.gateway4, gateway6: h.gateway6, flow: h.flow })) : undefined,
    metrics: cfg.metrics,
  };
  req.model.routes.inet.delete(m, requester(req));
}

// --- IPv6 (net/ipv6/route.c) ---

const IN6_ADDR_SIZE = 16;

/** An RTA_DST / RTA_SRC of a prefix: only ceil(len/8) bytes are needed; host bits are cleared. */
function prefix6(a: NlAttr | undefined, len: number): Uint8Array {
  const out = new Uint8Array(IN6_ADDR_SIZE);
  if (!a) return out;
  const need = (len + 7) >> 3;
  if (a.data.length < need) throw new NlError(Errno.EINVAL);
  out.set(a.data.subarray(0, Math.min(need, IN6_ADDR_SIZE)));
  return maskIpv6(out, Math.min(len, 128));
}

/** rtm_to_fib6_config() and the header checks of ip6_route_info_create(). */
function inet6Config(req: Request): Route6Config {
  const { rtm, tb } = parseRouteRequest(req, RTM_IPV6_POLICY, 'Invalid header length');
  if (rtm.tos) throw einval('Invalid dsfield (tos): option not available for IPv6');
  const flowlabel = tb.get(RTA_FLOWLABEL);
  if (flowlabel) throw einval('Flow label cannot be specified for this operation', flowlabel.offset);
  const nhId = tb.has(RTA_NH_ID) ? attrU32(tb.get(RTA_NH_ID)!) : 0;
  if (tb.has(RTA_NH_ID) && (tb.has(RTA_GATEWAY) || tb.has(RTA_OIF) || tb.has(RTA_MULTIPATH) || tb.has(RTA_ENCAP))) {
    throw einval('Nexthop specification and nexthop id are mutually exclusive');
  }
  if (tb.has(RTA_VIA)) throw einval('IPv6 does not support RTA_VIA attribute');
  const gw = tb.get(RTA_GATEWAY);
  const gateway6 = gw ? new Uint8Array(gw.data.subarray(0, IN6_ADDR_SIZE)) : undefined;
  const dst = prefix6(tb.get(RTA_DST), rtm.dstLen);
  const src = prefix6(tb.get(RTA_SRC), rtm.srcLen);
  const oif = tb.has(RTA_OIF) ? attrU32(tb.get(RTA_OIF)!) : 0;
  const prefAttr = tb.get(RTA_PREF);
  const pref = prefAttr ? attrU8(prefAttr) : ICMPV6_ROUTER_PREF_MEDIUM;
  checkEncapType(tb.get(RTA_ENCAP_TYPE));
  if (rtm.flags & RTM_F_CLONED) throw einval('Userspace can not set RTF_CACHE');
  if (rtm.type > RTN_MAX) throw einval('Invalid route type');
  if (rtm.dstLen > 128) throw einval('Invalid prefix length');
  if (rtm.srcLen > 128) throw einval('Invalid source address length');
  const metrics = metricsOf(tb);
  const base: Nexthop = { ifindex: oif, weight: 1, flags: 0, flow: 0, gateway6 };
  let nexthops = [base];
  const mp = tb.get(RTA_MULTIPATH);
  if (mp) {
    // ip6_route_multipath_add(): each hop starts from the request's own OIF and gateway; trailing bytes are ignored.
    nexthops = decodeMultipath(mp).hops.map(({ rtnh, attrs }) => {
      const g = attrs.get(RTA_GATEWAY);
      checkEncapType(attrs.get(RTA_ENCAP_TYPE));
      return {
        ...base, ifindex: rtnh.ifindex || oif, weight: rtnh.hops + 1, flags: rtnh.flags & RTNH_F_ONLINK,
        gateway6: g ? new Uint8Array(g.data.subarray(0, IN6_ADDR_SIZE)) : gateway6,
      };
    });
    if (nexthops.length === 0) throw einval('Invalid nexthop configuration - no valid nexthops');
  }
  const expires = tb.get(RTA_EXPIRES);
  const table = tb.has(RTA_TABLE) ? attrU32(tb.get(RTA_TABLE)!) : rtm.table;
  return {
    table: table || RT_TABLE_MAIN, dst, dstLen: rtm.dstLen, src, srcLen: rtm.srcLen, protocol: rtm.protocol,
    type: rtm.type || RTN_UNICAST, priority: tb.has(RTA_PRIORITY) ? attrU32(tb.get(RTA_PRIORITY)!) : 0,
    prefsrc: tb.has(RTA_PREFSRC) ? new Uint8Array(tb.get(RTA_PREFSRC)!.data.subarray(0, IN6_ADDR_SIZE)) : undefined,
    flags: rtm.flags, nexthops, multipath: mp !== undefined, metrics,
    pref: pref === ICMPV6_ROUTER_PREF_LOW || pref === ICMPV6_ROUTER_PREF_HIGH ? pref : ICMPV6_ROUTER_PREF_MEDIUM,
    expires: expires ? attrU32(expires) : undefined, nhId,
  };
}

/**
 * route.c: inet6_rtm_newroute(). An RTA_MULTIPATH add rewrites the request's own flags once
 * its first hop is in (EXCL and REPLACE off, CREATE on), which the ACK's echoed header shows.
 */
export function inet6NewRoute(req: Request): void {
  const cfg = inet6Config(req);
  cfg.protocol ||= RTPROT_BOOT;
  req.model.routes.inet6.add(cfg, newRouteFlags(req), requester(req));
  if (cfg.multipath && cfg.nexthops.length > 1) {
    req.message.writeUInt16LE((req.hdr.flags & ~(NLM_F_EXCL | NLM_F_REPLACE)) | NLM_F_CREATE, 6);
  }
}

/** route.c: inet6_rtm_delroute(); with RTA_MULTIPATH each hop is deleted on its own, the last error wins. */
export function inet6DelRoute(req: Request): void {
  const cfg = inet6Config(req);
  const match = (h: Nexthop): Route6Match => ({
    table: cfg.table, dst: cfg.dst, dstLen: cfg.dstLen, src: cfg.src, srcLen: cfg.srcLen, priority: cfg.priority,
    protocol: cfg.protocol, oif: h.ifindex, gateway: h.gateway6,
  });
  if (!cfg.multipath) {
    req.model.routes.inet6.delete(match(cfg.nexthops[0]!), requester(req));
    return;
  }
  let last: unknown;
  for (const h of cfg.nexthops) {
    try {
      req.model.routes.inet6.delete(match(h), requester(req));
      last = undefined;
    } catch (e) {
      last = e;
    }
  }
  if (last) throw last;
}
