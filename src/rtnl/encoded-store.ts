import type { NlWriter } from '../../protocol/writer.js';

const EMPTY = Buffer.alloc(0);
/** The smallest buffer made (Buffer.allocUnsafe takes one this small from Node's shared pool). */
const MIN_BYTES = 256;

/**
 * Encoded message bodies by key, kept in one growing buffer (no Buffer object per entry: a
 * Map entry to an offset is all the heap holds). A dump copies a kept body instead of encoding
 * its object again. Each record is a u32 length and the body; a replaced or deleted record
 * stays as garbage until the buffer is full, when live records are compacted into a new one.
 */
export class EncodedStore<K> {
  private arena: Buffer;
  private used = 0;
  private garbage = 0;
  private readonly at = new Map<K, number>();

  /**
   * `maxBytes`: live bodies beyond this are not kept (put() does nothing). The buffer starts
   * empty and grows as bodies come: a namespace holding only lo keeps ~2 KB, and a rig may have
   * 10,000 of them.
   */
  constructor(private readonly maxBytes: number) {
    this.arena = EMPTY;
  }

  get size(): number {
    return this.at.size;
  }

  /** Bytes held by live records. */
  get liveBytes(): number {
    return this.used - this.garbage;
  }

  has(key: K): boolean {
    return this.at.has(key);
  }

  /** Appends a whole message (header, then the body kept for `key`) to `w`; false (nothing written) when none is kept. */
  writeMessage(w: NlWriter, key: K, type: number, flags: number, seq: number, pid: number): boolean {
    const at = this.at.get(key);
    if (at === undefined) return false;
    w.messageFrom(type, flags, seq, pid, this.arena, at + 4, at + 4 + this.lengthAt(at));
    return true;
  }

  /** Appends the whole messages kept for `key` with these flags, seq and port id; false (nothing written) when none are kept. */
  writeMessages(w: NlWriter, key: K, flags: number, seq: number, pid: number): boolean {
    const at = this.at.get(key);
    if (at === undefined) return false;
    w.messagesFrom(this.arena, at + 4, at + 4 + this.lengthAt(at), flags, seq, pid);
    return true;
  }

  /** The body kept for `key` (a copy), for tests. */
  get(key: K): Buffer | undefined {
    const at = this.at.get(key);
    return at === undefined ? undefined : Buffer.from(this.arena.subarray(at + 4, at + 4 + this.lengthAt(at)));
  }

  /** Keeps src[start, end) as the body of `key`, replacing any kept before. */
  put(key: K, src: Buffer, start: number, end: number): void {
    this.delete(key);
    const need = 4 + end - start;
    if (this.used + need > this.arena.length && !this.makeRoom(need)) return;
    const at = this.used;
    this.arena.writeUInt32LE(end - start, at);
    src.copy(this.arena, at + 4, start, end);
    this.used += need;
    this.at.set(key, at);
  }

  delete(key: K): void {
    const at = this.at.get(key);
    if (at === undefined) return;
    this.garbage += 4 + this.lengthAt(at);
    this.at.delete(key);
  }

  clear(): void {
    this.at.clear();
    this.used = 0;
    this.garbage = 0;
  }

  private lengthAt(at: number): number {
    const b = this.arena;
    return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
  }

  /**
   * Room for `need` more bytes: the live records are copied into a buffer at least twice what
   * they take (so compactions stay rare), dropping the garbage. False when over maxBytes.
   */
  private makeRoom(need: number): boolean {
    const live = this.used - this.garbage;
    if (live + need > this.maxBytes) return false;
    let size = Math.max(this.arena.length, MIN_BYTES);
    while (size < 2 * (live + need)) size *= 2;
    const next = Buffer.allocUnsafe(size);
    let used = 0;
    for (const [key, at] of this.at) {
      const n = 4 + this.lengthAt(at);
      this.arena.copy(next, used, at, at + n);
      this.at.set(key, used);
      used += n;
    }
    this.arena = next;
    this.used = used;
    this.garbage = 0;
    return true;
  }
}
