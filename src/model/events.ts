import type { InetAddress } from './addresses.js';
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
  | { type: 'dellink'; link: Readonly<Link>; cause?: Cause | undefined }
  /** A bridge port's AF_BRIDGE state was announced (added/changed) or withdrawn (br_ifinfo_notify). */
  | { type: 'bridgeport'; action: 'new' | 'del'; link: Readonly<Link> }
  /** An IPv4/IPv6 address of `link` was added or changed (RTM_NEWADDR) or removed (RTM_DELADDR). */
  | { type: 'newaddr' | 'deladdr'; link: Readonly<Link>; addr: Readonly<InetAddress>; cause?: Cause | undefined };

export type ModelListener = (event: ModelEvent) => void;
