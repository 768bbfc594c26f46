import {
  AF_INET, AF_INET6, AF_UNSPEC, NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST,
  RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE, RTN_UNICAST, RTPROT_BOOT,
} from '../../protocol/constants.js';
import { parseInet, parsePrefix } from '../../protocol/inet.js';
import { decodeRouteMessage } from '../../protocol/route-decode.js';
import type { RouteMessage } from '../../protocol/route-message.js';
import { writeRouteRequest, type RouteRequest } from '../../protocol/route-request.js';
import type { RtnlConnection } from './core.js';
import { Dump, type DumpState } from './dump.js';
import type { LinkRef, LinkService } from './links.js';

/** A route as RTM_NEWROUTE reports it (protocol/route-message.ts). */
export type Route = RouteMessage;

export interface RoutesFilter {
  /** One family; default both. */
  family?: 'inet' | 'inet6' | undefined;
}

/** What `ip route add|replace|append|del` takes. */
export interface RouteOptions {
  /** "10.0.0.0/24", "2001:db8::/64", or "default" (with `family`). */
  dst: string;
  family?: 'inet' | 'inet6' | undefined;
  via?: string | undefined;
  dev?: LinkRef | undefined;
  table?: number | undefined;
  metric?: number | undefined;
  /** RTN_* (default unicast). */
  type?: number | undefined;
  protocol?: number | undefined;
  scope?: number | undefined;
  src?: string | undefined;
}

/** The typed route API (RTM_*ROUTE) on a connection; devices are resolved by the link service. */
export class RouteService {
  constructor(private readonly core: RtnlConnection, private readonly links: LinkService) {}

  /** RTM_GETROUTE dump (`ip route show table all`): both families unless one is given. */
  routes(filter: RoutesFilter = {}): Dump<Route> {
    return new Dump((state) => this.dumpRoutes(filter, state));
  }

  private async *dumpRoutes(filter: RoutesFilter, state: DumpState): AsyncGenerator<Route> {
    const family = filter.family === 'inet' ? AF_INET : filter.family === 'inet6' ? AF_INET6 : AF_UNSPEC;
    for await (const m of this.core.dump((w, seq) => writeRouteRequest(w, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, seq, { family }), state)) {
      yield decodeRouteMessage(m);
    }
  }

  /** RTM_NEWROUTE with NLM_F_CREATE | NLM_F_EXCL (`ip route add`). */
  async addRoute(o: RouteOptions): Promise<void> {
    await this.change(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, o);
  }

  /** RTM_NEWROUTE with NLM_F_CREATE | NLM_F_REPLACE (`ip route replace`). */
  async replaceRoute(o: RouteOptions): Promise<void> {
    await this.change(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, o);
  }

  /** RTM_NEWROUTE with NLM_F_CREATE | NLM_F_APPEND (`ip route append`). */
  async appendRoute(o: RouteOptions): Promise<void> {
    await this.change(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, o);
  }

  /** RTM_DELROUTE (`ip route del`). */
  async deleteRoute(o: RouteOptions): Promise<void> {
    await this.change(RTM_DELROUTE, 0, o);
  }

  /** RTM_GETROUTE for one address (`ip route get`): the route the lookup chose. */
  async lookupRoute(address: string): Promise<Route> {
    const a = parseInet(address);
    if (!a) throw new TypeError(`invalid address "${address}"`);
    const req: RouteRequest = { family: a.family, dstLen: a.family === AF_INET ? 32 : 128, dst: a.bytes };
    return decodeRouteMessage(await this.core.doit((w, seq) => writeRouteRequest(w, RTM_GETROUTE, NLM_F_REQUEST, seq, req)));
  }

  /**
   * Sends the change and waits for its ACK. A route without `dev` is built and sent within the
   * call (no await before the write), so that routes added together leave in one write.
   */
  private async change(type: number, flags: number, o: RouteOptions): Promise<void> {
    const forDelete = type === RTM_DELROUTE;
    // Bad input is refused before the device is looked up.
    let req = this.request(o, forDelete, undefined);
    if (o.dev !== undefined) req = this.request(o, forDelete, await this.links.indexOf(o.dev));
    await this.core.ack((w, seq) => writeRouteRequest(w, type, NLM_F_REQUEST | flags, seq, req));
  }

  /** The request `ip route add|del` would send for `o` (`oif`: its `dev`, resolved). */
  private request(o: RouteOptions, forDelete: boolean, oif: number | undefined): RouteRequest {
    const dst = o.dst === 'default' ? undefined : parsePrefix(o.dst);
    if (o.dst !== 'default' && !dst) throw new TypeError(`invalid prefix "${o.dst}"`);
    const via = o.via !== undefined ? parseInet(o.via) : undefined;
    if (o.via !== undefined && !via) throw new TypeError(`invalid gateway "${o.via}"`);
    const family = dst?.family ?? via?.family ?? (o.family === 'inet6' ? AF_INET6 : AF_INET);
    const src = o.src !== undefined ? parseInet(o.src) : undefined;
    const type = o.type ?? RTN_UNICAST;
    return {
      family, dstLen: dst?.prefixlen ?? 0, dst: dst?.bytes, gateway: via?.bytes, oif, table: o.table, priority: o.metric,
      prefsrc: src?.bytes, type: forDelete ? (o.type ?? 0) : type, protocol: forDelete ? (o.protocol ?? 0) : (o.protocol ?? RTPROT_BOOT),
      // iproute2: a device route without a gateway is scope link; deletes match any scope.
      scope: o.scope ?? (forDelete ? RT_SCOPE_NOWHERE : type === RTN_UNICAST && !via && oif ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE),
    };
  }
}
