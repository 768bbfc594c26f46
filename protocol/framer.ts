import { align4, NLMSG_HDRLEN } from './align.js';

/**
 * Cuts a byte stream into netlink messages by nlmsg_len. A stream, unlike the kernel's
 * datagrams, may split a message across reads or carry many per read. Messages start at
 * NLMSG_ALIGN of the previous one's length, as in netlink_rcv_skb(), except that a sender may
 * leave out the padding after a message whose length is not a multiple of 4 (the kernel never
 * sees it either when each request is a datagram of its own). Whether the up to 3 bytes after
 * such a message are padding is decided by the rule in protocol/TRANSPORT.md ("Framing"):
 * they are padding when they are all zero and the 4 bytes after them are a deliverable
 * nlmsg_len; otherwise the next message starts right after the unaligned one.
 */
export type FrameResult =
  | { kind: 'message'; message: Buffer }
  /** nlmsg_len < 16 or above the maximum: the stream cannot be resynchronised. */
  | { kind: 'invalid'; header: Buffer; reason: string };

export class Framer {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes after the last message that are padding if the rule says so (0 to 3). */
  private optionalPad = 0;
  private broken = false;

  constructor(private readonly maxMessage: number) {}

  /** Feeds bytes and returns every complete message (and at most one final error). */
  push(chunk: Buffer): FrameResult[] {
    if (this.broken) return [];
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: FrameResult[] = [];
    let pos = 0;
    for (;;) {
      if (this.optionalPad) {
        const pad = this.paddingAt(buf, pos, this.optionalPad);
        if (pad === undefined) break; // the bytes that decide have not arrived yet
        pos += pad;
        this.optionalPad = 0;
      }
      if (buf.length - pos < NLMSG_HDRLEN) break;
      const len = buf.readUInt32LE(pos);
      if (!this.deliverable(len)) {
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
      this.optionalPad = align4(len) - len;
    }
    // Keep the unconsumed tail; copy it so the caller's chunk can be released.
    this.pending = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    return out;
  }

  /**
   * How many of the `gap` bytes at `pos` are padding (gap or 0), or undefined while the bytes
   * that decide are still missing. A non-zero byte cannot be padding; zeros are padding when a
   * deliverable nlmsg_len follows them (a header that starts with those zeros would need a length
   * that is a multiple of 256^gap and a type that is not an rtnetlink type: see TRANSPORT.md).
   */
  private paddingAt(buf: Buffer, pos: number, gap: number): number | undefined {
    const have = buf.length - pos;
    for (let i = 0; i < Math.min(gap, have); i++) if (buf[pos + i] !== 0) return 0;
    if (have < gap + 4) return undefined;
    return this.deliverable(buf.readUInt32LE(pos + gap)) ? gap : 0;
  }

  private deliverable(len: number): boolean {
    return len >= NLMSG_HDRLEN && len <= this.maxMessage;
  }

  /** Bytes received but not yet part of a complete message. */
  get buffered(): number {
    return this.pending.length;
  }
}
