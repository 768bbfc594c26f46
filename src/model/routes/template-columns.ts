// What the snapshot columns of both families share (columns.ts for IPv4, columns6.ts for IPv6):
// the distinct route bodies once as `templates`, per route its template's number in a byte
// column, and the checks of a template's hops and metrics. A corrupt column is refused with its
// name (RouteColumnsError), before anything loads.
import { internMetrics, internNexthops } from './intern.js';
import type { Metrics, Nexthop } from './route.js';

/** Every route of one family in dump order, as columns (columns.ts and columns6.ts say the order and the prefix bytes). */
export interface RouteColumns<T> {
  templates: T[];
  /** Per route: its prefix (IPv4: 4 bytes in network order; IPv6: the first ceil(dstLen / 8) bytes), one route after another. */
  dst: Uint8Array;
  /** Per route: the prefix length, 1 byte. */
  dstLen: Uint8Array;
  /** Per route: its template's number, little-endian in templateWidth(templates.length) bytes. */
  template: Uint8Array;
}

/** Bytes per route of the template column: the fewest that number every template. */
export const templateWidth = (templates: number): 1 | 2 | 4 => (templates <= 0x100 ? 1 : templates <= 0x10000 ? 2 : 4);

/** A corrupt column or template: what is wrong, and where (`routes.inet4.dst …`, `routes.inet6.templates[2].pref …`). */
export class RouteColumnsError extends Error {
  constructor(family: 'inet4' | 'inet6', field: string, message: string) {
    super(`routes.${family}${field ? `.${field}` : ''} ${message}`);
  }
}

/**
 * Numbers route bodies as templates, in the order routes are given. `same` compares a template to
 * a route field by field (neighbouring routes mostly share their body, so no key is made for
 * them); `key` names a body for the rest (interned hop lists and metric sets by their identity).
 */
export class TemplateNumbering<R, T> {
  readonly templates: T[] = [];
  private readonly numbers: Uint32Array;
  private readonly byKey = new Map<string, number>();
  private readonly ids = new Map<object, number>();
  private n = 0;
  private last = -1;

  constructor(
    private readonly count: number,
    private readonly same: (t: T, r: R) => boolean,
    private readonly key: (r: R, id: (o: object | undefined) => number) => string,
    private readonly templateOf: (r: R) => T,
  ) {
    this.numbers = new Uint32Array(count);
  }

  private readonly idOf = (o: object | undefined): number => {
    if (o === undefined) return -1;
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.ids.size));
    return id;
  };

  /** Numbers the next route's body. */
  add(r: R): void {
    if (this.last < 0 || !this.same(this.templates[this.last]!, r)) {
      const key = this.key(r, this.idOf);
      this.last = this.byKey.get(key) ?? -1;
      if (this.last < 0) {
        this.byKey.set(key, (this.last = this.templates.length));
        this.templates.push(this.templateOf(r));
      }
    }
    this.numbers[this.n++] = this.last;
  }

  /** The template column: per route its number, little-endian in templateWidth(templates) bytes. */
  column(what: string): Uint8Array {
    if (this.n !== this.count) throw new Error(`${what}: ${this.n} routes, ${this.count} expected`);
    const width = templateWidth(this.templates.length);
    const out = new Uint8Array(this.count * width);
    for (let i = 0; i < this.count; i++) for (let b = 0; b < width; b++) out[i * width + b] = this.numbers[i]! >>> (8 * b);
    return out;
  }
}

/** Reads a template column of `n` routes after checking its length: numberOf(i) is route i's template number, checked against `templates`. */
export function templateNumbers(family: 'inet4' | 'inet6', column: Uint8Array, n: number, templates: number): (i: number) => number {
  const width = templateWidth(templates);
  if (column.length !== n * width) {
    throw new RouteColumnsError(family, 'template', `holds ${column.length} bytes; ${n} routes of ${templates} templates need ${n * width}`);
  }
  if (n > 0 && templates === 0) throw new RouteColumnsError(family, 'templates', 'is empty');
  return (i) => {
    let k = column[i * width]!;
    for (let b = 1; b < width; b++) k += column[i * width + b]! * 2 ** (8 * b);
    if (k >= templates) throw new RouteColumnsError(family, 'template', `of route ${i} is ${k}; there are ${templates} templates`);
    return k;
  };
}

export const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const U32 = 0xffffffff;
const I32_MIN = -0x80000000;
const I32_MAX = 0x7fffffff;

/** A template as an object whose fields `bad(key, message)` refuses by name. */
function templateFields(family: 'inet4' | 'inet6', t: unknown, i: number) {
  const at = `templates[${i}]`;
  const bad = (key: string, m: string) => new RouteColumnsError(family, key ? `${at}.${key}` : at, m);
  if (typeof t !== 'object' || t === null) throw bad('', 'is not an object');
  return { o: t as Record<string, unknown>, at, bad };
}

function checkHop(family: 'inet4' | 'inet6', h: unknown, at: string): Nexthop {
  const bad = (key: string, m: string) => new RouteColumnsError(family, key ? `${at}.${key}` : at, m);
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

/**
 * What templates of both families have: table, protocol, scope, type, priority, nexthops and
 * metrics, checked, with the hop list and metric set interned.
 */
export function checkBody(family: 'inet4' | 'inet6', t: unknown, i: number) {
  const { o, at, bad } = templateFields(family, t, i);
  if (!isInt(o.table, 0, U32)) throw bad('table', 'is not a u32');
  for (const k of ['protocol', 'scope'] as const) if (!isInt(o[k], 0, 255)) throw bad(k, 'is not a byte');
  // RTN_UNICAST…RTN_XRESOLVE (RTN_UNSPEC is never stored).
  if (!isInt(o.type, 1, 11)) throw bad('type', 'is not a route type (1…11)');
  if (!isInt(o.priority, 0, U32)) throw bad('priority', 'is not a u32');
  if (!Array.isArray(o.nexthops)) throw bad('nexthops', 'is not a list');
  const hops = o.nexthops.map((h, j) => checkHop(family, h, `${at}.nexthops[${j}]`));
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
    o, bad,
    body: {
      table: o.table, protocol: o.protocol as number, scope: o.scope as number, type: o.type, priority: o.priority,
      nexthops: internNexthops(hops), metrics: internMetrics(metrics),
    },
  };
}

/** The columns of a decoded document, each a Uint8Array (`{"$hex": "…"}` in JSON), or the first that is not, refused. */
export function byteColumns<K extends string>(family: 'inet4' | 'inet6', c: unknown, names: readonly K[]): { templates: unknown[] } & Record<K, Uint8Array> {
  if (typeof c !== 'object' || c === null) throw new RouteColumnsError(family, '', 'is not an object');
  const o = c as Record<string, unknown>;
  if (!Array.isArray(o.templates)) throw new RouteColumnsError(family, 'templates', 'is not a list');
  for (const name of names) {
    if (!(o[name] instanceof Uint8Array)) throw new RouteColumnsError(family, name, 'is not a byte column ({"$hex": "…"})');
  }
  return o as { templates: unknown[] } & Record<K, Uint8Array>;
}
