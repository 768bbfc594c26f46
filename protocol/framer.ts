import { align4, NLMSG_HDRLEN } from './align.js';

/**
 * Cuts a byte stream into netlink messages by nlmsg_len. A stream, unlike the kernel's
 * datagrams, may split a message across reads or carry many per read. Messages start at
 * NLMSG_ALIGN of the previous one's length, as in netlink_rcv_skb().
 */
export type FrameResult =
  | { kind: 'message'; message: Buffer }
  /** nlmsg_len < 16 or above the maximum: the stream cannot be resynchronised. */
  | { kind: 'invalid'; header: Buffer; reason: string };

export class Framer {
  private pending: Buffer = Buffer.alloc(0);
  /** Padding after the last message still to be skipped when it arrives. */
  private skip = 0;
  private broken = false;

  constructor(private readonly maxMessage: number) {}

  /** Feeds bytes and returns every complete message (and at most one final error). */
  push(chunk: Buffer): FrameResult[] {
    if (this.broken) return [];
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: FrameResult[] = [];
    let pos = 0;
    for (;;) {
      if (this.skip) {
        const n = Math.min(this.skip, buf.length - pos);
        pos += n;
        this.skip -= n;
        if (this.skip) break;
      }
      if (buf.length - pos < NLMSG_HDRLEN) break;
      const len = buf.readUInt32LE(pos);
      if (len < NLMSG_HDRLEN || len > this.maxMessage) {
        this.broken = true;
        out.push({
          kind: 'invalid',
          header: Buffer.from(buf.subarray(pos, pos + NLMSG_HDRLEN)),
          reason: len < NLMSG_HDRLEN ? 'nlmsg_len shorter than the netlink header' : `nlmsg_len larger than the maximum message size (${this.maxMessage})`,
        });
        buf = Buffer.alloc(0);
        pos = 0;
        break;
      }
      if (buf.length - pos < len) break;
      out.push({ kind: 'message', message: buf.subarray(pos, pos + len) });
      pos += len;
      this.skip = align4(len) - len;
    }
    // Keep the unconsumed tail; copy it so the caller's chunk can be released.
    this.pending = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    return out;
  }

  /** Bytes received but not yet part of a complete message. */
  get buffered(): number {
    return this.pending.length;
  }
}
