import { IFA_F_NOPREFIXROUTE, IFA_F_SECONDARY, type Inet4Address } from '../addresses.js';
import { ModelError } from '../errors.js';
import type { Cause } from '../events.js';
import { IFF_LOOPBACK, IFF_UP } from '../flags.js';
import type { NewRouteFlags, RouteHost } from './host.js';
import { addrType4, fibLookup4, tableLookup4 } from './lookup.js';
import {
  RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_TABLE_LOCAL, RT_TABLE_MAIN, RTN_ANYCAST, RTN_BLACKHOLE,
  RTN_BROADCAST, RTN_LOCAL, RTN_MULTICAST, RTN_PROHIBIT, RTN_THROW, RTN_UNICAST, RTN_UNREACHABLE, RTNH_F_DEAD,
  RTNH_F_LINKDOWN, RTNH_F_ONLINK, RTNH_F_PERVASIVE, NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE,
} from './numbers.js';
import { MASK4 } from './prefix.js';
import { internMetrics, internNexthops } from './intern.js';
import { hasGateway, sameGateway, type Metrics, type Nexthop, type Route4 } from './route.js';
import type { RouteTables } from './tables.js';

/** fib_props[type].scope: the narrowest scope a route of each type may have (index = rtm_type). */
const MIN_SCOPE = [RT_SCOPE_NOWHERE, 0, RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_LINK, 0, 0, 0, 0, 0, RT_SCOPE_NOWHERE, RT_SCOPE_NOWHERE];
const REJECT_TYPES = new Set([RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW]);
const FORWARDING_TYPES = new Set([RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST, RTN_ANYCAST, RTN_MULTICAST]);

/** An IPv4 RTM_NEWROUTE as values (struct fib_config after rtm_to_fib_config). */
export interface Route4Config {
  table: number;
  dst: number;
  dstLen: number;
  tos: number;
  protocol: number;
  scope: number;
  type: number;
  priority: number;
  prefsrc: number;
  /** rtm_flags (only RTNH_F_* bits matter: ONLINK goes to every hop). */
  flags: number;
  /** From RTA_OIF/GATEWAY/VIA/FLOW, or RTA_MULTIPATH; ifindex 0 = none given. */
  nexthops: Nexthop[];
  multipath: boolean;
  metrics?: Metrics | undefined;
  nhId?: number | undefined;
}

/** The fields an IPv4 RTM_DELROUTE matches on (fib_table_delete, fib_nh_match); 0 / undefined = any. */
export interface Route4Match {
  table: number;
  dst: number;
  dstLen: number;
  tos: number;
  type: number;
  /** RT_SCOPE_NOWHERE matches any scope. */
  scope: number;
  prefsrc: number;
  protocol: number;
  priority: number;
  oif: number;
  gateway4?: number | undefined;
  gateway6?: Uint8Array | undefined;
  flow: number;
  multipath?: Array<{ ifindex: number; gateway4?: number | undefined; gateway6?: Uint8Array | undefined; flow: number }> | undefined;
  metrics?: Metrics | undefined;
}

/** A copy of a hop with its device and flags as checked (one shape for every hop: no spread). */
const hopWith = (h: Nexthop, ifindex: number, flags: number): Nexthop =>
  ({ ifindex, gateway4: h.gateway4, gateway6: h.gateway6, weight: h.weight, flags, flow: h.flow });

const ipv4Int = (b: Uint8Array) => ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) | 0;
const einval = (msg?: string) => new ModelError('EINVAL', msg);

/** Same fib_info and type: what makes two aliases of one key duplicates. */
export function sameRoute4(a: Route4, b: Route4): boolean {
  return a.type === b.type && a.scope === b.scope && a.protocol === b.protocol && a.prefsrc === b.prefsrc &&
    a.priority === b.priority && a.nexthops === b.nexthops && a.metrics === b.metrics;
}

/** IPv4 routes: net/ipv4/fib_frontend.c, fib_semantics.c and fib_trie.c rules over the tables. */
export class Inet4Routes {
  constructor(
    private readonly tables: RouteTables,
    private readonly host: RouteHost,
  ) {}

