/*
 * What the parts of the LD_PRELOAD adaptor share (internal to librtnld-preload.so; nothing here
 * is exported). rtnld-preload.c: NETLINK_ROUTE sockets and glibc's interface enumeration over
 * private connections to the daemon; host-guard.c: calls that would act on the host, refused;
 * ifioctl.c: the SIOC* interface ioctls; netview.c: /proc/net and /sys/class/net;
 * scope-names.c: IPv6 scope names in getnameinfo/getaddrinfo.
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

/* Private connections to the daemon (close them with close()). */
int open_private(const char *what);

struct nlbuf {
  unsigned char *data;
  size_t len, cap;
};
int nlbuf_add(struct nlbuf *b, const void *p, size_t n);
/* Sends one request (its seq set by the caller, see next_seq) and collects the replies up to
 * NLMSG_DONE or NLMSG_ERROR: 0 (an ack or a complete dump), or the daemon's -errno. */
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

/* host-guard.c: whether the program asked for host pass-through (RTNL_PRELOAD_PASSTHROUGH), and
 * the refusal: EPERM, with one line naming the call and why. */
int host_passthrough(void);
int refuse(const char *call, const char *why);
/* Refuses (and says so) a netlink family that configures the host kernel; 0 for others. */
int refused_netlink_family(int protocol);
int is_tun_device(int fd);

#endif
