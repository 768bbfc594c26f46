import { writeAfSpec, type AfSpecView } from './af-spec.js';
import {
  IFLA_ADDRESS, IFLA_ALLMULTI, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_CARRIER, IFLA_CARRIER_CHANGES,
  IFLA_CARRIER_DOWN_COUNT, IFLA_CARRIER_UP_COUNT, IFLA_DEVLINK_PORT, IFLA_DPLL_PIN, IFLA_EVENT, IFLA_GRO_IPV4_MAX_SIZE,
  IFLA_GRO_MAX_SIZE, IFLA_GROUP, IFLA_GSO_IPV4_MAX_SIZE, IFLA_GSO_MAX_SEGS, IFLA_GSO_MAX_SIZE, IFLA_HEADROOM,
  IFLA_IFALIAS, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA, IFLA_INFO_SLAVE_KIND, IFLA_LINK,
  IFLA_LINKINFO, IFLA_LINKMODE, IFLA_MAP, IFLA_MASTER, IFLA_MAX_MTU, IFLA_MAX_PACING_OFFLOAD_HORIZON, IFLA_MIN_MTU,
  IFLA_MTU, IFLA_NETNS_IMMUTABLE, IFLA_NUM_RX_QUEUES, IFLA_NUM_TX_QUEUES, IFLA_OPERSTATE, IFLA_PROMISCUITY,
  IFLA_PROP_LIST, IFLA_PROTO_DOWN, IFLA_QDISC, IFLA_STATS, IFLA_STATS64, IFLA_TAILROOM, IFLA_TSO_MAX_SEGS,
  IFLA_TSO_MAX_SIZE, IFLA_TXQLEN, IFLA_XDP, IFLA_XDP_ATTACHED, NLA_F_NESTED,
} from './constants.js';
import { writeAttrsPayload, type AttrsPayload } from './typed-attrs.js';
import type { NlWriter } from './writer.js';

export { type TypedAttr } from './typed-attrs.js';

/** Everything an RTM_NEWLINK/RTM_DELLINK message says about one device, as plain values. */
export interface LinkMessage {
  family: number;
  /** ARPHRD_* */
  deviceType: number;
  index: number;
  flags: number;
  change: number;
  name: string;
  txqlen: number;
  operstate: number;
  linkmode: number;
  netnsImmutable: boolean;
  mtu: number;
  tsoMaxSize: number;
  minMtu: number;
  maxMtu: number;
  group: number;
  promiscuity: number;
  allmulti: number;
  numTxQueues: number;
  numRxQueues: number;
  /** 0 when the device has no master. */
  master: number;
  carrier: boolean;
  alias: string;
  carrierUpCount: number;
  carrierDownCount: number;
  /** IFLA_EVENT, only in some notifications. */
  event?: number;
  address: Uint8Array;
  broadcast: Uint8Array;
  kind?: string;
  infoData?: AttrsPayload;
  slaveKind?: string;
  slaveData?: AttrsPayload;
  /** iflink (dev_get_iflink): the index itself for devices without a lower device; emitted when it differs. */
  link: number;
  qdisc?: string;
  /** undefined: an empty IFLA_AF_SPEC (as in RTM_DELLINK). */
  afSpec?: AfSpecView;
  altnames: readonly string[];
  /**
   * The 25 counters of struct rtnl_link_stats64 in struct order (IFLA_STATS64; the first 24,
   * truncated to 32 bits as copy_rtnl_link_stats() does, are IFLA_STATS). Absent: all zero.
   */
  stats?: readonly number[];
}

const STATS64_SIZE = 200;
const STATS_SIZE = 96;
const IFMAP_SIZE = 32;
const EMPTY_STATS64 = new Uint8Array(STATS64_SIZE);
const EMPTY_STATS = new Uint8Array(STATS_SIZE);
const EMPTY_MAP = new Uint8Array(IFMAP_SIZE);

// Hardware offload limits Linux reports for virtual devices.
const GSO_MAX_SEGS = 65535;
const GSO_MAX_SIZE = 65536;
const TSO_MAX_SEGS = 65535;

/** rtnl_link_stats64 (8-byte counters) or rtnl_link_stats (4-byte, each counter mod 2^32). */
function encodeStats(stats: readonly number[], width: 4 | 8): Uint8Array {
  const out = Buffer.alloc(width === 8 ? STATS64_SIZE : STATS_SIZE);
  for (let i = 0; i < out.length / width; i++) {
    const v = BigInt(stats[i] ?? 0);
    if (width === 8) out.writeBigUInt64LE(BigInt.asUintN(64, v), i * 8);
    else out.writeUInt32LE(Number(BigInt.asUintN(32, v)), i * 4);
  }
  return out;
}

