import { nlmsgLen } from './nlmsg.js';
import { attrMap, nestedAttrs, readBe16, readS32, readString, readU16, readU32, readU64, readU8, walkAttrs, type RawAttr } from './attr-walk.js';
import {
  LINK_STATS_FIELDS, type LinkStatsField,
  AF_INET, AF_INET6, IFLA_ADDRESS, IFLA_AF_SPEC, IFLA_ALLMULTI, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_CARRIER,
  IFLA_CARRIER_CHANGES, IFLA_CARRIER_DOWN_COUNT, IFLA_CARRIER_UP_COUNT, IFLA_EVENT, IFLA_GRO_IPV4_MAX_SIZE,
  IFLA_GRO_MAX_SIZE, IFLA_GROUP, IFLA_GSO_IPV4_MAX_SIZE, IFLA_GSO_MAX_SEGS, IFLA_GSO_MAX_SIZE, IFLA_IFALIAS,
  IFLA_IFNAME, IFLA_INET6_ADDR_GEN_MODE, IFLA_INET6_FLAGS, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA,
  IFLA_INFO_SLAVE_KIND, IFLA_LINK, IFLA_LINK_NETNSID, IFLA_LINKINFO, IFLA_LINKMODE, IFLA_MACVLAN_FLAGS,
  IFLA_MACVLAN_MODE, IFLA_MASTER, IFLA_MAX_MTU, IFLA_MIN_MTU, IFLA_MTU, IFLA_NETNS_IMMUTABLE, IFLA_NUM_RX_QUEUES,
  IFLA_NUM_TX_QUEUES, IFLA_OPERSTATE, IFLA_PARENT_DEV_BUS_NAME, IFLA_PARENT_DEV_NAME, IFLA_PERM_ADDRESS,
  IFLA_PHYS_PORT_ID, IFLA_PHYS_PORT_NAME, IFLA_PHYS_SWITCH_ID, IFLA_PROMISCUITY, IFLA_PROP_LIST, IFLA_PROTINFO,
  IFLA_PROTO_DOWN, IFLA_QDISC, IFLA_STATS, IFLA_STATS64, IFLA_TSO_MAX_SEGS, IFLA_TSO_MAX_SIZE, IFLA_TXQLEN,
  IFLA_VLAN_EGRESS_QOS, IFLA_VLAN_FLAGS, IFLA_VLAN_ID, IFLA_VLAN_INGRESS_QOS, IFLA_VLAN_PROTOCOL, IFLA_XDP,
  IFLA_XDP_ATTACHED,
} from './constants.js';
import { decodeIfInfoMsg, decodeIflaVlanFlags, IFINFOMSG_SIZE, IFLA_VLAN_FLAGS_SIZE, NLMSGHDR_SIZE } from './structs.js';

/** struct rtnl_link_stats64, field by field (u64 counters as bigint). */
export type LinkStats = Record<LinkStatsField, bigint>;


/** Decodes rtnl_link_stats64 (8-byte counters) or rtnl_link_stats (4-byte); missing tail fields read 0. */
export function decodeLinkStats(data: Buffer, width: 4 | 8): LinkStats {
  const out = {} as LinkStats;
  LINK_STATS_FIELDS.forEach((field, i) => {
    const at = i * width;
    out[field] = data.length >= at + width ? (width === 8 ? data.readBigUInt64LE(at) : BigInt(data.readUInt32LE(at))) : 0n;
  });
  return out;
}

/** The IFLA_AF_SPEC facts a client shows (iproute2 prints addrgenmode from AF_INET6). */
export interface DecodedAfSpec {
  inet: boolean;
  inet6?: { flags?: number | undefined; addrGenMode?: number | undefined } | undefined;
}

/**
 * An RTM_NEWLINK / RTM_DELLINK message as plain values: the counterpart of LinkMessage
 * (link-message.ts), with every attribute optional because messages differ in what they carry
 * (AF_BRIDGE port messages, DELLINK, older kernels). Kind-specific nests stay raw attributes;
 * decodeVlanData() and friends read them.
 */
