import { Parser } from 'binary-parser';

// Fixed-size wire structs, decoded with binary-parser (but for the two on every request's path, below). binary-parser does not check bounds
// (a short buffer decodes silently), so every caller checks the length first.

export interface NlMsgHdr {
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}
export const NLMSGHDR_SIZE = 16;

/** struct rtgenmsg: the 1-byte family header of old dump requests. */
export const RTGENMSG_SIZE = 1;

export interface IfInfoMsg {
  family: number;
  pad: number;
  type: number;
  index: number;
  flags: number;
  change: number;
}
export const IFINFOMSG_SIZE = 16;

/** struct ifinfomsg */
const ifinfomsgParser = new Parser()
  .endianness('little')
  .uint8('family')
  .uint8('pad')
  .uint16('type')
  .int32('index')
  .uint32('flags')
  .uint32('change');

export interface IfAddrMsg {
  family: number;
  prefixlen: number;
  flags: number;
  scope: number;
  index: number;
}
export const IFADDRMSG_SIZE = 8;

/** struct ifaddrmsg */
const ifaddrmsgParser = new Parser()
  .endianness('little')
  .uint8('family')
  .uint8('prefixlen')
  .uint8('flags')
  .uint8('scope')
  .uint32('index');

export interface RtMsg {
  family: number;
  dstLen: number;
  srcLen: number;
  tos: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
}
export const RTMSG_SIZE = 12;

/** struct ndmsg (neighbour and FDB messages); ndm_state is u16, ndm_flags and ndm_type u8. */
export interface NdMsg {
  family: number;
  pad1: number;
  pad2: number;
  ifindex: number;
  state: number;
  flags: number;
  type: number;
}
export const NDMSG_SIZE = 12;

const ndmsgParser = new Parser()
  .endianness('little')
  .uint8('family')
  .uint8('pad1')
  .uint16('pad2')
  .int32('ifindex')
  .uint16('state')
  .uint8('flags')
  .uint8('type');

/** struct nda_cacheinfo: confirmed, used, updated ("ago", clock_t), refcnt. */
export const NDA_CACHEINFO_SIZE = 16;
/** struct ndtmsg: family and padding. */
export const NDTMSG_SIZE = 4;

/** struct rtnexthop: rtnh_len covers the header and its nested attributes. */
export interface RtNexthop {
  len: number;
  flags: number;
  hops: number;
  ifindex: number;
}
export const RTNEXTHOP_SIZE = 8;

const rtnexthopParser = new Parser()
  .endianness('little')
  .uint16('len')
  .uint8('flags')
  .uint8('hops')
  .int32('ifindex');

/** struct rta_cacheinfo */
export const RTA_CACHEINFO_SIZE = 32;

export interface IfaCacheinfo {
  prefered: number;
  valid: number;
  cstamp: number;
  tstamp: number;
}
export const IFA_CACHEINFO_SIZE = 16;

/** struct ifa_cacheinfo */
const ifaCacheinfoParser = new Parser()
  .endianness('little')
  .uint32('prefered')
  .uint32('valid')
  .uint32('cstamp')
  .uint32('tstamp');

/** struct ifla_vlan_flags (IFLA_VLAN_FLAGS): the flags, and which of them the request sets. */
export interface IflaVlanFlags {
  flags: number;
  mask: number;
}
export const IFLA_VLAN_FLAGS_SIZE = 8;

const iflaVlanFlagsParser = new Parser()
  .endianness('little')
  .uint32('flags')
  .uint32('mask');

export function encodeIflaVlanFlags(v: IflaVlanFlags): Buffer {
  const b = Buffer.alloc(IFLA_VLAN_FLAGS_SIZE);
  b.writeUInt32LE(v.flags >>> 0, 0);
  b.writeUInt32LE(v.mask >>> 0, 4);
  return b;
}

