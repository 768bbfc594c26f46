import type { Clock, Timer } from '../clock.js';
import { ModelError } from '../errors.js';
import type { ModelEvent } from '../events.js';
import type { NetdevEvent, NotifierChain } from '../notifier.js';
import { CHAIN_PRIORITY } from '../notifier.js';
import type { Link } from '../types.js';
import type { FdbEntry, FdbState, SelfEntry } from './entry.js';

export interface FdbHost {
  readonly clock: Clock;
  readonly netdevChain: NotifierChain<NetdevEvent>;
  link(index: number): Readonly<Link> | undefined;
  emit(event: ModelEvent): void;
}

/** BR_DEFAULT_AGEING_TIME: learned entries go after 300 s without traffic. */
export const FDB_AGEING_MS = 300_000;

const sameMac = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);
/** is_valid_ether_addr(): not multicast, not all zeros. */
const validMac = (m: Uint8Array) => (m[0]! & 1) === 0 && m.some((v) => v !== 0);

/** Every entry as plain values (snapshots, the --state directory). */
export interface FdbSnapshot {
  entries: FdbEntry[];
  self: SelfEntry[];
}

/** What an add asks for (br_fdb_add / fdb_add_entry). */
export interface FdbAdd {
  bridge: number;
  port: number;
  mac: Uint8Array;
  vid: number;
  state: FdbState;
  sticky: boolean;
  create: boolean;
  excl: boolean;
}

/**
 * The bridges' forwarding databases (net/bridge/br_fdb.c) and the devices' own unicast lists.
 * Entries of one bridge are kept newest first (fdb_list, hlist_add_head). Follows the netdevice
 * chain: a bridge's and each port's own address (local entries), address changes, ports leaving.
 */
export class FdbTable {
  private readonly byBridge = new Map<number, FdbEntry[]>();
  private readonly selfLists = new Map<number, SelfEntry[]>();
  private ageing: Timer | undefined;
  generation = 0;

  constructor(private readonly host: FdbHost) {
    host.netdevChain.register((e) => this.netdevEvent(e), CHAIN_PRIORITY.bridge - 1);
  }

  /** The bridge's entries, newest first. */
  entries(bridge: number): readonly FdbEntry[] {
    return this.byBridge.get(bridge) ?? [];
  }

  /** A device's own unicast list (self entries added by users). */
  selfEntries(ifindex: number): readonly SelfEntry[] {
    return this.selfLists.get(ifindex) ?? [];
  }

  find(bridge: number, mac: Uint8Array, vid: number): FdbEntry | undefined {
    return this.entries(bridge).find((e) => e.vid === vid && sameMac(e.mac, mac));
  }

  private insert(e: FdbEntry): void {
    let list = this.byBridge.get(e.bridge);
    if (!list) this.byBridge.set(e.bridge, (list = []));
    list.unshift(e);
    this.changed({ type: 'newfdb', entry: e });
  }

  private remove(e: FdbEntry): void {
    const list = this.byBridge.get(e.bridge);
    const at = list?.indexOf(e) ?? -1;
    if (at < 0) return;
    list!.splice(at, 1);
    this.changed({ type: 'delfdb', entry: e });
  }

  private changed(event: ModelEvent): void {
    this.generation++;
    this.host.emit(event);
  }

  /** fdb_add_local(): a local entry unless one exists for the address (several ports may share it). */
  private addLocal(bridge: number, port: number, mac: Uint8Array): void {
    if (!validMac(mac)) return;
    const old = this.find(bridge, mac, 0);
    if (old) {
      if (old.state === 'permanent') return;
      this.remove(old);
    }
    const now = this.host.clock.now();
    this.insert({ bridge, port, mac: new Uint8Array(mac), vid: 0, state: 'permanent', user: false, extLearned: false, sticky: false, updated: now, used: now });
  }

  /** fdb_delete_local(): a local entry goes, unless another port (or the bridge) still has that address. */
  private deleteLocal(bridge: number, port: number, mac: Uint8Array): void {
    const e = this.find(bridge, mac, 0);
    if (!e || e.state !== 'permanent' || e.port !== port || e.user) return;
    const br = this.host.link(bridge);
    for (const p of this.portsOf(bridge)) {
      if (p.index !== port && sameMac(p.address, mac)) {
        e.port = p.index;
        this.changed({ type: 'newfdb', entry: e });
        return;
      }
    }
    if (port !== 0 && br && sameMac(br.address, mac)) {
      e.port = 0;
      this.changed({ type: 'newfdb', entry: e });
      return;
    }
    this.remove(e);
  }

  private portsOf(bridge: number): Array<Readonly<Link>> {
    const out: Array<Readonly<Link>> = [];
    for (const l of this.bridgeOwned(bridge)) out.push(l);
    return out;
  }