export interface DecodedLink {
  family: number;
  /** ARPHRD_* (ifi_type) */
  deviceType: number;
  index: number;
  flags: number;
  change: number;
  name?: string | undefined;
  txqlen?: number | undefined;
  operstate?: number | undefined;
  linkmode?: number | undefined;
  netnsImmutable?: boolean | undefined;
  mtu?: number | undefined;
  minMtu?: number | undefined;
  maxMtu?: number | undefined;
  group?: number | undefined;
  promiscuity?: number | undefined;
  allmulti?: number | undefined;
  numTxQueues?: number | undefined;
  numRxQueues?: number | undefined;
  gsoMaxSegs?: number | undefined;
  gsoMaxSize?: number | undefined;
  groMaxSize?: number | undefined;
  gsoIpv4MaxSize?: number | undefined;
  groIpv4MaxSize?: number | undefined;
  tsoMaxSize?: number | undefined;
  tsoMaxSegs?: number | undefined;
  /** IFLA_MASTER; absent when the device has no master. */
  master?: number | undefined;
  carrier?: boolean | undefined;
  alias?: string | undefined;
  carrierChanges?: number | undefined;
  carrierUpCount?: number | undefined;
  carrierDownCount?: number | undefined;
  protoDown?: boolean | undefined;
  event?: number | undefined;
  address?: Uint8Array | undefined;
  broadcast?: Uint8Array | undefined;
  permAddress?: Uint8Array | undefined;
  stats64?: LinkStats | undefined;
  stats?: LinkStats | undefined;
  xdpAttached?: number | undefined;
  kind?: string | undefined;
  infoData?: RawAttr[] | undefined;
  slaveKind?: string | undefined;
  slaveData?: RawAttr[] | undefined;
  /** IFLA_LINK (iflink); absent when the kernel omits it (it equals the index). 0 means "none". */
  link?: number | undefined;
  linkNetnsid?: number | undefined;
  qdisc?: string | undefined;
  afSpec?: DecodedAfSpec | undefined;
  altnames: string[];
  /** IFLA_PROTINFO of AF_BRIDGE port messages (IFLA_BRPORT_*). */
  protinfo?: RawAttr[] | undefined;
  parentDevName?: string | undefined;
  parentDevBusName?: string | undefined;
  physPortName?: string | undefined;
  physPortId?: Uint8Array | undefined;
  physSwitchId?: Uint8Array | undefined;
}

const bool = (v: number | undefined) => (v === undefined ? undefined : v !== 0);
const bytes = (b: Buffer | undefined) => (b ? new Uint8Array(b) : undefined);

function decodeAfSpec(data: Buffer): DecodedAfSpec {
  const fams = attrMap(nestedAttrs(data));
  const inet6 = fams.get(AF_INET6);
  let v6: DecodedAfSpec['inet6'];
  if (inet6) {
    const t = attrMap(nestedAttrs(inet6));
    v6 = { flags: readU32(t.get(IFLA_INET6_FLAGS)), addrGenMode: readU8(t.get(IFLA_INET6_ADDR_GEN_MODE)) };
  }
  return { inet: fams.has(AF_INET), inet6: v6 };
}

/**
 * Decodes an RTM_NEWLINK / RTM_DELLINK message (header included). Throws RangeError when the
 * message is shorter than nlmsghdr + ifinfomsg; malformed attributes end the attribute walk.
 */
