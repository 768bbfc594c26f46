/*
 * The interface ioctls (SIOC*, linux/sockios.h) on any socket, answered by the daemon instead
 * of the host's kernel: the read-only ones from a GETLINK/GETADDR, the ones that change flags,
 * MTU, addresses, name or bridge ports carried out as the equivalent rtnetlink request, with
 * the semantics of the kernel's dev_ioctl(), devinet_ioctl() and addrconf_{add,del}_ifaddr().
 * Those with no rtnetlink equivalent (routes, ARP, multicast lists, hardware maps, vlan/bond
 * ioctls...) are refused (host-guard.c) rather than passed to the host; so is TUNSETIFF.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preload.h"

#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C
#endif

/* struct in6_ifreq (linux/ipv6.h), which AF_INET6 sockets take for SIOCSIFADDR/SIOCDIFADDR. */
struct in6_ifreq_compat {
  struct in6_addr addr;
  uint32_t prefixlen;
  int ifindex;
};

/* ------------------------------------------------------------------------------------------ */
/* Requests to the daemon                                                                     */

struct nlreq {
  unsigned char buf[512];
  size_t len;
};

static void req_start(struct nlreq *q, uint16_t type, uint16_t flags, const void *body, size_t blen) {
  memset(q->buf, 0, sizeof q->buf);
  q->len = NLMSG_HDRLEN + nl_align((uint32_t)blen);
  flags |= NLM_F_REQUEST | NLM_F_ACK;
  memcpy(q->buf + 4, &type, 2);
  memcpy(q->buf + 6, &flags, 2);
  wr32(q->buf + 8, next_seq());
  memcpy(q->buf + NLMSG_HDRLEN, body, blen);
}

static void req_attr(struct nlreq *q, uint16_t type, const void *data, size_t len) {
  uint16_t alen = (uint16_t)(4 + len);
  if (q->len + nl_align(alen) > sizeof q->buf) return; /* cannot happen: requests here are small */
  memcpy(q->buf + q->len, &alen, 2);
  memcpy(q->buf + q->len + 2, &type, 2);
  memcpy(q->buf + q->len + 4, data, len);
  q->len += nl_align(alen);
}

/* Sends q on a private connection; the daemon's answer: 0 or -errno. */
static int req_send(struct nlreq *q, const char *what) {
  wr32(q->buf, (uint32_t)q->len);
  int fd = open_private(what);
  if (fd < 0) return fd;
  struct nlbuf out = {0};
  int r = priv_request(fd, q->buf, q->len, &out);
  close(fd);
  free(out.data);
  return r;
}

/* The link an ifreq names ("eth0:1" names eth0, as dev_ioctl() strips the label). */
static int named_link(const char *ifname, struct linkinfo *l) {
  char name[IFNAMSIZ];
  memcpy(name, ifname, IFNAMSIZ);
  name[IFNAMSIZ - 1] = 0;
  char *colon = strchr(name, ':');
  if (colon) *colon = 0;
  int fd = open_private("ioctl(SIOC*)");
  if (fd < 0) return fd;
  int r = fetch_link(fd, name, 0, l);
  close(fd);
  return r;
}

/* RTM_NEWLINK on an existing link: flags (with change) and at most one attribute. */
static int change_link(const struct linkinfo *l, unsigned flags, unsigned change, uint16_t attr, const void *data, size_t len) {
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = l->index, .ifi_flags = flags, .ifi_change = change};
  struct nlreq q;
  req_start(&q, RTM_NEWLINK, 0, &ifi, sizeof ifi);
  if (attr) req_attr(&q, attr, data, len);
  return req_send(&q, "ioctl(SIOCSIF*)");
}

/* ------------------------------------------------------------------------------------------ */
/* dev_ioctl(): any socket                                                                    */

