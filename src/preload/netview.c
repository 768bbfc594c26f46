/*
 * The files in which Linux shows interfaces — /proc/net/dev, /proc/net/if_inet6, the multicast
 * lists /proc/net/dev_mcast, igmp and igmp6 (empty: the daemon models no memberships) and the
 * /sys/class/net tree (with /sys/devices/virtual/net, where its entries point) — served from the
 * daemon instead of the host.
 *
 * The view is a directory tree per process, generated from one GETLINK and one GETADDR dump,
 * with the kernel's formats (net-sysfs.c, net-procfs.c, addrconf.c); the path calls of libc
 * (open, fopen, opendir, stat, access, readlink, chdir, realpath, scandir, glob...) on those
 * paths are sent into it, so everything relative to an opened directory works unchanged. A
 * private connection subscribed to the link and address groups tells when the daemon's model
 * changed: the next call through the view then generates a new one. Writes there (and to
 * /proc/sys/net, the host's settings) are refused: they would not reach the daemon.
 *
 * Files Linux refuses to read on a down device (carrier, dormant: -EINVAL) are kept with mode
 * 000 in the tree, and opening one for reading fails with EINVAL.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preload.h"

/* linux/if.h, which cannot be included with net/if.h */
#define IFF_LOWER_UP 0x10000
#define IFF_DORMANT 0x20000
#define IF_OPER_DORMANT 5

NEXT(int, open, (const char *, int, ...))
NEXT(int, openat, (int, const char *, int, ...))
NEXT(FILE *, fopen, (const char *, const char *))
NEXT(FILE *, fopen64, (const char *, const char *))
NEXT(DIR *, opendir, (const char *))
NEXT(int, stat, (const char *, struct stat *))
NEXT(int, lstat, (const char *, struct stat *))
NEXT(int, fstatat, (int, const char *, struct stat *, int))
NEXT(int, __xstat, (int, const char *, struct stat *))
NEXT(int, __lxstat, (int, const char *, struct stat *))
NEXT(int, __fxstatat, (int, int, const char *, struct stat *, int))
NEXT(int, statx, (int, const char *, int, unsigned, struct statx *))
NEXT(int, access, (const char *, int))
NEXT(int, faccessat, (int, const char *, int, int))
NEXT(ssize_t, readlink, (const char *, char *, size_t))
NEXT(ssize_t, readlinkat, (int, const char *, char *, size_t))
NEXT(int, chdir, (const char *))
NEXT(ssize_t, getxattr, (const char *, const char *, void *, size_t))
NEXT(ssize_t, lgetxattr, (const char *, const char *, void *, size_t))
NEXT(ssize_t, listxattr, (const char *, char *, size_t))
NEXT(ssize_t, llistxattr, (const char *, char *, size_t))
NEXT(char *, realpath, (const char *, char *))
NEXT(int, scandir, (const char *, struct dirent ***, int (*)(const struct dirent *), int (*)(const struct dirent **, const struct dirent **)))
NEXT(int, glob, (const char *, int, int (*)(const char *, int), glob_t *))

/* ------------------------------------------------------------------------------------------ */
/* Which paths                                                                                */

static const char *const TREES[] = {"/sys/class/net", "/sys/devices/virtual/net"};
static const char *const PROC_FILES[] = {"dev", "if_inet6", "dev_mcast", "igmp", "igmp6"};

/* path with repeated slashes collapsed and /proc/self|thread-self|<pid>/net as /proc/net (a
 * trailing slash stays: it makes a symlink to a directory count as the directory); 0 if it does
 * not fit. */
static int normalize(const char *path, char *out, size_t size) {
  size_t n = 0;
  for (const char *p = path; *p; p++) {
    if (*p == '/' && n > 0 && out[n - 1] == '/') continue;
    if (n + 1 >= size) return 0;
    out[n++] = *p;
  }
  out[n] = 0;
  char pid[32];
  snprintf(pid, sizeof pid, "/proc/%d/net", (int)getpid());
  const char *aliases[] = {"/proc/self/net", "/proc/thread-self/net", pid};
  for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++) {
    size_t a = strlen(aliases[i]);
    if (strncmp(out, aliases[i], a) == 0 && (out[a] == 0 || out[a] == '/')) {
      memmove(out + 9, out + a, strlen(out + a) + 1); /* "/proc/net" is 9 bytes */
      memcpy(out, "/proc/net", 9);
    }
  }
  return 1;
}

