import type { DecodedLink } from '../../protocol/link-decode.js';

/**
 * iproute2's ll_map: index -> name and flags, used to print "@peer", "master br0" and the
 * M-DOWN flag. Filled from a link dump and kept current from notifications (monitor).
 */
export class LinkTable {
  private readonly byIndex = new Map<number, { name: string; flags: number }>();

  constructor(links: Iterable<DecodedLink> = []) {
    for (const l of links) this.remember(l);
  }

  /** ll_remember_index() for RTM_NEWLINK (family 0 messages carry the name). */
  remember(link: DecodedLink): void {
    if (link.name === undefined) return;
    this.byIndex.set(link.index, { name: link.name, flags: link.flags });
  }

  forget(index: number): void {
    this.byIndex.delete(index);
  }

  /** ll_index_to_name(): the name, or "if<N>" when unknown. */
  name(index: number): string {
    return this.byIndex.get(index)?.name ?? `if${index}`;
  }

  /** ll_idx_n2a(): as name(), but index 0 is "*". */
  idxName(index: number): string {
    return index === 0 ? '*' : this.name(index);
  }

  /** ll_index_to_flags(): 0 when unknown. */
  flags(index: number): number {
    return this.byIndex.get(index)?.flags ?? 0;
  }

  /** ll_name_to_index(): 0 when unknown. */
  indexOf(name: string): number {
    for (const [index, v] of this.byIndex) if (v.name === name) return index;
    return 0;
  }
}
