/* glibc getifaddrs()/if_nameindex() callers against rtnld: prints one line per entry,
 * "name family address netmask", for test/preload/preload.test.ts. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>

int main(void) {
  struct ifaddrs *list;
  if (getifaddrs(&list) != 0) {
    perror("getifaddrs");
    return 1;
  }
  for (struct ifaddrs *i = list; i; i = i->ifa_next) {
    char a[INET6_ADDRSTRLEN] = "-", m[INET6_ADDRSTRLEN] = "-";
    int f = i->ifa_addr ? i->ifa_addr->sa_family : -1;
    if (f == AF_INET) {
      inet_ntop(f, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof a);
      inet_ntop(f, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr, m, sizeof m);
      printf("%s inet %s %s\n", i->ifa_name, a, m);
    } else if (f == AF_INET6) {
      inet_ntop(f, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof a);
      inet_ntop(f, &((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr, m, sizeof m);
      printf("%s inet6 %s %s\n", i->ifa_name, a, m);
    } else if (f == AF_PACKET) {
      printf("%s packet %d %s\n", i->ifa_name, ((struct sockaddr_ll *)i->ifa_addr)->sll_ifindex, (i->ifa_flags & IFF_UP) ? "up" : "down");
    }
  }
  freeifaddrs(list);
  struct if_nameindex *idx = if_nameindex();
  for (struct if_nameindex *p = idx; p && p->if_index; p++) printf("%s index %u\n", p->if_name, p->if_index);
  if_freenameindex(idx);
  char name[IF_NAMESIZE];
  printf("lo nametoindex %u indextoname %s\n", if_nametoindex("lo"), if_indextoname(1, name) ? name : "-");
  return 0;
}
