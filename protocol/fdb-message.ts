import { AF_BRIDGE, NDA_CACHEINFO, NDA_FLAGS_EXT, NDA_LLADDR, NDA_MASTER, NDA_VLAN } from './constants.js';
import { forEachAttr } from './attr-walk.js';
import { decodeNdMsg, NDMSG_SIZE, NLMSGHDR_SIZE } from './structs.js';
import type { NlWriter } from './writer.js';

/** A bridge FDB entry as fdb_fill_info() shows it, or a device list entry (ndo_dflt_fdb_dump: `self`). */
export interface FdbMessage {
  ifindex: number;
  state: number;
  flags: number;
  lladdr: Uint8Array;
  /** Master entries only: NDA_MASTER, NDA_CACHEINFO (clock_t ages), NDA_VLAN when not 0. */
  master?: number | undefined;
  used?: number | undefined;
  updated?: number | undefined;
  vid?: number | undefined;
}

/**
 * ndmsg{AF_BRIDGE} then NDA_LLADDR, and for a bridge's entry NDA_MASTER, NDA_FLAGS_EXT (always),
 * NDA_CACHEINFO {confirmed 0, used, updated, refcnt 0} and NDA_VLAN (fdb_fill_info's order).
 */
export function writeFdbMessage(w: NlWriter, type: number, nlflags: number, seq: number, pid: number, m: FdbMessage): void {
  const at = w.msgStart(type, nlflags, seq, pid);
  w.u8(AF_BRIDGE).u8(0).u16(0).u32(m.ifindex).u16(m.state).u8(m.flags).u8(0);
  w.attrBytes(NDA_LLADDR, m.lladdr);
  if (m.master !== undefined) {
    w.attrU32(NDA_MASTER, m.master);
    w.attrU32(NDA_FLAGS_EXT, 0);
    const ci = Buffer.alloc(16);
    ci.writeUInt32LE(m.used ?? 0, 4);
    ci.writeUInt32LE(m.updated ?? 0, 8);
    w.attrBytes(NDA_CACHEINFO, ci);
    if (m.vid) w.attrU16(NDA_VLAN, m.vid);
  }
  w.msgEnd(at);
}

/** Reads an AF_BRIDGE RTM_NEWNEIGH back (client library, CLI): the inverse of writeFdbMessage. */
export function decodeFdbMessage(msg: Buffer): FdbMessage {
  const ndm = decodeNdMsg(msg, NLMSGHDR_SIZE);
  const m: FdbMessage = { ifindex: ndm.ifindex, state: ndm.state, flags: ndm.flags, lladdr: new Uint8Array(0) };
  forEachAttr(msg, NLMSGHDR_SIZE + NDMSG_SIZE, msg.length, (a) => {
    if (a.type === NDA_LLADDR) m.lladdr = new Uint8Array(a.data);
    else if (a.type === NDA_MASTER && a.data.length >= 4) m.master = a.data.readUInt32LE(0);
    else if (a.type === NDA_VLAN && a.data.length >= 2) m.vid = a.data.readUInt16LE(0);
    else if (a.type === NDA_CACHEINFO && a.data.length >= 16) {
      m.used = a.data.readUInt32LE(4);
      m.updated = a.data.readUInt32LE(8);
    }
  });
  return m;
}

/** A `bridge fdb add|del|show` request: ndmsg{AF_BRIDGE} and NDA_LLADDR / NDA_VLAN (fdb_modify's order). */
export function writeFdbRequest(w: NlWriter, type: number, flags: number, seq: number, r: { ifindex: number; state: number; flags: number; lladdr?: Uint8Array | undefined; vid?: number | undefined }): void {
  const at = w.msgStart(type, flags, seq, 0);
  w.u8(AF_BRIDGE).u8(0).u16(0).u32(r.ifindex).u16(r.state).u8(r.flags).u8(0);
  if (r.lladdr) w.attrBytes(NDA_LLADDR, r.lladdr);
  if (r.vid) w.attrU16(NDA_VLAN, r.vid);
  w.msgEnd(at);
}
