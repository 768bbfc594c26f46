import {
  NLM_F_DUMP_FILTERED, NLM_F_MULTI, RTA_DPORT, RTA_DST, RTA_IIF, RTA_IP_PROTO, RTA_MARK, RTA_OIF,
  RTA_SPORT, RTA_SRC, RTA_TABLE, RTA_UID, RTCF_BROADCAST, RTCF_LOCAL, RTM_F_CLONED, RTM_F_FIB_MATCH,
  RTM_F_LOOKUP_TABLE, RTM_F_NOTIFY, RTM_F_PREFIX, RTM_NEWROUTE, RTN_BLACKHOLE, RTN_BROADCAST, RTN_LOCAL, RTN_PROHIBIT,
  RTN_THROW, RTN_UNREACHABLE, RT_TABLE_MAIN,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrBe16, attrU32, attrU8, parseAttrs, type AttrTable } from '../../protocol/policy.js';
import { writeInet4RouteGet, writeRouteMessage } from '../../protocol/route-message.js';
import { RTM_IPV4_POLICY, RTM_IPV6_POLICY } from '../../protocol/route-policy.js';
import { decodeRtMsg, NLMSGHDR_SIZE, RTMSG_SIZE } from '../../protocol/structs.js';
import type { NlWriter } from '../../protocol/writer.js';
import { IFA_F_SECONDARY, IFA_F_TENTATIVE, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE, type Inet4Address, type Inet6Address } from '../model/addresses.js';
import { fibLookup4, fibLookup6, type Flow4, type Flow6Keys } from '../model/routes/lookup.js';
import { ipv4ToInt, MASK4 } from '../model/routes/prefix.js';
import type { Fib4Table } from '../model/routes/fib4-table.js';
import type { Fib6Table } from '../model/routes/fib6-table.js';
import type { Route, RouteFamily } from '../model/routes/route.js';
import type { RouteTables } from '../model/routes/tables.js';
import type { NetworkModel } from '../model/store.js';
import { einval, toNlError } from './errors.js';
import type { DumpCursor, Replayable, Request } from './request.js';
import { dumpImages, type DumpImages } from './dump-image.js';
import { routeMessage, writeRouteEntry } from './route-view.js';
import { routeBlocks, type RouteBlocks } from './route-cache.js';

const PAYLOAD_START = NLMSGHDR_SIZE + RTMSG_SIZE;
const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_ICMPV6 = 58;

/** What a strict route dump asks for (struct fib_dump_filter). */
interface DumpFilter {
  table: number;
  protocol: number;
  type: number;
  oif: number;
  /** RTM_F_CLONED: exceptions only (rtnld has none); RTM_F_PREFIX: RA prefix routes (none). */
  nothing: boolean;
  set: boolean;
}

/** ip_valid_fib_dump_req() (strict) or the liberal reading of rtm_flags. Both families use the IPv4 policy. */
function dumpFilter(req: Request): DumpFilter {
  const msg = req.message;
  const filter: DumpFilter = { table: 0, protocol: 0, type: 0, oif: 0, nothing: false, set: false };
  if (!req.session.strict) {
    if (msg.length >= PAYLOAD_START) filter.nothing = (decodeRtMsg(msg, NLMSGHDR_SIZE).flags & RTM_F_PREFIX) !== 0;
    return filter;
  }
  if (msg.length < PAYLOAD_START) throw einval('Invalid header for FIB dump request');
  const rtm = decodeRtMsg(msg, NLMSGHDR_SIZE);
  if (rtm.dstLen || rtm.srcLen || rtm.tos || rtm.scope) throw einval('Invalid values in header for FIB dump request');
  if (rtm.flags & ~(RTM_F_CLONED | RTM_F_PREFIX)) throw einval('Invalid flags for FIB dump request');
  Object.assign(filter, { protocol: rtm.protocol, type: rtm.type, table: rtm.table, nothing: (rtm.flags & RTM_F_CLONED) !== 0 });
  const tb = parseAttrs(msg, PAYLOAD_START, msg.length, RTM_IPV4_POLICY, true).attrs;
  for (const type of [...tb.keys()].sort((a, b) => a - b)) {
    if (type === RTA_TABLE) filter.table = attrU32(tb.get(type)!);
    else if (type === RTA_OIF) {
      filter.oif = attrU32(tb.get(type)!);
      if (!req.model.byIndex(filter.oif)) throw new NlError(Errno.ENODEV);
    } else throw einval('Unsupported attribute in dump request');
  }
  filter.set = rtm.flags !== 0 || filter.protocol !== 0 || filter.type !== 0 || filter.table !== 0 || filter.oif !== 0;
  return filter;
}

