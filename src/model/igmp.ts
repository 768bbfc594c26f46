// IGMPv3 reports a device sends by itself (net/ipv4/igmp.c: ip_mc_up → igmp_group_added → igmp_ifc_event).
import { CHAIN_PRIORITY, type McastSendEvent, type NetdevEvent, type NotifierChain } from './notifier.js';
import type { KindName } from './types.js';

/**
 * The IPv4 groups a device of each kind has joined when it opens, besides all-hosts (224.0.0.1,
 * never reported): a bridge's multicast snooping joins all-snoopers (br_multicast_open →
 * br_ip4_multicast_join_snoopers); rtnld's bridges always snoop (IFLA_BR_MCAST_SNOOPING reads 1).
 */
const GROUPS_AT_OPEN: Partial<Readonly<Record<KindName, readonly string[]>>> = { bridge: ['224.0.0.106'] };

/** 224.0.0.22, where IGMPv3 reports go. */
const IGMPV3_ALL_ROUTERS = Uint8Array.of(224, 0, 0, 22);

/**
 * NETDEV_UP: a device with IPv4 (an in_device) and joined groups reports them at once, carrier
 * or not (Probe: a bridge whose only port is down gets its 224.0.0.22 entry when it comes up).
 * The retransmissions of the report (robustness 2, within 1 s) add nothing a model can see.
 */
export function followIgmpReports(netdevChain: NotifierChain<NetdevEvent>, mcastChain: NotifierChain<McastSendEvent>): void {
  netdevChain.register((e: NetdevEvent) => {
    if (e.type !== 'up' || !e.link.inet || !GROUPS_AT_OPEN[e.link.kind]?.length) return;
    mcastChain.call({ link: e.link, family: 'inet', group: IGMPV3_ALL_ROUTERS, why: 'igmp' });
  }, CHAIN_PRIORITY.addresses);
}