export function decodeLinkMessage(msg: Buffer): DecodedLink {
  const len = Math.min(msg.length, nlmsgLen(msg));
  const ifi = decodeIfInfoMsg(msg.subarray(0, len), NLMSGHDR_SIZE);
  const attrs = walkAttrs(msg, NLMSGHDR_SIZE + IFINFOMSG_SIZE, len);
  const tb = attrMap(attrs);
  const link: DecodedLink = {
    family: ifi.family,
    deviceType: ifi.type,
    index: ifi.index,
    flags: ifi.flags,
    change: ifi.change,
    name: readString(tb.get(IFLA_IFNAME)),
    txqlen: readU32(tb.get(IFLA_TXQLEN)),
    operstate: readU8(tb.get(IFLA_OPERSTATE)),
    linkmode: readU8(tb.get(IFLA_LINKMODE)),
    netnsImmutable: bool(readU8(tb.get(IFLA_NETNS_IMMUTABLE))),
    mtu: readU32(tb.get(IFLA_MTU)),
    minMtu: readU32(tb.get(IFLA_MIN_MTU)),
    maxMtu: readU32(tb.get(IFLA_MAX_MTU)),
    group: readU32(tb.get(IFLA_GROUP)),
    promiscuity: readU32(tb.get(IFLA_PROMISCUITY)),
    allmulti: readU32(tb.get(IFLA_ALLMULTI)),
    numTxQueues: readU32(tb.get(IFLA_NUM_TX_QUEUES)),
    numRxQueues: readU32(tb.get(IFLA_NUM_RX_QUEUES)),
    gsoMaxSegs: readU32(tb.get(IFLA_GSO_MAX_SEGS)),
    gsoMaxSize: readU32(tb.get(IFLA_GSO_MAX_SIZE)),
    groMaxSize: readU32(tb.get(IFLA_GRO_MAX_SIZE)),
    gsoIpv4MaxSize: readU32(tb.get(IFLA_GSO_IPV4_MAX_SIZE)),
    groIpv4MaxSize: readU32(tb.get(IFLA_GRO_IPV4_MAX_SIZE)),
    tsoMaxSize: readU32(tb.get(IFLA_TSO_MAX_SIZE)),
    tsoMaxSegs: readU32(tb.get(IFLA_TSO_MAX_SEGS)),
    master: readU32(tb.get(IFLA_MASTER)),
    carrier: bool(readU8(tb.get(IFLA_CARRIER))),
    alias: readString(tb.get(IFLA_IFALIAS)),
    carrierChanges: readU32(tb.get(IFLA_CARRIER_CHANGES)),
    carrierUpCount: readU32(tb.get(IFLA_CARRIER_UP_COUNT)),
    carrierDownCount: readU32(tb.get(IFLA_CARRIER_DOWN_COUNT)),
    protoDown: bool(readU8(tb.get(IFLA_PROTO_DOWN))),
    event: readU32(tb.get(IFLA_EVENT)),
    address: bytes(tb.get(IFLA_ADDRESS)),
    broadcast: bytes(tb.get(IFLA_BROADCAST)),
    permAddress: bytes(tb.get(IFLA_PERM_ADDRESS)),
    link: readU32(tb.get(IFLA_LINK)),
    linkNetnsid: readS32(tb.get(IFLA_LINK_NETNSID)),
    qdisc: readString(tb.get(IFLA_QDISC)),
    parentDevName: readString(tb.get(IFLA_PARENT_DEV_NAME)),
    parentDevBusName: readString(tb.get(IFLA_PARENT_DEV_BUS_NAME)),
    physPortName: readString(tb.get(IFLA_PHYS_PORT_NAME)),
    physPortId: bytes(tb.get(IFLA_PHYS_PORT_ID)),
    physSwitchId: bytes(tb.get(IFLA_PHYS_SWITCH_ID)),
    altnames: [],
  };
  const s64 = tb.get(IFLA_STATS64);
  if (s64) link.stats64 = decodeLinkStats(s64, 8);
  const s32 = tb.get(IFLA_STATS);
  if (s32) link.stats = decodeLinkStats(s32, 4);
  const xdp = tb.get(IFLA_XDP);
  if (xdp) link.xdpAttached = readU8(attrMap(nestedAttrs(xdp)).get(IFLA_XDP_ATTACHED));
  const linkinfo = tb.get(IFLA_LINKINFO);
  if (linkinfo) {
    const info = attrMap(nestedAttrs(linkinfo));
    link.kind = readString(info.get(IFLA_INFO_KIND));
    const data = info.get(IFLA_INFO_DATA);
    if (data) link.infoData = nestedAttrs(data);
    link.slaveKind = readString(info.get(IFLA_INFO_SLAVE_KIND));
    const slave = info.get(IFLA_INFO_SLAVE_DATA);
    if (slave) link.slaveData = nestedAttrs(slave);
  }
  const af = tb.get(IFLA_AF_SPEC);
  if (af) link.afSpec = decodeAfSpec(af);
  for (const a of attrs) {
    if (a.type === IFLA_PROP_LIST) {
      for (const p of nestedAttrs(a.data)) if (p.type === IFLA_ALT_IFNAME) link.altnames.push(readString(p.data)!);
    }
  }
  const protinfo = tb.get(IFLA_PROTINFO);
  if (protinfo) link.protinfo = nestedAttrs(protinfo);
  return link;
}

