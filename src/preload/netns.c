/*
 * Network namespaces, served by the daemon instead of the host: what iproute2 does for
 * `ip netns add/del/list/exec`, `ip -n NAME`, `ip link set X netns NAME|PID` and a veth peer
 * created in another namespace, carried out with the in-band namespace calls of
 * protocol/TRANSPORT.md (5 SETNS .. 10 GETNS) instead of mounts and setns on the host.
 *
 *   - A namespace file descriptor is a memfd named "rtnld-netns:NAME" ("" is the initial
 *     namespace): opening /run/netns/NAME (or /var/run/netns/NAME) gives one for a namespace the
 *     daemon has, opening /proc/self/ns/net one for this process's namespace, /proc/PID/ns/net one
 *     for PID's (its RTNL_NETNS, or the initial one). The name travels with the fd itself, so
 *     dup, close, fork and exec need no bookkeeping (readlink of /proc/self/fd/N tells it).
 *   - setns() on such an fd makes NAME this process's namespace: netlink sockets and private
 *     connections opened from then on send SETNS NAME first (sockets already open stay where they
 *     are, as in Linux), and RTNL_NETNS=NAME in the environment carries it into exec'd programs.
 *   - `ip netns add` creates the file with O_CREAT|O_EXCL, calls unshare(CLONE_NEWNET) and
 *     bind-mounts /proc/self/ns/net onto the file: the unshare leaves this process in a new
 *     namespace without a name (netlink sockets are refused until it has one), and the bind mount
 *     names it, as NETNS_ADD NAME. `ip netns del` unmounts (a no-op here) and unlinks: NETNS_DEL.
 *   - readdir and stat of /run/netns list the daemon's namespaces (an empty file per name in a
 *     directory of the process's own, kept in step with NETNS_LIST on every look).
 *   - The mount-namespace steps of `ip netns exec` and `ip -n` (unshare(CLONE_NEWNS), "/" made a
 *     slave, /sys unmounted and sysfs mounted again) succeed without being made: the process keeps
 *     the host's mount namespace, so from then on (RTNL_NETNS_MOUNTS=private, inherited) any other
 *     mount or umount is refused rather than let reach the host's mounts.
 *   - IFLA_NET_NS_FD and NETNSA_FD in messages a program sends name the fd's namespace to the
 *     daemon with NETNS_FD just before the message; IFLA_NET_NS_PID and NETNSA_PID of a process
 *     whose environment says its namespace (RTNL_NETNS, or none: the initial one) become an fd
 *     for it; other pids go as they are (the daemon knows those that announced themselves with
 *     SETPID, which a socket in a namespace does, and pid 1, in the initial namespace).
 * What cannot be emulated is refused as before (host-guard.c's EPERM + one line): setns() into a
 * namespace of the host, clone(CLONE_NEWNET), bind-mounting another process's namespace under a
 * name (`ip netns attach`).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preload.h"

#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE 0xb703 /* _IO(0xb7, 0x3), linux/nsfs.h */
#endif
#ifndef NETNSA_PID
#define NETNSA_NSID 1
#define NETNSA_PID 2
#define NETNSA_FD 3
#endif

#define FD_PREFIX "rtnld-netns:"
#define LINK_PREFIX "/memfd:" FD_PREFIX
/* RTNL_NETNS while the process is in a namespace unshare() made and nothing named yet ('/' is
 * never part of a namespace name: iproute2 refuses it). */
#define UNNAMED "/unnamed"
#define NETNS_WHY "it would enter or create a network namespace of the host; the daemon's namespaces are reached through /run/netns/NAME"

NEXT(int, setns, (int, int))
NEXT(int, unshare, (int))
NEXT(int, mount, (const char *, const char *, const char *, unsigned long, const void *))
NEXT(int, umount, (const char *))
NEXT(int, umount2, (const char *, int))
NEXT(int, mkdir, (const char *, mode_t))
NEXT(int, unlink, (const char *))
NEXT(int, unlinkat, (int, const char *, int))
NEXT(ssize_t, readlink, (const char *, char *, size_t))
NEXT(int, open, (const char *, int, ...))

/* ------------------------------------------------------------------------------------------ */
/* This process's namespace                                                                   */

