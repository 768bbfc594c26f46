import type { ModelEvent, RouteEvent } from '../events.js';
import { Fib4Table } from './fib4-table.js';
import { Fib6Table } from './fib6-table.js';
import { compareIpv6Tree, ipv6Equal } from './prefix.js';
import type { Route, Route4, Route6, RouteFamily } from './route.js';
import { RouteIndex } from './route-index.js';
import type { FibRules } from '../rules/rules.js';


/**
 * Bucket order of fib table ids (fib_table_hash: id & 255, newest table first in a bucket),
 * the order dumps visit tables in.
 */
function bucketOrder(ids: Iterable<number>, created: Map<number, number>): number[] {
  return [...ids].sort((a, b) => (a & 255) - (b & 255) || created.get(b)! - created.get(a)!);
}

/** Whether hop i is the first of the list through its device (a route is indexed once per device). */
function firstOfDevice(hops: readonly { ifindex: number }[], i: number): boolean {
  const dev = hops[i]!.ifindex;
  if (!dev) return false;
  for (let j = 0; j < i; j++) if (hops[j]!.ifindex === dev) return false;
  return true;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * Every table of both families and the announcements of their changes. The semantics of
 * requests live in inet4.ts / inet6.ts; routes the kernel makes itself in kernel-routes.ts.
 */
export class RouteTables {
  private readonly v4 = new Map<number, Fib4Table>();
  private readonly v6 = new Map<number, Fib6Table>();
  /** Creation order per family (for the bucket order of dumps). */
  private readonly created4 = new Map<number, number>();
  private readonly created6 = new Map<number, number>();
  private serial = 0;
  /** Bumped on every change of any table (NLM_F_DUMP_INTR of route dumps). */
  generation = 0;
  /** Bumped when an IPv4 table is created or dropped: what lookup plans (lookup.ts) are valid for. */
  inetLayout = 0;
  /** The default rules' lookup plans (lookup.ts), for the layout they were made at. */
  inetPlans: { layout: number; plans: unknown } | undefined;
  /** The FIB rules lookups walk once a namespace has custom rules (src/model/rules/); set by the model. */
  rules: FibRules | undefined;
  /**
   * Routes per output device and IPv4 routes per preferred source (route-index.ts), for what
   * links and addresses do to routes. Kept by `entered` / `left`, which every change of a
   * table's route objects calls.
   */
  readonly byDevice4 = new RouteIndex<Route4>();
  readonly byDevice6 = new RouteIndex<Route6>();
  readonly byPrefsrc4 = new RouteIndex<Route4>();

  constructor(private readonly announce: { emit(event: ModelEvent): void; changed(): void }) {}

  private silent = false;

  /** Announces a change through the model (RTM_NEWROUTE / RTM_DELROUTE notifications, the journal). */
  emit(event: RouteEvent): void {
    this.generation++;
    if (this.silent) this.announce.changed();
    else this.announce.emit(event);
  }

  /** Runs `fn` with every change unannounced (a restore is not a change anyone is told about). */
  quietly(fn: () => void): void {
    const was = this.silent;
    this.silent = true;
    try {
      fn();
    } finally {
      this.silent = was;
    }
  }

  /** Drops every table (IPv6 main and local are recreated empty, as a new namespace has them). */
  clear(): void {
    this.v4.clear();
    this.v6.clear();
    this.created4.clear();
    this.created6.clear();
    this.byDevice4.clear();
    this.byDevice6.clear();
    this.byPrefsrc4.clear();
    this.generation++;
    this.inetLayout++;
  }

  /** A route object is now in a table (indexed under each device of its hops, and its IPv4 prefsrc). */
  entered(r: Route): void {
    if (r.family === 'inet' && r.prefsrc) this.byPrefsrc4.add(r.prefsrc, r);
    const byDevice = this.byDevice(r);
    const hops = r.nexthops;
    for (let i = 0; i < hops.length; i++) if (firstOfDevice(hops, i)) byDevice.add(hops[i]!.ifindex, r);
  }

  /** A route object left its table (removed, or replaced by another object). */
  left(r: Route): void {
    if (r.family === 'inet' && r.prefsrc) this.byPrefsrc4.delete(r.prefsrc, r);
    const byDevice = this.byDevice(r);
    const hops = r.nexthops;
    for (let i = 0; i < hops.length; i++) if (firstOfDevice(hops, i)) byDevice.delete(hops[i]!.ifindex, r);
  }

  private byDevice(r: Route): RouteIndex<Route> {
    return (r.family === 'inet' ? this.byDevice4 : this.byDevice6) as RouteIndex<Route>;
  }

  /**
   * IPv4 routes (from an index) in the order a walk of every table meets them (tables in dump
   * order, prefixes in trie order, aliases in list order): the order the kernel announces a flush in.
   */
  walkOrder4(routes: Route4[]): Route4[] {
    if (routes.length < 2) return routes;
    const ids = this.tableIds('inet');
    const key = new Map(routes.map((r) => [r, [ids.indexOf(r.table), (r.dst >>> 0) * 64 + 32 - r.dstLen, this.v4.get(r.table)!.aliases(r.dst, r.dstLen).indexOf(r)]]));
    return routes.sort((a, b) => compareKeys(key.get(a)!, key.get(b)!));
  }

  /** IPv6 routes (from an index) in fib6 walk order: tables in dump order, nodes in tree order, routes in node order. */
  walkOrder6(routes: Route6[]): Route6[] {
    if (routes.length < 2) return routes;
    const ids = this.tableIds('inet6');
    const position = (r: Route6) => this.v6.get(r.table)!.routesAt(r.dst, r.dstLen, r.src, r.srcLen).indexOf(r);
    return routes.sort((a, b) => {
      if (a.table !== b.table) return ids.indexOf(a.table) - ids.indexOf(b.table);
      const byNode = compareIpv6Tree(a.dst, a.dstLen, b.dst, b.dstLen) || b.srcLen - a.srcLen;
      if (byNode) return byNode;
      if (ipv6Equal(a.src, b.src)) return position(a) - position(b);
      // Two source-specific nodes of one destination: their order in the table.
      const nodes = this.v6.get(a.table)!.nodes();
      const na = nodes.findIndex((n) => n.routes.includes(a));
      const nb = na < 0 ? -1 : nodes.findIndex((n) => n.routes.includes(b));
      return na - nb || position(a) - position(b);
    });
  }

  /** A change that is announced nowhere (the silent IPv4 flush), still a change of the model. */
  touch(): void {
    this.generation++;
    this.announce.changed();
  }

  hasInet(id: number): boolean {
    return this.v4.has(id);
  }

  inet(id: number): Fib4Table | undefined {
    return this.v4.get(id);
  }

  inet6(id: number): Fib6Table | undefined {
    return this.v6.get(id);
  }

  /** fib_new_table(): any u32 id is accepted and created on first use. */
  newInet(id: number): Fib4Table {
    let t = this.v4.get(id);
    if (!t) {
      t = new Fib4Table(id);
      this.v4.set(id, t);
      this.created4.set(id, ++this.serial);
      this.inetLayout++;
    }
    return t;
  }

  /** A table built whole (a snapshot's columns), taking the place of any table of its id: created now, so newest in its bucket. */
  adoptInet(table: Fib4Table): void {
    this.v4.set(table.id, table);
    this.created4.set(table.id, ++this.serial);
    this.generation++;
    this.inetLayout++;
  }

  /** An IPv6 table built whole (a snapshot's columns), as adoptInet. */
  adoptInet6(table: Fib6Table): void {
    this.v6.set(table.id, table);
    this.created6.set(table.id, ++this.serial);
    this.generation++;
  }

  newInet6(id: number): Fib6Table {
    let t = this.v6.get(id);
    if (!t) {
      t = new Fib6Table(id);
      this.v6.set(id, t);
      this.created6.set(id, ++this.serial);
    }
    return t;
  }

  /** Table ids of a family in dump order. */
  tableIds(family: RouteFamily): number[] {
    return family === 'inet' ? bucketOrder(this.v4.keys(), this.created4) : bucketOrder(this.v6.keys(), this.created6);
  }

  /** Every route of a family in dump order. */
  *routes(family: RouteFamily): IterableIterator<Route> {
    for (const id of this.tableIds(family)) yield* (family === 'inet' ? this.v4.get(id)! : this.v6.get(id)!).routes();
  }

  /** Routes in every table of both families. */
  routeCount(): number {
    let n = 0;
    for (const t of this.v4.values()) n += t.size;
    for (const t of this.v6.values()) n += t.size;
    return n;
  }

  /** Route counts per family and table (metrics). */
  counts(): Array<{ family: RouteFamily; table: number; routes: number }> {
    return [
      ...[...this.v4.values()].map((t) => ({ family: 'inet' as const, table: t.id, routes: t.size })),
      ...[...this.v6.values()].map((t) => ({ family: 'inet6' as const, table: t.id, routes: t.size })),
    ];
  }
}
