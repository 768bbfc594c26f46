// The link model's data. Values only: no wire bytes, no attribute numbers.

import type { MacvlanModeName } from '../../protocol/constants.js';
import type { LinkStats } from './stats.js';

export type KindName = 'lo' | 'dummy' | 'veth' | 'bridge' | 'vlan' | 'macvlan' | 'ifb';

export type MacvlanMode = MacvlanModeName;

export interface VlanOptions {
  id: number;
  /** 0x8100 (802.1Q) or 0x88a8 (802.1ad). */
  protocol: number;
  flags: number;
}

export interface BridgeOptions {
  /** The bridge's MTU was set by the user, so it no longer follows its ports (BROPT_MTU_SET_BY_USER). */
  mtuSetByUser: boolean;
  /**
   * The carrier follows the ports (br_port_state_selection). True once the bridge had a port or
   * its MAC was set (br_stp_change_bridge_id); before that a new bridge keeps its carrier on.
   */
  carrierFollowsPorts: boolean;
  /** The MAC was set by the user (NET_ADDR_SET), so it no longer follows the ports. */
  macSetByUser: boolean;
  /** IFLA_TSO_MAX_SIZE: 65536 until ports join, then the smallest port limit (kept after they leave). */
  tsoMaxSize: number;
}

export interface Link {
  index: number;
  name: string;
  altnames: string[];
  kind: KindName;
  /** dev->flags as the user set them (UP, MULTICAST, NOARP, ...); PROMISC/ALLMULTI live in gflags. */
  flags: number;
  /** User-requested PROMISC / ALLMULTI (dev->gflags). */
  gflags: number;
  promiscuity: number;
  allmulti: number;
  mtu: number;
  txqlen: number;
  group: number;
  alias: string;
  address: Uint8Array;
  broadcast: Uint8Array;
  /** dev->operstate as linkwatch last computed it (reported only while UP). */
  operstate: number;
  linkmode: number;
  carrier: boolean;
  /** The cable as a test rig set it (IFLA_CARRIER); the kind's carrier source applies on top. */
  adminCarrier: boolean;
  carrierUpCount: number;
  carrierDownCount: number;
  /** The device has been up at least once, so its qdisc is "noqueue" rather than "noop". */
  everUp: boolean;
  master: number;
  /** Port number on its bridge (IFLA_BRPORT_NO), 0 when not a bridge port. */
  bridgePort?: number;
  /** The bridge port is forwarding (STP off: up, carrier, operationally up, bridge up). */
  bridgePortForwarding?: boolean;
  /** iflink: the veth peer, or the parent of a vlan/macvlan; 0 when none. */
  link: number;
  /** The namespace (by name) where `link` lives when it is not this device's own (a veth peer elsewhere). */
  linkNetns?: string | undefined;
  numTxQueues: number;
  numRxQueues: number;
  vlan?: VlanOptions;
  macvlanMode?: MacvlanMode;
  bridge?: BridgeOptions;
  /** IPv4 / IPv6 are configured (Linux destroys them when the MTU drops below 68 / 1280). */
  inet: boolean;
  inet6: boolean;
  /** Time of creation in ms since the model started (for IPv6 cacheinfo tstamp). */
  createdAt: number;
  /** Interface counters a test rig set (IFLA_STATS64/IFLA_STATS); absent means all zero. */
  stats?: LinkStats;
}

/** Read-only view handed to callers outside the model. */
export type LinkView = Readonly<Link>;