function keep(r: Route, f: DumpFilter): boolean {
  if (!f.set) return true;
  if (f.type && r.type !== f.type) return false;
  if (f.protocol && r.protocol !== f.protocol) return false;
  return !f.oif || r.nexthops.some((h) => h.ifindex === f.oif);
}

/**
 * Route dumps (inet_dump_fib, inet6_dump_fib; rtnl_dump_all runs IPv4 then IPv6 under one DONE):
 * tables in hash-bucket order, each in its own walk order. A filtered table that does not exist
 * ends a single-family dump with ENOENT; family 0 then just skips the family.
 */
function dumpRoutes(req: Request, families: readonly RouteFamily[]): DumpCursor {
  let filter: DumpFilter;
  try {
    filter = dumpFilter(req);
  } catch (e) {
    return { doneFlags: 0, error: toNlError(e), generation: () => 0, next: () => false };
  }
  const doneFlags = filter.set ? NLM_F_DUMP_FILTERED : 0;
  const model = req.model;
  const tables = model.routes.tables;
  let error: NlError | undefined;
  if (filter.table && families.length === 1) {
    const family = families[0]!;
    if (!(family === 'inet' ? tables.inet(filter.table) : tables.inet6(filter.table))) {
      error = new NlError(Errno.ENOENT, `${family === 'inet' ? 'ipv4' : 'ipv6'}: FIB table does not exist`);
    }
  }
  const walk = new RouteWalk(tables, error || filter.nothing ? [] : families, filter);
  // An unfiltered dump of a model at rest is copied from a recording (dump-image.ts), as link
  // and address dumps are; routes that expire show their remaining time and are not recorded.
  const replayKey = filter.set || error || filter.nothing ? undefined : `route/${families.join('+')}`;
  return new RouteDump(req, walk, doneFlags, error, replayKey);
}

/**
 * A route dump's cursor. A class, not an object literal of closures: V8 keeps a function's
 * optimised code only while a closure of it lives, so a fresh `next` per dump threw away what
 * the previous dumps (the warm-up's) had optimised, and every first dump ran interpreted.
 */
class RouteDump implements DumpCursor, Replayable {
  private readonly seq: number;
  private readonly portid: number;
  private readonly entryFlags: number;
  private readonly model: NetworkModel;
  private readonly tables: RouteTables;
  private readonly walk: RouteWalk;
  private hasTime = false;
  readonly replay: Replayable | undefined;
  readonly images: DumpImages;
  readonly key: string;
  /** Kept blocks of IPv4 routes (route-cache.ts), for an unfiltered dump. */
  private readonly blocks: RouteBlocks | undefined;

  constructor(req: Request, walk: RouteWalk, readonly doneFlags: number, readonly error: NlError | undefined, replayKey: string | undefined) {
    this.seq = req.hdr.seq;
    this.portid = req.session.portid;
    this.entryFlags = NLM_F_MULTI | doneFlags;
    this.model = req.model;
    this.tables = req.model.routes.tables;
    this.walk = walk;
    this.images = dumpImages(req.model);
    this.key = replayKey ?? '';
    this.replay = replayKey === undefined ? undefined : this;
    this.blocks = replayKey === undefined ? undefined : routeBlocks(req.model);
  }

  generation(): number {
    return this.tables.generation;
  }

  save(): unknown {
    return this.walk.save();
  }

  restore(position: unknown): void {
    this.walk.restore(position as RouteWalk);
  }

  timeless(): boolean {
    return !this.hasTime;
  }

  next(w: NlWriter): boolean {
    // An unfiltered dump between two IPv4 prefixes copies the kept block starting there.
    if (this.blocks && this.walk.writeBlock(w, this.blocks, this.model, this.entryFlags, this.seq, this.portid)) return true;
    const r = this.walk.next();
    if (!r) return false;
    if (r.family === 'inet6' && r.expires !== undefined) this.hasTime = true;
    writeRouteEntry(w, RTM_NEWROUTE, this.entryFlags, this.seq, this.portid, this.model, r);
    return true;
  }
}