// --- kind-specific IFLA_INFO_DATA ---

export interface VlanData {
  id?: number | undefined;
  /** ETH_P_8021Q / ETH_P_8021AD, host order (decoded from the __be16). */
  protocol?: number | undefined;
  flags?: number | undefined;
  flagsMask?: number | undefined;
  ingressQos?: Array<[from: number, to: number]> | undefined;
  egressQos?: Array<[from: number, to: number]> | undefined;
}

function qosMap(data: Buffer | undefined): Array<[number, number]> | undefined {
  if (!data) return undefined;
  return nestedAttrs(data).filter((a) => a.data.length >= 8).map((a) => [a.data.readUInt32LE(0), a.data.readUInt32LE(4)]);
}

/** net/8021q/vlan_netlink.c: vlan_fill_info() */
export function decodeVlanData(attrs: readonly RawAttr[]): VlanData {
  const t = attrMap(attrs);
  const raw = t.get(IFLA_VLAN_FLAGS);
  const flags = raw && raw.length >= IFLA_VLAN_FLAGS_SIZE ? decodeIflaVlanFlags(raw) : undefined;
  return {
    id: readU16(t.get(IFLA_VLAN_ID)),
    protocol: readBe16(t.get(IFLA_VLAN_PROTOCOL)),
    flags: flags?.flags,
    flagsMask: flags?.mask,
    ingressQos: qosMap(t.get(IFLA_VLAN_INGRESS_QOS)),
    egressQos: qosMap(t.get(IFLA_VLAN_EGRESS_QOS)),
  };
}

export const IFLA_MACVLAN_MACADDR_MODE = 3;
export const IFLA_MACVLAN_MACADDR = 4;
export const IFLA_MACVLAN_MACADDR_DATA = 5;
export const IFLA_MACVLAN_MACADDR_COUNT = 6;
export const IFLA_MACVLAN_BC_QUEUE_LEN = 7;
export const IFLA_MACVLAN_BC_QUEUE_LEN_USED = 8;
export const IFLA_MACVLAN_BC_CUTOFF = 9;

export interface MacvlanData {
  mode?: number | undefined;
  flags?: number | undefined;
  macaddrCount?: number | undefined;
  macaddrs?: Uint8Array[] | undefined;
  bcQueueLen?: number | undefined;
  bcQueueLenUsed?: number | undefined;
  bcCutoff?: number | undefined;
}

/** drivers/net/macvlan.c: macvlan_fill_info() */
export function decodeMacvlanData(attrs: readonly RawAttr[]): MacvlanData {
  const t = attrMap(attrs);
  const data = t.get(IFLA_MACVLAN_MACADDR_DATA);
  return {
    mode: readU32(t.get(IFLA_MACVLAN_MODE)),
    flags: readU16(t.get(IFLA_MACVLAN_FLAGS)),
    macaddrCount: readU32(t.get(IFLA_MACVLAN_MACADDR_COUNT)),
    macaddrs: data ? nestedAttrs(data).filter((a) => a.type === IFLA_MACVLAN_MACADDR && a.data.length >= 6).map((a) => new Uint8Array(a.data.subarray(0, 6))) : undefined,
    bcQueueLen: readU32(t.get(IFLA_MACVLAN_BC_QUEUE_LEN)),
    bcQueueLenUsed: readU32(t.get(IFLA_MACVLAN_BC_QUEUE_LEN_USED)),
    bcCutoff: readS32(t.get(IFLA_MACVLAN_BC_CUTOFF)),
  };
}
