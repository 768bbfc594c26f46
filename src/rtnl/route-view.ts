import { AF_INET, AF_INET6, RTN_ANYCAST, RTN_LOCAL, RTNH_F_DEAD, RTNH_F_LINKDOWN, RT_SCOPE_HOST } from '../../protocol/constants.js';
import { writeInet4FibEntry, writeRouteMessage, type RouteMessage, type RouteNexthopMessage } from '../../protocol/route-message.js';
import type { NlWriter } from '../../protocol/writer.js';
import { IFF_UP } from '../model/flags.js';
import { intToIpv4 } from '../model/routes/prefix.js';
import type { Nexthop, Route } from '../model/routes/route.js';
import type { NetworkModel } from '../model/store.js';

/**
 * A hop's reported flags: LINKDOWN while its device has no carrier (IPv6: as of its last change while up), DEAD (IPv4) while it is
 * down; host-scope IPv4 routes and IPv6 local/anycast routes never carry them (fib_sync_down_dev,
 * fib6_ifdown).
 */
function hopFlags(model: NetworkModel, r: Readonly<Route>, h: Nexthop): number {
  let flags = h.flags;
  const dev = h.ifindex ? model.byIndex(h.ifindex) : undefined;
  if (!dev) return flags;
  if (r.family === 'inet') {
    if (r.scope === RT_SCOPE_HOST) return flags;
    if (!(dev.flags & IFF_UP)) flags |= RTNH_F_DEAD | RTNH_F_LINKDOWN;
    else if (!dev.carrier) flags |= RTNH_F_LINKDOWN;
  } else if (r.type !== RTN_LOCAL && r.type !== RTN_ANYCAST && model.routes.inet6.carrierLost.has(h.ifindex)) {
    flags |= RTNH_F_LINKDOWN;
  }
  return flags;
}

function hopMessage(model: NetworkModel, r: Readonly<Route>, h: Nexthop): RouteNexthopMessage {
  return {
    ifindex: h.ifindex,
    flags: hopFlags(model, r, h),
    weight: h.weight,
    gateway: h.gateway4 !== undefined ? intToIpv4(h.gateway4) : r.family === 'inet6' ? h.gateway6 : undefined,
    via6: r.family === 'inet' ? h.gateway6 : undefined,
    flow: h.flow || undefined,
  };
}

/** Model ms until expiry → rta_expires in clock_t (1/100 s), as rt6_fill_node reports it. */
const expiresClock = (expires: number | undefined, now: number) => (expires === undefined ? 0 : Math.round((expires - now) / 10));

/** The RTM_NEWROUTE content of a model route (fib_dump_info / rt6_fill_node's view of it). */
export function routeMessage(model: NetworkModel, r: Readonly<Route>): RouteMessage {
  const nexthops = r.nexthops.map((h) => hopMessage(model, r, h));
  if (r.family === 'inet') {
    return {
      family: AF_INET, dstLen: r.dstLen, srcLen: 0, tos: r.tos, table: r.table, protocol: r.protocol, scope: r.scope,
      type: r.type, flags: 0, dst: intToIpv4(r.dst), priority: r.priority, metrics: r.metrics,
      prefsrc: r.prefsrc ? intToIpv4(r.prefsrc) : undefined, nexthops,
    };
  }
  return {
    family: AF_INET6, dstLen: r.dstLen, srcLen: r.srcLen, tos: 0, table: r.table, protocol: r.protocol, scope: 0,
    type: r.type, flags: 0, dst: r.dst, src: r.src, priority: r.priority, metrics: r.metrics, prefsrc: r.prefsrc, nexthops,
    expires: expiresClock(r.expires, model.clock.now()), pref: r.pref,
  };
}

/**
 * One route's RTM_NEWROUTE written to `w` (a dump entry): an IPv4 route with at most one nexthop —
 * nearly every route of a big table — straight from the model's numbers, without the
 * RouteMessage, its lists and a byte array per address that routeMessage() makes.
 */
export function writeRouteEntry(w: NlWriter, type: number, flags: number, seq: number, pid: number, model: NetworkModel, r: Readonly<Route>): void {
  if (r.family === 'inet' && r.nexthops.length <= 1) {
    const hop = r.nexthops.length ? r.nexthops[0] : undefined;
    writeInet4FibEntry(w, type, flags, seq, pid, r, hop, hop ? hopFlags(model, r, hop) : 0);
  } else {
    writeRouteMessage(w, type, flags, seq, pid, routeMessage(model, r));
  }
}