static int dev_get(int domain, unsigned request, void *arg) {
  struct ifreq *ifr = arg;
  if (request == SIOCGIFPFLAGS) return domain == AF_INET ? -EINVAL : -ENOTTY; /* implemented by nobody */
  struct linkinfo l;
  int r = named_link(ifr->ifr_name, &l);
  if (r < 0) return r;
  switch (request) {
  case SIOCGIFFLAGS: ifr->ifr_flags = (short)l.flags; break;
  case SIOCGIFMETRIC: ifr->ifr_metric = 0; break;
  case SIOCGIFMTU: ifr->ifr_mtu = (int)l.mtu; break;
  case SIOCGIFMAP: memset(&ifr->ifr_map, 0, sizeof ifr->ifr_map); break; /* no hardware behind it */
  case SIOCGIFINDEX: ifr->ifr_ifindex = l.index; break;
  case SIOCGIFTXQLEN: ifr->ifr_qlen = (int)l.txqlen; break;
  case SIOCGIFHWADDR:
    memset(&ifr->ifr_hwaddr, 0, sizeof ifr->ifr_hwaddr);
    ifr->ifr_hwaddr.sa_family = l.type;
    memcpy(ifr->ifr_hwaddr.sa_data, l.addr, (size_t)l.addrlen < sizeof ifr->ifr_hwaddr.sa_data ? (size_t)l.addrlen : sizeof ifr->ifr_hwaddr.sa_data);
    break;
  case SIOCGIFSLAVE: return -EINVAL; /* not a bond */
  default:
    /* Operations of a driver (ethtool, MII, timestamping): the daemon's virtual devices have
     * none, as a dummy device answers. */
    return -EOPNOTSUPP;
  }
  return 0;
}

static int dev_getname(int domain, unsigned request, void *arg) {
  struct ifreq *ifr = arg;
  (void)domain, (void)request;
  int fd = open_private("ioctl(SIOCGIFNAME)");
  if (fd < 0) return fd;
  struct linkinfo l;
  int r = ifr->ifr_ifindex > 0 ? fetch_link(fd, NULL, ifr->ifr_ifindex, &l) : -ENODEV;
  close(fd);
  if (r < 0) return r;
  memcpy(ifr->ifr_name, l.name, IFNAMSIZ);
  return 0;
}

static int dev_set(int domain, unsigned request, void *arg) {
  struct ifreq *ifr = arg;
  (void)domain;
  struct linkinfo l;
  int r = named_link(ifr->ifr_name, &l);
  if (r < 0) return r;
  switch (request) {
  case SIOCSIFFLAGS: /* dev_change_flags(): the whole flags word */
    return change_link(&l, (unsigned short)ifr->ifr_flags, 0xffffffffu, 0, NULL, 0);
  case SIOCSIFMETRIC:
    return -EOPNOTSUPP;
  case SIOCSIFMTU: {
    if (ifr->ifr_mtu < 0) return -EINVAL;
    uint32_t mtu = (uint32_t)ifr->ifr_mtu;
    return change_link(&l, 0, 0, IFLA_MTU, &mtu, 4);
  }
  case SIOCSIFTXQLEN: {
    if (ifr->ifr_qlen < 0) return -EINVAL;
    uint32_t q = (uint32_t)ifr->ifr_qlen;
    return change_link(&l, 0, 0, IFLA_TXQLEN, &q, 4);
  }
  case SIOCSIFHWADDR:
  case SIOCSIFHWBROADCAST:
    if (ifr->ifr_hwaddr.sa_family != l.type) return -EINVAL;
    if (l.addrlen == 0 || (size_t)l.addrlen > sizeof ifr->ifr_hwaddr.sa_data) return -EINVAL;
    return change_link(&l, 0, 0, request == SIOCSIFHWADDR ? IFLA_ADDRESS : IFLA_BROADCAST, ifr->ifr_hwaddr.sa_data, (size_t)l.addrlen);
  case SIOCSIFNAME: {
    char name[IFNAMSIZ];
    memcpy(name, ifr->ifr_newname, IFNAMSIZ);
    name[IFNAMSIZ - 1] = 0;
    return change_link(&l, 0, 0, IFLA_IFNAME, name, strlen(name) + 1);
  }
  }
  return -EINVAL;
}

/* The IPv4 addresses in an ifconf, one ifreq each (label and local address), as dev_ifconf()
 * and inet_gifconf() list them; with no buffer, the length needed. */
