import { decodeRoutes4, encodeRoutes4, type Route4Columns } from './columns.js';
import { followLinksAndAddresses } from './follow.js';
import type { RouteHost } from './host.js';
import { Inet4Routes } from './inet4.js';
import { Inet6Routes } from './inet6.js';
import { RT_TABLE_LOCAL, RT_TABLE_MAIN } from './numbers.js';
import type { Route4, Route6 } from './route.js';
import { internMetrics, internNexthops } from './intern.js';
import { RouteTables } from './tables.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Every route as plain values: the form of snapshots written before the IPv4 columns (still read). */
export interface RouteList {
  inet: Route4[];
  inet6: Route6[];
}

/** The snapshot form (GET /v1/snapshot, the --state directory) since version 2: IPv4 routes as columns (columns.ts), IPv6 as values. */
export interface RouteColumnsSnapshot {
  version: 2;
  inet4: Route4Columns;
  inet6: Route6[];
}

export type RouteSnapshot = RouteList | RouteColumnsSnapshot;

const isColumns = (s: RouteSnapshot): s is RouteColumnsSnapshot => (s as { version?: unknown }).version !== undefined;

/** The forwarding tables of one namespace, the per-family rules that change them, and how they follow links and addresses. */
export class Routes {
  readonly tables: RouteTables;
  readonly inet: Inet4Routes;
  readonly inet6: Inet6Routes;

  constructor(readonly host: RouteHost) {
    this.tables = new RouteTables(host);
    // fib6_net_init(): IPv6 main and local exist from the start; IPv4 tables appear on first use.
    this.tables.newInet6(RT_TABLE_MAIN);
    this.tables.newInet6(RT_TABLE_LOCAL);
    this.inet = new Inet4Routes(this.tables, host);
    this.inet6 = new Inet6Routes(this.tables, host);
    this.follower = followLinksAndAddresses(host, this.inet, this.inet6);
  }

  private readonly follower: { rebuild(): void };

  /** encodeRoutes: every route in dump order, IPv4 as columns (no object per route). */
  export(): RouteColumnsSnapshot {
    let count = 0;
    for (const c of this.tables.counts()) if (c.family === 'inet') count += c.routes;
    return {
      version: 2,
      inet4: encodeRoutes4(this.tables.routes('inet') as IterableIterator<Route4>, count),
      inet6: [...this.tables.routes('inet6')].map((r) => structuredClone(r) as Route6),
    };
  }

  /**
   * Replaces every route, announcing nothing (a restore). Without a snapshot (a state saved
   * before routes existed) the kernel's own routes are rebuilt from the links and addresses.
   */
  import(s?: RouteSnapshot): void {
    if (s && isColumns(s) && s.version !== 2) throw new Error(`routes.version ${String(s.version)} is not one this rtnld reads (2)`);
    // decodeRoutes: the columns are checked and built into tables before anything is replaced.
    const inet = s && isColumns(s) ? decodeRoutes4(s.inet4) : undefined;
    this.tables.quietly(() => {
      this.tables.clear();
      this.tables.newInet6(RT_TABLE_MAIN);
      this.tables.newInet6(RT_TABLE_LOCAL);
      if (!s) {
        this.follower.rebuild();
        return;
      }
      // Newest first within a bucket in the dump: adopted last-listed first, so the order survives the round trip.
      if (inet) for (let i = inet.length - 1; i >= 0; i--) this.tables.adoptInet(inet[i]!);
      const list = (isColumns(s) ? [] : s.inet) as Array<Mutable<Route4>>;
      // The list form: its tables created in the same order (last-listed of a bucket first) before its routes go in.
      const ids = [...new Set(list.map((r) => r.table))];
      for (let i = ids.length - 1; i >= 0; i--) this.tables.newInet(ids[i]!);
      const always = { create: true, excl: false, replace: false, append: true };
      // A snapshot's routes are fresh objects (parsed or cloned): interned in place, not copied.
      for (const r of list) {
        r.nexthops = internNexthops(r.nexthops);
        r.metrics = internMetrics(r.metrics);
        this.inet.insert(r, always);
      }
      for (const r of s.inet6 as Array<Mutable<Route6>>) {
        const table = this.tables.newInet6(r.table);
        r.nexthops = internNexthops(r.nexthops);
        r.metrics = internMetrics(r.metrics);
        const route = r;
        table.setRoutes(r.dst, r.dstLen, r.src, r.srcLen, [...table.routesAt(r.dst, r.dstLen, r.src, r.srcLen), route]);
        this.tables.entered(route);
      }
      this.follower.rebuild();
    });
  }
}
