// The forwarding table's data: routes, their nexthops and metrics. Values only, no wire bytes.
//
// Memory matters (a full Internet table is a million IPv4 routes): an IPv4 address is a number
// (the 32 bits as a signed int, so V8 keeps it unboxed), and nexthop lists and metric sets are
// interned, so the many routes through one gateway share a single frozen array.

export type RouteFamily = 'inet' | 'inet6';

/** One nexthop (struct fib_nh / fib6_nh), immutable and shared between routes. */
export interface Nexthop {
  /** Output device; 0 when none (reject routes). */
  readonly ifindex: number;
  /** Gateway: an IPv4 route's own-family gateway as a number, or 16 bytes (IPv6, or an IPv4 route's RTA_VIA). */
  readonly gateway4?: number | undefined;
  readonly gateway6?: Uint8Array | undefined;
  /** 1…256 (rtnh_hops + 1). */
  readonly weight: number;
  /** RTNH_F_ONLINK / RTNH_F_PERVASIVE as configured (LINKDOWN is derived from the device when reported). */
  readonly flags: number;
  /** RTA_FLOW realm (IPv4). */
  readonly flow: number;
}

/** Non-zero metrics in ascending RTAX order (the CC algorithm by name). */
export type Metrics = ReadonlyArray<readonly [number, number | string]>;

interface RouteBase {
  /** Full table id (any u32). */
  readonly table: number;
  readonly dstLen: number;
  readonly protocol: number;
  readonly scope: number;
  readonly type: number;
  /** IPv4: 0 is the default; IPv6: the metric (1024 for users, 256 for addrconf). */
  readonly priority: number;
  /** Interned; empty for reject routes. Several hops: IPv4 multipath, IPv6 ECMP siblings in list order. */
  readonly nexthops: readonly Nexthop[];
  readonly metrics?: Metrics | undefined;
}

/** An IPv4 FIB alias and its fib_info. */
export interface Route4 extends RouteBase {
  readonly family: 'inet';
  /** The prefix as a signed 32-bit int (host bits clear). */
  readonly dst: number;
  /** DSCP as rtm_tos. */
  readonly tos: number;
  /** Preferred source; 0 when none. */
  readonly prefsrc: number;
}

/** An IPv6 fib6_info (with its ECMP siblings as extra nexthops). */
export interface Route6 extends RouteBase {
  readonly family: 'inet6';
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  readonly srcLen: number;
  readonly prefsrc?: Uint8Array | undefined;
  /** ICMPV6_ROUTER_PREF_*. */
  readonly pref: number;
  /** Model time (ms) when the route expires (RTF_EXPIRES); undefined when it does not. */
  readonly expires?: number | undefined;
  /** Made by addrconf (RTF_ADDRCONF): never joins ECMP siblings. */
  readonly addrconf: boolean;
}

export type Route = Route4 | Route6;

// --- interning ---

const nexthopLists = new Map<string, readonly Nexthop[]>();
const metricSets = new Map<string, Metrics>();

const hopKey = (h: Nexthop) =>
  `${h.ifindex}/${h.gateway4 ?? ''}/${h.gateway6 ? Buffer.from(h.gateway6).toString('hex') : ''}/${h.weight}/${h.flags}/${h.flow}`;

/** The shared frozen list equal to `hops` (fib_info sharing, so equal routes compare by reference). */
export function internNexthops(hops: readonly Nexthop[]): readonly Nexthop[] {
  const key = hops.length === 1 ? hopKey(hops[0]!) : hops.map(hopKey).join(',');
  let list = nexthopLists.get(key);
  if (!list) {
    // One literal shape for every hop (a spread copies each caller's own key order and set), and a
    // packed array: hops.map() made holey arrays once optimised, packed ones before, and the
    // route encoders, warmed up on one kind, deoptimised at the first dump of the other.
    const packed: Nexthop[] = [];
    for (const h of hops) {
      packed.push(Object.freeze<Nexthop>({ ifindex: h.ifindex, gateway4: h.gateway4, gateway6: h.gateway6, weight: h.weight, flags: h.flags, flow: h.flow }));
    }
    list = Object.freeze(packed);
    nexthopLists.set(key, list);
  }
  return list;
}

export function internMetrics(metrics: Metrics | undefined): Metrics | undefined {
  if (!metrics?.length) return undefined;
  const key = metrics.map(([t, v]) => `${t}=${v}`).join(',');
  let set = metricSets.get(key);
  if (!set) {
    set = Object.freeze(metrics.map((m) => Object.freeze([...m] as const)));
    metricSets.set(key, set);
  }
  return set;
}

export function sameGateway(a: Nexthop, b: Nexthop): boolean {
  if (a.gateway4 !== b.gateway4) return false;
  if (!a.gateway6 || !b.gateway6) return a.gateway6 === b.gateway6;
  return Buffer.compare(a.gateway6, b.gateway6) === 0;
}

export const hasGateway = (h: Nexthop): boolean => h.gateway4 !== undefined || h.gateway6 !== undefined;
