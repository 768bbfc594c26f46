import {
  FRA_DPORT_MASK, FRA_DPORT_RANGE, FRA_DSCP, FRA_DSCP_MASK, FRA_DST, FRA_FLOW, FRA_FLOWLABEL, FRA_FLOWLABEL_MASK,
  FRA_FWMARK, FRA_FWMASK, FRA_GOTO, FRA_IIFNAME, FRA_IP_PROTO, FRA_L3MDEV, FRA_OIFNAME, FRA_PAD, FRA_PRIORITY,
  FRA_PROTOCOL, FRA_SPORT_MASK, FRA_SPORT_RANGE, FRA_SRC, FRA_SUPPRESS_IFGROUP, FRA_SUPPRESS_PREFIXLEN, FRA_TABLE,
  FRA_TUN_ID, FRA_UID_RANGE, RT_TABLE_COMPAT,
} from './constants.js';
import { forEachAttr } from './attr-walk.js';
import { decodeFibRuleHdr, FIB_RULE_HDR_SIZE, NLMSGHDR_SIZE, type FibRuleHdr } from './structs.js';
import type { NlWriter } from './writer.js';

export interface PortRangeMessage {
  start: number;
  end: number;
}

/** Everything an RTM_NEWRULE / RTM_DELRULE message says about one rule, as plain values. */
export interface RuleMessage extends Omit<FibRuleHdr, 'res1' | 'res2'> {
  /** The full table id (FRA_TABLE); the header says RT_TABLE_COMPAT above 255. */
  table: number;
  suppressPrefixlen: number;
  protocol: number;
  iifname?: string | undefined;
  oifname?: string | undefined;
  priority: number;
  fwmark: number;
  fwmask: number;
  goto: number;
  tunId?: bigint | undefined;
  l3mdev: number;
  uidRange?: { start: number; end: number } | undefined;
  sportRange?: PortRangeMessage | undefined;
  sportMask: number;
  dportRange?: PortRangeMessage | undefined;
  dportMask: number;
  ipProto: number;
  /** -1: none. */
  suppressIfgroup: number;
  dst?: Uint8Array | undefined;
  src?: Uint8Array | undefined;
  flow: number;
  dscp?: number | undefined;
  dscpMask?: number | undefined;
  flowlabel?: number | undefined;
  flowlabelMask?: number | undefined;
}

function writeRange(w: NlWriter, type: number, r: PortRangeMessage): void {
  w.attrBytes(type, Uint8Array.of(r.start & 0xff, r.start >> 8, r.end & 0xff, r.end >> 8));
}

/**
 * fib_nl_fill_rule() then the family's fill (fib4_rule_fill / fib6_rule_fill): the attributes in
 * the kernel's order. PRIORITY only when not 0; FWMASK when a mark or a mask is set.
 */
export function writeRuleMessage(w: NlWriter, type: number, nlflags: number, seq: number, pid: number, m: RuleMessage): void {
  const at = w.msgStart(type, nlflags, seq, pid);
  w.u8(m.family).u8(m.dstLen).u8(m.srcLen).u8(m.tos).u8(m.table < 256 ? m.table : RT_TABLE_COMPAT).u8(0).u8(0).u8(m.action).u32(m.flags >>> 0);
  w.attrU32(FRA_TABLE, m.table >>> 0);
  w.attrS32(FRA_SUPPRESS_PREFIXLEN, m.suppressPrefixlen);
  w.attrU8(FRA_PROTOCOL, m.protocol);
  if (m.iifname !== undefined) w.attrString(FRA_IIFNAME, m.iifname);
  if (m.oifname !== undefined) w.attrString(FRA_OIFNAME, m.oifname);
  if (m.priority) w.attrU32(FRA_PRIORITY, m.priority);
  if (m.fwmark) w.attrU32(FRA_FWMARK, m.fwmark);
  if (m.fwmark || m.fwmask) w.attrU32(FRA_FWMASK, m.fwmask);
  if (m.goto) w.attrU32(FRA_GOTO, m.goto);
  if (m.tunId) {
    // nla_put_be64 with FRA_PAD: an empty pad attribute first when the value would sit unaligned.
    if ((w.length + 4) % 8 !== 0) w.attrBytes(FRA_PAD, new Uint8Array(0));
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(m.tunId);
    w.attrBytes(FRA_TUN_ID, b);
  }
  if (m.l3mdev) w.attrU8(FRA_L3MDEV, m.l3mdev);
  if (m.uidRange) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(m.uidRange.start >>> 0, 0);
    b.writeUInt32LE(m.uidRange.end >>> 0, 4);
    w.attrBytes(FRA_UID_RANGE, b);
  }
  if (m.sportRange) writeRange(w, FRA_SPORT_RANGE, m.sportRange);
  if (m.sportMask) w.attrU16(FRA_SPORT_MASK, m.sportMask);
  if (m.dportRange) writeRange(w, FRA_DPORT_RANGE, m.dportRange);
  if (m.dportMask) w.attrU16(FRA_DPORT_MASK, m.dportMask);
  if (m.ipProto) w.attrU8(FRA_IP_PROTO, m.ipProto);
  if (m.suppressIfgroup !== -1) w.attrU32(FRA_SUPPRESS_IFGROUP, m.suppressIfgroup >>> 0);
  if (m.dscp !== undefined) {
    w.attrU8(FRA_DSCP, m.dscp);
    w.attrU8(FRA_DSCP_MASK, m.dscpMask ?? 0x3f);
  }
  if (m.flowlabelMask) {
    w.attrU32(FRA_FLOWLABEL, bswap32(m.flowlabel ?? 0));
    w.attrU32(FRA_FLOWLABEL_MASK, bswap32(m.flowlabelMask));
  }
  if (m.dstLen && m.dst) w.attrBytes(FRA_DST, m.dst);
  if (m.srcLen && m.src) w.attrBytes(FRA_SRC, m.src);
  if (m.flow) w.attrU32(FRA_FLOW, m.flow);
  w.msgEnd(at);
}

