import { AF_BRIDGE, IFLA_ADDRESS, IFLA_IFNAME, IFLA_LINK, IFLA_MASTER, IFLA_MTU, IFLA_OPERSTATE, IFLA_PROTINFO, NLA_F_NESTED } from './constants.js';
import { writeAttrsPayload, type AttrsPayload } from './typed-attrs.js';
import type { NlWriter } from './writer.js';

/** What an AF_BRIDGE RTM_NEWLINK/DELLINK says about a bridge port (net/bridge/br_netlink.c: br_fill_ifinfo). */
export interface BridgePortMessage {
  deviceType: number;
  index: number;
  flags: number;
  name: string;
  master: number;
  mtu: number;
  operstate: number;
  address: Uint8Array;
  /** iflink; emitted when it differs from the index. */
  link: number;
  /** IFLA_BRPORT_* attributes (RTM_NEWLINK only). */
  protinfo?: AttrsPayload;
}

export function writeBridgePortMessage(w: NlWriter, type: number, flags: number, seq: number, pid: number, m: BridgePortMessage): void {
  const at = w.msgStart(type, flags, seq, pid);
  w.u8(AF_BRIDGE).u8(0).u16(m.deviceType).s32(m.index).u32(m.flags).u32(0);
  w.attrString(IFLA_IFNAME, m.name);
  w.attrU32(IFLA_MASTER, m.master);
  w.attrU32(IFLA_MTU, m.mtu);
  w.attrU8(IFLA_OPERSTATE, m.operstate);
  w.attrBytes(IFLA_ADDRESS, m.address);
  if (m.link !== m.index) w.attrU32(IFLA_LINK, m.link);
  if (m.protinfo) {
    const nest = w.nestStart(IFLA_PROTINFO | NLA_F_NESTED);
    writeAttrsPayload(w, m.protinfo);
    w.nestEnd(nest);
  }
  w.msgEnd(at);
}
