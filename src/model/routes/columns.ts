// The snapshot form of the IPv4 routes: columns, not one object per route. A full Internet table
// is a million routes that share a handful of bodies (table, type, protocol, nexthops...), so a
// snapshot lists each distinct body once (`templates`) and per route only its prefix and its
// template's number, as byte columns (hex in JSON: 12-18 characters a route instead of ~200).
// Decoding builds the tables directly, no request semantics, but every column is checked first:
// a corrupt snapshot is refused with the field that is wrong, and nothing is loaded.
import { Fib4Table } from './fib4-table.js';
import { MASK4 } from './prefix.js';
import { internMetrics, internNexthops } from './intern.js';
import type { Metrics, Nexthop, Route4 } from './route.js';

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
export interface Route4Columns {
  templates: Route4Template[];
  /** Per route: the prefix, 4 bytes in network order. */
  dst: Uint8Array;
  /** Per route: the prefix length, 1 byte. */
  dstLen: Uint8Array;
  /** Per route: its template's number, little-endian in templateWidth(templates.length) bytes. */
  template: Uint8Array;
}

/** Bytes per route of the template column: the fewest that number every template. */
export const templateWidth = (templates: number): 1 | 2 | 4 => (templates <= 0x100 ? 1 : templates <= 0x10000 ? 2 : 4);

/** The body of a route as its template (the same object shape for every template). */
const templateOf = (r: Route4): Route4Template => ({
  table: r.table, tos: r.tos, protocol: r.protocol, scope: r.scope, type: r.type, priority: r.priority, prefsrc: r.prefsrc,
  nexthops: r.nexthops, metrics: r.metrics,
});

const sameBody = (a: Route4Template, r: Route4): boolean =>
  a.nexthops === r.nexthops && a.metrics === r.metrics && a.table === r.table && a.tos === r.tos && a.protocol === r.protocol &&
  a.scope === r.scope && a.type === r.type && a.priority === r.priority && a.prefsrc === r.prefsrc;

/** The columns of `routes` (in the order given). Nexthop lists and metric sets are interned, so bodies compare by reference. */
export function encodeRoutes4(routes: Iterable<Route4>, count: number): Route4Columns {
  const templates: Route4Template[] = [];
  const byKey = new Map<string, number>();
  const listIds = new Map<object, number>();
  const idOf = (o: object | undefined) => {
    if (o === undefined) return -1;
    let id = listIds.get(o);
    if (id === undefined) listIds.set(o, (id = listIds.size));
    return id;
  };
  const dst = new Uint8Array(count * 4);
  const dstLen = new Uint8Array(count);
  const numbers = new Uint32Array(count);
  let n = 0;
  let last = -1;
  for (const r of routes) {
    // Neighbouring routes mostly share their body: compared field by field before any key is made.
    if (last < 0 || !sameBody(templates[last]!, r)) {
      const key = `${r.table},${r.tos},${r.protocol},${r.scope},${r.type},${r.priority},${r.prefsrc},${idOf(r.nexthops)},${idOf(r.metrics)}`;
      last = byKey.get(key) ?? -1;
      if (last < 0) {
        byKey.set(key, (last = templates.length));
        templates.push(templateOf(r));
      }
    }
    const at = n * 4;
    dst[at] = r.dst >>> 24;
    dst[at + 1] = r.dst >>> 16;
    dst[at + 2] = r.dst >>> 8;
    dst[at + 3] = r.dst;
    dstLen[n] = r.dstLen;
    numbers[n++] = last;
  }
  if (n !== count) throw new Error(`encodeRoutes4: ${n} routes, ${count} expected`);
  const width = templateWidth(templates.length);
  const template = new Uint8Array(count * width);
  for (let i = 0; i < count; i++) for (let b = 0; b < width; b++) template[i * width + b] = numbers[i]! >>> (8 * b);
  return { templates, dst, dstLen, template };
}

/** A corrupt column or template: what is wrong, and where. */
export class RouteColumnsError extends Error {
  constructor(field: string, message: string) {
    super(`routes.inet4.${field} ${message}`);
  }
}

const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const U32 = 0xffffffff;
const I32_MIN = -0x80000000;
const I32_MAX = 0x7fffffff;

function checkHop(h: unknown, at: string): Nexthop {
  const bad = (key: string, m: string) => new RouteColumnsError(key ? `${at}.${key}` : at, m);
  if (typeof h !== 'object' || h === null) throw bad('', 'is not an object');
  const o = h as Record<string, unknown>;
  if (!isInt(o.ifindex, 0, I32_MAX)) throw bad('ifindex', 'is not a device index');
  if (o.gateway4 !== undefined && !isInt(o.gateway4, I32_MIN, I32_MAX)) throw bad('gateway4', 'is not a signed 32-bit address');
  if (o.gateway6 !== undefined && !(o.gateway6 instanceof Uint8Array && o.gateway6.length === 16)) throw bad('gateway6', 'is not 16 bytes');
  if (!isInt(o.weight, 1, 256)) throw bad('weight', 'is not 1…256');
  if (!isInt(o.flags, 0, 255)) throw bad('flags', 'is not a byte');
  if (!isInt(o.flow, 0, U32)) throw bad('flow', 'is not a u32');
  return { ifindex: o.ifindex, gateway4: o.gateway4 as number | undefined, gateway6: o.gateway6 as Uint8Array | undefined, weight: o.weight, flags: o.flags, flow: o.flow };
}

