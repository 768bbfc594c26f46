/*
 * Calls that would act on the host's own network, which the adaptor cannot carry to the daemon:
 * they fail with EPERM and one line on stderr naming the call and why, instead of silently
 * changing the machine the program runs on. RTNL_PRELOAD_PASSTHROUGH=1 lets them through.
 *
 *   - creating a network namespace with clone(CLONE_NEWNET) (setns, unshare and the mounts under
 *     /run/netns of `ip netns` are served by the daemon's namespaces: netns.c);
 *   - netlink families other than NETLINK_ROUTE that configure the kernel (generic netlink:
 *     ethtool, nl80211, wireguard...; netfilter; xfrm);
 *   - writing the host's /proc/sys/net settings (netview.c checks the path);
 *   - TUNSETIFF on /dev/net/tun and the SIOC* ioctls that have no rtnetlink equivalent
 *     (ifioctl.c asks here).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "preload.h"

int host_passthrough(void) {
  const char *v = getenv("RTNL_PRELOAD_PASSTHROUGH");
  return v && *v && strcmp(v, "0") != 0;
}

int refuse(const char *call, const char *why) {
  complain("%s refused: %s (RTNL_PRELOAD_PASSTHROUGH=1 lets it reach the host)", call, why);
  errno = EPERM;
  return -1;
}

int is_tun_device(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 10 && minor(st.st_rdev) == 200;
}

NEXT(int, clone, (int (*)(void *), void *, int, void *, ...))
EXPORT int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...) {
  ensure_init();
  va_list ap;
  va_start(ap, arg);
  void *ptid = va_arg(ap, void *), *tls = va_arg(ap, void *), *ctid = va_arg(ap, void *);
  va_end(ap);
  if ((flags & CLONE_NEWNET) && !host_passthrough())
    return refuse("clone(CLONE_NEWNET)", "it would create a network namespace of the host; the daemon's namespaces are made with ip netns add");
  return resolve_clone()(fn, stack, flags, arg, ptid, tls, ctid);
}

/* Netlink families that configure the host kernel's networking beyond rtnetlink. */
int refused_netlink_family(int protocol) {
  const char *name = protocol == NETLINK_GENERIC ? "NETLINK_GENERIC (ethtool, nl80211, wireguard, mptcp...)"
                     : protocol == NETLINK_NETFILTER ? "NETLINK_NETFILTER (nftables, conntrack)"
                     : protocol == NETLINK_XFRM ? "NETLINK_XFRM (IPsec)"
                     : protocol == NETLINK_FIB_LOOKUP ? "NETLINK_FIB_LOOKUP"
                     : NULL;
  if (!name || host_passthrough()) return 0;
  char call[160];
  snprintf(call, sizeof call, "socket(AF_NETLINK, %s)", name);
  refuse(call, "that netlink family would configure the host kernel; rtnld serves NETLINK_ROUTE only");
  return 1;
}

/* syscall(2) for the namespace calls above, which some programs make directly. */
NEXT(long, syscall, (long, ...))
EXPORT long syscall(long number, ...) {
  va_list ap;
  va_start(ap, number);
  long a[6];
  for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
  va_end(ap);
  ensure_init();
  if (number == SYS_unshare) return unshare((int)a[0]);
  if (number == SYS_setns) return setns((int)a[0], (int)a[1]);
  return resolve_syscall()(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