  private readonly link = (i: number) => this.host.link(i);

  // --- RTM_NEWROUTE ---

  /** fib_create_info() checks, then fib_table_insert(). */
  add(cfg: Route4Config, f: NewRouteFlags, cause?: Cause): void {
    if ((MIN_SCOPE[cfg.type] ?? RT_SCOPE_NOWHERE) > cfg.scope) throw einval('Invalid scope');
    if (cfg.flags & (RTNH_F_DEAD | RTNH_F_LINKDOWN)) throw einval('Invalid rtm_flags - can not contain DEAD or LINKDOWN');
    if (cfg.nhId) throw einval('Nexthop id does not exist');
    let hops: Nexthop[] = [];
    if (REJECT_TYPES.has(cfg.type)) {
      if (cfg.multipath || cfg.nexthops.some((h) => h.ifindex || hasGateway(h))) {
        throw einval('Gateway, device and multipath can not be specified for this route type');
      }
    } else {
      if (!FORWARDING_TYPES.has(cfg.type)) throw einval('Invalid route type');
      if (cfg.scope > RT_SCOPE_HOST) throw einval('Invalid scope');
      hops = cfg.scope === RT_SCOPE_HOST ? [this.checkHostHop(cfg)]
        : cfg.nexthops.length === 1 ? [this.checkHop(cfg, cfg.nexthops[0]!)] : cfg.nexthops.map((h) => this.checkHop(cfg, h));
    }
    if (cfg.prefsrc && !this.validPrefsrc(cfg)) throw einval('Invalid prefsrc address');
    this.insert({
      family: 'inet', table: cfg.table, dst: cfg.dst, dstLen: cfg.dstLen, tos: cfg.tos, protocol: cfg.protocol,
      scope: cfg.scope, type: cfg.type, priority: cfg.priority, prefsrc: cfg.prefsrc,
      nexthops: internNexthops(hops), metrics: internMetrics(cfg.metrics),
    }, f, cause);
  }

  /** A host-scope route: one hop, no gateway, an existing device (up or not). */
  private checkHostHop(cfg: Route4Config): Nexthop {
    if (cfg.nexthops.length !== 1) throw einval('Route with host scope can not have multiple nexthops');
    const hop = cfg.nexthops[0]!;
    if (hasGateway(hop)) throw einval('Route with host scope can not have a gateway');
    if (!this.link(hop.ifindex)) throw new ModelError('ENODEV');
    return hop;
  }

  /** fib_check_nh(): the gateway must be reachable on a link-scope route; the device up. */
  private checkHop(cfg: Route4Config, hop: Nexthop): Nexthop {
    const flags = hop.flags | (cfg.flags & 0xff & (RTNH_F_ONLINK | RTNH_F_PERVASIVE));
    if (hop.gateway6) {
      const dev = this.link(hop.ifindex);
      if (!dev) throw new ModelError('ENETUNREACH', 'Nexthop has invalid gateway');
      if (!(dev.flags & IFF_UP)) throw new ModelError('ENETDOWN');
      return hopWith(hop, hop.ifindex, flags);
    }
    if (hop.gateway4 === undefined) {
      if (flags & (RTNH_F_PERVASIVE | RTNH_F_ONLINK)) throw einval('Invalid flags for nexthop - PERVASIVE and ONLINK can not be set');
      const dev = this.link(hop.ifindex);
      if (!dev || !dev.inet) throw new ModelError('ENODEV');
      if (!(dev.flags & IFF_UP)) throw new ModelError('ENETDOWN', 'Device for nexthop is not up');
      return hopWith(hop, hop.ifindex, flags);
    }
    if (flags & RTNH_F_ONLINK) {
      if (cfg.scope >= RT_SCOPE_LINK) throw einval('Nexthop has invalid scope');
      const dev = this.link(hop.ifindex);
      if (!dev) throw new ModelError('ENODEV', 'Nexthop device required for onlink');
      if (!(dev.flags & IFF_UP)) throw new ModelError('ENETDOWN', 'Nexthop device is not up');
      const type = addrType4(this.tables.inet(RT_TABLE_LOCAL), hop.gateway4) ?? RTN_UNICAST;
      if (type !== RTN_UNICAST) throw einval('Nexthop has invalid gateway');
      return hopWith(hop, hop.ifindex, flags);
    }
    const flow = { dst: hop.gateway4, scope: Math.max(cfg.scope + 1, RT_SCOPE_LINK), oif: hop.ifindex, tos: 0 };
    const own = cfg.table !== RT_TABLE_MAIN ? this.tables.inet(cfg.table) : undefined;
    let res = own && tableLookup4(own, flow, this.link);
    if (!res) {
      try {
        res = fibLookup4(this.tables, flow, this.link);
      } catch {
        throw new ModelError('ENETUNREACH', 'Nexthop has invalid gateway');
      }
    }
    if (res.route.type !== RTN_UNICAST && res.route.type !== RTN_LOCAL) throw einval('Nexthop has invalid gateway');
    const ifindex = res.hop?.ifindex ?? 0;
    const dev = this.link(ifindex);
    if (!dev) throw einval('No egress device for nexthop gateway');
    if (!(dev.flags & IFF_UP)) throw new ModelError('ENETDOWN');
    return hopWith(hop, ifindex, flags);
  }