/**
 * The routes a dump shows, one per next(), in the kernel's order: per family the tables in dump
 * order, each table's prefixes (IPv4) or fib6 nodes (IPv6) in walk order as they were when the
 * walk reached the table, each one's routes as they are when it is reached (a change between two
 * chunks never repeats an entry). A plain cursor, not nested generators: this runs per entry.
 */
class RouteWalk {
  private family = -1;
  private ids: readonly number[] = [];
  private table = 0;
  private v4: Fib4Table | undefined = undefined;
  private keys: Float64Array = new Float64Array(0);
  private nodes: ReturnType<Fib6Table['nodes']> = [];
  /** The next prefix key or node of the table being walked. */
  private at = 0;
  private list: readonly Route[] = [];
  private i = 0;

  constructor(
    private readonly tables: RouteTables,
    private readonly families: readonly RouteFamily[],
    private readonly filter: DumpFilter,
  ) {}

  next(): Route | undefined {
    for (;;) {
      while (this.i < this.list.length) {
        const r = this.list[this.i++]!;
        if (keep(r, this.filter)) return r;
      }
      if (this.v4 && this.at < this.keys.length) {
        // Array.isArray does not narrow a readonly array type away: hence the casts.
        const aliases = this.v4.aliasesAt(this.keys[this.at++]!);
        if (Array.isArray(aliases)) {
          this.list = aliases as readonly Route[];
          this.i = 0;
        } else if (aliases && keep(aliases as Route, this.filter)) {
          return aliases as Route;
        }
      } else if (this.at < this.nodes.length) {
        this.list = this.nodes[this.at++]!.routes;
        this.i = 0;
      } else if (!this.nextTable()) {
        return undefined;
      }
    }
  }

  /** The current table has nothing left: on to the next (of this family, or the next family's first); false at the end. */
  private nextTable(): boolean {
    if (this.table < this.ids.length) {
      this.enterTable(this.ids[this.table++]!);
      return true;
    }
    if (++this.family < this.families.length) {
      this.ids = this.tables.tableIds(this.families[this.family]!);
      this.table = 0;
      return true;
    }
    return false;
  }

  /**
   * Between two prefixes of an IPv4 table, writes the kept block of routes that starts at the
   * next one (route-cache.ts) and goes on after it; false (nothing written) when there is none.
   */
  writeBlock(w: NlWriter, blocks: RouteBlocks, model: NetworkModel, flags: number, seq: number, pid: number): boolean {
    if (this.i < this.list.length) return false;
    // Past a table's last prefix (or before the first table): on to the next table that has some.
    while (!this.v4 || this.at >= this.keys.length) {
      if (this.at < this.nodes.length || !this.nextTable()) return false;
    }
    const end = blocks.of(this.v4)?.write(w, model, this.keys, this.at, flags, seq, pid) ?? -1;
    if (end < 0) return false;
    this.at = end;
    return true;
  }

  private enterTable(id: number): void {
    this.v4 = undefined;
    this.keys = new Float64Array(0);
    this.nodes = [];
    this.at = 0;
    if (this.filter.table && id !== this.filter.table) return;
    if (this.families[this.family] === 'inet') {
      this.v4 = this.tables.inet(id);
      if (this.v4) this.keys = this.v4.dumpKeys();
    } else {
      this.nodes = this.tables.inet6(id)?.nodes() ?? [];
    }
  }

  /** A copy of the position (the walk's arrays are snapshots, or IPv6 node lists only appended to in place: Fib6Table.append). */
  save(): RouteWalk {
    return Object.assign(Object.create(RouteWalk.prototype) as RouteWalk, this);
  }

  restore(position: RouteWalk): void {
    Object.assign(this, position);
  }
}

export const inetDumpRoute = (req: Request) => dumpRoutes(req, ['inet']);
export const inet6DumpRoute = (req: Request) => dumpRoutes(req, ['inet6']);
export const dumpAllRoute = (req: Request) => dumpRoutes(req, ['inet', 'inet6']);

// --- `ip route get` ---

/** The attributes a route get request may carry (inet_rtm_valid_getroute_req's list). */
const GET_ATTRS = new Set([RTA_IIF, RTA_OIF, RTA_SRC, RTA_DST, RTA_IP_PROTO, RTA_SPORT, RTA_DPORT, RTA_MARK, RTA_UID]);

/** The attributes of a request that carries RTA_DST alone (see onlyDst4): none parsed. */
const NO_ATTRS: AttrTable = new Map();

