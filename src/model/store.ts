import { availableParallelism } from 'node:os';
import { AddressTable, type AddressOptions, type AddressSnapshot, type InetAddress } from './addresses.js';
import { BridgeRules } from './bridge.js';
import { SystemClock, type Clock } from './clock.js';
import { ModelError } from './errors.js';
import { replaceModel, type ModelState } from './replace.js';
import type { Cause, ModelEvent, ModelListener, MovedTo } from './events.js';
import { combineFlags, IFF_UP, IF_OPER_UNKNOWN } from './flags.js';
import { ModelGeneration } from './generation.js';
import { KINDS, type KindSpec } from './kinds.js';
import { LinkRegistry } from './link-registry.js';
import { LinkState } from './link-state.js';
import { NotifierChain, type InetaddrEvent, type McastSendEvent, type NetdevEvent, type NetdevEventType } from './notifier.js';
import { followIgmpReports } from './igmp.js';
import { ETHER_BROADCAST, stableMac } from './mac.js';
import { Neighbours, type NeighbourSnapshot } from './neighbours/neighbours.js';
import { Routes, type RouteSnapshot } from './routes/routes.js';
import { FibRules, type RuleSnapshot } from './rules/rules.js';
import { FdbTable, type FdbSnapshot } from './fdb/fdb.js';
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

/** How a model reaches the other namespaces of the daemon (src/model/netns/registry.ts sets it). */
export interface NetnsLinks {
  /** This model's namespace name ("" for the initial one). */
  readonly name: string;
  /** Another namespace's model, by name. */
  model(name: string): NetworkModel | undefined;
  /** The id namespace `observer` has for `peer`, allocated (and announced) if it has none (peernet2id_alloc). */
  nsid(observer: string, peer: string): number;
}

const IPV4_MIN_MTU = 68;
const IPV6_MIN_MTU = 1280;

/**
 * The network model of one namespace: links, their indexes and names, and the rules Linux
 * applies when they change. Synchronous and byte-free; callers serialise access (async-mutex)
 * and turn ModelErrors into netlink errors. Every change is announced as a ModelEvent.
 */
export class NetworkModel {
  /** The devices and their indexes (src/model/link-registry.ts). */
  private readonly registry: LinkRegistry;
  /** Bridge masters and ports (src/model/bridge.ts), subscribed to netdevChain. */
  private readonly bridges: BridgeRules;
  private readonly listeners = new Set<ModelListener>();
  /** Advanced by every change of any table (src/model/generation.ts). */
  readonly generation = new ModelGeneration();
  /** The model's time and timers (lifetimes, DAD); tests pass a ManualClock. */
  readonly clock: Clock;
  /** The netdevice notifier chain: every table that follows links subscribes here (src/model/notifier.ts). */
  readonly netdevChain = new NotifierChain<NetdevEvent>();
  /** The inetaddr/inet6addr chain the address table announces on, for tables that follow addresses. */
  readonly inetaddrChain = new NotifierChain<InetaddrEvent>();
  /** The multicast packets the kernel sends by itself (MLD, DAD, router solicitations, IGMP); the neighbour tables follow. */
  readonly mcastChain = new NotifierChain<McastSendEvent>();
  /** Every link's IPv4/IPv6 addresses (src/model/addresses.ts), subscribed to netdevChain. */
  readonly addresses: AddressTable;
  /** The forwarding tables (src/model/routes/), subscribed to both chains. */
  readonly routes: Routes;
  /** The FIB rules (src/model/rules/) route lookups walk. */
  readonly rules: FibRules;
  /** The bridges' forwarding databases (src/model/fdb/), subscribed to netdevChain. */
  readonly fdb: FdbTable;
  /** The ARP and ND tables (src/model/neighbours/), subscribed to both chains. */
  readonly neighbours: Neighbours;
  /** Flags, carrier, operstate and linkwatch (src/model/link-state.ts). */
  private readonly state: LinkState;
  readonly cpuCount: number;

  /** Resource limit: creating more links fails with -ENOSPC. */
  readonly maxLinks: number;

