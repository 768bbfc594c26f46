import {
  IFA_TARGET_NETNSID,
  AF_INET6, IFA_ADDRESS, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS, IFA_LABEL, IFA_LOCAL, IFA_PROTO, IFA_RT_PRIORITY,
} from './constants.js';
import type { IfaCacheinfo } from './structs.js';
import type { NlWriter } from './writer.js';

/** Everything an RTM_NEWADDR/RTM_DELADDR message says about one address, as plain values. */
export interface AddrMessage {
  family: number;
  prefixlen: number;
  /** All 32 flag bits: ifa_flags carries the low 8, IFA_FLAGS all of them. */
  flags: number;
  scope: number;
  index: number;
  /** IFA_ADDRESS: IPv4's prefix (or peer) address; IPv6's address, or its peer when `local` is set. */
  address?: Uint8Array | undefined;
  /** IFA_LOCAL: IPv4's local address; IPv6's own address when it has a peer. */
  local?: Uint8Array | undefined;
  broadcast?: Uint8Array | undefined;
  label?: string | undefined;
  proto: number;
  rtPriority: number;
  cacheinfo: IfaCacheinfo;
  /** IFA_TARGET_NETNSID, the first attribute of replies about another namespace's addresses. */
  targetNetnsid?: number | undefined;
}

function nonZero(a: Uint8Array | undefined): a is Uint8Array {
  if (a === undefined) return false;
  // A plain loop, not some() with a callback: this runs for every IPv4 dump entry.
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return true;
  return false;
}

function writeCacheinfo(w: NlWriter, ci: IfaCacheinfo): void {
  const at = w.nestStart(IFA_CACHEINFO);
  w.u32(ci.prefered).u32(ci.valid).u32(ci.cstamp).u32(ci.tstamp);
  w.nestEnd(at);
}

/** devinet.c: inet_fill_ifaddr(), attributes in its order; zero addresses are left out. */
function fillInet4(w: NlWriter, m: AddrMessage): void {
  if (nonZero(m.address)) w.attrBytes(IFA_ADDRESS, m.address);
  if (nonZero(m.local)) w.attrBytes(IFA_LOCAL, m.local);
  if (nonZero(m.broadcast)) w.attrBytes(IFA_BROADCAST, m.broadcast);
  if (m.label) w.attrString(IFA_LABEL, m.label);
  if (m.proto) w.attrU8(IFA_PROTO, m.proto);
  w.attrU32(IFA_FLAGS, m.flags);
  if (m.rtPriority) w.attrU32(IFA_RT_PRIORITY, m.rtPriority);
  writeCacheinfo(w, m.cacheinfo);
}

/** addrconf.c: inet6_fill_ifaddr(): no label or broadcast, CACHEINFO before FLAGS, PROTO last. */
function fillInet6(w: NlWriter, m: AddrMessage): void {
  if (m.local) w.attrBytes(IFA_LOCAL, m.local);
  if (m.address) w.attrBytes(IFA_ADDRESS, m.address);
  if (m.rtPriority) w.attrU32(IFA_RT_PRIORITY, m.rtPriority);
  writeCacheinfo(w, m.cacheinfo);
  w.attrU32(IFA_FLAGS, m.flags);
  if (m.proto) w.attrU8(IFA_PROTO, m.proto);
}

/** The ifaddrmsg and attributes of one address. */
export function writeAddrBody(w: NlWriter, m: AddrMessage): void {
  w.u8(m.family).u8(m.prefixlen).u8(m.flags & 0xff).u8(m.scope).u32(m.index);
  if (m.targetNetnsid !== undefined) w.attrS32(IFA_TARGET_NETNSID, m.targetNetnsid);
  (m.family === AF_INET6 ? fillInet6 : fillInet4)(w, m);
}

/** A complete RTM_NEWADDR / RTM_DELADDR message. */
export function writeAddrMessage(w: NlWriter, type: number, flags: number, seq: number, pid: number, m: AddrMessage): void {
  const at = w.msgStart(type, flags, seq, pid);
  writeAddrBody(w, m);
  w.msgEnd(at);
}