static int dev_ifconf(int domain, unsigned request, void *arg) {
  (void)domain, (void)request;
  struct ifconf *ifc = arg;
  int fd = open_private("ioctl(SIOCGIFCONF)");
  if (fd < 0) return fd;
  struct nlbuf b = {0};
  int r = priv_dump(fd, RTM_GETADDR, AF_INET, &b);
  close(fd);
  if (r < 0) {
    free(b.data);
    return r;
  }
  int done = 0, room = ifc->ifc_len;
  FOR_EACH_MSG(&b, m) {
    uint32_t len = rd32(m);
    if (rd16(m + 4) != RTM_NEWADDR || len < NLMSG_HDRLEN + sizeof(struct ifaddrmsg) || m[NLMSG_HDRLEN] != AF_INET) continue;
    const unsigned char *a = m + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifaddrmsg)), *end = m + len;
    if (!ifc->ifc_req) {
      done += (int)sizeof(struct ifreq);
      continue;
    }
    if (room < (int)sizeof(struct ifreq)) break;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    uint16_t vlen;
    const unsigned char *v = find_attr(a, end, IFA_LABEL, &vlen);
    if (v) memcpy(ifr.ifr_name, v, strnlen((const char *)v, vlen < IFNAMSIZ - 1 ? vlen : IFNAMSIZ - 1));
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
    sin->sin_family = AF_INET;
    if ((v = find_attr(a, end, IFA_LOCAL, &vlen)) && vlen >= 4) memcpy(&sin->sin_addr, v, 4);
    memcpy((char *)ifc->ifc_req + done, &ifr, sizeof ifr);
    done += (int)sizeof ifr;
    room -= (int)sizeof ifr;
  }
  free(b.data);
  ifc->ifc_len = done;
  return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* devinet_ioctl(): AF_INET (and AF_PACKET) sockets                                           */

struct in4 {
  uint32_t local, address, broadcast, mask; /* network order */
  unsigned prefixlen, scope, flags;
  char label[IFNAMSIZ];
};

static uint32_t mask_of(unsigned prefixlen) { return prefixlen ? htonl(~0u << (32 - prefixlen)) : 0; }

/* inet_abc_len(): the classful prefix of an address, -1 for multicast. */
static int abc_len(uint32_t addr) {
  uint32_t h = ntohl(addr);
  if ((h >> 24) == 0 || h == 0xffffffffu) return 0;
  if (IN_CLASSA(h)) return 8;
  if (IN_CLASSB(h)) return 16;
  if (IN_CLASSC(h)) return 24;
  if ((h & 0xf0000000u) == 0xf0000000u) return 32; /* class E */
  return -1;
}

/* The IPv4 addresses of link `index`, in the daemon's (the kernel's ifa_list) order. */
static int inet_addresses(int index, struct in4 **out, int *count) {
  int fd = open_private("ioctl(SIOC*IF*ADDR)");
  if (fd < 0) return fd;
  struct nlbuf b = {0};
  int r = priv_dump(fd, RTM_GETADDR, AF_INET, &b);
  close(fd);
  int n = 0;
  FOR_EACH_MSG(&b, m) n++;
  struct in4 *list = r == 0 ? calloc((size_t)n + 1, sizeof *list) : NULL;
  if (r == 0 && !list) r = -ENOMEM;
  n = 0;
  if (r == 0) FOR_EACH_MSG(&b, m) {
    uint32_t len = rd32(m);
    struct ifaddrmsg ifa;
    if (rd16(m + 4) != RTM_NEWADDR || len < NLMSG_HDRLEN + sizeof ifa) continue;
    memcpy(&ifa, m + NLMSG_HDRLEN, sizeof ifa);
    if (ifa.ifa_family != AF_INET || (int)ifa.ifa_index != index) continue;
    struct in4 *x = &list[n++];
    x->prefixlen = ifa.ifa_prefixlen;
    x->mask = mask_of(ifa.ifa_prefixlen);
    x->scope = ifa.ifa_scope;
    x->flags = ifa.ifa_flags;
    const unsigned char *a = m + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof ifa), *end = m + len, *v;
    uint16_t vlen;
    if ((v = find_attr(a, end, IFA_LOCAL, &vlen)) && vlen >= 4) memcpy(&x->local, v, 4);
    if ((v = find_attr(a, end, IFA_ADDRESS, &vlen)) && vlen >= 4) memcpy(&x->address, v, 4);
    if ((v = find_attr(a, end, IFA_BROADCAST, &vlen)) && vlen >= 4) memcpy(&x->broadcast, v, 4);
    if ((v = find_attr(a, end, IFA_LABEL, &vlen))) memcpy(x->label, v, strnlen((const char *)v, vlen < IFNAMSIZ - 1 ? vlen : IFNAMSIZ - 1));
  }
  free(b.data);
  *out = list;
  *count = n;
  return r;
}

