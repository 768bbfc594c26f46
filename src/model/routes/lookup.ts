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
import { lookupThroughRules, type RuleFlow } from '../rules/lookup.js';
import { AF_INET, AF_INET6 } from '../rules/numbers.js';

/**
 * The flow of a lookup (struct flowi4 reduced): destination, the minimum scope, an output device,
 * tos, and what FIB rules may select on (absent: 0; iif LOOPBACK_IFINDEX as for output lookups).
 */
export interface Flow4 {
  dst: number;
  scope: number;
  oif: number;
  tos: number;
  src?: number | undefined;
  iif?: number | undefined;
  mark?: number | undefined;
  uid?: number | undefined;
  ipProto?: number | undefined;
  sport?: number | undefined;
  dport?: number | undefined;
}

/** What rules select on besides the addresses (the flow's common part), defaults of an output lookup. */
export interface FlowKeys {
  iif?: number | undefined;
  mark?: number | undefined;
  uid?: number | undefined;
  tos?: number | undefined;
  ipProto?: number | undefined;
  sport?: number | undefined;
  dport?: number | undefined;
}

const LOOPBACK_IFINDEX = 1;

function ruleFlow(keys: FlowKeys, src: number | Uint8Array, dst: number | Uint8Array, oif: number, hasSrc: boolean): RuleFlow {
  return {
    src, dst, hasSrc, oif, iif: keys.iif ?? LOOPBACK_IFINDEX, mark: keys.mark ?? 0, uid: keys.uid ?? 0, tos: keys.tos ?? 0,
    ipProto: keys.ipProto ?? 0, sport: keys.sport ?? 0, dport: keys.dport ?? 0,
  };
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

/** One table alone (the table a rule names once local and main are unmerged): its plan lives as long as the table. */
const singlePlans = new WeakMap<Fib4Table, LookupPlan>();

const planOf = (tables: Fib4Table[], report: number): LookupPlan => ({ tables, at: new Int32Array(tables.length), report });

/** The default rules' lookup order (local + main merged, then default), kept until an IPv4 table is created or dropped. */
function lookupPlans(routes: RouteTables): LookupPlan[] {
  const cached = routes.inetPlans;
  if (cached?.layout === routes.inetLayout) return cached.plans as LookupPlan[];
  const present = (ts: Array<Fib4Table | undefined>) => ts.filter((t): t is Fib4Table => t !== undefined);
  const [local, main, dflt] = [routes.inet(RT_TABLE_LOCAL), routes.inet(RT_TABLE_MAIN), routes.inet(RT_TABLE_DEFAULT)];
  const fresh = [planOf(present([local, main]), RT_TABLE_MAIN), planOf(present([dflt]), RT_TABLE_DEFAULT)].filter((p) => p.tables.length > 0);
  routes.inetPlans = { layout: routes.inetLayout, plans: fresh };
  return fresh;
}

function tablePlan(routes: RouteTables, id: number): LookupPlan | null {
  const table = routes.inet(id);
  if (!table) return null;
  let p = singlePlans.get(table);
  if (!p) singlePlans.set(table, (p = planOf([table], id)));
  return p;
}

/** The lookup at one prefix length across the plan's tables that have it (the higher table id first: local before main). */
function lookupLength(p: LookupPlan, flow: Flow4, len: number, link: (i: number) => Readonly<Link> | undefined): Outcome {
  const { tables, at } = p;
  for (let t = 0; t < tables.length; t++) {
    if (at[t]! < 0 || (at[t]! & 63) !== len) continue;
    const hop = tables[t]!.plainHopAt(at[t]!);
    if (hop !== null) {
      // matchAlias() of a lone unicast universe route of tos 0 and one hop, decided without reading the route.
      if (flow.scope > 0 || (flow.oif && hop.ifindex !== flow.oif)) continue;
      if (hop.ifindex) {
        const dev = link(hop.ifindex);
        if (!dev || !(dev.flags & IFF_UP)) continue;
      }
      return { route: tables[t]!.nodeAt(at[t]!) as Route4, hop, table: p.report };
    }
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
  const rules = routes.rules;
  if (rules?.customInet) {
    // __fib_lookup(): the rules decide which tables are searched, each on its own.
    return lookupThroughRules<Fib4Result>(rules, AF_INET, ruleFlow(flow, flow.src ?? 0, flow.dst, flow.oif, true), rules.ifindexOf,
      (id) => {
        const p = tablePlan(routes, id);
        return p ? lookupPlan(p, flow, link) : undefined;
      },
      // fib4_rule_suppress(): a route no longer than suppress_prefixlength, or out a device of the suppressed group.
      (rule, res) => res.route.dstLen <= rule.suppressPrefixlen ||
        (rule.suppressIfgroup !== -1 && res.hop !== undefined && link(res.hop.ifindex)?.group === rule.suppressIfgroup));
  }
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

/** The parts of an IPv6 flow rules select on besides the destination. */
export interface Flow6Keys extends FlowKeys {
  src?: Uint8Array | undefined;
  oif?: number | undefined;
}

const REJECT6_ROUTE = new Set([RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT]);

/**
 * fib6_rule_lookup(): through the default rules (local, main) the first route `accept` takes; once
 * the namespace has custom rules, through the rules (a THROW route or no match continues).
 */
export function fibLookup6(routes: RouteTables, addr: Uint8Array, accept: (r: Route6) => boolean, keys: Flow6Keys = {}): { route: Route6; table: number } | undefined {
  const rules = routes.rules;
  if (rules?.customInet6) {
    try {
      const src = keys.src ?? new Uint8Array(16);
      return lookupThroughRules(rules, AF_INET6, ruleFlow(keys, src, addr, keys.oif ?? 0, keys.src !== undefined), rules.ifindexOf,
        (id) => {
          const route = routes.inet6(id)?.lookup(addr, accept);
          return route && route.type !== RTN_THROW ? { route, table: id } : undefined;
        },
        (rule, res) => !REJECT6_ROUTE.has(res.route.type) && res.route.dstLen <= rule.suppressPrefixlen);
    } catch (e) {
      if (e instanceof ModelError && e.code === 'ENETUNREACH') return undefined;
      throw e;
    }
  }
  for (const id of [RT_TABLE_LOCAL, RT_TABLE_MAIN]) {
    const t: Fib6Table | undefined = routes.inet6(id);
    const route = t?.lookup(addr, accept);
    if (route) return { route, table: id };
  }
  return undefined;
}