/** The ifinfomsg and attributes of rtnetlink.c: rtnl_fill_ifinfo(), in its order and sizes. */
export function writeLinkBody(w: NlWriter, m: LinkMessage): void {
  w.u8(m.family).u8(0).u16(m.deviceType).s32(m.index).u32(m.flags).u32(m.change);
  w.attrString(IFLA_IFNAME, m.name);
  w.attrU32(IFLA_TXQLEN, m.txqlen);
  w.attrU8(IFLA_OPERSTATE, m.operstate);
  w.attrU8(IFLA_LINKMODE, m.linkmode);
  w.attrU8(IFLA_NETNS_IMMUTABLE, m.netnsImmutable ? 1 : 0);
  w.attrU32(IFLA_MTU, m.mtu);
  w.attrU32(IFLA_MIN_MTU, m.minMtu);
  w.attrU32(IFLA_MAX_MTU, m.maxMtu);
  w.attrU32(IFLA_GROUP, m.group);
  w.attrU32(IFLA_PROMISCUITY, m.promiscuity);
  w.attrU32(IFLA_ALLMULTI, m.allmulti);
  w.attrU32(IFLA_NUM_TX_QUEUES, m.numTxQueues);
  w.attrU32(IFLA_GSO_MAX_SEGS, GSO_MAX_SEGS);
  w.attrU32(IFLA_GSO_MAX_SIZE, GSO_MAX_SIZE);
  w.attrU32(IFLA_GRO_MAX_SIZE, GSO_MAX_SIZE);
  w.attrU32(IFLA_GSO_IPV4_MAX_SIZE, GSO_MAX_SIZE);
  w.attrU32(IFLA_GRO_IPV4_MAX_SIZE, GSO_MAX_SIZE);
  w.attrU32(IFLA_TSO_MAX_SIZE, m.tsoMaxSize);
  w.attrU32(IFLA_TSO_MAX_SEGS, TSO_MAX_SEGS);
  w.attrU32(IFLA_MAX_PACING_OFFLOAD_HORIZON, 0);
  w.attrU32(IFLA_NUM_RX_QUEUES, m.numRxQueues);
  if (m.master) w.attrU32(IFLA_MASTER, m.master);
  w.attrU8(IFLA_CARRIER, m.carrier ? 1 : 0);
  if (m.alias) w.attrString(IFLA_IFALIAS, m.alias);
  w.attrU32(IFLA_CARRIER_CHANGES, m.carrierUpCount + m.carrierDownCount);
  w.attrU32(IFLA_CARRIER_UP_COUNT, m.carrierUpCount);
  w.attrU32(IFLA_CARRIER_DOWN_COUNT, m.carrierDownCount);
  w.attrU16(IFLA_HEADROOM, 0);
  w.attrU16(IFLA_TAILROOM, 0);
  w.attrU8(IFLA_PROTO_DOWN, 0);
  if (m.event !== undefined) w.attrU32(IFLA_EVENT, m.event);
  w.attrBytes(IFLA_ADDRESS, m.address);
  w.attrBytes(IFLA_BROADCAST, m.broadcast);
  if (m.stats) {
    w.attrBytes(IFLA_STATS64, encodeStats(m.stats, 8));
    w.attrBytes(IFLA_STATS, encodeStats(m.stats, 4));
  } else {
    w.attrBytes(IFLA_STATS64, EMPTY_STATS64);
    w.attrBytes(IFLA_STATS, EMPTY_STATS);
  }
  const xdp = w.nestStart(IFLA_XDP);
  w.attrU8(IFLA_XDP_ATTACHED, 0);
  w.nestEnd(xdp);
  if (m.kind || m.slaveKind) {
    const info = w.nestStart(IFLA_LINKINFO);
    if (m.kind) w.attrString(IFLA_INFO_KIND, m.kind);
    if (m.kind && m.infoData) {
      const data = w.nestStart(IFLA_INFO_DATA);
      writeAttrsPayload(w, m.infoData);
      w.nestEnd(data);
    }
    if (m.slaveKind) {
      w.attrString(IFLA_INFO_SLAVE_KIND, m.slaveKind);
      if (m.slaveData) {
        const data = w.nestStart(IFLA_INFO_SLAVE_DATA);
        writeAttrsPayload(w, m.slaveData);
        w.nestEnd(data);
      }
    }
    w.nestEnd(info);
  }
  if (m.link !== m.index) w.attrU32(IFLA_LINK, m.link);
  if (m.qdisc) w.attrString(IFLA_QDISC, m.qdisc);
  writeAfSpec(w, m.afSpec);
  w.attrBytes(IFLA_MAP, EMPTY_MAP);
  if (m.altnames.length) {
    const props = w.nestStart(IFLA_PROP_LIST | NLA_F_NESTED);
    for (const alt of m.altnames) w.attrString(IFLA_ALT_IFNAME, alt);
    w.nestEnd(props);
  }
  w.nestStart(IFLA_DEVLINK_PORT | NLA_F_NESTED);
  w.nestStart(IFLA_DPLL_PIN | NLA_F_NESTED);
}

/** A complete RTM_NEWLINK / RTM_DELLINK message. */
export function writeLinkMessage(w: NlWriter, type: number, flags: number, seq: number, pid: number, m: LinkMessage): void {
  const at = w.msgStart(type, flags, seq, pid);
  writeLinkBody(w, m);
  w.msgEnd(at);
}
