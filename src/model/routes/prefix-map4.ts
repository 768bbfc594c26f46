/**
 * IPv4 prefixes (dst/len, dst masked) to slot numbers: an open-addressing hash table (linear
 * probing, at most half full) in two Int32Arrays. It takes the place of a Map per prefix length,
 * whose entries lived on the V8 heap (bench:routes at 1,000,000 routes: heap 187 → 144 bytes per
 * route, off-heap 83 → 99), which every full collection marks. Each entry keeps dst, and
 * slot × 64 + len (the "match" of fib4-table.ts); −1 marks an empty entry.
 */
export class PrefixMap4 {
  private keys: Int32Array;
  private values: Int32Array;
  private mask: number;
  /** 32 − log2(capacity): the hash's top bits pick the entry (Fibonacci hashing). */
  private shift: number;
  /** Prefixes held. */
  size = 0;

  constructor(capacity = 16) {
    this.keys = new Int32Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  private home(dst: number, len: number): number {
    return Math.imul(dst ^ Math.imul(len + 1, 0x9e3779b9), 0x85ebca6b) >>> this.shift;
  }

  /** The slot of dst/len; −1 when absent. */
  get(dst: number, len: number): number {
    const keys = this.keys;
    const values = this.values;
    for (let i = this.home(dst, len); ; i = (i + 1) & this.mask) {
      const v = values[i]!;
      if (v < 0) return -1;
      if (keys[i] === dst && (v & 63) === len) return v >>> 6;
    }
  }

  /** Adds dst/len, which must be absent, with its slot (below 2^25). */
  add(dst: number, len: number, slot: number): void {
    if ((this.size + 1) * 2 > this.values.length) this.grow();
    this.place(dst, slot * 64 + len);
    this.size++;
  }

  private place(dst: number, value: number): void {
    const values = this.values;
    let i = this.home(dst, value & 63);
    while (values[i]! >= 0) i = (i + 1) & this.mask;
    this.keys[i] = dst;
    values[i] = value;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const capacity = values.length * 2;
    this.keys = new Int32Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    this.shift--;
    for (let i = 0; i < values.length; i++) if (values[i]! >= 0) this.place(keys[i]!, values[i]!);
  }

  /** Removes dst/len if present (backward-shift deletion: no tombstones, probes stay short). */
  delete(dst: number, len: number): void {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let i = this.home(dst, len);
    for (; ; i = (i + 1) & mask) {
      const v = values[i]!;
      if (v < 0) return;
      if (keys[i] === dst && (v & 63) === len) break;
    }
    this.size--;
    // Entries after the hole whose home is not between the hole and themselves move into it.
    for (let j = (i + 1) & mask; values[j]! >= 0; j = (j + 1) & mask) {
      const home = this.home(keys[j]!, values[j]! & 63);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        keys[i] = keys[j]!;
        values[i] = values[j]!;
        i = j;
      }
    }
    values[i] = -1;
  }

  /** Calls fn(dst, len, slot) for every prefix, in no particular order. */
  forEach(fn: (dst: number, len: number, slot: number) => void): void {
    const keys = this.keys;
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v >= 0) fn(keys[i]!, v & 63, v >>> 6);
    }
  }
}
