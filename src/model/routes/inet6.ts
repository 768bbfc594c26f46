import { IFA_F_NOPREFIXROUTE, IFA_F_PERMANENT, IFA_F_TENTATIVE, ipv6AddrType, type Inet6Address } from '../addresses.js';
import { ModelError } from '../errors.js';
import type { Cause } from '../events.js';
import { IFF_LOOPBACK, IFF_UP } from '../flags.js';
import type { NewRouteFlags, RouteHost } from './host.js';
import { fibLookup6 } from './lookup.js';
import {
  RT_TABLE_LOCAL, RT_TABLE_MAIN, RTN_BLACKHOLE, RTN_LOCAL, RTN_MULTICAST, RTN_PROHIBIT, RTN_THROW, RTN_UNICAST,
  RTN_UNREACHABLE, RTNH_F_ONLINK, RTPROT_KERNEL, NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE,
} from './numbers.js';
import { ipv6Equal, ipv6PrefixEqual, maskIpv6 } from './prefix.js';
import { internMetrics, internNexthops } from './intern.js';
import { hasGateway, sameGateway, type Metrics, type Nexthop, type Route6 } from './route.js';
import type { RouteTables } from './tables.js';

const LOOPBACK_IFINDEX = 1;
/** IP6_RT_PRIO_USER / IP6_RT_PRIO_ADDRCONF */
export const IP6_RT_PRIO_USER = 1024;
export const IP6_RT_PRIO_ADDRCONF = 256;
const REJECT_TYPES = new Set([RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW]);
const ZERO6 = new Uint8Array(16);

/** An IPv6 RTM_NEWROUTE as values (struct fib6_config). */
export interface Route6Config {
  table: number;
  dst: Uint8Array;
  dstLen: number;
  src: Uint8Array;
  srcLen: number;
  protocol: number;
  type: number;
  /** The metric; 0 becomes IP6_RT_PRIO_USER. */
  priority: number;
  prefsrc?: Uint8Array | undefined;
  /** rtm_flags: only RTNH_F_ONLINK is kept. */
  flags: number;
  nexthops: Nexthop[];
  multipath: boolean;
  metrics?: Metrics | undefined;
  pref: number;
  /** RTA_EXPIRES in seconds. */
  expires?: number | undefined;
  nhId?: number | undefined;
}

/** The fields an IPv6 RTM_DELROUTE matches on (ip6_route_del); 0 / undefined = any. */
export interface Route6Match {
  table: number;
  dst: Uint8Array;
  dstLen: number;
  src: Uint8Array;
  srcLen: number;
  priority: number;
  protocol: number;
  oif: number;
  gateway?: Uint8Array | undefined;
}

/** rt6_qualify_for_ecmp(): a static route through a gateway. */
const ecmpCapable = (r: Route6) => !r.addrconf && r.expires === undefined && r.nexthops.every(hasGateway);

const sameHop = (a: Nexthop, b: Nexthop) => a.ifindex === b.ifindex && sameGateway(a, b);

/** When an address's prefix route expires (addrconf_prefix_route's RTF_EXPIRES): at the end of its valid lifetime; never when permanent. */
const prefixExpiry = (a: Inet6Address) => (a.flags & IFA_F_PERMANENT ? undefined : a.tstamp + a.validLft * 1000);

/** The same route expiring at another time (or never). */
function withExpiry(r: Route6, expires: number | undefined): Route6 {
  const copy = { ...r, expires };
  if (expires === undefined) delete copy.expires;
  return copy;
}

/** The route as a notification shows it: the hops of `first` lead the list. */
function withHopFirst(r: Route6, first: readonly Nexthop[]): Route6 {
  const lead = r.nexthops.filter((h) => first.some((f) => sameHop(f, h)));
  return { ...r, nexthops: [...lead, ...r.nexthops.filter((h) => !lead.includes(h))] };
}

/** IPv6 routes: net/ipv6/route.c and ip6_fib.c rules over the tables. */
export class Inet6Routes {
  /**
   * Devices whose IPv6 nexthops carry RTNH_F_LINKDOWN: the carrier was off when the device was
   * last brought up or changed (fib6_nh_init, rt6_sync_down_dev on NETDEV_CHANGE). Kept while the
   * device goes down, so the routes addrconf_ifdown() announces then report what they had.
   */
  readonly carrierLost = new Set<number>();

