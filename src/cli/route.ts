import {
  AF_INET, AF_INET6, AF_PACKET, AF_UNSPEC, NETLINK_GET_STRICT_CHK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL,
  NLM_F_REPLACE, NLM_F_REQUEST, RTA_DST, RTA_EXPIRES, RTA_FLOW, RTA_GATEWAY, RTA_IIF, RTA_MARK, RTA_METRICS, RTA_MULTIPATH,
  RTA_NH_ID, RTA_OIF, RTA_PREF, RTA_PREFSRC, RTA_PRIORITY, RTA_SRC, RTA_TABLE, RTA_UID, RTA_VIA, RTAX_ADVMSS, RTAX_CC_ALGO,
  RTAX_FEATURES, RTAX_HOPLIMIT, RTAX_LOCK, RTAX_MTU, RTM_DELROUTE, RTM_F_CLONED, RTM_F_FIB_MATCH, RTM_F_LOOKUP_TABLE,
  RTM_GETROUTE, RTM_NEWROUTE, RTN_ANYCAST, RTN_BROADCAST, RTN_LOCAL, RTN_MULTICAST, RTN_NAT, RTN_UNICAST, RTN_UNREACHABLE,
  RTN_UNSPEC, RTPROT_BOOT, RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RT_TABLE_LOCAL, RT_TABLE_MAIN,
} from '../../protocol/constants.js';
import { attrMap, readU32, walkAttrs } from '../../protocol/attr-walk.js';
import { decodeLinkMessage } from '../../protocol/link-decode.js';
import { writeLinkRequest } from '../../protocol/link-request.js';
import { NLMSGHDR_SIZE, RTMSG_SIZE, decodeRtMsg } from '../../protocol/structs.js';
import { NlWriter } from '../../protocol/writer.js';
import { RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF, RTM_GETLINK } from '../../protocol/constants.js';
import { NetlinkError } from '../client/errors.js';
import { stringifyJson, type JsonValue } from '../format/json.js';
import { LinkTable } from '../format/link-table.js';
import { Printer } from '../format/printer.js';
import { NO_ROUTE_FILTER, printRoute, type RoutePrintFilter } from '../format/route.js';
import { Args, CommandFailed, duparg2, ExitNow, invarg, matches, parseUnsigned } from './args.js';
import { dumpFailed, netlinkErrorText, reportChange, talkFailed } from './common.js';
import type { Context } from './context.js';
import {
  getRouteAddr, getRoutePrefix, parseDsfield, parseRealms, parseRouteProtocol, parseRouteScope, parseRouteTable, parseRouteType,
  parseTimeRtt, readFamily, type RoutePrefix,
} from './route-args.js';

/** usage() of ip/iproute.c (6.1). */
const ROUTE_USAGE = `Usage: rtnl route { list | flush } SELECTOR
       rtnl route save SELECTOR
       rtnl route restore
       rtnl route showdump
       rtnl route get [ ROUTE_GET_FLAGS ] ADDRESS
                            [ from ADDRESS iif STRING ]
                            [ oif STRING ] [ tos TOS ]
                            [ mark NUMBER ] [ vrf NAME ]
                            [ uid NUMBER ] [ ipproto PROTOCOL ]
                            [ sport NUMBER ] [ dport NUMBER ]
       rtnl route { add | del | change | append | replace } ROUTE
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]
            [ table TABLE_ID ] [ vrf NAME ] [ proto RTPROTO ]
            [ type TYPE ] [ scope SCOPE ]
ROUTE := NODE_SPEC [ INFO_SPEC ]
NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ]
             [ table TABLE_ID ] [ proto RTPROTO ]
             [ scope SCOPE ] [ metric METRIC ]
             [ ttl-propagate { enabled | disabled } ]
INFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...
NH := [ encap ENCAPTYPE ENCAPHDR ] [ via [ FAMILY ] ADDRESS ]
      [ dev STRING ] [ weight NUMBER ] NHFLAGS
FAMILY := [ inet | inet6 | mpls | bridge | link ]
OPTIONS := FLAGS [ mtu NUMBER ] [ advmss NUMBER ] [ as [ to ] ADDRESS ]
           [ rtt TIME ] [ rttvar TIME ] [ reordering NUMBER ]
           [ window NUMBER ] [ cwnd NUMBER ] [ initcwnd NUMBER ]
           [ ssthresh NUMBER ] [ realms REALM ] [ src ADDRESS ]
           [ rto_min TIME ] [ hoplimit NUMBER ] [ initrwnd NUMBER ]
           [ features FEATURES ] [ quickack BOOL ] [ congctl NAME ]
           [ pref PREF ] [ expires TIME ] [ fastopen_no_cookie BOOL ]
TYPE := { unicast | local | broadcast | multicast | throw |
          unreachable | prohibit | blackhole | nat }
TABLE_ID := [ local | main | default | all | NUMBER ]
SCOPE := [ host | link | global | NUMBER ]
NHFLAGS := [ onlink | pervasive ]
RTPROTO := [ kernel | boot | static | NUMBER ]
PREF := [ low | medium | high ]
TIME := NUMBER[s|ms]
BOOL := [1|0]
FEATURES := ecn
ENCAPTYPE := [ mpls | ip | ip6 | seg6 | seg6local | rpl | ioam6 | xfrm ]
ENCAPHDR := [ MPLSLABEL | SEG6HDR | SEG6LOCAL | IOAM6HDR | XFRMINFO ]
SEG6HDR := [ mode SEGMODE ] segs ADDR1,ADDRi,ADDRn [hmac HMACKEYID] [cleanup]
SEGMODE := [ encap | encap.red | inline | l2encap | l2encap.red ]
SEG6LOCAL := action ACTION [ OPTIONS ] [ count ]
ACTION := { End | End.X | End.T | End.DX2 | End.DX6 | End.DX4 |
            End.DT6 | End.DT4 | End.DT46 | End.B6 | End.B6.Encaps |
            End.BM | End.S | End.AS | End.AM | End.BPF }
OPTIONS := OPTION [ OPTIONS ]
OPTION := { flavors FLAVORS | srh SEG6HDR | nh4 ADDR | nh6 ADDR | iif DEV | oif DEV |
            table TABLEID | vrftable TABLEID | endpoint PROGNAME }
FLAVORS := { FLAVOR[,FLAVOR] }
FLAVOR := { psp | usp | usd | next-csid }
IOAM6HDR := trace prealloc type IOAM6_TRACE_TYPE ns IOAM6_NAMESPACE size IOAM6_TRACE_SIZE
XFRMINFO := if_id IF_ID [ link_dev LINK ]
ROUTE_GET_FLAGS := [ fibmatch ]
`;

