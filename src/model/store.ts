import { availableParallelism } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { addressesOf, addressKey, sameAddress } from './address-diff.js';
import { AddressTable, type AddressOptions, type AddressSnapshot, type InetAddress } from './addresses.js';
import { SystemClock, type Clock } from './clock.js';
import { ModelError } from './errors.js';
import type { Cause, ModelEvent, ModelListener } from './events.js';
import {
  combineFlags, DIRECT_FLAGS, IFF_ALLMULTI, IFF_PROMISC, IFF_UP, IF_LINK_MODE_DORMANT, IF_LINK_MODE_TESTING,
  IF_OPER_DORMANT, IF_OPER_DOWN, IF_OPER_LOWERLAYERDOWN, IF_OPER_TESTING, IF_OPER_UNKNOWN, IF_OPER_UP, operUp,
} from './flags.js';
import { IndexAllocator } from './index-allocator.js';
import { KINDS, type KindSpec } from './kinds.js';
import { ETHER_BROADCAST, stableMac } from './mac.js';
import { ALTIFNAMSIZ, allocateName, isValidName, templateOf } from './names.js';
import { zeroStats, type LinkStats } from './stats.js';
import type { KindName, Link, MacvlanMode, VlanOptions } from './types.js';

/** What a create request asks for; absent fields take the kind's defaults. */
export interface NewLinkSpec {
  kind: KindName;
  name?: string | undefined;
  index?: number | undefined;
  mtu?: number | undefined;
  address?: Uint8Array | undefined;
  broadcast?: Uint8Array | undefined;
  txqlen?: number | undefined;
  group?: number | undefined;
  operstate?: number | undefined;
  linkmode?: number | undefined;
  numTxQueues?: number | undefined;
  numRxQueues?: number | undefined;
  /** ifi_flags / ifi_change applied by rtnl_configure_link. */
  flags?: number | undefined;
  change?: number | undefined;
  master?: number | undefined;
  /** IFLA_LINK: the parent of a vlan or macvlan. */
  parent?: number | undefined;
  vlan?: VlanOptions | undefined;
  macvlanMode?: MacvlanMode | undefined;
  /** veth only: the peer's own settings (VETH_INFO_PEER). */
  peer?: NewLinkSpec | undefined;
}

const NOTIFY_ALL = 0xffffffff;
const NO_LINKS: ReadonlySet<Link> = new Set();

/** The public methods that change the model (test/model/version.test.ts checks the list is complete). */
export const MUTATING_METHODS = [
  'importLinks', 'addLoopback', 'createLink', 'changeFlags', 'setAddress', 'setMtu', 'setGroup', 'rename',
  'addAltname', 'deleteAltname', 'setAlias', 'setBroadcast', 'setMaster', 'setCarrier', 'setStats', 'setTxqlen',
  'setOperstate', 'setLinkmode', 'stateChanged', 'deleteLink', 'replaceLinks',
] as const satisfies ReadonlyArray<keyof NetworkModel>;
/** IFLA_EVENT_FEATURES: the bridge's offload features changed with its ports. */
const IFLA_EVENT_FEATURES = 2;
const IPV4_MIN_MTU = 68;
const IPV6_MIN_MTU = 1280;

/**
 * The network model of one namespace: links, their indexes and names, and the rules Linux
 * applies when they change. Synchronous and byte-free; callers serialise access (async-mutex)
 * and turn ModelErrors into netlink errors. Every change is announced as a ModelEvent.
 */
export class NetworkModel {
  private readonly links = new Map<number, Link>();
  /** Primary names and altnames, as __dev_get_by_name matches both. */
  private readonly names = new Map<string, Link>();
  /** Indexes in ascending order, for dumps (for_each_netdev_dump). */
  private sorted: number[] = [];
  private readonly allocator = new IndexAllocator((i) => this.links.has(i));
  private readonly listeners = new Set<ModelListener>();
  /** Ports by master index and stacked devices (vlan, macvlan) by parent index: no scans of all links. */
  private readonly ports = new Map<number, Set<Link>>();
  private readonly stacked = new Map<number, Set<Link>>();
  /** Links by kind, for dumps filtered by IFLA_LINKINFO kind. */
  private readonly byKind = new Map<KindName, Set<Link>>();
  /** Bumped when the device list changes (dev_base_seq), for NLM_F_DUMP_INTR. */
  generation = 1;
  /** The model's time and timers (lifetimes, DAD); tests pass a ManualClock. */
  readonly clock: Clock;
  /** Every link's IPv4/IPv6 addresses (src/model/addresses.ts). */
  readonly addresses: AddressTable;
  /** Devices whose carrier changed, waiting for the linkwatch step. */
  private linkwatchQueue: Link[] = [];
  readonly cpuCount: number;

  /** Resource limit: creating more links fails with -ENOSPC. */
  readonly maxLinks: number;

  constructor(options: { cpuCount?: number | undefined; maxLinks?: number | undefined; clock?: Clock | undefined; addresses?: AddressOptions | undefined } = {}) {
    this.cpuCount = options.cpuCount ?? availableParallelism();
    this.clock = options.clock ?? new SystemClock();
    this.addresses = new AddressTable({
      clock: this.clock, link: (i) => this.links.get(i), emit: (e) => this.emit(e), changed: () => void this.changeCount++,
    }, options.addresses);
    this.maxLinks = options.maxLinks ?? Number.MAX_SAFE_INTEGER;
    // Every mutating method bumps `version` before and after it runs, whether or not it
    // announces anything, so caches keyed by it can never serve a stale view.
    for (const name of MUTATING_METHODS) {
      const method = NetworkModel.prototype[name] as (...args: unknown[]) => unknown;
      (this as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        this.version++;
        try {
          return method.apply(this, args);
        } finally {
          this.version++;
        }
      };
    }
  }

