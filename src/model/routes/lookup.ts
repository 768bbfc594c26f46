import { ModelError } from '../errors.js';
import { IFF_UP } from '../flags.js';
import type { Link } from '../types.js';
import type { Fib4Table } from './fib4-table.js';
import type { Fib6Table } from './fib6-table.js';
import {
  RT_SCOPE_HOST, RT_TABLE_DEFAULT, RT_TABLE_LOCAL, RT_TABLE_MAIN, RTN_BLACKHOLE, RTN_PROHIBIT, RTN_THROW, RTN_UNREACHABLE,
} from './numbers.js';
import { MASK4 } from './prefix.js';
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
  const reject = REJECT_ERRNO[r.type as keyof typeof REJECT_ERRNO];
  if (reject) return new ModelError(reject);
  for (const hop of r.nexthops) {
    if (hopDead(r, hop, link)) continue;
    if (flow.oif && hop.ifindex !== flow.oif) continue;
    return { route: r, hop, table };
  }
  return undefined;
}

/** Tables searched as one trie (the merged local + main) and the union of their prefix lengths, longest first. */
interface LookupPlan {
  tables: Fib4Table[];
  /** Lengths below /16 in use, longest first (longer ones are found per /16 block). */
  shortLengths: Int8Array;
  report: number;
}

/** The plans of one generation of the tables: the default rules' order, and one per table a rule names. */
interface CachedPlans {
  generation: number;
  plans: LookupPlan[];
  single: Map<number, LookupPlan | null>;
}

const plans = new WeakMap<RouteTables, CachedPlans>();

function plan(routes: RouteTables, ids: number[], report: number): LookupPlan {
  const tables = ids.map((id) => routes.inet(id)).filter((t): t is Fib4Table => t !== undefined);
  const lengths = new Set<number>();
  for (const t of tables) for (const l of t.prefixLengths) lengths.add(l);
  return { tables, shortLengths: Int8Array.from([...lengths].filter((l) => l < 16).sort((a, b) => b - a)), report };
}

function cachedPlans(routes: RouteTables): CachedPlans {
  const cached = plans.get(routes);
  if (cached && cached.generation === routes.generation) return cached;
  const fresh = {
    generation: routes.generation,
    plans: [plan(routes, [RT_TABLE_LOCAL, RT_TABLE_MAIN], RT_TABLE_MAIN), plan(routes, [RT_TABLE_DEFAULT], RT_TABLE_DEFAULT)],
    single: new Map<number, LookupPlan | null>(),
  };
  plans.set(routes, fresh);
  return fresh;
}

/** The default rules' lookup order (local + main merged, then default), cached until a table changes. */
function lookupPlans(routes: RouteTables): LookupPlan[] {
  return cachedPlans(routes).plans;
}

/** One table on its own (the table of a rule once local and main are unmerged), cached until a table changes. */
function tablePlan(routes: RouteTables, id: number): LookupPlan | null {
  const cache = cachedPlans(routes).single;
  let p = cache.get(id);
  if (p === undefined) {
    p = routes.inet(id) ? plan(routes, [id], id) : null;
    cache.set(id, p);
  }
  return p;
}

/** The lookup at one prefix length across the plan's tables (the higher table id first: local before main). */
function lookupLength(p: LookupPlan, flow: Flow4, len: number, link: (i: number) => Readonly<Link> | undefined): Outcome {
  const { tables } = p;
  const key = flow.dst & MASK4[len]!;
  for (let t = 0; t < tables.length; t++) {
    const node = tables[t]!.node(key, len);
    if (node === undefined) continue;
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

/** The longest match in the plan's tables: /32…/16 as the destination's /16 block has them, then the shorter ones. */
function lookupPlan(p: LookupPlan, flow: Flow4, link: (i: number) => Readonly<Link> | undefined): Outcome {
  let mask = 0;
  for (const t of p.tables) mask |= t.blockMask(flow.dst);
  while (mask !== 0) {
    const bit = 31 - Math.clz32(mask);
    mask &= ~(1 << bit);
    const hit = lookupLength(p, flow, 16 + bit, link);
    if (hit) return hit;
  }
  const lengths = p.shortLengths;
  for (let i = 0; i < lengths.length; i++) {
    const hit = lookupLength(p, flow, lengths[i]!, link);
    if (hit) return hit;
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
  const hit = lookupPlan({ tables: [table], shortLengths: Int8Array.from(table.prefixLengths.filter((l) => l < 16)), report: table.id }, flow, link);
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
