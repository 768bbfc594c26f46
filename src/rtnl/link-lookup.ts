import { IFLA_ALT_IFNAME, IFLA_IFNAME } from '../../protocol/constants.js';
import { attrString, type AttrTable } from '../../protocol/policy.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';

/**
 * rtnl_dev_get() and its callers: a positive ifi_index wins (IFLA_IFNAME is then ignored for the
 * lookup); otherwise IFLA_IFNAME, else IFLA_ALT_IFNAME, each matching names and altnames.
 * Returns 'unidentified' when the request names no device at all.
 */
export function lookupLink(model: NetworkModel, index: number, tb: AttrTable): Link | undefined | 'unidentified' {
  if (index > 0) return model.byIndex(index);
  const name = tb.get(IFLA_IFNAME) ?? tb.get(IFLA_ALT_IFNAME);
  if (!name) return 'unidentified';
  return model.byName(attrString(name));
}

export function namesDevice(index: number, tb: AttrTable): boolean {
  return index > 0 || tb.has(IFLA_IFNAME) || tb.has(IFLA_ALT_IFNAME);
}