  constructor(
    private readonly tables: RouteTables,
    private readonly host: RouteHost,
  ) {}

  // --- RTM_NEWROUTE ---

  /** ip6_route_add() / ip6_route_multipath_add(): each hop checked (fib6_nh_init), then fib6_add(). */
  add(cfg: Route6Config, f: NewRouteFlags, cause?: Cause): void {
    if (cfg.nhId) throw new ModelError('EINVAL', 'Nexthop id does not exist');
    if (cfg.multipath) {
      if (cfg.nexthops.some((h) => !h.gateway6)) throw new ModelError('EINVAL', 'Device only routes can not be added for IPv6 using the multipath API.');
      for (const [i, h] of cfg.nexthops.entries()) {
        if (cfg.nexthops.slice(0, i).some((o) => sameHop(o, h))) throw new ModelError('EEXIST');
      }
    }
    const reject = REJECT_TYPES.has(cfg.type);
    const hops = reject ? [{ ifindex: LOOPBACK_IFINDEX, weight: 1, flags: 0, flow: 0 }] : cfg.nexthops.map((h) => this.checkHop(cfg, h));
    if (cfg.prefsrc && !this.validPrefsrc(cfg.prefsrc, hops[0]!.ifindex)) throw new ModelError('EINVAL', 'Invalid source address');
    const route: Route6 = {
      family: 'inet6', table: cfg.table, dst: cfg.dst, dstLen: cfg.dstLen, src: cfg.src, srcLen: cfg.srcLen,
      protocol: cfg.protocol, scope: 0, type: cfg.type, priority: cfg.priority || IP6_RT_PRIO_USER, prefsrc: cfg.prefsrc,
      nexthops: internNexthops(hops), metrics: internMetrics(cfg.metrics), pref: cfg.pref,
      expires: cfg.expires === undefined ? undefined : this.host.now() + cfg.expires * 1000, addrconf: false,
    };
    this.insert(route, f, cause, cfg.multipath);
  }

  /** Arms fib6_age() for a route that expires (a stale timer finds nothing: see expire()). */
  private scheduleExpiry(route: Route6): void {
    if (route.expires !== undefined) this.host.schedule(route.expires, () => this.expire(route));
  }

  /** Changes when a stored route expires, announcing nothing (fib6_set_expires / fib6_clean_expires). */
  private setExpiry(r: Route6, expires: number | undefined): void {
    if (r.expires === expires) return;
    const table = this.tables.inet6(r.table)!;
    const routes = [...table.routesAt(r.dst, r.dstLen, r.src, r.srcLen)];
    const updated = withExpiry(r, expires);
    routes[routes.indexOf(r)] = updated;
    table.setRoutes(r.dst, r.dstLen, r.src, r.srcLen, routes);
    this.tables.left(r);
    this.tables.entered(updated);
    this.scheduleExpiry(updated);
  }

  /** fib6_age(): a route whose RTA_EXPIRES ran out goes, announced with pid 0 (still there: not replaced). */
  private expire(route: Route6): void {
    const current = this.tables.inet6(route.table)?.routesAt(route.dst, route.dstLen, route.src, route.srcLen);
    const r = current?.find((x) => x.expires !== undefined && x.expires <= this.host.now() && x.priority === route.priority);
    if (r) this.removeHops(r, r.nexthops);
  }

