import {
  FRA_DPORT_RANGE, FRA_DST, FRA_FWMARK, FRA_FWMASK, FRA_GOTO, FRA_IIFNAME, FRA_IP_PROTO, FRA_OIFNAME, FRA_PRIORITY,
  FRA_PROTOCOL, FRA_SPORT_RANGE, FRA_SRC, FRA_SUPPRESS_IFGROUP, FRA_SUPPRESS_PREFIXLEN, FRA_TABLE, FRA_UID_RANGE,
} from './constants.js';
import type { PortRangeMessage } from './rule-message.js';
import type { NlWriter } from './writer.js';

/**
 * A client's RTM_NEWRULE / RTM_DELRULE / RTM_GETRULE request (the request side of
 * rule-message.ts): fib_rule_hdr and the FRA_* attributes iproute2's iprule_modify() sends.
 * Absent fields are not sent; a table above 255 goes in FRA_TABLE.
 */
export interface RuleRequest {
  family: number;
  srcLen?: number | undefined;
  dstLen?: number | undefined;
  tos?: number | undefined;
  table?: number | undefined;
  action?: number | undefined;
  flags?: number | undefined;
  src?: Uint8Array | undefined;
  dst?: Uint8Array | undefined;
  priority?: number | undefined;
  fwmark?: number | undefined;
  fwmask?: number | undefined;
  iifname?: string | undefined;
  oifname?: string | undefined;
  goto?: number | undefined;
  suppressPrefixlen?: number | undefined;
  suppressIfgroup?: number | undefined;
  protocol?: number | undefined;
  uidRange?: { start: number; end: number } | undefined;
  ipProto?: number | undefined;
  sportRange?: PortRangeMessage | undefined;
  dportRange?: PortRangeMessage | undefined;
}

const range = (r: PortRangeMessage) => Uint8Array.of(r.start & 0xff, r.start >> 8, r.end & 0xff, r.end >> 8);

export function writeRuleRequest(w: NlWriter, type: number, flags: number, seq: number, r: RuleRequest): void {
  const at = w.msgStart(type, flags, seq, 0);
  const table = r.table ?? 0;
  w.u8(r.family).u8(r.dstLen ?? 0).u8(r.srcLen ?? 0).u8(r.tos ?? 0).u8(table < 256 ? table : 0).u8(0).u8(0).u8(r.action ?? 0)
    .u32(r.flags ?? 0);
  if (r.priority !== undefined) w.attrU32(FRA_PRIORITY, r.priority);
  if (r.src) w.attrBytes(FRA_SRC, r.src);
  if (r.dst) w.attrBytes(FRA_DST, r.dst);
  if (r.fwmark !== undefined) w.attrU32(FRA_FWMARK, r.fwmark);
  if (r.fwmask !== undefined) w.attrU32(FRA_FWMASK, r.fwmask);
  if (table > 255) w.attrU32(FRA_TABLE, table);
  if (r.suppressPrefixlen !== undefined) w.attrU32(FRA_SUPPRESS_PREFIXLEN, r.suppressPrefixlen >>> 0);
  if (r.suppressIfgroup !== undefined) w.attrU32(FRA_SUPPRESS_IFGROUP, r.suppressIfgroup >>> 0);
  if (r.iifname !== undefined) w.attrString(FRA_IIFNAME, r.iifname);
  if (r.oifname !== undefined) w.attrString(FRA_OIFNAME, r.oifname);
  if (r.uidRange) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(r.uidRange.start >>> 0, 0);
    b.writeUInt32LE(r.uidRange.end >>> 0, 4);
    w.attrBytes(FRA_UID_RANGE, b);
  }
  if (r.ipProto !== undefined) w.attrU8(FRA_IP_PROTO, r.ipProto);
  if (r.sportRange) w.attrBytes(FRA_SPORT_RANGE, range(r.sportRange));
  if (r.dportRange) w.attrBytes(FRA_DPORT_RANGE, range(r.dportRange));
  if (r.goto !== undefined) w.attrU32(FRA_GOTO, r.goto);
  if (r.protocol !== undefined) w.attrU8(FRA_PROTOCOL, r.protocol);
  w.msgEnd(at);
}
