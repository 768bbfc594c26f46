/*
 * Calls that would act on the host's own network, which the adaptor cannot carry to the daemon:
 * they fail with EPERM and one line on stderr naming the call and why, instead of silently
 * changing the machine the program runs on. RTNL_PRELOAD_PASSTHROUGH=1 lets them through.
 *
 *   - entering or creating a network namespace: setns() into one, unshare()/clone() with
 *     CLONE_NEWNET, and mounting or unmounting under /run/netns (how `ip netns add/del` name them);
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

#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE 0xb703 /* _IO(0xb7, 0x3), linux/nsfs.h */
#endif

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

static const char NETNS_WHY[] = "it would enter or create a network namespace of the host; the daemon's model is this process's network";

/* /run/netns and /var/run/netns, or a path under them. */
static int under_netns_dir(const char *path) {
  static const char *const dirs[] = {"/run/netns", "/var/run/netns"};
  if (!path) return 0;
  for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
    size_t n = strlen(dirs[i]);
    if (strncmp(path, dirs[i], n) == 0 && (path[n] == 0 || path[n] == '/')) return 1;
  }
  return 0;
}

/* A /proc/.../ns/net file: bind-mounting it keeps a namespace alive under a name. */
static int is_netns_file(const char *path) {
  size_t n = path ? strlen(path) : 0;
  return n >= 7 && strncmp(path, "/proc/", 6) == 0 && strcmp(path + n - 7, "/ns/net") == 0;
}

NEXT(int, setns, (int, int))
EXPORT int setns(int fd, int nstype) {
  ensure_init();
  if (!host_passthrough()) {
    int type = nstype ? nstype : ioctl(fd, NS_GET_NSTYPE); /* 0: whatever fd is */
    if (type > 0 && (type & CLONE_NEWNET)) return refuse("setns(CLONE_NEWNET)", NETNS_WHY);
  }
  return resolve_setns()(fd, nstype);
}

NEXT(int, unshare, (int))
EXPORT int unshare(int flags) {
  ensure_init();
  if ((flags & CLONE_NEWNET) && !host_passthrough()) return refuse("unshare(CLONE_NEWNET)", NETNS_WHY);
  return resolve_unshare()(flags);
}

NEXT(int, clone, (int (*)(void *), void *, int, void *, ...))
EXPORT int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...) {
  ensure_init();
  va_list ap;
  va_start(ap, arg);
  void *ptid = va_arg(ap, void *), *tls = va_arg(ap, void *), *ctid = va_arg(ap, void *);
  va_end(ap);
  if ((flags & CLONE_NEWNET) && !host_passthrough()) return refuse("clone(CLONE_NEWNET)", NETNS_WHY);
  return resolve_clone()(fn, stack, flags, arg, ptid, tls, ctid);
}

NEXT(int, mount, (const char *, const char *, const char *, unsigned long, const void *))
EXPORT int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data) {
  ensure_init();
  if (!host_passthrough() && (under_netns_dir(target) || is_netns_file(source))) {
    char call[300];
    snprintf(call, sizeof call, "mount(%s)", target ? target : "");
    return refuse(call, "it would name a network namespace of the host (ip netns add); the daemon does not serve namespaces through the adaptor");
  }
  return resolve_mount()(source, target, fstype, flags, data);
}

static int refuse_umount(const char *target) {
  char call[300];
  snprintf(call, sizeof call, "umount(%s)", target);
  return refuse(call, "it would remove a network namespace of the host (ip netns del)");
}

NEXT(int, umount, (const char *))
EXPORT int umount(const char *target) {
  ensure_init();
  if (!host_passthrough() && under_netns_dir(target)) return refuse_umount(target);
  return resolve_umount()(target);
}

NEXT(int, umount2, (const char *, int))
EXPORT int umount2(const char *target, int flags) {
  ensure_init();
  if (!host_passthrough() && under_netns_dir(target)) return refuse_umount(target);
  return resolve_umount2()(target, flags);
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