  /** fib6_nh_init() and ip6_validate_gw() for one hop. */
  private checkHop(cfg: Route6Config, hop: Nexthop): Nexthop {
    const flags = hop.flags | (cfg.flags & RTNH_F_ONLINK);
    let ifindex = hop.ifindex;
    if (ifindex && !this.host.link(ifindex)) throw new ModelError('ENODEV');
    if (flags & RTNH_F_ONLINK && !ifindex) throw new ModelError('ENODEV', 'Nexthop device required for onlink');
    const gw = hop.gateway6;
    if (gw) {
      const kind = ipv6AddrType(gw);
      const linkLocal = kind.kind === 'unicast' && gw[0] === 0xfe && (gw[1]! & 0xc0) === 0x80;
      if (ifindex && this.isLocal(gw, linkLocal ? ifindex : 0)) throw new ModelError('EINVAL', 'Gateway can not be a local address');
      if (!linkLocal) {
        if (kind.kind !== 'unicast') throw new ModelError('EINVAL', 'Invalid gateway address');
        if (!(flags & RTNH_F_ONLINK)) {
          const onLink = fibLookup6(this.tables, gw, (r) => !r.nexthops.some(hasGateway) && r.type === RTN_UNICAST &&
            (!ifindex || r.nexthops.some((h) => h.ifindex === ifindex)));
          if (!onLink) throw new ModelError('EHOSTUNREACH');
          if (!ifindex) ifindex = onLink.route.nexthops[0]!.ifindex;
        }
      }
      if (!ifindex) throw new ModelError('EINVAL', 'Egress device not specified');
      if (this.host.link(ifindex)!.flags & IFF_LOOPBACK) throw new ModelError('EINVAL', 'Egress device can not be loopback device for this route');
      if (this.isLocal(gw, linkLocal ? ifindex : 0)) throw new ModelError('EINVAL', 'Gateway can not be a local address');
    }
    if (!ifindex) throw new ModelError('ENODEV');
    const dev = this.host.link(ifindex)!;
    if (!(dev.flags & IFF_UP)) throw new ModelError('ENETDOWN', 'Nexthop device is not up');
    return { ...hop, ifindex, flags };
  }

  /** ipv6_chk_addr(): one of our addresses (on `ifindex` only when given). */
  private isLocal(a: Uint8Array, ifindex: number): boolean {
    for (const link of this.host.links()) {
      if (ifindex && link.index !== ifindex) continue;
      if (this.host.addresses(link.index, 'inet6').some((x) => ipv6Equal((x as Inet6Address).address, a))) return true;
    }
    return false;
  }

  /** A preferred source: a valid address of the device, or a global one of any device. */
  private validPrefsrc(a: Uint8Array, ifindex: number): boolean {
    for (const link of this.host.links()) {
      for (const x of this.host.addresses(link.index, 'inet6') as Inet6Address[]) {
        if (!ipv6Equal(x.address, a) || x.flags & IFA_F_TENTATIVE) continue;
        if (link.index === ifindex || x.scope === 0) return true;
      }
    }
    return false;
  }

  /**
   * fib6_add_rt2(): routes of one node stay in metric order. Same metric: EXCL refuses; a
   * duplicate hop is EEXIST; two gateway routes become ECMP siblings (one route with several
   * hops here); anything else is a separate route after them. REPLACE swaps the first route of
   * the same kind. Refusals throw (EEXIST, ENOENT) as the kernel's errors.
   */
  insert(route: Route6, f: NewRouteFlags, cause?: Cause, multipath = false): void {
    const table = this.tables.newInet6(route.table);
    const routes = [...table.routesAt(route.dst, route.dstLen, route.src, route.srcLen)];
    let nlflags = NLM_F_EXCL;
    let insertAt = routes.length;
    let sibling: Route6 | undefined;
    let replaced = -1;
    const capable = ecmpCapable(route);
    for (const [i, r] of routes.entries()) {
      if (r.priority === route.priority) {
        if (f.excl && !multipath) throw new ModelError('EEXIST');
        nlflags &= ~NLM_F_EXCL;
        if (f.replace) {
          if (ecmpCapable(r) === capable) {
            replaced = i;
            break;
          }
          continue;
        }
        if (r.nexthops.some((h) => route.nexthops.some((n) => sameHop(n, h)))) {
          // fib6_add_rt2node(): the same route again refreshes (or clears) the expiry of one that expires.
          if (r.expires !== undefined) this.setExpiry(r, route.expires);
          throw new ModelError('EEXIST');
        }
        if (capable && ecmpCapable(r)) sibling ??= r;
      }
      if (r.priority > route.priority) {
        insertAt = i;
        break;
      }
    }
    if (f.replace) {
      if (replaced < 0) {
        if (!f.create) throw new ModelError('ENOENT', 'Can not replace route - no match found');
      } else {
        const old = routes[replaced]!;
        routes[replaced] = route;
        table.setRoutes(route.dst, route.dstLen, route.src, route.srcLen, routes);
        this.tables.left(old);
        this.tables.entered(route);
        this.tables.emit({ type: 'newroute', route, nlflags: NLM_F_REPLACE, cause });
        this.scheduleExpiry(route);
        return;
      }
    }
    nlflags |= NLM_F_CREATE;
    if (f.append) nlflags |= NLM_F_APPEND;
    if (multipath) nlflags &= ~NLM_F_EXCL;
    if (sibling) {
      const joined: Route6 = { ...sibling, nexthops: internNexthops([...sibling.nexthops, ...route.nexthops]) };
      routes[routes.indexOf(sibling)] = joined;
      table.setRoutes(route.dst, route.dstLen, route.src, route.srcLen, routes);
      this.tables.left(sibling);
      this.tables.entered(joined);
      const shown = multipath ? (f.append ? joined : withHopFirst(joined, route.nexthops)) : withHopFirst(joined, route.nexthops);
      this.tables.emit({ type: 'newroute', route: shown, nlflags: nlflags & ~NLM_F_EXCL, cause });
      return;
    }
    routes.splice(insertAt, 0, route);
    table.setRoutes(route.dst, route.dstLen, route.src, route.srcLen, routes);
    this.tables.entered(route);
    this.tables.emit({ type: 'newroute', route, nlflags, cause });
    this.scheduleExpiry(route);
  }

