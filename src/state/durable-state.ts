import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { NamespaceRegistry } from '../model/netns/registry.js';
import { fromJson, toJson } from './json.js';
import { Journal } from './journal.js';
import { decodeRecord, encodeRecord, type RequestNetns, type StateRecord } from './record.js';
import { exportSnapshot, type SnapshotDocument } from './snapshot.js';

/** How journaled records are applied again (the rtnetlink dispatcher and the namespace service, as at first). */
export interface Replay {
  /** One request, in the namespace it was made in, naming the namespaces it named then. */
  request(request: Buffer, where?: RequestNetns): Promise<void>;
  /** ip netns add / del (with its notifier; no sockets yet). */
  addNetns(name: string): Promise<void>;
  delNetns(name: string): Promise<void>;
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
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly dir: string,
    private readonly namespaces: NamespaceRegistry,
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

  /** Loads snapshot + journal into the namespaces and opens the journal for appending. */
  async load(replay: Replay): Promise<void> {
    try {
      const snap = fromJson<SnapshotDocument>(readFileSync(join(this.dir, SNAPSHOT), 'utf8'));
      this.namespaces.initial.model.importLinks(snap.model);
      for (const { name, model } of snap.netns ?? []) {
        await replay.addNetns(name);
        this.namespaces.get(name)!.model.importLinks(model);
      }
      for (const { observer, peer, nsid } of snap.nsids ?? []) this.restoreNsid(observer, peer, nsid);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${SNAPSHOT}: ${(e as Error).message}`);
    }
    const { records, torn } = Journal.read(join(this.dir, JOURNAL));
    if (torn) this.log.warn({ dir: this.dir }, 'journal had a torn last record (interrupted write); it was dropped');
    for (const r of records) await this.apply(decodeRecord(r), replay);
    this.journal = new Journal(join(this.dir, JOURNAL));
    this.journal.records = records.length;
    // From here on, namespaces coming and going and ids given outside a journaled request are journaled too.
    this.unsubscribe = this.namespaces.onEvent((e) => {
      if (e.type === 'add' || e.type === 'del') void this.append({ kind: e.type === 'add' ? 'netns-add' : 'netns-del', name: e.netns.name });
      else if (e.type === 'newnsid' && !e.cause) void this.append({ kind: 'nsid', observer: e.observer.name, peer: e.peer.name, nsid: e.nsid });
    });
    this.log.info({ dir: this.dir, replayed: records.length, links: this.namespaces.initial.model.size, namespaces: this.namespaces.size }, 'state loaded');
  }

  private async apply(r: StateRecord, replay: Replay): Promise<void> {
    if (r.kind === 'request') await replay.request(r.message, r.where);
    else if (r.kind === 'nsid') this.restoreNsid(r.observer, r.peer, r.nsid);
    else if (r.kind === 'netns-add') await replay.addNetns(r.name);
    else await replay.delNetns(r.name);
  }

  /** An id given lazily the first time (while a message was built): given again, unless replay already did. */
  private restoreNsid(observerName: string, peerName: string, nsid: number): void {
    const observer = this.namespaces.get(observerName);
    const peer = this.namespaces.get(peerName);
    if (!observer || !peer || observer.nsids.idOf(peer) !== undefined || observer.nsids.peerOf(nsid)) return;
    observer.nsids.assign(peer, nsid);
  }

  /**
   * Journals one request that changed the model; resolves when it is durable. Must be called
   * in the same tick as the change, so that the journal always covers every change it precedes.
   */
  record(request: Buffer, where?: RequestNetns): Promise<void> | undefined {
    return this.append({ kind: 'request', message: request, where });
  }

  private append(r: StateRecord): Promise<void> | undefined {
    const journal = this.journal;
    if (!journal) return undefined;
    return journal.append(encodeRecord(r)).then(() => {
      // Compact only when every change made so far is on disk; otherwise a record written after
      // the snapshot would be replayed on top of a snapshot that already contains it.
      // A snapshot costs in proportion to the model, so a big model compacts in proportion less often.
      // (The model is only counted once the smallest interval is reached: not per record.)
      if (!journal.idle || journal.records < this.compactEvery) return;
      let objects = 0;
      for (const ns of this.namespaces.all()) objects += ns.model.objectCount;
      if (journal.records >= this.compactEvery * Math.max(1, objects / COMPACT_SCALE)) this.compact();
    });
  }

  /** Resolves once every record queued so far is on disk. */
  async settled(): Promise<void> {
    await this.journal?.settled();
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
    writeFileSync(tmp, toJson(exportSnapshot(this.namespaces)));
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
    this.unsubscribe?.();
    this.journal?.close();
    this.journal = undefined;
  }
}
