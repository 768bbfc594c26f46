import { MASK4 } from './prefix.js';
import type { Route4 } from './route.js';

/** The aliases of one prefix in lookup order; a lone alias is stored bare (no array per route). */
type Node4 = Route4 | Route4[];

const NONE: readonly Route4[] = Object.freeze([]);

/**
 * One IPv4 table (struct fib_table): per prefix length a hash map from the masked prefix to its
 * aliases, so a longest-prefix match costs one map probe per length in use, longest first.
 * Alias order within a prefix is the kernel's (tos descending, priority ascending, then the
 * order fib_table_insert gave them); dumps walk prefixes in ascending address order, the longer
 * of equal addresses first, as the fib trie does.
 */
export class Fib4Table {
  private readonly nodes: Array<Map<number, Node4> | undefined> = new Array(33);
  /** Prefix lengths that have routes, longest first. */
  private lengths: number[] = [];
  private sorted: Float64Array | undefined;
  /** Number of routes (aliases). */
  size = 0;
  /** Bumped on every change (dump cursors resume by key, so a change never repeats an entry). */
  generation = 0;

  constructor(readonly id: number) {}

  /** The aliases of exactly dst/len (dst already masked). */
  aliases(dst: number, len: number): readonly Route4[] {
    const node = this.nodes[len]?.get(dst);
    if (node === undefined) return NONE;
    return Array.isArray(node) ? node : [node];
  }

  /** Replaces the aliases of dst/len (an empty list removes the prefix). */
  setAliases(dst: number, len: number, list: readonly Route4[]): void {
    let map = this.nodes[len];
    const before = map?.get(dst);
    this.size += list.length - (before === undefined ? 0 : Array.isArray(before) ? before.length : 1);
    if (list.length === 0) {
      if (before === undefined) return;
      map!.delete(dst);
      if (map!.size === 0) {
        this.nodes[len] = undefined;
        this.lengths = this.lengths.filter((l) => l !== len);
      }
    } else {
      if (!map) {
        map = this.nodes[len] = new Map();
        this.lengths = [...this.lengths, len].sort((a, b) => b - a);
      }
      map.set(dst, list.length === 1 ? list[0]! : [...list]);
    }
    if (before === undefined || list.length === 0) this.sorted = undefined;
    this.generation++;
  }

  /**
   * Longest-prefix match (fib_table_lookup): the first alias, longest prefix first, that
   * `accept` takes; a prefix whose aliases are all refused backtracks to shorter ones.
   */
  lookup(addr: number, accept: (r: Route4) => boolean): Route4 | undefined {
    const lengths = this.lengths;
    for (let i = 0; i < lengths.length; i++) {
      const len = lengths[i]!;
      const node = this.nodes[len]!.get(addr & MASK4[len]!);
      if (node === undefined) continue;
      if (!Array.isArray(node)) {
        if (accept(node)) return node;
        continue;
      }
      for (const r of node) if (accept(r)) return r;
    }
    return undefined;
  }

  /** Prefix lengths in use, longest first (for lookups merged across tables). */
  get prefixLengths(): readonly number[] {
    return this.lengths;
  }

  /** Aliases of the prefix covering `addr` at exactly `len` (undefined when none). */
  node(addr: number, len: number): Node4 | undefined {
    return this.nodes[len]?.get(addr & MASK4[len]!);
  }

  /**
   * Every prefix as (unsigned address × 64 + 32 − len), ascending: address order, the longer
   * prefix first. Cached until a prefix is added or removed.
   */
  dumpKeys(): Float64Array {
    if (this.sorted) return this.sorted;
    let n = 0;
    for (const m of this.nodes) n += m?.size ?? 0;
    const keys = new Float64Array(n);
    let i = 0;
    for (let len = 0; len <= 32; len++) {
      const m = this.nodes[len];
      if (!m) continue;
      for (const dst of m.keys()) keys[i++] = (dst >>> 0) * 64 + (32 - len);
    }
    keys.sort();
    this.sorted = keys;
    return keys;
  }

  /** The aliases of a dump key. */
  aliasesAt(key: number): readonly Route4[] {
    const len = 32 - (key % 64);
    return this.aliases(Math.floor(key / 64) | 0, len);
  }

  *routes(): IterableIterator<Route4> {
    for (const key of this.dumpKeys()) yield* this.aliasesAt(key);
  }
}
