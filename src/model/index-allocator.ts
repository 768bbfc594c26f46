/**
 * Interface index allocation as Linux 6.x does it per namespace (net/core/dev.c:
 * dev_index_reserve, xa_alloc_cyclic): an explicit index is taken if free; otherwise the
 * next free index after the last automatically allocated one, wrapping at 2^31-1, so a
 * freed index is not reused soon and explicit indexes do not move the cursor.
 */
export class IndexAllocator {
  private cursor = 0;

  constructor(private readonly inUse: (index: number) => boolean) {}

  /** The index the next automatic allocation would return (does not reserve it). */
  peek(skip: ReadonlySet<number> = new Set()): number | undefined {
    const max = 0x7fffffff;
    let candidate = this.cursor;
    for (let tries = 0; tries < max; tries++) {
      candidate = candidate >= max ? 1 : candidate + 1;
      if (!this.inUse(candidate) && !skip.has(candidate)) return candidate;
    }
    return undefined;
  }

  /** Records that `index` was allocated automatically. */
  commit(index: number): void {
    this.cursor = index;
  }

  get lastAllocated(): number {
    return this.cursor;
  }

  set lastAllocated(v: number) {
    this.cursor = v;
  }
}
