import { nlmsgLen } from './nlmsg.js';
import { attrMap, readString, readU32, readU8, walkAttrs } from './attr-walk.js';
import type { AddrMessage } from './addr-message.js';
import {
  IFA_ADDRESS, IFA_ANYCAST, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS, IFA_LABEL, IFA_LOCAL, IFA_MULTICAST, IFA_PROTO,
  IFA_RT_PRIORITY,
} from './constants.js';
import { decodeIfaCacheinfo, decodeIfAddrMsg, IFA_CACHEINFO_SIZE, IFADDRMSG_SIZE, NLMSGHDR_SIZE, type IfaCacheinfo } from './structs.js';

/**
 * An RTM_NEWADDR / RTM_DELADDR message read back into the AddrMessage shape that
 * addr-message.ts encodes (the reply side of it), plus what a reader also meets:
 * the header's own ifa_flags, IFA_ANYCAST / IFA_MULTICAST, and a CACHEINFO that may be absent.
 */
export interface DecodedAddr extends Omit<AddrMessage, 'cacheinfo'> {
  /** ifa_flags of the header (the low 8 bits); `flags` is IFA_FLAGS when present, else this. */
  headerFlags: number;
  anycast?: Uint8Array | undefined;
  multicast?: Uint8Array | undefined;
  cacheinfo?: IfaCacheinfo | undefined;
}

/**
 * Decodes an RTM_NEWADDR / RTM_DELADDR message (header included). Throws RangeError when it is
 * shorter than nlmsghdr + ifaddrmsg; malformed attributes end the attribute walk.
 * IFA_PROTO and IFA_RT_PRIORITY read 0 when absent, as the kernel leaves them out when 0.
 */
export function decodeAddrMessage(msg: Buffer): DecodedAddr {
  const len = Math.min(msg.length, nlmsgLen(msg));
  const ifa = decodeIfAddrMsg(msg.subarray(0, len), NLMSGHDR_SIZE);
  const tb = attrMap(walkAttrs(msg, NLMSGHDR_SIZE + IFADDRMSG_SIZE, len));
  const bytes = (t: number) => {
    const b = tb.get(t);
    return b ? new Uint8Array(b) : undefined;
  };
  const ci = tb.get(IFA_CACHEINFO);
  return {
    family: ifa.family,
    prefixlen: ifa.prefixlen,
    flags: readU32(tb.get(IFA_FLAGS)) ?? ifa.flags,
    headerFlags: ifa.flags,
    scope: ifa.scope,
    index: ifa.index,
    address: bytes(IFA_ADDRESS),
    local: bytes(IFA_LOCAL),
    broadcast: bytes(IFA_BROADCAST),
    anycast: bytes(IFA_ANYCAST),
    multicast: bytes(IFA_MULTICAST),
    label: readString(tb.get(IFA_LABEL)),
    proto: readU8(tb.get(IFA_PROTO)) ?? 0,
    rtPriority: readU32(tb.get(IFA_RT_PRIORITY)) ?? 0,
    cacheinfo: ci && ci.length >= IFA_CACHEINFO_SIZE ? decodeIfaCacheinfo(ci) : undefined,
  };
}
