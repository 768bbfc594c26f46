import { align4, NLMSG_HDRLEN } from './align.js';

/**
 * Messages in a buffer of nlmsghdrs (include/uapi/linux/netlink.h: NLMSG_OK, NLMSG_NEXT) and the
 * header fields a transport needs without decoding the whole header. A byte stream, whose
 * messages may be cut anywhere, goes through framer.ts instead.
 */
export const nlmsgLen = (msg: Buffer): number => msg.readUInt32LE(0);
export const nlmsgType = (msg: Buffer): number => msg.readUInt16LE(4);
export const nlmsgFlags = (msg: Buffer): number => msg.readUInt16LE(6);
export const nlmsgSeq = (msg: Buffer): number => msg.readUInt32LE(8);

/** NLMSG_OK / NLMSG_NEXT: each whole message of `buf` (header included); a malformed tail ends the walk. */
export function* eachMessage(buf: Buffer): Generator<Buffer> {
  let pos = 0;
  while (buf.length - pos >= NLMSG_HDRLEN) {
    const len = buf.readUInt32LE(pos);
    if (len < NLMSG_HDRLEN || len > buf.length - pos) return;
    yield buf.subarray(pos, pos + len);
    pos += align4(len);
  }
}

/** Where each message of buf[start, end) starts, relative to `start` (messages the writer just wrote: well-formed). */
export function messageOffsets(buf: Buffer, start: number, end: number): number[] {
  const offsets: number[] = [];
  for (let pos = start; pos < end; pos += align4(buf.readUInt32LE(pos))) offsets.push(pos - start);
  return offsets;
}