  // --- RTM_DELROUTE ---

  /** ip6_route_del(): the first route (hop) of the exact node matching metric, protocol, device, gateway. */
  delete(m: Route6Match, cause?: Cause): void {
    const table = this.tables.inet6(m.table);
    if (!table) throw new ModelError('ESRCH', 'FIB table does not exist');
    for (const r of table.routesAt(m.dst, m.dstLen, m.src, m.srcLen)) {
      if (m.priority && m.priority !== r.priority) continue;
      if (m.protocol && m.protocol !== r.protocol) continue;
      const hop = r.nexthops.find((h) => (!m.oif || h.ifindex === m.oif) && (!m.gateway || (h.gateway6 !== undefined && ipv6Equal(h.gateway6, m.gateway))));
      if (!hop) continue;
      if (m.gateway) this.removeHops(r, [hop], cause);
      else this.removeHops(r, r.nexthops, cause, hop);
      return;
    }
    throw new ModelError('ESRCH');
  }

  /** Removes hops of a route (all of them: the route); one DELROUTE showing what went, `first` leading. */
  removeHops(r: Route6, hops: readonly Nexthop[], cause?: Cause, first?: Nexthop): void {
    const table = this.tables.inet6(r.table);
    if (!table) return;
    const routes = [...table.routesAt(r.dst, r.dstLen, r.src, r.srcLen)];
    const at = routes.indexOf(r);
    if (at < 0) return;
    const left = r.nexthops.filter((h) => !hops.includes(h));
    if (left.length) routes[at] = { ...r, nexthops: internNexthops(left) };
    else routes.splice(at, 1);
    table.setRoutes(r.dst, r.dstLen, r.src, r.srcLen, routes);
    this.tables.left(r);
    if (left.length) this.tables.entered(routes[at]!);
    const gone: Route6 = { ...r, nexthops: first ? [first, ...hops.filter((h) => h !== first)] : [...hops] };
    this.tables.emit({ type: 'delroute', route: gone, nlflags: 0, cause });
  }

  // --- addrconf: the routes IPv6 makes by itself ---

  private kernelRoute(table: number, type: number, dst: Uint8Array, dstLen: number, ifindex: number, priority: number, expires?: number): Route6 {
    const route: Route6 = {
      family: 'inet6', table, dst: maskIpv6(dst, dstLen), dstLen, src: ZERO6, srcLen: 0, protocol: RTPROT_KERNEL, scope: 0, type,
      priority, nexthops: internNexthops([{ ifindex, weight: 1, flags: 0, flow: 0 }]), pref: 0, addrconf: true,
    };
    return expires === undefined ? route : { ...route, expires };
  }