function routeUsage(): never {
  throw new ExitNow(255, ROUTE_USAGE);
}

const RTNH_F_ONLINK = 0x4;
const RTAX_FASTOPEN_NO_COOKIE = 17;

/** iproute2's route filter (ip/iproute.c), as far as rtnl implements it. */
interface RouteFilter {
  tb: number;
  cloned: number;
  protocol: number;
  protocolmask: number;
  scope: number;
  scopemask: number;
  typemask: number;
  tos: number;
  tosmask: number;
  oif: number;
  oifmask: number;
  iif: number;
  iifmask: number;
  metric: number;
  metricmask: number;
  mark: number;
  markmask: number;
  realm: number;
  realmmask: number;
  rdst?: RoutePrefix | undefined;
  mdst?: RoutePrefix | undefined;
  rsrc?: RoutePrefix | undefined;
  msrc?: RoutePrefix | undefined;
  rvia?: RoutePrefix | undefined;
  rprefsrc?: RoutePrefix | undefined;
  flushing: boolean;
  /** ip6_multiple_tables of filter_nlmsg(). */
  ip6MultipleTables: boolean;
}

/** iproute_reset_filter() */
function resetFilter(ifindex = 0): RouteFilter {
  return {
    tb: 0, cloned: 0, protocol: 0, protocolmask: 0, scope: 0, scopemask: 0, typemask: 0, tos: 0, tosmask: 0,
    oif: ifindex, oifmask: ifindex > 0 ? -1 : 0, iif: 0, iifmask: 0, metric: 0, metricmask: 0, mark: 0, markmask: 0,
    realm: 0, realmmask: 0, flushing: false, ip6MultipleTables: false,
  };
}

const hostLen = (family: number) => (family === AF_INET6 ? 128 : family === AF_INET ? 32 : 0);

/** What the printer leaves out because the filter pins it. */
export function printFilterOf(f: RouteFilter): RoutePrintFilter {
  return {
    tb: f.tb, typemask: f.typemask, hideTos: f.tosmask === -1, hideDev: f.oifmask === -1, hideProtocol: f.protocolmask === -1,
    hideScope: f.scopemask === -1, hideMetric: f.metricmask === -1, hideIif: f.iifmask === -1, hideRealm: f.realmmask === -1,
    hideGateway: !!f.rvia && f.rvia.bitlen === hostLen(f.rvia.family),
    hidePrefsrc: !!f.rprefsrc && f.rprefsrc.bitlen === hostLen(f.rprefsrc.family),
  };
}

