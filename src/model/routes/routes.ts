import { decodeRoutes4, encodeRoutes4, type Route4Columns } from './columns.js';
import { decodeRoutes6, encodeRoutes6, type Route6Columns } from './columns6.js';
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

/** The snapshot form of version 2 (still read): IPv4 routes as columns (columns.ts), IPv6 as values. */
export interface RouteColumns2Snapshot {
  version: 2;
  inet4: Route4Columns;
  inet6: Route6[];
}

/** The snapshot form (GET /v1/snapshot, the --state directory) since version 3: both families as columns (columns.ts, columns6.ts). */
export interface RouteColumnsSnapshot {
  version: 3;
  inet4: Route4Columns;
  inet6: Route6Columns;
}

export type RouteSnapshot = RouteList | RouteColumns2Snapshot | RouteColumnsSnapshot;

const isColumns = (s: RouteSnapshot): s is RouteColumns2Snapshot | RouteColumnsSnapshot => (s as { version?: unknown }).version !== undefined;

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

  /** encodeRoutes: every route in dump order, both families as columns (no object per route). */
  export(): RouteColumnsSnapshot {
    const count = { inet: 0, inet6: 0 };
    for (const c of this.tables.counts()) count[c.family] += c.routes;
    return {
      version: 3,
      inet4: encodeRoutes4(this.tables.routes('inet') as IterableIterator<Route4>, count.inet),
      inet6: encodeRoutes6(this.tables.routes('inet6') as IterableIterator<Route6>, count.inet6),
    };
  }

  /**
   * Replaces every route, announcing nothing (a restore). Without a snapshot (a state saved
   * before routes existed) the kernel's own routes are rebuilt from the links and addresses.
   */
  import(s?: RouteSnapshot): void {
    const version = s && isColumns(s) ? (s as { version: unknown }).version : undefined;
    if (version !== undefined && version !== 2 && version !== 3) throw new Error(`routes.version ${String(version)} is not one this rtnld reads (2, 3)`);
    // decodeRoutes: the columns are checked and built into tables before anything is replaced.
    const inet = s && isColumns(s) ? decodeRoutes4(s.inet4) : undefined;
    const inet6 = s && isColumns(s) && s.version === 3 ? decodeRoutes6(s.inet6) : undefined;
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
      if (inet6) for (let i = inet6.length - 1; i >= 0; i--) this.tables.adoptInet6(inet6[i]!);
      // Built whole, the tables' routes are indexed here (by device, by IPv4 source), as each insert does.
      for (const tables of [inet, inet6]) for (const t of tables ?? []) for (const r of t.routes()) this.tables.entered(r);
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
      const list6 = (inet6 ? [] : s.inet6) as Array<Mutable<Route6>>;
      const ids6 = [...new Set(list6.map((r) => r.table))];
      for (let i = ids6.length - 1; i >= 0; i--) this.tables.newInet6(ids6[i]!);
      for (const r of list6) {
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
