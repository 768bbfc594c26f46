import { ModelError } from '../errors.js';
import { IFF_UP } from '../flags.js';
import type { Link } from '../types.js';
import type { Fib4Table } from './fib4-table.js';
import type { Fib6Table } from './fib6-table.js';
import {
  RT_SCOPE_HOST, RT_TABLE_DEFAULT, RT_TABLE_LOCAL, RT_TABLE_MAIN, RTN_BLACKHOLE, RTN_PROHIBIT, RTN_THROW, RTN_UNREACHABLE,
} from './numbers.js';
import type { Nexthop, Route4, Route6 } from './route.js';
import type { RouteTables } from './tables.js';

/** The flow of a lookup (struct flowi4 reduced): destination, the minimum scope, an output device, tos. */
export interface Flow4 {
  dst: number;
  scope: number;
  oif: number;
  tos: number;
}

export interface Fib4Result {
  route: Route4;
  hop: Nexthop | undefined;
  /** The table the lookup hit, as RTM_F_LOOKUP_TABLE reports it (local and main are one merged trie). */
  table: number;
}

/** A hop is dead while its device is down (fib_sync_down_dev), except on host-scope routes. */
export function hopDead(route: { scope: number }, hop: Nexthop, link: (i: number) => Readonly<Link> | undefined): boolean {
  if (route.scope === RT_SCOPE_HOST || !hop.ifindex) return false;
  const dev = link(hop.ifindex);
  return !dev || !(dev.flags & IFF_UP);
}

/** fib_props[type].error of the reject types; THROW continues with the next rule. */
const REJECT_ERRNO = {
  [RTN_BLACKHOLE]: 'EINVAL', [RTN_UNREACHABLE]: 'EHOSTUNREACH', [RTN_PROHIBIT]: 'EACCES', [RTN_THROW]: 'EAGAIN',
} as const;

type Outcome = Fib4Result | ModelError | undefined;

/** fib_table_lookup() at one alias: its first usable hop, a reject error, or undefined (skip it). */
function matchAlias(r: Route4, flow: Flow4, table: number, link: (i: number) => Readonly<Link> | undefined): Outcome {
  if ((r.tos && r.tos !== flow.tos) || r.scope < flow.scope) return undefined;
  if (r.type >= RTN_BLACKHOLE && r.type <= RTN_THROW) return new ModelError(REJECT_ERRNO[r.type as keyof typeof REJECT_ERRNO]);
  for (const hop of r.nexthops) {
    if (hopDead(r, hop, link)) continue;
    if (flow.oif && hop.ifindex !== flow.oif) continue;
    return { route: r, hop, table };
  }
  return undefined;
}

/** Tables searched as one trie (the merged local + main), and per table the match its search is at (Fib4Table.longest). */
interface LookupPlan {
  tables: Fib4Table[];
  at: Int32Array;
  report: number;
}

/** The plans hold the tables themselves, so they stay valid until one of those tables is created or dropped. */
const plans = new WeakMap<RouteTables, { tables: Array<Fib4Table | undefined>; plans: LookupPlan[] }>();

const planOf = (tables: Fib4Table[], report: number): LookupPlan => ({ tables, at: new Int32Array(tables.length), report });

/** The default rules' lookup order (local + main merged, then default), cached until one of those tables is replaced. */
function lookupPlans(routes: RouteTables): LookupPlan[] {
  const local = routes.inet(RT_TABLE_LOCAL);
  const main = routes.inet(RT_TABLE_MAIN);
  const dflt = routes.inet(RT_TABLE_DEFAULT);
  const cached = plans.get(routes);
  if (cached && cached.tables[0] === local && cached.tables[1] === main && cached.tables[2] === dflt) return cached.plans;
  const present = (ts: Array<Fib4Table | undefined>) => ts.filter((t): t is Fib4Table => t !== undefined);
  const fresh = [planOf(present([local, main]), RT_TABLE_MAIN), planOf(present([dflt]), RT_TABLE_DEFAULT)];
  plans.set(routes, { tables: [local, main, dflt], plans: fresh });
  return fresh;
}

/** The lookup at one prefix length across the plan's tables that have it (the higher table id first: local before main). */
function lookupLength(p: LookupPlan, flow: Flow4, len: number, link: (i: number) => Readonly<Link> | undefined): Outcome {
  const { tables, at } = p;
  for (let t = 0; t < tables.length; t++) {
    if (at[t]! < 0 || (at[t]! & 63) !== len) continue;
    const node = tables[t]!.nodeAt(at[t]!);
    if (!Array.isArray(node)) {
      const hit = matchAlias(node, flow, p.report, link);
      if (hit) return hit;
      continue;
    }
    for (const r of node) {
      const hit = matchAlias(r, flow, p.report, link);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** The longest match in the plan's tables: each table names its longest covering prefix, the longest of them is tried, then shorter ones. */
function lookupPlan(p: LookupPlan, flow: Flow4, link: (i: number) => Readonly<Link> | undefined): Outcome {
  const { tables, at } = p;
  for (let max = 32; max >= 0;) {
    let len = -1;
    for (let t = 0; t < tables.length; t++) {
      const match = (at[t] = tables[t]!.longest(flow.dst, max));
      if (match >= 0 && (match & 63) > len) len = match & 63;
    }
    if (len < 0) return undefined;
    const hit = lookupLength(p, flow, len, link);
    if (hit) return hit;
    max = len - 1;
  }
  return undefined;
}

/**
 * fib_lookup() through the default rules: local and main (one merged trie while no other rule
 * exists, reported as main), then default. No route: ENETUNREACH; reject routes: their errno.
 */
export function fibLookup4(routes: RouteTables, flow: Flow4, link: (i: number) => Readonly<Link> | undefined): Fib4Result {
  for (const p of lookupPlans(routes)) {
    const hit = lookupPlan(p, flow, link);
    if (hit instanceof ModelError) {
      if (hit.code === 'EAGAIN') continue;
      throw hit;
    }
    if (hit) return hit;
  }
  throw new ModelError('ENETUNREACH');
}

/** One table alone (fib_table_lookup of a nexthop's own table). */
export function tableLookup4(table: Fib4Table, flow: Flow4, link: (i: number) => Readonly<Link> | undefined): Fib4Result | undefined {
  const hit = lookupPlan(planOf([table], table.id), flow, link);
  return hit instanceof ModelError ? undefined : hit;
}

/** The type of an address as a table sees it (inet_addr_type_table): the matching route's type. */
export function addrType4(table: Fib4Table | undefined, addr: number): number | undefined {
  return table?.lookup(addr, () => true)?.type;
}

/** fib6 lookup through the default rules (local, main): the first route `accept` takes. */
export function fibLookup6(routes: RouteTables, addr: Uint8Array, accept: (r: Route6) => boolean): { route: Route6; table: number } | undefined {
  for (const id of [RT_TABLE_LOCAL, RT_TABLE_MAIN]) {
    const t: Fib6Table | undefined = routes.inet6(id);
    const route = t?.lookup(addr, accept);
    if (route) return { route, table: id };
  }
  return undefined;
}
