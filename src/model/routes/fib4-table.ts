import { RTN_UNICAST } from './numbers.js';
import { MASK4 } from './prefix.js';
import { PrefixMap4 } from './prefix-map4.js';
import type { Nexthop, Route4 } from './route.js';

/** The aliases of one prefix in lookup order; a lone alias is stored bare (no array per route). */
type Node4 = Route4 | Route4[];

const NONE: readonly Route4[] = Object.freeze([]);

/** A prefix's dump key: (unsigned address × 64 + 32 − len), so ascending keys are address order, the longer prefix first. */
export const prefixKey = (dst: number, len: number): number => (dst >>> 0) * 64 + (32 - len);

/**
 * The hop of a prefix whose lone alias any flow of scope 0 takes on its hop alone: unicast,
 * universe scope, tos 0, one nexthop (nearly every route of a full table). A lookup reads it
 * beside the slot, so the route itself (a cache miss at a million routes) is not read at all.
 */
const plainHop = (node: Node4): Nexthop | null =>
  !Array.isArray(node) && node.type === RTN_UNICAST && node.scope === 0 && node.tos === 0 && node.nexthops.length === 1 ? node.nexthops[0]! : null;

/** Prefix lengths up to this one keep a presence bitmap (2^len bits: 2 MB at /24), read when a level is rebuilt or a lookup backtracks. */
const BITMAP_MAX_LEN = 24;
/** Entries of one second-level chunk: one per /24 of a /16 block. */
const CHUNK = 256;
/**
 * Prefixes a table holds before it builds the direct index. Below it a lookup scans its few
 * prefixes (a namespace's local and main tables hold a dozen, and the index's arrays, megabytes at
 * /24 and /32, would make a rig of thousands of namespaces impossible); at it the index is built
 * from every prefix present and kept from then on.
 */
const INDEX_FROM = 64;

/**
 * One IPv4 table (struct fib_table). Each prefix has a slot holding its aliases, found by exact
 * prefix through a hash table (prefix-map4.ts), and by address through a two-level direct index
 * (DIR-16-8, the multibit idea of the kernel's LC-trie, built once the table holds INDEX_FROM
 * prefixes; a smaller table scans its few prefixes): per /16 block the slot of the longest
 * prefix up to /16 covering it, and for a block holding /17…/24 prefixes a 256-entry chunk with
 * the slot of the longest of those per /24. So a longest-prefix match reads two array entries,
 * whatever the table's size; the rare /25…/32 prefixes are probed per length the block has (a
 * bit mask per block). A lookup that backtracks (every alias refused) walks shorter lengths
 * through presence bitmaps. Alias order within a prefix is the kernel's (tos descending,
 * priority ascending, then the order fib_table_insert gave them); dumps walk prefixes in
 * ascending address order, the longer of equal addresses first, as the fib trie does.
 */
export class Fib4Table {
  /** Masked prefix and length → slot. */
  private readonly prefixes = new PrefixMap4();
  /**
   * Per slot, side by side (one cache line for a lookup): at 2 × slot its aliases, at 2 × slot + 1
   * their plainHop (null when the aliases must be walked).
   */
  private readonly slots: Array<Node4 | Nexthop | null | undefined> = [];
  private readonly freeSlots: number[] = [];
  private readonly present: Array<Uint8Array | undefined> = new Array(BITMAP_MAX_LEN + 1);
  /** Per /16 block: 1 + the match (slot × 64 + length) of the longest prefix /0…/16 covering the whole block; 0 when none. */
  private shortBest: Int32Array | undefined;
  /** Per /16 block: 1 + its chunk's number while the block holds /17…/24 prefixes; 0 otherwise. */
  private chunkOf: Int32Array | undefined;
  /** The chunks: per /24 of a block, 1 + the match of the longest prefix /17…/24 covering it; 0 when none. */
  private chunks = new Int32Array(0);
  private chunksUsed = 0;
  private readonly freeChunks: number[] = [];
  /** Per /16 block: prefixes /17…/24, then how many of each length /25…/32. */
  private blockCounts: Uint32Array | undefined;
  /** Per /16 block: bit (len − 25) set while the block holds a prefix of that length /25…/32. */
  private longLengths: Uint8Array | undefined;
  private sorted: Float64Array | undefined;
  /** Prefixes present (the direct index and presence bitmaps exist once it reached INDEX_FROM). */
  private prefixCount = 0;
  private indexed = false;
  /**
   * A table without the index: its prefixes longest first, as (dst, len, slot) triples, remade
   * on the first lookup after a change. A scan of a dozen entries beats probing 33 lengths.
   */
  private few: Int32Array | undefined;
  /** Number of routes (aliases). */
  size = 0;
  /** Bumped on every change (dump cursors resume by key, so a change never repeats an entry). */
  generation = 0;
  private readonly keyWatchers: ((key: number) => void)[] = [];

