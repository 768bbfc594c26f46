import { TypedAttrsTemplate, type TypedAttr } from '../../protocol/typed-attrs.js';
import type { Link } from '../model/types.js';

// IFLA_INFO_DATA of a bridge and IFLA_INFO_SLAVE_DATA of its ports (net/bridge/br_netlink.c:
// br_fill_info, br_port_fill_attrs), in the order and sizes a Linux 6.18 kernel emits them
// (test/fixtures/kernel/bridge-attributes.md). rtnld models no STP, multicast snooping or FDB,
// so those values are the kernel's defaults and its timers read 0.

/**
 * struct ifla_bridge_id: big-endian priority 0x8000, then the bridge id's MAC. Only
 * br_stp_change_bridge_id() sets that MAC (a port joined or left, or an address was given), the
 * same moment the carrier starts following the ports; a new bridge's id is 8000.000000000000
 * whatever its random MAC.
 */
function bridgeId(bridge: Readonly<Link>): Uint8Array {
  const id = new Uint8Array(8);
  id[0] = 0x80;
  if (bridge.bridge?.carrierFollowsPorts) id.set(bridge.address.subarray(0, 6), 2);
  return id;
}

const STP_GROUP_ADDR = new Uint8Array([0x01, 0x80, 0xc2, 0x00, 0x00, 0x00]);
/** struct br_boolopt_multi { optval 0, optmask: the 5 boolopts 6.18 knows }. */
const MULTI_BOOLOPT = new Uint8Array([0, 0, 0, 0, 0x1f, 0, 0, 0]);

/** br_fill_info()'s attributes for a bridge whose id is `id`. */
export function bridgeInfoList(id: Uint8Array): TypedAttr[] {
  return [
    [16, 'u64', 0], // HELLO_TIMER
    [17, 'u64', 0], // TCN_TIMER
    [18, 'u64', 0], // TOPOLOGY_CHANGE_TIMER
    [19, 'u64', 0], // GC_TIMER
    [1, 'u32', 1500], // FORWARD_DELAY (clock_t)
    [2, 'u32', 200], // HELLO_TIME
    [3, 'u32', 2000], // MAX_AGE
    [4, 'u32', 30000], // AGEING_TIME
    [5, 'u32', 0], // STP_STATE
    [6, 'u16', 32768], // PRIORITY
    [7, 'u8', 0], // VLAN_FILTERING
    [9, 'u16', 0], // GROUP_FWD_MASK
    [11, 'binary', id], // BRIDGE_ID
    [10, 'binary', id], // ROOT_ID
    [12, 'u16', 0], // ROOT_PORT
    [13, 'u32', 0], // ROOT_PATH_COST
    [14, 'u8', 0], // TOPOLOGY_CHANGE
    [15, 'u8', 0], // TOPOLOGY_CHANGE_DETECTED
    [20, 'binary', STP_GROUP_ADDR], // GROUP_ADDR
    [46, 'binary', MULTI_BOOLOPT], // MULTI_BOOLOPT
    [48, 'u32', 0], // FDB_N_LEARNED
    [49, 'u32', 0], // FDB_MAX_LEARNED
    [22, 'u8', 1], // MCAST_ROUTER
    [23, 'u8', 1], // MCAST_SNOOPING
    [24, 'u8', 0], // MCAST_QUERY_USE_IFADDR
    [25, 'u8', 0], // MCAST_QUERIER
    [42, 'u8', 0], // MCAST_STATS_ENABLED
    [26, 'u32', 16], // MCAST_HASH_ELASTICITY
    [27, 'u32', 4096], // MCAST_HASH_MAX
    [28, 'u32', 2], // MCAST_LAST_MEMBER_CNT
    [29, 'u32', 2], // MCAST_STARTUP_QUERY_CNT
    [43, 'u8', 2], // MCAST_IGMP_VERSION
    [44, 'u8', 1], // MCAST_MLD_VERSION
    [30, 'u64', 100], // MCAST_LAST_MEMBER_INTVL
    [31, 'u64', 26000], // MCAST_MEMBERSHIP_INTVL
    [32, 'u64', 25500], // MCAST_QUERIER_INTVL
    [33, 'u64', 12500], // MCAST_QUERY_INTVL
    [34, 'u64', 1000], // MCAST_QUERY_RESPONSE_INTVL
    [35, 'u64', 3124], // MCAST_STARTUP_QUERY_INTVL
    [36, 'u8', 0], // NF_CALL_IPTABLES
    [37, 'u8', 0], // NF_CALL_IP6TABLES
    [38, 'u8', 0], // NF_CALL_ARPTABLES
  ];
}