/** A big-endian u32 written by a little-endian writer. */
const bswap32 = (v: number) => (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

/** Reads an RTM_NEWRULE message back (client library, CLI): the inverse of writeRuleMessage. */
export function decodeRuleMessage(msg: Buffer): RuleMessage {
  const h = decodeFibRuleHdr(msg, NLMSGHDR_SIZE);
  const m: RuleMessage = {
    family: h.family, dstLen: h.dstLen, srcLen: h.srcLen, tos: h.tos, table: h.table, action: h.action, flags: h.flags,
    suppressPrefixlen: -1, protocol: 0, priority: 0, fwmark: 0, fwmask: 0, goto: 0, l3mdev: 0, sportMask: 0, dportMask: 0,
    ipProto: 0, suppressIfgroup: -1, flow: 0,
  };
  const range = decodePortRange;
  forEachAttr(msg, NLMSGHDR_SIZE + FIB_RULE_HDR_SIZE, msg.length, (a) => {
    const d = a.data;
    switch (a.type) {
      case FRA_TABLE: m.table = d.readUInt32LE(0); break;
      case FRA_SUPPRESS_PREFIXLEN: m.suppressPrefixlen = d.readInt32LE(0); break;
      case FRA_PROTOCOL: m.protocol = d[0]!; break;
      case FRA_IIFNAME: m.iifname = d.toString('latin1').replace(/\0.*$/s, ''); break;
      case FRA_OIFNAME: m.oifname = d.toString('latin1').replace(/\0.*$/s, ''); break;
      case FRA_PRIORITY: m.priority = d.readUInt32LE(0); break;
      case FRA_FWMARK: m.fwmark = d.readUInt32LE(0); break;
      case FRA_FWMASK: m.fwmask = d.readUInt32LE(0); break;
      case FRA_GOTO: m.goto = d.readUInt32LE(0); break;
      case FRA_TUN_ID: m.tunId = d.readBigUInt64BE(0); break;
      case FRA_L3MDEV: m.l3mdev = d[0]!; break;
      case FRA_UID_RANGE: m.uidRange = decodeUidRange(d); break;
      case FRA_SPORT_RANGE: m.sportRange = range(d); break;
      case FRA_SPORT_MASK: m.sportMask = d.readUInt16LE(0); break;
      case FRA_DPORT_RANGE: m.dportRange = range(d); break;
      case FRA_DPORT_MASK: m.dportMask = d.readUInt16LE(0); break;
      case FRA_IP_PROTO: m.ipProto = d[0]!; break;
      case FRA_SUPPRESS_IFGROUP: m.suppressIfgroup = d.readInt32LE(0); break;
      case FRA_DST: m.dst = new Uint8Array(d); break;
      case FRA_SRC: m.src = new Uint8Array(d); break;
      case FRA_FLOW: m.flow = d.readUInt32LE(0); break;
      case FRA_DSCP: m.dscp = d[0]!; break;
      case FRA_DSCP_MASK: m.dscpMask = d[0]!; break;
      case FRA_FLOWLABEL: m.flowlabel = d.readUInt32BE(0); break;
      case FRA_FLOWLABEL_MASK: m.flowlabelMask = d.readUInt32BE(0); break;
    }
  });
  return m;
}

/** struct fib_rule_port_range of an FRA_SPORT_RANGE / FRA_DPORT_RANGE payload. */
export function decodePortRange(d: Buffer): PortRangeMessage {
  return { start: d.readUInt16LE(0), end: d.readUInt16LE(2) };
}

/** struct fib_rule_uid_range of an FRA_UID_RANGE payload. */
export function decodeUidRange(d: Buffer): { start: number; end: number } {
  return { start: d.readUInt32LE(0), end: d.readUInt32LE(4) };
}

/** FRA_TUN_ID (be64) as a decimal string; FRA_FLOWLABEL* (be32) as numbers. */
export const decodeTunId = (d: Buffer): string => d.readBigUInt64BE(0).toString();
export const decodeBe32 = (d: Buffer): number => d.readUInt32BE(0);
