import { followLinksAndAddresses } from './follow.js';
import type { RouteHost } from './host.js';
import { Inet4Routes } from './inet4.js';
import { Inet6Routes } from './inet6.js';
import { RT_TABLE_LOCAL, RT_TABLE_MAIN } from './numbers.js';
import type { Route4, Route6 } from './route.js';
import { internMetrics, internNexthops } from './intern.js';
import { RouteTables } from './tables.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Every route as plain values (snapshots and the --state directory). */
export interface RouteSnapshot {
  inet: Route4[];
  inet6: Route6[];
}

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

  export(): RouteSnapshot {
    return {
      inet: [...this.tables.routes('inet')].map((r) => structuredClone(r) as Route4),
      inet6: [...this.tables.routes('inet6')].map((r) => structuredClone(r) as Route6),
    };
  }

  /**
   * Replaces every route, announcing nothing (a restore). Without a snapshot (a state saved
   * before routes existed) the kernel's own routes are rebuilt from the links and addresses.
   */
  import(s?: RouteSnapshot): void {
    this.tables.quietly(() => {
      this.tables.clear();
      this.tables.newInet6(RT_TABLE_MAIN);
      this.tables.newInet6(RT_TABLE_LOCAL);
      if (!s) {
        this.follower.rebuild();
        return;
      }
      const always = { create: true, excl: false, replace: false, append: true };
      // A snapshot's routes are fresh objects (parsed or cloned): interned in place, not copied.
      for (const r of s.inet as Array<Mutable<Route4>>) {
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
