import { RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PREFSRC, RTA_PRIORITY, RTA_TABLE } from './constants.js';
import { rtmTable } from './route-message.js';
import type { NlWriter } from './writer.js';

/**
 * A client's RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE request (the request side of
 * route-message.ts): rtmsg and the RTA_* attributes iproute2's iproute_modify() sends, in its
 * order. Absent fields are not sent; a table above 255 goes in RTA_TABLE.
 */
export interface RouteRequest {
  family: number;
  dstLen?: number | undefined;
  tos?: number | undefined;
  table?: number | undefined;
  protocol?: number | undefined;
  scope?: number | undefined;
  type?: number | undefined;
  flags?: number | undefined;
  dst?: Uint8Array | undefined;
  gateway?: Uint8Array | undefined;
  oif?: number | undefined;
  priority?: number | undefined;
  prefsrc?: Uint8Array | undefined;
}

export function writeRouteRequest(w: NlWriter, type: number, flags: number, seq: number, r: RouteRequest): void {
  const at = w.msgStart(type, flags, seq, 0);
  const table = r.table ?? 0;
  w.u8(r.family).u8(r.dstLen ?? 0).u8(0).u8(r.tos ?? 0).u8(rtmTable(table)).u8(r.protocol ?? 0).u8(r.scope ?? 0).u8(r.type ?? 0)
    .u32(r.flags ?? 0);
  if (table > 255) w.attrU32(RTA_TABLE, table);
  if (r.dst) w.attrBytes(RTA_DST, r.dst);
  if (r.priority !== undefined) w.attrU32(RTA_PRIORITY, r.priority);
  if (r.prefsrc) w.attrBytes(RTA_PREFSRC, r.prefsrc);
  if (r.gateway) w.attrBytes(RTA_GATEWAY, r.gateway);
  if (r.oif) w.attrU32(RTA_OIF, r.oif);
  w.msgEnd(at);
}
