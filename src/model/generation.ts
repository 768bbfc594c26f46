/**
 * The model's generation: one number every change of any table advances, announced or not, so
 * caches of encoded views (src/rtnl/link-cache.ts, dump-image.ts) key on it alone.
 * Announced changes advance it in the model's emit(); a table's method that changes something
 * without announcing it advances it itself. (Caches are only filled by requests, between model
 * calls, so one advance anywhere in a change is enough.)
 * Beside it, the two sequence numbers Linux checks for NLM_F_DUMP_INTR, which move only with
 * some changes (a link dump is not interrupted by an MTU change on Linux).
 */
export class ModelGeneration {
  /** Advanced by every change of the model. */
  current = 0;
  /** dev_base_seq: the device list or a device name changed. */
  private devBase = 1;
  /** dev_addr_genid: an address changed. */
  private addrGenid = 0;

  /** Something changed: `devices` when the device list or a name, `addresses` when an address. */
  advance(what?: 'devices' | 'addresses'): void {
    this.current++;
    if (what === 'devices') this.devBase++;
    else if (what === 'addresses') this.addrGenid++;
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