  /** Changes whenever anything in the model may have changed (see MUTATING_METHODS and emit). */
  version = 0;

  // --- events ---

  onEvent(listener: ModelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ModelEvent): void {
    this.changeCount++;
    this.version++;
    for (const l of this.listeners) l(event);
  }

  /** Counts every announced change; a request that leaves it unchanged changed nothing. */
  changeCount = 0;

  private notify(link: Link, change = 0, cause?: Cause): void {
    this.emit({ type: 'newlink', link, change, cause });
  }

  // --- lookups ---

  get size(): number {
    return this.links.size;
  }

  byIndex(index: number): Link | undefined {
    return this.links.get(index);
  }

  byName(name: string): Link | undefined {
    return this.names.get(name);
  }

  /** The position of the first index >= `index` in the sorted index list. */
  private sortedPosition(index: number): number {
    const sorted = this.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The link with the lowest index above `afterIndex`: one step of a dump (no iterator to allocate). */
  linkAfter(afterIndex: number): Link | undefined {
    const sorted = this.sorted;
    // Dumps ask for the successor of the link they just wrote: try the slot after the last answer first.
    let i = this.lastAfter + 1;
    if (!(sorted[i - 1] === afterIndex && i < sorted.length)) i = this.sortedPosition(afterIndex + 1);
    for (; i < sorted.length; i++) {
      const link = this.links.get(sorted[i]!);
      if (link) {
        this.lastAfter = i;
        return link;
      }
    }
    return undefined;
  }

  /** Position in `sorted` of linkAfter()'s last answer (a hint, checked before use). */
  private lastAfter = -1;

  /** Links in ascending index order, starting after `afterIndex`. */
  *iterate(afterIndex = 0): IterableIterator<Link> {
    const sorted = this.sorted;
    for (let i = this.sortedPosition(afterIndex + 1); i < sorted.length; i++) {
      const link = this.links.get(sorted[i]!);
      if (link) yield link;
    }
  }

  /** The links of one kind, in no particular order. */
  linksOfKind(kind: KindName): ReadonlySet<Link> {
    return this.byKind.get(kind) ?? NO_LINKS;
  }

  /** The ports of a master, in the order they joined (the bridge's port list). */
  portsOf(master: number): Link[] {
    return [...(this.ports.get(master) ?? [])];
  }

  kindOf(link: Link): KindSpec {
    return KINDS[link.kind];
  }

  get lastAutoIndex(): number {
    return this.allocator.lastAllocated;
  }

  set lastAutoIndex(v: number) {
    this.allocator.lastAllocated = v;
  }

  /** Milliseconds since the model started (the model's "jiffies"). */
  now(): number {
    return this.clock.now();
  }

  // --- whole-model export and import (snapshots, state directory) ---

  /** Every link, plain values only, plus the index cursor: enough to rebuild this model exactly. */
  exportLinks(): { lastAutoIndex: number; links: Link[]; addresses: AddressSnapshot } {
    return { lastAutoIndex: this.lastAutoIndex, links: [...this.iterate()].map((l) => structuredClone(l)), addresses: this.addresses.export() };
  }

  /** Replaces every link with `links` (announcing nothing: this is a restore, not a change). */
  importLinks(state: { lastAutoIndex: number; links: Link[]; addresses?: AddressSnapshot | undefined }, unchangedAddresses?: ReadonlyMap<string, Readonly<InetAddress>>): void {
    for (const l of [...this.links.values()]) this.remove(l);
    for (const l of state.links) this.insert(structuredClone(l));
    this.lastAutoIndex = state.lastAutoIndex;
    if (state.addresses) this.addresses.import(state.addresses, unchangedAddresses);
  }

  // --- creation ---

  /** The loopback device every namespace starts with. */
  addLoopback(): Link {
    const lo = this.buildLink(KINDS.lo, 'lo', 1);
    lo.address = new Uint8Array(6);
    lo.broadcast = new Uint8Array(6);
    lo.carrier = true;
    this.insert(lo);
    this.allocator.commit(1);
    this.notify(lo, NOTIFY_ALL);
    return lo;
  }

  private buildLink(kind: KindSpec, name: string, index: number): Link {
    const queues = kind.queues === 'cpus' ? this.cpuCount : kind.queues;
    return {
      index, name, altnames: [], kind: kind.name, flags: kind.initialFlags, gflags: 0, promiscuity: 0, allmulti: 0,
      mtu: kind.mtu, txqlen: kind.txqlen, group: 0, alias: '',
      address: kind.deviceType === 'ether' ? stableMac(name, index) : new Uint8Array(6),
      broadcast: kind.deviceType === 'ether' ? ETHER_BROADCAST : new Uint8Array(6),
      operstate: IF_OPER_UNKNOWN, linkmode: 0, carrier: true, adminCarrier: true,
      carrierUpCount: 0, carrierDownCount: 0, everUp: false, master: 0, link: 0,
      numTxQueues: queues, numRxQueues: queues, createdAt: this.now(), inet: true, inet6: true,
    } as Link;
  }

  /** Adds `member` to the set kept under `key` (ports by master, stacked devices by parent, kinds). */
  private static addTo<K>(map: Map<K, Set<Link>>, key: K, member: Link): void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(member);
  }