  /** fib_valid_prefsrc(): the source must be a local address (local table, or the route's own). */
  private validPrefsrc(cfg: Route4Config): boolean {
    if (cfg.type === RTN_LOCAL && cfg.dstLen && cfg.prefsrc === cfg.dst) return true;
    const tb = cfg.table === RT_TABLE_MAIN ? RT_TABLE_LOCAL : cfg.table;
    if (addrType4(this.tables.inet(tb), cfg.prefsrc) === RTN_LOCAL) return true;
    return tb !== RT_TABLE_LOCAL && addrType4(this.tables.inet(RT_TABLE_LOCAL), cfg.prefsrc) === RTN_LOCAL;
  }

  /**
   * fib_table_insert(): aliases of one prefix stay sorted by tos (descending) and priority;
   * within one key a new alias goes first (CREATE) or last (APPEND), or replaces the first
   * (REPLACE). Returns false when an identical alias made it a no-op.
   */
  insert(route: Route4, f: NewRouteFlags, cause?: Cause): boolean {
    const table = this.tables.newInet(route.table);
    const aliases = table.aliases(route.dst, route.dstLen);
    if (aliases.length === 0) {
      // A new prefix (most inserts of a full table): nothing to order against.
      if (!f.create) throw new ModelError('ENOENT');
      table.setAliases(route.dst, route.dstLen, [route]);
      this.tables.entered(route);
      this.tables.emit({ type: 'newroute', route, nlflags: NLM_F_EXCL | NLM_F_CREATE, cause });
      return true;
    }
    // fib_find_alias(): the first alias with tos < ours, or our tos and priority >= ours.
    let at = aliases.findIndex((a) => a.tos < route.tos || (a.tos === route.tos && a.priority >= route.priority));
    if (at < 0) at = aliases.length;
    let nlflags = NLM_F_EXCL;
    const first = aliases[at];
    if (first && first.tos === route.tos && first.priority === route.priority) {
      if (f.excl) throw new ModelError('EEXIST');
      nlflags &= ~NLM_F_EXCL;
      let end = at;
      let match = -1;
      for (; end < aliases.length; end++) {
        const a = aliases[end]!;
        if (a.tos !== route.tos || a.priority !== route.priority) break;
        if (match < 0 && sameRoute4(a, route)) match = end;
      }
      if (f.replace) {
        if (match >= 0) {
          if (match === at) return false; // replacing the first alias with itself: nothing happens
          throw new ModelError('EEXIST');
        }
        const list = [...aliases];
        list[at] = route;
        table.setAliases(route.dst, route.dstLen, list);
        this.tables.left(first);
        this.tables.entered(route);
        this.tables.emit({ type: 'newroute', route, nlflags: nlflags | NLM_F_REPLACE, cause });
        return true;
      }
      if (match >= 0) throw new ModelError('EEXIST');
      if (f.append) {
        nlflags |= NLM_F_APPEND;
        at = end;
      }
    }
    if (!f.create) throw new ModelError('ENOENT');
    nlflags |= NLM_F_CREATE;
    const list = [...aliases];
    list.splice(at, 0, route);
    table.setAliases(route.dst, route.dstLen, list);
    this.tables.entered(route);
    this.tables.emit({ type: 'newroute', route, nlflags, cause });
    return true;
  }

