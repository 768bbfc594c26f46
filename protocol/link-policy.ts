import {
  IFLA_ADDRESS, IFLA_AF_SPEC, IFLA_ALLMULTI, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_CARRIER, IFLA_CARRIER_CHANGES,
  IFLA_CARRIER_DOWN_COUNT, IFLA_CARRIER_UP_COUNT, IFLA_DPLL_PIN, IFLA_EVENT, IFLA_EXT_MASK, IFLA_GRO_IPV4_MAX_SIZE,
  IFLA_GRO_MAX_SIZE, IFLA_GROUP, IFLA_GSO_IPV4_MAX_SIZE, IFLA_GSO_MAX_SEGS, IFLA_GSO_MAX_SIZE, IFLA_HEADROOM,
  IFLA_IFALIAS, IFLA_IFNAME, IFLA_INET_CONF, IFLA_INET_MAX, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_INFO_MAX, IFLA_INFO_SLAVE_DATA,
  IFLA_INFO_SLAVE_KIND, IFLA_INFO_XSTATS, IFLA_LINK, IFLA_LINK_NETNSID, IFLA_LINKINFO, IFLA_LINKMODE, IFLA_MAP,
  IFLA_MASTER, IFLA_MAX, IFLA_MAX_MTU, IFLA_MIN_MTU, IFLA_MTU, IFLA_NET_NS_FD, IFLA_NET_NS_PID,
  IFLA_NETNS_IMMUTABLE, IFLA_NEW_IFINDEX, IFLA_NUM_RX_QUEUES, IFLA_NUM_TX_QUEUES, IFLA_OPERSTATE,
  IFLA_PARENT_DEV_NAME, IFLA_PERM_ADDRESS, IFLA_PHYS_PORT_ID, IFLA_PHYS_SWITCH_ID, IFLA_PORT_SELF,
  IFLA_PROMISCUITY, IFLA_PROP_LIST, IFLA_PROTO_DOWN, IFLA_PROTO_DOWN_REASON, IFLA_TAILROOM, IFLA_TARGET_NETNSID,
  IFLA_TSO_MAX_SEGS, IFLA_TSO_MAX_SIZE, IFLA_TXQLEN, IFLA_VF_PORTS, IFLA_VFINFO_LIST, IFLA_VLAN_EGRESS_QOS,
  IFLA_VLAN_FLAGS, IFLA_VLAN_ID, IFLA_VLAN_INGRESS_QOS, IFLA_VLAN_MAX, IFLA_VLAN_PROTOCOL, IFLA_WEIGHT, IFLA_XDP,
  IFLA_MACVLAN_FLAGS, IFLA_MACVLAN_MAX, IFLA_MACVLAN_MODE, IFNAMSIZ, ALTIFNAMSIZ, IFALIASZ, MAX_ADDR_LEN,
  VETH_INFO_MAX, VETH_INFO_PEER,
} from './constants.js';
import type { Policy } from './policy.js';

/** struct rtnl_link_ifmap */
const IFMAP_SIZE = 32;
const MAX_PHYS_ITEM_ID_LEN = 32;
/** MAX_TCP_HEADER + 1 on x86_64 (NLA_POLICY_MIN for the GSO sizes). */
const GSO_MIN = 321;

