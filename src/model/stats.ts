// Interface counters: struct rtnl_link_stats64 (include/uapi/linux/if_link.h), as plain numbers.

import { LINK_STATS_FIELDS, type LinkStatsField } from '../../protocol/constants.js';

/** The counters in the order of struct rtnl_link_stats64 (defined once, with the other uapi tables). */
export const LINK_STAT_NAMES = LINK_STATS_FIELDS;

export type LinkStatName = LinkStatsField;

/**
 * A device's counters. Values are non-negative integers up to Number.MAX_SAFE_INTEGER (the
 * kernel's are u64); a link without `stats` reads all zero, as a virtual device that never
 * carried traffic.
 */
export type LinkStats = Record<LinkStatName, number>;

export function zeroStats(): LinkStats {
  return Object.fromEntries(LINK_STAT_NAMES.map((n) => [n, 0])) as LinkStats;
}

/** The counters in struct order (IFLA_STATS64 / IFLA_STATS encoders take them this way). */
export function statsInOrder(stats: Readonly<LinkStats>): number[] {
  return LINK_STAT_NAMES.map((n) => stats[n]);
}