  // --- RTM_DELROUTE ---

  /** fib_table_delete(): the first alias of the exact prefix and tos that every given field matches. */
  delete(m: Route4Match, cause?: Cause): void {
    const table = this.tables.inet(m.table);
    if (!table) throw new ModelError('ESRCH', 'FIB table does not exist');
    const aliases = table.aliases(m.dst, m.dstLen);
    const victim = aliases.find((a) => a.tos === m.tos && this.matches(a, m));
    if (!victim) throw new ModelError('ESRCH');
    this.remove(victim, cause);
  }

  private matches(a: Route4, m: Route4Match): boolean {
    if (m.type && a.type !== m.type) return false;
    if (m.scope !== RT_SCOPE_NOWHERE && a.scope !== m.scope) return false;
    if (m.prefsrc && a.prefsrc !== m.prefsrc) return false;
    if (m.protocol && a.protocol !== m.protocol) return false;
    if (m.priority && a.priority !== m.priority) return false;
    if (m.oif || m.gateway4 !== undefined || m.gateway6) {
      // fib_nh_match(): only the first nexthop is compared.
      const nh = a.nexthops[0];
      if (!nh) return false;
      if (m.flow && m.flow !== nh.flow) return false;
      if (m.oif && m.oif !== nh.ifindex) return false;
      if ((m.gateway4 !== undefined || m.gateway6) && !sameGateway(nh, { ...nh, gateway4: m.gateway4, gateway6: m.gateway6 })) return false;
    } else if (m.multipath) {
      for (const [i, nh] of a.nexthops.entries()) {
        const want = m.multipath[i];
        if (!want) return false; // rtnh_ok() fails: fewer hops than the route has
        if (want.ifindex && want.ifindex !== nh.ifindex) return false;
        if ((want.gateway4 !== undefined || want.gateway6) && !sameGateway(nh, { ...nh, gateway4: want.gateway4, gateway6: want.gateway6 })) return false;
        if (want.flow && want.flow !== nh.flow) return false;
      }
    }
    for (const [type, value] of m.metrics ?? []) {
      if (a.metrics?.find(([t]) => t === type)?.[1] !== value) return false;
    }
    return true;
  }

  /** Takes one alias out of its table; announced unless `quiet` (the flush of a downed device). */
  remove(route: Route4, cause?: Cause, quiet = false): void {
    const table = this.tables.inet(route.table);
    if (!table) return;
    const aliases = table.aliases(route.dst, route.dstLen);
    if (!aliases.includes(route)) return;
    table.setAliases(route.dst, route.dstLen, aliases.filter((a) => a !== route));
    this.tables.left(route);
    if (quiet) this.tables.touch();
    else this.tables.emit({ type: 'delroute', route, nlflags: 0, cause });
  }

  // --- what links and addresses do to IPv4 routes (fib_frontend.c) ---

  /** fib_magic(RTM_NEWROUTE): a kernel route, inserted with CREATE|APPEND (a duplicate is ignored). */
  private magicAdd(type: number, dst: number, dstLen: number, prim: Inet4Address, priority = 0): void {
    try {
      this.insert(this.magicRoute(type, dst, dstLen, prim, priority), { create: true, excl: false, replace: false, append: true });
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
    }
  }

  private magicRoute(type: number, dst: number, dstLen: number, prim: Inet4Address, priority: number): Route4 {
    return {
      family: 'inet', table: type === RTN_UNICAST ? RT_TABLE_MAIN : RT_TABLE_LOCAL, dst, dstLen, tos: 0, protocol: 2,
      scope: type === RTN_LOCAL ? RT_SCOPE_HOST : RT_SCOPE_LINK, type, priority, prefsrc: ipv4Int(prim.local),
      nexthops: internNexthops([{ ifindex: prim.ifindex, weight: 1, flags: 0, flow: 0 }]), metrics: undefined,
    };
  }

