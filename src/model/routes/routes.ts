import { followLinksAndAddresses } from './follow.js';
import type { RouteHost } from './host.js';
import { Inet4Routes } from './inet4.js';
import { Inet6Routes } from './inet6.js';
import { RT_TABLE_LOCAL, RT_TABLE_MAIN } from './numbers.js';
import { RouteTables } from './tables.js';

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
    followLinksAndAddresses(host, this.inet, this.inet6);
  }
}
