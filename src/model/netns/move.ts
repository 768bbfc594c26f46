import { ModelError } from '../errors.js';
import type { Cause } from '../events.js';
import { KINDS } from '../kinds.js';
import type { Link } from '../types.js';
import type { Namespace } from './namespace.js';
import type { NamespaceRegistry } from './registry.js';

export interface MoveOptions {
  /** IFLA_NEW_IFINDEX: the index to take in the destination (must be free there). */
  newIndex?: number | undefined;
  /** IFLA_IFNAME: the name (or template) to use if the device's own name is taken there. */
  name?: string | undefined;
}

/**
 * __dev_change_net_namespace(): every check first (nothing changes on error, Linux's texts),
 * then the source half (close, addresses gone, RTM_DELLINK with where it went) and the
 * destination half (one RTM_NEWLINK, down). A veth end's peer is repointed without a
 * notification, as Linux sends the staying end none.
 */
export function moveLink(registry: NamespaceRegistry, src: Namespace, link: Link, dst: Namespace, opts: MoveOptions = {}, cause?: Cause): void {
  if (KINDS[link.kind].netnsImmutable) throw new ModelError('EINVAL', 'The interface netns is immutable');
  if (dst === src) return;
  let name = link.name;
  if (dst.model.byName(link.name)) {
    if (!opts.name) throw new ModelError('EEXIST', 'An interface with the same name exists in the target netns');
    try {
      name = dst.model.arrivalName(opts.name);
    } catch (e) {
      const code = e instanceof ModelError && e.code === 'EINVAL' ? 'EINVAL' : 'EEXIST';
      throw new ModelError(code, `Unable to use '${opts.name}' for the new interface name in the target netns`);
    }
  }
  for (const alt of link.altnames) {
    if (dst.model.byName(alt)) throw new ModelError('EEXIST', `An interface with the altname ${alt} exists in the target netns`);
  }
  let index = link.index;
  let auto = false;
  if (opts.newIndex !== undefined) {
    if (!dst.model.indexFree(opts.newIndex)) throw new ModelError('EBUSY', `The ifindex ${opts.newIndex} is not available in the target netns`);
    index = opts.newIndex;
  } else if (!dst.model.indexFree(index)) {
    const next = dst.model.nextAutoIndex();
    if (next === undefined) throw new ModelError('ENFILE');
    index = next;
    auto = true;
  }
  if (dst.model.size + 1 > dst.model.maxLinks) throw new ModelError('ENOSPC', `rtnld: link limit (${dst.model.maxLinks}) reached`);

  // Where the veth peer is, before anything moves.
  const peerNs = KINDS[link.kind].paired && link.link ? (link.linkNetns === undefined ? src : registry.get(link.linkNetns)) : undefined;
  const peer = peerNs?.model.byIndex(link.link);
  src.model.unlistMoved(link, { netns: dst.name, ifindex: index }, cause);
  if (peer && peerNs) {
    if (peerNs === dst) delete link.linkNetns;
    else link.linkNetns = peerNs.name;
    peerNs.model.repointPeer(peer, index, peerNs === dst ? undefined : dst.name);
  }
  dst.model.listMoved(link, index, name, auto);
}
