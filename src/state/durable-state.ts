import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { NetworkModel } from '../model/store.js';
import { fromJson, toJson } from './json.js';
import { Journal } from './journal.js';

/** Replays one journaled request against the model (the rtnetlink dispatcher, as at first). */
export type Replay = (request: Buffer) => Promise<void>;

interface Snapshot {
  version: 1;
  model: ReturnType<NetworkModel['exportLinks']>;
}

const SNAPSHOT = 'snapshot.json';
const JOURNAL = 'journal.log';
/** Models beyond this many links and routes compact every `compactEvery` × (size / COMPACT_SCALE) records. */
const COMPACT_SCALE = 100_000;

/**
 * `--state DIR`: every acknowledged change survives a crash. Changes are journaled (fsync
 * before the ACK leaves) and periodically compacted into an atomic snapshot (write, fsync,
 * rename). Start-up loads the snapshot and replays the journal.
 */
export class DurableState {
  private journal: Journal | undefined;

  constructor(
    private readonly dir: string,
    private readonly model: NetworkModel,
    private readonly log: Logger,
    private readonly compactEvery = 10_000,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Whether the directory already holds state (then it wins over a seed). */
  hasState(): boolean {
    // existsSync, not a read: a snapshot of a million routes is a large file.
    if (existsSync(join(this.dir, SNAPSHOT))) return true;
    return Journal.read(join(this.dir, JOURNAL)).records.length > 0;
  }

  /** Loads snapshot + journal into the model and opens the journal for appending. */
  async load(replay: Replay): Promise<void> {
    try {
      const snap = fromJson<Snapshot>(readFileSync(join(this.dir, SNAPSHOT), 'utf8'));
      this.model.importLinks(snap.model);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${SNAPSHOT}: ${(e as Error).message}`);
    }
    const { records, torn } = Journal.read(join(this.dir, JOURNAL));
    if (torn) this.log.warn({ dir: this.dir }, 'journal had a torn last record (interrupted write); it was dropped');
    for (const r of records) await replay(r);
    this.journal = new Journal(join(this.dir, JOURNAL));
    this.journal.records = records.length;
    this.log.info({ dir: this.dir, replayed: records.length, links: this.model.size }, 'state loaded');
  }

  /**
   * Journals one request that changed the model; resolves when it is durable. Must be called
   * in the same tick as the change, so that the journal always covers every change it precedes.
   */
  record(request: Buffer, netns?: string): Promise<void> | undefined {
    const journal = this.journal;
    if (!journal) return undefined;
    // Only the initial namespace is durable: a request made in another one would be replayed
    // into the initial namespace, so it is not journaled (README, Namespaces).
    if (netns) return undefined;
    return journal.append(request).then(() => {
      // Compact only when every change made so far is on disk; otherwise a record written after
      // the snapshot would be replayed on top of a snapshot that already contains it.
      // A snapshot costs in proportion to the model, so a big model compacts in proportion less often.
      const every = this.compactEvery * Math.max(1, this.model.objectCount / COMPACT_SCALE);
      if (journal.idle && journal.records >= every) this.compact();
    });
  }

  /**
   * Makes changes that did not come through the journal (the HTTP API's test-rig controls)
   * durable: waits until every journaled change is on disk, then snapshots the model. The
   * caller holds the model mutex, so no new record can slip in between.
   */
  async checkpoint(): Promise<void> {
    if (!this.journal) return;
    await this.journal.settled();
    this.compact();
  }

  /** Writes the whole model as an atomic snapshot and empties the journal. */
  compact(): void {
    const journal = this.journal;
    if (!journal) return;
    const tmp = join(this.dir, `${SNAPSHOT}.tmp`);
    writeFileSync(tmp, toJson({ version: 1, model: this.model.exportLinks() } satisfies Snapshot));
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(this.dir, SNAPSHOT));
    const dirFd = openSync(this.dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
    journal.reset();
  }

  close(): void {
    this.journal?.close();
    this.journal = undefined;
  }
}
