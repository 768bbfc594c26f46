/**
 * Routes per key (an output device, or an IPv4 preferred source), so that what a link or an
 * address does to the routes costs the routes it touches, not every route: the kernel finds them
 * the same way through fib_info_devhash (fib_sync_down_dev) and fib_info_laddrhash
 * (fib_sync_down_addr). A key holding more than `limit` routes (1,024) stops being listed (a full table
 * through one uplink would double its memory for nothing): it is only counted, and is not
 * `listed` (walk the tables) until its count falls back to 0.
 */
export class RouteIndex<R> {
  /** Routes listed per key; an index made while it is 0 lists nothing and always has the tables walked (tests compare the two). */
  static limit = 1024;
  /** Per key: its routes while at most the limit, else how many it has. */
  private readonly byKey = new Map<number, Set<R> | number>();
  private readonly limit = RouteIndex.limit;

  add(key: number, r: R): void {
    const entry = this.byKey.get(key);
    if (entry === undefined) this.byKey.set(key, this.limit > 0 ? new Set([r]) : 1);
    else if (typeof entry === 'number') this.byKey.set(key, entry + 1);
    else if (entry.size < this.limit) entry.add(r);
    else this.byKey.set(key, entry.size + 1);
  }

  delete(key: number, r: R): void {
    const entry = this.byKey.get(key);
    if (entry === undefined) return;
    if (typeof entry === 'number') {
      if (entry > 1) this.byKey.set(key, entry - 1);
      else this.byKey.delete(key);
    } else if (entry.delete(r) && entry.size === 0) {
      this.byKey.delete(key);
    }
  }

  /** Whether the key's routes are listed (false once it outgrew the index: walk the tables). */
  listed(key: number): boolean {
    return typeof this.byKey.get(key) !== 'number';
  }

  /** The routes of a listed key `test` takes, in the order they were added (a new array: callers remove while they go). */
  filter(key: number, test: (r: R) => boolean): R[] {
    const entry = this.byKey.get(key);
    const out: R[] = [];
    if (entry === undefined || typeof entry === 'number') return out;
    for (const r of entry) if (test(r)) out.push(r);
    return out;
  }

  clear(): void {
    this.byKey.clear();
  }
}
