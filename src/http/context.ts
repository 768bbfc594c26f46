import type { Mutex } from 'async-mutex';
import type { NamespaceRegistry } from '../model/netns/registry.js';
import type { NetworkModel } from '../model/store.js';
import type { SnapshotDocument } from '../state/snapshot.js';
import type { ConnectionRegistry } from '../transport/registry.js';

export type { ModelState } from '../state/snapshot.js';

/**
 * What the admin HTTP API may touch in the daemon. It changes the model only with the model's
 * own operations and only while holding `mutex`, exactly as netlink requests do, so every
 * change is announced to netlink subscribers the same way.
 */
export interface AdminContext {
  readonly model: NetworkModel;
  readonly mutex: Mutex;
  readonly connections: ConnectionRegistry;
  /** lo plus the seed, every namespace of it, as the daemon started without a state directory: what a reset returns to. */
  seedSnapshot(): SnapshotDocument;
  /** Makes a change made over HTTP durable (with --state); called while holding the mutex. */
  persist(): Promise<void>;
  /** The netlink sockets are listening and the model is loaded (and the daemon is not stopping). */
  ready(): boolean;
  /** The daemon's namespaces (add/del take the mutex themselves). */
  readonly netns: {
    readonly namespaces: NamespaceRegistry;
    add(name: string): Promise<void>;
    del(name: string): Promise<void>;
    /** The daemon becomes a validated snapshot, every namespace of it; called while holding the mutex. */
    replaceAll(doc: SnapshotDocument): Promise<void>;
  };
}
