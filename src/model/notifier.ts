// Notifier chains, as include/linux/notifier.h: a table that depends on another subscribes to
// its chain instead of being called by name. The link registry announces netdevice events
// (register_netdevice_notifier), the address table announces inetaddr/inet6addr events.
import type { InetAddress } from './addresses.js';
import type { Link } from './types.js';

/**
 * One chain. Subscribers run synchronously, highest priority first; equal priorities in the
 * order they registered (notifier_chain_register). A subscriber must not throw: chain events
 * report what already happened, as the kernel's NOTIFY_DONE callbacks do.
 */
export class NotifierChain<E> {
  private blocks: Array<{ priority: number; call: (event: E) => void }> = [];

  /** Adds a subscriber; returns the function that removes it (notifier_chain_unregister). */
  register(call: (event: E) => void, priority = 0): () => void {
    const block = { priority, call };
    const at = this.blocks.findIndex((b) => b.priority < priority);
    // Copy on write: a subscriber that (un)registers during a call does not disturb that call.
    this.blocks = at < 0 ? [...this.blocks, block] : [...this.blocks.slice(0, at), block, ...this.blocks.slice(at)];
    return () => {
      this.blocks = this.blocks.filter((b) => b !== block);
    };
  }

  /** notifier_call_chain(): every subscriber, in order. */
  call(event: E): void {
    for (const b of this.blocks) b.call(event);
  }
}

/**
 * NETDEV_* events of the link registry (include/linux/netdevice.h), each delivered where Linux
 * calls its notifiers relative to the RTM_NEWLINK/RTM_DELLINK the model announces:
 * - register: the device is in the registry, before its creation RTM_NEWLINK (register_netdevice);
 * - up / down: after the RTM_NEWLINK of the flag change (__dev_notify_flags), down also when a
 *   device is closed for deletion (dev_close_many);
 * - change: linkwatch found an up device's carrier or operstate changed, before its RTM_NEWLINK
 *   (netdev_state_change);
 * - linkwatch: after linkwatch_do_dev() settled a device (up or not): the work Linux defers to
 *   workqueues after NETDEV_CHANGE (addrconf's DAD) runs here;
 * - changemtu / changename / changeaddr: after the RTM_NEWLINK (rtnetlink_event is the first
 *   notifier on these in Linux);
 * - unregister: the device has left the registry, before its RTM_DELLINK.
 */
export type NetdevEventType =
  | 'register' | 'up' | 'down' | 'change' | 'linkwatch' | 'changemtu' | 'changename' | 'changeaddr' | 'unregister'
  /** NETDEV_CHANGEUPPER: the device joined (`master` = its new master) or left (`master` = the old one) a bridge. */
  | 'changeupper';

export interface NetdevEvent {
  type: NetdevEventType;
  link: Readonly<Link>;
  /** changeupper: the master joined or left. */
  master?: Readonly<Link> | undefined;
}

/**
 * inetaddr_chain / inet6addr_chain events of the address table: `up` when an address enters a
 * device's list (an IPv4 address after its RTM_NEWADDR, also when promoted from secondary; an
 * IPv6 one when ipv6_add_addr() links it, still tentative), `down` after its RTM_DELADDR.
 * `modify`: a replace changed an address in place. Linux has no chain event for it: the address
 * code calls the route code directly (fib_modify_prefix_metric() for IPv4, before the RTM_NEWADDR,
 * only when the metric changes; modify_prefix_route() for IPv6, after it, on every modify); here
 * the route table follows this event instead.
 * `promote`: __inet_del_ifa() with promote_secondaries, for each secondary of the deleted
 * primary's subnet: `withdraw` while the old primary is still listed, before its RTM_DELADDR
 * (fib_del_ifaddr(ifa, ifa1): their routes carry the old primary as source), `restore` after the
 * promoted address is announced (fib_add_ifaddr), for the secondaries after it. Called directly in
 * Linux too.
 */
export interface InetaddrEvent {
  type: 'up' | 'down' | 'modify' | 'promote';
  /** promote: which half. */
  stage?: 'withdraw' | 'restore';
  addr: Readonly<InetAddress>;
  link: Readonly<Link>;
  /** modify: the address's IFA_RT_PRIORITY before the change. */
  oldMetric?: number;
  /** modify, IPv6: the address had a prefix route before (permanent, without NOPREFIXROUTE). */
  hadPrefixRoute?: boolean;
}

/**
 * Priorities of the model's tables on the chains (notifier_block.priority): a table that reads
 * another's state runs after it. The bridge first (its AF_BRIDGE port announcements precede
 * addrconf's work), then addresses (devinet/addrconf), then the tables that follow addresses
 * (routes: fib_netdev_event after inetdev_event), then neighbours.
 */
export const CHAIN_PRIORITY = { bridge: 30, addresses: 20, routes: 10, neighbours: 0 } as const;

/**
 * A packet the kernel sent by itself to a multicast group on `link`: MLDv2 reports (to ff02::16),
 * DAD's neighbour solicitation (to the target's solicited-node group), router solicitations (to
 * ff02::2) and IGMPv3 reports (to 224.0.0.22). Linux has no chain for these: ip_finish_output2() /
 * ip6_finish_output2() create the group's neighbour entry on the way out. Here the senders announce
 * them and the neighbour tables subscribe (src/model/neighbours/own-entries.ts).
 */
export interface McastSendEvent {
  link: Readonly<Link>;
  family: 'inet' | 'inet6';
  /** The destination group, 4 or 16 bytes. */
  group: Uint8Array;
  /** Which protocol sent it. */
  why: 'mld' | 'dad' | 'rs' | 'igmp';
}
