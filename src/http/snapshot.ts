import { ManualClock } from '../model/clock.js';
import { KINDS } from '../model/kinds.js';
import { ALTIFNAMSIZ, isValidName } from '../model/names.js';
import { INITIAL_NETNS, isValidNetnsName } from '../model/netns/namespace.js';
import { NamespaceRegistry } from '../model/netns/registry.js';
import { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';
import { toJson } from '../state/json.js';
import { exportSnapshot, type SnapshotDocument } from '../state/snapshot.js';
import type { ModelState } from './context.js';
import { HttpError } from './errors.js';

// GET/PUT /v1/snapshot: the whole daemon (every namespace, every NSID table) as one JSON
// document, the one the state directory keeps as snapshot.json (src/state/snapshot.ts).

/** Every namespace as a snapshot document, already serialised. */
export function snapshotJson(namespaces: NamespaceRegistry): string {
  return toJson(exportSnapshot(namespaces));
}

/** Turns `{"$hex": "..."}` objects (anywhere) back into byte arrays. */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === '$hex' && typeof entries[0]![1] === 'string') {
      return new Uint8Array(Buffer.from(entries[0]![1], 'hex'));
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

function bad(field: string, message: string): HttpError {
  return new HttpError(400, `snapshot field "${field}" ${message}`, field);
}

/** The namespaces of the document ("" the initial one) and their links by index. */
type DocumentLinks = ReadonlyMap<string, ReadonlyMap<number, Link>>;

/**
 * The rules a model keeps that a JSON schema cannot say: unique indexes and names, lo at
 * index 1, references that resolve (a veth's peer or a device's lower device in another
 * namespace of the document too), per-kind options present, the link limit. A snapshot that
 * passes can be served and encoded without surprises. `at` is the model's place in the document.
 */
function checkState(state: ModelState, maxLinks: number, at: string, netns: string, doc: DocumentLinks): void {
  const links = state.links;
  if (links.length > maxLinks) throw bad(`${at}.links`, `has ${links.length} links; the limit is ${maxLinks} (--max-links)`);
  const byIndex = new Map<number, Link>();
  const names = new Set<string>();
  links.forEach((l, i) => {
    const here = `${at}.links[${i}]`;
    if (byIndex.has(l.index)) throw bad(`${here}.index`, `repeats index ${l.index}`);
    byIndex.set(l.index, l);
    if (!isValidName(l.name)) throw bad(`${here}.name`, `"${l.name}" is not a valid interface name`);
    for (const [j, n] of [l.name, ...l.altnames].entries()) {
      const field = j === 0 ? `${here}.name` : `${here}.altnames[${j - 1}]`;
      if (j > 0 && !isValidName(n, ALTIFNAMSIZ)) throw bad(field, `"${n}" is not a valid altname`);
      if (names.has(n)) throw bad(field, `repeats the name "${n}"`);
      names.add(n);
    }
    if ((l.kind === 'lo') !== (l.index === 1)) throw bad(`${here}.kind`, 'must be "lo" at index 1, and only there');
    for (const key of ['address', 'broadcast'] as const) {
      if (l[key].length !== 6) throw bad(`${here}.${key}`, 'must be 6 bytes');
    }
    if ((l.kind === 'vlan') !== (l.vlan !== undefined)) throw bad(`${here}.vlan`, 'is required for a vlan, and only there');
    if ((l.kind === 'bridge') !== (l.bridge !== undefined)) throw bad(`${here}.bridge`, 'is required for a bridge, and only there');
    if ((l.kind === 'macvlan') !== (l.macvlanMode !== undefined)) throw bad(`${here}.macvlanMode`, 'is required for a macvlan, and only there');
    if ((l.master !== 0) !== (l.bridgePort !== undefined)) throw bad(`${here}.bridgePort`, 'is required for a bridge port, and only there');
  });
  if (!byIndex.has(1)) throw bad(`${at}.links`, 'must contain lo (index 1)');
  const devices = new Set<number>();
  state.addresses?.devices.forEach((d, i) => {
    const here = `${at}.addresses.devices[${i}]`;
    if (!byIndex.has(d.ifindex)) throw bad(`${here}.ifindex`, `is ${d.ifindex}, which is not a link in the snapshot`);
    if (devices.has(d.ifindex)) throw bad(`${here}.ifindex`, `repeats device ${d.ifindex}`);
    devices.add(d.ifindex);
    for (const family of ['v4', 'v6'] as const) {
      const size = family === 'v4' ? 4 : 16;
      d[family].forEach((a, j) => {
        const where = `${here}.${family}[${j}]`;
        if (a.ifindex !== d.ifindex) throw bad(`${where}.ifindex`, `must be the device's index, ${d.ifindex}`);
        for (const key of ['local', 'address', 'broadcast', 'peer'] as const) {
          const bytes = (a as unknown as Record<string, Uint8Array | undefined>)[key];
          if (bytes && bytes.length !== size) throw bad(`${where}.${key}`, `must be ${size} bytes`);
        }
      });
    }
  });
  links.forEach((l, i) => {
    const here = `${at}.links[${i}]`;
    if (l.master !== 0 && !KINDS[byIndex.get(l.master)?.kind ?? 'lo'].isMaster) throw bad(`${here}.master`, `is ${l.master}, which is not a bridge in the snapshot`);
    const where = l.linkNetns ?? netns;
    const other = l.link !== 0 ? doc.get(where)?.get(l.link) : undefined;
    if (l.linkNetns !== undefined && !doc.has(l.linkNetns)) throw bad(`${here}.linkNetns`, `is "${l.linkNetns}", which is not a namespace in the snapshot`);
    if (KINDS[l.kind].needsParent && !other) throw bad(`${here}.link`, `is ${l.link}, which is not a link in the snapshot`);
    if (l.kind === 'veth' && l.link !== 0) {
      // a pair: each end names the other, wherever it lives
      if (other?.kind !== 'veth') throw bad(`${here}.link`, `is ${l.link}, which is not a veth in the snapshot`);
      if (other.link !== l.index || (other.linkNetns ?? where) !== netns) throw bad(`${here}.link`, `is ${l.link}, a veth whose peer is not this one`);
    }
  });
}

/** The whole document's rules: every namespace's model, namespace names, references across them, NSID tables. */
function checkDocument(doc: SnapshotDocument, maxLinks: number): void {
  const models = new Map<string, Map<number, Link>>([[INITIAL_NETNS, new Map(doc.model.links.map((l) => [l.index, l]))]]);
  (doc.netns ?? []).forEach(({ name, model }, i) => {
    if (!isValidNetnsName(name)) throw bad(`netns[${i}].name`, `"${name}" is not a valid namespace name`);
    if (models.has(name)) throw bad(`netns[${i}].name`, `repeats the namespace "${name}"`);
    models.set(name, new Map(model.links.map((l) => [l.index, l])));
  });
  checkState(doc.model, maxLinks, 'model', INITIAL_NETNS, models);
  (doc.netns ?? []).forEach(({ name, model }, i) => checkState(model, maxLinks, `netns[${i}].model`, name, models));
  const given = new Set<string>();
  (doc.nsids ?? []).forEach(({ observer, peer, nsid }, i) => {
    for (const [key, name] of [['observer', observer], ['peer', peer]] as const) {
      if (!models.has(name)) throw bad(`nsids[${i}].${key}`, `is "${name}", which is not a namespace in the snapshot`);
    }
    for (const key of [`${observer}\0peer\0${peer}`, `${observer}\0id\0${nsid}`]) {
      if (given.has(key)) throw bad(`nsids[${i}]`, `repeats ${key.includes('\0id\0') ? `the id ${nsid}` : `the peer "${peer}"`} of "${observer}"`);
      given.add(key);
    }
  });
}

/**
 * A validated PUT body, every namespace of it; also imported into scratch namespaces first,
 * so that nothing can fail half-way through the real import.
 */
export function parseSnapshot(body: unknown, maxLinks: number): SnapshotDocument {
  const doc = revive(body) as SnapshotDocument;
  if (doc.version === 1 && (doc.netns !== undefined || doc.nsids !== undefined)) throw bad('version', 'must be 2 for a snapshot with namespaces or NSIDs');
  checkDocument(doc, maxLinks);
  const scratch = new NamespaceRegistry(() => new NetworkModel({ maxLinks, cpuCount: 1, clock: new ManualClock() }));
  let at = 'model';
  try {
    scratch.initial.model.importLinks(doc.model);
    for (const [i, { name, model }] of (doc.netns ?? []).entries()) {
      at = `netns[${i}].model`;
      scratch.add(name).model.importLinks(model);
    }
    at = 'nsids';
    for (const { observer, peer, nsid } of doc.nsids ?? []) scratch.get(observer)!.nsids.assign(scratch.get(peer)!, nsid);
  } catch (e) {
    throw bad(at, `cannot be imported: ${(e as Error).message}`);
  }
  return doc;
}
