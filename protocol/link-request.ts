import {
  IFLA_ADDRESS, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_CARRIER, IFLA_EXT_MASK, IFLA_GROUP, IFLA_IFALIAS, IFLA_IFNAME,
  IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA, IFLA_INFO_SLAVE_KIND, IFLA_LINK, IFLA_LINKINFO, IFLA_LINKMODE,
  IFLA_MASTER, IFLA_MTU, IFLA_NUM_RX_QUEUES, IFLA_NUM_TX_QUEUES, IFLA_OPERSTATE, IFLA_TXQLEN, VETH_INFO_PEER,
} from './constants.js';
import { writeTypedAttrs, type TypedAttr } from './typed-attrs.js';
import type { NlWriter } from './writer.js';

/**
 * A client's RTM_NEWLINK / RTM_SETLINK / RTM_DELLINK / RTM_GETLINK request: the ifinfomsg and
 * the IFLA_* attributes a client sets (rtnetlink.c reads them in rtnl_newlink / do_setlink).
 * Absent fields are not sent.
 */
export interface LinkRequest {
  family?: number | undefined;
  deviceType?: number | undefined;
  /** ifi_index: 0 to identify the device by name instead. */
  index?: number | undefined;
  flags?: number | undefined;
  change?: number | undefined;
  /** IFLA_IFNAME: the device's name (lookup) or its new name (with an index). */
  name?: string | undefined;
  /** IFLA_ALT_IFNAME: look the device up by an alternative name. */
  altName?: string | undefined;
  mtu?: number | undefined;
  txqlen?: number | undefined;
  address?: Uint8Array | undefined;
  broadcast?: Uint8Array | undefined;
  group?: number | undefined;
  /** IFLA_IFALIAS; an empty string removes the alias. */
  alias?: string | undefined;
  /** IFLA_MASTER; 0 releases the device from its master. */
  master?: number | undefined;
  /** IFLA_LINK: the lower device (vlan, macvlan). */
  link?: number | undefined;
  carrier?: boolean | undefined;
  operstate?: number | undefined;
  linkmode?: number | undefined;
  numTxQueues?: number | undefined;
  numRxQueues?: number | undefined;
  /** IFLA_EXT_MASK (RTEXT_FILTER_*), for GET requests. */
  extMask?: number | undefined;
  /** IFLA_LINKINFO { IFLA_INFO_KIND } */
  kind?: string | undefined;
  /** IFLA_LINKINFO { IFLA_INFO_DATA { ... } } */
  infoData?: readonly TypedAttr[] | undefined;
  /** veth: VETH_INFO_PEER inside IFLA_INFO_DATA, the peer's own ifinfomsg and attributes. */
  peer?: LinkRequest | undefined;
  slaveKind?: string | undefined;
  slaveData?: readonly TypedAttr[] | undefined;
}

function writeIfInfoMsg(w: NlWriter, r: LinkRequest): void {
  w.u8(r.family ?? 0).u8(0).u16(r.deviceType ?? 0).s32(r.index ?? 0).u32(r.flags ?? 0).u32(r.change ?? 0);
}

function writeAttrs(w: NlWriter, r: LinkRequest): void {
  if (r.name !== undefined) w.attrString(IFLA_IFNAME, r.name);
  if (r.altName !== undefined) w.attrString(IFLA_ALT_IFNAME, r.altName);
  if (r.link !== undefined) w.attrU32(IFLA_LINK, r.link);
  if (r.mtu !== undefined) w.attrU32(IFLA_MTU, r.mtu);
  if (r.txqlen !== undefined) w.attrU32(IFLA_TXQLEN, r.txqlen);
  if (r.address !== undefined) w.attrBytes(IFLA_ADDRESS, r.address);
  if (r.broadcast !== undefined) w.attrBytes(IFLA_BROADCAST, r.broadcast);
  if (r.group !== undefined) w.attrU32(IFLA_GROUP, r.group);
  if (r.alias !== undefined) {
    // iproute2 sends the alias without a NUL, and an empty payload to remove it.
    w.attrBytes(IFLA_IFALIAS, Buffer.from(r.alias, 'utf8'));
  }
  if (r.master !== undefined) w.attrU32(IFLA_MASTER, r.master);
  if (r.carrier !== undefined) w.attrU8(IFLA_CARRIER, r.carrier ? 1 : 0);
  if (r.operstate !== undefined) w.attrU8(IFLA_OPERSTATE, r.operstate);
  if (r.linkmode !== undefined) w.attrU8(IFLA_LINKMODE, r.linkmode);
  if (r.numTxQueues !== undefined) w.attrU32(IFLA_NUM_TX_QUEUES, r.numTxQueues);
  if (r.numRxQueues !== undefined) w.attrU32(IFLA_NUM_RX_QUEUES, r.numRxQueues);
  if (r.extMask !== undefined) w.attrU32(IFLA_EXT_MASK, r.extMask);
  if (r.kind !== undefined || r.slaveKind !== undefined) {
    const info = w.nestStart(IFLA_LINKINFO);
    if (r.kind !== undefined) {
      w.attrString(IFLA_INFO_KIND, r.kind);
      if (r.infoData || r.peer) {
        const data = w.nestStart(IFLA_INFO_DATA);
        if (r.infoData) writeTypedAttrs(w, r.infoData);
        if (r.peer) {
          const peer = w.nestStart(VETH_INFO_PEER);
          writeIfInfoMsg(w, r.peer);
          writeAttrs(w, r.peer);
          w.nestEnd(peer);
        }
        w.nestEnd(data);
      }
    }
    if (r.slaveKind !== undefined) {
      w.attrString(IFLA_INFO_SLAVE_KIND, r.slaveKind);
      if (r.slaveData) {
        const data = w.nestStart(IFLA_INFO_SLAVE_DATA);
        writeTypedAttrs(w, r.slaveData);
        w.nestEnd(data);
      }
    }
    w.nestEnd(info);
  }
}

/** The ifinfomsg and attributes of a link request (without nlmsghdr). */
export function writeLinkRequestBody(w: NlWriter, r: LinkRequest): void {
  writeIfInfoMsg(w, r);
  writeAttrs(w, r);
}

/** A complete link request message. */
export function writeLinkRequest(w: NlWriter, type: number, flags: number, seq: number, r: LinkRequest): void {
  const at = w.msgStart(type, flags, seq, 0);
  writeLinkRequestBody(w, r);
  w.msgEnd(at);
}