/* Whether the (normalized) path is served by the view. */
static int in_view(const char *p) {
  for (size_t i = 0; i < sizeof TREES / sizeof *TREES; i++) {
    size_t n = strlen(TREES[i]);
    if (strncmp(p, TREES[i], n) == 0 && (p[n] == 0 || p[n] == '/')) return 1;
  }
  if (strncmp(p, "/proc/net/", 10) == 0)
    for (size_t i = 0; i < sizeof PROC_FILES / sizeof *PROC_FILES; i++) if (!strcmp(p + 10, PROC_FILES[i])) return 1;
  return 0;
}

static int host_setting(const char *p) { return strncmp(p, "/proc/sys/net/", 14) == 0 || !strcmp(p, "/proc/sys/net"); }

/* ------------------------------------------------------------------------------------------ */
/* The tree                                                                                   */

static pthread_mutex_t view_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t view_pid;          /* the process the state below belongs to (a fork starts over) */
static char view_dir[PATH_MAX]; /* <base>/<pid> */
static char view_root[PATH_MAX];/* <base>/<pid>/<generation>: the current tree, "" if none */
static unsigned view_gen;
static int monitor_fd = -1;     /* subscribed to link and address changes */
static unsigned view_netns;     /* netns_generation() the tree and monitor were made in */

