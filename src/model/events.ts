import type { InetAddress } from './addresses.js';
import type { Route } from './routes/route.js';
import type { Link } from './types.js';

/** Who asked for a change: lets notifications carry the requester's port id and seq (NLM_F_ECHO rules). */
export interface Cause {
  portid: number;
  seq: number;
  echo: boolean;
}

/**
 * A change of the model, emitted synchronously in the order Linux sends its notifications.
 * `change` is ifi_change: 0xffffffff on create/delete, the changed flag bits otherwise.
 */
export type ModelEvent =
  | { type: 'newlink'; link: Readonly<Link>; change: number; cause?: Cause | undefined; event?: number }
  | { type: 'dellink'; link: Readonly<Link>; cause?: Cause | undefined; moved?: MovedTo | undefined }
  /** A bridge port's AF_BRIDGE state was announced (added/changed) or withdrawn (br_ifinfo_notify). */
  | { type: 'bridgeport'; action: 'new' | 'del'; link: Readonly<Link> }
  /** An IPv4/IPv6 address of `link` was added or changed (RTM_NEWADDR) or removed (RTM_DELADDR). */
  | { type: 'newaddr' | 'deladdr'; link: Readonly<Link>; addr: Readonly<InetAddress>; cause?: Cause | undefined }
  /**
   * A route was added or replaced (RTM_NEWROUTE) or removed (RTM_DELROUTE). `nlflags` are the
   * notification's nlmsg_flags; `route` is the route as that message shows it (an IPv6 ECMP
   * route's hops in the message's order). No `cause` for the kernel's own changes.
   */
  | { type: 'newroute' | 'delroute'; route: Readonly<Route>; nlflags: number; cause?: Cause | undefined };

/** Where a device went when it left its namespace (IFLA_NEW_NETNSID / IFLA_NEW_IFINDEX of its RTM_DELLINK). */
export interface MovedTo {
  /** The destination's name. */
  netns: string;
  ifindex: number;
}

export type ModelListener = (event: ModelEvent) => void;

export type RouteEvent = Extract<ModelEvent, { type: 'newroute' | 'delroute' }>;

export const isRouteEvent = (e: ModelEvent): e is RouteEvent => e.type === 'newroute' || e.type === 'delroute';
