// Device flags, carrier, operstate and linkwatch (net/core/dev.c __dev_change_flags,
// netif_carrier_on/off, net/core/link_watch.c): the state machine every link kind shares, with
// the kind table saying where a kind's carrier comes from.
import {
  combineFlags, DIRECT_FLAGS, IFF_ALLMULTI, IFF_PROMISC, IFF_UP, IF_LINK_MODE_DORMANT, IF_LINK_MODE_TESTING,
  IF_OPER_DORMANT, IF_OPER_DOWN, IF_OPER_LOWERLAYERDOWN, IF_OPER_TESTING, IF_OPER_UNKNOWN, IF_OPER_UP, operUp,
} from './flags.js';
import type { ModelGeneration } from './generation.js';
import { KINDS } from './kinds.js';
import type { LinkRegistry } from './link-registry.js';
import type { NetdevEventType } from './notifier.js';
import type { Link } from './types.js';

/** What the state machine needs from the model that owns it. */
export interface LinkStateHost {
  readonly registry: LinkRegistry;
  readonly generation: ModelGeneration;
  /** RTM_NEWLINK for the link (ifi_change `change`). */
  notify(link: Link, change?: number): void;
  netdevEvent(type: NetdevEventType, link: Link): void;
  /** The device's own open/stop work (ndo_open / ndo_stop), before its carrier is looked at. */
  deviceOpen(link: Link, up: boolean): void;
  /** The device `link.link` names, wherever it lives (a veth peer may be in another namespace). */
  peer(link: Link): Link | undefined;
  /** A peer in another namespace must recompute its carrier there (its own linkwatch, its own notifications). */
  remotePeerChanged(link: Link): void;
}

export class LinkState {
  /** Devices whose carrier changed, waiting for the linkwatch step. */
  private linkwatchQueue: Link[] = [];

  constructor(private readonly host: LinkStateHost) {}

  /** Forgets pending linkwatch work (the whole model is being replaced). */
  dropLinkwatch(): void {
    this.linkwatchQueue = [];
  }

  /** netif_get_flags(): the flags reported in ifi_flags. */
  reportedFlags(link: Link): number {
    let flags = (link.flags & ~(IFF_PROMISC | IFF_ALLMULTI | 0x40 | 0x10000 | 0x20000)) | (link.gflags & (IFF_PROMISC | IFF_ALLMULTI));
    if (link.flags & IFF_UP) {
      if (operUp(link.operstate)) flags |= 0x40;
      if (link.carrier) flags |= 0x10000;
      // IFF_DORMANT follows the driver's dormant state (netif_dormant), which no rtnld device sets.
    }
    return flags >>> 0;
  }

  /** IFLA_OPERSTATE as reported: the stored operstate while running, DOWN otherwise. */
  reportedOperstate(link: Link): number {
    return link.flags & IFF_UP ? link.operstate : IF_OPER_DOWN;
  }

  /** __dev_change_flags() without the notification; returns the changed bits (ifi_change). */
  applyFlags(link: Link, ifiFlags: number, ifiChange: number): number {
    const oldFlags = link.flags;
    const oldGflags = link.gflags;
    const current = (link.flags & ~(IFF_PROMISC | IFF_ALLMULTI)) | (link.gflags & (IFF_PROMISC | IFF_ALLMULTI));
    const wanted = combineFlags(current, ifiFlags, ifiChange);
    link.flags = ((wanted & DIRECT_FLAGS) | (oldFlags & ~DIRECT_FLAGS)) >>> 0;
    if ((wanted ^ oldFlags) & IFF_UP) {
      if (wanted & IFF_UP) this.open(link);
      else this.close(link);
    }
    if ((wanted ^ link.gflags) & IFF_PROMISC) {
      link.gflags ^= IFF_PROMISC;
      this.adjustPromiscuity(link, wanted & IFF_PROMISC ? 1 : -1);
    }
    if ((wanted ^ link.gflags) & IFF_ALLMULTI) {
      link.gflags ^= IFF_ALLMULTI;
      this.adjustAllmulti(link, wanted & IFF_ALLMULTI ? 1 : -1);
    }
    return ((oldFlags ^ link.flags) | (oldGflags ^ link.gflags)) >>> 0;
  }

  adjustAllmulti(link: Link, inc: number): void {
    link.allmulti = Math.max(0, link.allmulti + inc);
    link.flags = link.allmulti > 0 ? link.flags | IFF_ALLMULTI : link.flags & ~IFF_ALLMULTI;
  }

  adjustPromiscuity(link: Link, inc: number): void {
    link.promiscuity = Math.max(0, link.promiscuity + inc);
    link.flags = link.promiscuity > 0 ? link.flags | IFF_PROMISC : link.flags & ~IFF_PROMISC;
  }

  private open(link: Link): void {
    link.flags |= IFF_UP;
    link.everUp = true;
    this.host.deviceOpen(link, true);
    this.recomputeCarrier(link, true);
    this.recomputePeer(link);
    this.recomputeDependents(link);
  }

