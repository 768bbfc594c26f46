import { RTM_NEWLINK } from '../../protocol/constants.js';
import { writeLinkBody } from '../../protocol/link-message.js';
import { NlWriter } from '../../protocol/writer.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';
import { linkMessage } from './link-view.js';

interface Entry {
  link: Readonly<Link>;
  skipStats: boolean;
  body: Buffer;
}

/** Shared by every namespace's cache: a body is encoded and taken before the next begins. */
const writer = new NlWriter(4096);

/** At most this many bytes of encoded links are kept per model (~40,000 links). */
const MAX_BYTES = 64 * 1024 * 1024;

/**
 * Encoded RTM_NEWLINK bodies (ifinfomsg + attributes, ifi_change 0) as dumps and GETs send them,
 * valid while the model's generation is unchanged: a dump of a model at rest copies bytes instead of
 * re-encoding ~50 attributes per link. Any change anywhere invalidates every entry.
 */
class LinkBodyCache {
  private readonly entries = new Map<number, Entry>();
  private bytes = 0;
  private generation = -1;
  private readonly w = writer;

  constructor(private readonly model: NetworkModel) {}

  /** The cached body of `link`, if it was encoded since the model last changed. */
  lookup(link: Readonly<Link>, skipStats: boolean): Buffer | undefined {
    if (this.model.generation.current !== this.generation) {
      this.entries.clear();
      this.bytes = 0;
      this.generation = this.model.generation.current;
    }
    const hit = this.entries.get(link.index);
    return hit && hit.link === link && hit.skipStats === skipStats ? hit.body : undefined;
  }

  /** Encodes `link` and keeps the body (within the byte limit). Call after lookup() missed. */
  store(link: Readonly<Link>, skipStats: boolean): Buffer {
    writeLinkBody(this.w, linkMessage(this.model, link, { skipStats }));
    const body = this.w.take();
    if (this.bytes + body.length <= MAX_BYTES) {
      const old = this.entries.get(link.index);
      if (old) this.bytes -= old.body.length;
      this.entries.set(link.index, { link, skipStats, body });
      this.bytes += body.length;
    }
    return body;
  }
}

const caches = new WeakMap<NetworkModel, LinkBodyCache>();

/**
 * Writes RTM_NEWLINK for `link` (ifi_change 0), from the model's body cache when it holds the
 * link. A miss is encoded and kept when `keep` (GET); dumps pass false, since they are recorded
 * whole (dump-image.ts) and keeping each body too would only add copies.
 */
export function writeCachedLink(
  w: NlWriter, model: NetworkModel, link: Readonly<Link>, flags: number, seq: number, pid: number, skipStats: boolean, keep = true,
): void {
  let cache = caches.get(model);
  if (!cache) caches.set(model, (cache = new LinkBodyCache(model)));
  const at = w.msgStart(RTM_NEWLINK, flags, seq, pid);
  const body = cache.lookup(link, skipStats) ?? (keep ? cache.store(link, skipStats) : undefined);
  if (body) w.bytes(body);
  else writeLinkBody(w, linkMessage(model, link, { skipStats }));
  w.msgEnd(at);
}
