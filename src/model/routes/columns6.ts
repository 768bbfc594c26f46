// The snapshot form of the IPv6 routes: columns, as the IPv4 ones (columns.ts; the shared
// template numbering and checks in template-columns.ts). Per route only its destination prefix
// and its template's number; everything else (source prefix, metric, pref, expiry, addrconf,
// nexthops...) is a template, listed once. A prefix is stored as its first ceil(len/8) bytes
// (a /48 in 6 bytes, not 16). Every column is checked before anything is built.
import { Fib6Table } from './fib6-table.js';
import { ipv6Equal, ipv6Key, maskIpv6 } from './prefix.js';
import { sameGateway, type Metrics, type Nexthop, type Route6 } from './route.js';
import { byteColumns, checkBody, isInt, RouteColumnsError, TemplateNumbering, templateNumbers, type RouteColumns } from './template-columns.js';

/** What routes of one template share: everything but the destination prefix. */
export interface Route6Template {
  table: number;
  src: Uint8Array;
  srcLen: number;
  protocol: number;
  scope: number;
  type: number;
  priority: number;
  prefsrc?: Uint8Array | undefined;
  pref: number;
  /** Model time (ms) the routes expire at (RTF_EXPIRES); absent when they do not. */
  expires?: number | undefined;
  addrconf: boolean;
  nexthops: readonly Nexthop[];
  metrics?: Metrics | undefined;
}

/** Every IPv6 route in dump order (tables in bucket order, nodes in fib6 walk order, routes in node order). */
export type Route6Columns = RouteColumns<Route6Template>;

const templateOf = (r: Route6): Route6Template => ({
  table: r.table, src: r.src, srcLen: r.srcLen, protocol: r.protocol, scope: r.scope, type: r.type, priority: r.priority,
  prefsrc: r.prefsrc, pref: r.pref, expires: r.expires, addrconf: r.addrconf, nexthops: r.nexthops, metrics: r.metrics,
});

const sameAddress = (a: Uint8Array | undefined, b: Uint8Array | undefined) => (a && b ? ipv6Equal(a, b) : a === b);

const sameBody = (a: Route6Template, r: Route6): boolean =>
  a.nexthops === r.nexthops && a.metrics === r.metrics && a.table === r.table && a.priority === r.priority && a.type === r.type &&
  a.protocol === r.protocol && a.scope === r.scope && a.pref === r.pref && a.expires === r.expires && a.addrconf === r.addrconf &&
  a.srcLen === r.srcLen && ipv6Equal(a.src, r.src) && sameAddress(a.prefsrc, r.prefsrc);

const bodyKey = (r: Route6, id: (o: object | undefined) => number) =>
  `${r.table},${r.protocol},${r.scope},${r.type},${r.priority},${r.pref},${r.expires ?? ''},${r.addrconf ? 1 : 0},` +
  `${ipv6Key(r.src)}/${r.srcLen},${r.prefsrc ? ipv6Key(r.prefsrc) : ''},${id(r.nexthops)},${id(r.metrics)}`;

/** The columns of `routes` (in the order given). */
export function encodeRoutes6(routes: Iterable<Route6>, count: number): Route6Columns {
  const numbering = new TemplateNumbering(count, sameBody, bodyKey, templateOf);
  const dst = new Uint8Array(count * 16);
  const dstLen = new Uint8Array(count);
  let n = 0;
  let at = 0;
  for (const r of routes) {
    numbering.add(r);
    const bytes = (r.dstLen + 7) >> 3;
    for (let b = 0; b < bytes; b++) dst[at++] = r.dst[b]!;
    dstLen[n++] = r.dstLen;
  }
  return { templates: numbering.templates, dst: dst.subarray(0, at), dstLen, template: numbering.column('encodeRoutes6') };
}

const isAddress = (v: unknown): v is Uint8Array => v instanceof Uint8Array && v.length === 16;

function checkTemplate(t: unknown, i: number): Route6Template {
  const { o, bad, body } = checkBody('inet6', t, i);
  if (!isAddress(o.src)) throw bad('src', 'is not 16 bytes');
  if (!isInt(o.srcLen, 0, 128)) throw bad('srcLen', 'is not 0…128');
  if (!ipv6Equal(maskIpv6(o.src, o.srcLen), o.src)) throw bad('src', `has bits set beyond its /${o.srcLen}`);
  if (o.prefsrc !== undefined && !isAddress(o.prefsrc)) throw bad('prefsrc', 'is not 16 bytes');
  if (!isInt(o.pref, 0, 255)) throw bad('pref', 'is not a byte');
  if (o.expires !== undefined && !(typeof o.expires === 'number' && Number.isFinite(o.expires))) throw bad('expires', 'is not a time');
  if (typeof o.addrconf !== 'boolean') throw bad('addrconf', 'is not true or false');
  return {
    table: body.table, src: o.src, srcLen: o.srcLen, protocol: body.protocol, scope: body.scope, type: body.type, priority: body.priority,
    prefsrc: o.prefsrc, pref: o.pref, expires: o.expires as number | undefined, addrconf: o.addrconf, nexthops: body.nexthops, metrics: body.metrics,
  };
}