static pthread_mutex_t ns_lock = PTHREAD_MUTEX_INITIALIZER;
static int ns_loaded;
static char ns_current[NETNS_NAME_MAX]; /* "" = initial, UNNAMED = made by unshare() */
static unsigned ns_gen;
static char ns_pending[NETNS_NAME_MAX]; /* created by open(O_CREAT), not yet named by mount */

static void ns_atfork_child(void) { pthread_mutex_init(&ns_lock, NULL); }
__attribute__((constructor)) static void netns_init(void) { pthread_atfork(NULL, NULL, ns_atfork_child); }

/* Caller holds ns_lock. */
static void load_locked(void) {
  if (ns_loaded) return;
  ns_loaded = 1;
  const char *e = getenv("RTNL_NETNS");
  snprintf(ns_current, sizeof ns_current, "%s", e ? e : "");
}

static void current(char *out) {
  pthread_mutex_lock(&ns_lock);
  load_locked();
  memcpy(out, ns_current, sizeof ns_current);
  pthread_mutex_unlock(&ns_lock);
}

static void set_current(const char *name) {
  pthread_mutex_lock(&ns_lock);
  load_locked();
  snprintf(ns_current, sizeof ns_current, "%s", name);
  ns_gen++;
  if (*name) setenv("RTNL_NETNS", name, 1);
  else unsetenv("RTNL_NETNS");
  pthread_mutex_unlock(&ns_lock);
  debugf("network namespace now \"%s\"", name);
}

unsigned netns_generation(void) {
  pthread_mutex_lock(&ns_lock);
  unsigned g = ns_gen;
  pthread_mutex_unlock(&ns_lock);
  return g;
}

