import { align4, NLA_HDRLEN, NLMSG_HDRLEN } from './align.js';
import { putU32le, u32le } from './structs.js';

/**
 * A growable little-endian byte writer for netlink messages and attributes.
 * binary-parser only decodes, so encoding is this small hand-written writer.
 * Padding bytes are always zero, as the kernel's are.
 */
export class NlWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.alloc(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  // Plain byte stores: Buffer.writeUInt*LE validate every argument, and a link message has ~60
  // attributes (this writer is the dump path's hot loop).

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = v & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    this.pos = p + 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    b[p + 2] = (v >>> 16) & 0xff;
    b[p + 3] = (v >>> 24) & 0xff;
    this.pos = p + 4;
    return this;
  }

  /** Two's complement: the same bytes as u32. */
  s32(v: number): this {
    return this.u32(v | 0);
  }

  u64(v: bigint | number): this {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** src[start, end) (no subarray object made for a few bytes, as an ACK's echoed header). */
  copyFrom(src: Uint8Array, start: number, end: number): this {
    const n = end - start;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = start; i < end; i++) b[p++] = src[i]!;
    this.pos = p;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    // Buffer.fill is a native call: a loop is cheaper up to a few dozen bytes (rta_cacheinfo's 20
    // zero bytes were ~11% of an `ip route get` reply).
    if (n > 64) {
      b.fill(0, p, p + n);
      p += n;
    } else {
      for (const end = p + n; p < end;) b[p++] = 0;
    }
    this.pos = p;
    return this;
  }

  /** Pads with zeros to the next 4-byte boundary. */
  pad(): this {
    const n = align4(this.pos) - this.pos;
    return n ? this.zeros(n) : this;
  }

  // --- attributes (struct nlattr) ---

  private attrHeader(type: number, payloadLen: number): void {
    this.ensure(NLA_HDRLEN);
    const b = this.buf;
    const p = this.pos;
    const len = NLA_HDRLEN + payloadLen;
    b[p] = len & 0xff;
    b[p + 1] = (len >>> 8) & 0xff;
    b[p + 2] = type & 0xff;
    b[p + 3] = (type >>> 8) & 0xff;
    this.pos = p + NLA_HDRLEN;
  }

  attrU8(type: number, v: number): this {
    this.attrHeader(type, 1);
    return this.u8(v).pad();
  }

  attrU16(type: number, v: number): this {
    this.attrHeader(type, 2);
    return this.u16(v).pad();
  }

  /** A big-endian u16 (e.g. IFLA_VLAN_PROTOCOL, a __be16). */
  attrBe16(type: number, v: number): this {
    this.attrHeader(type, 2);
    this.ensure(2);
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
    return this.pad();
  }

  attrU32(type: number, v: number): this {
    this.attrHeader(type, 4);
    return this.u32(v);
  }

  /** A 32-bit value in network byte order (an in_addr / __be32 held as a number, first octet highest). */
  attrBe32(type: number, v: number): this {
    this.attrHeader(type, 4);
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = (v >>> 24) & 0xff;
    b[p + 1] = (v >>> 16) & 0xff;
    b[p + 2] = (v >>> 8) & 0xff;
    b[p + 3] = v & 0xff;
    this.pos = p + 4;
    return this;
  }

  attrS32(type: number, v: number): this {
    this.attrHeader(type, 4);
    return this.s32(v);
  }

  attrU64(type: number, v: bigint | number): this {
    this.attrHeader(type, 8);
    return this.u64(v);
  }

  attrBytes(type: number, b: Uint8Array): this {
    this.attrHeader(type, b.length);
    return this.bytes(b).pad();
  }

  /** A NUL-terminated string attribute (NLA_STRING / NLA_NUL_STRING as the kernel emits them). */
  attrString(type: number, s: string): this {
    // Names are short and nearly always ASCII: copied char by char; anything else goes through UTF-8.
    let ascii = true;
    for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
    const n = ascii ? s.length : Buffer.byteLength(s);
    this.attrHeader(type, n + 1);
    this.ensure(n + 1);
    const b = this.buf;
    const p = this.pos;
    if (ascii) for (let i = 0; i < n; i++) b[p + i] = s.charCodeAt(i);
    else b.write(s, p, 'utf8');
    b[p + n] = 0;
    this.pos = p + n + 1;
    return this.pad();
  }

  /** Starts a nested attribute; close it with nestEnd(returned offset). */
  nestStart(type: number): number {
    const at = this.pos;
    this.attrHeader(type, 0);
    return at;
  }

  nestEnd(at: number): this {
    const len = this.pos - at;
    this.buf[at] = len & 0xff;
    this.buf[at + 1] = (len >>> 8) & 0xff;
    return this;
  }

  // --- messages (struct nlmsghdr) ---

  /** Starts a message; close it with msgEnd(returned offset). */
  msgStart(type: number, flags: number, seq: number, pid: number): number {
    const at = this.claim(NLMSG_HDRLEN);
    this.header(at, 0, type, flags, seq, pid);
    return at;
  }

  /**
   * A whole message whose body is src[start, end), a kept encoding (4-byte aligned, as every
   * body is): one room check, the header, the copy, instead of msgStart/bytes/msgEnd.
   */
  messageFrom(type: number, flags: number, seq: number, pid: number, src: Buffer, start: number, end: number): this {
    const len = NLMSG_HDRLEN + end - start;
    const at = this.claim(len);
    this.header(at, len, type, flags, seq, pid);
    const b = this.buf;
    if (end - start > 128) src.copy(b, at + NLMSG_HDRLEN, start, end);
    else for (let i = start, p = at + NLMSG_HDRLEN; i < end; i++) b[p++] = src[i]!;
    return this;
  }

  /**
   * Copies src[start, end), whole messages kept with their headers (a block of a dump's entries),
   * and gives each the flags, seq and port id of this answer.
   */
  messagesFrom(src: Buffer, start: number, end: number, flags: number, seq: number, pid: number): this {
    const at = this.claim(end - start);
    const b = this.buf;
    src.copy(b, at, start, end);
    for (let p = at; p < this.pos; p += align4(u32le(b, p))) {
      b[p + 6] = flags & 0xff;
      b[p + 7] = (flags >>> 8) & 0xff;
      putU32le(b, p + 8, seq);
      putU32le(b, p + 12, pid);
    }
    return this;
  }

  private header(at: number, len: number, type: number, flags: number, seq: number, pid: number): void {
    const b = this.buf;
    putU32le(b, at, len);
    b[at + 4] = type & 0xff;
    b[at + 5] = (type >>> 8) & 0xff;
    b[at + 6] = flags & 0xff;
    b[at + 7] = (flags >>> 8) & 0xff;
    putU32le(b, at + 8, seq);
    putU32le(b, at + 12, pid);
  }

  msgEnd(at: number): this {
    this.pad();
    const b = this.buf;
    const len = this.pos - at;
    b[at] = len & 0xff;
    b[at + 1] = (len >>> 8) & 0xff;
    b[at + 2] = (len >>> 16) & 0xff;
    b[at + 3] = (len >>> 24) & 0xff;
    return this;
  }

  /**
   * Appends `n` bytes the caller then stores through `buffer` (a message template patched in
   * place, src/rtnl/neigh-view.ts); returns where they start.
   */
  claim(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos = at + n;
    return at;
  }

  /** The buffer being written (valid until the next write, which may replace it). */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Overwrites a u32 already written at `at`. */
  patchU32(at: number, v: number): void {
    this.buf.writeUInt32LE(v >>> 0, at);
  }

  /** Overwrites a u16 already written at `at` (a struct's length field, e.g. rtnh_len). */
  patchU16(at: number, v: number): void {
    this.buf.writeUInt16LE(v & 0xffff, at);
  }

  /** Ors flags into the header of the message that starts at `at`. */
  orMsgFlags(at: number, flags: number): void {
    this.buf.writeUInt16LE(this.buf.readUInt16LE(at + 6) | flags, at + 6);
  }

  /** Drops everything written after `at` (used to undo a message that did not fit). */
  truncate(at: number): void {
    this.pos = at;
  }

  /** A view of `len` bytes written at `at` (valid until the next write). */
  peek(at: number, len: number): Buffer {
    return this.buf.subarray(at, Math.min(at + len, this.pos));
  }

  /**
   * The bytes written so far; the writer is reset for reuse. Small outputs are copied; large
   * ones are handed over whole and the writer starts a new buffer (no copy of dump chunks).
   */
  take(): Buffer {
    const len = this.pos;
    if (len < 4096) {
      this.pos = 0;
      return Buffer.from(this.buf.subarray(0, len));
    }
    const out = this.buf.subarray(0, len);
    this.detach();
    return out;
  }

  /** Leaves the bytes written so far to whoever holds a view of them, and starts a new buffer. */
  detach(): void {
    this.pos = 0;
    // Every byte is written explicitly (padding included), so the new buffer need not be zeroed.
    this.buf = Buffer.allocUnsafe(this.buf.length);
  }
}
