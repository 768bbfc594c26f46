/**
 * The model's generation: one number every change of any table advances, announced or not, so
 * caches of encoded views (src/rtnl/dump-image.ts) key on it alone. Announced changes advance
 * it in the model's emit(); a table's method that changes something without announcing it
 * advances it itself. (Caches are only filled between model calls, so one advance anywhere in
 * a change is enough.)
 * Caches of single links' and addresses' messages (src/rtnl/link-cache.ts, addr-cache.ts) need to
 * know which one: the events name it, a quiet change to one says so through linkChanged() or
 * addressChanged(), and any other quiet change that may show in a link's message advances
 * `linksWide` (every link's message may have changed).
 * Beside these, the two sequence numbers Linux checks for NLM_F_DUMP_INTR, which move only with
 * some changes (a link dump is not interrupted by an MTU change on Linux).
 */
export class ModelGeneration {
  /** Advanced by every change of the model. */
  current = 0;
  /** Advanced by quiet changes that may show in any link's RTM_NEWLINK (advance() with no `what`). */
  linksWide = 0;
  /** dev_base_seq: the device list or a device name changed. */
  private devBase = 1;
  /** dev_addr_genid: an address changed. */
  private addrGenid = 0;
  private readonly linkWatchers: ((index: number) => void)[] = [];
  private readonly addressWatchers: ((addr: object) => void)[] = [];

  /**
   * Something changed: `devices` when the device list or a name (each device announced),
   * `addresses` when an address, `announced` when the change is an event, `entries` when a
   * table's entries changed quietly (routes, neighbours, addresses: nothing a link shows);
   * nothing said: anything, link messages included.
   */
  advance(what?: 'devices' | 'addresses' | 'announced' | 'entries'): void {
    this.current++;
    if (what === 'devices') this.devBase++;
    else if (what === 'addresses') this.addrGenid++;
    else if (what === undefined) this.linksWide++;
  }

  /** A quiet change of one link (MTU, alias, counters...), before or without its RTM_NEWLINK. */
  linkChanged(index: number): void {
    this.current++;
    for (const watch of this.linkWatchers) watch(index);
  }

  /** Calls `watch` with the index of every link linkChanged() names. */
  watchLinks(watch: (index: number) => void): void {
    this.linkWatchers.push(watch);
  }

  /** A quiet change of one address (added NODAD, or modified while tentative: announced when DAD ends). */
  addressChanged(addr: object): void {
    this.current++;
    this.addrGenid++;
    for (const watch of this.addressWatchers) watch(addr);
  }

  /** Calls `watch` with every address addressChanged() names. */
  watchAddresses(watch: (addr: object) => void): void {
    this.addressWatchers.push(watch);
  }

  /** cb->seq of a link dump (rtnl_dump_ifinfo: dev_base_seq). */
  get linkDumpSeq(): number {
    return this.devBase;
  }

  /** cb->seq of an address dump (inet_base_seq: dev_base_seq + dev_addr_genid). */
  get addrDumpSeq(): number {
    return this.devBase + this.addrGenid;
  }
}