static int private_mounts(void) {
  const char *v = getenv("RTNL_NETNS_MOUNTS");
  return v && strcmp(v, "private") == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Namespace calls to the daemon                                                              */

/* One call on a connection: 0 or -errno; *answer gets the type-15 answer if there is one. */
static int call_on(int fd, uint32_t call, uint32_t value, const char *name, struct nlbuf *answer) {
  if (call <= CALL_NETNS_DEL && !name) name = ""; /* calls 5-8 carry a name */
  unsigned char req[SOCKET_CALL_MAX];
  size_t len = socket_call_msg(req, call, 0, value, name, next_seq());
  struct nlbuf out = {0};
  int r = priv_request(fd, req, len, &out);
  if (answer) *answer = out;
  else free(out.data);
  return r;
}

/* The same on a connection of its own (the calls that concern no one connection). */
static int control_call(uint32_t call, const char *name, struct nlbuf *answer) {
  int fd = open_control("network namespaces");
  if (fd < 0) return fd;
  int r = call_on(fd, call, 0, name, answer);
  close(fd);
  if (r == -EINVAL && (call == CALL_NETNS_LIST || call == CALL_NETNS_ADD))
    complain("the rtnld daemon does not serve network namespaces (in-band call %u refused)", call);
  return r;
}

/* The daemon's namespaces, NUL-separated in *names (free it); count or -errno. */
static int list_names(char **names, size_t *size) {
  struct nlbuf a = {0};
  int r = control_call(CALL_NETNS_LIST, NULL, &a);
  *names = NULL;
  *size = 0;
  if (r < 0) {
    free(a.data);
    return r;
  }
  int count = 0;
  if (a.len >= 28 && rd16(a.data + 4) == SOCKET_CALL) {
    uint32_t len = rd32(a.data);
    count = (int)rd32(a.data + 20);
    if (len > a.len) len = (uint32_t)a.len;
    *size = len > 28 ? len - 28 : 0;
    *names = malloc(*size + 1);
    if (!*names) count = -ENOMEM;
    else {
      memcpy(*names, a.data + 28, *size);
      (*names)[*size] = 0;
    }
  }
  free(a.data);
  return count;
}

#define FOR_EACH_NAME(names, size, n) \
  for (const char *n = (names); n && n < (names) + (size); n += strlen(n) + 1) if (*n)

/* 1 if the daemon has the namespace, 0 if not, or -errno. */
static int exists(const char *name) {
  char *names;
  size_t size;
  int r = list_names(&names, &size);
  if (r < 0) return r;
  int found = 0;
  FOR_EACH_NAME(names, size, n) if (strcmp(n, name) == 0) found = 1;
  free(names);
  return found;
}

int netns_join(int fd, int announce) {
  char name[NETNS_NAME_MAX];
  current(name);
  if (!*name) return 0;
  if (strcmp(name, UNNAMED) == 0) {
    refuse("socket(AF_NETLINK, NETLINK_ROUTE)", "this process is in a network namespace made by unshare(CLONE_NEWNET) that has no name in the daemon yet (ip netns add names one by bind-mounting it under /run/netns)");
    return -EPERM;
  }
  /* So that IFLA_NET_NS_PID naming this process means NAME for the daemon, too (a daemon
   * without SETPID refuses it: nothing is lost). */
  if (announce) call_on(fd, CALL_SETPID, (uint32_t)getpid(), NULL, NULL);
  int r = call_on(fd, CALL_SETNS, 0, name, NULL);
  if (r < 0) complain("cannot enter network namespace \"%s\" of the daemon: %s", name, strerror(-r));
  return r;
}

/* ------------------------------------------------------------------------------------------ */
/* Namespace file descriptors                                                                 */

static int ns_fd(const char *name, int cloexec) {
  char label[NETNS_NAME_MAX + sizeof FD_PREFIX];
  snprintf(label, sizeof label, FD_PREFIX "%s", name);
  int fd = memfd_create(label, cloexec ? MFD_CLOEXEC : 0);
  return fd < 0 ? -errno : fd;
}

/* The namespace an fd of ours stands for: 0 and its name, or -1 for any other fd. */
static int fd_name(int fd, char *name) {
  char path[64], target[NETNS_NAME_MAX + 64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t n = resolve_readlink()(path, target, sizeof target - 1);
  if (n < 0) return -1;
  target[n] = 0;
  static const char deleted[] = " (deleted)";
  size_t plen = strlen(LINK_PREFIX), dlen = strlen(deleted);
  if ((size_t)n < plen + dlen || strncmp(target, LINK_PREFIX, plen) != 0 || strcmp(target + n - dlen, deleted) != 0) return -1;
  size_t len = (size_t)n - plen - dlen;
  memcpy(name, target + plen, len);
  name[len] = 0;
  return 0;
}

/* PID's namespace: 1 and its RTNL_NETNS (the initial namespace without one); 0 and the initial
 * namespace when its environment cannot be read (the daemon may know the pid: SETPID); -1 when
 * there is no such process. */
static int pid_name(long pid, char *name) {
  name[0] = 0;
  if (pid == getpid()) {
    current(name);
    return 1;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/environ", pid);
  int fd = resolve_open()(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT || errno == ESRCH ? -1 : 0;
  char buf[65536];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0) return 0;
  buf[n] = 0;
  for (char *v = buf; v < buf + n; v += strlen(v) + 1)
    if (strncmp(v, "RTNL_NETNS=", 11) == 0) snprintf(name, NETNS_NAME_MAX, "%s", v + 11);
  return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Paths                                                                                      */

/* NAME of /run/netns/NAME or /var/run/netns/NAME (""for the directory), or NULL. */
static const char *netns_path(const char *path) {
  static const char *const dirs[] = {"/run/netns", "/var/run/netns"};
  if (!path) return NULL;
  while (path[0] == '/' && path[1] == '/') path++;
  for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
    size_t n = strlen(dirs[i]);
    if (strncmp(path, dirs[i], n) != 0) continue;
    const char *rest = path + n;
    while (*rest == '/') rest++;
    if (rest != path + n || !*rest) return strchr(rest, '/') ? NULL : rest;
  }
  return NULL;
}

/* The pid of /proc/self/ns/net, /proc/thread-self/ns/net or /proc/PID/ns/net, else 0. */
static long ns_file_pid(const char *path) {
  if (!path || strncmp(path, "/proc/", 6) != 0) return 0;
  const char *p = path + 6, *slash = strchr(p, '/');
  if (!slash || strcmp(slash, "/ns/net") != 0) return 0;
  if (!strncmp(p, "self/", 5) || !strncmp(p, "thread-self/", 12)) return getpid();
  char *end;
  long pid = strtol(p, &end, 10);
  return end == slash && pid > 0 ? pid : 0;
}

int netns_open(const char *path, int flags, int *result) {
  const char *name = netns_path(path);
  long pid = name ? 0 : ns_file_pid(path);
  if ((!name || !*name) && !pid) return 0;
  if (host_passthrough()) return 0;
  char ns[NETNS_NAME_MAX];
  int r;
  if (pid) {
    r = pid_name(pid, ns) < 0 ? -ENOENT : 0;  /* unreadable: not under the adaptor, the initial one */
  } else if (strlen(name) >= NETNS_NAME_MAX) {
    r = -ENAMETOOLONG;
  } else {
    snprintf(ns, sizeof ns, "%s", name);
    r = exists(ns);
    if (r == 1 && (flags & O_CREAT) && (flags & O_EXCL)) r = -EEXIST;
    else if (r == 0 && !(flags & O_CREAT)) r = -ENOENT;
    else if (r == 0) { /* ip netns add: named by the bind mount that follows */
      pthread_mutex_lock(&ns_lock);
      snprintf(ns_pending, sizeof ns_pending, "%s", ns);
      pthread_mutex_unlock(&ns_lock);
    }
  }
  if (r >= 0) r = ns_fd(ns, flags & O_CLOEXEC);
  debugf("open(%s) = %d (network namespace \"%s\")", path, r, r >= 0 ? ns : "");
  if (r < 0) {
    errno = -r;
    r = -1;
  }
  *result = r;
  return 1;
}

/* The directory standing for /run/netns: an empty file per namespace of the daemon. */
static int sync_listing(char *dir, size_t size) {
  int r = view_scratch_dir(dir, size);
  if (r < 0) return r;
  strncat(dir, "/netns", size - strlen(dir) - 1);
  resolve_mkdir()(dir, 0755);
  char *names;
  size_t nsize;
  if ((r = list_names(&names, &nsize)) < 0) return r;
  char path[PATH_MAX + NETNS_NAME_MAX];
  FOR_EACH_NAME(names, nsize, n) {
    snprintf(path, sizeof path, "%s/%s", dir, n);
    int fd = resolve_open()(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
    if (fd >= 0) close(fd);
  }
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))) continue;
    int keep = 0;
    FOR_EACH_NAME(names, nsize, n) if (strcmp(n, e->d_name) == 0) keep = 1;
    if (!keep) {
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      resolve_unlink()(path);
    }
  }
  if (d) closedir(d);
  free(names);
  return 0;
}

