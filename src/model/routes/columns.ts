// The snapshot form of the IPv4 routes: columns, not one object per route. A full Internet table
// is a million routes that share a handful of bodies (table, type, protocol, nexthops...), so a
// snapshot lists each distinct body once (`templates`) and per route only its prefix and its
// template's number, as byte columns (hex in JSON: 12-18 characters a route instead of ~200).
// Decoding builds the tables directly, no request semantics, but every column is checked first:
// a corrupt snapshot is refused with the field that is wrong, and nothing is loaded. The IPv6 columns
// are columns6.ts; the template numbering and checks both share are template-columns.ts.
import { Fib4Table } from './fib4-table.js';
import { MASK4 } from './prefix.js';
import type { Metrics, Nexthop, Route4 } from './route.js';
import { byteColumns, checkBody, isInt, RouteColumnsError, TemplateNumbering, templateNumbers, type RouteColumns } from './template-columns.js';

export { RouteColumnsError, templateWidth } from './template-columns.js';

/** What routes of one template share: everything but the prefix. */
export interface Route4Template {
  table: number;
  tos: number;
  protocol: number;
  scope: number;
  type: number;
  priority: number;
  prefsrc: number;
  nexthops: readonly Nexthop[];
  metrics?: Metrics | undefined;
}

/** Every IPv4 route in dump order (tables in bucket order, prefixes in address order, aliases in table order). */
export type Route4Columns = RouteColumns<Route4Template>;

/** The body of a route as its template (the same object shape for every template). */
const templateOf = (r: Route4): Route4Template => ({
  table: r.table, tos: r.tos, protocol: r.protocol, scope: r.scope, type: r.type, priority: r.priority, prefsrc: r.prefsrc,
  nexthops: r.nexthops, metrics: r.metrics,
});

const sameBody = (a: Route4Template, r: Route4): boolean =>
  a.nexthops === r.nexthops && a.metrics === r.metrics && a.table === r.table && a.tos === r.tos && a.protocol === r.protocol &&
  a.scope === r.scope && a.type === r.type && a.priority === r.priority && a.prefsrc === r.prefsrc;

const bodyKey = (r: Route4, id: (o: object | undefined) => number) =>
  `${r.table},${r.tos},${r.protocol},${r.scope},${r.type},${r.priority},${r.prefsrc},${id(r.nexthops)},${id(r.metrics)}`;

/** The columns of `routes` (in the order given). Nexthop lists and metric sets are interned, so bodies compare by reference. */
export function encodeRoutes4(routes: Iterable<Route4>, count: number): Route4Columns {
  const numbering = new TemplateNumbering(count, sameBody, bodyKey, templateOf);
  const dst = new Uint8Array(count * 4);
  const dstLen = new Uint8Array(count);
  let n = 0;
  for (const r of routes) {
    numbering.add(r);
    const at = n * 4;
    dst[at] = r.dst >>> 24;
    dst[at + 1] = r.dst >>> 16;
    dst[at + 2] = r.dst >>> 8;
    dst[at + 3] = r.dst;
    dstLen[n++] = r.dstLen;
  }
  return { templates: numbering.templates, dst, dstLen, template: numbering.column('encodeRoutes4') };
}

const I32_MIN = -0x80000000;
const I32_MAX = 0x7fffffff;

function checkTemplate(t: unknown, i: number): Route4Template {
  const { o, bad, body } = checkBody('inet4', t, i);
  if (!isInt(o.tos, 0, 255)) throw bad('tos', 'is not a byte');
  if (!isInt(o.prefsrc, I32_MIN, I32_MAX)) throw bad('prefsrc', 'is not a signed 32-bit address');
  return {
    table: body.table, tos: o.tos, protocol: body.protocol, scope: body.scope, type: body.type, priority: body.priority,
    prefsrc: o.prefsrc, nexthops: body.nexthops, metrics: body.metrics,
  };
}