/**
 * A request whose only attribute is an IPv4 RTA_DST of 4 bytes (what `ip route get ADDR` sends):
 * nothing in it can fail the policy or leave bytes over, so it is read in place instead of parsed
 * into a table (parseAttrs' Map and a Buffer per attribute were a fifth of a request's cost).
 */
const onlyDst4 = (msg: Buffer) =>
  msg.length === PAYLOAD_START + 8 && msg.readUInt16LE(PAYLOAD_START) === 8 && msg.readUInt16LE(PAYLOAD_START + 2) === RTA_DST;

/** inet_rtm_valid_getroute_req() / inet6_rtm_valid_getroute_req(); `dst` is set when read in place (onlyDst4). */
function parseGetRequest(req: Request, v4: boolean): { flags: number; tos: number; tb: AttrTable; dst?: number | undefined } {
  const msg = req.message;
  const p = v4 ? 'ipv4: ' : 'ipv6: ';
  const full = v4 ? 32 : 128;
  if (msg.length < PAYLOAD_START) throw einval(v4 ? 'ipv4: Invalid header for route get request' : 'ipv6: Invalid header for get route request');
  const rtm = decodeRtMsg(msg, NLMSGHDR_SIZE);
  const policy = v4 ? RTM_IPV4_POLICY : RTM_IPV6_POLICY;
  const alone = v4 && onlyDst4(msg);
  const dst = alone ? ipv4ToInt(msg, PAYLOAD_START + 4) : undefined;
  if (!req.session.strict) {
    if (alone) return { flags: rtm.flags, tos: rtm.tos, tb: NO_ATTRS, dst };
    const parsed = parseAttrs(msg, PAYLOAD_START, msg.length, policy, false);
    req.warning = parsed.warning;
    return { flags: rtm.flags, tos: rtm.tos, tb: parsed.attrs };
  }
  if ((rtm.srcLen && rtm.srcLen !== full) || (rtm.dstLen && rtm.dstLen !== full) || rtm.table || rtm.protocol || rtm.scope || rtm.type) {
    throw einval(v4 ? 'ipv4: Invalid values in header for route get request' : 'ipv6: Invalid values in header for get route request');
  }
  const allowed = v4 ? RTM_F_NOTIFY | RTM_F_LOOKUP_TABLE | RTM_F_FIB_MATCH : RTM_F_FIB_MATCH;
  if (rtm.flags & ~allowed) throw einval(v4 ? 'ipv4: Unsupported rtm_flags for route get request' : 'ipv6: Invalid flags for get route request');
  const tb = alone ? NO_ATTRS : parseAttrs(msg, PAYLOAD_START, msg.length, policy, true).attrs;
  if ((tb.has(RTA_SRC) && !rtm.srcLen) || ((alone || tb.has(RTA_DST)) && !rtm.dstLen)) {
    throw einval(`${p}rtm_src_len and rtm_dst_len must be ${full} for ${v4 ? 'IPv4' : 'IPv6'}`);
  }
  // Any attribute outside the list gets the same error, whichever is met first.
  for (const type of tb.keys()) {
    if (!GET_ATTRS.has(type)) throw einval(v4 ? 'ipv4: Unsupported attribute in route get request' : 'ipv6: Unsupported attribute in get route request');
  }
  return { flags: rtm.flags, tos: rtm.tos, tb, dst };
}

/** rtm_getroute_parse_ip_proto(). */
function checkIpProto(tb: AttrTable, v4: boolean): void {
  const a = tb.get(RTA_IP_PROTO);
  if (!a) return;
  const proto = attrU8(a);
  if (proto === IPPROTO_TCP || proto === IPPROTO_UDP || proto === (v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6)) return;
  throw new NlError(Errno.EOPNOTSUPP, 'Unsupported ip proto');
}

const u32 = (tb: AttrTable, type: number) => (tb.has(type) ? attrU32(tb.get(type)!) : undefined);

/** The transport keys of a route get (RTA_IP_PROTO, RTA_SPORT, RTA_DPORT: big-endian ports) rules may select on, as a whole literal. */
function flowKeys6(tb: AttrTable, src: Uint8Array | undefined, oif: number): Flow6Keys {
  const ipProto = tb.get(RTA_IP_PROTO);
  const sport = tb.get(RTA_SPORT);
  const dport = tb.get(RTA_DPORT);
  return {
    src, oif, iif: undefined, mark: u32(tb, RTA_MARK) ?? 0, uid: u32(tb, RTA_UID) ?? 0, tos: undefined,
    ipProto: ipProto ? attrU8(ipProto) : 0, sport: sport ? attrBe16(sport) : 0, dport: dport ? attrBe16(dport) : 0,
  };
}