/** inet_addr_match(): the first `bits` bits are equal. */
function addrMatch(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((a[i] ?? 0) & mask) !== ((b[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** filter_nlmsg(): whether a route message passes the filter. */
function routePasses(msg: Buffer, f: RouteFilter, family: number): boolean {
  const len = Math.min(msg.length, msg.readUInt32LE(0));
  const r = decodeRtMsg(msg, NLMSGHDR_SIZE);
  const tb = attrMap(walkAttrs(msg, NLMSGHDR_SIZE + RTMSG_SIZE, len));
  const table = readU32(tb.get(RTA_TABLE)) ?? r.table;
  if (family !== AF_UNSPEC && r.family !== family) return false;
  if (r.family === AF_INET6 && table !== RT_TABLE_MAIN) f.ip6MultipleTables = true;
  if (f.cloned === (r.flags & RTM_F_CLONED ? 0 : 1)) return false;
  if (r.family === AF_INET6 && !f.ip6MultipleTables) {
    if (f.tb) {
      if (f.tb === RT_TABLE_LOCAL) {
        if (r.type !== RTN_LOCAL) return false;
      } else if (f.tb === RT_TABLE_MAIN) {
        if (r.type === RTN_LOCAL) return false;
      } else return false;
    }
  } else if (f.tb > 0 && f.tb !== table) return false;
  if ((f.protocol ^ r.protocol) & f.protocolmask) return false;
  if ((f.scope ^ r.scope) & f.scopemask) return false;
  if (f.typemask && !(f.typemask & (1 << r.type))) return false;
  if ((f.tos ^ r.tos) & f.tosmask) return false;
  if (f.rdst && (r.family !== f.rdst.family || f.rdst.bitlen > r.dstLen)) return false;
  if (f.mdst && (r.family !== f.mdst.family || f.mdst.bitlen < r.dstLen)) return false;
  if (f.rsrc && (r.family !== f.rsrc.family || f.rsrc.bitlen > r.srcLen)) return false;
  if (f.msrc && (r.family !== f.msrc.family || f.msrc.bitlen < r.srcLen)) return false;
  if (f.rvia) {
    const via = tb.get(RTA_VIA);
    if ((via ? via.readUInt16LE(0) : r.family) !== f.rvia.family) return false;
  }
  if (f.rprefsrc && r.family !== f.rprefsrc.family) return false;
  const dst = tb.get(RTA_DST) ?? Buffer.alloc(16);
  if (f.rdst && !addrMatch(dst, f.rdst.bytes, f.rdst.bitlen)) return false;
  if (f.mdst && !addrMatch(dst, f.mdst.bytes, r.dstLen)) return false;
  const src = tb.get(RTA_SRC) ?? Buffer.alloc(16);
  if (f.rsrc && !addrMatch(src, f.rsrc.bytes, f.rsrc.bitlen)) return false;
  if (f.msrc && !addrMatch(src, f.msrc.bytes, r.srcLen)) return false;
  if (f.rvia && f.rvia.bitlen > 0) {
    const via = tb.get(RTA_VIA);
    const gw = via ? via.subarray(2) : (tb.get(RTA_GATEWAY) ?? Buffer.alloc(16));
    if (!addrMatch(gw, f.rvia.bytes, f.rvia.bitlen)) return false;
  }
  if (f.rprefsrc && f.rprefsrc.bitlen > 0 && !addrMatch(tb.get(RTA_PREFSRC) ?? Buffer.alloc(16), f.rprefsrc.bytes, f.rprefsrc.bitlen)) return false;
  if (f.realmmask && ((readU32(tb.get(RTA_FLOW)) ?? 0) ^ f.realm) & f.realmmask) return false;
  if (f.iifmask && ((readU32(tb.get(3)) ?? 0) ^ f.iif) & f.iifmask) return false;
  if (f.oifmask && ((readU32(tb.get(RTA_OIF)) ?? 0) ^ f.oif) & f.oifmask) return false;
  if (f.metricmask && ((readU32(tb.get(RTA_PRIORITY)) ?? 0) ^ f.metric) & f.metricmask) return false;
  if (f.markmask && ((readU32(tb.get(RTA_MARK)) ?? 0) ^ f.mark) & f.markmask) return false;
  // The IPv6 null entry (the kernel's unreachable default of metric -1) is never flushed.
  if (f.flushing && r.family === AF_INET6 && r.dstLen === 0 && r.type === RTN_UNREACHABLE && readU32(tb.get(RTA_PRIORITY)) === 0xffffffff) return false;
  return true;
}

/** ll_init_map(): the names of the links that exist now. */
async function linkNames(ctx: Context): Promise<LinkTable> {
  const client = await ctx.client();
  const w = new NlWriter();
  writeLinkRequest(w, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 0, { extMask: RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS });
  try {
    return new LinkTable((await client.dump(w.take()).toArray()).map(decodeLinkMessage));
  } catch (e) {
    return dumpFailed(e);
  }
}

async function nodevIndex(ctx: Context, name: string): Promise<number> {
  const index = await ctx.nameToIndex(name);
  if (!index) throw new CommandFailed(`Cannot find device "${name}"\n`, 1);
  return index;
}

/** One attribute of a request, written in the order iproute2 adds it. */
type AttrWriter = (w: NlWriter) => void;

/** The rtmsg and attributes of a request under construction (struct { nlmsghdr; rtmsg; buf }). */
class RouteRequestBuilder {
  family: number;
  dstLen = 0;
  srcLen = 0;
  tos = 0;
  table: number;
  protocol = 0;
  scope: number;
  type = 0;
  flags = 0;
  readonly attrs: AttrWriter[] = [];

  constructor(family: number, table: number, scope: number) {
    this.family = family;
    this.table = table;
    this.scope = scope;
  }

  build(type: number, flags: number): Buffer {
    const w = new NlWriter();
    const at = w.msgStart(type, NLM_F_REQUEST | flags, 0, 0);
    w.u8(this.family).u8(this.dstLen).u8(this.srcLen).u8(this.tos).u8(this.table).u8(this.protocol).u8(this.scope).u8(this.type)
      .u32(this.flags >>> 0);
    for (const a of this.attrs) a(w);
    w.msgEnd(at);
    return w.take();
  }
}

const attrBytes = (type: number, b: Uint8Array): AttrWriter => (w) => void w.attrBytes(type, b);
const attrU32 = (type: number, v: number): AttrWriter => (w) => void w.attrU32(type, v);
const attrVia = (family: number, b: Uint8Array): AttrWriter => (w) => {
  const at = w.nestStart(RTA_VIA);
  w.u16(family).bytes(b);
  w.nestEnd(at);
};

/** parse_one_nh() + parse_nexthops(): the RTA_MULTIPATH of `nexthop via X dev Y weight N ...`. */
async function parseNexthops(ctx: Context, req: RouteRequestBuilder, args: Args): Promise<AttrWriter | undefined> {
  const hops: Array<{ flags: number; hops: number; ifindex: number; attrs: AttrWriter[] }> = [];
  while (args.more) {
    if (args.cur !== 'nexthop') throw new ExitNow(255, `Error: "nexthop" or end of line is expected instead of "${args.cur}"\n`);
    if (args.remaining.length <= 1) throw new ExitNow(255, 'Error: unexpected end of line after "nexthop"\n');
    const hop = { flags: 0, hops: 0, ifindex: 0, attrs: [] as AttrWriter[] };
    args.advance();
    while (args.more) {
      const w: string = args.cur;
      if (w === 'via') {
        let v = args.next();
        let family = readFamily(v);
        if (family === AF_UNSPEC) family = req.family;
        else v = args.next();
        const a = getRouteAddr(v, family);
        if (req.family === AF_UNSPEC) req.family = a.family;
        hop.attrs.push(a.family === req.family ? attrBytes(RTA_GATEWAY, a.bytes) : attrVia(a.family, a.bytes));
      } else if (w === 'dev') {
        hop.ifindex = await nodevIndex(ctx, args.next());
      } else if (w === 'weight') {
        const v = args.next();
        const n = parseUnsigned(v);
        if (n === undefined || n === 0 || n > 256) invarg('"weight" is invalid\n', v);
        hop.hops = n - 1;
      } else if (w === 'onlink') {
        hop.flags |= RTNH_F_ONLINK;
      } else if (matches(w, 'realms')) {
        const v = args.next();
        const realm = parseRealms(v);
        if (realm === undefined) invarg('"realm" value is invalid\n', v);
        hop.attrs.push(attrU32(RTA_FLOW, realm));
      } else break;
      args.advance();
    }
    hops.push(hop);
  }
  if (!hops.length) return undefined;
  return (w) => {
    const at = w.nestStart(RTA_MULTIPATH);
    for (const h of hops) {
      const start = w.length;
      w.u16(0).u8(h.flags).u8(h.hops).u32(h.ifindex);
      for (const a of h.attrs) a(w);
      w.patchU16(start, w.length - start);
    }
    w.nestEnd(at);
  };
}

/** iproute_modify(): `ip route add|change|replace|prepend|append|test|del`. */
async function routeModify(ctx: Context, cmd: number, flags: number, args: Args): Promise<number> {
  const req = new RouteRequestBuilder(ctx.opts.family === AF_PACKET ? AF_UNSPEC : ctx.opts.family, RT_TABLE_MAIN, RT_SCOPE_NOWHERE);
  if (cmd !== RTM_DELROUTE) {
    req.protocol = RTPROT_BOOT;
    req.scope = RT_SCOPE_UNIVERSE;
    req.type = RTN_UNICAST;
  }
  const metrics: AttrWriter[] = [];
  let mxlock = 0;
  let dev: string | undefined;
  let gwOk = false;
  let dstOk = false;
  let nhsOk = false;
  let scopeOk = false;
  let tableOk = false;
  let nhid = 0;
  /** A metric word: "[lock] VALUE" parsed by `parse`. */
  const metric = (type: number, what: string, parse: (v: string) => number | undefined, lockable = true) => {
    let v = args.next();
    if (lockable && v === 'lock') {
      mxlock |= 1 << type;
      v = args.next();
    }
    const n = parse(v);
    if (n === undefined) invarg(`"${what}" value is invalid\n`, v);
    metrics.push(attrU32(type, n));
  };
  const unsigned = (v: string) => parseUnsigned(v);
  while (args.more) {
    const w = args.cur;
    if (w === 'src') {
      const a = getRouteAddr(args.next(), req.family);
      if (req.family === AF_UNSPEC) req.family = a.family;
      req.attrs.push(attrBytes(RTA_PREFSRC, a.bytes));
    } else if (w === 'via') {
      if (gwOk) invarg('use nexthop syntax to specify multiple via\n', w);
      gwOk = true;
      let v = args.next();
      let family = readFamily(v);
      if (family === AF_UNSPEC) family = req.family;
      else v = args.next();
      const a = getRouteAddr(v, family);
      if (req.family === AF_UNSPEC) req.family = a.family;
      req.attrs.push(a.family === req.family ? attrBytes(RTA_GATEWAY, a.bytes) : attrVia(a.family, a.bytes));
    } else if (w === 'from') {
      const a = getRoutePrefix(args.next(), req.family);
      if (req.family === AF_UNSPEC) req.family = a.family;
      if (a.bytes.length) req.attrs.push(attrBytes(RTA_SRC, a.bytes));
      req.srcLen = a.bitlen;
    } else if (w === 'tos' || matches(w, 'dsfield')) {
      const v = args.next();
      const tos = parseDsfield(v);
      if (tos === undefined) invarg('"tos" value is invalid\n', v);
      req.tos = tos;
    } else if (w === 'expires') {
      const v = args.next();
      const n = parseUnsigned(v);
      if (n === undefined) invarg('"expires" value is invalid\n', v);
      req.attrs.push(attrU32(RTA_EXPIRES, n));
    } else if (matches(w, 'metric') || matches(w, 'priority') || w === 'preference') {
      const v = args.next();
      const n = parseUnsigned(v);
      if (n === undefined) invarg('"metric" value is invalid\n', v);
      req.attrs.push(attrU32(RTA_PRIORITY, n));
    } else if (w === 'scope') {
      const v = args.next();
      const s = parseRouteScope(v);
      if (s === undefined) invarg('invalid "scope" value\n', v);
      req.scope = s;
      scopeOk = true;
    } else if (w === 'mtu') {
      metric(RTAX_MTU, 'mtu', unsigned);
    } else if (w === 'hoplimit') {
      metric(RTAX_HOPLIMIT, 'hoplimit', (v) => parseUnsigned(v, 255));
    } else if (w === 'advmss') {
      metric(RTAX_ADVMSS, 'mss', unsigned);
    } else if (matches(w, 'reordering')) {
      metric(9, 'reordering', unsigned);
    } else if (w === 'rtt') {
      metric(4, 'rtt', (v) => {
        const t = parseTimeRtt(v);
        return t && (t.raw ? t.value : t.value * 8);
      });
    } else if (w === 'rto_min') {
      mxlock |= 1 << 13;
      metric(13, 'rto_min', (v) => parseTimeRtt(v)?.value, false);
    } else if (matches(w, 'window')) {
      metric(3, 'window', unsigned);
    } else if (matches(w, 'cwnd')) {
      metric(7, 'cwnd', unsigned);
    } else if (matches(w, 'initcwnd')) {
      metric(11, 'initcwnd', unsigned);
    } else if (matches(w, 'initrwnd')) {
      metric(14, 'initrwnd', unsigned);
    } else if (matches(w, 'features')) {
      const v = args.next();
      if (v !== 'ecn') invarg('"features" value not valid\n', v);
      metrics.push(attrU32(RTAX_FEATURES, 1));
    } else if (matches(w, 'quickack')) {
      const v = args.next();
      const n = parseUnsigned(v);
      if (n === undefined) invarg('"quickack" value is invalid\n', v);
      if (n !== 0 && n !== 1) invarg('"quickack" value should be 0 or 1\n', v);
      metrics.push(attrU32(15, n));
    } else if (matches(w, 'congctl')) {
      let v = args.next();
      if (v === 'lock') {
        mxlock |= 1 << RTAX_CC_ALGO;
        v = args.next();
      }
      const name = v;
      metrics.push((wr) => void wr.attrBytes(RTAX_CC_ALGO, Buffer.from(name)));
    } else if (matches(w, 'rttvar')) {
      metric(5, 'rttvar', (v) => {
        const t = parseTimeRtt(v);
        return t && (t.raw ? t.value : t.value * 4);
      });
    } else if (matches(w, 'ssthresh')) {
      metric(6, 'ssthresh', unsigned);
    } else if (matches(w, 'realms')) {
      const v = args.next();
      const realm = parseRealms(v);
      if (realm === undefined) invarg('"realm" value is invalid\n', v);
      req.attrs.push(attrU32(RTA_FLOW, realm));
    } else if (w === 'onlink') {
      req.flags |= RTNH_F_ONLINK;
    } else if (w === 'nexthop') {
      nhsOk = true;
      break;
    } else if (w === 'nhid') {
      const v = args.next();
      const n = parseUnsigned(v);
      if (n === undefined) invarg('"id" value is invalid\n', v);
      nhid = n;
      req.attrs.push(attrU32(RTA_NH_ID, n));
    } else if (matches(w, 'protocol')) {
      const v = args.next();
      const p = parseRouteProtocol(v);
      if (p === undefined) invarg('"protocol" value is invalid\n', v);
      req.protocol = p;
    } else if (matches(w, 'table')) {
      const v = args.next();
      const t = parseRouteTable(v);
      if (t === undefined) invarg('"table" value is invalid\n', v);
      if (t < 256) req.table = t;
      else {
        req.table = 0;
        req.attrs.push(attrU32(RTA_TABLE, t));
      }
      tableOk = true;
    } else if (w === 'dev' || w === 'oif') {
      dev = args.next();
    } else if (matches(w, 'pref')) {
      const v = args.next();
      const named: Record<string, number> = { low: 3, medium: 0, high: 1 };
      const pref = v in named ? named[v] : parseUnsigned(v, 255);
      if (pref === undefined) invarg('"pref" value is invalid\n', v);
      req.attrs.push((wr) => void wr.attrU8(RTA_PREF, pref));
    } else if (matches(w, 'fastopen_no_cookie')) {
      const v = args.next();
      const n = parseUnsigned(v);
      if (n === undefined) invarg('"fastopen_no_cookie" value is invalid\n', v);
      if (n !== 0 && n !== 1) invarg('"fastopen_no_cookie" value should be 0 or 1\n', v);
      metrics.push(attrU32(RTAX_FASTOPEN_NO_COOKIE, n));
    } else if (w === 'encap' || w === 'as' || w === 'ttl-propagate' || w === 'vrf') {
      throw new ExitNow(255, `Error: "${w}" is not supported by rtnl (rtnld models no ${w === 'vrf' ? 'VRF devices' : 'lightweight tunnels or MPLS'}).\n`);
    } else {
      let v = w;
      if (v === 'to') v = args.next();
      if ((v[0]! < '0' || v[0]! > '9') && parseRouteType(v) !== undefined) {
        req.type = parseRouteType(v)!;
        v = args.next();
      }
      if (matches(v, 'help')) routeUsage();
      if (dstOk) duparg2('to', v);
      const dst = getRoutePrefix(v, req.family);
      if (req.family === AF_UNSPEC) req.family = dst.family;
      req.dstLen = dst.bitlen;
      dstOk = true;
      if (dst.bytes.length) req.attrs.push(attrBytes(RTA_DST, dst.bytes));
    }
    args.advance();
  }
  if (!dstOk) routeUsage();
  if (dev !== undefined) req.attrs.push(attrU32(RTA_OIF, await nodevIndex(ctx, dev)));
  if (metrics.length) {
    const lock = mxlock;
    req.attrs.push((wr) => {
      const at = wr.nestStart(RTA_METRICS);
      for (const m of metrics) m(wr);
      if (lock) wr.attrU32(RTAX_LOCK, lock);
      wr.nestEnd(at);
    });
  }
  if (nhsOk) {
    const mp = await parseNexthops(ctx, req, args);
    if (mp) req.attrs.push(mp);
  }
  if (req.family === AF_UNSPEC) req.family = AF_INET;
  if (!tableOk && [RTN_LOCAL, RTN_BROADCAST, RTN_NAT, RTN_ANYCAST].includes(req.type)) req.table = RT_TABLE_LOCAL;
  if (!scopeOk) {
    if (req.family === AF_INET6) req.scope = RT_SCOPE_UNIVERSE;
    else if (req.type === RTN_LOCAL || req.type === RTN_NAT) req.scope = RT_SCOPE_HOST;
    else if (req.type === RTN_BROADCAST || req.type === RTN_MULTICAST || req.type === RTN_ANYCAST) req.scope = RT_SCOPE_LINK;
    else if (req.type === RTN_UNICAST || req.type === RTN_UNSPEC) {
      if (cmd === RTM_DELROUTE) req.scope = RT_SCOPE_NOWHERE;
      else if (!gwOk && !nhsOk && !nhid) req.scope = RT_SCOPE_LINK;
    }
  }
  const client = await ctx.client();
  return reportChange(ctx, client.request(req.build(cmd, flags)).then(() => ({})));
}

/** Parses a SELECTOR of `ip route list|flush` into a filter; returns the dump family. */
async function parseSelector(ctx: Context, args: Args, f: RouteFilter): Promise<number> {
  let family = ctx.opts.family === AF_PACKET ? AF_UNSPEC : ctx.opts.family;
  let od: string | undefined;
  let id: string | undefined;
  let mark = 0;
  while (args.more) {
    const w = args.cur;
    if (matches(w, 'table')) {
      const v = args.next();
      const t = parseRouteTable(v);
      if (t === undefined) {
        if (v === 'all') f.tb = 0;
        else if (v === 'cache') f.cloned = 1;
        else if (v === 'help') routeUsage();
        else invarg('table id value is invalid\n', v);
      } else f.tb = t;
    } else if (matches(w, 'cached') || matches(w, 'cloned')) {
      f.cloned = 1;
    } else if (w === 'tos' || matches(w, 'dsfield')) {
      const v = args.next();
      const tos = parseDsfield(v);
      if (tos === undefined) invarg('TOS value is invalid\n', v);
      f.tos = tos;
      f.tosmask = -1;
    } else if (matches(w, 'protocol')) {
      const v = args.next();
      f.protocolmask = -1;
      let p = parseRouteProtocol(v);
      if (p === undefined) {
        if (v !== 'all') invarg('invalid "protocol"\n', v);
        p = 0;
        f.protocolmask = 0;
      }
      f.protocol = p;
    } else if (matches(w, 'scope')) {
      const v = args.next();
      f.scopemask = -1;
      let s = parseRouteScope(v);
      if (s === undefined) {
        if (v !== 'all') invarg('invalid "scope"\n', v);
        s = RT_SCOPE_NOWHERE;
        f.scopemask = 0;
      }
      f.scope = s;
    } else if (matches(w, 'type')) {
      const v = args.next();
      const t = parseRouteType(v);
      if (t === undefined) invarg('node type value is invalid\n', v);
      f.typemask = 1 << t;
    } else if (w === 'dev' || w === 'oif') {
      od = args.next();
    } else if (w === 'iif') {
      id = args.next();
    } else if (w === 'mark') {
      const v = args.next();
      const n = parseUnsigned(v);
      if (n === undefined) invarg('invalid mark value', v);
      mark = n;
      f.markmask = -1;
    } else if (matches(w, 'metric') || matches(w, 'priority') || w === 'preference') {
      const v = args.next();
      const n = parseUnsigned(v);
      if (n === undefined) invarg('"metric" value is invalid\n', v);
      f.metric = n;
      f.metricmask = -1;
    } else if (w === 'via') {
      let v = args.next();
      let fam = readFamily(v);
      if (fam === AF_UNSPEC) fam = family;
      else v = args.next();
      f.rvia = getRoutePrefix(v, fam);
    } else if (w === 'src') {
      f.rprefsrc = getRoutePrefix(args.next(), family);
    } else if (matches(w, 'realms')) {
      const v = args.next();
      const realm = parseRealms(v);
      if (realm === undefined) invarg('invalid realms\n', v);
      f.realm = realm;
      f.realmmask = -1;
      if (!(realm & 0xffff) && v.endsWith('/')) f.realmmask &= ~0xffff;
      if (!(realm & 0xffff0000) && (!v.includes('/') || v.startsWith('/'))) f.realmmask &= 0xffff;
    } else if (matches(w, 'from')) {
      const v = args.next();
      if (matches(v, 'root')) f.rsrc = getRoutePrefix(args.next(), family);
      else if (matches(v, 'match')) f.msrc = getRoutePrefix(args.next(), family);
      else {
        f.msrc = getRoutePrefix(matches(v, 'exact') ? args.next() : v, family);
        f.rsrc = f.msrc;
      }
    } else {
      let v = w;
      if (matches(v, 'to')) v = args.next();
      if (matches(v, 'root')) f.rdst = getRoutePrefix(args.next(), family);
      else if (matches(v, 'match')) f.mdst = getRoutePrefix(args.next(), family);
      else {
        if (matches(v, 'exact')) v = args.next();
        else if (matches(v, 'help')) routeUsage();
        f.mdst = getRoutePrefix(v, family);
        f.rdst = f.mdst;
      }
    }
    args.advance();
  }
  if (family === AF_UNSPEC && f.tb) family = AF_INET;
  if (id !== undefined) {
    f.iif = await nodevIndex(ctx, id);
    f.iifmask = -1;
  }
  if (od !== undefined) {
    f.oif = await nodevIndex(ctx, od);
    f.oifmask = -1;
  }
  f.mark = mark;
  return family;
}

/** rtnl_routedump_req() with iproute_dump_filter(): the strict-check dump request. */
function dumpRequest(family: number, f: RouteFilter): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 0, 0);
  w.u8(family).u8(0).u8(0).u8(0).u8(0).u8(f.protocol).u8(0).u8(0).u32(f.cloned ? RTM_F_CLONED : 0);
  if (f.tb) w.attrU32(RTA_TABLE, f.tb);
  if (f.oif) w.attrU32(RTA_OIF, f.oif);
  w.msgEnd(at);
  return w.take();
}

/** rtnl_set_strict_dump(): ip asks for strict checking, so the daemon filters dumps too. */
async function strictClient(ctx: Context) {
  const client = await ctx.client();
  await client.setOption(NETLINK_GET_STRICT_CHK, 1);
  return client;
}

/** A failed route dump: the kernel's message (ENOENT of the main table stays silent), then "Dump terminated". */
function routeDumpFailed(e: unknown, f: RouteFilter, what: string): never {
  if (!(e instanceof NetlinkError)) throw e;
  if (f.tb === RT_TABLE_MAIN && e.errno === 2) throw new CommandFailed('', 0);
  let text = '';
  if (e.extAck) text = netlinkErrorText(e);
  else if (e.errno !== 2 && e.errno !== 95) text = `RTNETLINK answers: ${e.strerror}\n`;
  throw new CommandFailed(`${text}${what}\n`, 2);
}

async function dumpRoutes(ctx: Context, family: number, f: RouteFilter, what: string): Promise<Buffer[]> {
  const client = await strictClient(ctx);
  try {
    return await client.dump(dumpRequest(family, f)).toArray();
  } catch (e) {
    return routeDumpFailed(e, f, what);
  }
}

/** iproute_list_flush_or_save() for list. */
async function routeList(ctx: Context, args: Args): Promise<number> {
  const f = resetFilter();
  f.tb = RT_TABLE_MAIN;
  const family = await parseSelector(ctx, args, f);
  const names = await linkNames(ctx);
  let msgs: Buffer[];
  try {
    msgs = await dumpRoutes(ctx, family, f, 'Dump terminated');
  } catch (e) {
    if (e instanceof CommandFailed && e.status === 0) msgs = [];
    else throw e;
  }
  const o = ctx.opts;
  const records: JsonValue[] = [];
  let text = '';
  const opts = { details: o.details, stats: o.stats, filter: printFilterOf(f) };
  for (const m of msgs) {
    if (!routePasses(m, f, family)) continue;
    const p = new Printer(o.json, ctx.sl);
    printRoute(p, m, names, opts);
    if (o.json) records.push(p.root);
    else text += p.textOut;
  }
  ctx.out(o.json ? stringifyJson(records, o.pretty) : text);
  return 0;
}

/** iproute_flush(): deletes what the selector matches, round after round, until nothing is left. */
async function routeFlush(ctx: Context, args: Args): Promise<number> {
  const f = resetFilter();
  f.tb = RT_TABLE_MAIN;
  if (!args.more) {
    ctx.err('"rtnl route flush" requires arguments.\n');
    return 1;
  }
  const family = await parseSelector(ctx, args, f);
  if (f.cloned) {
    if (family === AF_INET) return 0;
  }
  f.flushing = true;
  const client = await ctx.client();
  const o = ctx.opts;
  for (let round = 0; ; round++) {
    let msgs: Buffer[];
    try {
      msgs = await dumpRoutes(ctx, family, f, 'Flush terminated');
    } catch (e) {
      if (e instanceof CommandFailed && e.status === 0) msgs = [];
      else throw e;
    }
    const victims = msgs.filter((m) => m.readUInt16LE(4) === RTM_NEWROUTE && routePasses(m, f, family));
    if (!victims.length) {
      if (o.stats) ctx.out(round === 0 ? 'Nothing to flush.\n' : `*** Flush is complete after ${round} round${round > 1 ? 's' : ''} ***\n`);
      return 0;
    }
    for (const m of victims) {
      const del = Buffer.from(m);
      del.writeUInt16LE(RTM_DELROUTE, 4);
      del.writeUInt16LE(NLM_F_REQUEST, 6);
      try {
        await client.request(del);
      } catch (e) {
        if (e instanceof NetlinkError) throw new CommandFailed(`Failed to send flush request: ${e.strerror}\n`, 1);
        throw e;
      }
    }
    if (o.stats) ctx.out(`\n*** Round ${round + 1}, deleting ${victims.length} entries ***\n`);
    if (round >= 100) return 1;
  }
}

/** iproute_get(): `ip route get ADDRESS [from A] [iif|oif|dev X] [fibmatch] ...`. */
async function routeGet(ctx: Context, args: Args): Promise<number> {
  const req = new RouteRequestBuilder(ctx.opts.family === AF_PACKET ? AF_UNSPEC : ctx.opts.family, 0, 0);
  let idev: string | undefined;
  let odev: string | undefined;
  let mark = 0;
  let fibMatch = false;
  let found = false;
  while (args.more) {
    const w = args.cur;
    if (w === 'tos' || matches(w, 'dsfield')) {
      const v = args.next();
      const tos = parseDsfield(v);
      if (tos === undefined) invarg('TOS value is invalid\n', v);
      req.tos = tos;
    } else if (matches(w, 'from')) {
      const v = args.next();
      if (matches(v, 'help')) routeUsage();
      const a = getRoutePrefix(v, req.family);
      if (req.family === AF_UNSPEC) req.family = a.family;
      if (a.bytes.length) req.attrs.push(attrBytes(RTA_SRC, a.bytes));
      req.srcLen = a.bitlen;
    } else if (matches(w, 'iif')) {
      idev = args.next();
    } else if (matches(w, 'mark')) {
      const v = args.next();
      const n = parseUnsigned(v);
      if (n === undefined) invarg('invalid mark value', v);
      mark = n;
    } else if (matches(w, 'oif') || w === 'dev') {
      odev = args.next();
    } else if (matches(w, 'notify')) {
      req.flags |= 0x100;
    } else if (matches(w, 'connected')) {
      throw new ExitNow(255, 'Error: "connected" is not supported by rtnl.\n');
    } else if (matches(w, 'uid')) {
      const v = args.next();
      const n = parseUnsigned(v);
      if (n === undefined) invarg('invalid UID\n', v);
      req.attrs.push(attrU32(RTA_UID, n));
    } else if (matches(w, 'fibmatch')) {
      fibMatch = true;
    } else if (matches(w, 'sport') || matches(w, 'dport') || matches(w, 'ipproto') || matches(w, 'vrf') || w === 'as') {
      throw new ExitNow(255, `Error: "${w}" is not supported by rtnl (rtnld's lookups do not use it).\n`);
    } else {
      let v = w;
      if (v === 'to') v = args.next();
      if (matches(v, 'help')) routeUsage();
      const a = getRoutePrefix(v, req.family);
      if (req.family === AF_UNSPEC) req.family = a.family;
      if (a.bytes.length) req.attrs.push(attrBytes(RTA_DST, a.bytes));
      if (req.family === AF_INET && a.bitlen !== 32) {
        ctx.err(`Warning: /${a.bitlen} as prefix is invalid, only /32 (or none) is supported.\n`);
        req.dstLen = 32;
      } else if (req.family === AF_INET6 && a.bitlen !== 128) {
        ctx.err(`Warning: /${a.bitlen} as prefix is invalid, only /128 (or none) is supported.\n`);
        req.dstLen = 128;
      } else req.dstLen = a.bitlen;
      found = true;
    }
    args.advance();
  }
  if (!found) {
    ctx.err('need at least a destination address\n');
    return 1;
  }
  if (idev !== undefined) req.attrs.push(attrU32(RTA_IIF, await nodevIndex(ctx, idev)));
  if (odev !== undefined) req.attrs.push(attrU32(RTA_OIF, await nodevIndex(ctx, odev)));
  if (mark) req.attrs.push(attrU32(RTA_MARK, mark));
  if (req.family === AF_UNSPEC) req.family = AF_INET;
  if (req.family === AF_INET) req.flags |= RTM_F_LOOKUP_TABLE;
  if (fibMatch) req.flags |= RTM_F_FIB_MATCH;
  const client = await ctx.client();
  let answer: Buffer;
  try {
    [answer] = (await client.request(req.build(RTM_GETROUTE, 0))) as [Buffer];
  } catch (e) {
    return talkFailed(e);
  }
  const names = await linkNames(ctx);
  const f = resetFilter();
  f.cloned = 2;
  const p = new Printer(ctx.opts.json, ctx.sl);
  printRoute(p, answer, names, { details: ctx.opts.details, stats: ctx.opts.stats, filter: NO_ROUTE_FILTER });
  ctx.out(ctx.opts.json ? stringifyJson([p.root], ctx.opts.pretty) : p.textOut);
  return 0;
}

/** do_iproute(): the `route` object. */
export async function doRoute(ctx: Context, words: readonly string[]): Promise<number> {
  const args = new Args(words);
  if (!args.more) return routeList(ctx, args);
  const cmd = args.cur;
  args.advance();
  if (matches(cmd, 'add')) return routeModify(ctx, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, args);
  if (matches(cmd, 'change') || cmd === 'chg') return routeModify(ctx, RTM_NEWROUTE, NLM_F_REPLACE, args);
  if (matches(cmd, 'replace')) return routeModify(ctx, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, args);
  if (matches(cmd, 'prepend')) return routeModify(ctx, RTM_NEWROUTE, NLM_F_CREATE, args);
  if (matches(cmd, 'append')) return routeModify(ctx, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, args);
  if (matches(cmd, 'test')) return routeModify(ctx, RTM_NEWROUTE, NLM_F_EXCL, args);
  if (matches(cmd, 'delete')) return routeModify(ctx, RTM_DELROUTE, 0, args);
  if (matches(cmd, 'list') || matches(cmd, 'show') || matches(cmd, 'lst')) return routeList(ctx, args);
  if (matches(cmd, 'get')) return routeGet(ctx, args);
  if (matches(cmd, 'flush')) return routeFlush(ctx, args);
  if (matches(cmd, 'help')) routeUsage();
  throw new ExitNow(255, `Command "${cmd}" is unknown, try "rtnl route help".\n`);
}

/** For `rtnl monitor`: filter_nlmsg() with the filter `ip monitor` resets (iproute_reset_filter(ifindex)). */
export function monitorRouteFilter(ifindex: number, family: number): { passes: (msg: Buffer) => boolean; print: RoutePrintFilter } {
  const f = resetFilter(ifindex);
  return { passes: (msg) => routePasses(msg, f, family), print: printFilterOf(f) };
}
