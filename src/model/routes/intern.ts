import type { Metrics, Nexthop } from './route.js';

// Interning of nexthop lists and metric sets (fib_info sharing): the many routes through one
// gateway share a single frozen array, and equal routes compare their hops by reference. The maps
// hold their values weakly and drop an entry once its value is collected, so the lists of deleted
// routes (a link's fe80::/64 hop, a withdrawn table's gateways) do not stay behind.

/** A map from key to a value held weakly: an entry goes when its value is collected. */
class WeakValues<V extends object> {
  private readonly map = new Map<string, WeakRef<V>>();
  private readonly gone = new FinalizationRegistry<string>((key) => {
    // The key may name a newer value by now (interned again after the old one died).
    if (this.map.get(key)?.deref() === undefined) this.map.delete(key);
  });

  get(key: string): V | undefined {
    return this.map.get(key)?.deref();
  }

  set(key: string, value: V): void {
    this.map.set(key, new WeakRef(value));
    this.gone.register(value, key);
  }

  get size(): number {
    return this.map.size;
  }
}

const nexthopLists = new WeakValues<readonly Nexthop[]>();
const metricSets = new WeakValues<Metrics>();

const hopKey = (h: Nexthop) =>
  `${h.ifindex}/${h.gateway4 ?? ''}/${h.gateway6 ? Buffer.from(h.gateway6).toString('hex') : ''}/${h.weight}/${h.flags}/${h.flow}`;

/** The last single-hop list interned, and its hop: a table pushed through one gateway asks for it again and again. */
let lastHop: Nexthop | undefined;
let lastList: readonly Nexthop[] = [];

const sameHop = (a: Nexthop, b: Nexthop) =>
  a.ifindex === b.ifindex && a.gateway4 === b.gateway4 && a.gateway6 === undefined && b.gateway6 === undefined &&
  a.weight === b.weight && a.flags === b.flags && a.flow === b.flow;

/** The shared frozen list equal to `hops` (fib_info sharing, so equal routes compare by reference). */
export function internNexthops(hops: readonly Nexthop[]): readonly Nexthop[] {
  if (hops.length === 1 && lastHop !== undefined && sameHop(hops[0]!, lastHop)) return lastList;
  const key = hops.length === 1 ? hopKey(hops[0]!) : hops.map(hopKey).join(',');
  let list = nexthopLists.get(key);
  if (!list) {
    // One literal shape for every hop (a spread copies each caller's own key order and set), and a
    // packed array: hops.map() made holey arrays once optimised, packed ones before, and the
    // route encoders, warmed up on one kind, deoptimised at the first dump of the other.
    const packed: Nexthop[] = [];
    for (const h of hops) {
      packed.push(Object.freeze<Nexthop>({ ifindex: h.ifindex, gateway4: h.gateway4, gateway6: h.gateway6, weight: h.weight, flags: h.flags, flow: h.flow }));
    }
    list = Object.freeze(packed);
    nexthopLists.set(key, list);
  }
  if (list.length === 1) {
    lastHop = list[0];
    lastList = list;
  }
  return list;
}

export function internMetrics(metrics: Metrics | undefined): Metrics | undefined {
  if (!metrics?.length) return undefined;
  const key = metrics.map(([t, v]) => `${t}=${v}`).join(',');
  let set = metricSets.get(key);
  if (!set) {
    set = Object.freeze(metrics.map((m) => Object.freeze([...m] as const)));
    metricSets.set(key, set);
  }
  return set;
}

/** Interned lists and sets still held (tests: deleted routes leave none behind). */
export const internedCounts = (): { nexthops: number; metrics: number } => ({ nexthops: nexthopLists.size, metrics: metricSets.size });
