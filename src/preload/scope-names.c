/*
 * IPv6 scope names ("fe80::1%eth0"): glibc's getnameinfo() and getaddrinfo() turn scope ids into
 * interface names and back with internal if_indextoname()/if_nametoindex() calls, which would
 * ask the host. Here the numeric scope is taken from glibc and the name from the daemon, with
 * glibc's rules (sysdeps/posix/getnameinfo.c, inet/inet6_scopeid_pton.c): names only for
 * link-local and multicast link-local addresses, and a number when no interface has that index.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "preload.h"

static int scoped_by_name(const struct in6_addr *a) { return IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_LINKLOCAL(a); }

NEXT(int, getnameinfo, (const struct sockaddr *, socklen_t, char *, socklen_t, char *, socklen_t, int))
EXPORT int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen, char *serv, socklen_t servlen, int flags) {
  ensure_init();
  const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
  if (!sa || salen < sizeof *s6 || sa->sa_family != AF_INET6 || !host || !hostlen || s6->sin6_scope_id == 0)
    return resolve_getnameinfo()(sa, salen, host, hostlen, serv, servlen, flags);
  /* Without its scope, then the scope appended as glibc does to a numeric host. */
  struct sockaddr_in6 unscoped = *s6;
  unscoped.sin6_scope_id = 0;
  int r = resolve_getnameinfo()((const struct sockaddr *)&unscoped, sizeof unscoped, host, hostlen, serv, servlen, flags);
  if (r != 0) return r;
  char numeric[INET6_ADDRSTRLEN];
  if (!(flags & NI_NUMERICHOST) && (!inet_ntop(AF_INET6, &s6->sin6_addr, numeric, sizeof numeric) || strcmp(numeric, host) != 0)) return 0; /* a name */
  char scope[IF_NAMESIZE + 12];
  char name[IF_NAMESIZE];
  if (scoped_by_name(&s6->sin6_addr) && if_indextoname(s6->sin6_scope_id, name)) snprintf(scope, sizeof scope, "%%%s", name);
  else snprintf(scope, sizeof scope, "%%%u", s6->sin6_scope_id);
  size_t used = strnlen(host, hostlen);
  if (used + strlen(scope) + 1 > hostlen) return EAI_OVERFLOW;
  memcpy(host + used, scope, strlen(scope) + 1);
  return 0;
}

NEXT(int, getaddrinfo, (const char *, const char *, const struct addrinfo *, struct addrinfo **))
EXPORT int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
  ensure_init();
  const char *pct = node ? strchr(node, '%') : NULL;
  char addr[INET6_ADDRSTRLEN + 1];
  struct in6_addr a;
  size_t n = pct ? (size_t)(pct - node) : 0;
  if (!pct || n >= sizeof addr || !pct[1] || strspn(pct + 1, "0123456789") == strlen(pct + 1)) return resolve_getaddrinfo()(node, service, hints, res);
  memcpy(addr, node, n);
  addr[n] = 0;
  if (inet_pton(AF_INET6, addr, &a) != 1 || !scoped_by_name(&a)) return resolve_getaddrinfo()(node, service, hints, res);
  unsigned index = if_nametoindex(pct + 1);
  if (index == 0) return EAI_NONAME; /* no such interface in the daemon (the host's is not asked) */
  char numeric[INET6_ADDRSTRLEN + 16];
  snprintf(numeric, sizeof numeric, "%s%%%u", addr, index);
  return resolve_getaddrinfo()(numeric, service, hints, res);
}