  constructor(options: { cpuCount?: number | undefined; maxLinks?: number | undefined; clock?: Clock | undefined; addresses?: AddressOptions | undefined } = {}) {
    // One closure per callback, shared by every table's host (a namespace holding only lo pays per closure).
    const link = (i: number) => this.byIndex(i);
    const emit = (e: ModelEvent) => this.emit(e);
    const changed = () => this.changedQuietly();
    const notify = (l: Link, c?: number, cause?: Cause) => this.notify(l, c, cause);
    const addressesOf = (i: number, family: 'inet' | 'inet6') => this.addresses.list(i, family);
    const { netdevChain, inetaddrChain, mcastChain, generation } = this;
    this.registry = new LinkRegistry(generation);
    this.state = new LinkState({
      registry: this.registry, generation, notify, netdevEvent: (t, l) => this.netdevEvent(t, l),
      deviceOpen: (l, up) => this.bridges.deviceOpen(l, up),
      peer: (l) => this.peer(l), remotePeerChanged: (l) => this.remotePeerChanged(l),
    });
    this.cpuCount = options.cpuCount ?? availableParallelism();
    this.clock = options.clock ?? new SystemClock();
    const clock = this.clock;
    this.addresses = new AddressTable({ clock, link, emit, changed, netdevChain, inetaddrChain, mcastChain, generation }, options.addresses);
    followIgmpReports(netdevChain, mcastChain);
    this.routes = new Routes({
      link, addresses: addressesOf, links: () => this.iterate(),
      now: () => clock.now(), schedule: (at, fn) => void clock.schedule(at, fn), emit, changed,
      netdevChain, inetaddrChain, onEvent: (l) => this.onEvent(l),
    });
    this.rules = new FibRules({ tables: this.routes.tables, emit, linkByName: (n) => this.byName(n) });
    this.routes.tables.rules = this.rules;
    this.fdb = new FdbTable({ clock, netdevChain, link, emit });
    this.neighbours = new Neighbours({ link, addresses: addressesOf, routes: this.routes.tables, clock, emit, changed, netdevChain, inetaddrChain, mcastChain });
    this.maxLinks = options.maxLinks ?? Number.MAX_SAFE_INTEGER;
    this.bridges = new BridgeRules({
      registry: this.registry, netdevChain, emit, notify,
      changedAddress: (l) => this.changedAddress(l), applyMtu: (l, mtu) => this.applyMtu(l, mtu),
      recomputeCarrier: (l, q) => this.state.recomputeCarrier(l, q), runLinkwatch: () => this.state.runLinkwatch(),
      adjustAllmulti: (l, i) => this.state.adjustAllmulti(l, i), adjustPromiscuity: (l, i) => this.state.adjustPromiscuity(l, i),
      tsoMaxSize: (l) => this.tsoMaxSize(l),
    });
  }

  /** The daemon's other namespaces; absent for a model used alone (tests, scratch models). */
  netns: NetnsLinks | undefined;

  /** The device `link.link` names: here, or in the namespace `link.linkNetns`. */
  private peer(link: Link): Link | undefined {
    if (link.linkNetns === undefined) return this.registry.byIndex(link.link);
    return this.netns?.model(link.linkNetns)?.byIndex(link.link);
  }

  private remotePeerChanged(link: Link): void {
    const model = link.linkNetns !== undefined ? this.netns?.model(link.linkNetns) : undefined;
    const peer = model?.byIndex(link.link);
    if (model && peer) model.peerChanged(peer);
  }

  /** The other end of `link`, in another namespace, went up or down: its carrier follows, announced here. */
  peerChanged(link: Link): void {
    this.generation.linkChanged(link.index);
    this.state.recomputeCarrier(link, true);
    this.state.runLinkwatch();
  }

  // --- events ---

  onEvent(listener: ModelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ModelEvent): void {
    this.changeCount++;
    this.generation.advance('announced');
    for (const l of this.listeners) l(event);
  }

  /** Counts every change that reaches the --state journal; a request that leaves it unchanged changed nothing. */
  changeCount = 0;

  /** A table's change nobody is told about (routes, neighbours, addresses): caches must still see it. */
  private changedQuietly(): void {
    this.changeCount++;
    this.generation.advance('entries');
  }

  private notify(link: Link, change = 0, cause?: Cause): void {
    this.emit({ type: 'newlink', link, change, cause });
  }

  /** call_netdevice_notifiers(): the tables subscribed to the link chain react. */
  private netdevEvent(type: NetdevEventType, link: Link): void {
    this.netdevChain.call({ type, link });
  }

  // --- lookups ---

  get size(): number {
    return this.registry.size;
  }