  constructor(readonly id: number) {}

  /** The aliases of exactly dst/len (dst already masked). */
  aliases(dst: number, len: number): readonly Route4[] {
    const slot = this.prefixes.get(dst, len);
    if (slot < 0) return NONE;
    const node = this.slots[slot * 2] as Node4;
    return Array.isArray(node) ? node : [node];
  }

  /** Replaces the aliases of dst/len (an empty list removes the prefix). */
  setAliases(dst: number, len: number, list: readonly Route4[]): void {
    const slot = this.prefixes.get(dst, len);
    const before = slot < 0 ? undefined : (this.slots[slot * 2] as Node4);
    this.size += list.length - (before === undefined ? 0 : Array.isArray(before) ? before.length : 1);
    const node = list.length === 1 ? list[0]! : [...list];
    if (slot >= 0 && list.length > 0) {
      this.slots[slot * 2] = node;
      this.slots[slot * 2 + 1] = plainHop(node);
    } else if (slot >= 0) {
      this.prefixes.delete(dst, len);
      this.slots[slot * 2] = undefined;
      this.slots[slot * 2 + 1] = null;
      this.prefixCount--;
      if (this.indexed) this.unmark(dst, len, slot * 64 + len);
      this.freeSlots.push(slot);
      this.sorted = undefined;
    } else if (list.length > 0) {
      const fresh = this.freeSlots.pop() ?? this.slots.length / 2;
      this.slots[fresh * 2] = node;
      this.slots[fresh * 2 + 1] = plainHop(node);
      this.prefixes.add(dst, len, fresh);
      this.prefixCount++;
      if (this.indexed) this.mark(dst, len, fresh * 64 + len);
      else if (this.prefixCount >= INDEX_FROM) this.buildIndex();
      this.sorted = undefined;
    }
    this.few = undefined;
    this.generation++;
    for (const watch of this.keyWatchers) watch(prefixKey(dst, len));
  }

  /** Calls `watch` with the dump key of every prefix whose aliases change from now on (kept encodings of them, src/rtnl/route-cache.ts). */
  watchKeys(watch: (key: number) => void): void {
    this.keyWatchers.push(watch);
  }

  /** The table reached INDEX_FROM prefixes: the direct index and bitmaps, from every prefix present. */
  private buildIndex(): void {
    this.indexed = true;
    this.prefixes.forEach((dst, len, slot) => this.mark(dst, len, slot * 64 + len));
  }

  /** `longest` of a table without the index: its few prefixes, longest first. */
  private longestOfFew(addr: number, max: number): number {
    const few = this.few ?? this.listFew();
    for (let i = 0; i < few.length; i += 3) {
      const len = few[i + 1]!;
      if (len <= max && (addr & MASK4[len]!) === few[i]) return few[i + 2]! * 64 + len;
    }
    return -1;
  }

  private listFew(): Int32Array {
    const triples: Array<[number, number, number]> = [];
    this.prefixes.forEach((dst, len, slot) => triples.push([dst, len, slot]));
    triples.sort((a, b) => b[1] - a[1]);
    return (this.few = Int32Array.from(triples.flat()));
  }

