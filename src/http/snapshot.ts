import { ManualClock } from '../model/clock.js';
import { KINDS } from '../model/kinds.js';
import { ALTIFNAMSIZ, isValidName } from '../model/names.js';
import { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';
import { toJson } from '../state/json.js';
import type { ModelState } from './context.js';
import { HttpError } from './errors.js';

// GET/PUT /v1/snapshot: the whole model as one JSON document, the same one the state
// directory keeps as snapshot.json ({"version": 1, "model": {...}}, byte arrays as
// {"$hex": "..."}), so a snapshot can seed a state directory and the other way round.

export interface SnapshotDocument {
  version: 1;
  model: ModelState;
}

/** The model as a snapshot document, already serialised. */
export function snapshotJson(model: NetworkModel): string {
  return toJson({ version: 1, model: model.exportLinks() } satisfies SnapshotDocument);
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

/**
 * The rules a model keeps that a JSON schema cannot say: unique indexes and names, lo at
 * index 1, references that resolve, per-kind options present, the link limit. A snapshot
 * that passes can be served and encoded without surprises.
 */
export function checkState(state: ModelState, maxLinks: number): void {
  const links = state.links;
  if (links.length > maxLinks) throw bad('model.links', `has ${links.length} links; the limit is ${maxLinks} (--max-links)`);
  const byIndex = new Map<number, Link>();
  const names = new Set<string>();
  links.forEach((l, i) => {
    const at = `model.links[${i}]`;
    if (byIndex.has(l.index)) throw bad(`${at}.index`, `repeats index ${l.index}`);
    byIndex.set(l.index, l);
    if (!isValidName(l.name)) throw bad(`${at}.name`, `"${l.name}" is not a valid interface name`);
    for (const [j, n] of [l.name, ...l.altnames].entries()) {
      const field = j === 0 ? `${at}.name` : `${at}.altnames[${j - 1}]`;
      if (j > 0 && !isValidName(n, ALTIFNAMSIZ)) throw bad(field, `"${n}" is not a valid altname`);
      if (names.has(n)) throw bad(field, `repeats the name "${n}"`);
      names.add(n);
    }
    if ((l.kind === 'lo') !== (l.index === 1)) throw bad(`${at}.kind`, 'must be "lo" at index 1, and only there');
    for (const key of ['address', 'broadcast'] as const) {
      if (l[key].length !== 6) throw bad(`${at}.${key}`, 'must be 6 bytes');
    }
    if ((l.kind === 'vlan') !== (l.vlan !== undefined)) throw bad(`${at}.vlan`, 'is required for a vlan, and only there');
    if ((l.kind === 'bridge') !== (l.bridge !== undefined)) throw bad(`${at}.bridge`, 'is required for a bridge, and only there');
    if ((l.kind === 'macvlan') !== (l.macvlanMode !== undefined)) throw bad(`${at}.macvlanMode`, 'is required for a macvlan, and only there');
    if ((l.master !== 0) !== (l.bridgePort !== undefined)) throw bad(`${at}.bridgePort`, 'is required for a bridge port, and only there');
  });
  if (!byIndex.has(1)) throw bad('model.links', 'must contain lo (index 1)');
  const devices = new Set<number>();
  state.addresses?.devices.forEach((d, i) => {
    const at = `model.addresses.devices[${i}]`;
    if (!byIndex.has(d.ifindex)) throw bad(`${at}.ifindex`, `is ${d.ifindex}, which is not a link in the snapshot`);
    if (devices.has(d.ifindex)) throw bad(`${at}.ifindex`, `repeats device ${d.ifindex}`);
    devices.add(d.ifindex);
    for (const family of ['v4', 'v6'] as const) {
      const size = family === 'v4' ? 4 : 16;
      d[family].forEach((a, j) => {
        const where = `${at}.${family}[${j}]`;
        if (a.ifindex !== d.ifindex) throw bad(`${where}.ifindex`, `must be the device's index, ${d.ifindex}`);
        for (const key of ['local', 'address', 'broadcast', 'peer'] as const) {
          const bytes = (a as unknown as Record<string, Uint8Array | undefined>)[key];
          if (bytes && bytes.length !== size) throw bad(`${where}.${key}`, `must be ${size} bytes`);
        }
      });
    }
  });
  links.forEach((l, i) => {
    const at = `model.links[${i}]`;
    if (l.master !== 0 && !KINDS[byIndex.get(l.master)?.kind ?? 'lo'].isMaster) throw bad(`${at}.master`, `is ${l.master}, which is not a bridge in the snapshot`);
    if (KINDS[l.kind].needsParent && !byIndex.has(l.link)) throw bad(`${at}.link`, `is ${l.link}, which is not a link in the snapshot`);
    if (l.kind === 'veth' && l.link !== 0 && byIndex.get(l.link)?.kind !== 'veth') throw bad(`${at}.link`, `is ${l.link}, which is not a veth in the snapshot`);
  });
}

/** A validated PUT body as model state; also imported into a scratch model so nothing can fail half-way. */
export function parseSnapshot(doc: unknown, maxLinks: number): ModelState {
  const state = (revive(doc) as SnapshotDocument).model;
  checkState(state, maxLinks);
  try {
    new NetworkModel({ maxLinks, cpuCount: 1, clock: new ManualClock() }).importLinks(state);
  } catch (e) {
    throw bad('model', `cannot be imported: ${(e as Error).message}`);
  }
  return state;
}
