// Whole-model replacement (test-rig reset, snapshot import): the model becomes a snapshot, and
// the difference is announced as Linux would announce devices and addresses going and coming.
import { isDeepStrictEqual } from 'node:util';
import { addressesOf, addressKey, sameAddress } from './address-diff.js';
import type { AddressSnapshot, AddressTable, InetAddress } from './addresses.js';
import type { ModelEvent } from './events.js';
import type { NeighbourSnapshot } from './neighbours/neighbours.js';
import type { RouteSnapshot } from './routes/routes.js';
import type { RuleSnapshot } from './rules/rules.js';
import type { FdbSnapshot } from './fdb/fdb.js';
import type { Link } from './types.js';

/** The whole model as exportLinks() gives it and importLinks()/replaceLinks() take it. */
export interface ModelState {
  lastAutoIndex: number;
  links: Link[];
  addresses?: AddressSnapshot | undefined;
  /** Absent in states saved before routes existed: the kernel's own routes are then rebuilt. */
  routes?: RouteSnapshot | undefined;
  /** Absent in states saved before rules existed (and in seeds without `rules:`): a new namespace's rules. */
  rules?: RuleSnapshot | undefined;
  /** Absent in older states: the local entries of the bridges and ports are made afresh. */
  fdb?: FdbSnapshot | undefined;
  /** Absent in states saved before neighbours existed: the tables start empty. */
  neighbours?: NeighbourSnapshot | undefined;
}

/** What a replacement reads and calls on the model. */
export interface ReplaceTarget {
  links(): Iterable<Link>;
  readonly addresses: AddressTable;
  now(): number;
  reportedFlags(link: Link): number;
  emit(event: ModelEvent): void;
  /** Restores `state` without announcing anything; `unchangedAddresses` keep their times. */
  importLinks(state: ModelState, unchangedAddresses: ReadonlyMap<string, Readonly<InetAddress>>): void;
}

const NOTIFY_ALL = 0xffffffff;

/**
 * Replaces the whole model with `state` (as importLinks; a state without addresses has none)
 * and announces the difference the way Linux announces devices and addresses going and
 * coming, so subscribers' caches end up right. First, while the old model is still in place:
 * RTM_DELADDR for every address that goes (with its device, or alone), then RTM_DELLINK for
 * every device that is gone or whose index now holds a device of another kind (a bridge port's
 * AF_BRIDGE withdrawal first). Then, in index order: RTM_NEWLINK for every device that is new
 * (ifi_change 0xffffffff) or differs in any way (ifi_change = the flag bits that changed), the
 * AF_BRIDGE announcement of ports that are new or changed bridge, and RTM_NEWADDR for every
 * address that is new or changed. What stays exactly as it was is not announced; a device that
 * stays (same index, same kind) keeps its creation time.
 */
export function replaceModel(model: ReplaceTarget, state: ModelState): void {
  const before = new Map([...model.links()].map((l) => [l.index, l]));
  const incoming = new Map(state.links.map((l) => [l.index, l]));
  const keptIndex = (index: number) => {
    const old = before.get(index);
    return old !== undefined && incoming.get(index)?.kind === old.kind;
  };
  const oldAddrs = addressesOf(model.addresses.export());
  const newAddrs = addressesOf(state.addresses);
  const unchanged = new Map<string, InetAddress>();
  for (const [key, a] of oldAddrs) {
    const next = newAddrs.get(key);
    if (next && keptIndex(a.ifindex) && sameAddress(a, next)) unchanged.set(key, a);
    else if (!next || !keptIndex(a.ifindex)) model.emit({ type: 'deladdr', link: before.get(a.ifindex)!, addr: a });
  }
  for (const old of before.values()) {
    const next = incoming.get(old.index);
    const kept = keptIndex(old.index);
    if (old.master && (!kept || next!.master !== old.master)) model.emit({ type: 'bridgeport', action: 'del', link: old });
    if (!kept) model.emit({ type: 'dellink', link: old });
  }
  model.importLinks({ ...state, addresses: state.addresses ?? { now: model.now(), devices: [] } }, unchanged);
  for (const link of model.links()) {
    const old = before.get(link.index);
    const kept = old !== undefined && old.kind === link.kind;
    if (kept) link.createdAt = old.createdAt;
    if (!kept || !isDeepStrictEqual(old, link)) {
      model.emit({ type: 'newlink', link, change: kept ? (model.reportedFlags(old) ^ model.reportedFlags(link)) >>> 0 : NOTIFY_ALL });
      if (link.master && (!kept || old.master !== link.master)) model.emit({ type: 'bridgeport', action: 'new', link });
    }
    for (const a of [...model.addresses.list(link.index, 'inet'), ...model.addresses.list(link.index, 'inet6')]) {
      if (!unchanged.has(addressKey(a))) model.emit({ type: 'newaddr', link, addr: a });
    }
  }
}
