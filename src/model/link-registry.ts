import type { ModelGeneration } from './generation.js';
import { IndexAllocator } from './index-allocator.js';
import { KINDS } from './kinds.js';
import type { KindName, Link } from './types.js';

const NO_LINKS: ReadonlySet<Link> = new Set();

/** Adds `member` to the set kept under `key`. */
function addTo<K>(map: Map<K, Set<Link>>, key: K, member: Link): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(member);
}

function removeFrom<K>(map: Map<K, Set<Link>> | undefined, key: K, member: Link): void {
  const set = map?.get(key);
  if (set?.delete(member) && set.size === 0) map!.delete(key);
}

/**
 * The devices of one namespace and their indexes (list_netdevice / unlist_netdevice, the name
 * and index hashes): by index, by name and altname, in ascending index order for dumps, ports by
 * master, stacked devices by parent and links by kind, so no lookup scans every link. No rules
 * and no announcements: src/model/store.ts applies Linux's rules and announces the changes.
 */
export class LinkRegistry {
  private readonly links = new Map<number, Link>();
  /** Primary names and altnames, as __dev_get_by_name matches both. */
  private readonly names = new Map<string, Link>();
  /** Indexes in ascending order, for dumps (for_each_netdev_dump). */
  private sorted: number[] = [];
  /** Ports by master index and stacked devices (vlan, macvlan) by parent index (made on first use: most namespaces have neither). */
  private ports: Map<number, Set<Link>> | undefined;
  private stacked: Map<number, Set<Link>> | undefined;
  /** Links by kind, for dumps filtered by IFLA_LINKINFO kind. */
  private readonly byKind = new Map<KindName, Set<Link>>();
  readonly allocator = new IndexAllocator((i) => this.links.has(i));
  /** Position in `sorted` of linkAfter()'s last answer (a hint, checked before use). */
  private lastAfter = -1;

  constructor(private readonly generation: ModelGeneration) {}

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
    // Bounds first: reading sorted[-1] (no answer yet) made V8 deoptimise every dump's walk ("out of bounds").
    if (!(i > 0 && i < sorted.length && sorted[i - 1] === afterIndex)) i = this.sortedPosition(afterIndex + 1);
    for (; i < sorted.length; i++) {
      const link = this.links.get(sorted[i]!);
      if (link) {
        this.lastAfter = i;
        return link;
      }
    }
    return undefined;
  }

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
    return [...(this.ports?.get(master) ?? [])];
  }

  /** The devices stacked on `parent` (vlan, macvlan). */
  stackedOn(parent: number): ReadonlySet<Link> {
    return this.stacked?.get(parent) ?? NO_LINKS;
  }

  /** list_netdevice(): the device joins every index. */
  insert(link: Link): void {
    this.links.set(link.index, link);
    if (link.master) addTo((this.ports ??= new Map()), link.master, link);
    addTo(this.byKind, link.kind, link);
    if (link.link && KINDS[link.kind].needsParent) addTo((this.stacked ??= new Map()), link.link, link);
    this.names.set(link.name, link);
    for (const alt of link.altnames) this.names.set(alt, link);
    const s = this.sorted;
    if (s.length === 0 || s[s.length - 1]! < link.index) s.push(link.index);
    else s.splice(this.sortedPosition(link.index), 0, link.index);
    this.generation.advance('devices');
  }

  /** unlist_netdevice() */
  remove(link: Link): void {
    this.links.delete(link.index);
    this.names.delete(link.name);
    for (const alt of link.altnames) this.names.delete(alt);
    if (link.master) removeFrom(this.ports, link.master, link);
    removeFrom(this.byKind, link.kind, link);
    if (link.link && KINDS[link.kind].needsParent) removeFrom(this.stacked, link.link, link);
    const at = this.sortedPosition(link.index);
    if (this.sorted[at] === link.index) this.sorted.splice(at, 1);
    this.generation.advance('devices');
  }

  /** The primary name changes (dev_change_name). */
  rename(link: Link, name: string): void {
    this.names.delete(link.name);
    link.name = name;
    this.names.set(name, link);
    this.generation.advance('devices');
  }

  /** An altname is added or removed (netdev_name_node_alt_create / _destroy). */
  addAltname(link: Link, name: string): void {
    link.altnames.push(name);
    this.names.set(name, link);
    this.generation.linkChanged(link.index);
  }

  deleteAltname(link: Link, name: string): void {
    link.altnames.splice(link.altnames.indexOf(name), 1);
    this.names.delete(name);
    this.generation.linkChanged(link.index);
  }

  /** The port joins or leaves its master's port list (link.master is set by the caller). */
  addPort(master: number, port: Link): void {
    addTo((this.ports ??= new Map()), master, port);
  }

  removePort(master: number, port: Link): void {
    removeFrom(this.ports, master, port);
  }
}