  /** The ports of a bridge as the registry lists them (by the ports' master field). */
  private bridgeOwned(bridge: number): Array<Readonly<Link>> {
    return this.portIndex.get(bridge) ?? [];
  }

  private readonly portIndex = new Map<number, Array<Readonly<Link>>>();

  /** br_device_event / br_add_if / del_nbp / br_dev_init: the entries Linux makes and drops by itself. */
  private netdevEvent(e: NetdevEvent): void {
    const link = e.link;
    switch (e.type) {
      case 'register':
        if (link.kind === 'bridge') {
          this.addLocal(link.index, 0, link.address);
          // br_dev_newlink() with IFLA_ADDRESS: dev_set_mac_address() replaces the entry once more (DEL, NEW).
          if (link.bridge?.macSetByUser) this.bridgeAddressChanged(link, true);
        }
        break;
      case 'changeupper': {
        const bridge = e.master!.index;
        const ports = this.portIndex.get(bridge) ?? [];
        if (link.master === bridge) {
          this.portIndex.set(bridge, [...ports, link]);
          this.addLocal(bridge, link.index, link.address);
        } else {
          this.portIndex.set(bridge, ports.filter((p) => p !== link));
          for (const entry of [...this.entries(bridge)]) if (entry.port === link.index) this.remove(entry);
        }
        break;
      }
      case 'changeaddr':
        if (link.kind === 'bridge') this.bridgeAddressChanged(link);
        else if (link.master) this.portAddressChanged(link);
        break;
      case 'unregister':
        this.selfLists.delete(link.index);
        if (link.kind === 'bridge') {
          for (const entry of [...this.entries(link.index)]) this.remove(entry);
          this.byBridge.delete(link.index);
          this.portIndex.delete(link.index);
        }
        break;
      default:
    }
  }

  /**
   * br_dev_delete() → br_fdb_delete_by_port(br, NULL, 0, 1): a bridge being deleted drops every
   * entry left after its ports went, announced before the bridge is closed (so before the
   * neighbour flush of its close).
   */
  bridgeDeleting(bridge: Readonly<Link>): void {
    for (const entry of [...this.entries(bridge.index)]) this.remove(entry);
  }

  /** br_fdb_change_mac_address(): the bridge's own local entry follows its address. */
  private bridgeAddressChanged(bridge: Readonly<Link>, evenSame = false): void {
    for (const entry of [...this.entries(bridge.index)]) {
      if (entry.port === 0 && entry.state === 'permanent' && !entry.user && (evenSame || !sameMac(entry.mac, bridge.address))) this.remove(entry);
    }
    this.addLocal(bridge.index, 0, bridge.address);
  }

  /** br_fdb_changeaddr(): a port's local entry follows the port's address. */
  private portAddressChanged(port: Readonly<Link>): void {
    const bridge = port.master;
    for (const entry of [...this.entries(bridge)]) {
      if (entry.port === port.index && entry.state === 'permanent' && !entry.user && !sameMac(entry.mac, port.address)) {
        this.deleteLocal(bridge, port.index, entry.mac);
      }
    }
    this.addLocal(bridge, port.index, port.address);
  }

  /**
   * fdb_add_entry(): user entries on a bridge (`bridge fdb add ... master`). Returns false when
   * nothing changed (ACK without notification).
   */
  add(req: FdbAdd): boolean {
    const now = this.host.clock.now();
    let e = this.find(req.bridge, req.mac, req.vid);
    let modified = false;
    if (!e) {
      if (!req.create) throw new ModelError('ENOENT');
      e = { bridge: req.bridge, port: req.port, mac: new Uint8Array(req.mac), vid: req.vid, state: req.state, user: true, extLearned: false, sticky: req.sticky, updated: now, used: now };
      this.insert(e);
      this.scheduleAgeing();
      return true;
    }
    if (req.excl) throw new ModelError('EEXIST');
    // Probed on 6.18: a user's static or permanent entry is not turned into a dynamic one.
    if (req.state === 'dynamic' && e.state !== 'dynamic') throw new ModelError('EPERM');
    if (e.port !== req.port) {
      e.port = req.port;
      modified = true;
    }
    if (e.state !== req.state) {
      e.state = req.state;
      modified = true;
    }
    if (e.sticky !== req.sticky) {
      e.sticky = req.sticky;
      modified = true;
    }
    e.user = true;
    e.used = now;
    if (modified) {
      e.updated = now;
      this.changed({ type: 'newfdb', entry: e });
      this.scheduleAgeing();
    }
    return modified;
  }

  /** fdb_delete_by_addr_and_port(): the entry of that address on that port (0: the bridge). */
  delete(bridge: number, port: number, mac: Uint8Array, vid: number): void {
    const e = this.find(bridge, mac, vid);
    if (!e || e.port !== port) throw new ModelError('ENOENT');
    this.remove(e);
  }

