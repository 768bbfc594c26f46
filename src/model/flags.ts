// Flag semantics of net/core/dev.c (__dev_change_flags, netif_get_flags) and
// rtnetlink.c (rtnl_dev_combine_flags).

// The uapi values (if.h) are defined once, in protocol/constants.ts.
export {
  IFF_ALLMULTI, IFF_BROADCAST, IFF_DORMANT, IFF_LOOPBACK, IFF_LOWER_UP, IFF_MULTICAST, IFF_NOARP, IFF_PROMISC, IFF_RUNNING, IFF_UP,
  IF_OPER_DORMANT, IF_OPER_DOWN, IF_OPER_LOWERLAYERDOWN, IF_OPER_TESTING, IF_OPER_UNKNOWN, IF_OPER_UP,
  IF_LINK_MODE_DEFAULT, IF_LINK_MODE_DORMANT, IF_LINK_MODE_TESTING,
} from '../../protocol/constants.js';
import { IF_OPER_UNKNOWN, IF_OPER_UP } from '../../protocol/constants.js';

/** Bits copied straight from the request (IFF_DEBUG|NOTRAILERS|NOARP|MULTICAST|PORTSEL|AUTOMEDIA|DYNAMIC). */
export const DIRECT_FLAGS = 0x4 | 0x20 | 0x80 | 0x1000 | 0x2000 | 0x4000 | 0x8000;

/**
 * rtnl_dev_combine_flags(): the flags a request asks for. ifi_change == 0 with ifi_flags != 0
 * means "every bit" (kernel bugwards compatibility), so it can clear IFF_MULTICAST.
 * `current` is dev->flags with PROMISC/ALLMULTI taken from the user's gflags.
 */
export function combineFlags(current: number, ifiFlags: number, ifiChange: number): number {
  const change = ifiChange === 0 ? 0xffffffff : ifiChange;
  return ((ifiFlags & change) | (current & ~change)) >>> 0;
}



/** netif_oper_up(): the operstate counts as up (UP or UNKNOWN). */
export function operUp(operstate: number): boolean {
  return operstate === IF_OPER_UP || operstate === IF_OPER_UNKNOWN;
}