/* RTM_NEWADDR or RTM_DELADDR for one IPv4 address of link `index`. */
static int inet_change(uint16_t type, int index, const struct in4 *x) {
  struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)x->prefixlen, .ifa_scope = (unsigned char)x->scope, .ifa_index = (unsigned)index};
  struct nlreq q;
  req_start(&q, type, type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0, &ifa, sizeof ifa);
  req_attr(&q, IFA_LOCAL, &x->local, 4);
  req_attr(&q, IFA_ADDRESS, &x->address, 4);
  if (type == RTM_NEWADDR && x->broadcast) req_attr(&q, IFA_BROADCAST, &x->broadcast, 4);
  if (type == RTM_NEWADDR) req_attr(&q, IFA_LABEL, x->label, strlen(x->label) + 1);
  return req_send(&q, "ioctl(SIOCSIF*ADDR)");
}

/* inet_del_ifa() then inet_insert_ifa() of the changed address (an address of 0 is not put
 * back, which is how `ifconfig eth0 0.0.0.0` removes one). */
static int inet_replace(int index, const struct in4 *old, const struct in4 *now) {
  int r = old ? inet_change(RTM_DELADDR, index, old) : 0;
  if (r == 0 && now->local) r = inet_change(RTM_NEWADDR, index, now);
  return r;
}

static int contiguous_mask(uint32_t mask) {
  uint32_t inv = ~ntohl(mask);
  return (inv & (inv + 1)) == 0;
}

