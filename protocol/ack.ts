import { align4, NLMSG_HDRLEN } from './align.js';
import {
  NLA_F_NESTED, NLMSG_DONE, NLMSG_ERROR, NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_POLICY,
  NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_MULTI,
} from './constants.js';
import type { NlError } from './nl-error.js';
import { u32le } from './structs.js';
import type { NlWriter } from './writer.js';

export interface AckOptions {
  /** NETLINK_CAP_ACK: error replies carry only the request header. */
  capAck: boolean;
  /** NETLINK_EXT_ACK: attach extended-ack TLVs. */
  extAck: boolean;
}

/** Extended-ack content: an error (or, for a warning on success, only `extMsg`). */
export type AckDetail = Pick<NlError, 'extMsg' | 'offset' | 'policy'> & { missType?: number | undefined };

function writeTlvs(w: NlWriter, errno: number, detail: AckDetail | undefined, withOffsets: boolean): boolean {
  if (!detail) return false;
  const start = w.length;
  if (detail.extMsg) w.attrString(NLMSGERR_ATTR_MSG, detail.extMsg);
  if (errno !== 0 && withOffsets) {
    if (detail.offset !== undefined) w.attrU32(NLMSGERR_ATTR_OFFS, detail.offset);
    // netlink_ack_tlv_fill(): MISS_TYPE follows OFFS and precedes the POLICY nest.
    if (detail.missType !== undefined) w.attrU32(NLMSGERR_ATTR_MISS_TYPE, detail.missType);
    if (detail.policy) {
      const nest = w.nestStart(NLMSGERR_ATTR_POLICY | NLA_F_NESTED);
      for (const [type, kind, value] of detail.policy.entries) {
        if (kind === 'u32') w.attrU32(type, Number(value));
        else w.attrU64(type, BigInt.asUintN(64, BigInt(value)));
      }
      w.nestEnd(nest);
    }
  }
  return w.length > start;
}

/**
 * NLMSG_ERROR as af_netlink.c: netlink_ack() builds it. `request` is the whole request
 * message (header included, as received); `errno` is positive or 0.
 */
export function writeAck(
  w: NlWriter, request: Buffer, errno: number, portid: number, opts: AckOptions, detail?: AckDetail,
): void {
  const capped = errno === 0 || opts.capAck;
  const seq = u32le(request, 8);
  const at = w.msgStart(NLMSG_ERROR, capped ? NLM_F_CAPPED : 0, seq, portid);
  w.s32(-errno);
  if (capped) {
    w.copyFrom(request, 0, NLMSG_HDRLEN);
  } else {
    w.bytes(request);
    w.zeros(align4(request.length) - request.length);
  }
  if (opts.extAck && writeTlvs(w, errno, detail, true)) w.orMsgFlags(at, NLM_F_ACK_TLVS);
  w.msgEnd(at);
}

/**
 * NLMSG_DONE ending a dump (netlink_dump_done): s32 error, then the ext-ack TLVs (MSG, OFFS, ...).
 * `extraFlags` carries cb->answer_flags such as NLM_F_DUMP_FILTERED.
 */
export function writeDone(
  w: NlWriter, seq: number, portid: number, errno: number, extAck: boolean, extraFlags = 0, detail?: AckDetail,
): void {
  const at = w.msgStart(NLMSG_DONE, NLM_F_MULTI | extraFlags, seq, portid);
  w.s32(-errno);
  if (extAck && writeTlvs(w, errno, detail, true)) w.orMsgFlags(at, NLM_F_ACK_TLVS);
  w.msgEnd(at);
}