  private close(link: Link): void {
    link.flags &= ~IFF_UP;
    this.host.deviceOpen(link, false);
    this.recomputeCarrier(link, true);
    this.recomputePeer(link);
    this.recomputeDependents(link);
  }

  /** The other end of a pair (veth), while it exists. */
  peerOf(link: Link): Link | undefined {
    return KINDS[link.kind].paired && link.link ? this.host.peer(link) : undefined;
  }

  /** A pair's carrier needs both ends: the peer follows too. */
  recomputePeer(link: Link): void {
    const peer = this.peerOf(link);
    if (!peer) return;
    if (link.linkNetns !== undefined) this.host.remotePeerChanged(link);
    else this.recomputeCarrier(peer, true);
  }

  /** What the carrier should be, from the kind's carrier source. */
  wantedCarrier(link: Link): boolean {
    const kind = KINDS[link.kind];
    switch (kind.carrier) {
      case 'always':
        return true;
      case 'admin':
        return link.adminCarrier;
      case 'peer': {
        const peer = link.link ? this.host.peer(link) : undefined;
        return !!(peer && link.flags & IFF_UP && peer.flags & IFF_UP && link.adminCarrier && peer.adminCarrier);
      }
      case 'ports': {
        // br_port_state_selection(): on while a port forwards; a bridge that never had ports keeps its carrier.
        if (!link.bridge?.carrierFollowsPorts) return link.adminCarrier;
        return (link.flags & IFF_UP) !== 0 && this.host.registry.portsOf(link.index).some((p) => p.flags & IFF_UP && p.carrier);
      }
      case 'parent': {
        const parent = link.link ? this.host.registry.byIndex(link.link) : undefined;
        return !!(parent && parent.carrier && parent.flags & IFF_UP);
      }
    }
  }

  /** netif_carrier_on/off(): updates the carrier and queues the device for linkwatch. */
  recomputeCarrier(link: Link, queue: boolean): void {
    const want = this.wantedCarrier(link);
    if (want === link.carrier) return;
    link.carrier = want;
    if (want) link.carrierUpCount++;
    else link.carrierDownCount++;
    if (queue) {
      if (!this.linkwatchQueue.includes(link)) this.linkwatchQueue.push(link);
    } else {
      link.operstate = this.defaultOperstate(link);
    }
  }

  /** Masters and stacked devices whose carrier depends on `link`. */
  private recomputeDependents(link: Link): void {
    if (link.master) {
      const master = this.host.registry.byIndex(link.master);
      if (master) this.recomputeCarrier(master, true);
    }
    for (const l of this.host.registry.stackedOn(link.index)) this.recomputeCarrier(l, true);
  }

  /** default_operstate() + rfc2863_policy() of net/core/link_watch.c. */
  defaultOperstate(link: Link): number {
    let state: number;
    if (!link.carrier) {
      const lower = link.link && link.link !== link.index ? this.host.registry.byIndex(link.link) : undefined;
      if (!lower) state = IF_OPER_DOWN;
      else state = lower.flags & IFF_UP && operUp(lower.operstate) ? IF_OPER_DOWN : IF_OPER_LOWERLAYERDOWN;
    } else {
      state = IF_OPER_UP;
    }
    if (state === IF_OPER_UP && link.linkmode === IF_LINK_MODE_DORMANT) state = IF_OPER_DORMANT;
    if (state === IF_OPER_UP && link.linkmode === IF_LINK_MODE_TESTING) state = IF_OPER_TESTING;
    return state;
  }

  /**
   * linkwatch_do_dev() for every device whose carrier changed: recompute operstate and send
   * NEWLINK (change 0) for devices that are up. Runs synchronously after each change, so the
   * model is settled whenever a request completes.
   */
  runLinkwatch(): void {
    while (this.linkwatchQueue.length > 0) {
      const link = this.linkwatchQueue.shift()!;
      if (!this.host.registry.byIndex(link.index)) continue;
      link.operstate = this.defaultOperstate(link);
      if (link.flags & IFF_UP) {
        // netdev_state_change(): notifiers (the bridge's carrier check, addrconf), then the NEWLINK.
        this.host.netdevEvent('change', link);
        this.host.notify(link);
      }
      this.host.netdevEvent('linkwatch', link);
      this.recomputeDependents(link);
    }
  }

  /** set_operstate(): RFC 2863 transitions a user may request. */
  applyOperstate(link: Link, requested: number): boolean {
    let next = link.operstate;
    if (requested === IF_OPER_UP) {
      if ([IF_OPER_DORMANT, IF_OPER_TESTING, IF_OPER_UNKNOWN].includes(link.operstate)) next = IF_OPER_UP;
    } else if (requested === IF_OPER_DORMANT || requested === IF_OPER_TESTING) {
      if (operUp(link.operstate)) next = requested;
    }
    if (next === link.operstate) return false;
    link.operstate = next;
    this.host.generation.linkChanged(link.index);
    return true;
  }
}
