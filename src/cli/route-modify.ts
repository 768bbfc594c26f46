import {
  AF_INET, AF_INET6, AF_PACKET, AF_UNSPEC, NLM_F_REQUEST, RTA_DST, RTA_EXPIRES, RTA_FLOW, RTA_GATEWAY, RTA_METRICS,
  RTA_MULTIPATH, RTA_NH_ID, RTA_OIF, RTA_PREF, RTA_PREFSRC, RTA_PRIORITY, RTA_SRC, RTA_TABLE, RTA_VIA, RTAX_ADVMSS,
  RTAX_CC_ALGO, RTAX_FEATURES, RTAX_HOPLIMIT, RTAX_LOCK, RTAX_MTU, RTM_DELROUTE, RTN_ANYCAST, RTN_BROADCAST, RTN_LOCAL,
  RTN_MULTICAST, RTN_NAT, RTN_UNICAST, RTN_UNSPEC, RTPROT_BOOT, RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE,
  RT_SCOPE_UNIVERSE, RT_TABLE_LOCAL, RT_TABLE_MAIN,
} from '../../protocol/constants.js';
import { NlWriter } from '../../protocol/writer.js';
import { Args, CommandFailed, duparg2, ExitNow, invarg, matches, parseUnsigned } from './args.js';
import {
  getRouteAddr, getRoutePrefix, parseDsfield, parseRealms, parseRouteProtocol, parseRouteScope, parseRouteTable, parseRouteType,
  parseTimeRtt, readFamily,
} from './route-args.js';

// `ip route add|del|...` (ip/iproute.c: iproute_modify, parse_nexthops, parse_one_nh) as a pure
// function of the words, shared by `rtnl route` and the seed file's `routes:`.

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

export function routeUsage(): never {
  throw new ExitNow(255, ROUTE_USAGE);
}

const RTNH_F_ONLINK = 0x4;
const RTAX_FASTOPEN_NO_COOKIE = 17;

/** ll_name_to_index(): a device's index, 0 when there is none. */
export type DeviceResolver = (name: string) => number;

/** nodev(): 'Cannot find device "X"'. */
function deviceIndex(resolve: DeviceResolver, name: string): number {
  const index = resolve(name);
  if (!index) throw new CommandFailed(`Cannot find device "${name}"\n`, 1);
  return index;
}

/** One attribute of a request, written in the order iproute2 adds it. */
type AttrWriter = (w: NlWriter) => void;

/** The rtmsg and attributes of a request under construction (struct { nlmsghdr; rtmsg; buf }). */
export class RouteRequestBuilder {
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
    const w = new NlWriter(256); // grows for long multipath routes; seeds build one per route
    const at = w.msgStart(type, NLM_F_REQUEST | flags, 0, 0);
    w.u8(this.family).u8(this.dstLen).u8(this.srcLen).u8(this.tos).u8(this.table).u8(this.protocol).u8(this.scope).u8(this.type)
      .u32(this.flags >>> 0);
    for (const a of this.attrs) a(w);
    w.msgEnd(at);
    return w.take();
  }
}

export const attrBytes = (type: number, b: Uint8Array): AttrWriter => (w) => void w.attrBytes(type, b);
export const attrU32 = (type: number, v: number): AttrWriter => (w) => void w.attrU32(type, v);
const attrVia = (family: number, b: Uint8Array): AttrWriter => (w) => {
  const at = w.nestStart(RTA_VIA);
  w.u16(family).bytes(b);
  w.nestEnd(at);
};

/** parse_one_nh() + parse_nexthops(): the RTA_MULTIPATH of `nexthop via X dev Y weight N ...`. */
/**
 * The word after `via`: `[FAMILY] ADDRESS` (read_family, then get_addr). A gateway of the route's
 * own family is RTA_GATEWAY, another family RTA_VIA; a route without a family takes the gateway's.
 */
function parseVia(req: RouteRequestBuilder, args: Args): AttrWriter {
  let v = args.next();
  let family = readFamily(v);
  if (family === AF_UNSPEC) family = req.family;
  else v = args.next();
  const a = getRouteAddr(v, family);
  if (req.family === AF_UNSPEC) req.family = a.family;
  return a.family === req.family ? attrBytes(RTA_GATEWAY, a.bytes) : attrVia(a.family, a.bytes);
}

function parseNexthops(req: RouteRequestBuilder, args: Args, resolve: DeviceResolver): AttrWriter | undefined {
  const hops: Array<{ flags: number; hops: number; ifindex: number; attrs: AttrWriter[] }> = [];
  while (args.more) {
    if (args.cur !== 'nexthop') throw new ExitNow(255, `Error: "nexthop" or end of line is expected instead of "${args.cur}"\n`);
    if (args.remaining.length <= 1) throw new ExitNow(255, 'Error: unexpected end of line after "nexthop"\n');
    const hop = { flags: 0, hops: 0, ifindex: 0, attrs: [] as AttrWriter[] };
    args.advance();
    while (args.more) {
      const w: string = args.cur;
      if (w === 'via') {
        hop.attrs.push(parseVia(req, args));
      } else if (w === 'dev') {
        hop.ifindex = deviceIndex(resolve, args.next());
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

/**
 * iproute_modify(): the RTM_NEWROUTE / RTM_DELROUTE request `ip route add|change|replace|prepend|
 * append|test|del ROUTE` sends, attributes in its order. Usage errors end the program (ExitNow)
 * as iproute2's do; an unknown device is a CommandFailed.
 */
export function routeChangeRequest(words: readonly string[], cmd: number, flags: number, preferredFamily: number, resolve: DeviceResolver): Buffer {
  const args = new Args(words);
  const req = new RouteRequestBuilder(preferredFamily === AF_PACKET ? AF_UNSPEC : preferredFamily, RT_TABLE_MAIN, RT_SCOPE_NOWHERE);
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
      req.attrs.push(parseVia(req, args));
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
  if (dev !== undefined) req.attrs.push(attrU32(RTA_OIF, deviceIndex(resolve, dev)));
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
    const mp = parseNexthops(req, args, resolve);
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
  return req.build(cmd, flags);
}