  private static removeFrom<K>(map: Map<K, Set<Link>>, key: K, member: Link): void {
    const set = map.get(key);
    if (set?.delete(member) && set.size === 0) map.delete(key);
  }

  private insert(link: Link): void {
    this.links.set(link.index, link);
    if (link.master) NetworkModel.addTo(this.ports, link.master, link);
    NetworkModel.addTo(this.byKind, link.kind, link);
    if (link.link && KINDS[link.kind].needsParent) NetworkModel.addTo(this.stacked, link.link, link);
    this.names.set(link.name, link);
    for (const alt of link.altnames) this.names.set(alt, link);
    const s = this.sorted;
    if (s.length === 0 || s[s.length - 1]! < link.index) s.push(link.index);
    else {
      let lo = 0;
      let hi = s.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (s[mid]! < link.index) lo = mid + 1;
        else hi = mid;
      }
      s.splice(lo, 0, link.index);
    }
    this.generation++;
  }

  private remove(link: Link): void {
    this.links.delete(link.index);
    this.names.delete(link.name);
    for (const alt of link.altnames) this.names.delete(alt);
    if (link.master) NetworkModel.removeFrom(this.ports, link.master, link);
    NetworkModel.removeFrom(this.byKind, link.kind, link);
    if (link.link && KINDS[link.kind].needsParent) NetworkModel.removeFrom(this.stacked, link.link, link);
    const at = this.sortedPosition(link.index);
    if (this.sorted[at] === link.index) this.sorted.splice(at, 1);
    this.generation++;
  }

  /** Resolves a requested name (or template) to a free, valid name. */
  private resolveName(requested: string, reserved: ReadonlySet<string>): string {
    const tpl = templateOf(requested);
    if (tpl === 'invalid') throw new ModelError('EINVAL');
    if (tpl) {
      if (!isValidName(requested.replace('%d', '0'))) throw new ModelError('EINVAL');
      const name = allocateName(tpl, (n) => this.names.has(n) || reserved.has(n));
      if (!name) throw new ModelError('ENFILE');
      if (!isValidName(name)) throw new ModelError('EINVAL');
      return name;
    }
    if (!isValidName(requested)) throw new ModelError('EINVAL');
    if (this.names.has(requested) || reserved.has(requested)) throw new ModelError('EEXIST');
    return requested;
  }

  private checkMtu(kind: KindSpec, mtu: number, parent?: Link): void {
    if (mtu < kind.minMtu || mtu > 0x7fffffff) throw new ModelError('EINVAL', 'mtu less than device minimum');
    if (kind.maxMtu > 0 && mtu > kind.maxMtu) throw new ModelError('EINVAL', 'mtu greater than device maximum');
    if (parent && mtu > parent.mtu) throw new ModelError('EINVAL');
  }

  /**
   * RTM_NEWLINK create (rtnl_newlink_create, and veth_newlink for pairs). Everything is checked
   * before anything is registered, so a failing request leaves nothing behind.
   * Returns the new devices, peer first.
   */
  createLink(spec: NewLinkSpec, cause?: Cause): Link[] {
    const kind = KINDS[spec.kind];
    if (!kind.creatable) throw new ModelError('EOPNOTSUPP', 'Unknown device type');
    const plan: Array<{ spec: NewLinkSpec; name: string; index: number; auto: boolean; parent?: Link | undefined }> = [];
    const reservedNames = new Set<string>();
    const reservedIndexes = new Set<number>();
    const prepare = (s: NewLinkSpec) => {
      const k = KINDS[s.kind];
      let parent: Link | undefined;
      if (k.needsParent) {
        parent = s.parent ? this.links.get(s.parent) : undefined;
        if (!parent) throw new ModelError('ENODEV');
      }
      if (s.mtu !== undefined) this.checkMtu(k, s.mtu, parent);
      const name = this.resolveName(s.name ?? k.nameTemplate, reservedNames);
      reservedNames.add(name);
      let index = s.index ?? 0;
      const auto = index <= 0;
      if (auto) {
        const next = this.allocator.peek(reservedIndexes);
        if (next === undefined) throw new ModelError('ENFILE');
        index = next;
      } else if (this.links.has(index) || reservedIndexes.has(index)) {
        throw new ModelError('EEXIST');
      }
      reservedIndexes.add(index);
      plan.push({ spec: s, name, index, auto, parent });
    };
    if (spec.kind === 'veth') {
      // The peer is registered first; without VETH_INFO_PEER it is configured from the main
      // device's attributes, but not its flags (veth_newlink).
      const peerSpec: NewLinkSpec = spec.peer ?? { ...spec, name: undefined, index: undefined, flags: 0, change: 0, master: undefined };
      if ((peerSpec.flags ?? 0) & IFF_UP) throw new ModelError('ENOTCONN');
      prepare({ ...peerSpec, kind: 'veth', peer: undefined });
    }
    prepare(spec);
    if (spec.master !== undefined && spec.master !== 0) this.checkMaster(spec.master, undefined);
    if (this.links.size + plan.length > this.maxLinks) {
      throw new ModelError('ENOSPC', `rtnld: link limit (${this.maxLinks}) reached`);
    }

    const created: Link[] = [];
    for (const p of plan) {
      const k = KINDS[p.spec.kind];
      const link = this.buildLink(k, p.name, p.index);
      const s = p.spec;
      if (p.parent) {
        link.link = p.parent.index;
        link.mtu = p.parent.mtu;
      }
      if (s.mtu !== undefined) link.mtu = s.mtu;
      link.inet = link.mtu >= IPV4_MIN_MTU;
      link.inet6 = link.mtu >= IPV6_MIN_MTU;
      if (s.address) link.address = new Uint8Array(s.address);
      if (s.broadcast) link.broadcast = new Uint8Array(s.broadcast);
      if (s.txqlen !== undefined) link.txqlen = s.txqlen;
      if (s.group !== undefined) link.group = s.group;
      if (s.linkmode !== undefined) link.linkmode = s.linkmode;
      if (s.numTxQueues !== undefined) link.numTxQueues = s.numTxQueues;
      if (s.numRxQueues !== undefined) link.numRxQueues = s.numRxQueues;
      if (s.vlan) link.vlan = { ...s.vlan };
      if (s.kind === 'macvlan') link.macvlanMode = s.macvlanMode ?? 'vepa';
      if (s.kind === 'bridge') link.bridge = { mtuSetByUser: false, carrierFollowsPorts: s.address !== undefined, macSetByUser: s.address !== undefined, tsoMaxSize: k.tsoMaxSize };
      this.insert(link);
      if (p.auto) this.allocator.commit(p.index);
      created.push(link);
    }
    if (spec.kind === 'veth') {
      created[1]!.link = created[0]!.index;
      created[0]!.link = created[1]!.index;
    }
    for (const link of created) {
      // veth_newlink and a bridge given a MAC turn the carrier off after registering (one
      // carrier-down count); stacked devices copy their parent's state before they count.
      if (!this.wantedCarrier(link) && link.carrier) {
        link.carrier = false;
        if (KINDS[link.kind].carrier !== 'parent') link.carrierDownCount = 1;
      }
    }
    for (const [i, link] of created.entries()) {
      const s = plan[i]!.spec;
      link.operstate = link.carrier ? IF_OPER_UNKNOWN : this.defaultOperstate(link);
      // rtnl_configure_link: ifi_flags applied before the one creation notification.
      if ((s.flags ?? 0) !== 0 || (s.change ?? 0) !== 0) this.applyFlags(link, s.flags ?? 0, s.change ?? 0);
      this.recomputeCarrier(link, false);
      if (s.operstate !== undefined) this.applyOperstate(link, s.operstate);
      // Linux announces the veth peer before the main device exists, so its IFLA_LINK reads 0.
      const iflink = link.link;
      if (spec.kind === 'veth' && i === 0) link.link = 0;
      this.notify(link, NOTIFY_ALL, i === created.length - 1 ? cause : undefined);
      link.link = iflink;
      this.addresses.sync(link); // NETDEV_UP after the creation notification
    }
    const main = created[created.length - 1]!;
    if (spec.master) this.setMaster(main, spec.master);
    this.runLinkwatch();
    return created;
  }

  // --- flags and state ---

  /** netif_get_flags(): the flags reported in ifi_flags. */
  reportedFlags(link: Link): number {
    let flags = (link.flags & ~(IFF_PROMISC | IFF_ALLMULTI | 0x40 | 0x10000 | 0x20000)) | (link.gflags & (IFF_PROMISC | IFF_ALLMULTI));
    if (link.flags & IFF_UP) {
      if (operUp(link.operstate)) flags |= 0x40;
      if (link.carrier) flags |= 0x10000;
      // IFF_DORMANT follows the driver's dormant state (netif_dormant), which no rtnld device sets.
    }
    return flags >>> 0;
  }

  /** IFLA_TSO_MAX_SIZE: a bridge takes the smallest of its ports' limits once it has ports. */
  tsoMaxSize(link: Link): number {
    return link.bridge?.tsoMaxSize ?? KINDS[link.kind].tsoMaxSize;
  }

  /** IFLA_OPERSTATE as reported: the stored operstate while running, DOWN otherwise. */
  reportedOperstate(link: Link): number {
    return link.flags & IFF_UP ? link.operstate : IF_OPER_DOWN;
  }

  /** __dev_change_flags() without the notification; returns the changed bits (ifi_change). */
  private applyFlags(link: Link, ifiFlags: number, ifiChange: number): number {
    const oldFlags = link.flags;
    const oldGflags = link.gflags;
    const current = (link.flags & ~(IFF_PROMISC | IFF_ALLMULTI)) | (link.gflags & (IFF_PROMISC | IFF_ALLMULTI));
    const wanted = combineFlags(current, ifiFlags, ifiChange);
    link.flags = ((wanted & DIRECT_FLAGS) | (oldFlags & ~DIRECT_FLAGS)) >>> 0;
    if ((wanted ^ oldFlags) & IFF_UP) {
      if (wanted & IFF_UP) this.open(link);
      else this.close(link);
    }
    if ((wanted ^ link.gflags) & IFF_PROMISC) {
      link.gflags ^= IFF_PROMISC;
      this.adjustPromiscuity(link, wanted & IFF_PROMISC ? 1 : -1);
    }
    if ((wanted ^ link.gflags) & IFF_ALLMULTI) {
      link.gflags ^= IFF_ALLMULTI;
      this.adjustAllmulti(link, wanted & IFF_ALLMULTI ? 1 : -1);
    }
    return ((oldFlags ^ link.flags) | (oldGflags ^ link.gflags)) >>> 0;
  }

  private adjustAllmulti(link: Link, inc: number): void {
    link.allmulti = Math.max(0, link.allmulti + inc);
    link.flags = link.allmulti > 0 ? link.flags | IFF_ALLMULTI : link.flags & ~IFF_ALLMULTI;
  }

  private adjustPromiscuity(link: Link, inc: number): void {
    link.promiscuity = Math.max(0, link.promiscuity + inc);
    link.flags = link.promiscuity > 0 ? link.flags | IFF_PROMISC : link.flags & ~IFF_PROMISC;
  }

  private open(link: Link): void {
    link.flags |= IFF_UP;
    link.everUp = true;
    if (link.bridge) this.enableBridgePorts(link);
    this.recomputeCarrier(link, true);
    if (link.kind === 'veth' && link.link) {
      const peer = this.links.get(link.link);
      if (peer) this.recomputeCarrier(peer, true);
    }
    this.recomputeDependents(link);
  }

  private close(link: Link): void {
    link.flags &= ~IFF_UP;
    if (link.bridge) this.disableBridgePorts(link);
    this.recomputeCarrier(link, true);
    if (link.kind === 'veth' && link.link) {
      const peer = this.links.get(link.link);
      if (peer) this.recomputeCarrier(peer, true);
    }
    this.recomputeDependents(link);
  }

  /** RTM_SETLINK / NEWLINK ifi_flags+ifi_change (netif_change_flags): one NEWLINK if anything changed. */
  changeFlags(link: Link, ifiFlags: number, ifiChange: number): void {
    if (ifiFlags === 0 && ifiChange === 0) return;
    if (link.kind === 'veth' && combineFlags(link.flags, ifiFlags, ifiChange) & IFF_UP && !(link.flags & IFF_UP)) {
      if (!link.link || !this.links.has(link.link)) throw new ModelError('ENOTCONN');
    }
    const changed = this.applyFlags(link, ifiFlags, ifiChange);
    if (changed) this.notify(link, changed);
    if (changed & IFF_UP && link.master) {
      // NETDEV_UP / NETDEV_DOWN: the bridge enables or disables the port (br_stp_(en|dis)able_port).
      link.bridgePortForwarding = false;
      this.emit({ type: 'bridgeport', action: 'new', link });
    }
    this.addresses.sync(link); // NETDEV_UP / NETDEV_DOWN follow the NEWLINK
    this.runLinkwatch();
  }

  /** What the carrier should be, from the kind's carrier source. */
  private wantedCarrier(link: Link): boolean {
    const kind = KINDS[link.kind];
    switch (kind.carrier) {
      case 'always':
        return true;
      case 'admin':
        return link.adminCarrier;
      case 'peer': {
        const peer = link.link ? this.links.get(link.link) : undefined;
        return !!(peer && link.flags & IFF_UP && peer.flags & IFF_UP && link.adminCarrier && peer.adminCarrier);
      }
      case 'ports': {
        // br_port_state_selection(): on while a port forwards; a bridge that never had ports keeps its carrier.
        if (!link.bridge?.carrierFollowsPorts) return link.adminCarrier;
        return (link.flags & IFF_UP) !== 0 && this.portsOf(link.index).some((p) => p.flags & IFF_UP && p.carrier);
      }
      case 'parent': {
        const parent = link.link ? this.links.get(link.link) : undefined;
        return !!(parent && parent.carrier && parent.flags & IFF_UP);
      }
    }
  }

  /** netif_carrier_on/off(): updates the carrier and queues the device for linkwatch. */
  private recomputeCarrier(link: Link, queue: boolean): void {
    const want = this.wantedCarrier(link);
    if (want === link.carrier) return;
    link.carrier = want;
    if (want) link.carrierUpCount++;
    else link.carrierDownCount++;
    if (queue) {
      if (!this.linkwatchQueue.includes(link)) this.linkwatchQueue.push(link);
    } else {
      link.operstate = this.defaultOperstate(link);
    }
  }

  /** Masters and stacked devices whose carrier depends on `link`. */
  private recomputeDependents(link: Link): void {
    if (link.master) {
      const master = this.links.get(link.master);
      if (master) this.recomputeCarrier(master, true);
    }
    for (const l of this.stacked.get(link.index) ?? []) this.recomputeCarrier(l, true);
  }

  /** default_operstate() + rfc2863_policy() of net/core/link_watch.c. */
  private defaultOperstate(link: Link): number {
    let state: number;
    if (!link.carrier) {
      const lower = link.link && link.link !== link.index ? this.links.get(link.link) : undefined;
      if (!lower) state = IF_OPER_DOWN;
      else state = lower.flags & IFF_UP && operUp(lower.operstate) ? IF_OPER_DOWN : IF_OPER_LOWERLAYERDOWN;
    } else {
      state = IF_OPER_UP;
    }
    if (state === IF_OPER_UP && link.linkmode === IF_LINK_MODE_DORMANT) state = IF_OPER_DORMANT;
    if (state === IF_OPER_UP && link.linkmode === IF_LINK_MODE_TESTING) state = IF_OPER_TESTING;
    return state;
  }

  /**
   * linkwatch_do_dev() for every device whose carrier changed: recompute operstate and send
   * NEWLINK (change 0) for devices that are up. Runs synchronously after each change, so the
   * model is settled whenever a request completes.
   */
  private runLinkwatch(): void {
    while (this.linkwatchQueue.length > 0) {
      const link = this.linkwatchQueue.shift()!;
      if (!this.links.has(link.index)) continue;
      link.operstate = this.defaultOperstate(link);
      // NETDEV_CHANGE reaches the bridge (br_port_carrier_check) before the port's own NEWLINK.
      this.updatePortState(link);
      this.addresses.linkStateChanging(link);
      if (link.flags & IFF_UP) this.notify(link);
      this.addresses.sync(link); // NETDEV_CHANGE: IPv6 starts once the link runs
      this.recomputeDependents(link);
    }
  }

  // --- do_setlink operations, in the order rtnetlink applies them ---

  setAddress(link: Link, mac: Uint8Array): void {
    link.address = new Uint8Array(mac);
    if (link.bridge) {
      link.bridge.carrierFollowsPorts = true;
      link.bridge.macSetByUser = true;
      this.recomputeCarrier(link, true);
    }
    this.notify(link); // NETDEV_CHANGEADDR, even when unchanged
    this.runLinkwatch();
  }

  setMtu(link: Link, mtu: number): void {
    const kind = KINDS[link.kind];
    const parent = kind.needsParent && link.link ? this.links.get(link.link) : undefined;
    this.checkMtu(kind, mtu, parent);
    if (link.bridge) link.bridge.mtuSetByUser = true;
    if (mtu === link.mtu) return;
    this.applyMtu(link, mtu);
    // Stacked devices never exceed their parent's MTU (vlan_device_event, macvlan_device_event).
    for (const child of this.stacked.get(link.index) ?? []) {
      if (child.mtu > mtu) this.applyMtu(child, mtu);
    }
    if (link.master) this.adjustBridgeMtu(link.master);
  }

  /**
   * dev_set_mtu(): NETDEV_CHANGEMTU reaches rtnetlink (the NEWLINK) before devinet and addrconf,
   * which then follow the new MTU, or drop the family's state below its minimum (68 / 1280 bytes);
   * it comes back above.
   */
  private applyMtu(link: Link, mtu: number): void {
    link.mtu = mtu;
    this.notify(link);
    link.inet = mtu >= IPV4_MIN_MTU;
    link.inet6 = mtu >= IPV6_MIN_MTU;
    this.addresses.sync(link);
  }

  /** br_mtu_auto_adjust(): a bridge whose MTU the user never set follows its smallest port. */
  private adjustBridgeMtu(masterIndex: number): void {
    const bridge = this.links.get(masterIndex);
    if (!bridge?.bridge || bridge.bridge.mtuSetByUser) return;
    const ports = this.portsOf(masterIndex);
    if (ports.length === 0) return;
    const mtu = Math.min(...ports.map((p) => p.mtu));
    if (mtu !== bridge.mtu) this.applyMtu(bridge, mtu);
  }

  /** IFLA_GROUP: stored; the caller sends the shared state-change notification. */
  setGroup(link: Link, group: number): void {
    link.group = group >>> 0;
  }

  rename(link: Link, requested: string): void {
    if (requested === link.name) return;
    const name = this.resolveName(requested, new Set());
    this.names.delete(link.name);
    link.name = name;
    this.names.set(name, link);
    this.generation++;
    this.notify(link); // NETDEV_CHANGENAME
    this.addresses.renamed(link);
  }

  /** netdev_name_node_alt_create(): an extra name, unique among names and altnames. */
  addAltname(link: Link, name: string): void {
    if (!isValidName(name, ALTIFNAMSIZ)) throw new ModelError('EINVAL');
    if (this.names.has(name)) throw new ModelError('EEXIST');
    link.altnames.push(name);
    this.names.set(name, link);
  }

  /** netdev_name_node_alt_destroy(): the primary name cannot be removed this way. */
  deleteAltname(link: Link, name: string): void {
    if (name === link.name) throw new ModelError('EINVAL');
    const at = link.altnames.indexOf(name);
    if (at < 0) throw new ModelError('ENOENT');
    link.altnames.splice(at, 1);
    this.names.delete(name);
  }

  setAlias(link: Link, alias: string): void {
    link.alias = alias;
  }

  setBroadcast(link: Link, broadcast: Uint8Array): void {
    link.broadcast = new Uint8Array(broadcast);
    this.notify(link);
  }

  private checkMaster(masterIndex: number, port: Link | undefined): Link {
    const master = this.links.get(masterIndex);
    if (!master) throw new ModelError('EINVAL');
    if (!KINDS[master.kind].isMaster) throw new ModelError('EOPNOTSUPP');
    if (port && (port === master || port.kind === 'lo')) throw new ModelError('EINVAL');
    if (port && KINDS[port.kind].isMaster) throw new ModelError('ELOOP', 'Can not enslave a bridge to a bridge');
    return master;
  }

  /** do_set_master(): releases the current master first (even if the new one is invalid), then enslaves. */
  setMaster(link: Link, masterIndex: number): void {
    if (link.master === masterIndex) return;
    if (link.master) this.release(link);
    if (masterIndex === 0) return;
    const master = this.checkMaster(masterIndex, link);
    // br_add_if(): the port joins with allmulti, then promisc; the bridge announces its new
    // features, the port's bridge state (AF_BRIDGE) follows, then linkwatch settles the carrier.
    const used = new Set(this.portsOf(master.index).map((p) => p.bridgePort));
    let portNo = 1;
    while (used.has(portNo)) portNo++;
    link.master = master.index;
    NetworkModel.addTo(this.ports, master.index, link);
    link.bridgePort = portNo;
    this.adjustAllmulti(link, 1);
    this.notify(link);
    this.adjustPromiscuity(link, 1);
    this.notify(link, IFF_PROMISC);
    this.emit({ type: 'newlink', link: master, change: 0, event: IFLA_EVENT_FEATURES });
    // The bridge id is recalculated before the AF_BRIDGE notifications (they carry it), the
    // bridge's NETDEV_CHANGEADDR comes after them.
    if (master.bridge) master.bridge.carrierFollowsPorts = true;
    const changedAddress = this.recalculateBridgeId(master);
    // AF_BRIDGE notifications: the port was added; a running port is also enabled and starts forwarding.
    const enabled = this.portForwarding(link);
    link.bridgePortForwarding = enabled;
    for (let i = enabled ? 3 : 1; i > 0; i--) this.emit({ type: 'bridgeport', action: 'new', link });
    if (changedAddress) this.notify(master);
    this.adjustBridgeMtu(master.index);
    if (master.bridge) master.bridge.tsoMaxSize = Math.min(...this.portsOf(master.index).map((p) => this.tsoMaxSize(p)));
    this.recomputeCarrier(master, true);
    this.runLinkwatch();
  }

  /** A port forwards (no STP) while it and its bridge are up and it is operationally up. */
  private portForwarding(port: Link): boolean {
    const master = this.links.get(port.master);
    return !!(master && master.flags & port.flags & IFF_UP && port.carrier && operUp(port.operstate));
  }

  /**
   * The bridge's port_list in its order: br_add_if() adds at the head, so the newest port first.
   */
  private bridgePortList(bridge: Link): Link[] {
    return this.portsOf(bridge.index).reverse();
  }

  /**
   * br_stp_enable_bridge() (STP off), from br_dev_open() before the bridge's own NEWLINK: every
   * running, operationally up port is enabled and starts forwarding, announced twice (AF_BRIDGE).
   */
  private enableBridgePorts(bridge: Link): void {
    for (const port of this.bridgePortList(bridge)) {
      if (!this.portForwarding(port)) continue;
      port.bridgePortForwarding = true;
      this.emit({ type: 'bridgeport', action: 'new', link: port });
      this.emit({ type: 'bridgeport', action: 'new', link: port });
    }
  }

  /** br_stp_disable_bridge(): every port that is not disabled is disabled and announced once (AF_BRIDGE). */
  private disableBridgePorts(bridge: Link): void {
    for (const port of this.bridgePortList(bridge)) {
      if (!port.bridgePortForwarding) continue;
      port.bridgePortForwarding = false;
      this.emit({ type: 'bridgeport', action: 'new', link: port });
    }
  }

  /**
   * br_port_carrier_check(): when a port's carrier or operstate changes its forwarding state,
   * the bridge announces the port (AF_BRIDGE): twice when it starts forwarding (enabled, then
   * forwarding), once when it stops.
   */
  private updatePortState(port: Link): void {
    if (!port.master) return;
    const forwarding = this.portForwarding(port);
    if (forwarding === (port.bridgePortForwarding ?? false)) return;
    port.bridgePortForwarding = forwarding;
    for (let i = forwarding ? 2 : 1; i > 0; i--) this.emit({ type: 'bridgeport', action: 'new', link: port });
  }

  /**
   * br_stp_recalculate_bridge_id(): unless the user set it, a bridge's MAC is its lowest port MAC
   * (zeros without ports). True when the MAC changed: the caller announces NETDEV_CHANGEADDR.
   */
  private recalculateBridgeId(bridge: Link): boolean {
    if (!bridge.bridge || bridge.bridge.macSetByUser) return false;
    let lowest: Uint8Array | undefined;
    for (const p of this.portsOf(bridge.index)) if (!lowest || Buffer.compare(p.address, lowest) < 0) lowest = p.address;
    const mac = new Uint8Array(lowest ?? new Uint8Array(6));
    if (Buffer.compare(mac, bridge.address) === 0) return false;
    bridge.address = mac;
    // br_stp_change_bridge_id() reselects port states (and so the carrier) before NETDEV_CHANGEADDR.
    bridge.bridge.carrierFollowsPorts = true;
    this.recomputeCarrier(bridge, true);
    return true;
  }

  /** br_del_if(): promisc/allmulti dropped, AF_BRIDGE NEWLINK + DELLINK for the port, then the master link goes. */
  private release(link: Link): void {
    const master = this.links.get(link.master);
    this.adjustPromiscuity(link, -1);
    this.adjustAllmulti(link, -1);
    this.notify(link, IFF_PROMISC);
    this.emit({ type: 'bridgeport', action: 'new', link });
    this.emit({ type: 'bridgeport', action: 'del', link });
    NetworkModel.removeFrom(this.ports, link.master, link);
    link.master = 0;
    delete link.bridgePort;
    delete link.bridgePortForwarding;
    this.notify(link);
    if (master) {
      this.adjustBridgeMtu(master.index);
      if (this.recalculateBridgeId(master)) this.notify(master);
      this.recomputeCarrier(master, true);
      this.emit({ type: 'newlink', link: master, change: 0, event: IFLA_EVENT_FEATURES });
    }
    this.runLinkwatch();
  }

  setCarrier(link: Link, on: boolean): void {
    if (!KINDS[link.kind].carrierSettable) throw new ModelError('EOPNOTSUPP');
    link.adminCarrier = on;
    this.recomputeCarrier(link, true);
    if (link.kind === 'veth' && link.link) {
      const peer = this.links.get(link.link);
      if (peer) this.recomputeCarrier(peer, true);
    }
    this.runLinkwatch();
  }

  /**
   * Sets interface counters (a test rig simulating traffic); counters not named keep their
   * values. Linux announces no RTM_NEWLINK when counters move, so neither does this.
   */
  setStats(link: Link, stats: Partial<LinkStats>): void {
    link.stats = { ...(link.stats ?? zeroStats()), ...stats };
  }

  setTxqlen(link: Link, txqlen: number): void {
    if (txqlen === link.txqlen) return;
    link.txqlen = txqlen >>> 0;
    this.notify(link);
  }

  /** set_operstate(): RFC 2863 transitions a user may request. */
  private applyOperstate(link: Link, requested: number): boolean {
    let next = link.operstate;
    if (requested === IF_OPER_UP) {
      if ([IF_OPER_DORMANT, IF_OPER_TESTING, IF_OPER_UNKNOWN].includes(link.operstate)) next = IF_OPER_UP;
    } else if (requested === IF_OPER_DORMANT || requested === IF_OPER_TESTING) {
      if (operUp(link.operstate)) next = requested;
    }
    if (next === link.operstate) return false;
    link.operstate = next;
    return true;
  }

  setOperstate(link: Link, requested: number): void {
    if (this.applyOperstate(link, requested) && link.flags & IFF_UP) this.notify(link);
  }

  /** IFLA_LINKMODE: returns whether it changed (the caller sends the state-change notification). */
  setLinkmode(link: Link, mode: number): boolean {
    if (link.linkmode === mode) return false;
    link.linkmode = mode;
    return true;
  }

  /** netdev_state_change(): one NEWLINK (change 0), only while the device is up. */
  stateChanged(link: Link): void {
    if (link.flags & IFF_UP) this.notify(link);
  }

  // --- deletion ---

  /**
   * rtnl_dellink → unregister_netdevice_many_notify: the device, its veth peer and its stacked
   * devices go together. Up devices are closed first (NEWLINK change UP|RUNNING), then one
   * DELLINK each, the named device first.
   */
  deleteLink(link: Link, cause?: Cause): Link[] {
    if (!KINDS[link.kind].deletable) throw new ModelError('EOPNOTSUPP');
    const batch: Link[] = [link];
    const add = (l: Link | undefined) => {
      if (l && !batch.includes(l)) batch.push(l);
    };
    for (let i = 0; i < batch.length; i++) {
      const l = batch[i]!;
      if (l.kind === 'veth' && l.link) add(this.links.get(l.link));
      for (const child of this.stacked.get(l.index) ?? []) add(child);
    }
    for (const l of batch) {
      if (KINDS[l.kind].isMaster) for (const port of this.portsOf(l.index)) if (!batch.includes(port)) this.release(port);
      if (l.master && !batch.includes(this.links.get(l.master)!)) this.release(l);
    }
    // veth_dellink() drops the peer link before the batch is closed: IFLA_LINK reads 0 from here on.
    for (const l of batch) if (l.kind === 'veth') l.link = 0;
    for (const l of batch) {
      if (l.flags & IFF_UP) {
        // dev_close_many() always reports IFF_UP|IFF_RUNNING as changed.
        l.flags &= ~IFF_UP;
        this.notify(l, IFF_UP | 0x40);
        this.addresses.sync(l); // NETDEV_DOWN: the IPv6 addresses go
      }
    }
    for (const l of batch) this.remove(l);
    for (const l of batch) {
      this.addresses.unregister(l); // NETDEV_UNREGISTER: IPv4 then IPv6 addresses, before each DELLINK
      this.emit({ type: 'dellink', link: l, cause });
    }
    this.runLinkwatch();
    return batch;
  }

  // --- whole-model replacement, announced (test-rig reset and snapshot import) ---

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
  replaceLinks(state: Parameters<NetworkModel['importLinks']>[0]): void {
    const before = new Map([...this.iterate()].map((l) => [l.index, l]));
    const incoming = new Map(state.links.map((l) => [l.index, l]));
    const keptIndex = (index: number) => {
      const old = before.get(index);
      return old !== undefined && incoming.get(index)?.kind === old.kind;
    };
    const oldAddrs = addressesOf(this.addresses.export());
    const newAddrs = addressesOf(state.addresses);
    const unchanged = new Map<string, InetAddress>();
    for (const [key, a] of oldAddrs) {
      const next = newAddrs.get(key);
      if (next && keptIndex(a.ifindex) && sameAddress(a, next)) unchanged.set(key, a);
      else if (!next || !keptIndex(a.ifindex)) this.emit({ type: 'deladdr', link: before.get(a.ifindex)!, addr: a });
    }
    for (const old of before.values()) {
      const next = incoming.get(old.index);
      const kept = keptIndex(old.index);
      if (old.master && (!kept || next!.master !== old.master)) this.emit({ type: 'bridgeport', action: 'del', link: old });
      if (!kept) this.emit({ type: 'dellink', link: old });
    }
    this.linkwatchQueue = [];
    this.importLinks({ ...state, addresses: state.addresses ?? { now: this.now(), devices: [] } }, unchanged);
    for (const link of this.iterate()) {
      const old = before.get(link.index);
      const kept = old !== undefined && old.kind === link.kind;
      if (kept) link.createdAt = old.createdAt;
      if (!kept || !isDeepStrictEqual(old, link)) {
        this.notify(link, kept ? (this.reportedFlags(old) ^ this.reportedFlags(link)) >>> 0 : NOTIFY_ALL);
        if (link.master && (!kept || old.master !== link.master)) this.emit({ type: 'bridgeport', action: 'new', link });
      }
      for (const a of [...this.addresses.list(link.index, 'inet'), ...this.addresses.list(link.index, 'inet6')]) {
        if (!unchanged.has(addressKey(a))) this.emit({ type: 'newaddr', link, addr: a });
      }
    }
  }
}
