import type { McastSendEvent, NotifierChain } from '../notifier.js';
import type { Neighbours } from './neighbours.js';

/**
 * The entries the kernel's own multicast traffic leaves in the tables (linux-netns-neigh.md §4.3):
 * a packet to a group is sent through the group's neighbour entry, created on the way out
 * (ip_finish_output2 / ip6_finish_output2 → __neigh_create) as a NOARP entry of type MULTICAST
 * with the group's mapped MAC. Created silently, like any entry neigh_create() makes without an
 * update; their removal (flushes) is announced like any other. A packet to a group that already
 * has an entry (the user's, or an earlier packet's) changes nothing.
 */
export function followMulticastSends(chain: NotifierChain<McastSendEvent>, neighbours: Neighbours): void {
  chain.register((e: McastSendEvent) => neighbours.output(e.family, e.link.index, e.group));
}
