import { closeSync, fsyncSync, openSync, readFileSync, ftruncateSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * An append-only journal of the requests that changed the model. Each record is
 * `u32 length, u32 crc32(payload), payload`; a torn or corrupt tail (a power cut mid-write)
 * fails its length or checksum and is dropped on reading.
 */
export class Journal {
  private fd: number;
  private pending: Buffer[] = [];
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;
  records = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  /** Reads every intact record; `torn` is set when a damaged tail was found (and truncated away). */
  static read(path: string): { records: Buffer[]; torn: boolean } {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch {
      return { records: [], torn: false };
    }
    const records: Buffer[] = [];
    let pos = 0;
    while (pos + 8 <= data.length) {
      const len = data.readUInt32LE(pos);
      const sum = data.readUInt32LE(pos + 4);
      if (pos + 8 + len > data.length) break;
      const payload = data.subarray(pos + 8, pos + 8 + len);
      if (crc32(payload) !== sum) break;
      records.push(Buffer.from(payload));
      pos += 8 + len;
    }
    const torn = pos < data.length;
    if (torn) {
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, pos);
      fsyncSync(fd);
      closeSync(fd);
    }
    return { records, torn };
  }

  /**
   * Queues a record; resolves once it is on disk. Records queued in the same tick share one
   * write and one fsync (group commit), so concurrent changes cost one disk flush.
   */
  append(payload: Buffer): Promise<void> {
    const header = Buffer.alloc(8);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    this.pending.push(header, payload);
    this.records++;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.commit());
    }
    return done;
  }

  private commit(): void {
    this.scheduled = false;
    const data = Buffer.concat(this.pending);
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    try {
      writeSync(this.fd, data);
      fsyncSync(this.fd);
      for (const w of waiters) w.resolve();
    } catch (e) {
      for (const w of waiters) w.reject(e);
    }
  }

  /** Resolves once every record queued so far is on disk (or failed to get there). */
  settled(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ resolve, reject: () => resolve() }));
  }

  /** Nothing is waiting to be written. */
  get idle(): boolean {
    return this.pending.length === 0 && !this.scheduled;
  }

  /** Empties the journal (after a snapshot has made its records redundant). */
  reset(): void {
    ftruncateSync(this.fd, 0);
    fsyncSync(this.fd);
    this.records = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