  /** A new prefix: its presence bit, and the direct index answers it where it is longer than what was there. */
  private mark(dst: number, len: number, match: number): void {
    const block = dst >>> 16;
    if (len <= BITMAP_MAX_LEN) this.setBit(dst, len, true);
    if (len <= 16) {
      const best = (this.shortBest ??= new Int32Array(65536));
      const from = len === 0 ? 0 : block;
      for (let b = from, end = from + (1 << (16 - len)); b < end; b++) {
        if (((best[b]! - 1) & 63) < len || best[b] === 0) best[b] = match + 1;
      }
      return;
    }
    const counts = (this.blockCounts ??= new Uint32Array(65536 * 9));
    if (len > BITMAP_MAX_LEN) {
      if (counts[block * 9 + len - 24]!++ === 0) (this.longLengths ??= new Uint8Array(65536))[block]! |= 1 << (len - 25);
      return;
    }
    counts[block * 9]!++;
    const from = this.chunkBase(block) + ((dst >>> 8) & 255);
    for (let j = from, end = from + (1 << (24 - len)); j < end; j++) {
      if (((this.chunks[j]! - 1) & 63) < len || this.chunks[j] === 0) this.chunks[j] = match + 1;
    }
  }

  /** A removed prefix: where the direct index answered it, the next shorter prefix present answers. */
  private unmark(dst: number, len: number, match: number): void {
    const block = dst >>> 16;
    if (len <= BITMAP_MAX_LEN) this.setBit(dst, len, false);
    if (len <= 16) {
      const best = this.shortBest!;
      const from = len === 0 ? 0 : block;
      for (let b = from, end = from + (1 << (16 - len)); b < end; b++) {
        if (best[b] === match + 1) best[b] = this.matchAt(b << 16, this.probe(b << 16, len - 1, 0)) + 1;
      }
      return;
    }
    const counts = this.blockCounts!;
    if (len > BITMAP_MAX_LEN) {
      if (--counts[block * 9 + len - 24]! === 0) this.longLengths![block]! &= ~(1 << (len - 25));
      return;
    }
    const base = (this.chunkOf![block]! - 1) * CHUNK;
    if (--counts[block * 9]! === 0) {
      this.chunks.fill(0, base, base + CHUNK);
      this.freeChunks.push(base / CHUNK);
      this.chunkOf![block] = 0;
      return;
    }
    const from = (dst >>> 8) & 255;
    for (let j = from, end = from + (1 << (24 - len)); j < end; j++) {
      if (this.chunks[base + j] !== match + 1) continue;
      const addr = (block << 16) | (j << 8);
      this.chunks[base + j] = this.matchAt(addr, this.probe(addr, len - 1, 17)) + 1;
    }
  }

  /** The offset of a block's chunk, taking a free one (the pool doubles when full). */
  private chunkBase(block: number): number {
    const chunkOf = (this.chunkOf ??= new Int32Array(65536));
    if (chunkOf[block] !== 0) return (chunkOf[block]! - 1) * CHUNK;
    let n = this.freeChunks.pop();
    if (n === undefined) {
      n = this.chunksUsed++;
      if (this.chunks.length < this.chunksUsed * CHUNK) {
        const grown = new Int32Array(Math.max(16, this.chunksUsed * 2) * CHUNK);
        grown.set(this.chunks);
        this.chunks = grown;
      }
    }
    chunkOf[block] = n + 1;
    return n * CHUNK;
  }

  private setBit(dst: number, len: number, on: boolean): void {
    const bits = (this.present[len] ??= new Uint8Array(Math.max(1, (1 << len) >>> 3)));
    const index = len === 0 ? 0 : dst >>> (32 - len);
    if (on) bits[index >>> 3]! |= 1 << (index & 7);
    else bits[index >>> 3]! &= ~(1 << (index & 7));
  }

  /** The longest length from `from` down to `to` (both ≤ /24) whose presence bitmap covers addr; −1 when none. */
  private probe(addr: number, from: number, to: number): number {
    for (let len = from; len >= to; len--) {
      const bits = this.present[len];
      if (bits === undefined) continue;
      const index = len === 0 ? 0 : addr >>> (32 - len);
      if ((bits[index >>> 3]! & (1 << (index & 7))) !== 0) return len;
    }
    return -1;
  }