function checked<T>(parser: Parser, size: number, what: string) {
  return (buf: Buffer, offset = 0): T => {
    needs(buf, offset, size, what);
    return parser.parse(offset === 0 ? buf : buf.subarray(offset)) as T;
  };
}

function needs(buf: Buffer, offset: number, size: number, what: string): void {
  if (offset < 0 || buf.length - offset < size) {
    throw new RangeError(`${what} needs ${size} bytes at offset ${offset}, have ${buf.length - offset}`);
  }
}

// nlmsghdr and rtmsg are read on every request and every route change (a million per table
// push): read directly, as binary-parser's parse() makes a subarray and a DataView per call.

/** A little-endian u32 at `at` (plain byte reads: Buffer's readUInt32LE checks its arguments again on every call). */
export const u32le = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
/** A big-endian (network order) 32-bit value at `at` as a signed int, as IPv4 addresses are held. */
export const be32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) | 0;

/** Stores `v` as a little-endian u32 at `at` (u32le's twin, for encoders writing in place); returns where the next field starts. */
export function putU32le(b: Uint8Array, at: number, v: number): number {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
  return at + 4;
}

/** struct nlmsghdr */
export function decodeNlMsgHdr(buf: Buffer, offset = 0): NlMsgHdr {
  needs(buf, offset, NLMSGHDR_SIZE, 'nlmsghdr');
  return {
    len: u32le(buf, offset), type: buf[offset + 4]! | (buf[offset + 5]! << 8), flags: buf[offset + 6]! | (buf[offset + 7]! << 8),
    seq: u32le(buf, offset + 8), pid: u32le(buf, offset + 12),
  };
}

/** struct rtmsg */
export function decodeRtMsg(buf: Buffer, offset = 0): RtMsg {
  needs(buf, offset, RTMSG_SIZE, 'rtmsg');
  return {
    family: buf[offset]!, dstLen: buf[offset + 1]!, srcLen: buf[offset + 2]!, tos: buf[offset + 3]!, table: buf[offset + 4]!,
    protocol: buf[offset + 5]!, scope: buf[offset + 6]!, type: buf[offset + 7]!, flags: buf.readUInt32LE(offset + 8),
  };
}

/** struct fib_rule_hdr (include/uapi/linux/fib_rules.h) */
export interface FibRuleHdr {
  family: number;
  dstLen: number;
  srcLen: number;
  tos: number;
  table: number;
  res1: number;
  res2: number;
  action: number;
  flags: number;
}
export const FIB_RULE_HDR_SIZE = 12;

const fibRuleHdrParser = new Parser()
  .endianness('little')
  .uint8('family')
  .uint8('dstLen')
  .uint8('srcLen')
  .uint8('tos')
  .uint8('table')
  .uint8('res1')
  .uint8('res2')
  .uint8('action')
  .uint32('flags');

export const decodeIfInfoMsg = checked<IfInfoMsg>(ifinfomsgParser, IFINFOMSG_SIZE, 'ifinfomsg');
export const decodeIfAddrMsg = checked<IfAddrMsg>(ifaddrmsgParser, IFADDRMSG_SIZE, 'ifaddrmsg');
export const decodeNdMsg = checked<NdMsg>(ndmsgParser, NDMSG_SIZE, 'ndmsg');
export const decodeRtNexthop = checked<RtNexthop>(rtnexthopParser, RTNEXTHOP_SIZE, 'rtnexthop');
export const decodeIfaCacheinfo = checked<IfaCacheinfo>(ifaCacheinfoParser, IFA_CACHEINFO_SIZE, 'ifa_cacheinfo');
export const decodeFibRuleHdr = checked<FibRuleHdr>(fibRuleHdrParser, FIB_RULE_HDR_SIZE, 'fib_rule_hdr');
export const decodeIflaVlanFlags = checked<IflaVlanFlags>(iflaVlanFlagsParser, IFLA_VLAN_FLAGS_SIZE, 'ifla_vlan_flags');
