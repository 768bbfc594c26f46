/** How a bridge FDB entry came to be (BR_FDB_LOCAL / BR_FDB_STATIC / learned), as ndm_state shows it. */
export type FdbState = 'permanent' | 'static' | 'dynamic';

/**
 * One forwarding entry (struct net_bridge_fdb_entry): a MAC (and VLAN) on a port of `bridge`, or
 * on the bridge itself (`port` 0). Times are model milliseconds.
 */
export interface FdbEntry {
  bridge: number;
  /** The port's ifindex, or 0 for an entry pointing at the bridge. */
  port: number;
  mac: Uint8Array;
  vid: number;
  state: FdbState;
  /** BR_FDB_ADDED_BY_USER. */
  user: boolean;
  extLearned: boolean;
  sticky: boolean;
  updated: number;
  used: number;
}

/** An entry of a device's own unicast address list (ndo_dflt_fdb_add: `bridge fdb add ... self`). */
export interface SelfEntry {
  ifindex: number;
  mac: Uint8Array;
  /** The ndm_state a request named (its notification repeats it); stored entries are permanent. */
  state?: number | undefined;
}