static int devinet(int domain, unsigned request, void *arg) {
  struct ifreq *ifr = arg;
  (void)domain;
  struct sockaddr_in *sin = (struct sockaddr_in *)&ifr->ifr_addr, orig;
  memcpy(&orig, sin, sizeof orig);
  ifr->ifr_name[IFNAMSIZ - 1] = 0;
  int tryaddrmatch = 0;
  switch (request) {
  case SIOCGIFADDR: case SIOCGIFBRDADDR: case SIOCGIFDSTADDR: case SIOCGIFNETMASK:
    tryaddrmatch = orig.sin_family == AF_INET;
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    break;
  case SIOCSIFFLAGS:
    break;
  default: /* the setters */
    if (orig.sin_family != AF_INET) return -EINVAL;
  }
  struct linkinfo l;
  int r = named_link(ifr->ifr_name, &l);
  if (r < 0) return r;
  int colon = strchr(ifr->ifr_name, ':') != NULL;
  if (request == SIOCSIFFLAGS && !colon) return change_link(&l, (unsigned short)ifr->ifr_flags, 0xffffffffu, 0, NULL, 0);
  struct in4 *list;
  int n;
  if ((r = inet_addresses(l.index, &list, &n)) < 0) return r;
  struct in4 *ifa = NULL;
  /* 4.4BSD style: the label and the address; then 4.3BSD style: the label alone. */
  for (int i = 0; tryaddrmatch && !ifa && i < n; i++)
    if (!strcmp(ifr->ifr_name, list[i].label) && list[i].local == orig.sin_addr.s_addr) ifa = &list[i];
  for (int i = 0; !ifa && i < n; i++)
    if (!strcmp(ifr->ifr_name, list[i].label)) ifa = &list[i];
  struct in4 now = ifa ? *ifa : (struct in4){0};
  uint32_t value = orig.sin_addr.s_addr;
  if (!ifa && request != SIOCSIFADDR && request != SIOCSIFFLAGS) {
    r = -EADDRNOTAVAIL;
    goto out;
  }
  r = 0;
  switch (request) {
  case SIOCGIFADDR: sin->sin_addr.s_addr = ifa->local; break;
  case SIOCGIFBRDADDR: sin->sin_addr.s_addr = ifa->broadcast; break;
  case SIOCGIFDSTADDR: sin->sin_addr.s_addr = ifa->address; break;
  case SIOCGIFNETMASK: sin->sin_addr.s_addr = ifa->mask; break;
  case SIOCSIFFLAGS: /* on a label: down removes that address */
    if (!ifa) r = -EADDRNOTAVAIL;
    else if (!(ifr->ifr_flags & IFF_UP)) r = inet_change(RTM_DELADDR, l.index, ifa);
    break;
  case SIOCSIFADDR: {
    int prefix = abc_len(value);
    if (prefix < 0) {
      r = -EINVAL;
      break;
    }
    if (ifa && ifa->local == value) break;
    if (!ifa) snprintf(now.label, sizeof now.label, "%s", colon ? ifr->ifr_name : l.name);
    now.broadcast = 0;
    now.address = now.local = value;
    if (!(l.flags & IFF_POINTOPOINT)) {
      now.prefixlen = (unsigned)prefix;
      now.mask = mask_of(now.prefixlen);
      if ((l.flags & IFF_BROADCAST) && now.prefixlen < 31) now.broadcast = now.address | ~now.mask;
    } else {
      now.prefixlen = 32;
    }
    now.scope = (ntohl(value) >> 24) == 127 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
    r = inet_replace(l.index, ifa, &now);
    break;
  }
  case SIOCSIFBRDADDR:
    now.broadcast = value;
    if (ifa->broadcast != value) r = inet_replace(l.index, ifa, &now);
    break;
  case SIOCSIFDSTADDR:
    if (ifa->address == value) break;
    if (abc_len(value) < 0) {
      r = -EINVAL;
      break;
    }
    now.address = value;
    r = inet_replace(l.index, ifa, &now);
    break;
  case SIOCSIFNETMASK:
    if (!contiguous_mask(value)) {
      r = -EINVAL;
      break;
    }
    if (ifa->mask == value) break;
    now.mask = value;
    now.prefixlen = (unsigned)__builtin_popcount(value);
    /* A broadcast address that matched the old mask follows the new one. */
    if ((l.flags & IFF_BROADCAST) && now.prefixlen < 31 && ifa->broadcast == (ifa->local | ~ifa->mask)) now.broadcast = now.local | ~value;
    r = inet_replace(l.index, ifa, &now);
    break;
  }
out:
  free(list);
  return r;
}

/* ------------------------------------------------------------------------------------------ */
/* addrconf_add_ifaddr()/addrconf_del_ifaddr(): AF_INET6 sockets                              */

static int addrconf(int domain, unsigned request, void *arg) {
  (void)domain;
  struct in6_ifreq_compat *r6 = arg;
  if (r6->prefixlen > 128) return -EINVAL;
  struct ifaddrmsg ifa = {.ifa_family = AF_INET6, .ifa_prefixlen = (unsigned char)r6->prefixlen, .ifa_index = (unsigned)r6->ifindex};
  if (request == SIOCSIFADDR) ifa.ifa_flags = IFA_F_PERMANENT;
  struct nlreq q;
  req_start(&q, request == SIOCSIFADDR ? RTM_NEWADDR : RTM_DELADDR, request == SIOCSIFADDR ? NLM_F_CREATE | NLM_F_EXCL : 0, &ifa, sizeof ifa);
  req_attr(&q, IFA_LOCAL, &r6->addr, 16);
  return req_send(&q, request == SIOCSIFADDR ? "ioctl(SIOCSIFADDR)" : "ioctl(SIOCDIFADDR)");
}

/* ------------------------------------------------------------------------------------------ */
/* The bridge ioctls (br_ioctl_stub)                                                          */