  /** What traffic would have done: a learned (dynamic) entry on a port (br_fdb_update). */
  learn(bridge: number, port: number, mac: Uint8Array, vid = 0): FdbEntry {
    if (!validMac(mac)) throw new ModelError('EINVAL', 'invalid address');
    const now = this.host.clock.now();
    const e = this.find(bridge, mac, vid);
    if (e) {
      if (e.state !== 'dynamic') return e; // local and static entries never move
      e.used = now;
      e.updated = now;
      if (e.port !== port) {
        e.port = port;
        this.changed({ type: 'newfdb', entry: e });
      }
      this.scheduleAgeing();
      return e;
    }
    const entry: FdbEntry = { bridge, port, mac: new Uint8Array(mac), vid, state: 'dynamic', user: false, extLearned: false, sticky: false, updated: now, used: now };
    this.insert(entry);
    this.scheduleAgeing();
    return entry;
  }

  /** br_fdb_cleanup(): dynamic entries not updated for the ageing time go (DELNEIGH each). */
  private expire(): void {
    this.ageing = undefined;
    const now = this.host.clock.now();
    for (const list of this.byBridge.values()) {
      for (const e of [...list]) if (e.state === 'dynamic' && !e.extLearned && now - e.updated >= FDB_AGEING_MS) this.remove(e);
    }
    this.scheduleAgeing();
  }

  private scheduleAgeing(): void {
    let next = Infinity;
    for (const list of this.byBridge.values()) for (const e of list) if (e.state === 'dynamic') next = Math.min(next, e.updated + FDB_AGEING_MS);
    if (next === Infinity) return;
    this.ageing?.cancel();
    this.ageing = this.host.clock.schedule(next, () => this.expire());
  }

  /** ndo_dflt_fdb_add(): an address on a device's own unicast list. True when it was new. */
  addSelf(ifindex: number, mac: Uint8Array, excl: boolean, state: number): boolean {
    const list = this.selfLists.get(ifindex) ?? [];
    const dup = list.some((s) => sameMac(s.mac, mac));
    if (dup && excl) throw new ModelError('EEXIST');
    if (!dup) list.push({ ifindex, mac: new Uint8Array(mac) });
    this.selfLists.set(ifindex, list);
    this.announceSelf('newfdb', ifindex, mac, state);
    return !dup;
  }

  /** rtnl_fdb_notify(): the SELF notification after a device handled a request (a bridge's own entries too). */
  announceSelf(type: 'newfdb' | 'delfdb', ifindex: number, mac: Uint8Array, state: number): void {
    this.changed({ type, self: { ifindex, mac: new Uint8Array(mac), state } });
  }

  deleteSelf(ifindex: number, mac: Uint8Array, state: number): void {
    const list = this.selfLists.get(ifindex) ?? [];
    const at = list.findIndex((s) => sameMac(s.mac, mac));
    if (at < 0) throw new ModelError('ENOENT');
    list.splice(at, 1);
    this.announceSelf('delfdb', ifindex, mac, state);
  }

  export(): FdbSnapshot {
    return {
      entries: [...this.byBridge.values()].flat().map((e) => structuredClone(e)),
      self: [...this.selfLists.values()].flat().map((s) => structuredClone(s)),
    };
  }

  /**
   * Replaces every entry, announcing nothing (a restore). Without a snapshot the local entries
   * of the bridges and ports that exist are made afresh.
   */
  import(s: FdbSnapshot | undefined, links: Iterable<Readonly<Link>>): void {
    this.byBridge.clear();
    this.selfLists.clear();
    this.portIndex.clear();
    const all = [...links];
    for (const l of all) if (l.master) this.portIndex.set(l.master, [...(this.portIndex.get(l.master) ?? []), l]);
    if (s) {
      for (const e of s.entries) {
        const list = this.byBridge.get(e.bridge) ?? [];
        list.push(structuredClone(e));
        this.byBridge.set(e.bridge, list);
      }
      for (const x of s.self) this.selfLists.set(x.ifindex, [...(this.selfLists.get(x.ifindex) ?? []), structuredClone(x)]);
    } else {
      const now = this.host.clock.now();
      const local = (bridge: number, port: number, mac: Uint8Array) => {
        if (!validMac(mac) || this.find(bridge, mac, 0)) return;
        const list = this.byBridge.get(bridge) ?? [];
        list.unshift({ bridge, port, mac: new Uint8Array(mac), vid: 0, state: 'permanent', user: false, extLearned: false, sticky: false, updated: now, used: now });
        this.byBridge.set(bridge, list);
      };
      for (const l of all) if (l.kind === 'bridge') local(l.index, 0, l.address);
      for (const l of all) if (l.master) local(l.master, l.index, l.address);
    }
    this.generation++;
    this.scheduleAgeing();
  }
}