int netns_route(const char *path, char *out, size_t size) {
  const char *name = netns_path(path);
  if (!name || host_passthrough()) return 0;
  char dir[PATH_MAX];
  int r = sync_listing(dir, sizeof dir);
  if (r < 0) {
    errno = -r;
    return -1;
  }
  snprintf(out, size, "%s%s%s", dir, *name ? "/" : "", name);
  return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* The calls iproute2 makes                                                                   */

EXPORT int setns(int fd, int nstype) {
  ensure_init();
  char name[NETNS_NAME_MAX];
  if (!host_passthrough() && fd_name(fd, name) == 0) {
    if (nstype && nstype != CLONE_NEWNET) {
      errno = EINVAL;
      return -1;
    }
    set_current(name);
    return 0;
  }
  if (!host_passthrough()) {
    int type = nstype ? nstype : ioctl(fd, NS_GET_NSTYPE); /* 0: whatever fd is */
    if (type > 0 && (type & CLONE_NEWNET)) return refuse("setns(CLONE_NEWNET)", NETNS_WHY);
  }
  return resolve_setns()(fd, nstype);
}

EXPORT int unshare(int flags) {
  ensure_init();
  if (host_passthrough() || !(flags & (CLONE_NEWNET | CLONE_NEWNS))) return resolve_unshare()(flags);
  int rest = flags & ~(CLONE_NEWNET | CLONE_NEWNS);
  if (rest && resolve_unshare()(rest) != 0) return -1;
  if (flags & CLONE_NEWNET) set_current(UNNAMED);
  if (flags & CLONE_NEWNS) setenv("RTNL_NETNS_MOUNTS", "private", 1);
  return 0;
}

/* The mounts that ip netns exec makes after its (pretended) unshare(CLONE_NEWNS). */
static int pretended_mount(const char *source, const char *target, const char *fstype, unsigned long flags) {
  if (!target) return 0;
  if ((!source || !*source) && strcmp(target, "/") == 0 && (flags & (MS_SLAVE | MS_PRIVATE | MS_SHARED))) return 1;
  return strcmp(target, "/sys") == 0 && fstype && strcmp(fstype, "sysfs") == 0;
}

static int refuse_mount(const char *call, const char *target) {
  char what[PATH_MAX + 32];
  snprintf(what, sizeof what, "%s(%s)", call, target ? target : "");
  return refuse(what, "this process shares the host's mounts (its unshare(CLONE_NEWNS) was pretended for ip netns exec), so a mount would change the host");
}

/* mount(/proc/self/ns/net, /run/netns/NAME, MS_BIND) after unshare(CLONE_NEWNET): NETNS_ADD. */
static int name_namespace(const char *source, const char *name) {
  char cur[NETNS_NAME_MAX];
  current(cur);
  if (ns_file_pid(source) != getpid() || strcmp(cur, UNNAMED) != 0) {
    char what[PATH_MAX + 32];
    snprintf(what, sizeof what, "mount(%s, /run/netns/%s)", source ? source : "", name);
    return refuse(what, "only a namespace just made by unshare(CLONE_NEWNET) can be given a name (ip netns add); the daemon has no other process's namespace to attach");
  }
  int r = control_call(CALL_NETNS_ADD, name, NULL);
  pthread_mutex_lock(&ns_lock);
  ns_pending[0] = 0;
  pthread_mutex_unlock(&ns_lock);
  debugf("NETNS_ADD %s = %d", name, r);
  if (r < 0) {
    errno = -r;
    return -1;
  }
  set_current(name);
  return 0;
}

EXPORT int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data) {
  ensure_init();
  if (host_passthrough()) return resolve_mount()(source, target, fstype, flags, data);
  const char *name = netns_path(target);
  if (name && *name && (flags & MS_BIND)) return name_namespace(source, name);
  if (name && !*name) return 0; /* making /run/netns a shared mount point: nothing to do */
  if (name || ns_file_pid(source)) return refuse_mount("mount", target);
  if (private_mounts()) return pretended_mount(source, target, fstype, flags) ? 0 : refuse_mount("mount", target);
  return resolve_mount()(source, target, fstype, flags, data);
}