static int bridge_ioctl(int domain, unsigned request, void *arg) {
  (void)domain;
  if (request == SIOCBRADDBR || request == SIOCBRDELBR) {
    char name[IFNAMSIZ];
    memcpy(name, arg, IFNAMSIZ);
    name[IFNAMSIZ - 1] = 0;
    struct nlreq q;
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
    if (request == SIOCBRADDBR) {
      req_start(&q, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
      req_attr(&q, IFLA_IFNAME, name, strlen(name) + 1);
      /* IFLA_LINKINFO { IFLA_INFO_KIND "bridge" } */
      unsigned char info[12] = {11, 0, IFLA_INFO_KIND, 0, 'b', 'r', 'i', 'd', 'g', 'e', 0, 0};
      req_attr(&q, IFLA_LINKINFO, info, sizeof info);
      return req_send(&q, "ioctl(SIOCBRADDBR)");
    }
    struct linkinfo l;
    int r = named_link(name, &l);
    if (r < 0) return r;
    if (strcmp(l.kind, "bridge") != 0) return -EPERM; /* br_del_bridge(): not a bridge */
    if (l.flags & IFF_UP) return -EBUSY;
    ifi.ifi_index = l.index;
    req_start(&q, RTM_DELLINK, 0, &ifi, sizeof ifi);
    return req_send(&q, "ioctl(SIOCBRDELBR)");
  }
  struct ifreq *ifr = arg;
  struct linkinfo br, port;
  int r = named_link(ifr->ifr_name, &br);
  if (r < 0) return r;
  if (strcmp(br.kind, "bridge") != 0) return -EOPNOTSUPP;
  int fd = open_private("ioctl(SIOCBRADDIF)");
  if (fd < 0) return fd;
  r = fetch_link(fd, NULL, ifr->ifr_ifindex, &port);
  close(fd);
  if (r < 0) return r;
  if (request == SIOCBRDELIF && port.master != br.index) return -EINVAL;
  uint32_t master = request == SIOCBRADDIF ? (uint32_t)br.index : 0;
  return change_link(&port, 0, 0, IFLA_MASTER, &master, 4);
}

/* ------------------------------------------------------------------------------------------ */
/* The table                                                                                  */

/* How a socket of `domain` gets `request` answered: 0 or -errno. */
typedef int handler(int domain, unsigned request, void *arg);

static int by_domain(int domain, unsigned request, void *arg);

struct sioc {
  unsigned request;
  const char *name;
  handler *handle; /* NULL: refused */
  const char *why; /* why it is refused */
};

static const char ROUTES[] = "it would change the host's routing table; rtnld cannot carry it over netlink here";
static const char NEIGH[] = "it reads or changes the host's ARP table; rtnld cannot carry it";
static const char VLAN[] = "vlan devices are created through netlink (ip link add ... type vlan); this ioctl would act on the host";
static const char MULTICAST[] = "rtnld does not model hardware multicast lists; it would change the host's";
static const char NO_NETLINK[] = "it has no rtnetlink equivalent the daemon could carry out, and would act on the host";

static const struct sioc siocs[] = {
  {SIOCADDRT, "SIOCADDRT", NULL, ROUTES},
  {SIOCDELRT, "SIOCDELRT", NULL, ROUTES},
  {SIOCRTMSG, "SIOCRTMSG", NULL, ROUTES},
  {SIOCGIFNAME, "SIOCGIFNAME", dev_getname, NULL},
  {SIOCSIFLINK, "SIOCSIFLINK", NULL, NO_NETLINK},
  {SIOCGIFCONF, "SIOCGIFCONF", dev_ifconf, NULL},
  {SIOCGIFFLAGS, "SIOCGIFFLAGS", dev_get, NULL},
  {SIOCSIFFLAGS, "SIOCSIFFLAGS", by_domain, NULL},
  {SIOCGIFADDR, "SIOCGIFADDR", by_domain, NULL},
  {SIOCSIFADDR, "SIOCSIFADDR", by_domain, NULL},
  {SIOCGIFDSTADDR, "SIOCGIFDSTADDR", by_domain, NULL},
  {SIOCSIFDSTADDR, "SIOCSIFDSTADDR", by_domain, NULL},
  {SIOCGIFBRDADDR, "SIOCGIFBRDADDR", by_domain, NULL},
  {SIOCSIFBRDADDR, "SIOCSIFBRDADDR", by_domain, NULL},
  {SIOCGIFNETMASK, "SIOCGIFNETMASK", by_domain, NULL},
  {SIOCSIFNETMASK, "SIOCSIFNETMASK", by_domain, NULL},
  {SIOCGIFMETRIC, "SIOCGIFMETRIC", dev_get, NULL},
  {SIOCSIFMETRIC, "SIOCSIFMETRIC", dev_set, NULL},
  {SIOCGIFMEM, "SIOCGIFMEM", NULL, NO_NETLINK},
  {SIOCSIFMEM, "SIOCSIFMEM", NULL, NO_NETLINK},
  {SIOCGIFMTU, "SIOCGIFMTU", dev_get, NULL},
  {SIOCSIFMTU, "SIOCSIFMTU", dev_set, NULL},
  {SIOCSIFNAME, "SIOCSIFNAME", dev_set, NULL},
  {SIOCSIFHWADDR, "SIOCSIFHWADDR", dev_set, NULL},
  {SIOCGIFENCAP, "SIOCGIFENCAP", NULL, NO_NETLINK},
  {SIOCSIFENCAP, "SIOCSIFENCAP", NULL, NO_NETLINK},
  {SIOCGIFHWADDR, "SIOCGIFHWADDR", dev_get, NULL},
  {SIOCGIFSLAVE, "SIOCGIFSLAVE", dev_get, NULL},
  {SIOCSIFSLAVE, "SIOCSIFSLAVE", NULL, NO_NETLINK},
  {SIOCADDMULTI, "SIOCADDMULTI", NULL, MULTICAST},
  {SIOCDELMULTI, "SIOCDELMULTI", NULL, MULTICAST},
  {SIOCGIFINDEX, "SIOCGIFINDEX", dev_get, NULL},
  {SIOCSIFPFLAGS, "SIOCSIFPFLAGS", NULL, NO_NETLINK},
  {SIOCGIFPFLAGS, "SIOCGIFPFLAGS", dev_get, NULL},
  {SIOCDIFADDR, "SIOCDIFADDR", by_domain, NULL},
  {SIOCSIFHWBROADCAST, "SIOCSIFHWBROADCAST", dev_set, NULL},
  {SIOCGIFCOUNT, "SIOCGIFCOUNT", NULL, NO_NETLINK},
  {SIOCGIFBR, "SIOCGIFBR", NULL, NO_NETLINK},
  {SIOCSIFBR, "SIOCSIFBR", NULL, NO_NETLINK},
  {SIOCGIFTXQLEN, "SIOCGIFTXQLEN", dev_get, NULL},
  {SIOCGIFMAP, "SIOCGIFMAP", dev_get, NULL},
  {SIOCSIFMAP, "SIOCSIFMAP", NULL, NO_NETLINK},
  {SIOCDRARP, "SIOCDRARP", NULL, NEIGH},
  {SIOCGRARP, "SIOCGRARP", NULL, NEIGH},
  {SIOCSRARP, "SIOCSRARP", NULL, NEIGH},
  {SIOCADDDLCI, "SIOCADDDLCI", NULL, NO_NETLINK},
  {SIOCDELDLCI, "SIOCDELDLCI", NULL, NO_NETLINK},
  {SIOCGIFVLAN, "SIOCGIFVLAN", NULL, VLAN},
  {SIOCSIFVLAN, "SIOCSIFVLAN", NULL, VLAN},
  {SIOCWANDEV, "SIOCWANDEV", NULL, NO_NETLINK},
  {SIOCSIFTXQLEN, "SIOCSIFTXQLEN", dev_set, NULL},
  {SIOCETHTOOL, "SIOCETHTOOL", dev_get, NULL},
  {SIOCGMIIPHY, "SIOCGMIIPHY", dev_get, NULL},
  {SIOCGMIIREG, "SIOCGMIIREG", dev_get, NULL},
  {SIOCSMIIREG, "SIOCSMIIREG", dev_get, NULL},
  {SIOCDARP, "SIOCDARP", NULL, NEIGH},
  {SIOCGARP, "SIOCGARP", NULL, NEIGH},
  {SIOCSARP, "SIOCSARP", NULL, NEIGH},
  {SIOCBRADDBR, "SIOCBRADDBR", bridge_ioctl, NULL},
  {SIOCBRDELBR, "SIOCBRDELBR", bridge_ioctl, NULL},
  {SIOCBRADDIF, "SIOCBRADDIF", bridge_ioctl, NULL},
  {SIOCBRDELIF, "SIOCBRDELIF", bridge_ioctl, NULL},
  {SIOCSHWTSTAMP, "SIOCSHWTSTAMP", dev_get, NULL},
  {SIOCGHWTSTAMP, "SIOCGHWTSTAMP", dev_get, NULL},
};

/* Address ioctls go to the socket's family: devinet_ioctl() for AF_INET and AF_PACKET,
 * addrconf for AF_INET6 (SIOCSIFADDR/SIOCDIFADDR only); other families have none. */
static int by_domain(int domain, unsigned request, void *arg) {
  if (domain == AF_INET || domain == AF_PACKET) {
    if (request == SIOCDIFADDR) return -ENOTTY;
    return devinet(domain, request, arg);
  }
  if (domain == AF_INET6 && (request == SIOCSIFADDR || request == SIOCDIFADDR)) return addrconf(domain, request, arg);
  if (request == SIOCSIFFLAGS) return dev_set(domain, request, arg);
  if (domain == AF_INET6 && request == SIOCSIFDSTADDR) return -ENODEV; /* sit tunnels only */
  return -ENOTTY;
}

/* Interface ioctls: the routing/interface range of linux/sockios.h (not the socket-level ones
 * below 0x890B, nor the protocol-private 0x89E0-0x89EF), and the wireless extensions. */
static int interface_ioctl(unsigned request) {
  if (request == SIOCGSKNS) return 0;
  return (request >= SIOCADDRT && request < SIOCPROTOPRIVATE) || (request >= SIOCDEVPRIVATE && request <= SIOCDEVPRIVATE + 15) ||
         (request >= 0x8B00 && request <= 0x8BFF);
}

NEXT(int, ioctl, (int, unsigned long, ...))
EXPORT int ioctl(int fd, unsigned long request, ...) {
  va_list ap;
  va_start(ap, request);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  ensure_init();
  unsigned req = (unsigned)request;
  if (req == (unsigned)TUNSETIFF && !host_passthrough() && is_tun_device(fd))
    return refuse("ioctl(/dev/net/tun, TUNSETIFF)", "it would create or attach a tun/tap device on the host; rtnld does not model tun/tap devices");
  struct stat st;
  if (!interface_ioctl(req) || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return resolve_ioctl()(fd, request, arg);
  const struct sioc *e = NULL;
  for (size_t i = 0; i < sizeof siocs / sizeof *siocs && !e; i++) if (siocs[i].request == req) e = &siocs[i];
  char call[48];
  snprintf(call, sizeof call, "ioctl(%s)", e ? e->name : "SIOC*");
  if (!e && req >= 0x8B00 && req <= 0x8BFF) { /* wireless extensions: none in the daemon's model, */
    errno = ENOTTY;                             /* nor in this kernel (as Linux answers without them) */
    return -1;
  }
  if (!e || !e->handle) {
    if (host_passthrough()) return resolve_ioctl()(fd, request, arg);
    if (!e) snprintf(call, sizeof call, "ioctl(%#x)", req);
    return refuse(call, e ? e->why : NO_NETLINK);
  }
  int domain = 0;
  socklen_t len = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0) domain = 0;
  if (!arg) {
    errno = EFAULT;
    return -1;
  }
  int r = e->handle(domain, req, arg);
  debugf("%s on fd %d (family %d) = %d", call, fd, domain, r);
  if (r < 0) {
    errno = -r;
    return -1;
  }
  return 0;
}
