import { compareIpv6Tree, ipv6Equal, ipv6Key, maskIpv6 } from './prefix.js';
import type { Route6 } from './route.js';

const NONE: readonly Route6[] = Object.freeze([]);

/** One fib6 node: the routes of one (dst/len, src/len), in metric order (fib6_add_rt2). */
interface Node6 {
  readonly dst: Uint8Array;
  readonly dstLen: number;
  readonly src: Uint8Array;
  readonly srcLen: number;
  routes: readonly Route6[];
}

/**
 * One IPv6 table (struct fib6_table): nodes per destination length, keyed by the prefix, for
 * longest-prefix matches; dumps walk nodes in fib6 tree order (post-order: a more specific
 * prefix before the one containing it, `::/0` last; a source-specific node before the plain one).
 */
export class Fib6Table {
  /** Per destination length (grown on first use: a new namespace's empty main and local tables cost nothing here). */
  private readonly byLength: Array<Map<string, Node6[]> | undefined> = [];
  private lengths: number[] = [];
  private sorted: Node6[] | undefined;
  size = 0;
  generation = 0;

  constructor(readonly id: number) {}

  private find(dst: Uint8Array, dstLen: number, src: Uint8Array, srcLen: number): Node6 | undefined {
    return this.byLength[dstLen]?.get(ipv6Key(dst))?.find((n) => n.srcLen === srcLen && ipv6Equal(n.src, src));
  }

  /** The routes of exactly (dst/len, src/len), prefixes already masked. */
  routesAt(dst: Uint8Array, dstLen: number, src: Uint8Array, srcLen: number): readonly Route6[] {
    return this.find(dst, dstLen, src, srcLen)?.routes ?? NONE;
  }

  setRoutes(dst: Uint8Array, dstLen: number, src: Uint8Array, srcLen: number, routes: readonly Route6[]): void {
    const node = this.find(dst, dstLen, src, srcLen);
    this.size += routes.length - (node?.routes.length ?? 0);
    this.generation++;
    if (node && routes.length) {
      node.routes = routes;
      return;
    }
    if (!node && !routes.length) return;
    this.sorted = undefined;
    const key = ipv6Key(dst);
    let map = this.byLength[dstLen];
    if (!node) {
      if (!map) {
        map = this.byLength[dstLen] = new Map();
        this.lengths = [...this.lengths, dstLen].sort((a, b) => b - a);
      }
      const list = map.get(key) ?? [];
      list.push({ dst, dstLen, src, srcLen, routes });
      list.sort((a, b) => b.srcLen - a.srcLen);
      map.set(key, list);
      return;
    }
    const list = map!.get(key)!.filter((n) => n !== node);
    if (list.length) map!.set(key, list);
    else map!.delete(key);
    if (map!.size === 0) {
      this.byLength[dstLen] = undefined;
      this.lengths = this.lengths.filter((l) => l !== dstLen);
    }
  }

  /**
   * Adds a route after every route of its node, in place (fe80::/64 and ff00::/8 hold a route per
   * device: a copy per added device made building n links cost n²). An entry appended at the end
   * is one a walk has not passed, so a dump going through the node meets it once or not at all.
   */
  append(dst: Uint8Array, dstLen: number, src: Uint8Array, srcLen: number, route: Route6): void {
    const node = this.find(dst, dstLen, src, srcLen);
    if (!node) {
      this.setRoutes(dst, dstLen, src, srcLen, [route]);
      return;
    }
    (node.routes as Route6[]).push(route);
    this.size++;
    this.generation++;
  }

  /** Longest-prefix match over routes without a source prefix: the first route `accept` takes. */
  lookup(addr: Uint8Array, accept: (r: Route6) => boolean): Route6 | undefined {
    for (const len of this.lengths) {
      const nodes = this.byLength[len]!.get(ipv6Key(maskIpv6(addr, len)));
      const node = nodes?.find((n) => n.srcLen === 0);
      if (!node) continue;
      for (const r of node.routes) if (accept(r)) return r;
    }
    return undefined;
  }

  /** Nodes in fib6 walk order (cached until a node comes or goes). */
  nodes(): readonly Node6[] {
    if (this.sorted) return this.sorted;
    const all: Node6[] = [];
    for (const m of this.byLength) if (m) for (const list of m.values()) all.push(...list);
    all.sort((a, b) => compareIpv6Tree(a.dst, a.dstLen, b.dst, b.dstLen) || b.srcLen - a.srcLen);
    this.sorted = all;
    return all;
  }

  *routes(): IterableIterator<Route6> {
    for (const n of this.nodes()) yield* n.routes;
  }
}
