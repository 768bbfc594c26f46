import type { NlWriter } from '../../protocol/writer.js';
import type { Link } from '../model/types.js';
import { dumpImages } from './dump-image.js';
import type { DumpCursor, Request } from './request.js';

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

/**
 * A dump over the links in ascending index order (for_each_netdev_dump), resumable between
 * chunks. `write` emits one link's entry, or returns false to skip the link.
 */
export function walkLinks(req: Request, write: (w: NlWriter, link: Link) => boolean, options: WalkOptions = {}): DumpCursor {
  const { model } = req;
  const { replayKey } = options;
  const only = options.only && [...options.only].map((l) => l.index).sort((a, b) => a - b);
  let cursor = 0;
  let at = 0;
  return {
    // Link messages depend on the model alone, so a dump of a model at rest can be replayed.
    replay: replayKey === undefined ? undefined : {
      images: dumpImages(model),
      key: replayKey,
      save: () => cursor,
      restore: (position) => void (cursor = position as number),
      timeless: () => true,
    },
    doneFlags: 0,
    generation: () => model.generation.linkDumpSeq,
    next(w: NlWriter): boolean {
      if (only) {
        while (at < only.length) {
          const link = model.byIndex(only[at++]!);
          if (link && write(w, link)) return true;
        }
        return false;
      }
      for (let link = model.linkAfter(cursor); link; link = model.linkAfter(cursor)) {
        cursor = link.index;
        if (write(w, link)) return true;
      }
      return false;
    },
  };
}
