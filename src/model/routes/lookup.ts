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

/** fib_table_lookup() at one prefix: the first acceptable alias and its first usable hop. */
function matchNode(aliases: readonly Route4[] | Route4, flow: Flow4, table: number, link: (i: number) => Readonly<Link> | undefined): Outcome {
  for (const r of Array.isArray(aliases) ? aliases : [aliases]) {
    if (r.tos && r.tos !== flow.tos) continue;
    if (r.scope < flow.scope) continue;
    const reject = REJECT_ERRNO[r.type as keyof typeof REJECT_ERRNO];
    if (reject) return new ModelError(reject);
    for (const hop of r.nexthops) {
      if (hopDead(r, hop, link)) continue;
      if (flow.oif && hop.ifindex !== flow.oif) continue;
      return { route: r, hop, table };
    }
  }
  return undefined;
}

/** The longest match in several tables searched as one trie (the merged local + main). */
function lookupMerged(tables: readonly Fib4Table[], flow: Flow4, reportTable: number, link: (i: number) => Readonly<Link> | undefined): Outcome {
  const lengths = new Set<number>();
  for (const t of tables) for (const l of t.prefixLengths) lengths.add(l);
  for (const len of [...lengths].sort((a, b) => b - a)) {
    for (const t of tables) {
      const node = t.node(flow.dst & MASK4[len]!, len);
      if (node === undefined) continue;
      const hit = matchNode(node, flow, reportTable, link);
      if (hit) return hit;
    }
  }
  return undefined;
}

/**
 * fib_lookup() through the default rules: local and main (one merged trie while no other rule
 * exists, reported as main), then default. No route: ENETUNREACH; reject routes: their errno.
 */
export function fibLookup4(routes: RouteTables, flow: Flow4, link: (i: number) => Readonly<Link> | undefined): Fib4Result {
  const merged = [routes.inet(RT_TABLE_LOCAL), routes.inet(RT_TABLE_MAIN)].filter((t): t is Fib4Table => t !== undefined);
  for (const [tables, report] of [[merged, RT_TABLE_MAIN], [[routes.inet(RT_TABLE_DEFAULT)].filter((t): t is Fib4Table => !!t), RT_TABLE_DEFAULT]] as const) {
    const hit = lookupMerged(tables, flow, report, link);
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
  const hit = lookupMerged([table], flow, table.id, link);
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