/** net/core/rtnetlink.c: ifla_policy[] (Linux 6.18). */
export const IFLA_POLICY: Policy = {
  name: 'ifla',
  maxType: IFLA_MAX,
  strictStartType: IFLA_DPLL_PIN,
  attrs: {
    [IFLA_IFNAME]: { kind: 'string', len: IFNAMSIZ - 1 },
    [IFLA_ADDRESS]: { kind: 'binary', len: MAX_ADDR_LEN },
    [IFLA_BROADCAST]: { kind: 'binary', len: MAX_ADDR_LEN },
    [IFLA_MAP]: { kind: 'unspec', len: IFMAP_SIZE },
    [IFLA_MTU]: { kind: 'u32' },
    [IFLA_LINK]: { kind: 'u32' },
    [IFLA_MASTER]: { kind: 'u32' },
    [IFLA_CARRIER]: { kind: 'u8' },
    [IFLA_TXQLEN]: { kind: 'u32' },
    [IFLA_WEIGHT]: { kind: 'u32' },
    [IFLA_OPERSTATE]: { kind: 'u8' },
    [IFLA_LINKMODE]: { kind: 'u8' },
    [IFLA_LINKINFO]: { kind: 'nested' },
    [IFLA_NET_NS_PID]: { kind: 'u32' },
    [IFLA_NET_NS_FD]: { kind: 'u32' },
    // A string, but NLA_BINARY so that a zero-length alias (removal) passes.
    [IFLA_IFALIAS]: { kind: 'binary', len: IFALIASZ - 1 },
    [IFLA_VFINFO_LIST]: { kind: 'nested' },
    [IFLA_VF_PORTS]: { kind: 'nested' },
    [IFLA_PORT_SELF]: { kind: 'nested' },
    [IFLA_AF_SPEC]: { kind: 'nested' },
    [IFLA_EXT_MASK]: { kind: 'u32' },
    [IFLA_PROMISCUITY]: { kind: 'u32' },
    [IFLA_NUM_TX_QUEUES]: { kind: 'u32' },
    [IFLA_NUM_RX_QUEUES]: { kind: 'u32' },
    [IFLA_GSO_MAX_SEGS]: { kind: 'u32' },
    [IFLA_GSO_MAX_SIZE]: { kind: 'u32', min: GSO_MIN },
    [IFLA_PHYS_PORT_ID]: { kind: 'binary', len: MAX_PHYS_ITEM_ID_LEN },
    [IFLA_CARRIER_CHANGES]: { kind: 'u32' },
    [IFLA_PHYS_SWITCH_ID]: { kind: 'binary', len: MAX_PHYS_ITEM_ID_LEN },
    [IFLA_LINK_NETNSID]: { kind: 's32' },
    [IFLA_PROTO_DOWN]: { kind: 'u8' },
    [IFLA_XDP]: { kind: 'nested' },
    [IFLA_EVENT]: { kind: 'u32' },
    [IFLA_GROUP]: { kind: 'u32' },
    [IFLA_TARGET_NETNSID]: { kind: 's32' },
    [IFLA_CARRIER_UP_COUNT]: { kind: 'u32' },
    [IFLA_CARRIER_DOWN_COUNT]: { kind: 'u32' },
    [IFLA_MIN_MTU]: { kind: 'u32' },
    [IFLA_MAX_MTU]: { kind: 'u32' },
    [IFLA_PROP_LIST]: { kind: 'nested' },
    [IFLA_ALT_IFNAME]: { kind: 'string', len: ALTIFNAMSIZ - 1 },
    [IFLA_PERM_ADDRESS]: { kind: 'reject' },
    [IFLA_PROTO_DOWN_REASON]: { kind: 'nested' },
    [IFLA_NEW_IFINDEX]: { kind: 's32', min: 1 },
    [IFLA_PARENT_DEV_NAME]: { kind: 'nul_string' },
    [IFLA_GRO_MAX_SIZE]: { kind: 'u32' },
    [IFLA_TSO_MAX_SIZE]: { kind: 'reject' },
    [IFLA_TSO_MAX_SEGS]: { kind: 'reject' },
    [IFLA_ALLMULTI]: { kind: 'reject' },
    [IFLA_GSO_IPV4_MAX_SIZE]: { kind: 'u32', min: GSO_MIN },
    [IFLA_GRO_IPV4_MAX_SIZE]: { kind: 'u32' },
    [IFLA_NETNS_IMMUTABLE]: { kind: 'reject' },
    [IFLA_HEADROOM]: { kind: 'reject' },
    [IFLA_TAILROOM]: { kind: 'reject' },
  },
};

/** ifla_info_policy[] */
export const IFLA_INFO_POLICY: Policy = {
  name: 'ifla_info',
  maxType: IFLA_INFO_MAX,
  attrs: {
    [IFLA_INFO_KIND]: { kind: 'string' },
    [IFLA_INFO_DATA]: { kind: 'nested' },
    [IFLA_INFO_XSTATS]: { kind: 'unspec' },
    [IFLA_INFO_SLAVE_KIND]: { kind: 'string' },
    [IFLA_INFO_SLAVE_DATA]: { kind: 'nested' },
  },
};

/** drivers/net/veth.c: veth_policy[]; the peer is a struct ifinfomsg followed by IFLA_* attributes. */
export const VETH_POLICY: Policy = {
  name: 'veth',
  maxType: VETH_INFO_MAX,
  attrs: { [VETH_INFO_PEER]: { kind: 'unspec', len: 16 } },
};

/** net/8021q/vlan_netlink.c: vlan_policy[] */
export const VLAN_POLICY: Policy = {
  name: 'vlan',
  maxType: IFLA_VLAN_MAX,
  attrs: {
    [IFLA_VLAN_ID]: { kind: 'u16' },
    [IFLA_VLAN_FLAGS]: { kind: 'unspec', len: 8 },
    [IFLA_VLAN_EGRESS_QOS]: { kind: 'nested' },
    [IFLA_VLAN_INGRESS_QOS]: { kind: 'nested' },
    [IFLA_VLAN_PROTOCOL]: { kind: 'u16' },
  },
};

/** drivers/net/macvlan.c: macvlan_policy[] (the attributes rtnld models). */
export const MACVLAN_POLICY: Policy = {
  name: 'macvlan',
  maxType: IFLA_MACVLAN_MAX,
  attrs: {
    [IFLA_MACVLAN_MODE]: { kind: 'u32' },
    [IFLA_MACVLAN_FLAGS]: { kind: 'u16' },
  },
};

/** Bridge and other INFO_DATA attributes rtnld accepts but does not model. */
export const OPAQUE_POLICY: Policy = { name: 'opaque', maxType: 0x3fff, attrs: {} };

/** net/ipv4/devinet.c: inet_af_policy[], for IFLA_AF_SPEC / AF_INET. */
export const INET_AF_POLICY: Policy = {
  name: 'inet_af',
  maxType: IFLA_INET_MAX,
  attrs: { [IFLA_INET_CONF]: { kind: 'nested' } },
};