/** fib6_add_rt2(): two routes of one node and metric through the same hop are one route (EEXIST). */
const shareHop = (a: Route6, b: Route6) => a.nexthops.some((h) => b.nexthops.some((g) => h.ifindex === g.ifindex && sameGateway(h, g)));

/**
 * The IPv6 tables the columns describe, in the order first listed, built directly (fib6_add_rt2's
 * order taken as given, but checked: each node's routes in one run, by metric ascending, no two of
 * one metric through the same hop). Throws RouteColumnsError on anything inconsistent; the
 * caller's model is not touched until this returns.
 */
export function decodeRoutes6(c: unknown): Fib6Table[] {
  const { templates: rawTemplates, dst: dsts, dstLen: lens, template } = byteColumns('inet6', c, ['dst', 'dstLen', 'template']);
  const n = lens.length;
  let need = 0;
  for (let i = 0; i < n; i++) {
    if (lens[i]! > 128) throw new RouteColumnsError('inet6', 'dstLen', `of route ${i} is ${lens[i]} (at most 128)`);
    need += (lens[i]! + 7) >> 3;
  }
  if (dsts.length !== need) throw new RouteColumnsError('inet6', 'dst', `holds ${dsts.length} bytes; the prefixes of ${n} routes need ${need}`);
  const numberOf = templateNumbers('inet6', template, n, rawTemplates.length);
  const templates = rawTemplates.map(checkTemplate);
  const tables = new Map<number, Fib6Table>();
  let current: Fib6Table | undefined;
  // The routes of the node being read (a run of routes with one table, destination and source).
  let run: Route6[] = [];
  let first = 0;
  const flush = () => {
    const { dst, dstLen, src, srcLen } = run[0]!;
    if (current!.routesAt(dst, dstLen, src, srcLen).length > 0) throw new RouteColumnsError('inet6', 'dst', `of route ${first} repeats a node of its table listed earlier`);
    current!.setRoutes(dst, dstLen, src, srcLen, run);
    run = [];
  };
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = lens[i]!;
    const bytes = (len + 7) >> 3;
    const t = templates[numberOf(i)]!;
    const prev = run[run.length - 1];
    let sameNode = prev !== undefined && prev.table === t.table && prev.dstLen === len && prev.srcLen === t.srcLen && ipv6Equal(prev.src, t.src);
    for (let b = 0; sameNode && b < bytes; b++) if (prev!.dst[b] !== dsts[at + b]) sameNode = false;
    let dst: Uint8Array;
    if (sameNode) dst = prev!.dst;
    else {
      dst = new Uint8Array(16);
      dst.set(dsts.subarray(at, at + bytes));
      if (len & 7 && dst[bytes - 1]! & (0xff >> (len & 7))) throw new RouteColumnsError('inet6', 'dst', `of route ${i} has bits set beyond its /${len}`);
    }
    at += bytes;
    // The literal of Inet6Routes.add(), field for field: every route has one object shape.
    const route: Route6 = {
      family: 'inet6', table: t.table, dst, dstLen: len, src: t.src, srcLen: t.srcLen, protocol: t.protocol, scope: t.scope, type: t.type,
      priority: t.priority, prefsrc: t.prefsrc, nexthops: t.nexthops, metrics: t.metrics, pref: t.pref, expires: t.expires, addrconf: t.addrconf,
    };
    if (sameNode) {
      if (prev!.priority > route.priority) throw new RouteColumnsError('inet6', 'template', `of route ${i} puts its route out of the kernel's order (metric ascending)`);
      for (let j = run.length - 1; j >= 0 && run[j]!.priority === route.priority; j--) {
        if (shareHop(run[j]!, route)) throw new RouteColumnsError('inet6', 'template', `of route ${i} repeats a route of its node (same metric and nexthop)`);
      }
    } else {
      if (run.length) flush();
      first = i;
      if (current?.id !== route.table) {
        current = tables.get(route.table);
        if (!current) tables.set(route.table, (current = new Fib6Table(route.table)));
      }
    }
    run.push(route);
  }
  if (run.length) flush();
  return [...tables.values()];
}
