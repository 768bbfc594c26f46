import { align4, NLA_HDRLEN } from './align.js';
import { NLA_F_NESTED, NLA_TYPE_MASK } from './constants.js';

/**
 * A lenient attribute walker for decoding messages that came from the daemon (or a kernel):
 * no policy, repeated attributes kept, and a malformed tail ends the walk instead of throwing
 * (as iproute2's parse_rtattr does). Request validation uses policy.ts instead.
 */
export interface RawAttr {
  /** Attribute type without the NESTED / NET_BYTEORDER bits. */
  type: number;
  nested: boolean;
  /** The payload (nla_len - 4 bytes), a view into the message. */
  data: Buffer;
}

export function walkAttrs(buf: Buffer, start = 0, end = buf.length): RawAttr[] {
  const out: RawAttr[] = [];
  let pos = start;
  const stop = Math.min(end, buf.length);
  while (stop - pos >= NLA_HDRLEN) {
    const len = buf.readUInt16LE(pos);
    if (len < NLA_HDRLEN || len > stop - pos) break;
    const rawType = buf.readUInt16LE(pos + 2);
    out.push({ type: rawType & NLA_TYPE_MASK, nested: (rawType & NLA_F_NESTED) !== 0, data: buf.subarray(pos + NLA_HDRLEN, pos + len) });
    pos += align4(len);
  }
  return out;
}

/** Attributes by type; a repeated attribute keeps its last occurrence, as tb[] does. */
export function attrMap(attrs: readonly RawAttr[]): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (const a of attrs) m.set(a.type, a.data);
  return m;
}

/** The attributes nested in a payload. */
export function nestedAttrs(data: Buffer): RawAttr[] {
  return walkAttrs(data, 0, data.length);
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
