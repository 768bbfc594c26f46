import { AF_UNSPEC, ARPHRD_ETHER, ARPHRD_LOOPBACK, IFF_NOARP } from '../../protocol/constants.js';
import type { LinkMessage } from '../../protocol/link-message.js';
import { KINDS } from '../model/kinds.js';
import type { MovedTo } from '../model/events.js';
import type { NetworkModel } from '../model/store.js';
import { statsInOrder } from '../model/stats.js';
import type { Link } from '../model/types.js';
import { KIND_WIRE } from './link-kinds.js';

export interface LinkViewOptions {
  change?: number;
  /** RTM_DELLINK: the per-family state is already gone, so AF_SPEC is empty. */
  deleted?: boolean;
  skipStats?: boolean;
  /** The namespace the message is built for (the requester's), when not the device's own: ids are that namespace's. */
  observer?: string | undefined;
  /** RTM_DELLINK of a device moving out: where it went. */
  moved?: MovedTo | undefined;
}

/**
 * rtnl_fill_link_netnsid() and IFLA_NEW_NETNSID: the ids a message about `link` carries, in the
 * observer's table (the link's own namespace by default), allocated (and announced) on first use.
 */
export function linkNsids(model: NetworkModel, link: Readonly<Link>, moved?: MovedTo, observerName?: string): { newNetnsid?: number; linkNetnsid?: number } {
  const netns = model.netns;
  if (!netns) return {};
  const observer = observerName ?? netns.name;
  const newNetnsid = moved ? netns.nsid(observer, moved.netns) : undefined;
  const linkNetnsid = link.linkNetns !== undefined ? netns.nsid(observer, link.linkNetns) : undefined;
  return { newNetnsid, linkNetnsid };
}

/** The RTM_NEWLINK content for a model link (rtnl_fill_ifinfo's view of a net_device). */
export function linkMessage(model: NetworkModel, link: Readonly<Link>, opts: LinkViewOptions = {}): LinkMessage {
  const kind = KINDS[link.kind];
  const wire = KIND_WIRE[link.kind];
  const master = link.master ? model.byIndex(link.master) : undefined;
  const up = (link.flags & 1) !== 0;
  const m: LinkMessage = {
    family: AF_UNSPEC,
    deviceType: kind.deviceType === 'loopback' ? ARPHRD_LOOPBACK : ARPHRD_ETHER,
    index: link.index,
    flags: model.reportedFlags(link as Link),
    change: opts.change ?? 0,
    name: link.name,
    txqlen: link.txqlen,
    operstate: model.reportedOperstate(link as Link),
    linkmode: link.linkmode,
    netnsImmutable: kind.netnsImmutable,
    mtu: link.mtu,
    tsoMaxSize: model.tsoMaxSize(link as Link),
    minMtu: kind.minMtu,
    maxMtu: kind.maxMtu,
    group: link.group,
    promiscuity: link.promiscuity,
    allmulti: link.allmulti,
    numTxQueues: link.numTxQueues,
    numRxQueues: link.numRxQueues,
    master: link.master,
    carrier: link.carrier,
    alias: link.alias,
    carrierUpCount: link.carrierUpCount,
    carrierDownCount: link.carrierDownCount,
    address: link.address,
    broadcast: link.broadcast,
    link: kind.carrier === 'peer' || kind.needsParent ? link.link : link.index,
    // dev_shutdown() puts noop back before RTM_DELLINK is sent.
    qdisc: link.everUp && !opts.deleted ? kind.qdisc : 'noop',
    altnames: link.altnames,
  };
  const ids = linkNsids(model, link, opts.moved, opts.observer);
  if (opts.moved) {
    m.newNetnsid = ids.newNetnsid;
    m.newIfindex = opts.moved.ifindex;
  }
  if (ids.linkNetnsid !== undefined) m.linkNetnsid = ids.linkNetnsid;
  if (link.stats) m.stats = statsInOrder(link.stats);
  if (link.kind !== 'lo') {
    m.kind = link.kind;
    const data = wire.fillInfo?.(link, model);
    if (data) m.infoData = data;
  }
  if (master) {
    m.slaveKind = master.kind;
    const data = KIND_WIRE[master.kind].fillSlave?.(link, master);
    if (data) m.slaveData = data;
  }
  if (!opts.deleted) {
    m.afSpec = {
      loopback: kind.deviceType === 'loopback',
      // accept_dad is fixed when the inet6_dev is created at registration, from the kind's own
      // flags (ifb); IFF_NOARP set later does not change it.
      noarp: (kind.initialFlags & IFF_NOARP) !== 0,
      mtu: model.addresses.ipv6Mtu(link),
      inet: link.inet,
      inet6: link.inet6,
      inet6Flags: model.addresses.ipv6Flags(link.index),
      tstamp: Math.floor(link.createdAt / 10),
      skipStats: opts.skipStats ?? false,
    };
  }
  return m;
}
