import { nlmsgFlags, nlmsgLen, nlmsgType } from './nlmsg.js';
import { align4, NLMSG_HDRLEN } from './align.js';
import { attrMap, readString, readU32, walkAttrs } from './attr-walk.js';
import {
  NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSG_DONE, NLMSG_ERROR, NLMSGERR_ATTR_MISS_NEST, NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS,
} from './constants.js';

/**
 * What an NLMSG_ERROR (ACK or error) or an NLMSG_DONE says, decoded from the reply side
 * (the counterpart of ack.ts). `errno` is positive; 0 is success.
 */
export interface DecodedAck {
  errno: number;
  /** NLMSGERR_ATTR_MSG: the extended-ack text (an error's reason, or a warning on success). */
  extMsg?: string | undefined;
  /** NLMSGERR_ATTR_OFFS: offset of the offending attribute in the request. */
  offset?: number | undefined;
  missType?: number | undefined;
  missNest?: number | undefined;
  /** The echoed request header's nlmsg_type / nlmsg_seq (NLMSG_ERROR only). */
  requestType?: number | undefined;
  requestSeq?: number | undefined;
}

/**
 * Decodes an NLMSG_ERROR or NLMSG_DONE message (header included). NLMSG_ERROR carries an
 * s32 error and the request (whole, or only its header when capped), then the TLVs when
 * NLM_F_ACK_TLVS is set; NLMSG_DONE carries an s32 error then the TLVs.
 */
export function decodeAck(msg: Buffer): DecodedAck {
  const len = Math.min(msg.length, nlmsgLen(msg));
  const type = nlmsgType(msg);
  const flags = nlmsgFlags(msg);
  if (type !== NLMSG_ERROR && type !== NLMSG_DONE) throw new TypeError(`not an NLMSG_ERROR/NLMSG_DONE message (type ${type})`);
  const error = len >= NLMSG_HDRLEN + 4 ? msg.readInt32LE(NLMSG_HDRLEN) : 0;
  const out: DecodedAck = {
    errno: error === 0 ? 0 : -error, extMsg: undefined, offset: undefined, missType: undefined, missNest: undefined,
    requestType: undefined, requestSeq: undefined,
  };
  let tlvStart = NLMSG_HDRLEN + 4;
  if (type === NLMSG_ERROR) {
    const req = NLMSG_HDRLEN + 4;
    if (len >= req + NLMSG_HDRLEN) {
      const reqLen = msg.readUInt32LE(req);
      out.requestType = msg.readUInt16LE(req + 4);
      out.requestSeq = msg.readUInt32LE(req + 8);
      tlvStart = req + (flags & NLM_F_CAPPED ? NLMSG_HDRLEN : align4(reqLen));
    } else {
      tlvStart = len;
    }
  }
  if (flags & NLM_F_ACK_TLVS && tlvStart < len) {
    const t = attrMap(walkAttrs(msg, tlvStart, len));
    out.extMsg = readString(t.get(NLMSGERR_ATTR_MSG));
    out.offset = readU32(t.get(NLMSGERR_ATTR_OFFS));
    out.missType = readU32(t.get(NLMSGERR_ATTR_MISS_TYPE));
    out.missNest = readU32(t.get(NLMSGERR_ATTR_MISS_NEST));
  }
  return out;
}
