import type { InetAddress } from './addresses.js';
import type { Neighbour } from './neighbours/neighbour.js';
import type { Route } from './routes/route.js';
import type { Link } from './types.js';
import type { FibRule } from './rules/rule.js';
import type { FdbEntry, SelfEntry } from './fdb/entry.js';

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
  | { type: 'newroute' | 'delroute'; route: Readonly<Route>; nlflags: number; cause?: Cause | undefined }
  /** A FIB rule was added (RTM_NEWRULE) or deleted (RTM_DELRULE). */
  | { type: 'newrule' | 'delrule'; rule: Readonly<FibRule>; cause?: Cause | undefined }
  /** A bridge FDB entry (`entry`) or a device's own list entry (`self`) appeared, changed or went (AF_BRIDGE RTM_NEWNEIGH/DELNEIGH). */
  | { type: 'newfdb' | 'delfdb'; entry?: Readonly<FdbEntry> | undefined; self?: Readonly<SelfEntry> | undefined }
  /**
   * A neighbour entry was created or changed (RTM_NEWNEIGH) or removed (RTM_DELNEIGH), as the
   * message shows it now. `refcnt` is what nda_cacheinfo reports; `cause` names the requester
   * (its portid goes out with seq 0); none for timers and flushes.
   */
  | { type: 'newneigh' | 'delneigh'; neigh: Readonly<Neighbour>; refcnt: number; cause?: Cause | undefined };

/** Where a device went when it left its namespace (IFLA_NEW_NETNSID / IFLA_NEW_IFINDEX of its RTM_DELLINK). */
export interface MovedTo {
  /** The destination's name. */
  netns: string;
  ifindex: number;
}

export type ModelListener = (event: ModelEvent) => void;

export type RouteEvent = Extract<ModelEvent, { type: 'newroute' | 'delroute' }>;

export const isRouteEvent = (e: ModelEvent): e is RouteEvent => e.type === 'newroute' || e.type === 'delroute';

export type RuleEvent = Extract<ModelEvent, { type: 'newrule' | 'delrule' }>;

export type FdbEvent = Extract<ModelEvent, { type: 'newfdb' | 'delfdb' }>;

export const isFdbEvent = (e: ModelEvent): e is FdbEvent => e.type === 'newfdb' || e.type === 'delfdb';
export const isRuleEvent = (e: ModelEvent): e is RuleEvent => e.type === 'newrule' || e.type === 'delrule';

export type NeighEvent = Extract<ModelEvent, { type: 'newneigh' | 'delneigh' }>;

export const isNeighEvent = (e: ModelEvent): e is NeighEvent => e.type === 'newneigh' || e.type === 'delneigh';
