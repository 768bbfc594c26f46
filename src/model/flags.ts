// Flag semantics of net/core/dev.c (__dev_change_flags, netif_get_flags) and
// rtnetlink.c (rtnl_dev_combine_flags).

export const IFF_UP = 0x1;
export const IFF_BROADCAST = 0x2;
export const IFF_LOOPBACK = 0x8;
export const IFF_RUNNING = 0x40;
export const IFF_NOARP = 0x80;
export const IFF_PROMISC = 0x100;
export const IFF_ALLMULTI = 0x200;
export const IFF_MULTICAST = 0x1000;
export const IFF_LOWER_UP = 0x10000;
export const IFF_DORMANT = 0x20000;

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

// IF_OPER_* (RFC 2863)
export const IF_OPER_UNKNOWN = 0;
export const IF_OPER_DOWN = 2;
export const IF_OPER_LOWERLAYERDOWN = 3;
export const IF_OPER_TESTING = 4;
export const IF_OPER_DORMANT = 5;
export const IF_OPER_UP = 6;

export const IF_LINK_MODE_DEFAULT = 0;
export const IF_LINK_MODE_DORMANT = 1;
export const IF_LINK_MODE_TESTING = 2;

/** netif_oper_up(): the operstate counts as up (UP or UNKNOWN). */
export function operUp(operstate: number): boolean {
  return operstate === IF_OPER_UP || operstate === IF_OPER_UNKNOWN;
}