const BRIDGE_ID = 11;
const ROOT_ID = 10;
// Encoded once: a dump writes these ~500 bytes for every bridge, differing only in the ids.
const BRIDGE_INFO = new TypedAttrsTemplate(bridgeInfoList(new Uint8Array(8)), [BRIDGE_ID, ROOT_ID]);

export function bridgeInfoData(bridge: Readonly<Link>): Uint8Array {
  const id = bridgeId(bridge);
  return BRIDGE_INFO.encode([id, id]);
}

const BR_STATE_DISABLED = 0;
const BR_STATE_FORWARDING = 3;
const PORT_PRIORITY = 32;

/**
 * The port's STP state as the bridge last set it (STP off: forwarding once enabled), not derived
 * from the flags: a port's own up NEWLINK goes out before the bridge enables it.
 */
function portState(port: Readonly<Link>): number {
  return port.bridgePortForwarding ? BR_STATE_FORWARDING : BR_STATE_DISABLED;
}

/** br_port_fill_attrs()'s attributes for a port in `state`, numbered `portNo`, of the bridge whose id is `id`. */
export function portAttrList(state: number, id: Uint8Array, portNo: number): TypedAttr[] {
  const portId = 0x8000 | portNo;
  return [
    [1, 'u8', state], // STATE
    [2, 'u16', PORT_PRIORITY], // PRIORITY
    [3, 'u32', 2], // COST (10 Gb/s)
    [4, 'u8', 0], // MODE
    [5, 'u8', 0], // GUARD
    [6, 'u8', 0], // PROTECT
    [7, 'u8', 0], // FAST_LEAVE
    [28, 'u8', 0], // MCAST_TO_UCAST
    [8, 'u8', 1], // LEARNING
    [9, 'u8', 1], // UNICAST_FLOOD
    [27, 'u8', 1], // MCAST_FLOOD
    [30, 'u8', 1], // BCAST_FLOOD
    [10, 'u8', 0], // PROXYARP
    [12, 'u8', 0], // PROXYARP_WIFI
    [13, 'binary', id], // ROOT_ID
    [14, 'binary', id], // BRIDGE_ID
    [15, 'u16', portId], // DESIGNATED_PORT
    [16, 'u16', 0], // DESIGNATED_COST
    [17, 'u16', portId], // ID
    [18, 'u16', portNo], // NO
    [19, 'u8', 0], // TOPOLOGY_CHANGE_ACK
    [20, 'u8', 0], // CONFIG_PENDING
    [29, 'u8', 0], // VLAN_TUNNEL
    [31, 'u16', 0], // GROUP_FWD_MASK
    [32, 'u8', 0], // NEIGH_SUPPRESS
    [35, 'u8', 0], // MRP_RING_OPEN
    [36, 'u8', 0], // MRP_IN_OPEN
    [33, 'u8', 0], // ISOLATED
    [39, 'u8', 0], // LOCKED
    [40, 'u8', 0], // MAB
    [43, 'u8', 0], // NEIGH_VLAN_SUPPRESS
    [21, 'u64', 0], // MESSAGE_AGE_TIMER
    [22, 'u64', 0], // FORWARD_DELAY_TIMER
    [23, 'u64', 0], // HOLD_TIMER
    [25, 'u8', 1], // MULTICAST_ROUTER
    [37, 'u32', 512], // MCAST_EHT_HOSTS_LIMIT
    [38, 'u32', 0], // MCAST_EHT_HOSTS_CNT
    [41, 'u32', 0], // MCAST_N_GROUPS
    [42, 'u32', 0], // MCAST_MAX_GROUPS
  ];
}

const PORT_VARIABLE = [1, 13, 14, 15, 17, 18]; // STATE, ROOT_ID, BRIDGE_ID, DESIGNATED_PORT, ID, NO
const PORT_ATTRS = new TypedAttrsTemplate(portAttrList(0, new Uint8Array(8), 0), PORT_VARIABLE);

export function bridgePortSlaveData(port: Readonly<Link>, bridge: Readonly<Link>): Uint8Array {
  const id = bridgeId(bridge);
  const portNo = port.bridgePort ?? 0;
  return PORT_ATTRS.encode([portState(port), id, id, 0x8000 | portNo, 0x8000 | portNo, portNo]);
}
