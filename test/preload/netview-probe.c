/* The calls psutil and net-tools make to learn a host's interfaces, in C (for
 * test/preload/interface-view.test.ts, where psutil may be missing): SIOCGIFCONF and the
 * SIOCGIF* ioctls, SIOCGIFNAME, getifaddrs() with glibc's broadcast fill-in, getnameinfo()
 * scope names, /proc/net/dev and /proc/net/if_inet6. One fact per line. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *v4(const struct sockaddr *sa, char *buf) {
  if (!sa || sa->sa_family != AF_INET) return "-";
  return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, INET_ADDRSTRLEN);
}

int main(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq reqs[64];
  struct ifconf ifc = {.ifc_len = sizeof reqs, .ifc_req = reqs};
  if (ioctl(fd, SIOCGIFCONF, &ifc) != 0) perror("SIOCGIFCONF");
  char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
  for (int i = 0; i < ifc.ifc_len / (int)sizeof(struct ifreq); i++) {
    struct ifreq r = reqs[i];
    printf("conf %s %s", r.ifr_name, v4(&r.ifr_addr, a));
    struct ifreq q = r;
    if (ioctl(fd, SIOCGIFNETMASK, &q) == 0) printf(" mask %s", v4(&q.ifr_netmask, m));
    q = r;
    if (ioctl(fd, SIOCGIFBRDADDR, &q) == 0) printf(" brd %s", v4(&q.ifr_broadaddr, b));
    printf("\n");
  }
  struct if_nameindex *names = if_nameindex();
  for (struct if_nameindex *n = names; n && n->if_index; n++) {
    struct ifreq q;
    memset(&q, 0, sizeof q);
    strncpy(q.ifr_name, n->if_name, IFNAMSIZ - 1);
    printf("dev %s", n->if_name);
    if (ioctl(fd, SIOCGIFINDEX, &q) == 0) printf(" index=%d", q.ifr_ifindex);
    if (ioctl(fd, SIOCGIFFLAGS, &q) == 0) printf(" flags=%#x", (unsigned short)q.ifr_flags);
    if (ioctl(fd, SIOCGIFMTU, &q) == 0) printf(" mtu=%d", q.ifr_mtu);
    if (ioctl(fd, SIOCGIFTXQLEN, &q) == 0) printf(" qlen=%d", q.ifr_qlen);
    if (ioctl(fd, SIOCGIFHWADDR, &q) == 0) {
      const unsigned char *h = (const unsigned char *)q.ifr_hwaddr.sa_data;
      printf(" type=%d hw=%02x:%02x:%02x:%02x:%02x:%02x", q.ifr_hwaddr.sa_family, h[0], h[1], h[2], h[3], h[4], h[5]);
    }
    struct ifreq byindex = {.ifr_ifindex = (int)n->if_index};
    if (ioctl(fd, SIOCGIFNAME, &byindex) == 0) printf(" name=%s", byindex.ifr_name);
    printf("\n");
  }
  if_freenameindex(names);
  struct ifreq missing;
  memset(&missing, 0, sizeof missing);
  strcpy(missing.ifr_name, "nosuch0");
  printf("missing %s\n", ioctl(fd, SIOCGIFFLAGS, &missing) == 0 ? "found" : strerror(errno));
  struct ifaddrs *list;
  if (getifaddrs(&list) == 0) {
    for (struct ifaddrs *i = list; i; i = i->ifa_next) {
      if (!i->ifa_addr) continue;
      if (i->ifa_addr->sa_family == AF_INET) {
        printf("ifa %s %s brd %s\n", i->ifa_name, v4(i->ifa_addr, a), v4(i->ifa_broadaddr, b));
      } else if (i->ifa_addr->sa_family == AF_INET6) {
        char host[NI_MAXHOST];
        if (getnameinfo(i->ifa_addr, sizeof(struct sockaddr_in6), host, sizeof host, NULL, 0, NI_NUMERICHOST) == 0) printf("gni %s %s\n", i->ifa_name, host);
      }
    }
    freeifaddrs(list);
  }
  const char *files[] = {"/proc/net/dev", "/proc/net/if_inet6"};
  for (int f = 0; f < 2; f++) {
    FILE *in = fopen(files[f], "r");
    if (!in) continue;
    char line[512];
    int skip = f == 0 ? 2 : 0;
    while (fgets(line, sizeof line, in)) {
      if (skip-- > 0) continue;
      printf("%s %s", f == 0 ? "procdev" : "if_inet6", line);
    }
    fclose(in);
  }
  close(fd);
  return 0;
}
