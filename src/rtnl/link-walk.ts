import type { NlWriter } from '../../protocol/writer.js';
import type { Link } from '../model/types.js';
import type { DumpCursor, Request } from './request.js';

/**
 * A dump over the links in ascending index order (for_each_netdev_dump), resumable between
 * chunks. `write` emits one link's entry, or returns false to skip the link.
 */
export function walkLinks(req: Request, write: (w: NlWriter, link: Link) => boolean): DumpCursor {
  const { model } = req;
  let cursor = 0;
  return {
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