function checkTemplate(t: unknown, i: number): Route4Template {
  const at = `templates[${i}]`;
  const bad = (key: string, m: string) => new RouteColumnsError(key ? `${at}.${key}` : at, m);
  if (typeof t !== 'object' || t === null) throw bad('', 'is not an object');
  const o = t as Record<string, unknown>;
  if (!isInt(o.table, 0, U32)) throw bad('table', 'is not a u32');
  for (const k of ['tos', 'protocol', 'scope'] as const) if (!isInt(o[k], 0, 255)) throw bad(k, 'is not a byte');
  // RTN_UNICAST…RTN_XRESOLVE (RTN_UNSPEC is never stored).
  if (!isInt(o.type, 1, 11)) throw bad('type', 'is not a route type (1…11)');
  if (!isInt(o.priority, 0, U32)) throw bad('priority', 'is not a u32');
  if (!isInt(o.prefsrc, I32_MIN, I32_MAX)) throw bad('prefsrc', 'is not a signed 32-bit address');
  if (!Array.isArray(o.nexthops)) throw bad('nexthops', 'is not a list');
  const hops = o.nexthops.map((h, j) => checkHop(h, `${at}.nexthops[${j}]`));
  let metrics: Metrics | undefined;
  if (o.metrics !== undefined) {
    if (!Array.isArray(o.metrics)) throw bad('metrics', 'is not a list');
    metrics = o.metrics.map((m: unknown, j) => {
      if (!Array.isArray(m) || m.length !== 2 || !isInt(m[0], 1, 17) || !(isInt(m[1], 0, U32) || typeof m[1] === 'string')) {
        throw bad(`metrics[${j}]`, 'is not [RTAX type, value]');
      }
      return [m[0], m[1] as number | string] as const;
    });
  }
  return {
    table: o.table, tos: o.tos as number, protocol: o.protocol as number, scope: o.scope as number, type: o.type, priority: o.priority,
    prefsrc: o.prefsrc, nexthops: internNexthops(hops), metrics: internMetrics(metrics),
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
  if (typeof c !== 'object' || c === null) throw new RouteColumnsError('', 'is not an object');
  const { templates: rawTemplates, dst, dstLen, template } = c as Record<string, unknown>;
  if (!Array.isArray(rawTemplates)) throw new RouteColumnsError('templates', 'is not a list');
  for (const [name, col] of [['dst', dst], ['dstLen', dstLen], ['template', template]] as const) {
    if (!(col instanceof Uint8Array)) throw new RouteColumnsError(name, 'is not a byte column ({"$hex": "…"})');
  }
  const dsts = dst as Uint8Array;
  const lens = dstLen as Uint8Array;
  const numbers = template as Uint8Array;
  const n = lens.length;
  if (dsts.length !== n * 4) throw new RouteColumnsError('dst', `holds ${dsts.length} bytes; ${n} routes need ${n * 4}`);
  const width = templateWidth(rawTemplates.length);
  if (numbers.length !== n * width) {
    throw new RouteColumnsError('template', `holds ${numbers.length} bytes; ${n} routes of ${rawTemplates.length} templates need ${n * width}`);
  }
  if (n > 0 && rawTemplates.length === 0) throw new RouteColumnsError('templates', 'is empty');
  const templates = rawTemplates.map(checkTemplate);
  const tables = new Map<number, Fib4Table>();
  // The aliases of the prefix being read (a run of routes with one table, dst and length).
  const run: Route4[] = [];
  let runLength = 0;
  const one: Route4[] = [];
  let current: Fib4Table | undefined;
  const flush = (end: number) => {
    const { dst: d, dstLen: len } = run[0]!;
    if (current!.aliases(d, len).length > 0) throw new RouteColumnsError('dst', `of route ${end - runLength} repeats a prefix of its table listed earlier`);
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
    if (len > 32) throw new RouteColumnsError(`dstLen`, `of route ${i} is ${len} (at most 32)`);
    const d = ((dsts[i * 4]! << 24) | (dsts[i * 4 + 1]! << 16) | (dsts[i * 4 + 2]! << 8) | dsts[i * 4 + 3]!) | 0;
    if ((d & MASK4[len]!) !== d) throw new RouteColumnsError('dst', `of route ${i} has bits set beyond its /${len}`);
    let k = numbers[i * width]!;
    for (let b = 1; b < width; b++) k += numbers[i * width + b]! * 2 ** (8 * b);
    const t = templates[k];
    if (t === undefined) throw new RouteColumnsError('template', `of route ${i} is ${k}; there are ${templates.length} templates`);
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
          throw new RouteColumnsError('template', `of route ${i} puts its alias out of the kernel's order (tos descending, priority ascending)`);
        }
        for (let j = runLength - 1; j >= 0 && run[j]!.tos === route.tos && run[j]!.priority === route.priority; j--) {
          if (sameRoute(run[j]!, route)) throw new RouteColumnsError('template', `of route ${i} repeats an alias of its prefix`);
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
