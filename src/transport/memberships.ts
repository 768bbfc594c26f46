import { RTNLGRP_MAX } from '../../protocol/constants.js';

/** A connection's multicast groups (1..RTNLGRP_MAX), as the kernel's nlk->groups bitmap. */
export class Memberships {
  private readonly words = new Uint32Array(Math.ceil(RTNLGRP_MAX / 32));

  static valid(group: number): boolean {
    return Number.isInteger(group) && group >= 1 && group <= RTNLGRP_MAX;
  }

  has(group: number): boolean {
    return Memberships.valid(group) && ((this.words[(group - 1) >> 5]! >>> ((group - 1) & 31)) & 1) === 1;
  }

  add(group: number): void {
    this.words[(group - 1) >> 5]! |= 1 << ((group - 1) & 31);
  }

  drop(group: number): void {
    this.words[(group - 1) >> 5]! &= ~(1 << ((group - 1) & 31));
  }

  /** bind(nl_groups): replaces groups 1..32 with the legacy bitmask. */
  setLegacy(mask: number): void {
    this.words[0] = mask >>> 0;
  }

  /** The first 32 groups as a bitmask (getsockname's nl_groups). */
  get legacy(): number {
    return this.words[0]!;
  }

  /** NETLINK_LIST_MEMBERSHIPS: bit (g-1) of word (g-1)/32. */
  list(): number[] {
    return Array.from(this.words);
  }

  *groups(): IterableIterator<number> {
    for (let g = 1; g <= RTNLGRP_MAX; g++) if (this.has(g)) yield g;
  }
}
