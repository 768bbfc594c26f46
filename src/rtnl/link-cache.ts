import { RTM_NEWLINK } from '../../protocol/constants.js';
import { writeLinkBody } from '../../protocol/link-message.js';
import { NlWriter } from '../../protocol/writer.js';
import type { ModelEvent } from '../model/events.js';
import { KINDS } from '../model/kinds.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';
import { BackgroundWalk, NEVER_BUSY, type Busy } from './background.js';
import { EncodedStore } from './encoded-store.js';
import { linkMessage } from './link-view.js';

/** Shared by every namespace's cache: a body is encoded and kept before the next begins. */
const writer = new NlWriter(4096);

/** At most this many bytes of encoded links are kept per model (~40,000 links). */
const MAX_BYTES = 64 * 1024 * 1024;

/**
 * Encoded RTM_NEWLINK bodies (ifinfomsg + attributes, ifi_change 0, with statistics) as dumps and
 * GETs send them, so a dump copies bytes instead of encoding ~50 attributes per link.
 *
 * A body is dropped when something it shows may have changed: an event about the link (or its
 * master, ports, peer or stacked devices, whose state it shows), an IPv6 address event of the
 * link (IFLA_INET6_FLAGS), a quiet change the model names (generation.linkChanged), and all of
 * them at a quiet change that names no link (generation.linksWide). Bodies are encoded again in
 * the background (background.ts: between requests, never while a client is served dumps), so
 * even the first dump after a rig builds its topology finds most of them (issue 21). A link
 * whose message carries another namespace's id is left out: encoding it would allocate the id
 * (peernet2id_alloc).
 */
class LinkBodyCache {
  private readonly store = new EncodedStore<number>(MAX_BYTES);
  private wide: number;
  private readonly fill: BackgroundWalk;

  constructor(private readonly model: NetworkModel, busy: Busy) {
    this.wide = model.generation.linksWide;
    model.onEvent((e) => this.onEvent(e));
    model.generation.watchLinks((index) => {
      const link = model.byIndex(index);
      if (link) this.dropAround(link);
    });
    this.fill = new BackgroundWalk(model, (link) => {
      this.sync();
      if (!this.store.has(link.index) && keepable(link)) {
        this.encode(writer, link, false, true);
        writer.truncate(0);
      }
    }, busy);
  }

  /** Writes RTM_NEWLINK with the kept body of `link` to `w`; false (nothing written) when there is none. */
  writeMessage(w: NlWriter, link: Readonly<Link>, flags: number, seq: number, pid: number): boolean {
    this.sync();
    return this.store.writeMessage(w, link.index, RTM_NEWLINK, flags, seq, pid);
  }

  /** Encodes `link` into `w`, keeping the body when `keep` and it can be kept. */
  encode(w: NlWriter, link: Readonly<Link>, skipStats: boolean, keep: boolean): void {
    const start = w.length;
    writeLinkBody(w, linkMessage(this.model, link, { skipStats }));
    if (keep && !skipStats && keepable(link)) this.store.put(link.index, w.buffer, start, w.length);
  }

  /** The body kept for `link`, for tests. */
  kept(link: Readonly<Link>): Buffer | undefined {
    this.sync();
    return this.store.get(link.index);
  }

  /** Encodes every link that has no body now (what the background fill does a step at a time). */
  fillAll(): void {
    this.fill.runAll();
  }

  /** A quiet change that names no link: every body goes. */
  private sync(): void {
    const wide = this.model.generation.linksWide;
    if (wide === this.wide) return;
    this.wide = wide;
    this.store.clear();
    this.fill.rewind(1);
  }

  private onEvent(e: ModelEvent): void {
    switch (e.type) {
      case 'newlink':
      case 'dellink':
      case 'bridgeport':
        this.dropAround(e.link);
        break;
      case 'newaddr':
      case 'deladdr':
        // IPv6's device state (IF_RS_SENT once a link-local address is valid) shows in the link's AF_SPEC.
        if (e.addr.family === 'inet6') this.drop(e.link.index);
        break;
      default:
        // Routes, rules, neighbours and FDB entries show in no link's message.
        break;
    }
  }

  /** Drops `link`'s body and those of the links whose messages show its state. */
  private dropAround(link: Readonly<Link>): void {
    this.sync();
    const model = this.model;
    this.drop(link.index);
    if (link.master) this.drop(link.master);
    if (KINDS[link.kind].carrier === 'peer' && link.linkNetns === undefined && link.link) this.drop(link.link);
    for (const port of model.portsOf(link.index)) this.drop(port.index);
    for (const upper of model.stackedOn(link.index)) this.drop(upper.index);
  }

  /** Drops the body of link `index` (if any); the fill goes back to encode it (or a new link) again. */
  private drop(index: number): void {
    this.store.delete(index);
    this.fill.rewind(index);
  }
}

/** A message naming another namespace (IFLA_LINK_NETNSID) is not encoded ahead: that allocates the id. */
const keepable = (link: Readonly<Link>) => link.linkNetns === undefined;

const caches = new WeakMap<NetworkModel, LinkBodyCache>();

/**
 * The model's link bodies, listening to its changes from now on: the daemon makes it when a
 * namespace is attached, with `busy` telling the background fill when to wait.
 */
export function linkBodies(model: NetworkModel, busy: Busy = NEVER_BUSY): LinkBodyCache {
  let cache = caches.get(model);
  if (!cache) caches.set(model, (cache = new LinkBodyCache(model, busy)));
  return cache;
}

/**
 * Writes RTM_NEWLINK for `link` (ifi_change 0), from the model's body cache when it holds the
 * link. A miss is encoded and kept when `keep` (GET); dumps pass false, since they are recorded
 * whole (dump-image.ts) and keeping each body too would only add copies.
 */
export function writeCachedLink(
  w: NlWriter, model: NetworkModel, link: Readonly<Link>, flags: number, seq: number, pid: number, skipStats: boolean, keep = true,
): void {
  const cache = linkBodies(model);
  if (!skipStats && cache.writeMessage(w, link, flags, seq, pid)) return;
  const at = w.msgStart(RTM_NEWLINK, flags, seq, pid);
  cache.encode(w, link, skipStats, keep);
  w.msgEnd(at);
}
