import { align4, NLA_HDRLEN } from './align.js';
import { NLA_F_NESTED, NLA_TYPE_MASK } from './constants.js';

/**
 * The one netlink attribute walker (include/net/netlink.h: nla_for_each_attr, nla_ok, nla_next).
 * policy.ts validates requests with it; walkAttrs() below decodes replies with it.
 */
export interface NlAttr {
  /** Attribute type without the NESTED / NET_BYTEORDER bits. */
  type: number;
  /** NLA_F_NESTED was set. */
  nested: boolean;
  /** Offset of the attribute header in the buffer walked (the message: extack OFFS). */
  offset: number;
  /** The payload (nla_len - 4 bytes), a view into the buffer. */
  data: Buffer;
}

/** A decoded attribute (the same shape: replies and requests share one walker). */
export type RawAttr = NlAttr;

/**
 * nla_for_each_attr(): visits each attribute of buf[start, end) while nla_ok() holds (a header
 * fits, nla_len >= 4 and within what remains). Returns where the walk stopped, so a caller can
 * tell well-formed streams (stop === end) from trailing bytes.
 */
export function forEachAttr(buf: Buffer, start: number, end: number, visit: (attr: NlAttr) => void): number {
  let pos = start;
  const stop = Math.min(end, buf.length);
  while (stop - pos >= NLA_HDRLEN) {
    const len = buf.readUInt16LE(pos);
    if (len < NLA_HDRLEN || len > stop - pos) break;
    const rawType = buf.readUInt16LE(pos + 2);
    const attr: NlAttr = {
      type: rawType & NLA_TYPE_MASK,
      nested: (rawType & NLA_F_NESTED) !== 0,
      offset: pos,
      data: buf.subarray(pos + NLA_HDRLEN, pos + len),
    };
    pos += align4(len);
    visit(attr);
  }
  return pos;
}

/**
 * A lenient walk for decoding messages that came from the daemon (or a kernel): no policy,
 * repeated attributes kept, and a malformed tail ends the walk instead of throwing (as
 * iproute2's parse_rtattr does). Request validation uses policy.ts instead.
 */
export function walkAttrs(buf: Buffer, start = 0, end = buf.length): NlAttr[] {
  const out: NlAttr[] = [];
  forEachAttr(buf, start, end, (a) => out.push(a));
  return out;
}

/**
 * nla_for_each_nested(): the attributes nested in `attr`, with offsets still relative to the
 * buffer `attr` was walked from (so extack offsets point into the request).
 */
export function nestedAttrs(attr: NlAttr | Buffer): NlAttr[] {
  if (Buffer.isBuffer(attr)) return walkAttrs(attr, 0, attr.length);
  const base = attr.offset + NLA_HDRLEN;
  return walkAttrs(messageView(attr), base, base + attr.data.length);
}

/** A view of the buffer `attr` was walked from, up to the end of `attr` (its offsets stay valid). */
export function messageView(attr: NlAttr): Buffer {
  const base = attr.offset + NLA_HDRLEN;
  return Buffer.from(attr.data.buffer, attr.data.byteOffset - base, base + attr.data.length);
}

/** Attributes by type; a repeated attribute keeps its last occurrence, as tb[] does. */
export function attrMap(attrs: readonly NlAttr[]): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (const a of attrs) m.set(a.type, a.data);
  return m;
}

// Tolerant value readers: a short payload reads as undefined rather than throwing.
export const readU8 = (b: Buffer | undefined): number | undefined => (b && b.length >= 1 ? b.readUInt8(0) : undefined);
export const readU16 = (b: Buffer | undefined): number | undefined => (b && b.length >= 2 ? b.readUInt16LE(0) : undefined);
export const readBe16 = (b: Buffer | undefined): number | undefined => (b && b.length >= 2 ? b.readUInt16BE(0) : undefined);
export const readU32 = (b: Buffer | undefined): number | undefined => (b && b.length >= 4 ? b.readUInt32LE(0) : undefined);
export const readS32 = (b: Buffer | undefined): number | undefined => (b && b.length >= 4 ? b.readInt32LE(0) : undefined);
export const readU64 = (b: Buffer | undefined): bigint | undefined => (b && b.length >= 8 ? b.readBigUInt64LE(0) : undefined);

/** A string attribute up to its first NUL (or the whole payload). */
export function readString(b: Buffer | undefined): string | undefined {
  if (!b) return undefined;
  const nul = b.indexOf(0);
  return b.toString('utf8', 0, nul < 0 ? b.length : nul);
}
