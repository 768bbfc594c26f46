import type { Inet4Address, Inet6Address } from '../addresses.js';
import type { ModelEvent } from '../events.js';
import { IFF_LOOPBACK, IFF_UP, operUp } from '../flags.js';
import type { NetworkModel } from '../store.js';
import type { Link } from '../types.js';
import { Routes } from './routes.js';

// The one place where the route tables hook into the link and address model. Until the model
// announces kernel-style event chains (netdevice notifier, inetaddr chain), this adapter derives
// those events (NETDEV_UP/DOWN/UNREGISTER, address add/remove) from the model's notifications.
//
// Order matters because Linux interleaves route and address notifications: IPv6 announces an
// address's prefix route before its NEWADDR, everything else follows the NEWADDR/NEWLINK that
// caused it. The adapter therefore listens twice: `before` (subscribed first) and `after`, which
// it re-subscribes on every event so that it always runs behind listeners attached later (the
// Notifier).

const attached = new WeakMap<NetworkModel, Routes>();

const IFA_F_TENTATIVE = 0x40;

/** The route tables of a model, created (and following the model) on first use. */
export function routesOf(model: NetworkModel): Routes {
  let routes = attached.get(model);
  if (!routes) {
    routes = attach(model);
    attached.set(model, routes);
  }
  return routes;
}

interface DeviceState {
  up: boolean;
  /** addrconf_link_ready(): up with carrier, IPv6 on. */
  ready: boolean;
}

function attach(model: NetworkModel): Routes {
  const routes = new Routes({
    link: (i) => model.byIndex(i),
    addresses: (i, family) => model.addresses.list(i, family),
    links: () => model.iterate(),
    now: () => model.clock.now(),
  }, () => {
    model.changeCount++;
    model.version++;
  });
  const devices = new Map<number, DeviceState>();
  /** IPv4 addresses whose routes exist; IPv6 addresses with a prefix route / a local route. */
  const known4 = new WeakSet<Inet4Address>();
  const prefixed6 = new WeakSet<Inet6Address>();
  const local6 = new WeakSet<Inet6Address>();

  const ready = (l: Readonly<Link>) => (l.flags & IFF_UP) !== 0 && l.inet6 && operUp(l.operstate) && !(l.flags & IFF_LOOPBACK);

  const addressAdded6 = (a: Inet6Address, link: Readonly<Link>) => {
    if (!prefixed6.has(a) && link.flags & IFF_UP) {
      prefixed6.add(a);
      routes.inet6.prefixRoute(a);
    }
    if (!local6.has(a) && !(a.flags & IFA_F_TENTATIVE)) {
      local6.add(a);
      routes.inet6.localRoute(a);
    }
  };

  const linkChanged = (link: Readonly<Link>) => {
    const was = devices.get(link.index) ?? { up: false, ready: false };
    const up = (link.flags & IFF_UP) !== 0;
    const now: DeviceState = { up, ready: ready(link) };
    devices.set(link.index, now);
    if (up && !was.up) {
      routes.inet.linkUp(link.index);
      for (const a of model.addresses.list(link.index, 'inet6') as Inet6Address[]) addressAdded6(a, link);
    }
    if (!up && was.up) {
      routes.inet.linkDown(link.index, false);
      routes.inet6.linkDown(link.index);
    }
    if (now.ready && !was.ready) routes.inet6.linkReady(link.index);
  };

  const before = (e: ModelEvent) => {
    offAfter();
    offAfter = model.onEvent(after);
    // addrconf: an address's prefix route is announced before the address.
    if (e.type === 'newaddr' && e.addr.family === 'inet6' && !prefixed6.has(e.addr) && e.link.flags & IFF_UP) {
      prefixed6.add(e.addr);
      routes.inet6.prefixRoute(e.addr);
    }
  };

  const after = (e: ModelEvent) => {
    switch (e.type) {
      case 'newlink':
        linkChanged(e.link);
        break;
      case 'dellink':
        // NETDEV_UNREGISTER: whatever still uses the device goes (fib_disable_ip with force).
        routes.inet.linkDown(e.link.index, true);
        routes.inet6.linkDown(e.link.index);
        devices.delete(e.link.index);
        break;
      case 'newaddr':
        if (e.addr.family === 'inet') {
          if (!known4.has(e.addr)) {
            known4.add(e.addr);
            routes.inet.addressAdded(e.addr);
          }
        } else {
          addressAdded6(e.addr, e.link);
        }
        break;
      case 'deladdr':
        if (e.addr.family === 'inet') {
          known4.delete(e.addr);
          routes.inet.addressRemoved(e.addr, false);
        } else {
          routes.inet6.addressRemoved(e.addr);
        }
        break;
      default:
        break;
    }
  };

  model.onEvent(before);
  let offAfter = model.onEvent(after);
  // Attached to a model that already has state: catch up, as if each link had just come up.
  for (const link of model.iterate()) {
    devices.set(link.index, { up: (link.flags & IFF_UP) !== 0, ready: ready(link) });
    if (ready(link)) routes.inet6.linkReady(link.index);
    for (const a of model.addresses.list(link.index, 'inet') as Inet4Address[]) {
      known4.add(a);
      routes.inet.addressAdded(a);
    }
    for (const a of model.addresses.list(link.index, 'inet6') as Inet6Address[]) addressAdded6(a, link);
  }
  return routes;
}
