import {
  AF_INET, AF_INET6, AF_PACKET, AF_UNSPEC, NETLINK_GET_STRICT_CHK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL,
  NLM_F_REPLACE, NLM_F_REQUEST, RTA_DST, RTA_FLOW, RTA_GATEWAY, RTA_IIF, RTA_MARK, RTA_OIF, RTA_PREFSRC, RTA_PRIORITY,
  RTA_SRC, RTA_TABLE, RTA_UID, RTA_VIA, RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF, RTM_DELROUTE, RTM_F_CLONED,
  RTM_F_FIB_MATCH, RTM_F_LOOKUP_TABLE, RTM_GETLINK, RTM_GETROUTE, RTM_NEWROUTE, RTN_LOCAL, RTN_UNREACHABLE,
  RT_SCOPE_NOWHERE, RT_TABLE_LOCAL, RT_TABLE_MAIN,
} from '../../protocol/constants.js';
import { attrMap, readU32, walkAttrs } from '../../protocol/attr-walk.js';
import { decodeLinkMessage } from '../../protocol/link-decode.js';
import { writeLinkRequest } from '../../protocol/link-request.js';
import { NLMSGHDR_SIZE, RTMSG_SIZE, decodeRtMsg } from '../../protocol/structs.js';
import { NlWriter } from '../../protocol/writer.js';
import { NetlinkError } from '../client/errors.js';
import { stringifyJson, type JsonValue } from '../format/json.js';
import { LinkTable } from '../format/link-table.js';
import { Printer } from '../format/printer.js';
import { NO_ROUTE_FILTER, printRoute, type RoutePrintFilter } from '../format/route.js';
import { Args, CommandFailed, ExitNow, invarg, matches, parseUnsigned } from './args.js';
import { dumpFailed, netlinkErrorText, reportChange, talkFailed } from './common.js';
import type { Context } from './context.js';
import { attrBytes, attrU32, RouteRequestBuilder, routeChangeRequest, routeUsage, type DeviceResolver } from './route-modify.js';
import {
  getRoutePrefix, parseDsfield, parseRealms, parseRouteProtocol, parseRouteScope, parseRouteTable, parseRouteType,
  readFamily, type RoutePrefix,
} from './route-args.js';

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
function printFilterOf(f: RouteFilter): RoutePrintFilter {
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
  if (f.iifmask && ((readU32(tb.get(RTA_IIF)) ?? 0) ^ f.iif) & f.iifmask) return false;
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

/** The words after "dev"/"oif" (the only devices iproute_modify names), resolved before parsing. */
async function resolveDevices(ctx: Context, words: readonly string[]): Promise<DeviceResolver> {
  const indexes = new Map<string, number>();
  for (let i = 0; i + 1 < words.length; i++) {
    if ((words[i] === 'dev' || words[i] === 'oif') && !indexes.has(words[i + 1]!)) indexes.set(words[i + 1]!, await ctx.nameToIndex(words[i + 1]!));
  }
  return (name) => indexes.get(name) ?? 0;
}

/** iproute_modify(): `ip route add|change|replace|prepend|append|test|del`. */
async function routeModify(ctx: Context, cmd: number, flags: number, args: Args): Promise<number> {
  const words = args.remaining;
  const request = routeChangeRequest(words, cmd, flags, ctx.opts.family, await resolveDevices(ctx, words));
  const client = await ctx.client();
  return reportChange(ctx, client.request(request).then(() => ({})));
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
