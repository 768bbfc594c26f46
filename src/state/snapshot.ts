import type { NamespaceRegistry } from '../model/netns/registry.js';
import type { ModelState } from '../model/replace.js';

// The whole daemon as one JSON document: the state directory's snapshot.json and the admin
// API's GET/PUT /v1/snapshot (byte arrays as {"$hex": "..."}, state/json.ts), so a snapshot can
// seed a state directory and the other way round.

export type { ModelState };

export interface SnapshotDocument {
  /** 1: the initial namespace only (no other namespace); 2: every namespace and their NSID tables. */
  version: 1 | 2;
  /** The initial namespace. */
  model: ModelState;
  /** Every other namespace, in creation order. */
  netns?: SnapshotNetns[] | undefined;
  /** Every id a namespace gave another (or itself): RTM_NEWNSID's table, by namespace name ("" initial). */
  nsids?: SnapshotNsid[] | undefined;
}

export interface SnapshotNetns {
  name: string;
  model: ModelState;
}

export interface SnapshotNsid {
  observer: string;
  peer: string;
  nsid: number;
}

/** Every namespace (the initial one as `model`), then every NSID table. */
export function exportSnapshot(namespaces: NamespaceRegistry): SnapshotDocument {
  const all = [...namespaces.all()];
  return {
    version: 2,
    model: namespaces.initial.model.exportLinks(),
    netns: all.filter((ns) => !ns.initial).map((ns) => ({ name: ns.name, model: ns.model.exportLinks() })),
    nsids: all.flatMap((ns) => ns.nsids.entries().map(([nsid, peer]) => ({ observer: ns.name, peer: peer.name, nsid }))),
  };
}
