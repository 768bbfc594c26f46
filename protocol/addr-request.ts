import {
  IFA_ADDRESS, IFA_ANYCAST, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS, IFA_LABEL, IFA_LOCAL, IFA_PROTO, IFA_RT_PRIORITY,
} from './constants.js';
import type { NlWriter } from './writer.js';

/**
 * A client's RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR request (the request side of
 * addr-message.ts): ifaddrmsg and the IFA_* attributes devinet.c / addrconf.c read, in the order
 * iproute2's ipaddr_modify() sends them. Absent fields are not sent.
 */
export interface AddrRequest {
  family: number;
  prefixlen?: number | undefined;
  /** IFA_F_* bits: the header carries values up to 0xff, IFA_FLAGS larger ones. */
  flags?: number | undefined;
  scope?: number | undefined;
  index?: number | undefined;
  local?: Uint8Array | undefined;
  address?: Uint8Array | undefined;
  broadcast?: Uint8Array | undefined;
  anycast?: Uint8Array | undefined;
  label?: string | undefined;
  /** IFA_RT_PRIORITY */
  rtPriority?: number | undefined;
  proto?: number | undefined;
  /** IFA_CACHEINFO lifetimes in seconds (0xffffffff = forever). */
  lifetimes?: { valid: number; preferred: number } | undefined;
}

export function writeAddrRequest(w: NlWriter, type: number, flags: number, seq: number, r: AddrRequest): void {
  const at = w.msgStart(type, flags, seq, 0);
  const f = r.flags ?? 0;
  w.u8(r.family).u8(r.prefixlen ?? 0).u8(f <= 0xff ? f : 0).u8(r.scope ?? 0).u32(r.index ?? 0);
  if (r.local) w.attrBytes(IFA_LOCAL, r.local);
  if (r.address) w.attrBytes(IFA_ADDRESS, r.address);
  if (r.broadcast) w.attrBytes(IFA_BROADCAST, r.broadcast);
  if (r.anycast) w.attrBytes(IFA_ANYCAST, r.anycast);
  if (r.label !== undefined) w.attrString(IFA_LABEL, r.label);
  if (r.rtPriority !== undefined) w.attrU32(IFA_RT_PRIORITY, r.rtPriority);
  if (r.proto !== undefined) w.attrU8(IFA_PROTO, r.proto);
  if (f > 0xff) w.attrU32(IFA_FLAGS, f);
  if (r.lifetimes) {
    const ci = w.nestStart(IFA_CACHEINFO);
    w.u32(r.lifetimes.preferred).u32(r.lifetimes.valid).u32(0).u32(0);
    w.nestEnd(ci);
  }
  w.msgEnd(at);
}