  /** The match (slot × 64 + length) of the prefix of length len covering addr (−1 when len is −1). */
  private matchAt(addr: number, len: number): number {
    return len < 0 ? -1 : this.prefixes.get(addr & MASK4[len]!, len) * 64 + len;
  }

  /**
   * The longest prefix of length ≤ max covering addr, as a match: slot × 64 + length (so the
   * length needs no second read; slots stay below 2^25); −1 when none.
   */
  longest(addr: number, max: number): number {
    if (!this.indexed) return this.longestOfFew(addr, max);
    const block = addr >>> 16;
    if (max > BITMAP_MAX_LEN) {
      let bits = this.longLengths === undefined ? 0 : this.longLengths[block]! & ((1 << (max - BITMAP_MAX_LEN)) - 1);
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits);
        const slot = this.prefixes.get(addr & MASK4[25 + bit]!, 25 + bit);
        if (slot >= 0) return slot * 64 + 25 + bit;
        bits ^= 1 << bit;
      }
      max = BITMAP_MAX_LEN;
    }
    if (max > 16 && this.chunkOf !== undefined) {
      const chunk = this.chunkOf[block]!;
      const best = chunk === 0 ? -1 : this.chunks[(chunk - 1) * CHUNK + ((addr >>> 8) & 255)]! - 1;
      if (best >= 0) {
        if ((best & 63) <= max) return best;
        const len = this.probe(addr, max, 17);
        if (len >= 0) return this.matchAt(addr, len);
      }
    }
    const best = this.shortBest === undefined ? -1 : this.shortBest[block]! - 1;
    if (best < 0 || (best & 63) <= max) return best;
    return this.matchAt(addr, this.probe(addr, Math.min(max, 16), 0));
  }

  /** The aliases of a match `longest` returned. */
  nodeAt(match: number): Node4 {
    return this.slots[(match >>> 6) * 2] as Node4;
  }

  /** The plain hop (see plainHop) of a match `longest` returned; null when its aliases must be walked. */
  plainHopAt(match: number): Nexthop | null {
    return this.slots[(match >>> 6) * 2 + 1] as Nexthop | null;
  }

  /**
   * Longest-prefix match (fib_table_lookup): the first alias, longest prefix first, that
   * `accept` takes; a prefix whose aliases are all refused backtracks to shorter ones.
   */
  lookup(addr: number, accept: (r: Route4) => boolean): Route4 | undefined {
    for (let match = this.longest(addr, 32); match >= 0; match = this.longest(addr, (match & 63) - 1)) {
      const node = this.slots[(match >>> 6) * 2] as Node4;
      if (!Array.isArray(node)) {
        if (accept(node)) return node;
        continue;
      }
      for (const r of node) if (accept(r)) return r;
    }
    return undefined;
  }

  /** Every prefix's key (prefixKey), ascending. Cached until a prefix is added or removed. */
  dumpKeys(): Float64Array {
    if (this.sorted) return this.sorted;
    const keys = new Float64Array(this.prefixes.size);
    let i = 0;
    this.prefixes.forEach((dst, len) => {
      keys[i++] = prefixKey(dst, len);
    });
    keys.sort();
    this.sorted = keys;
    return keys;
  }

  /** The aliases of a dump key: a lone alias as it is stored (no list made for it), undefined if none. */
  aliasesAt(key: number): Route4 | readonly Route4[] | undefined {
    const slot = this.prefixes.get(Math.floor(key / 64) | 0, 32 - (key % 64));
    return slot < 0 ? undefined : (this.slots[slot * 2] as Node4);
  }

  *routes(): IterableIterator<Route4> {
    const keys = this.dumpKeys();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const slot = this.prefixes.get(Math.floor(key / 64) | 0, 32 - (key % 64));
      if (slot < 0) continue;
      // A lone alias is yielded as it is stored, with no list made for it.
      const node = this.slots[slot * 2] as Node4;
      if (Array.isArray(node)) yield* node;
      else yield node;
    }
  }
}
