import type { Neighbour, NeighFamily, ProxyNeighbour } from './neighbour.js';

/**
 * One neighbour table (struct neigh_table: arp_tbl or nd_tbl): entries per device, each
 * device's entries in creation order. Per-device maps make a device flush and a dump filtered
 * by device cost only that device's entries.
 */
export class NeighTable {
  private readonly devices = new Map<number, Map<number | string, Neighbour>>();
  private count = 0;

  constructor(readonly family: NeighFamily) {}

  get size(): number {
    return this.count;
  }

  get(ifindex: number, dst: number | string): Neighbour | undefined {
    return this.devices.get(ifindex)?.get(dst);
  }

  insert(n: Neighbour): void {
    let d = this.devices.get(n.ifindex);
    if (!d) this.devices.set(n.ifindex, (d = new Map()));
    if (!d.has(n.dst)) this.count++;
    d.set(n.dst, n);
  }

  remove(n: Neighbour): boolean {
    const d = this.devices.get(n.ifindex);
    if (!d?.delete(n.dst)) return false;
    this.count--;
    if (d.size === 0) this.devices.delete(n.ifindex);
    return true;
  }

  /** One device's entries, newest first (the order a flush announces them). */
  ofDevice(ifindex: number): Neighbour[] {
    const d = this.devices.get(ifindex);
    return d ? [...d.values()].reverse() : [];
  }

  /** Every entry, device by device (no order is promised: the kernel's is its hash order). */
  *entries(): IterableIterator<Neighbour> {
    for (const d of this.devices.values()) yield* d.values();
  }

  /** The device maps walked by a NeighWalk (one device's, or every device's). */
  deviceMaps(ifindex: number): Iterable<ReadonlyMap<number | string, Neighbour>> {
    if (!ifindex) return this.devices.values();
    const d = this.devices.get(ifindex);
    return d ? [d] : [];
  }

  clear(): void {
    this.devices.clear();
    this.count = 0;
  }
}

/** The proxy entries of one table (tbl->phash_buckets): keyed by device (0 = all) and address. */
export class ProxyTable {
  private readonly entries = new Map<string, ProxyNeighbour>();

  private static key(ifindex: number, dst: number | string): string {
    return `${ifindex}/${dst}`;
  }

  get(ifindex: number, dst: number | string): ProxyNeighbour | undefined {
    return this.entries.get(ProxyTable.key(ifindex, dst));
  }

  set(p: ProxyNeighbour): void {
    this.entries.set(ProxyTable.key(p.ifindex, p.dst), p);
  }

  delete(p: ProxyNeighbour): boolean {
    return this.entries.delete(ProxyTable.key(p.ifindex, p.dst));
  }

  /** pneigh_ifdown_and_unlock(): a device's proxies (all, or those not added permanent). */
  flushDevice(ifindex: number, keepPermanent: boolean): number {
    let n = 0;
    for (const [k, p] of this.entries) {
      if (p.ifindex === ifindex && !(keepPermanent && p.permanent)) {
        this.entries.delete(k);
        n++;
      }
    }
    return n;
  }

  values(): IterableIterator<ProxyNeighbour> {
    return this.entries.values();
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Every entry of some tables, device by device, one at a time (a dump's cursor, resumed once per
 * entry across many socket writes): a plain next() instead of nested generators.
 */
export class NeighWalk {
  private readonly devices: Iterator<ReadonlyMap<number | string, Neighbour>>[];
  private table = 0;
  private entries: Iterator<Neighbour> | undefined;

  constructor(tables: readonly NeighTable[], ifindex = 0) {
    this.devices = tables.map((t) => t.deviceMaps(ifindex)[Symbol.iterator]());
  }

  next(): Neighbour | undefined {
    for (;;) {
      if (this.entries) {
        const e = this.entries.next();
        if (!e.done) return e.value;
        this.entries = undefined;
      }
      const devices = this.devices[this.table];
      if (!devices) return undefined;
      const d = devices.next();
      if (d.done) this.table++;
      else this.entries = d.value.values();
    }
  }
}