  /** Links and routes: what a snapshot of this model is made of (the --state journal compacts in proportion). */
  get objectCount(): number {
    return this.registry.size + this.routes.tables.routeCount();
  }

  byIndex(index: number): Link | undefined {
    return this.registry.byIndex(index);
  }

  byName(name: string): Link | undefined {
    return this.registry.byName(name);
  }

  /** The link with the lowest index above `afterIndex`: one step of a dump (no iterator to allocate). */
  linkAfter(afterIndex: number): Link | undefined {
    return this.registry.linkAfter(afterIndex);
  }

  /** Links in ascending index order, starting after `afterIndex`. */
  iterate(afterIndex = 0): IterableIterator<Link> {
    return this.registry.iterate(afterIndex);
  }

  /** The links of one kind, in no particular order. */
  linksOfKind(kind: KindName): ReadonlySet<Link> {
    return this.registry.linksOfKind(kind);
  }

  /** The ports of a master, in the order they joined (the bridge's port list). */
  portsOf(master: number): Link[] {
    return this.registry.portsOf(master);
  }

  /** The devices stacked on `parent` (vlan, macvlan). */
  stackedOn(parent: number): ReadonlySet<Link> {
    return this.registry.stackedOn(parent);
  }

  kindOf(link: Link): KindSpec {
    return KINDS[link.kind];
  }

  get lastAutoIndex(): number {
    return this.registry.allocator.lastAllocated;
  }

  set lastAutoIndex(v: number) {
    this.registry.allocator.lastAllocated = v;
  }

  /** Milliseconds since the model started (the model's "jiffies"). */
  now(): number {
    return this.clock.now();
  }

  // --- whole-model export and import (snapshots, state directory) ---

  /** Every link, plain values only, plus the index cursor: enough to rebuild this model exactly. */
  exportLinks(): { lastAutoIndex: number; links: Link[]; addresses: AddressSnapshot; routes: RouteSnapshot; rules: RuleSnapshot; fdb: FdbSnapshot; neighbours: NeighbourSnapshot } {
    return {
      lastAutoIndex: this.lastAutoIndex, links: [...this.iterate()].map((l) => structuredClone(l)), addresses: this.addresses.export(),
      routes: this.routes.export(), rules: this.rules.export(), fdb: this.fdb.export(),
      neighbours: this.neighbours.export(),
    };
  }

  /** Replaces every link with `links` (announcing nothing: this is a restore, not a change). */
  importLinks(state: ModelState, unchangedAddresses?: ReadonlyMap<string, Readonly<InetAddress>>): void {
    this.generation.advance();
    for (const l of [...this.iterate()]) this.registry.remove(l);
    for (const l of state.links) this.registry.insert(structuredClone(l));
    this.lastAutoIndex = state.lastAutoIndex;
    if (state.addresses) this.addresses.import(state.addresses, unchangedAddresses);
    this.routes.import(state.routes);
    this.rules.import(state.rules);
    this.fdb.import(state.fdb, this.iterate());
    this.neighbours.import(state.neighbours);
  }

  // --- creation ---