  /**
   * fib6_add_rt2() for a route addrconf makes (one hop, no gateway, CREATE without EXCL). A
   * duplicate (same node and metric, through the same device) adds nothing, only passing on its
   * expiry to one that expires; it is found through the device index, not by walking the node,
   * and the route goes after the node's routes of its metric: fe80::/64 and ff00::/8 hold one
   * route per device, so a walk per device made building n links cost n².
   */
  private addKernel(route: Route6): void {
    const hop = route.nexthops[0]!;
    const index = this.tables.byDevice6;
    if (!index.listed(hop.ifindex)) {
      try {
        this.insert(route, { create: true, excl: false, replace: false, append: false });
      } catch (e) {
        if (!(e instanceof ModelError)) throw e;
      }
      return;
    }
    const dup = this.firstVia(hop.ifindex, route.table, route.dst, route.dstLen,
      (r) => r.priority === route.priority && r.nexthops.some((h) => sameHop(h, hop)));
    if (dup) {
      if (dup.expires !== undefined) this.setExpiry(dup, route.expires);
      return;
    }
    const table = this.tables.newInet6(route.table);
    const routes = table.routesAt(route.dst, route.dstLen, ZERO6, 0);
    // Routes are in metric order: the first of a higher metric is where it goes (the end, mostly).
    let at = routes.length;
    if (at && routes[at - 1]!.priority > route.priority) at = routes.findIndex((r) => r.priority > route.priority);
    const sameMetric = at > 0 && routes[at - 1]!.priority === route.priority;
    if (at === routes.length) table.append(route.dst, route.dstLen, ZERO6, 0, route);
    else table.setRoutes(route.dst, route.dstLen, ZERO6, 0, [...routes.slice(0, at), route, ...routes.slice(at)]);
    this.tables.entered(route);
    this.tables.emit({ type: 'newroute', route, nlflags: NLM_F_CREATE | (sameMetric ? 0 : NLM_F_EXCL) });
    this.scheduleExpiry(route);
  }

  /** Removes the route addrconf made for `dst`/`dstLen` through the device, if it is still there. */
  private deleteKernel(table: number, dst: Uint8Array, dstLen: number, ifindex: number, type: number): void {
    const r = this.firstVia(ifindex, table, maskIpv6(dst, dstLen), dstLen, (x) => x.addrconf && x.type === type && x.nexthops[0]!.ifindex === ifindex);
    if (r) this.removeHops(r, r.nexthops);
  }

  /** addrconf_dev_config(): ff00::/8 (local table) and fe80::/64 (main) when the device is ready. */
  linkReady(ifindex: number): void {
    this.addKernel(this.kernelRoute(RT_TABLE_LOCAL, RTN_MULTICAST, new Uint8Array([0xff, ...new Uint8Array(15)]), 8, ifindex, IP6_RT_PRIO_ADDRCONF));
    this.addKernel(this.kernelRoute(RT_TABLE_MAIN, RTN_UNICAST, new Uint8Array([0xfe, 0x80, ...new Uint8Array(14)]), 64, ifindex, IP6_RT_PRIO_ADDRCONF));
  }

  /**
   * addrconf_prefix_route(): the address's prefix in main (not with NOPREFIXROUTE), expiring with
   * a non-permanent address. When it is there already, fib6_add_rt2node() gives it this expiry if
   * it had one (a permanent address's route keeps none).
   */
  prefixRoute(a: Inet6Address): void {
    if (a.flags & IFA_F_NOPREFIXROUTE) return;
    this.addKernel(this.kernelRoute(RT_TABLE_MAIN, RTN_UNICAST, a.peer ?? a.address, a.prefixlen, a.ifindex, a.rtPriority || IP6_RT_PRIO_ADDRCONF, prefixExpiry(a)));
  }

  /**
   * addrconf_get_prefix_route(): the first route of main for the address's prefix through its
   * device without a gateway (whoever added it).
   */
  private prefixRouteOf(a: Inet6Address): Route6 | undefined {
    return this.firstVia(a.ifindex, RT_TABLE_MAIN, maskIpv6(a.peer ?? a.address, a.prefixlen), a.prefixlen,
      (x) => x.nexthops[0]!.ifindex === a.ifindex && !hasGateway(x.nexthops[0]!));
  }

  /**
   * The first route (in node order) of dst/dstLen (no source prefix) in a table that has a hop
   * through the device and that `test` takes: from the device index, not by walking the node
   * (the fe80::/64 of a link-local address holds a route per device).
   */
  private firstVia(ifindex: number, table: number, dst: Uint8Array, dstLen: number, test: (r: Route6) => boolean): Route6 | undefined {
    const index = this.tables.byDevice6;
    if (!index.listed(ifindex)) {
      return this.tables.inet6(table)?.routesAt(dst, dstLen, ZERO6, 0).find((r) => r.nexthops.some((h) => h.ifindex === ifindex) && test(r));
    }
    const found = index.filter(ifindex, (r) => r.table === table && r.dstLen === dstLen && r.srcLen === 0 && ipv6Equal(r.dst, dst) && test(r));
    return this.tables.walkOrder6(found)[0];
  }