  /** fib_magic(RTM_DELROUTE): removes the kernel route if it is still there (of that metric, when one is given). */
  private magicDelete(type: number, dst: number, dstLen: number, prim: Inet4Address, priority = 0): void {
    const want = this.magicRoute(type, dst, dstLen, prim, 0);
    const table = this.tables.inet(want.table);
    const victim = table?.aliases(dst, dstLen).find((a) =>
      a.type === type && a.scope === want.scope && a.prefsrc === want.prefsrc && a.nexthops[0]?.ifindex === prim.ifindex &&
      (!priority || a.priority === priority));
    if (victim) this.remove(victim);
  }

  private primaryOf(ifa: Inet4Address): Inet4Address | undefined {
    if (!(ifa.flags & IFA_F_SECONDARY)) return ifa;
    const mask = MASK4[ifa.prefixlen]!;
    return (this.host.addresses(ifa.ifindex, 'inet') as Inet4Address[]).find((p) =>
      !(p.flags & IFA_F_SECONDARY) && p.prefixlen === ifa.prefixlen && (ipv4Int(p.address) & mask) === (ipv4Int(ifa.address) & mask));
  }

  /** fib_add_ifaddr(): local /32 always; broadcast and prefix routes only on an up device. */
  addressAdded(ifa: Inet4Address): void {
    const dev = this.link(ifa.ifindex);
    const prim = this.primaryOf(ifa);
    if (!dev || !prim) return;
    const addr = ipv4Int(ifa.local);
    const mask = MASK4[ifa.prefixlen]!;
    const prefix = ipv4Int(ifa.address) & mask;
    this.magicAdd(RTN_LOCAL, addr, 32, prim);
    if (!(dev.flags & IFF_UP)) return;
    const brd = ifa.broadcast ? ipv4Int(ifa.broadcast) : 0;
    if (brd && brd !== -1) this.magicAdd(RTN_BROADCAST, brd, 32, prim);
    if (prefix !== 0 && !(ifa.flags & IFA_F_SECONDARY) && (prefix !== addr || ifa.prefixlen < 32)) {
      if (!(ifa.flags & IFA_F_NOPREFIXROUTE)) {
        this.magicAdd(dev.flags & IFF_LOOPBACK ? RTN_LOCAL : RTN_UNICAST, prefix, ifa.prefixlen, prim, ifa.rtPriority);
      }
      if (ifa.prefixlen < 31) this.magicAdd(RTN_BROADCAST, prefix | ~mask, 32, prim);
    }
  }

  /**
   * fib_modify_prefix_metric(): a primary address's prefix route under its new metric (announced),
   * then the old one deleted. Always a main-table unicast route, even on loopback, as in Linux.
   */
  modifyPrefixMetric(ifa: Inet4Address, oldMetric: number): void {
    const dev = this.link(ifa.ifindex);
    const prefix = ipv4Int(ifa.address) & MASK4[ifa.prefixlen]!;
    if (!dev || !(dev.flags & IFF_UP) || ifa.flags & (IFA_F_SECONDARY | IFA_F_NOPREFIXROUTE) || prefix === 0
      || (prefix === ipv4Int(ifa.local) && ifa.prefixlen === 32)) return;
    this.magicAdd(RTN_UNICAST, prefix, ifa.prefixlen, ifa, ifa.rtPriority);
    this.magicDelete(RTN_UNICAST, prefix, ifa.prefixlen, ifa, oldMetric);
  }