  /** The loopback device every namespace starts with. */
  addLoopback(): Link {
    const lo = this.buildLink(KINDS.lo, 'lo', 1);
    lo.address = new Uint8Array(6);
    lo.broadcast = new Uint8Array(6);
    lo.carrier = true;
    this.registry.insert(lo);
    this.registry.allocator.commit(1);
    this.netdevEvent('register', lo);
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

  /** Resolves a requested name (or template) to a free, valid name. */
  private resolveName(requested: string, reserved: ReadonlySet<string>): string {
    const tpl = templateOf(requested);
    if (tpl === 'invalid') throw new ModelError('EINVAL');
    if (tpl) {
      if (!isValidName(requested.replace('%d', '0'))) throw new ModelError('EINVAL');
      const name = allocateName(tpl, (n) => this.byName(n) !== undefined || reserved.has(n));
      if (!name) throw new ModelError('ENFILE');
      if (!isValidName(name)) throw new ModelError('EINVAL');
      return name;
    }
    if (!isValidName(requested)) throw new ModelError('EINVAL');
    if (this.byName(requested) || reserved.has(requested)) throw new ModelError('EEXIST');
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
  createLink(spec: NewLinkSpec, cause?: Cause, peerModel: NetworkModel = this): Link[] {
    const kind = KINDS[spec.kind];
    if (!kind.creatable) throw new ModelError('EOPNOTSUPP', 'Unknown device type');
    const plan: Array<{ spec: NewLinkSpec; name: string; index: number; auto: boolean; parent?: Link | undefined; model: NetworkModel }> = [];
    const reserved = new Map<NetworkModel, { names: Set<string>; indexes: Set<number> }>();
    const prepare = (s: NewLinkSpec, m: NetworkModel) => {
      const k = KINDS[s.kind];
      let parent: Link | undefined;
      if (k.needsParent) {
        parent = s.parent ? m.byIndex(s.parent) : undefined;
        if (!parent) throw new ModelError('ENODEV');
      }
      if (s.mtu !== undefined) m.checkMtu(k, s.mtu, parent);
      let r = reserved.get(m);
      if (!r) reserved.set(m, (r = { names: new Set(), indexes: new Set() }));
      const name = m.resolveName(s.name ?? k.nameTemplate, r.names);
      r.names.add(name);
      let index = s.index ?? 0;
      const auto = index <= 0;
      if (auto) {
        const next = m.registry.allocator.peek(r.indexes);
        if (next === undefined) throw new ModelError('ENFILE');
        index = next;
      } else if (m.byIndex(index) || r.indexes.has(index)) {
        throw new ModelError('EEXIST');
      }
      r.indexes.add(index);
      plan.push({ spec: s, name, index, auto, parent, model: m });
    };
    if (kind.paired) {
      // The peer is registered first; without VETH_INFO_PEER it is configured from the main
      // device's attributes, but not its flags (veth_newlink). It may live in another namespace.
      const peerSpec: NewLinkSpec = spec.peer ?? { ...spec, name: undefined, index: undefined, flags: 0, change: 0, master: undefined };
      if ((peerSpec.flags ?? 0) & IFF_UP) throw new ModelError('ENOTCONN');
      prepare({ ...peerSpec, kind: spec.kind, peer: undefined }, peerModel);
    }
    prepare(spec, this);
    if (spec.master !== undefined && spec.master !== 0) this.bridges.checkNewMaster(spec.master);
    for (const m of reserved.keys()) {
      const adding = plan.filter((p) => p.model === m).length;
      if (m.size + adding > m.maxLinks) throw new ModelError('ENOSPC', `rtnld: link limit (${m.maxLinks}) reached`);
    }

    const created: Link[] = [];
    for (const p of plan) {
      const k = KINDS[p.spec.kind];
      const link = p.model.buildLink(k, p.name, p.index);
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
      k.init?.(link, s);
      p.model.registry.insert(link);
      if (p.auto) p.model.registry.allocator.commit(p.index);
      created.push(link);
    }
    if (kind.paired) {
      created[1]!.link = created[0]!.index;
      created[0]!.link = created[1]!.index;
      if (peerModel !== this) {
        created[0]!.linkNetns = this.netns?.name;
        created[1]!.linkNetns = peerModel.netns?.name;
      }
    }
    for (const link of created) {
      // veth_newlink and a bridge given a MAC turn the carrier off after registering (one
      // carrier-down count); stacked devices copy their parent's state before they count.
      if (!this.state.wantedCarrier(link) && link.carrier) {
        link.carrier = false;
        if (KINDS[link.kind].carrier !== 'parent') link.carrierDownCount = 1;
      }
    }
    for (const [i, link] of created.entries()) {
      const s = plan[i]!.spec;
      const m = plan[i]!.model;
      link.operstate = link.carrier ? IF_OPER_UNKNOWN : m.state.defaultOperstate(link);
      // rtnl_configure_link: ifi_flags applied before the one creation notification.
      if ((s.flags ?? 0) !== 0 || (s.change ?? 0) !== 0) m.state.applyFlags(link, s.flags ?? 0, s.change ?? 0);
      m.state.recomputeCarrier(link, false);
      if (s.operstate !== undefined) m.state.applyOperstate(link, s.operstate);
      // Linux announces the veth peer before the main device exists, so its IFLA_LINK reads 0 (and no LINK_NETNSID).
      const iflink = link.link;
      const linkNetns = link.linkNetns;
      if (kind.paired && i === 0) {
        link.link = 0;
        delete link.linkNetns;
      }
      m.netdevEvent('register', link);
      m.notify(link, NOTIFY_ALL, i === created.length - 1 ? cause : undefined);
      link.link = iflink;
      if (linkNetns !== undefined) link.linkNetns = linkNetns;
      if (link.flags & IFF_UP) m.netdevEvent('up', link); // rtnl_configure_link: NETDEV_UP after the creation notification
    }
    const main = created[created.length - 1]!;
    if (spec.master) this.setMaster(main, spec.master);
    this.state.runLinkwatch();
    if (peerModel !== this) peerModel.state.runLinkwatch();
    return created;
  }

  // --- flags and state ---

  /** netif_get_flags(): the flags reported in ifi_flags. */
  reportedFlags(link: Link): number {
    return this.state.reportedFlags(link);
  }

  /** IFLA_OPERSTATE as reported: the stored operstate while running, DOWN otherwise. */
  reportedOperstate(link: Link): number {
    return this.state.reportedOperstate(link);
  }

  /** IFLA_TSO_MAX_SIZE: a bridge takes the smallest of its ports' limits once it has ports. */
  tsoMaxSize(link: Link): number {
    return link.bridge?.tsoMaxSize ?? KINDS[link.kind].tsoMaxSize;
  }

  /** RTM_SETLINK / NEWLINK ifi_flags+ifi_change (netif_change_flags): one NEWLINK if anything changed. */
  changeFlags(link: Link, ifiFlags: number, ifiChange: number): void {
    if (ifiFlags === 0 && ifiChange === 0) return;
    if (KINDS[link.kind].paired && combineFlags(link.flags, ifiFlags, ifiChange) & IFF_UP && !(link.flags & IFF_UP)) {
      if (!this.state.peerOf(link)) throw new ModelError('ENOTCONN');
    }
    const changed = this.state.applyFlags(link, ifiFlags, ifiChange);
    if (changed) this.notify(link, changed);
    if (changed & IFF_UP) this.netdevEvent(link.flags & IFF_UP ? 'up' : 'down', link); // follows the NEWLINK
    this.state.runLinkwatch();
  }

  // --- do_setlink operations, in the order rtnetlink applies them ---

  setAddress(link: Link, mac: Uint8Array): void {
    link.address = new Uint8Array(mac);
    if (link.bridge) {
      link.bridge.carrierFollowsPorts = true;
      link.bridge.macSetByUser = true;
      this.state.recomputeCarrier(link, true);
    }
    this.notify(link);
    this.netdevEvent('changeaddr', link); // even when unchanged
    this.state.runLinkwatch();
  }

  setMtu(link: Link, mtu: number): void {
    const kind = KINDS[link.kind];
    const parent = kind.needsParent && link.link ? this.byIndex(link.link) : undefined;
    this.checkMtu(kind, mtu, parent);
    if (link.bridge) link.bridge.mtuSetByUser = true;
    this.generation.linkChanged(link.index);
    if (mtu === link.mtu) return;
    this.applyMtu(link, mtu);
    // Stacked devices never exceed their parent's MTU (vlan_device_event, macvlan_device_event).
    for (const child of this.registry.stackedOn(link.index)) {
      if (child.mtu > mtu) this.applyMtu(child, mtu);
    }
    if (link.master) this.bridges.adjustMtu(link.master);
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
    this.netdevEvent('changemtu', link);
  }

  /** IFLA_GROUP: stored; the caller sends the shared state-change notification. */
  setGroup(link: Link, group: number): void {
    link.group = group >>> 0;
    this.generation.linkChanged(link.index);
  }

  rename(link: Link, requested: string): void {
    if (requested === link.name) return;
    this.registry.rename(link, this.resolveName(requested, new Set()));
    this.notify(link);
    this.netdevEvent('changename', link);
  }

  /** netdev_name_node_alt_create(): an extra name, unique among names and altnames. */
  addAltname(link: Link, name: string): void {
    if (!isValidName(name, ALTIFNAMSIZ)) throw new ModelError('EINVAL');
    if (this.byName(name)) throw new ModelError('EEXIST');
    this.registry.addAltname(link, name);
  }

  /** netdev_name_node_alt_destroy(): the primary name cannot be removed this way. */
  deleteAltname(link: Link, name: string): void {
    if (name === link.name) throw new ModelError('EINVAL');
    const at = link.altnames.indexOf(name);
    if (at < 0) throw new ModelError('ENOENT');
    this.registry.deleteAltname(link, name);
  }

  setAlias(link: Link, alias: string): void {
    link.alias = alias;
    this.generation.linkChanged(link.index);
  }

  setBroadcast(link: Link, broadcast: Uint8Array): void {
    link.broadcast = new Uint8Array(broadcast);
    this.notify(link);
  }

  /** do_set_master(): releases the current master first (even if the new one is invalid), then enslaves. */
  setMaster(link: Link, masterIndex: number): void {
    this.bridges.setMaster(link, masterIndex);
  }

  /** dev_set_mac_address() by the model itself (a bridge's id followed its ports). */
  private changedAddress(link: Link): void {
    this.notify(link);
    this.netdevEvent('changeaddr', link);
  }

  setCarrier(link: Link, on: boolean): void {
    if (!KINDS[link.kind].carrierSettable) throw new ModelError('EOPNOTSUPP');
    link.adminCarrier = on;
    this.generation.linkChanged(link.index);
    this.state.recomputeCarrier(link, true);
    this.state.recomputePeer(link);
    this.state.runLinkwatch();
  }

  /**
   * Sets interface counters (a test rig simulating traffic); counters not named keep their
   * values. Linux announces no RTM_NEWLINK when counters move, so neither does this.
   */
  setStats(link: Link, stats: Partial<LinkStats>): void {
    link.stats = { ...(link.stats ?? zeroStats()), ...stats };
    this.generation.linkChanged(link.index);
  }

  setTxqlen(link: Link, txqlen: number): void {
    if (txqlen === link.txqlen) return;
    link.txqlen = txqlen >>> 0;
    this.notify(link);
  }

  setOperstate(link: Link, requested: number): void {
    if (this.state.applyOperstate(link, requested) && link.flags & IFF_UP) this.notify(link);
  }

  /** IFLA_LINKMODE: returns whether it changed (the caller sends the state-change notification). */
  setLinkmode(link: Link, mode: number): boolean {
    if (link.linkmode === mode) return false;
    link.linkmode = mode;
    this.generation.linkChanged(link.index);
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
    /** veth ends in other namespaces: deleted there, with their own notifications, after this batch. */
    const remote: Array<{ model: NetworkModel; link: Link }> = [];
    for (let i = 0; i < batch.length; i++) {
      const l = batch[i]!;
      const peer = this.state.peerOf(l);
      if (peer && l.linkNetns !== undefined) {
        remote.push({ model: this.netns!.model(l.linkNetns)!, link: peer });
        peer.link = 0;
        delete peer.linkNetns;
        delete l.linkNetns;
      } else {
        add(peer);
      }
      for (const child of this.registry.stackedOn(l.index)) add(child);
    }
    for (const l of batch) {
      if (KINDS[l.kind].isMaster) {
        for (const port of this.portsOf(l.index)) if (!batch.includes(port)) this.bridges.release(port);
        this.fdb.bridgeDeleting(l);
      }
      if (l.master && !batch.includes(this.byIndex(l.master)!)) this.bridges.release(l);
    }
    // veth_dellink() drops the peer link before the batch is closed: IFLA_LINK reads 0 from here on.
    for (const l of batch) if (KINDS[l.kind].paired) l.link = 0;
    for (const l of batch) this.closeForUnregister(l);
    for (const l of batch) this.registry.remove(l);
    for (const l of batch) {
      this.netdevEvent('unregister', l); // the addresses go before each DELLINK
      this.emit({ type: 'dellink', link: l, cause });
    }
    this.state.runLinkwatch();
    for (const r of remote) if (r.model.byIndex(r.link.index) === r.link) r.model.deleteLink(r.link, cause);
    return batch;
  }

  // --- moving devices between namespaces (__dev_change_net_namespace) ---

  /**
   * The source half of a move: the device is closed if up, leaves its bridge, loses its
   * addresses (and everything else following the unregister event), and is announced with
   * RTM_DELLINK carrying where it went.
   */
  unlistMoved(link: Link, to: MovedTo, cause?: Cause): void {
    this.closeForUnregister(link);
    if (link.master) this.bridges.release(link);
    this.registry.remove(link);
    this.netdevEvent('unregister', link);
    this.emit({ type: 'dellink', link, cause, moved: to });
    this.state.runLinkwatch();
  }

  /** Is `index` free for a device arriving here? */
  indexFree(index: number): boolean {
    return !this.byIndex(index);
  }

  /** The next automatic index here (a moved device whose own index is taken). */
  nextAutoIndex(): number | undefined {
    return this.registry.allocator.peek();
  }

  /**
   * The destination half: the same device, re-listed down under `index` and `name`, announced
   * with one RTM_NEWLINK (change 0xffffffff). Its qdisc is noop again (never up here).
   */
  listMoved(link: Link, index: number, name: string, auto: boolean): void {
    link.index = index;
    link.name = name;
    link.master = 0;
    delete link.bridgePort;
    delete link.bridgePortForwarding;
    link.everUp = false;
    link.createdAt = this.now();
    if (this.size + 1 > this.maxLinks) throw new ModelError('ENOSPC', `rtnld: link limit (${this.maxLinks}) reached`);
    this.registry.insert(link);
    if (auto) this.registry.allocator.commit(index);
    this.state.recomputeCarrier(link, false);
    link.operstate = this.state.defaultOperstate(link);
    this.netdevEvent('register', link);
    this.notify(link, NOTIFY_ALL);
    this.state.runLinkwatch();
  }

  /** Resolves a name (or template) for a device arriving here; throws as dev_change_net_namespace would. */
  arrivalName(requested: string): string {
    return this.resolveName(requested, new Set());
  }

  /** A veth end whose peer moved: where the peer is now (no notification: Linux sends none to the staying end). */
  repointPeer(link: Link, index: number, netns: string | undefined): void {
    link.link = index;
    if (netns === undefined) delete link.linkNetns;
    else link.linkNetns = netns;
    this.generation.linkChanged(link.index);
  }

  /**
   * cleanup_net → default_device_exit_batch: newest device first (for_each_netdev_reverse), each
   * queues itself and its veth peer wherever that lives (veth_dellink; a device queued again
   * moves to the tail). unregister_netdevice_many then closes the whole list before it
   * unregisters it, in list order: a survivor sees every close before the first DELLINK.
   */
  destroyNamespace(): void {
    const kill: Array<{ model: NetworkModel; link: Link }> = [];
    const queue = (model: NetworkModel, link: Link): void => {
      const at = kill.findIndex((k) => k.link === link);
      if (at >= 0) kill.splice(at, 1);
      kill.push({ model, link });
    };
    for (const l of [...this.iterate()].reverse()) {
      if (!KINDS[l.kind].deletable) continue;
      queue(this, l);
      const peer = this.state.peerOf(l);
      if (peer) queue(l.linkNetns !== undefined ? this.netns!.model(l.linkNetns)! : this, peer);
    }
    for (const { link } of kill) {
      if (KINDS[link.kind].paired) link.link = 0;
      delete link.linkNetns;
    }
    for (const { model, link } of kill) model.closeForUnregister(link);
    for (const { model, link } of kill) model.unregisterClosed(link);
    for (const model of new Set(kill.map((k) => k.model))) model.state.runLinkwatch();
  }

  /** dev_close_many() for a device about to be unregistered: IFF_UP|IFF_RUNNING reported as changed. */
  private closeForUnregister(link: Link): void {
    if (!(link.flags & IFF_UP)) return;
    link.flags &= ~IFF_UP;
    this.notify(link, IFF_UP | 0x40);
    this.netdevEvent('down', link);
  }

  /** The rest of unregister_netdevice_many() for one closed device: it leaves its bridge and goes. */
  private unregisterClosed(link: Link, cause?: Cause): void {
    if (this.byIndex(link.index) !== link) return;
    if (KINDS[link.kind].isMaster) for (const port of this.portsOf(link.index)) this.bridges.release(port);
    if (link.master) this.bridges.release(link);
    for (const child of [...this.registry.stackedOn(link.index)]) this.deleteLink(child, cause);
    this.registry.remove(link);
    this.netdevEvent('unregister', link);
    this.emit({ type: 'dellink', link, cause });
  }

  // --- whole-model replacement, announced (test-rig reset and snapshot import) ---

  /** The whole model becomes `state`, announced as a difference (src/model/replace.ts). */
  replaceLinks(state: ModelState): void {
    this.state.dropLinkwatch();
    replaceModel({
      links: () => this.iterate(), addresses: this.addresses, now: () => this.now(), reportedFlags: (l) => this.state.reportedFlags(l),
      emit: (e) => this.emit(e), importLinks: (st, unchanged) => this.importLinks(st, unchanged),
    }, state);
  }
}