/* umount under /run/netns is a no-op (unlink deletes); /sys after ip netns exec's unshare too. */
static int netns_umount(const char *target, int flags, int two) {
  ensure_init();
  if (host_passthrough()) return two ? resolve_umount2()(target, flags) : resolve_umount()(target);
  const char *name = netns_path(target);
  if (name) {
    int r = *name ? exists(name) : 1;
    if (r < 0 || r == 0) errno = r < 0 ? -r : EINVAL;
    return r == 1 ? 0 : -1;
  }
  if (private_mounts()) return target && strcmp(target, "/sys") == 0 ? 0 : refuse_mount("umount", target);
  return two ? resolve_umount2()(target, flags) : resolve_umount()(target);
}

EXPORT int umount(const char *target) { return netns_umount(target, 0, 0); }
EXPORT int umount2(const char *target, int flags) { return netns_umount(target, flags, 1); }

/* mkdir /run/netns: it is there (it stands for the daemon's namespaces). */
EXPORT int mkdir(const char *path, mode_t mode) {
  const char *name = netns_path(path);
  if (!name || host_passthrough()) return resolve_mkdir()(path, mode);
  errno = *name ? EPERM : EEXIST;
  return -1;
}

/* unlink /run/netns/NAME: NETNS_DEL, unless NAME was only being created (a failed add). */
static int netns_unlink(const char *name) {
  pthread_mutex_lock(&ns_lock);
  int pending = strcmp(ns_pending, name) == 0;
  if (pending) ns_pending[0] = 0;
  pthread_mutex_unlock(&ns_lock);
  if (pending) return 0;
  int r = control_call(CALL_NETNS_DEL, name, NULL);
  debugf("NETNS_DEL %s = %d", name, r);
  if (r < 0) {
    errno = -r;
    return -1;
  }
  return 0;
}