/* A fork while another thread held the lock must not leave the child's copy locked. */
static void view_atfork_child(void) { pthread_mutex_init(&view_lock, NULL); }
__attribute__((constructor)) static void view_init(void) { pthread_atfork(NULL, NULL, view_atfork_child); }

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  remove(path);
  return 0;
}
static void rm_tree(const char *path) { nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static void remove_own_view(void) {
  if (view_pid == getpid() && view_dir[0]) rm_tree(view_dir);
}

/* <base> = $TMPDIR/rtnld-view.<uid>, ours and not a link; views of gone processes are removed. */
static int make_base(char *base, size_t size) {
  const char *tmp = getenv("TMPDIR");
  snprintf(base, size, "%s/rtnld-view.%u", tmp && *tmp == '/' ? tmp : "/tmp", (unsigned)getuid());
  mkdir(base, 0700);
  struct stat st;
  if (resolve_lstat()(base, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid()) return -EACCES;
  DIR *d = resolve_opendir()(base);
  if (!d) return -errno;
  struct dirent *e;
  while ((e = readdir(d))) {
    char *end;
    long pid = strtol(e->d_name, &end, 10);
    if (*end || pid <= 0 || pid == getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
    char path[PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/%s", base, e->d_name);
    rm_tree(path);
  }
  closedir(d);
  return 0;
}

/*
 * An in-band socket call (protocol/TRANSPORT.md) with seq 0, the seq of notifications: its
 * answer (always an NLMSG_ERROR for these calls) comes after every notification the daemon
 * queued for this connection before it, and priv_request() collects those on its way. So the
 * number of bytes collected tells whether the model changed since the previous call.
 */
static int monitor_call(int fd, uint32_t call, uint32_t value, size_t *notified) {
  unsigned char req[28] = {0};
  uint16_t type = 15, flags = NLM_F_REQUEST;
  wr32(req, sizeof req);
  memcpy(req + 4, &type, 2);
  memcpy(req + 6, &flags, 2);
  wr32(req + 16, call);
  wr32(req + 20, call == 1 ? 4 /* setsockopt(NETLINK_BROADCAST_ERROR): changes nothing */ : 0);
  wr32(req + 24, value);
  struct nlbuf out = {0};
  int r = priv_request(fd, req, sizeof req, &out);
  free(out.data);
  *notified = out.len;
  return r;
}

/* A private connection joined to RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR. */
static int open_monitor(void) {
  int fd = open_private("/sys/class/net and /proc/net");
  if (fd < 0) return fd;
  size_t ignored;
  int r = monitor_call(fd, 3 /* bind */, (1u << (RTNLGRP_LINK - 1)) | (1u << (RTNLGRP_IPV4_IFADDR - 1)) | (1u << (RTNLGRP_IPV6_IFADDR - 1)), &ignored);
  if (r < 0) {
    close(fd);
    return r;
  }
  return fd;
}

/* Whether the model changed since the view was made: every change acknowledged before this
 * call (to this process or any other) is seen. */
static int model_changed(void) {
  if (monitor_fd < 0) return 1;
  size_t notified;
  if (monitor_call(monitor_fd, 1, 0, &notified) < 0) {
    close(monitor_fd); /* gone, or overrun (-ENOBUFS): start over with a new connection */
    monitor_fd = -1;
    return 1;
  }
  return notified > 0;
}

static void put(const char *dir, const char *name, mode_t mode, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(const char *dir, const char *name, mode_t mode, const char *fmt, ...) {
  char path[PATH_MAX], text[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n >= (int)sizeof text) n = sizeof text - 1;
  unlink(path); /* a placeholder may be there, read-only */
  int fd = resolve_open()(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  ssize_t ignored = write(fd, text, (size_t)n);
  (void)ignored;
  close(fd);
  if (mode != 0644) chmod(path, mode);
}

static void link_to(const char *dir, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void link_to(const char *dir, const char *name, const char *fmt, ...) {
  char path[PATH_MAX], target[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(target, sizeof target, fmt, ap);
  va_end(ap);
  if (symlink(target, path) != 0) debugf("symlink %s: %s", path, strerror(errno));
}

/* "aa:bb:cc" (sysfs %*phC) */
static const char *hex_colons(const unsigned char *a, int len, char *out) {
  int n = 0;
  for (int i = 0; i < len; i++) n += sprintf(out + n, i ? ":%02x" : "%02x", a[i]);
  out[n] = 0;
  return out;
}

static const char *const OPERSTATES[] = {"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"};

/* struct rtnl_link_stats64 fields, in order, with their sysfs names (net-sysfs.c). */
static const char *const STAT_NAMES[] = {
  "rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors", "rx_dropped", "tx_dropped",
  "multicast", "collisions", "rx_length_errors", "rx_over_errors", "rx_crc_errors", "rx_frame_errors",
  "rx_fifo_errors", "rx_missed_errors", "tx_aborted_errors", "tx_carrier_errors", "tx_fifo_errors",
  "tx_heartbeat_errors", "tx_window_errors", "rx_compressed", "tx_compressed", "rx_nohandler",
};

static const struct linkinfo *by_index(const struct linkinfo *links, int n, int index) {
  for (int i = 0; i < n; i++) if (links[i].index == index) return &links[i];
  return NULL;
}

/* One device directory (net-sysfs.c's attributes that tools read). */
static void sys_device(const char *root, const struct linkinfo *l, const struct linkinfo *links, int n) {
  char dir[PATH_MAX], sub[PATH_MAX], hex[100];
  snprintf(dir, sizeof dir, "%s/sys/devices/virtual/net/%s", root, l->name);
  mkdir(dir, 0755);
  int running = (l->flags & IFF_UP) != 0;
  put(dir, "ifindex", 0644, "%d\n", l->index);
  put(dir, "iflink", 0644, "%d\n", l->iflink);
  put(dir, "mtu", 0644, "%u\n", l->mtu);
  put(dir, "address", 0644, "%s\n", hex_colons(l->addr, l->addrlen, hex));
  put(dir, "broadcast", 0644, "%s\n", hex_colons(l->brd, l->brdlen, hex));
  put(dir, "addr_len", 0644, "%d\n", l->addrlen);
  put(dir, "operstate", 0644, "%s\n", l->operstate >= 0 && l->operstate < 7 ? OPERSTATES[l->operstate] : "unknown");
  put(dir, "carrier", running ? 0644 : 0, "%d\n", l->carrier ? 1 : 0);
  put(dir, "dormant", running ? 0644 : 0, "%d\n", l->operstate == IF_OPER_DORMANT);
  put(dir, "carrier_changes", 0644, "%u\n", l->carrier_changes);
  /* dev->flags: rtnetlink's ifi_flags less the bits computed from the link state, and with
   * PROMISC/ALLMULTI as the counts set them (a bridge port is promiscuous here, not there) */
  unsigned flags = l->flags & ~(IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT | IFF_PROMISC | IFF_ALLMULTI);
  put(dir, "flags", 0644, "%#x\n", flags | (l->promiscuity ? IFF_PROMISC : 0) | (l->allmulti ? IFF_ALLMULTI : 0));
  put(dir, "type", 0644, "%u\n", l->type);
  put(dir, "tx_queue_len", 0644, "%u\n", l->txqlen);
  put(dir, "netdev_group", 0644, "%u\n", l->group);
  put(dir, "ifalias", 0644, "%s%s", l->alias, l->alias[0] ? "\n" : ""); /* empty without one */
  put(dir, "dev_id", 0644, "0x0\n");
  put(dir, "dev_port", 0644, "0\n");
  const char *devtype = !strcmp(l->kind, "bridge") || !strcmp(l->kind, "vlan") || !strcmp(l->kind, "bond") ? l->kind : NULL;
  put(dir, "uevent", 0644, "%s%s%sINTERFACE=%s\nIFINDEX=%d\n", devtype ? "DEVTYPE=" : "", devtype ? devtype : "", devtype ? "\n" : "", l->name, l->index);
  snprintf(sub, sizeof sub, "%s/statistics", dir);
  mkdir(sub, 0755);
  const uint64_t *counters = (const uint64_t *)&l->stats64;
  for (size_t i = 0; i < sizeof STAT_NAMES / sizeof *STAT_NAMES; i++) put(sub, STAT_NAMES[i], 0644, "%llu\n", (unsigned long long)counters[i]);
  const struct linkinfo *m = l->master ? by_index(links, n, l->master) : NULL;
  if (m) {
    link_to(dir, "master", "../%s", m->name);
    snprintf(hex, sizeof hex, "upper_%s", m->name);
    link_to(dir, hex, "../%s", m->name);
  }
  if (m && !strcmp(m->kind, "bridge")) {
    snprintf(sub, sizeof sub, "%s/brport", dir);
    mkdir(sub, 0755);
    link_to(sub, "bridge", "../../%s", m->name);
  }
  if (!strcmp(l->kind, "bridge")) {
    snprintf(sub, sizeof sub, "%s/brif", dir);
    mkdir(sub, 0755);
    snprintf(hex, sizeof hex, "%s/bridge", dir);
    mkdir(hex, 0755);
  }
  for (int i = 0; i < n; i++) {
    if (links[i].master != l->index) continue;
    snprintf(hex, sizeof hex, "lower_%s", links[i].name);
    link_to(dir, hex, "../%s", links[i].name);
    if (!strcmp(l->kind, "bridge")) link_to(sub, links[i].name, "../../%s/brport", links[i].name);
  }
}

/* /proc/net/dev (dev_seq_printf_stats) */
static void proc_dev(const char *dir, const struct linkinfo *links, int n) {
  size_t cap = 256 + (size_t)n * 200, len = 0;
  char *text = malloc(cap);
  if (!text) return;
  len += (size_t)snprintf(text + len, cap - len, "Inter-|   Receive                                                |  Transmit\n"
                          " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n");
  for (int i = 0; i < n; i++) {
    const struct rtnl_link_stats64 *s = &links[i].stats64;
    len += (size_t)snprintf(text + len, cap - len, "%6s: %7llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu %8llu %7llu %4llu %4llu %4llu %5llu %7llu %10llu\n",
      links[i].name, (unsigned long long)s->rx_bytes, (unsigned long long)s->rx_packets, (unsigned long long)s->rx_errors,
      (unsigned long long)(s->rx_dropped + s->rx_missed_errors), (unsigned long long)s->rx_fifo_errors,
      (unsigned long long)(s->rx_length_errors + s->rx_over_errors + s->rx_crc_errors + s->rx_frame_errors),
      (unsigned long long)s->rx_compressed, (unsigned long long)s->multicast, (unsigned long long)s->tx_bytes,
      (unsigned long long)s->tx_packets, (unsigned long long)s->tx_errors, (unsigned long long)s->tx_dropped,
      (unsigned long long)s->tx_fifo_errors, (unsigned long long)s->collisions,
      (unsigned long long)(s->tx_carrier_errors + s->tx_aborted_errors + s->tx_window_errors + s->tx_heartbeat_errors),
      (unsigned long long)s->tx_compressed);
  }
  put(dir, "dev", 0444, "%s", text);
  free(text);
}

/* /proc/net/if_inet6 (if6_seq_show): address, index, prefix length, scope class, flags, name */
static void proc_if_inet6(const char *dir, const struct linkinfo *links, int n, const struct nlbuf *addrs) {
  size_t cap = 64 + addrs->len, len = 0;
  char *text = malloc(cap);
  if (!text) return;
  text[0] = 0;
  FOR_EACH_MSG(addrs, m) {
    uint32_t mlen = rd32(m);
    struct ifaddrmsg ifa;
    if (rd16(m + 4) != RTM_NEWADDR || mlen < NLMSG_HDRLEN + sizeof ifa) continue;
    memcpy(&ifa, m + NLMSG_HDRLEN, sizeof ifa);
    const struct linkinfo *l = by_index(links, n, (int)ifa.ifa_index);
    if (ifa.ifa_family != AF_INET6 || !l) continue;
    const unsigned char *a = m + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof ifa), *end = m + mlen, *v;
    uint16_t vlen;
    if (!((v = find_attr(a, end, IFA_LOCAL, &vlen)) || (v = find_attr(a, end, IFA_ADDRESS, &vlen))) || vlen < 16) continue;
    uint32_t flags = ifa.ifa_flags;
    const unsigned char *f = find_attr(a, end, IFA_FLAGS, &vlen);
    if (f && vlen >= 4) flags = rd32(f);
    /* the scope as ipv6_addr_src_scope() classes: host 0x10, link 0x20, site 0x40, global 0 */
    unsigned scope = ifa.ifa_scope == RT_SCOPE_HOST ? 0x10 : ifa.ifa_scope == RT_SCOPE_LINK ? 0x20 : ifa.ifa_scope == RT_SCOPE_SITE ? 0x40 : 0;
    if (cap - len < 80) break;
    for (int i = 0; i < 16; i++) len += (size_t)sprintf(text + len, "%02x", v[i]);
    len += (size_t)snprintf(text + len, cap - len, " %02x %02x %02x %02x %8s\n", (unsigned)ifa.ifa_index, ifa.ifa_prefixlen, scope, flags & 0xff, l->name);
  }
  put(dir, "if_inet6", 0444, "%s", text);
  free(text);
}

/* The links of the current tree (one GETLINK dump), and which parts of it are written yet:
 * a tree starts with its directories and the /sys/class/net entries, and a device's files or a
 * /proc/net file are written when a path names them (all devices when a program lists a
 * directory of devices, which it may then walk with relative calls). */
static struct linkinfo *view_links;
static int view_nlinks;
static unsigned char *view_written; /* per link */
static int view_proc_written;       /* bit i: PROC_FILES[i] */

static int build_view(const char *root) {
  struct linkinfo *links;
  int n;
  int r = snapshot("/sys/class/net and /proc/net", &links, &n, NULL);
  if (r < 0) return r;
  unsigned char *written = calloc((size_t)n + 1, 1);
  if (!written) {
    free(links);
    return -ENOMEM;
  }
  char path[PATH_MAX];
  const char *dirs[] = {"", "/sys", "/sys/class", "/sys/class/net", "/sys/devices", "/sys/devices/virtual", "/sys/devices/virtual/net", "/proc", "/proc/net"};
  for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
    snprintf(path, sizeof path, "%s%s", root, dirs[i]);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) r = -errno;
  }
  for (int i = 0; i < n && r == 0; i++) {
    snprintf(path, sizeof path, "%s/sys/class/net", root);
    link_to(path, links[i].name, "../../devices/virtual/net/%s", links[i].name);
    snprintf(path, sizeof path, "%s/sys/devices/virtual/net/%s", root, links[i].name);
    mkdir(path, 0755);
  }
  for (size_t i = 0; i < sizeof PROC_FILES / sizeof *PROC_FILES && r == 0; i++) {
    snprintf(path, sizeof path, "%s/proc/net/%s", root, PROC_FILES[i]);
    int fd = resolve_open()(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0444); /* present for stat and listings */
    if (fd >= 0) close(fd);
  }
  if (r < 0) {
    free(links);
    free(written);
    return r;
  }
  free(view_links);
  free(view_written);
  view_links = links;
  view_nlinks = n;
  view_written = written;
  view_proc_written = 0;
  return 0;
}

static void write_device(int i) {
  if (view_written[i]) return;
  view_written[i] = 1;
  sys_device(view_root, &view_links[i], view_links, view_nlinks);
}

static int write_proc_file(size_t which) {
  if (view_proc_written & (1 << which)) return 0;
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s/proc/net", view_root);
  if (!strcmp(PROC_FILES[which], "dev")) {
    proc_dev(dir, view_links, view_nlinks);
  } else if (!strcmp(PROC_FILES[which], "if_inet6")) {
    int fd = open_private("/proc/net/if_inet6");
    if (fd < 0) return fd;
    struct nlbuf addrs = {0};
    int r = priv_dump(fd, RTM_GETADDR, AF_INET6, &addrs);
    close(fd);
    if (r == 0) proc_if_inet6(dir, view_links, view_nlinks, &addrs);
    free(addrs.data);
    if (r < 0) return r;
  } else if (!strcmp(PROC_FILES[which], "igmp")) { /* the daemon models no multicast memberships */
    put(dir, "igmp", 0444, "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n");
  } else {
    put(dir, PROC_FILES[which], 0444, "%s", ""); /* dev_mcast, igmp6: as above */
  }
  view_proc_written |= 1 << which;
  return 0;
}

/* Writes what the (normalized) path needs. */
static int write_for(const char *norm) {
  for (size_t t = 0; t < sizeof TREES / sizeof *TREES; t++) {
    size_t n = strlen(TREES[t]);
    if (strncmp(norm, TREES[t], n) != 0) continue;
    const char *name = norm + n;
    if (*name == 0 || !strcmp(name, "/")) { /* the listing itself */
      for (int i = 0; i < view_nlinks; i++) write_device(i);
      return 0;
    }
    name++;
    size_t len = strcspn(name, "/");
    for (int i = 0; i < view_nlinks; i++) {
      if (strlen(view_links[i].name) != len || strncmp(view_links[i].name, name, len) != 0) continue;
      write_device(i);
      /* a device's upper, lower and bridge links lead to their directories */
      for (int j = 0; j < view_nlinks; j++)
        if (view_links[j].index == view_links[i].master || view_links[j].master == view_links[i].index) write_device(j);
    }
    return 0;
  }
  for (size_t i = 0; i < sizeof PROC_FILES / sizeof *PROC_FILES; i++)
    if (!strcmp(norm + 10, PROC_FILES[i])) return write_proc_file(i);
  return 0;
}

/* <base>/<pid>, made on first use. Caller holds view_lock. */
static int scratch_locked(void) {
  if (view_pid != getpid()) { /* first use, or a forked child: its own view and monitor */
    view_pid = getpid();
    view_root[0] = view_dir[0] = 0;
    monitor_fd = -1; /* the parent's stays the parent's (closing ours would not affect it) */
    char base[PATH_MAX - 32];
    int r = make_base(base, sizeof base);
    if (r < 0) return r;
    snprintf(view_dir, sizeof view_dir, "%s/%d", base, (int)view_pid);
    rm_tree(view_dir); /* left by the program this one exec'd from, or by a recycled pid */
    if (mkdir(view_dir, 0700) != 0) return -errno;
    static int registered;
    if (!registered++) atexit(remove_own_view);
  }
  return 0;
}

int view_scratch_dir(char *out, size_t size) {
  pthread_mutex_lock(&view_lock);
  int r = scratch_locked();
  if (r == 0) snprintf(out, size, "%s", view_dir);
  pthread_mutex_unlock(&view_lock);
  return r;
}

/* The current tree, made or renewed as needed; 0 or -errno. Caller holds view_lock. */
static int current_view(void) {
  int r = scratch_locked();
  if (r < 0) return r;
  if (view_netns != netns_generation()) { /* another namespace: its own tree and monitor */
    view_netns = netns_generation();
    if (monitor_fd >= 0) close(monitor_fd);
    monitor_fd = -1;
    view_root[0] = 0;
  }
  if (view_root[0] && !model_changed()) return 0;
  if (monitor_fd < 0) monitor_fd = open_monitor();
  char root[PATH_MAX];
  snprintf(root, sizeof root, "%s/%u", view_dir, ++view_gen);
  r = build_view(root);
  if (r < 0) {
    rm_tree(root);
    return r;
  }
  /* Open files of the old tree keep working; new lookups go to the new one. */
  if (view_root[0]) rm_tree(view_root);
  memcpy(view_root, root, sizeof root);
  return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Redirection                                                                                */

enum { PASS, VIEW, FAIL };

/*
 * Where a path call should go: PASS (path itself), VIEW (*out = the path in the view) or FAIL
 * (errno set; refused writes say why). `write` says the call may change the file.
 */
static int route(const char *path, int write, char *out, size_t size, const char *call) {
  char norm[PATH_MAX];
  if (!path || path[0] != '/' || !normalize(path, norm, sizeof norm)) return PASS;
  int ns = netns_route(norm, out, size);
  if (ns != 0) return ns > 0 ? VIEW : FAIL;
  if (write && host_setting(norm) && !host_passthrough()) {
    char what[PATH_MAX + 32];
    snprintf(what, sizeof what, "%s(%s) for writing", call, norm);
    refuse(what, "it would change a network setting of the host");
    return FAIL;
  }
  if (!in_view(norm)) return PASS;
  if (write) {
    char what[PATH_MAX + 32];
    snprintf(what, sizeof what, "%s(%s) for writing", call, norm);
    refuse(what, "the daemon's interfaces are changed through netlink (ip link set) or the SIOCSIF* ioctls, not through these files");
    return FAIL;
  }
  ensure_init();
  pthread_mutex_lock(&view_lock);
  int r = current_view();
  if (r == 0) r = write_for(norm);
  if (r == 0) snprintf(out, size, "%s%s", view_root, norm);
  pthread_mutex_unlock(&view_lock);
  if (r < 0) {
    errno = -r;
    return FAIL;
  }
  debugf("%s(%s) -> %s", call, path, out);
  return VIEW;
}

/* The view's path back as the path it stands for (for realpath and getcwd). */
static void unroute(char *p) {
  size_t n = strlen(view_dir);
  if (!view_dir[0] || strncmp(p, view_dir, n) != 0 || p[n] != '/') return;
  char *rest = strchr(p + n + 1, '/');
  if (!rest) return;
  memmove(p, rest, strlen(rest) + 1);
}

/* A file of the tree Linux refuses to read (mode 000 here): EINVAL, as sysfs answers. */
static int unreadable(const char *viewpath) {
  struct stat st;
  return resolve_stat()(viewpath, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0;
}

#define WRITES(flags) (((flags) & O_ACCMODE) != O_RDONLY || ((flags) & (O_CREAT | O_TRUNC)))

#define ROUTE_OR(path, write, call, failret)                                        \
  char routed_[PATH_MAX];                                                           \
  int how_ = route(path, write, routed_, sizeof routed_, call);                     \
  if (how_ == FAIL) return failret;                                                 \
  const char *use_ = how_ == VIEW ? routed_ : path;

static int open_common(int dirfd, const char *path, int flags, mode_t mode, const char *call) {
  int nsfd;
  if (netns_open(path, flags, &nsfd)) return nsfd;
  ROUTE_OR(path, WRITES(flags), call, -1)
  if (how_ == VIEW && !(flags & O_DIRECTORY) && unreadable(use_)) {
    errno = EINVAL;
    return -1;
  }
  return dirfd == AT_FDCWD ? resolve_open()(use_, flags, mode) : resolve_openat()(dirfd, use_, flags, mode);
}

static mode_t mode_arg(int flags, va_list ap) { return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0; }

EXPORT int open(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_common(AT_FDCWD, path, flags, mode, "open");
}
EXPORT int open64(const char *path, int flags, ...) __attribute__((alias("open")));
EXPORT int __open_2(const char *path, int flags) { return open_common(AT_FDCWD, path, flags, 0, "open"); }
EXPORT int __open64_2(const char *path, int flags) __attribute__((alias("__open_2")));

EXPORT int openat(int dirfd, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_common(dirfd, path, flags, mode, "openat");
}
EXPORT int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));
EXPORT int __openat_2(int dirfd, const char *path, int flags) { return open_common(dirfd, path, flags, 0, "openat"); }
EXPORT int __openat64_2(int dirfd, const char *path, int flags) __attribute__((alias("__openat_2")));

static FILE *fopen_common(FILE *(*next)(const char *, const char *), const char *path, const char *mode) {
  ROUTE_OR(path, mode && strpbrk(mode, "wa+") != NULL, "fopen", NULL)
  if (how_ == VIEW && unreadable(use_)) {
    errno = EINVAL;
    return NULL;
  }
  return next(use_, mode);
}
EXPORT FILE *fopen(const char *path, const char *mode) { return fopen_common(resolve_fopen(), path, mode); }
EXPORT FILE *fopen64(const char *path, const char *mode) { return fopen_common(resolve_fopen64(), path, mode); }

EXPORT DIR *opendir(const char *path) {
  ROUTE_OR(path, 0, "opendir", NULL)
  return resolve_opendir()(use_);
}

EXPORT int scandir(const char *path, struct dirent ***list, int (*filter)(const struct dirent *), int (*cmp)(const struct dirent **, const struct dirent **)) {
  ROUTE_OR(path, 0, "scandir", -1)
  return resolve_scandir()(use_, list, filter, cmp);
}
/* The *64 names: the same layouts on 64-bit Linux. */
EXPORT int scandir64(const char *path, struct dirent64 ***list, int (*filter)(const struct dirent64 *), int (*cmp)(const struct dirent64 **, const struct dirent64 **)) {
  return scandir(path, (struct dirent ***)list, (int (*)(const struct dirent *))filter, (int (*)(const struct dirent **, const struct dirent **))cmp);
}

EXPORT int stat(const char *path, struct stat *st) {
  ROUTE_OR(path, 0, "stat", -1)
  return resolve_stat()(use_, st);
}
EXPORT int stat64(const char *path, struct stat64 *st) { return stat(path, (struct stat *)st); }
EXPORT int lstat(const char *path, struct stat *st) {
  ROUTE_OR(path, 0, "lstat", -1)
  return resolve_lstat()(use_, st);
}
EXPORT int lstat64(const char *path, struct stat64 *st) { return lstat(path, (struct stat *)st); }
EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags) {
  ROUTE_OR(path, 0, "fstatat", -1)
  return resolve_fstatat()(dirfd, use_, st, flags);
}
EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags) { return fstatat(dirfd, path, (struct stat *)st, flags); }
/* Programs built against glibc < 2.33 call these. */
EXPORT int __xstat(int ver, const char *path, struct stat *st) {
  ROUTE_OR(path, 0, "stat", -1)
  return resolve___xstat()(ver, use_, st);
}
EXPORT int __xstat64(int ver, const char *path, struct stat *st) __attribute__((alias("__xstat")));
EXPORT int __lxstat(int ver, const char *path, struct stat *st) {
  ROUTE_OR(path, 0, "lstat", -1)
  return resolve___lxstat()(ver, use_, st);
}
EXPORT int __lxstat64(int ver, const char *path, struct stat *st) __attribute__((alias("__lxstat")));
EXPORT int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags) {
  ROUTE_OR(path, 0, "fstatat", -1)
  return resolve___fxstatat()(ver, dirfd, use_, st, flags);
}
EXPORT int __fxstatat64(int ver, int dirfd, const char *path, struct stat *st, int flags) __attribute__((alias("__fxstatat")));
EXPORT int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *st) {
  ROUTE_OR(path, 0, "statx", -1)
  return resolve_statx()(dirfd, use_, flags, mask, st);
}

EXPORT int access(const char *path, int mode) {
  ROUTE_OR(path, (mode & W_OK) != 0, "access", -1)
  return resolve_access()(use_, mode);
}
EXPORT int faccessat(int dirfd, const char *path, int mode, int flags) {
  ROUTE_OR(path, (mode & W_OK) != 0, "faccessat", -1)
  return resolve_faccessat()(dirfd, use_, mode, flags);
}

EXPORT ssize_t readlink(const char *path, char *buf, size_t size) {
  ROUTE_OR(path, 0, "readlink", -1)
  return resolve_readlink()(use_, buf, size);
}
EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size) {
  ROUTE_OR(path, 0, "readlinkat", -1)
  return resolve_readlinkat()(dirfd, use_, buf, size);
}