/** Same fib_info and type (inet4.ts sameRoute4): two such aliases of one key are a duplicate. */
const sameRoute = (a: Route4, b: Route4) => a.type === b.type && a.scope === b.scope && a.protocol === b.protocol &&
  a.prefsrc === b.prefsrc && a.priority === b.priority && a.nexthops === b.nexthops && a.metrics === b.metrics;

/**
 * The tables the columns describe, built directly (fib_table_insert's order taken as given, but
 * checked: aliases of a prefix by tos descending then priority ascending, no duplicates, each
 * prefix in one run). Throws RouteColumnsError on anything inconsistent; the caller's model is
 * not touched until this returns.
 */
export function decodeRoutes4(c: unknown): Fib4Table[] {
  const { templates: rawTemplates, dst: dsts, dstLen: lens, template } = byteColumns('inet4', c, ['dst', 'dstLen', 'template']);
  const n = lens.length;
  if (dsts.length !== n * 4) throw new RouteColumnsError('inet4', 'dst', `holds ${dsts.length} bytes; ${n} routes need ${n * 4}`);
  const numberOf = templateNumbers('inet4', template, n, rawTemplates.length);
  const templates = rawTemplates.map(checkTemplate);
  const tables = new Map<number, Fib4Table>();
  // The aliases of the prefix being read (a run of routes with one table, dst and length).
  const run: Route4[] = [];
  let runLength = 0;
  const one: Route4[] = [];
  let current: Fib4Table | undefined;
  const flush = (end: number) => {
    const { dst: d, dstLen: len } = run[0]!;
    if (current!.aliases(d, len).length > 0) throw new RouteColumnsError('inet4', 'dst', `of route ${end - runLength} repeats a prefix of its table listed earlier`);
    if (runLength === 1) {
      one[0] = run[0]!;
      current!.setAliases(d, len, one);
    } else {
      current!.setAliases(d, len, run.slice(0, runLength));
    }
    runLength = 0;
  };
  for (let i = 0; i < n; i++) {
    const len = lens[i]!;
    if (len > 32) throw new RouteColumnsError('inet4', 'dstLen', `of route ${i} is ${len} (at most 32)`);
    const d = ((dsts[i * 4]! << 24) | (dsts[i * 4 + 1]! << 16) | (dsts[i * 4 + 2]! << 8) | dsts[i * 4 + 3]!) | 0;
    if ((d & MASK4[len]!) !== d) throw new RouteColumnsError('inet4', 'dst', `of route ${i} has bits set beyond its /${len}`);
    const t = templates[numberOf(i)]!;
    // The literal of Inet4Routes.add(), field for field: every route has one object shape.
    const route: Route4 = {
      family: 'inet', table: t.table, dst: d, dstLen: len, tos: t.tos, protocol: t.protocol,
      scope: t.scope, type: t.type, priority: t.priority, prefsrc: t.prefsrc,
      nexthops: t.nexthops, metrics: t.metrics,
    };
    if (runLength > 0) {
      const prev = run[runLength - 1]!;
      if (prev.table !== route.table || prev.dst !== d || prev.dstLen !== len) {
        flush(i);
      } else {
        // fib_find_alias() order within a prefix: tos descending, then priority ascending; a body once per tos and priority.
        if (prev.tos < route.tos || (prev.tos === route.tos && prev.priority > route.priority)) {
          throw new RouteColumnsError('inet4', 'template', `of route ${i} puts its alias out of the kernel's order (tos descending, priority ascending)`);
        }
        for (let j = runLength - 1; j >= 0 && run[j]!.tos === route.tos && run[j]!.priority === route.priority; j--) {
          if (sameRoute(run[j]!, route)) throw new RouteColumnsError('inet4', 'template', `of route ${i} repeats an alias of its prefix`);
        }
      }
    }
    if (runLength === 0 && current?.id !== route.table) {
      current = tables.get(route.table);
      if (!current) tables.set(route.table, (current = new Fib4Table(route.table)));
    }
    run[runLength++] = route;
  }
  if (runLength > 0) flush(n);
  return [...tables.values()];
}
