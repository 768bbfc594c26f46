import type { NlWriter } from '../../protocol/writer.js';
import type { Link } from '../model/types.js';
import type { NetworkModel } from '../model/store.js';
import { dumpImages, type DumpImages } from './dump-image.js';
import type { DumpCursor, Replayable, Request } from './request.js';

/** How a link dump walks the model. */
export interface WalkOptions {
  /** Unfiltered dumps: the output is recorded for replay under this key (dump-image.ts). */
  replayKey?: string | undefined;
  /**
   * Filtered dumps whose filter names a small set (a master's ports, one kind): only these links
   * are visited, so the dump costs what it emits, not the whole model. Links that join the set
   * after the dump started are not listed (a new device flags the dump NLM_F_DUMP_INTR).
   */
  only?: Iterable<Link> | undefined;
}

/** Writes one link's dump entry, or returns false to skip the link. */
export interface LinkEntryWriter {
  write(w: NlWriter, link: Link): boolean;
}

/**
 * A dump over the links in ascending index order (for_each_netdev_dump), resumable between
 * chunks. `write` emits one link's entry, or returns false to skip the link. Pass a class
 * instance for a hot dump: V8 keeps a function's optimised code only while a closure of it
 * lives, so a closure made per dump is run interpreted again by the next one (a class's methods live as long as the process).
 */
export function walkLinks(req: Request, write: LinkEntryWriter | ((w: NlWriter, link: Link) => boolean), options: WalkOptions = {}): DumpCursor {
  return new LinkWalk(req.model, typeof write === 'function' ? { write } : write, options);
}

class LinkWalk implements DumpCursor, Replayable {
  readonly doneFlags = 0;
  /** Link messages depend on the model alone, so a dump of a model at rest can be replayed. */
  readonly replay: Replayable | undefined;
  readonly images: DumpImages;
  readonly key: string;
  private readonly only: number[] | undefined;
  private cursor = 0;
  private at = 0;

  constructor(private readonly model: NetworkModel, private readonly entries: LinkEntryWriter, options: WalkOptions) {
    this.only = options.only && [...options.only].map((l) => l.index).sort((a, b) => a - b);
    this.images = dumpImages(model);
    this.key = options.replayKey ?? '';
    this.replay = options.replayKey === undefined ? undefined : this;
  }

  generation(): number {
    return this.model.generation.linkDumpSeq;
  }

  save(): unknown {
    return this.cursor;
  }

  restore(position: unknown): void {
    this.cursor = position as number;
  }

  timeless(): boolean {
    return true;
  }

  next(w: NlWriter): boolean {
    const only = this.only;
    if (only) {
      while (this.at < only.length) {
        const link = this.model.byIndex(only[this.at++]!);
        if (link && this.entries.write(w, link)) return true;
      }
      return false;
    }
    const model = this.model;
    for (let link = model.linkAfter(this.cursor); link; link = model.linkAfter(this.cursor)) {
      this.cursor = link.index;
      if (this.entries.write(w, link)) return true;
    }
    return false;
  }
}
