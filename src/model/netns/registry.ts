import { ModelError } from '../errors.js';
import type { Cause } from '../events.js';
import { NetworkModel } from '../store.js';
import { INITIAL_NETNS, isValidNetnsName, Namespace } from './namespace.js';

/** What happened to the namespaces (not to their contents: each model announces its own). */
export type NetnsEvent =
  | { type: 'add'; netns: Namespace }
  /** `netns` is being destroyed: sent before its devices go (cleanup_net). */
  | { type: 'del'; netns: Namespace }
  /** `observer` gave `peer` the id `nsid` (RTM_NEWNSID in observer), or forgot it (RTM_DELNSID). */
  | { type: 'newnsid' | 'delnsid'; observer: Namespace; peer: Namespace; nsid: number; cause?: Cause | undefined };

export type NetnsListener = (e: NetnsEvent) => void;

/**
 * Every network namespace of the daemon by name (the initial one is ""). Creates each with its
 * own NetworkModel holding only lo, ties the models together for devices whose other end is
 * elsewhere (veth peers), keeps the NSID tables and destroys namespaces as cleanup_net does.
 */
export class NamespaceRegistry {
  private readonly byName = new Map<string, Namespace>();
  private readonly listeners = new Set<NetnsListener>();
  readonly initial: Namespace;
  /** Advanced by every change that reaches beyond one namespace (moves, NSIDs, namespaces coming and going). */
  changeCount = 0;

  constructor(
    /** Builds a namespace's model (options shared by all: limits, address behaviour, clock). */
    private readonly makeModel: () => NetworkModel,
    initialModel?: NetworkModel,
  ) {
    this.initial = this.install(INITIAL_NETNS, initialModel ?? this.fresh());
  }

  private fresh(): NetworkModel {
    const model = this.makeModel();
    model.addLoopback();
    return model;
  }

  private install(name: string, model: NetworkModel): Namespace {
    const ns = new Namespace(name, model);
    model.netns = {
      name,
      model: (n) => this.byName.get(n)?.model,
      nsid: (observer, peer) => this.nsidAlloc(this.byName.get(observer)!, this.byName.get(peer)!),
    };
    this.byName.set(name, ns);
    return ns;
  }

  onEvent(listener: NetnsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: NetnsEvent): void {
    this.changeCount++;
    for (const l of this.listeners) l(e);
  }

  get(name: string): Namespace | undefined {
    return this.byName.get(name);
  }

  /** Every namespace, the initial one first, then in creation order. */
  all(): IterableIterator<Namespace> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }

  /** ip netns add: a namespace holding only lo (down). */
  add(name: string, model?: NetworkModel): Namespace {
    if (name !== INITIAL_NETNS && !isValidNetnsName(name)) throw new ModelError('EINVAL', `invalid namespace name "${name}"`);
    if (this.byName.has(name)) throw new ModelError('EEXIST', `namespace "${name}" exists`);
    const ns = this.install(name, model ?? this.fresh());
    this.emit({ type: 'add', netns: ns });
    return ns;
  }

  /**
   * The id `observer` has for `peer`, allocating the lowest free one (announced) when it has
   * none: peernet2id_alloc, called whenever a message about a cross-namespace device is built.
   */
  nsidAlloc(observer: Namespace, peer: Namespace): number {
    const id = observer.nsids.idOf(peer);
    if (id !== undefined) return id;
    const nsid = observer.nsids.assign(peer);
    this.emit({ type: 'newnsid', observer, peer, nsid });
    return nsid;
  }

  /** RTM_NEWNSID from a client: the id (or the lowest free one when negative), announced with the requester's pid/seq. */
  assignNsid(observer: Namespace, peer: Namespace, nsid: number, cause?: Cause): number {
    const id = observer.nsids.assign(peer, nsid);
    this.emit({ type: 'newnsid', observer, peer, nsid: id, cause });
    return id;
  }

  /**
   * Makes `observer`'s NSID table exactly `ids` (a snapshot import): ids that go are announced
   * with RTM_DELNSID, ids that come or change with RTM_NEWNSID, those that stay are not.
   */
  replaceNsids(observer: Namespace, ids: ReadonlyMap<Namespace, number>): void {
    for (const [nsid, peer] of observer.nsids.entries()) {
      if (ids.get(peer) === nsid) continue;
      observer.nsids.remove(peer);
      this.emit({ type: 'delnsid', observer, peer, nsid });
    }
    for (const [peer, nsid] of ids) {
      if (observer.nsids.idOf(peer) === nsid) continue;
      observer.nsids.assign(peer, nsid);
      this.emit({ type: 'newnsid', observer, peer, nsid });
    }
  }

  /**
   * ip netns del (the last reference going): cleanup_net. Every namespace that had an id for
   * it announces RTM_DELNSID first; then the devices go, and with them the other ends of veth
   * pairs living elsewhere (announced there as ordinary deletions).
   */
  delete(name: string): void {
    const ns = this.byName.get(name);
    if (!ns) throw new ModelError('ENOENT', `no namespace "${name}"`);
    if (ns.initial) throw new ModelError('EBUSY', 'the initial namespace cannot be deleted');
    this.emit({ type: 'del', netns: ns });
    for (const other of this.byName.values()) {
      const id = other.nsids.remove(ns);
      if (id !== undefined && other !== ns) this.emit({ type: 'delnsid', observer: other, peer: ns, nsid: id });
    }
    this.byName.delete(name);
    ns.alive = false;
    ns.model.destroyNamespace();
  }
}