EXPORT int unlink(const char *path) {
  const char *name = netns_path(path);
  if (!name || !*name || host_passthrough()) return resolve_unlink()(path);
  return netns_unlink(name);
}

EXPORT int unlinkat(int dirfd, const char *path, int flags) {
  const char *name = netns_path(path);
  if (!name || !*name || host_passthrough() || (flags & AT_REMOVEDIR)) return resolve_unlinkat()(dirfd, path, flags);
  return netns_unlink(name);
}

/* ------------------------------------------------------------------------------------------ */
/* Namespace references in outgoing messages                                                  */

struct refs {
  int (*name_fd)(void *ctx, int fd, const char *name);
  void *ctx;
  int *made; /* fds opened for pids, closed by the caller */
  int nmade, err;
};

/* One attribute holding a pid (rewritten as holding an fd) or an fd. */
static void reference(struct refs *rf, unsigned char *attr, uint16_t fd_type, int is_pid) {
  char name[NETNS_NAME_MAX];
  int fd = (int)rd32(attr + 4);
  if (is_pid) {
    /* a process whose namespace the daemon knows better (SETPID) or that does not exist: as sent */
    if (pid_name(fd, name) < 1 || rf->nmade >= 4) return;
    if ((fd = ns_fd(name, 1)) < 0) return;
    rf->made[rf->nmade++] = fd;
    memcpy(attr + 2, &fd_type, 2);
    wr32(attr + 4, (uint32_t)fd);
  } else if (fd_name(fd, name) < 0) {
    return; /* not a namespace of ours: the daemon answers for it */
  }
  if (!rf->err) rf->err = rf->name_fd(rf->ctx, fd, name);
}

/* The attributes in [p, end), and for a link, the veth peer's (IFLA_LINKINFO/INFO_DATA/PEER). */
static void walk(struct refs *rf, unsigned char *p, unsigned char *end, int link) {
  uint16_t pid_type = link ? IFLA_NET_NS_PID : NETNSA_PID, fd_type = link ? IFLA_NET_NS_FD : NETNSA_FD;
  while (p + 4 <= end) {
    uint16_t len = rd16(p), type = rd16(p + 2) & NLA_TYPE_MASK;
    if (len < 4 || p + len > end) return;
    if (len == 8 && (type == pid_type || type == fd_type)) reference(rf, p, fd_type, type == pid_type);
    if (link && type == IFLA_LINKINFO) {
      uint16_t dlen, plen;
      unsigned char *data = (unsigned char *)find_attr(p + 4, p + len, IFLA_INFO_DATA, &dlen);
      unsigned char *peer = data ? (unsigned char *)find_attr(data, data + dlen, VETH_INFO_PEER, &plen) : NULL;
      if (peer && plen >= sizeof(struct ifinfomsg)) walk(rf, peer + sizeof(struct ifinfomsg), peer + plen, 1);
    }
    p += nl_align(len);
  }
}

int netns_send_refs(unsigned char *buf, size_t len, int (*name_fd)(void *, int, const char *), void *ctx, int made[4], int *nmade) {
  struct refs rf = {.name_fd = name_fd, .ctx = ctx, .made = made};
  if (host_passthrough()) return 0;
  for (size_t off = 0; off + NLMSG_HDRLEN <= len;) {
    uint32_t mlen = rd32(buf + off);
    if (mlen < NLMSG_HDRLEN || mlen > len - off) break;
    uint16_t type = rd16(buf + off + 4);
    unsigned char *body = buf + off + NLMSG_HDRLEN, *end = buf + off + mlen;
    int link = type >= RTM_NEWLINK && type <= RTM_SETLINK;
    size_t hdr = link ? sizeof(struct ifinfomsg) : NLMSG_ALIGN(sizeof(struct rtgenmsg));
    if ((link || (type >= RTM_NEWNSID && type <= RTM_GETNSID)) && body + hdr <= end) walk(&rf, body + hdr, end, link);
    off += nl_align(mlen);
  }
  *nmade = rf.nmade;
  return rf.err;
}