/* ls -l asks for ACLs and security labels. */
EXPORT ssize_t getxattr(const char *path, const char *name, void *value, size_t size) {
  ROUTE_OR(path, 0, "getxattr", -1)
  return resolve_getxattr()(use_, name, value, size);
}
EXPORT ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size) {
  ROUTE_OR(path, 0, "lgetxattr", -1)
  return resolve_lgetxattr()(use_, name, value, size);
}
EXPORT ssize_t listxattr(const char *path, char *list, size_t size) {
  ROUTE_OR(path, 0, "listxattr", -1)
  return resolve_listxattr()(use_, list, size);
}
EXPORT ssize_t llistxattr(const char *path, char *list, size_t size) {
  ROUTE_OR(path, 0, "llistxattr", -1)
  return resolve_llistxattr()(use_, list, size);
}

EXPORT int chdir(const char *path) {
  ROUTE_OR(path, 0, "chdir", -1)
  return resolve_chdir()(use_);
}

EXPORT char *realpath(const char *path, char *resolved) {
  ROUTE_OR(path, 0, "realpath", NULL)
  char *r = resolve_realpath()(use_, resolved);
  if (r && how_ == VIEW) unroute(r);
  return r;
}
EXPORT char *canonicalize_file_name(const char *path) { return realpath(path, NULL); }

/* glibc's glob() reads directories with internal calls: give it ours. */
static void *glob_opendir(const char *path) { return opendir(path); }
static struct dirent *glob_readdir(void *d) { return readdir(d); }
static void glob_closedir(void *d) { closedir(d); }

EXPORT int glob(const char *pattern, int flags, int (*errfunc)(const char *, int), glob_t *g) {
  if (!pattern || (flags & GLOB_ALTDIRFUNC) || (strncmp(pattern, "/sys/", 5) != 0 && strncmp(pattern, "/proc/", 6) != 0))
    return resolve_glob()(pattern, flags, errfunc, g);
  g->gl_opendir = glob_opendir;
  g->gl_readdir = glob_readdir;
  g->gl_closedir = glob_closedir;
  g->gl_stat = stat;
  g->gl_lstat = lstat;
  return resolve_glob()(pattern, flags | GLOB_ALTDIRFUNC, errfunc, g);
}
EXPORT int glob64(const char *pattern, int flags, int (*errfunc)(const char *, int), glob64_t *g) { return glob(pattern, flags, errfunc, (glob_t *)g); }
