import { RTM_NEWLINK } from '../../protocol/constants.js';
import { writeLinkBody } from '../../protocol/link-message.js';
import { NlWriter } from '../../protocol/writer.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';
import { linkMessage } from './link-view.js';

interface Entry {
  link: Readonly<Link>;
  version: number;
  skipStats: boolean;
  body: Buffer;
}

/** At most this many bytes of encoded links are kept per model (~40,000 links). */
const MAX_BYTES = 64 * 1024 * 1024;

/**
 * Encoded RTM_NEWLINK bodies (ifinfomsg + attributes, ifi_change 0) as dumps and GETs send them,
 * valid while the model's version is unchanged: a dump of a model at rest copies bytes instead of
 * re-encoding ~50 attributes per link. Any change anywhere invalidates every entry.
 */
class LinkBodyCache {
  private readonly entries = new Map<number, Entry>();
  private bytes = 0;
  private version = -1;
  private readonly w = new NlWriter(4096);

  constructor(private readonly model: NetworkModel) {}

  body(link: Readonly<Link>, skipStats: boolean): Buffer {
    if (this.model.version !== this.version) {
      this.entries.clear();
      this.bytes = 0;
      this.version = this.model.version;
    }
    const hit = this.entries.get(link.index);
    if (hit && hit.link === link && hit.skipStats === skipStats) return hit.body;
    writeLinkBody(this.w, linkMessage(this.model, link, { skipStats }));
    const body = this.w.take();
    if (this.bytes + body.length <= MAX_BYTES) {
      if (hit) this.bytes -= hit.body.length;
      this.entries.set(link.index, { link, version: this.version, skipStats, body });
      this.bytes += body.length;
    }
    return body;
  }
}

const caches = new WeakMap<NetworkModel, LinkBodyCache>();

/** Writes RTM_NEWLINK for `link` (ifi_change 0) from the model's body cache. */
export function writeCachedLink(w: NlWriter, model: NetworkModel, link: Readonly<Link>, flags: number, seq: number, pid: number, skipStats: boolean): void {
  let cache = caches.get(model);
  if (!cache) caches.set(model, (cache = new LinkBodyCache(model)));
  const at = w.msgStart(RTM_NEWLINK, flags, seq, pid);
  w.bytes(cache.body(link, skipStats));
  w.msgEnd(at);
}
