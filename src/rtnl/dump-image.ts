import type { NetworkModel } from '../model/store.js';

/** One recorded chunk of a dump: whole messages, where each starts, and the cursor after them. */
export interface Segment {
  readonly bytes: Buffer;
  readonly offsets: Uint32Array;
  readonly after: unknown;
}

/** The entries of one dump of one model state, as recorded by the dump that walked them. */
export class DumpImage {
  readonly segments: Segment[] = [];
  complete = false;
  bytes = 0;
}

/** At most this many bytes of recorded dumps are kept per model (a 100,000-link dump is ~140 MB). */
const MAX_BYTES = 256 * 1024 * 1024;

/**
 * Recorded dumps of a model at rest. The second unfiltered dump of a model state records its
 * entries chunk by chunk; later dumps of the same state copy the chunks and patch nlmsg_seq and
 * nlmsg_pid instead of encoding every entry again. Any change to the model (its generation)
 * drops every image, so none can show a stale state.
 */
export class DumpImages {
  private readonly images = new Map<string, DumpImage>();
  /** The model state each dump key was last dumped at without an image. */
  private readonly dumpedOnce = new Map<string, number>();
  /** The model state in which recording each key was given up. */
  private readonly givenUp = new Map<string, number>();
  private token: number;
  private bytes = 0;

  constructor(private readonly model: NetworkModel) {
    this.token = this.currentToken();
    // Drop images at the change itself, not at the next dump, so stale bytes are not kept alive.
    model.onEvent(() => this.sweep());
  }

  private currentToken(): number {
    return this.model.generation.current;
  }

  private sweep(): void {
    const token = this.currentToken();
    if (token === this.token) return;
    this.token = token;
    this.images.clear();
    this.bytes = 0;
  }

  /** The image recorded under `key` for the model as it is now, if any. */
  find(key: string): DumpImage | undefined {
    this.sweep();
    return this.images.get(key);
  }

  /** `image` still shows the model as it is now. */
  current(key: string, image: DumpImage): boolean {
    return this.find(key) === image;
  }

  /**
   * Starts recording `key` on the second dump of a model state (a state dumped once may be about
   * to change, and recording costs a copy of every chunk; a state dumped twice is being polled),
   * unless another dump of this state is recording it already.
   */
  record(key: string): DumpImage | undefined {
    if (this.find(key) || this.givenUp.get(key) === this.token) return undefined;
    if (this.dumpedOnce.get(key) !== this.token) {
      this.dumpedOnce.set(key, this.token);
      return undefined;
    }
    const image = new DumpImage();
    this.images.set(key, image);
    return image;
  }

  /** Adds a chunk to a recording; false (and the recording dropped) when over the byte limit. */
  append(key: string, image: DumpImage, segment: Segment): boolean {
    if (!this.current(key, image)) return false;
    if (this.bytes + segment.bytes.length > MAX_BYTES) {
      this.abandon(key, image);
      return false;
    }
    image.segments.push(segment);
    image.bytes += segment.bytes.length;
    this.bytes += segment.bytes.length;
    return true;
  }

  /** Drops a recording that cannot be kept (time-dependent entries, byte limit): not retried in this state. */
  abandon(key: string, image: DumpImage): void {
    if (this.images.get(key) !== image) return;
    this.images.delete(key);
    this.bytes -= image.bytes;
    this.givenUp.set(key, this.token);
  }

  /** Bytes held by images (for tests and the benchmark's memory figures). */
  get size(): number {
    return this.bytes;
  }
}

const stores = new WeakMap<NetworkModel, DumpImages>();

export function dumpImages(model: NetworkModel): DumpImages {
  let store = stores.get(model);
  if (!store) stores.set(model, (store = new DumpImages(model)));
  return store;
}
