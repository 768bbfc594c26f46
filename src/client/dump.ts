/** What a dump learns while it runs. */
export interface DumpState {
  /** An entry carried NLM_F_DUMP_INTR: the model changed during the dump. */
  interrupted: boolean;
}

/** An async iterable of dump entries with a convenience collector. */
export class Dump<T> implements AsyncIterable<T> {
  /**
   * True when an entry of the last iteration carried NLM_F_DUMP_INTR: devices or addresses
   * changed while the dump ran, so its entries may not be one consistent view. Dump again for
   * one (as libnl and iproute2 do).
   */
  interrupted = false;

  constructor(private readonly source: (state: DumpState) => AsyncGenerator<T>) {}

  [Symbol.asyncIterator](): AsyncGenerator<T> {
    this.interrupted = false;
    return this.source(this);
  }

  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const x of this) out.push(x);
    return out;
  }
}