  /**
   * check_cleanup_prefix_route() and cleanup_prefix_route(), when a permanent address stops
   * wanting its prefix route: another address of the prefix that is permanent or NOPREFIXROUTE
   * keeps it as it is; other (dynamic) ones keep it until the last of their lifetimes ends (a
   * route that expires already keeps its time); with none, it goes.
   */
  private cleanupPrefixRoute(a: Inet6Address): void {
    let expires: number | undefined;
    for (const o of this.host.addresses(a.ifindex, 'inet6') as Inet6Address[]) {
      if (o === a || o.prefixlen !== a.prefixlen || !ipv6PrefixEqual(o.address, a.address, a.prefixlen)) continue;
      if (o.flags & (IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE)) return;
      expires = Math.max(expires ?? 0, prefixExpiry(o)!);
    }
    const route = this.prefixRouteOf(a);
    if (!route) return;
    if (expires === undefined) this.removeHops(route, route.nexthops);
    else if (route.expires === undefined) this.setExpiry(route, expires);
  }

  /** __ipv6_ifa_notify(RTM_NEWADDR): the local /128 once the address is no longer tentative. */
  localRoute(a: Inet6Address): void {
    this.addKernel(this.kernelRoute(RT_TABLE_LOCAL, RTN_LOCAL, a.address, 128, a.ifindex, 0));
  }

  /**
   * inet6_addr_modify() after its RTM_NEWADDR, on an up device. NOPREFIXROUTE now set: the
   * cleanup of a deleted address. Otherwise, when the address was permanent and its route is
   * there, modify_prefix_route(): a new metric replaces the route (DELROUTE, then NEWROUTE), the
   * same one only takes the new expiry, silently (for a permanent address made finite Linux 6.18
   * stores the relative time as an absolute one, so the route shows as long expired; rtnld gives
   * it the address's lifetime). Else addrconf_prefix_route(): the route is added, or the one there
   * refreshes its expiry (a dynamic address's new metric adds a second route: the old one stays).
   */
  modifyPrefixRoute(a: Inet6Address, hadPrefixRoute: boolean): void {
    if (a.flags & IFA_F_NOPREFIXROUTE) {
      if (hadPrefixRoute) this.cleanupPrefixRoute(a);
      return;
    }
    const current = hadPrefixRoute ? this.prefixRouteOf(a) : undefined;
    if (current && current.priority === (a.rtPriority || IP6_RT_PRIO_ADDRCONF)) {
      this.setExpiry(current, prefixExpiry(a));
      return;
    }
    if (current) this.removeHops(current, current.nexthops);
    this.prefixRoute(a);
  }

  /**
   * ipv6_del_addr(): DELROUTE local; then only a permanent address's prefix route is cleaned up
   * (a dynamic address's stays until it expires).
   */
  addressRemoved(a: Inet6Address): void {
    this.deleteKernel(RT_TABLE_LOCAL, a.address, 128, a.ifindex, RTN_LOCAL);
    if (a.flags & IFA_F_PERMANENT && !(a.flags & IFA_F_NOPREFIXROUTE)) this.cleanupPrefixRoute(a);
  }

  /** rt6_sync_down_dev() on NETDEV_DOWN / UNREGISTER: every route through the device goes, each announced. */
  linkDown(ifindex: number): void {
    const index = this.tables.byDevice6;
    const via = (r: Route6) => r.nexthops.some((h) => h.ifindex === ifindex);
    const doomed = index.listed(ifindex) ? this.tables.walkOrder6(index.filter(ifindex, via)) : this.walk(via);
    for (const r of doomed) this.removeHops(r, r.nexthops.filter((h) => h.ifindex === ifindex));
  }

  /** Every route `test` takes, in walk order: what an index that outgrew its limit falls back to. */
  walk(test: (r: Route6) => boolean): Route6[] {
    const out: Route6[] = [];
    for (const id of this.tables.tableIds('inet6')) for (const r of this.tables.inet6(id)!.routes()) if (test(r)) out.push(r);
    return out;
  }
}