/** inet_select_addr(): a primary address of the device, preferring the gateway's (or destination's) subnet. */
function selectSource4(model: NetworkModel, ifindex: number, toward: number): number {
  // One pass, no filtered copy (this runs per `ip route get`): the first primary in the subnet, else the first primary.
  let chosen: Inet4Address | undefined;
  for (const a of model.addresses.list(ifindex, 'inet') as Inet4Address[]) {
    if (a.flags & IFA_F_SECONDARY) continue;
    if (((ipv4ToInt(a.address) ^ toward) & MASK4[a.prefixlen]!) === 0) return ipv4ToInt(a.local);
    chosen ??= a;
  }
  if (chosen) return ipv4ToInt(chosen.local);
  for (const link of model.iterate()) {
    const any = (model.addresses.list(link.index, 'inet') as Inet4Address[]).find((a) => a.scope === RT_SCOPE_UNIVERSE && !(a.flags & IFA_F_SECONDARY));
    if (any) return ipv4ToInt(any.local);
  }
  return 0;
}

/** route.c: inet_rtm_getroute() for output lookups (RTA_IIF is not modelled: no packets arrive). */
export function inetGetRoute(req: Request): void {
  const { flags, tos, tb, dst: dstAlone } = parseGetRequest(req, true);
  checkIpProto(tb, true);
  const model = req.model;
  if (tb.has(RTA_IIF)) {
    if (!model.byIndex(attrU32(tb.get(RTA_IIF)!))) throw new NlError(Errno.ENODEV);
    throw new NlError(Errno.EOPNOTSUPP, 'rtnld: input route lookups (RTA_IIF) are not modelled');
  }
  const srcAttr = tb.get(RTA_SRC);
  const dstAttr = tb.get(RTA_DST);
  const src = srcAttr ? ipv4ToInt(srcAttr.data) : 0;
  const dst = dstAlone ?? (dstAttr ? ipv4ToInt(dstAttr.data) : 0);
  const oif = u32(tb, RTA_OIF) ?? 0;
  const mark = u32(tb, RTA_MARK) ?? 0;
  const uid = u32(tb, RTA_UID) ?? 0;
  const srcReply = srcAttr ? src : undefined;
  // The flow's tos selects rules (and tos routes) but the reply's rtm_tos reads 0 (probed on 6.18).
  // Flow and replies are whole object literals of one shape: objects spread together made this
  // handler several times slower (V8 gives each spread result its own dictionary-mode shape).
  if (dst === 0) {
    // ip_route_output_key_hash_rcu(): no destination is a local route to 127.0.0.1 via lo.
    const saddr = src || 0x7f000001;
    writeInet4RouteGet(req.out, req.hdr.seq, req.session.portid, RTM_NEWROUTE, {
      tos: 0, table: RT_TABLE_MAIN, type: RTN_LOCAL, flags: RTM_F_CLONED | RTCF_LOCAL, dst, src: srcReply, oif: 1,
      prefsrc: saddr !== src ? saddr : undefined, gateway: undefined, metrics: undefined, mark, uid, iif: undefined,
    });
    return;
  }
  const ipProto = tb.get(RTA_IP_PROTO);
  const sport = tb.get(RTA_SPORT);
  const dport = tb.get(RTA_DPORT);
  const flow: Flow4 = {
    dst, scope: 0, oif, tos, src, iif: undefined, mark, uid,
    ipProto: ipProto ? attrU8(ipProto) : 0, sport: sport ? attrBe16(sport) : 0, dport: dport ? attrBe16(dport) : 0,
  };
  const res = fibLookup4(model.routes.tables, flow, (i) => model.byIndex(i));
  const { route, hop } = res;
  const table = flags & RTM_F_LOOKUP_TABLE ? res.table : RT_TABLE_MAIN;
  if (flags & RTM_F_FIB_MATCH) {
    const message = routeMessage(model, route);
    message.table = table;
    writeRouteMessage(req.out, RTM_NEWROUTE, 0, req.hdr.seq, req.session.portid, message);
    return;
  }
  const local = route.type === RTN_LOCAL;
  const gateway = hop?.gateway4;
  const saddr = src || route.prefsrc || (local ? dst : selectSource4(model, hop?.ifindex ?? 0, gateway ?? dst));
  let rtcf = 0;
  if (local) rtcf = RTCF_LOCAL;
  else if (route.type === RTN_BROADCAST) rtcf = RTCF_BROADCAST | RTCF_LOCAL;
  writeInet4RouteGet(req.out, req.hdr.seq, req.session.portid, RTM_NEWROUTE, {
    tos: 0, table, type: route.type, flags: (RTM_F_CLONED | rtcf) >>> 0, dst, src: srcReply, oif: local ? 1 : (hop?.ifindex ?? 0),
    prefsrc: saddr && saddr !== src ? saddr : undefined, gateway, metrics: route.metrics, mark, uid, iif: undefined,
  });
}

