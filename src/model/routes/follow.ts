import { IFAPROT_KERNEL_LO, IFA_F_TENTATIVE, type Inet6Address } from '../addresses.js';
import { isRouteEvent, type ModelEvent } from '../events.js';
import { IFF_LOOPBACK, IFF_UP, operUp } from '../flags.js';
import { CHAIN_PRIORITY, type InetaddrEvent, type NetdevEvent } from '../notifier.js';
import type { Link } from '../types.js';
import type { RouteHost } from './host.js';
import type { Inet4Routes } from './inet4.js';
import type { Inet6Routes } from './inet6.js';

/**
 * How the route tables follow links and addresses, as the kernel's notifier blocks do:
 * fib_netdev_event / fib_inetaddr_event for IPv4 (after the address table, CHAIN_PRIORITY.routes)
 * and addrconf's route work for IPv6. addrconf_ifdown() removes a device's IPv6 routes before its
 * addresses, so that part runs just ahead of the address table.
 */
export function followLinksAndAddresses(host: RouteHost, inet: Inet4Routes, inet6: Inet6Routes): { rebuild(): void } {
  /** Devices IPv6 is configured on (addrconf_link_ready: up, running, IPv6 on; not lo). */
  const ready = new Set<number>();
  /** IPv6 addresses that have their prefix route / their local route. */
  const prefixed = new WeakSet<Inet6Address>();
  const localed = new WeakSet<Inet6Address>();

  const linkReady = (l: Readonly<Link>) => (l.flags & IFF_UP) !== 0 && l.inet6 && operUp(l.operstate) && !(l.flags & IFF_LOOPBACK);

  const prefixRoute = (a: Inet6Address, link: Readonly<Link>) => {
    // init_loopback() adds ::1 without a prefix route.
    if (prefixed.has(a) || !(link.flags & IFF_UP) || a.proto === IFAPROT_KERNEL_LO) return;
    prefixed.add(a);
    inet6.prefixRoute(a);
  };

  const checkReady = (link: Readonly<Link>) => {
    if (linkReady(link) && !ready.has(link.index)) {
      ready.add(link.index);
      inet6.linkReady(link.index);
    }
  };

  // addrconf_ifdown(): routes through the device first (each announced), then its addresses.
  host.netdevChain.register((e: NetdevEvent) => {
    const gone = e.type === 'down' || e.type === 'unregister' || (e.type === 'changemtu' && !e.link.inet6);
    if (gone && (ready.delete(e.link.index) || e.type !== 'changemtu')) inet6.linkDown(e.link.index);
  }, CHAIN_PRIORITY.addresses + 1);

  host.netdevChain.register((e: NetdevEvent) => {
    if (e.type === 'unregister') inet6.carrierLost.delete(e.link.index);
    else if (e.type !== 'down' && e.link.flags & IFF_UP) {
      if (e.link.carrier) inet6.carrierLost.delete(e.link.index);
      else inet6.carrierLost.add(e.link.index);
    }
    switch (e.type) {
      case 'up':
        inet.linkUp(e.link.index);
        for (const a of host.addresses(e.link.index, 'inet6') as Inet6Address[]) prefixRoute(a, e.link);
        checkReady(e.link);
        break;
      case 'change':
      case 'linkwatch':
        checkReady(e.link);
        break;
      case 'down':
        inet.linkDown(e.link.index, false);
        break;
      case 'unregister':
        inet.linkDown(e.link.index, true);
        break;
      default:
        break;
    }
  }, CHAIN_PRIORITY.routes);

  host.inetaddrChain.register((e: InetaddrEvent) => {
    const a = e.addr;
    if (e.type === 'modify') {
      if (a.family === 'inet') inet.modifyPrefixMetric(a, e.oldMetric ?? 0);
      else if (e.link.flags & IFF_UP) inet6.modifyPrefixRoute(a, e.hadPrefixRoute ?? false);
    } else if (e.type === 'promote') {
      if (a.family === 'inet' && e.stage === 'withdraw') inet.addressRemoved(a, false);
      else if (a.family === 'inet') inet.addressAdded(a);
    } else if (a.family === 'inet') {
      if (e.type === 'up') inet.addressAdded(a);
      else inet.addressRemoved(a, false);
    } else if (e.type === 'up') {
      prefixRoute(a, e.link); // addrconf_prefix_route() before the address is announced
    } else {
      inet6.addressRemoved(a);
    }
  }, CHAIN_PRIORITY.routes);

  // __ipv6_ifa_notify(): an IPv6 address's local route follows the RTM_NEWADDR that says it is
  // valid. No chain event marks that moment, so this listens to the model's announcements and,
  // to run after the Notifier whatever the order of attachment, moves itself to the end of the
  // listener list whenever something else is announced.
  const afterNewaddr = (e: ModelEvent) => {
    if (e.type !== 'newaddr' || e.addr.family !== 'inet6' || e.addr.flags & IFA_F_TENTATIVE || localed.has(e.addr)) return;
    localed.add(e.addr);
    inet6.localRoute(e.addr);
  };
  let detach = () => {};
  host.onEvent((e) => {
    if (isRouteEvent(e)) return;
    detach();
    detach = host.onEvent(afterNewaddr);
  });
  detach = host.onEvent(afterNewaddr);

  return {
    /** The kernel's own routes for the links and addresses there are now (after a restore). */
    rebuild(): void {
      ready.clear();
      inet6.carrierLost.clear();
      for (const link of host.links()) if (link.flags & IFF_UP && !link.carrier) inet6.carrierLost.add(link.index);
      for (const link of host.links()) {
        for (const a of host.addresses(link.index, 'inet')) if (a.family === 'inet') inet.addressAdded(a);
        checkReady(link);
        for (const a of host.addresses(link.index, 'inet6') as Inet6Address[]) {
          prefixRoute(a, link);
          if (!(a.flags & IFA_F_TENTATIVE)) {
            localed.add(a);
            inet6.localRoute(a);
          }
        }
      }
    },
  };
}
