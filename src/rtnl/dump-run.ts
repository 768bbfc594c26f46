import { writeDone } from '../../protocol/ack.js';
import { NLM_F_DUMP_INTR } from '../../protocol/constants.js';
import { NlError } from '../../protocol/nl-error.js';
import { messageOffsets } from '../../protocol/nlmsg.js';
import type { NlWriter } from '../../protocol/writer.js';
import type { DumpImage } from './dump-image.js';
import type { DumpCursor, Replayable, SessionView } from './request.js';

/**
 * A dump being produced as the client reads: entries in chunks, NLM_F_DUMP_INTR on the first
 * entry of a chunk when the model changed since the previous chunk, then NLMSG_DONE
 * (carrying the error, if the dump failed to start). A replayable dump of a model at rest
 * copies the chunks a previous dump recorded (dump-image.ts), or records its own.
 */
export class DumpRun {
  private prevGeneration = 0;
  private finished = false;
  private readonly replay: Replayable | undefined;
  /** The image being copied, and the next chunk to copy from it. */
  private replaying: { image: DumpImage; next: number } | undefined;
  private recording: DumpImage | undefined;
  /** Entries the last fill() wrote (NLMSG_DONE not counted). */
  stepEntries = 0;
  /** The errno NLMSG_DONE carried (0: none, or not finished yet). */
  errno = 0;

  constructor(
    private readonly cursor: DumpCursor | NlError,
    private readonly seq: number,
    private readonly session: SessionView,
  ) {
    this.replay = cursor instanceof NlError ? undefined : cursor.replay;
    if (!this.replay) return;
    const image = this.replay.images.find(this.replay.key);
    if (image?.complete) this.replaying = { image, next: 0 };
    else this.recording = this.replay.images.record(this.replay.key);
  }

  /** Writes up to about `budget` bytes; returns true once NLMSG_DONE has been written. */
  fill(w: NlWriter, budget: number): boolean {
    this.stepEntries = 0;
    if (this.finished) return true;
    const { portid, extAck } = this.session;
    const cursor = this.cursor;
    if (cursor instanceof NlError) {
      writeDone(w, this.seq, portid, cursor.errno, extAck, 0, cursor);
      this.errno = cursor.errno;
      this.finished = true;
      return true;
    }
    const generation = cursor.generation();
    const interrupted = this.prevGeneration !== 0 && generation !== this.prevGeneration;
    this.prevGeneration = generation;
    if (this.replaying && this.copyRecorded(w, budget)) return this.finished;
    const start = w.length;
    let done = false;
    while (w.length - start < budget) {
      const at = w.length;
      if (!cursor.next(w)) {
        done = true;
        break;
      }
      if (at === start && interrupted) w.orMsgFlags(at, NLM_F_DUMP_INTR);
    }
    // A step of a cursor may write several entries (a block of kept addresses): counted after.
    const offsets = messageOffsets(w.buffer, start, w.length);
    this.stepEntries = offsets.length;
    if (this.recording) this.record(w.peek(start, w.length - start), offsets, done);
    if (!done) return false;
    const error = cursor.error;
    this.errno = error?.errno ?? 0;
    writeDone(w, this.seq, portid, this.errno, extAck, cursor.doneFlags, error);
    this.finished = true;
    return true;
  }

  /**
   * Copies recorded chunks (about `budget` bytes) with this request's seq and port id. False when
   * the model changed since they were recorded: the cursor then continues live after the last
   * chunk copied.
   */
  private copyRecorded(w: NlWriter, budget: number): boolean {
    const replay = this.replay!;
    const replaying = this.replaying!;
    const { image } = replaying;
    if (!replay.images.current(replay.key, image)) {
      if (replaying.next > 0) replay.restore(image.segments[replaying.next - 1]!.after);
      this.replaying = undefined;
      return false;
    }
    const start = w.length;
    while (replaying.next < image.segments.length && w.length - start < budget) {
      const segment = image.segments[replaying.next++]!;
      this.stepEntries += segment.offsets.length;
      const base = w.length;
      w.bytes(segment.bytes);
      for (const at of segment.offsets) {
        w.patchU32(base + at + 8, this.seq);
        w.patchU32(base + at + 12, this.session.portid);
      }
    }
    if (replaying.next === image.segments.length) {
      writeDone(w, this.seq, this.session.portid, 0, this.session.extAck, (this.cursor as DumpCursor).doneFlags);
      this.finished = true;
    }
    return true;
  }

  private record(chunk: Buffer, offsets: number[], done: boolean): void {
    const replay = this.replay!;
    const image = this.recording!;
    const kept = replay.timeless() && (chunk.length === 0 || replay.images.append(replay.key, image, {
      bytes: Buffer.from(chunk), offsets: Uint32Array.from(offsets), after: replay.save(),
    }));
    if (!kept) {
      replay.images.abandon(replay.key, image);
      this.recording = undefined;
    } else if (done) {
      image.complete = true;
      this.recording = undefined;
    }
  }
}