/** ipv6_dev_get_saddr() reduced: a valid address of the output device of the destination's scope, else any global one. */
function selectSource6(model: NetworkModel, ifindex: number, dst: Uint8Array): Uint8Array | undefined {
  const linkLocal = dst[0] === 0xfe && (dst[1]! & 0xc0) === 0x80;
  const usable = (a: Inet6Address) => !(a.flags & IFA_F_TENTATIVE) && (linkLocal ? a.scope === RT_SCOPE_LINK : a.scope === RT_SCOPE_UNIVERSE);
  const own = (model.addresses.list(ifindex, 'inet6') as Inet6Address[]).find(usable);
  if (own) return own.address;
  for (const link of model.iterate()) {
    const any = (model.addresses.list(link.index, 'inet6') as Inet6Address[]).find(usable);
    if (any) return any.address;
  }
  return undefined;
}

/** ip6_rt_type_to_error(); a THROW route ends an IPv6 lookup through the default rules with no route. */
const REJECT6: Readonly<Record<number, keyof typeof Errno>> = {
  [RTN_BLACKHOLE]: 'EINVAL', [RTN_UNREACHABLE]: 'EHOSTUNREACH', [RTN_PROHIBIT]: 'EACCES', [RTN_THROW]: 'ENETUNREACH',
};

/** route.c: inet6_rtm_getroute() for output lookups. */
export function inet6GetRoute(req: Request): void {
  const { flags, tb } = parseGetRequest(req, false);
  checkIpProto(tb, false);
  const model = req.model;
  const read16 = (type: number) => {
    const a = tb.get(type);
    if (!a) return new Uint8Array(16);
    if (a.data.length < 16) throw new NlError(Errno.EINVAL);
    return new Uint8Array(a.data.subarray(0, 16));
  };
  const src = read16(RTA_SRC);
  const dst = read16(RTA_DST);
  if (tb.has(RTA_IIF)) {
    if (!model.byIndex(attrU32(tb.get(RTA_IIF)!))) throw new NlError(Errno.ENODEV);
    throw new NlError(Errno.EOPNOTSUPP, 'rtnld: input route lookups (RTA_IIF) are not modelled');
  }
  const oif = u32(tb, RTA_OIF) ?? 0;
  const keys = flowKeys6(tb, tb.has(RTA_SRC) ? src : undefined, oif);
  const hit = fibLookup6(model.routes.tables, dst, (r) => !oif || r.nexthops.some((h) => h.ifindex === oif) || REJECT6[r.type] !== undefined, keys);
  if (!hit) throw new NlError(Errno.ENETUNREACH);
  const reject = REJECT6[hit.route.type];
  if (reject) throw new NlError(Errno[reject]);
  const base = routeMessage(model, hit.route);
  if (flags & RTM_F_FIB_MATCH) {
    writeRouteMessage(req.out, RTM_NEWROUTE, 0, req.hdr.seq, req.session.portid, base);
    return;
  }
  const hop = base.nexthops.find((h) => !oif || h.ifindex === oif) ?? base.nexthops[0];
  const local = hit.route.type === RTN_LOCAL;
  const outIf = local ? 1 : (hop?.ifindex ?? 0);
  const selected = hit.route.prefsrc ?? (local ? dst : selectSource6(model, hop?.ifindex ?? 0, dst));
  writeRouteMessage(req.out, RTM_NEWROUTE, 0, req.hdr.seq, req.session.portid, {
    ...base, dstLen: 128, srcLen: 128, dst, src, selectedSrc: selected, clntref: 2, expires: 0,
    nexthops: hop ? [{ ...hop, ifindex: outIf, weight: 1 }] : [],
  });
}