  /**
   * fib_del_ifaddr(): the address's prefix, broadcast and local routes, each unless another
   * address of the device still needs it; then routes using the address as prefsrc are flushed
   * (fib_sync_down_addr), announced.
   */
  addressRemoved(ifa: Inet4Address, dying: boolean): void {
    const dev = this.link(ifa.ifindex);
    const prim = this.primaryOf(ifa) ?? ifa;
    const addr = ipv4Int(ifa.local);
    const mask = MASK4[ifa.prefixlen]!;
    const any = ipv4Int(ifa.address) & mask;
    const brd = any | ~mask;
    const explicitBrd = ifa.broadcast ? ipv4Int(ifa.broadcast) : 0;
    let subnet = false;
    if (!(ifa.flags & IFA_F_SECONDARY) && any !== 0 && (any !== addr || ifa.prefixlen < 32)) {
      if (!(ifa.flags & IFA_F_NOPREFIXROUTE)) this.magicDelete(dev && dev.flags & IFF_LOOPBACK ? RTN_LOCAL : RTN_UNICAST, any, ifa.prefixlen, prim);
      subnet = true;
    }
    let localOk = false;
    let brdOk = false;
    let brd1Ok = false;
    let brd0Ok = false;
    // Still listed: a secondary being promoted keeps its address, so nothing using it is flushed.
    let gone = true;
    if (!dying) {
      for (const other of this.host.addresses(ifa.ifindex, 'inet') as Inet4Address[]) {
        if (other === ifa) {
          gone = false;
          continue;
        }
        const otherPrim = this.primaryOf(other);
        if (!otherPrim || ipv4Int(otherPrim.local) !== ipv4Int(prim.local)) continue;
        if (ipv4Int(other.local) === addr) localOk = true;
        const ob = other.broadcast ? ipv4Int(other.broadcast) : 0;
        if (explicitBrd === ob) brdOk = true;
        if (brd === ob) brd1Ok = true;
        if (any === ob) brd0Ok = true;
        if (otherPrim === other && other.prefixlen < 31) {
          const m1 = MASK4[other.prefixlen]!;
          const any1 = ipv4Int(other.address) & m1;
          const brd1 = any1 | ~m1;
          if (any1 !== 0) {
            if (explicitBrd === brd1 || explicitBrd === any1) brdOk = true;
            if (brd === brd1 || brd === any1) brd1Ok = true;
            if (any === brd1 || any === any1) brd0Ok = true;
          }
        }
      }
    }
    if (!brdOk && explicitBrd) this.magicDelete(RTN_BROADCAST, explicitBrd, 32, prim);
    if (subnet && ifa.prefixlen < 31) {
      if (!brd1Ok) this.magicDelete(RTN_BROADCAST, brd, 32, prim);
      if (!brd0Ok) this.magicDelete(RTN_BROADCAST, any, 32, prim);
    }
    if (!localOk) {
      this.magicDelete(RTN_LOCAL, addr, 32, prim);
      if (gone && addrType4(this.tables.inet(RT_TABLE_LOCAL), addr) !== RTN_LOCAL) this.flushPrefsrc(addr);
    }
  }

  /** fib_sync_down_addr() + fib_flush(): routes whose preferred source went away, announced. */
  private flushPrefsrc(addr: number): void {
    const index = this.tables.byPrefsrc4;
    const doomed = index.listed(addr) ? this.tables.walkOrder4(index.filter(addr, () => true)) : this.walk((r) => r.prefsrc === addr);
    for (const r of doomed) this.remove(r);
  }

  /** Every route `test` takes, in walk order (tables in dump order): what an index that outgrew its limit falls back to. */
  walk(test: (r: Route4) => boolean): Route4[] {
    const out: Route4[] = [];
    for (const id of this.tables.tableIds('inet')) for (const r of this.tables.inet(id)!.routes()) if (test(r)) out.push(r);
    return out;
  }

  /** NETDEV_UP: fib_add_ifaddr() for every address of the device. */
  linkUp(ifindex: number): void {
    for (const ifa of this.host.addresses(ifindex, 'inet') as Inet4Address[]) this.addressAdded(ifa);
  }

  /**
   * NETDEV_DOWN / UNREGISTER (fib_sync_down_dev + fib_flush): every route whose nexthops all
   * use the device goes, silently; host-scope (local) routes stay unless the device is going away.
   */
  linkDown(ifindex: number, unregister: boolean): void {
    const dies = (r: Route4) =>
      r.nexthops.length > 0 && (unregister || r.scope !== RT_SCOPE_HOST) && r.nexthops.every((h) => h.ifindex === ifindex);
    const index = this.tables.byDevice4;
    const doomed = index.listed(ifindex) ? index.filter(ifindex, dies) : this.walk(dies);
    for (const r of doomed) this.remove(r, undefined, true);
  }
}
