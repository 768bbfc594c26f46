import { NLA_HDRLEN, NLMSG_HDRLEN } from './align.js';
import { RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PREFSRC, RTA_PRIORITY, RTA_TABLE } from './constants.js';
import { be32, RTMSG_SIZE, u32le, type RtMsg } from './structs.js';

/**
 * The attributes a plain IPv4 route request carries (what `ip route add PREFIX via GW dev DEV
 * metric N table T src A` and the client library send). Each is a u32 in rtm_ipv4_policy, so a
 * 4-byte payload always passes its validation; anything else goes through policy.ts.
 */
export const PLAIN_ROUTE4_ATTRS: readonly number[] = [RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PRIORITY, RTA_PREFSRC, RTA_TABLE];

/** A plain IPv4 route request's rtmsg (less the family and source length) and attributes as numbers (addresses as big-endian ints, 0: absent). */
export interface PlainRoute4 extends Omit<RtMsg, 'family' | 'srcLen'> {
  dst: number;
  gateway: number;
  oif: number;
  priority: number;
  prefsrc: number;
  /** RTA_TABLE's value; -1 when absent. */
  rtaTable: number;
}

const ATTR_SIZE = NLA_HDRLEN + 4;
const PAYLOAD_START = NLMSG_HDRLEN + RTMSG_SIZE;


/**
 * Reads a request into `out` in place (no attribute objects, no table of them) when it is plain:
 * a whole rtmsg, then only PLAIN_ROUTE4_ATTRS, each exactly 4 bytes with no flag bits, and
 * nothing after them. Returns false otherwise, `out` then meaningless: the caller parses the
 * request with its policy (nlmsg_parse_deprecated), which gives every error and warning. A
 * repeated attribute keeps its last value, as tb[] does.
 */
export function readPlainRoute4(msg: Buffer, out: PlainRoute4): boolean {
  const end = msg.length;
  if (end < PAYLOAD_START) return false;
  const r = NLMSG_HDRLEN;
  out.dstLen = msg[r + 1]!;
  out.tos = msg[r + 3]!;
  out.table = msg[r + 4]!;
  out.protocol = msg[r + 5]!;
  out.scope = msg[r + 6]!;
  out.type = msg[r + 7]!;
  out.flags = u32le(msg, r + 8);
  out.dst = 0;
  out.gateway = 0;
  out.oif = 0;
  out.priority = 0;
  out.prefsrc = 0;
  out.rtaTable = -1;
  for (let pos = PAYLOAD_START; pos < end; pos += ATTR_SIZE) {
    if (end - pos < ATTR_SIZE || msg[pos] !== ATTR_SIZE || msg[pos + 1] !== 0 || msg[pos + 3] !== 0) return false;
    const at = pos + NLA_HDRLEN;
    switch (msg[pos + 2]) {
      case RTA_DST: out.dst = be32(msg, at); break;
      case RTA_GATEWAY: out.gateway = be32(msg, at); break;
      case RTA_OIF: out.oif = u32le(msg, at); break;
      case RTA_PRIORITY: out.priority = u32le(msg, at); break;
      case RTA_PREFSRC: out.prefsrc = be32(msg, at); break;
      case RTA_TABLE: out.rtaTable = u32le(msg, at); break;
      default: return false;
    }
  }
  return true;
}
