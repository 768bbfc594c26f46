import type { NlWriter } from '../../protocol/writer.js';
import type { Link } from '../model/types.js';
import { dumpImages } from './dump-image.js';
import type { DumpCursor, Request } from './request.js';

/**
 * A dump over the links in ascending index order (for_each_netdev_dump), resumable between
 * chunks. `write` emits one link's entry, or returns false to skip the link. With `replayKey`
 * (unfiltered dumps), the output is recorded for replay under that key.
 */
export function walkLinks(req: Request, write: (w: NlWriter, link: Link) => boolean, replayKey?: string): DumpCursor {
  const { model } = req;
  let cursor = 0;
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
    generation: () => model.generation,
    next(w: NlWriter): boolean {
      for (const link of model.iterate(cursor)) {
        cursor = link.index;
        if (write(w, link)) return true;
      }
      return false;
    },
  };
}
