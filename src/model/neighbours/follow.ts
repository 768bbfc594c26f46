import { CHAIN_PRIORITY, type InetaddrEvent, type NetdevEvent } from '../notifier.js';
import type { NeighHost, Neighbours } from './neighbours.js';

const FAMILIES = ['inet', 'inet6'] as const;

/**
 * What flushes neighbours (linux-netns-neigh.md §4.7), as the kernel's notifier blocks do it:
 * - admin down, deletion: neigh_ifdown() of both tables (fib_disable_ip → arp_ifdown,
 *   ndisc_netdev_event), everything including proxies;
 * - carrier loss (NETDEV_CHANGE without carrier): neigh_carrier_down(), keeping PERMANENT and
 *   EXT_VALIDATED entries and proxies added permanent;
 * - MAC change (NETDEV_CHANGEADDR): neigh_changeaddr(), every entry, no proxies;
 * - the device's last IPv4 address removed (fib_inetaddr_event → fib_disable_ip): the IPv4
 *   table and IPv4 proxies;
 * - an MTU that takes IPv6 (below 1280) or IPv4 (below 68) away: that family's table and proxies,
 *   permanent entries too (addrconf_ifdown → rt6_disable_ip, inetdev_destroy → arp_ifdown).
 * The device-closing flush announces its RTM_DELNEIGHs before addrconf's route and address
 * work (arp/ndisc register before addrconf), so that subscriber runs just ahead of the
 * address table; the rest sits in the neighbours' own slot.
 */
export function followLinksAndAddresses(host: NeighHost, neighbours: Neighbours): void {
  const all = { keepPermanent: false, proxies: true };
  host.netdevChain.register((e: NetdevEvent) => {
    if (e.type === 'down' || e.type === 'unregister') {
      for (const f of FAMILIES) neighbours.flushDevice(f, e.link.index, all);
    } else if (e.type === 'changemtu' && !e.link.inet6) {
      // addrconf_ifdown() → rt6_disable_ip() → neigh_ifdown(&nd_tbl): an MTU below 1280 takes IPv6 away.
      neighbours.flushDevice('inet6', e.link.index, all);
    }
  }, CHAIN_PRIORITY.addresses + 2);

  host.netdevChain.register((e: NetdevEvent) => {
    if (e.type === 'change' && !e.link.carrier) {
      for (const f of FAMILIES) neighbours.flushDevice(f, e.link.index, { keepPermanent: true, proxies: true });
    } else if (e.type === 'changemtu' && !e.link.inet) {
      // inetdev_destroy() → arp_ifdown(): an MTU below 68 takes IPv4 away (after its addresses).
      neighbours.flushDevice('inet', e.link.index, all);
    } else if (e.type === 'changeaddr') {
      for (const f of FAMILIES) neighbours.flushDevice(f, e.link.index, { keepPermanent: false, proxies: false });
    }
  }, CHAIN_PRIORITY.neighbours);

  host.inetaddrChain.register((e: InetaddrEvent) => {
    if (e.type === 'down' && e.addr.family === 'inet' && host.addresses(e.link.index, 'inet').length === 0) {
      neighbours.flushDevice('inet', e.link.index, all);
    }
  }, CHAIN_PRIORITY.neighbours);
}
