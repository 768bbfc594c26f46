/*
 * What the parts of the LD_PRELOAD adaptor share (internal to librtnld-preload.so; nothing here
 * is exported). rtnld-preload.c: NETLINK_ROUTE sockets and glibc's interface enumeration over
 * private connections to the daemon; host-guard.c: calls that would act on the host, refused;
 * ifioctl.c: the SIOC* interface ioctls; netview.c: /proc/net and /sys/class/net;
 * scope-names.c: IPv6 scope names in getnameinfo/getaddrinfo; netns.c: network namespaces
 * (/run/netns, setns, unshare, the mounts of ip netns) served by the daemon.
 */
#ifndef RTNLD_PRELOAD_H
#define RTNLD_PRELOAD_H

#include <dlfcn.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

/* The next definition of a wrapped libc function, looked up once. */
#define NEXT(ret, name, params)                                              \
  static ret(*next_##name) params;                                           \
  static inline ret(*resolve_##name(void)) params {                          \
    if (!next_##name) *(void **)&next_##name = dlsym(RTLD_NEXT, #name);      \
    return next_##name;                                                      \
  }

void ensure_init(void);
/* One line "rtnld-preload: ..." on stderr (complain) or, with RTNL_PRELOAD_DEBUG, a trace line. */
void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debugf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline uint32_t rd32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline uint16_t rd16(const unsigned char *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}
static inline void wr32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static inline uint32_t nl_align(uint32_t n) { return (n + 3u) & ~3u; }

/* In-band socket calls (protocol/TRANSPORT.md): a type-15 message `call, name, value`, followed
 * for the namespace calls 5-8 by a NUL-terminated namespace name padded to 4. */
#define SOCKET_CALL 15
enum {
  CALL_SETSOCKOPT = 1, CALL_GETSOCKOPT, CALL_BIND, CALL_GETSOCKNAME,
  CALL_SETNS, CALL_NETNS_FD, CALL_NETNS_ADD, CALL_NETNS_DEL, CALL_NETNS_LIST, CALL_GETNS,
  CALL_SETPID, CALL_NSID_MARK,
};
/* A namespace name with its NUL (a memfd's name holds at most 249 bytes, see netns.c). */
#define NETNS_NAME_MAX 224
#define SOCKET_CALL_MAX (16 + 12 + NETNS_NAME_MAX)
/* Writes the call into buf (SOCKET_CALL_MAX bytes); returns its length. ns: the name of calls 5-8, else NULL. */
size_t socket_call_msg(unsigned char *buf, uint32_t call, uint32_t name, uint32_t value, const char *ns, uint32_t seq);

/* Private connections to the daemon (close them with close()), in this process's network
 * namespace; open_control's stays in the initial one (namespace management). */
int open_private(const char *what);
int open_control(const char *what);

struct nlbuf {
  unsigned char *data;
  size_t len, cap;
};
int nlbuf_add(struct nlbuf *b, const void *p, size_t n);
/* Sends one request (its seq set by the caller, see next_seq) and collects the replies up to
 * NLMSG_DONE or NLMSG_ERROR, or a type-15 answer (kept in out): 0 (an ack or a complete dump), or the daemon's -errno. */
int priv_request(int fd, const unsigned char *req, size_t reqlen, struct nlbuf *out);
int priv_dump(int fd, uint16_t type, uint8_t family, struct nlbuf *out);
uint32_t next_seq(void);

#define FOR_EACH_MSG(b, m) \
  for (unsigned char *m = (b)->data; m && m + NLMSG_HDRLEN <= (b)->data + (b)->len; m += nl_align(rd32(m)))

const unsigned char *find_attr(const unsigned char *p, const unsigned char *end, uint16_t type, uint16_t *len);

/* One link of a GETLINK dump, as the interface-view code needs it. */
struct linkinfo {
  int index;
  unsigned flags;
  unsigned short type;
  char name[IFNAMSIZ];
  char kind[16];
  char alias[64];
  unsigned char addr[32], brd[32];
  int addrlen, brdlen;
  unsigned mtu, txqlen, group, carrier_changes, promiscuity, allmulti;
  int master;   /* 0: none */
  int iflink;   /* IFLA_LINK, or the link's own index */
  int operstate;
  int carrier;
  int has_stats;
  struct rtnl_link_stats stats;
  struct rtnl_link_stats64 stats64;
};
int collect_links(int fd, struct linkinfo **out, int *count);
/* One link by name (when name is not NULL) or index: 0, or the daemon's -errno (-ENODEV). */
int fetch_link(int fd, const char *name, int index, struct linkinfo *out);
/* One GETLINK dump and, with addrs, one GETADDR dump (all families) over a fresh connection. */
int snapshot(const char *what, struct linkinfo **links, int *nlinks, struct nlbuf *addrs);

/* netns.c: this process's network namespace, entered on a new connection (0 or -errno; with
 * announce, the process id is told too, for IFLA_NET_NS_PID); a
 * counter that changes whenever the process changes namespace; open() of /run/netns/NAME and
 * /proc/.../ns/net (1 when handled, the fd or -1 in *result); path calls on /run/netns sent to
 * a directory listing the daemon's namespaces (1 and *out, 0: not such a path, -1 and errno);
 * and the namespace references of outgoing messages, each named by name_fd() before they are
 * sent (pid attributes rewritten to fds opened into made[], which the caller closes after). */
int netns_join(int fd, int announce);
unsigned netns_generation(void);
int netns_open(const char *path, int flags, int *result);
int netns_route(const char *path, char *out, size_t size);
int netns_send_refs(unsigned char *buf, size_t len, int (*name_fd)(void *ctx, int fd, const char *name), void *ctx, int made[4], int *nmade);

/* netview.c: a directory of this process's own for files standing in for the host's. */
int view_scratch_dir(char *out, size_t size);

/* host-guard.c: whether the program asked for host pass-through (RTNL_PRELOAD_PASSTHROUGH), and
 * the refusal: EPERM, with one line naming the call and why. */
int host_passthrough(void);
int refuse(const char *call, const char *why);
/* Refuses (and says so) a netlink family that configures the host kernel; 0 for others. */
int refused_netlink_family(int protocol);
int is_tun_device(int fd);

#endif
