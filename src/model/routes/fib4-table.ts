import { MASK4 } from './prefix.js';
import type { Route4 } from './route.js';

/** The aliases of one prefix in lookup order; a lone alias is stored bare (no array per route). */
type Node4 = Route4 | Route4[];

const NONE: readonly Route4[] = Object.freeze([]);

/** Prefix lengths up to this one also keep a presence bitmap (2^len bits: 2 MB at /24). */
const BITMAP_MAX_LEN = 24;
/** Lengths /16…/32 are also counted per /16 block, so a lookup visits only lengths present in its block. */
const BLOCK_MIN_LEN = 16;
const BLOCK_LENGTHS = 33 - BLOCK_MIN_LEN;

/**
 * One IPv4 table (struct fib_table): per prefix length a hash map from the masked prefix to its
 * aliases, so a longest-prefix match costs one map probe per length in use, longest first.
 * A lookup probes a length's map only when that length's presence bitmap (one bit per possible
 * prefix, for lengths up to /24) says a prefix is there, so a miss costs a bit test, not a probe
 * of a million-entry map. Alias order within a prefix is the kernel's (tos descending, priority ascending, then the
 * order fib_table_insert gave them); dumps walk prefixes in ascending address order, the longer
 * of equal addresses first, as the fib trie does.
 */
export class Fib4Table {
  private readonly nodes: Array<Map<number, Node4> | undefined> = new Array(33);
  private readonly present: Array<Uint8Array | undefined> = new Array(BITMAP_MAX_LEN + 1);
  /** Per /16 block and length /16…/32: how many prefixes; and per block the lengths in use as bits (bit 16 = /32). */
  private blockCounts: Uint32Array | undefined;
  /** Bit (len − 16) of blockLengths[dst >>> 16] is set while the block holds a prefix of that length. */
  blockLengths: Uint32Array | undefined;
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
      this.mark(dst, len, false);
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
      if (before === undefined) this.mark(dst, len, true);
    }
    if (before === undefined || list.length === 0) this.sorted = undefined;
    this.generation++;
  }

  private mark(dst: number, len: number, on: boolean): void {
    if (len >= BLOCK_MIN_LEN) {
      const counts = (this.blockCounts ??= new Uint32Array(65536 * BLOCK_LENGTHS));
      const lengths = (this.blockLengths ??= new Uint32Array(65536));
      const block = dst >>> 16;
      const at = block * BLOCK_LENGTHS + len - BLOCK_MIN_LEN;
      if (on ? counts[at]!++ === 0 : --counts[at]! === 0) lengths[block]! ^= 1 << (len - BLOCK_MIN_LEN);
    }
    if (len > BITMAP_MAX_LEN) return;
    const bits = (this.present[len] ??= new Uint8Array(Math.max(1, (1 << len) >>> 3)));
    const index = len === 0 ? 0 : dst >>> (32 - len);
    if (on) bits[index >>> 3]! |= 1 << (index & 7);
    else bits[index >>> 3]! &= ~(1 << (index & 7));
  }

  /**
   * Longest-prefix match (fib_table_lookup): the first alias, longest prefix first, that
   * `accept` takes; a prefix whose aliases are all refused backtracks to shorter ones.
   */
  lookup(addr: number, accept: (r: Route4) => boolean): Route4 | undefined {
    const lengths = this.lengths;
    for (let i = 0; i < lengths.length; i++) {
      const len = lengths[i]!;
      const node = this.node(addr, len);
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

  /** The lengths /16…/32 in use in the /16 block of `addr`, as bits (bit 16 = /32); 0 when none. */
  blockMask(addr: number): number {
    return this.blockLengths === undefined ? 0 : this.blockLengths[addr >>> 16]!;
  }

  /** Aliases of the prefix covering `addr` at exactly `len` (undefined when none). */
  node(addr: number, len: number): Node4 | undefined {
    if (len <= BITMAP_MAX_LEN) {
      const bits = this.present[len];
      if (bits === undefined) return undefined;
      const index = len === 0 ? 0 : addr >>> (32 - len);
      if ((bits[index >>> 3]! & (1 << (index & 7))) === 0) return undefined;
    }
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
