/*
 * rtnld LD_PRELOAD adaptor: lets unmodified programs (iproute2, Python, glibc getifaddrs(),
 * pyroute2...) talk rtnetlink to an rtnld daemon instead of the kernel.
 *
 *   RTNL_SOCKET=./rtnl.sock LD_PRELOAD=$(rtnld-preload-path) ip -j link show
 *
 * socket(AF_NETLINK, SOCK_RAW|SOCK_DGRAM, NETLINK_ROUTE) returns a Unix stream socket connected
 * to $RTNL_SOCKET; every other socket is passed through untouched. The calls a program makes on
 * such an fd are translated to protocol/TRANSPORT.md: bind/getsockname/setsockopt/getsockopt
 * (SOL_NETLINK) become in-band type-15 socket calls, writes carry whole messages, and reads
 * return whole messages with datagram semantics (MSG_PEEK, MSG_TRUNC, MSG_DONTWAIT, msg_name
 * set to the kernel's sockaddr_nl).
 *
 * Messages are taken from the stream only as whole messages (a peek learns their length first),
 * so the library never holds part of one. Whole messages can be held back in two cases: a
 * MSG_PEEK, and messages that arrived before the answer to an in-band socket call. poll, ppoll,
 * select, pselect and epoll_wait report such an fd as readable while it holds messages.
 *
 * glibc's getifaddrs(), if_nameindex(), if_nametoindex() and if_indextoname() use netlink (or
 * ioctls) through internal calls that an LD_PRELOAD library cannot see, so they are
 * reimplemented here over a private connection to the daemon.
 *
 * The rest of a process's view of the interfaces (the SIOC* ioctls, /proc/net, /sys/class/net,
 * scope names) and the refusal of what would act on the host live in the other files of this
 * directory (preload.h lists them).
 *
 * Set RTNL_PRELOAD_DEBUG=1 to trace intercepted calls on stderr.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "preload.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_LIST_MEMBERSHIPS
#define NETLINK_LIST_MEMBERSHIPS 9
#endif
#ifndef SO_ATTACH_BPF
#define SO_ATTACH_BPF 50
#endif
#ifndef SO_LOCK_FILTER
#define SO_LOCK_FILTER 44
#endif

/* Largest message accepted from the daemon (its --max-message default is 1 MiB for requests;
 * replies are far smaller). A larger length means the stream is corrupt. */
#define MAX_MESSAGE (16u << 20)
#define PEEK_SIZE (64u * 1024)

/* ------------------------------------------------------------------------------------------ */
/* Real functions                                                                             */

static int (*real_socket)(int, int, int);
static int (*real_close)(int);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_fcntl)(int, int, ...);
static int (*real_bind)(int, const struct sockaddr *, socklen_t);
static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static int (*real_getsockname)(int, struct sockaddr *, socklen_t *);
static int (*real_getpeername)(int, struct sockaddr *, socklen_t *);
static int (*real_setsockopt)(int, int, int, const void *, socklen_t);
static int (*real_getsockopt)(int, int, int, void *, socklen_t *);
static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static int (*real_sendmmsg)(int, struct mmsghdr *, unsigned int, int);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_recv)(int, void *, size_t, int);
static ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);
static int (*real_recvmmsg)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_readv)(int, const struct iovec *, int);
static int (*real_poll)(struct pollfd *, nfds_t, int);
static int (*real_ppoll)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
static int (*real_select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
static int (*real_pselect)(int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *);
static int (*real_epoll_ctl)(int, int, int, struct epoll_event *);
static int (*real_epoll_wait)(int, struct epoll_event *, int, int);
static int (*real_epoll_pwait)(int, struct epoll_event *, int, int, const sigset_t *);
static int (*real_listen)(int, int);
static int (*real_accept)(int, struct sockaddr *, socklen_t *);
static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);

static int debug_enabled;

#define RESOLVE(name)                                                        \
  do {                                                                       \
    if (!real_##name) *(void **)&real_##name = dlsym(RTLD_NEXT, #name);      \
  } while (0)

static void resolve_all(void) {
  RESOLVE(socket); RESOLVE(close); RESOLVE(dup); RESOLVE(dup2); RESOLVE(dup3); RESOLVE(fcntl);
  RESOLVE(bind); RESOLVE(connect); RESOLVE(getsockname); RESOLVE(getpeername);
  RESOLVE(setsockopt); RESOLVE(getsockopt); RESOLVE(send); RESOLVE(sendto); RESOLVE(sendmsg);
  RESOLVE(sendmmsg); RESOLVE(write); RESOLVE(writev); RESOLVE(recv); RESOLVE(recvfrom);
  RESOLVE(recvmsg); RESOLVE(recvmmsg); RESOLVE(read); RESOLVE(readv); RESOLVE(poll);
  RESOLVE(ppoll); RESOLVE(select); RESOLVE(pselect); RESOLVE(epoll_ctl); RESOLVE(epoll_wait);
  RESOLVE(epoll_pwait); RESOLVE(listen); RESOLVE(accept); RESOLVE(accept4);
}

static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static void init_once(void) {
  resolve_all();
  const char *d = getenv("RTNL_PRELOAD_DEBUG");
  debug_enabled = d && *d && strcmp(d, "0") != 0;
}
void ensure_init(void) { pthread_once(&resolve_once, init_once); }

/* One line "PREFIX: message" on stderr, written with the real write() (never the wrapped one). */
static void vreport(const char *prefix, const char *fmt, va_list ap) {
  char line[600];
  int n = snprintf(line, sizeof line, "%s: ", prefix);
  n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
  if (n >= (int)sizeof line) n = sizeof line - 1;
  line[n++] = '\n';
  ssize_t ignored = real_write(2, line, (size_t)n);
  (void)ignored;
}

void debugf(const char *fmt, ...) {
  if (!debug_enabled) return;
  char prefix[48];
  snprintf(prefix, sizeof prefix, "rtnld-preload[%d]", (int)getpid());
  va_list ap;
  va_start(ap, fmt);
  vreport(prefix, fmt, ap);
  va_end(ap);
}

void complain(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport("rtnld-preload", fmt, ap);
  va_end(ap);
}

/* ------------------------------------------------------------------------------------------ */
/* Per-socket state                                                                           */

struct qmsg {
  struct qmsg *next;
  int marked;    /* from another namespace: the daemon's NSID_MARK before it (NETLINK_LISTEN_ALL_NSID) */
  int32_t nsid;  /* its id, for the cmsg */
  uint32_t len; /* nlmsg_len */
  unsigned char data[];
};

struct nlsock {
  int refs;        /* one per fd referring to it, plus one per operation in progress (g_lock) */
  dev_t dev;       /* identity of the Unix socket, to notice an fd number reused behind our back */
  ino_t ino;
  int type;        /* SOCK_RAW or SOCK_DGRAM, as the program asked */
  pthread_mutex_t mu;      /* guards everything below */
  pthread_cond_t cv;       /* reader role released / answer arrived */
  int reading;             /* a thread is taking messages from the stream */
  struct qmsg *head, *tail; /* whole messages held back for the program */
  unsigned held;
  int call_pending;
  struct qmsg *answer;
  uint32_t call_seq;
  int mark_pending;        /* an NSID_MARK arrived: it belongs to the next message */
  int32_t mark_nsid;
  uint32_t portid;         /* the daemon's port id for this connection (0 until asked) */
  uint32_t bound_pid;      /* a port id chosen in bind(); shown to the program instead */
  int bound;
  int dead;                /* the daemon closed the connection */
  unsigned char *peekbuf;  /* used by the reader role only */
  pthread_mutex_t send_mu; /* one writer at a time: messages are never interleaved */
  pthread_mutex_t call_mu; /* one in-band call at a time */
};

struct epreg {
  struct epreg *next;
  int epfd, fd;
  struct nlsock *s;
  struct epoll_event ev;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nlsock **g_tab;
static int g_cap;
static atomic_int g_count;    /* registered fds */
static atomic_int g_held;     /* messages held back over all sockets */
static struct epreg *g_epregs;

static void sock_free(struct nlsock *s) {
  struct qmsg *m = s->head;
  while (m) {
    struct qmsg *n = m->next;
    free(m);
    m = n;
  }
  atomic_fetch_sub(&g_held, (int)s->held);
  free(s->answer);
  free(s->peekbuf);
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->cv);
  pthread_mutex_destroy(&s->send_mu);
  pthread_mutex_destroy(&s->call_mu);
  free(s);
}

/* Caller holds g_lock. */
static void put_locked(struct nlsock *s) {
  if (--s->refs == 0) sock_free(s);
}

static void sock_put(struct nlsock *s) {
  pthread_mutex_lock(&g_lock);
  put_locked(s);
  pthread_mutex_unlock(&g_lock);
}

/* Caller holds g_lock. Drops fd's entry (and its epoll registrations). */
static void unregister_locked(int fd) {
  if (fd < 0 || fd >= g_cap || !g_tab[fd]) return;
  struct nlsock *s = g_tab[fd];
  g_tab[fd] = NULL;
  atomic_fetch_sub(&g_count, 1);
  for (struct epreg **p = &g_epregs; *p;) {
    if ((*p)->fd == fd) {
      struct epreg *dead = *p;
      *p = dead->next;
      free(dead);
    } else {
      p = &(*p)->next;
    }
  }
  put_locked(s);
}

/* Caller holds g_lock. */
static int register_locked(int fd, struct nlsock *s) {
  if (fd >= g_cap) {
    int cap = g_cap ? g_cap : 64;
    while (cap <= fd) cap *= 2;
    struct nlsock **t = realloc(g_tab, (size_t)cap * sizeof *t);
    if (!t) return -ENOMEM;
    memset(t + g_cap, 0, (size_t)(cap - g_cap) * sizeof *t);
    g_tab = t;
    g_cap = cap;
  }
  unregister_locked(fd);
  g_tab[fd] = s;
  s->refs++;
  atomic_fetch_add(&g_count, 1);
  return 0;
}

/* The state of fd if it is one of ours, with a reference the caller drops with sock_put(). */
static struct nlsock *sock_get(int fd) {
  if (atomic_load_explicit(&g_count, memory_order_relaxed) == 0 || fd < 0) return NULL;
  pthread_mutex_lock(&g_lock);
  struct nlsock *s = fd < g_cap ? g_tab[fd] : NULL;
  if (s) s->refs++;
  pthread_mutex_unlock(&g_lock);
  if (!s) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_ino != s->ino || st.st_dev != s->dev) {
    /* The fd was closed in a way we did not see (close_range, a raw syscall) and reused. */
    pthread_mutex_lock(&g_lock);
    if (fd < g_cap && g_tab[fd] == s) unregister_locked(fd);
    put_locked(s);
    pthread_mutex_unlock(&g_lock);
    return NULL;
  }
  return s;
}

static void atfork_prepare(void) { pthread_mutex_lock(&g_lock); }
static void atfork_parent(void) { pthread_mutex_unlock(&g_lock); }
static void atfork_child(void) {
  /* Only the forking thread exists in the child: locks other threads held are reset. */
  pthread_mutex_init(&g_lock, NULL);
  for (int fd = 0; fd < g_cap; fd++) {
    struct nlsock *s = g_tab[fd];
    if (!s) continue;
    int seen = 0;
    for (int j = 0; j < fd; j++) if (g_tab[j] == s) seen = 1;
    if (seen) continue;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_mutex_init(&s->send_mu, NULL);
    pthread_mutex_init(&s->call_mu, NULL);
    s->reading = 0;
    s->call_pending = 0;
    s->refs = 0;
    for (int j = fd; j < g_cap; j++) if (g_tab[j] == s) s->refs++;
  }
}

__attribute__((constructor)) static void preload_init(void) {
  ensure_init();
  pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

/* ------------------------------------------------------------------------------------------ */
/* Stream primitives (on the Unix socket, whatever its O_NONBLOCK says)                       */

/* Waits for fd to be readable (POLLIN) or writable; 0, -EAGAIN on timeout, -EINTR. */
static int wait_fd(int fd, short events, int timeout_ms) {
  struct pollfd p = {.fd = fd, .events = events};
  for (;;) {
    int r = real_poll(&p, 1, timeout_ms);
    if (r > 0) return 0;
    if (r == 0) return -EAGAIN;
    if (errno != EINTR) return -errno;
    return -EINTR;
  }
}

/* Reads exactly n bytes (which the daemon is writing as part of a whole message). */
static int read_exact(int fd, void *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = real_recv(fd, (char *)buf + got, n - got, MSG_DONTWAIT);
    if (r > 0) {
      got += (size_t)r;
      continue;
    }
    if (r == 0) return -ECONNRESET;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
    int w = wait_fd(fd, POLLIN, -1);
    if (w < 0 && w != -EINTR) return w;
  }
  return 0;
}

/* Writes all n bytes; with nonblock, gives up with -EAGAIN only if nothing was written yet. */
static int write_all(int fd, const void *buf, size_t n, int nonblock) {
  size_t put = 0;
  while (put < n) {
    ssize_t r = real_send(fd, (const char *)buf + put, n - put, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (r >= 0) {
      put += (size_t)r;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
    if (put == 0 && nonblock) return -EAGAIN;
    int w = wait_fd(fd, POLLOUT, -1);
    if (w < 0 && w != -EINTR) return w;
  }
  return 0;
}

/* An answer to one of our in-band socket calls: a type-15 message, or an NLMSG_ERROR whose
 * echoed request header has type 15. The daemon sends type 15 for nothing else. */
static int is_call_answer(const struct qmsg *m) {
  uint16_t type = rd16(m->data + 4);
  if (type == SOCKET_CALL) return 1;
  if (type == NLMSG_ERROR && m->len >= 36 && rd16(m->data + 16 + 4 + 4) == SOCKET_CALL) return 1;
  return 0;
}

/* A dump entry: may share one datagram with the entries that follow it, as the kernel does. */
static int batchable(const unsigned char *first, const unsigned char *m) {
  uint16_t ftype = rd16(first + 4), type = rd16(m + 4);
  if (!(rd16(first + 6) & NLM_F_MULTI) || !(rd16(m + 6) & NLM_F_MULTI)) return 0;
  if (ftype == NLMSG_DONE || ftype == NLMSG_ERROR || type == NLMSG_DONE || type == NLMSG_ERROR) return 0;
  if (type == SOCKET_CALL || ftype == SOCKET_CALL) return 0;
  return rd32(first + 8) == rd32(m + 8) && rd32(first + 12) == rd32(m + 12);
}

static struct qmsg *qmsg_new(const unsigned char *data, uint32_t len) {
  struct qmsg *m = malloc(sizeof *m + len);
  if (!m) return NULL;
  m->next = NULL;
  m->marked = 0;
  m->len = len;
  memcpy(m->data, data, len);
  return m;
}

/*
 * Takes whole messages from the stream: at least one, and while `budget` allows, the dump
 * entries that follow it in the same dump. The daemon pads every message it sends (TRANSPORT.md,
 * Framing), so each one takes nl_align(len) bytes of the stream. Never takes part of a message.
 * The caller holds the reader role (not s->mu). Returns the number of messages (chained in *out), or -errno;
 * -EAGAIN when !block and nothing is there. timeout_ms bounds the wait for the first byte.
 */
static int stream_fetch(struct nlsock *s, int fd, int block, int timeout_ms, size_t budget, struct qmsg **out) {
  *out = NULL;
  if (s->dead) return -ECONNRESET;
  if (!s->peekbuf && !(s->peekbuf = malloc(PEEK_SIZE))) return -ENOMEM;
  unsigned char *pb = s->peekbuf;
  ssize_t n;
  for (;;) {
    n = real_recv(fd, pb, PEEK_SIZE, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) break;
    if (n == 0) {
      s->dead = 1;
      complain("the rtnld daemon closed the connection");
      return -ECONNRESET;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
    if (!block) return -EAGAIN;
    int w = wait_fd(fd, POLLIN, timeout_ms);
    if (w < 0) return w;
  }
  uint32_t len = (size_t)n >= 4 ? rd32(pb) : 0;
  if ((size_t)n >= 4 && (len < NLMSG_HDRLEN || len > MAX_MESSAGE)) {
    s->dead = 1;
    complain("corrupt stream from the daemon (message length %u)", len);
    return -EPROTO;
  }
  if ((size_t)n < NLMSG_HDRLEN || nl_align(len) > (size_t)n) {
    /* The first message is not all there yet (or larger than a peek): read it whole. */
    unsigned char hdr[NLMSG_HDRLEN];
    int r = read_exact(fd, hdr, sizeof hdr);
    if (r < 0) {
      s->dead = 1;
      return r;
    }
    len = rd32(hdr);
    if (len < NLMSG_HDRLEN || len > MAX_MESSAGE) {
      s->dead = 1;
      complain("corrupt stream from the daemon (message length %u)", len);
      return -EPROTO;
    }
    struct qmsg *m = malloc(sizeof *m + nl_align(len));
    if (!m) return -ENOMEM; /* the stream is now mid-message: nothing sensible remains */
    memcpy(m->data, hdr, sizeof hdr);
    r = read_exact(fd, m->data + sizeof hdr, nl_align(len) - sizeof hdr);
    if (r < 0) {
      free(m);
      s->dead = 1;
      return r;
    }
    m->next = NULL;
    m->marked = 0;
    m->len = len;
    *out = m;
    return 1;
  }
  /* Whole messages in the peek: the first, then the dump entries that follow it and fit. */
  size_t take = nl_align(len), used = nl_align(len);
  while (take + NLMSG_HDRLEN <= (size_t)n) {
    uint32_t l = rd32(pb + take);
    if (l < NLMSG_HDRLEN || l > MAX_MESSAGE || take + nl_align(l) > (size_t)n) break;
    if (!batchable(pb, pb + take) || used + nl_align(l) > budget) break;
    take += nl_align(l);
    used += nl_align(l);
  }
  int count = 0;
  struct qmsg **tail = out;
  for (size_t off = 0; off < take;) {
    uint32_t l = rd32(pb + off);
    struct qmsg *m = qmsg_new(pb + off, l);
    if (!m) break;
    *tail = m;
    tail = &m->next;
    count++;
    off += nl_align(l);
  }
  if (count == 0) return -ENOMEM;
  /* Consume exactly what was taken (it is all in the socket: we just peeked it). */
  size_t consumed = 0;
  for (struct qmsg *m = *out; m; m = m->next) consumed += nl_align(m->len);
  int r = read_exact(fd, pb, consumed);
  if (r < 0) {
    s->dead = 1;
    return r;
  }
  return count;
}

/* Caller holds s->mu: files fetched messages as answers or as messages for the program. */
static void route_locked(struct nlsock *s, struct qmsg *chain) {
  while (chain) {
    struct qmsg *m = chain;
    chain = m->next;
    m->next = NULL;
    if (rd16(m->data + 4) == SOCKET_CALL && m->len >= 28 && rd32(m->data + 16) == CALL_NSID_MARK) {
      s->mark_pending = 1; /* TRANSPORT.md: the notification after it comes from namespace `nsid` */
      s->mark_nsid = (int32_t)rd32(m->data + 20);
      free(m);
      continue;
    }
    if (is_call_answer(m)) {
      uint32_t seq = rd32(m->data + 8);
      if (s->call_pending && !s->answer && seq == s->call_seq) s->answer = m;
      else free(m); /* a stale answer (its caller was interrupted), or one nobody waits for (SETPID) */
      continue;
    }
    m->marked = s->mark_pending;
    m->nsid = s->mark_nsid;
    s->mark_pending = 0;
    /* A port id chosen in bind() replaces the daemon's everywhere the program looks. */
    if (s->bound_pid && s->portid && rd32(m->data + 12) == s->portid) wr32(m->data + 12, s->bound_pid);
    if (s->tail) s->tail->next = m;
    else s->head = m;
    s->tail = m;
    s->held++;
    atomic_fetch_add(&g_held, 1);
  }
  pthread_cond_broadcast(&s->cv);
}

/* ------------------------------------------------------------------------------------------ */
/* In-band socket calls                                                                       */

size_t socket_call_msg(unsigned char *buf, uint32_t call, uint32_t name, uint32_t value, const char *ns, uint32_t seq) {
  size_t len = 28;
  if (ns) {
    size_t n = strnlen(ns, NETNS_NAME_MAX - 1);
    memset(buf + len, 0, nl_align((uint32_t)n + 1));
    memcpy(buf + len, ns, n);
    len += nl_align((uint32_t)n + 1);
  }
  wr32(buf, (uint32_t)len);
  uint16_t type = SOCKET_CALL, flags = NLM_F_REQUEST;
  memcpy(buf + 4, &type, 2);
  memcpy(buf + 6, &flags, 2);
  wr32(buf + 8, seq);
  wr32(buf + 12, 0);
  wr32(buf + 16, call);
  wr32(buf + 20, name);
  wr32(buf + 24, value);
  return len;
}

/* Performs a call (ns: the namespace name of calls 5 and up, else NULL); returns 0 or -errno,
 * and the reply words (after `call`) in out[]. */
static int sock_call_ns(struct nlsock *s, int fd, uint32_t call, uint32_t name, uint32_t value, const char *ns, uint32_t *out, int nout) {
  pthread_mutex_lock(&s->call_mu);
  unsigned char req[SOCKET_CALL_MAX];
  pthread_mutex_lock(&s->mu);
  uint32_t seq = ++s->call_seq;
  s->call_pending = 1;
  s->answer = NULL;
  pthread_mutex_unlock(&s->mu);
  size_t len = socket_call_msg(req, call, name, value, ns, seq);
  pthread_mutex_lock(&s->send_mu);
  int r = write_all(fd, req, len, 0);
  pthread_mutex_unlock(&s->send_mu);
  pthread_mutex_lock(&s->mu);
  while (r == 0 && !s->answer) {
    if (s->reading) {
      pthread_cond_wait(&s->cv, &s->mu);
      continue;
    }
    s->reading = 1;
    pthread_mutex_unlock(&s->mu);
    struct qmsg *chain;
    int got;
    do got = stream_fetch(s, fd, 1, -1, 0, &chain);
    while (got == -EINTR);
    pthread_mutex_lock(&s->mu);
    s->reading = 0;
    if (got < 0) r = got;
    else route_locked(s, chain);
    pthread_cond_broadcast(&s->cv);
  }
  struct qmsg *a = s->answer;
  s->answer = NULL;
  s->call_pending = 0;
  pthread_mutex_unlock(&s->mu);
  pthread_mutex_unlock(&s->call_mu);
  if (r < 0) return r;
  uint16_t atype = rd16(a->data + 4);
  if (atype == NLMSG_ERROR) {
    int32_t err;
    memcpy(&err, a->data + 16, 4);
    free(a);
    return err > 0 ? -EPROTO : err;
  }
  for (int i = 0; i < nout; i++) {
    size_t at = 20 + 4 * (size_t)i; /* after the header and `call` */
    out[i] = at + 4 <= a->len ? rd32(a->data + at) : 0;
  }
  free(a);
  return 0;
}

static int sock_call(struct nlsock *s, int fd, uint32_t call, uint32_t name, uint32_t value, uint32_t *out, int nout) {
  return sock_call_ns(s, fd, call, name, value, NULL, out, nout);
}

static int ensure_portid(struct nlsock *s, int fd, uint32_t *groups) {
  uint32_t w[2];
  int r = sock_call(s, fd, CALL_GETSOCKNAME, 0, 0, w, 2);
  if (r < 0) return r;
  pthread_mutex_lock(&s->mu);
  s->portid = w[1];
  pthread_mutex_unlock(&s->mu);
  if (groups) *groups = w[0];
  return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Receiving                                                                                  */

static int want_block(int fd, int flags) {
  if (flags & MSG_DONTWAIT) return 0;
  int fl = real_fcntl(fd, F_GETFL);
  return fl < 0 || !(fl & O_NONBLOCK);
}

/* SO_RCVTIMEO as a poll timeout (-1: none). */
static int rcv_timeout_ms(int fd) {
  struct timeval tv;
  socklen_t len = sizeof tv;
  if (real_getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) != 0) return -1;
  if (tv.tv_sec == 0 && tv.tv_usec == 0) return -1;
  long long ms = (long long)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
  return ms > INT_MAX ? INT_MAX : (int)ms;
}

static size_t iov_total(const struct iovec *iov, size_t n) {
  size_t t = 0;
  for (size_t i = 0; i < n; i++) t += iov[i].iov_len;
  return t;
}

static size_t iov_copy_out(const struct iovec *iov, size_t n, size_t at, const unsigned char *src, size_t len) {
  size_t done = 0;
  for (size_t i = 0; i < n && done < len; i++) {
    if (at >= iov[i].iov_len) {
      at -= iov[i].iov_len;
      continue;
    }
    size_t room = iov[i].iov_len - at, c = len - done < room ? len - done : room;
    memcpy((char *)iov[i].iov_base + at, src + done, c);
    done += c;
    at = 0;
  }
  return done;
}

static void fill_nladdr(struct sockaddr *name, socklen_t *namelen) {
  if (!namelen) return;
  if (name) {
    struct sockaddr_nl nl = {.nl_family = AF_NETLINK, .nl_pid = 0, .nl_groups = 0};
    size_t c = *namelen < sizeof nl ? *namelen : sizeof nl;
    memcpy(name, &nl, c);
  }
  *namelen = sizeof(struct sockaddr_nl);
}

/*
 * One datagram: the first held (or next) whole message, plus the dump entries after it that fit.
 * Returns the datagram's length (full length with MSG_TRUNC) or -errno; *oflags gets MSG_TRUNC
 * when the buffer was too small; *nsid (if not NULL) the id of the namespace a notification came
 * from (NETLINK_LISTEN_ALL_NSID), or -1 for one from the socket's own namespace.
 */
static ssize_t nl_recv(struct nlsock *s, int fd, const struct iovec *iov, size_t iovcnt, int flags, int *oflags, int *nsid) {
  if (flags & MSG_ERRQUEUE) return -EAGAIN;
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  int peek = (flags & MSG_PEEK) != 0;
  size_t cap = iov_total(iov, iovcnt);
  int block = want_block(fd, flags);
  int timeout = block ? rcv_timeout_ms(fd) : 0;
  pthread_mutex_lock(&s->mu);
  for (;;) {
    if (s->head) break;
    if (s->reading) {
      if (!block) {
        pthread_mutex_unlock(&s->mu);
        return -EAGAIN;
      }
      pthread_cond_wait(&s->cv, &s->mu);
      continue;
    }
    s->reading = 1;
    pthread_mutex_unlock(&s->mu);
    struct qmsg *chain;
    int got = stream_fetch(s, fd, block, timeout, peek ? 0 : cap, &chain);
    pthread_mutex_lock(&s->mu);
    s->reading = 0;
    if (got >= 0) route_locked(s, chain);
    pthread_cond_broadcast(&s->cv);
    if (got < 0 && !s->head) {
      pthread_mutex_unlock(&s->mu);
      return got;
    }
  }
  /* Serve from the held messages: the first, truncated if it must be. */
  struct qmsg *first = s->head;
  if (nsid) *nsid = first->marked ? first->nsid : -1;
  size_t full = first->len;
  size_t copied = iov_copy_out(iov, iovcnt, 0, first->data, first->len < cap ? first->len : cap);
  if (first->len > cap) *oflags |= MSG_TRUNC;
  int taken = 1;
  if (!peek && first->len <= cap) {
    size_t pos = nl_align(first->len);
    struct qmsg *m = first->next;
    while (m && !m->marked && batchable(first->data, m->data) && pos + m->len <= cap) {
      iov_copy_out(iov, iovcnt, pos, m->data, m->len);
      copied = pos + m->len;
      full = copied;
      pos += nl_align(m->len);
      m = m->next;
      taken++;
    }
  }
  if (!peek) {
    for (int i = 0; i < taken; i++) {
      struct qmsg *m = s->head;
      s->head = m->next;
      if (!s->head) s->tail = NULL;
      free(m);
    }
    s->held -= (unsigned)taken;
    atomic_fetch_sub(&g_held, taken);
  }
  pthread_mutex_unlock(&s->mu);
  return (flags & MSG_TRUNC) ? (ssize_t)full : (ssize_t)copied;
}

/* The control message netlink_cmsg_listen_all_nsid() adds for a notification from another
 * namespace (the daemon's NSID_MARK before it); none otherwise. */
static void put_nsid_cmsg(struct msghdr *msg, int nsid, int *oflags) {
  size_t room = msg->msg_control ? msg->msg_controllen : 0;
  msg->msg_controllen = 0;
  if (nsid < 0) return;
  if (room < CMSG_SPACE(sizeof(int))) {
    *oflags |= MSG_CTRUNC;
    return;
  }
  struct cmsghdr *c = (struct cmsghdr *)msg->msg_control;
  memset(c, 0, CMSG_SPACE(sizeof(int)));
  c->cmsg_level = SOL_NETLINK;
  c->cmsg_type = NETLINK_LISTEN_ALL_NSID;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &nsid, sizeof nsid);
  msg->msg_controllen = CMSG_SPACE(sizeof(int));
}

static ssize_t ret_errno(ssize_t r) {
  if (r < 0) {
    errno = (int)-r;
    return -1;
  }
  return r;
}

/* ------------------------------------------------------------------------------------------ */
/* Sending                                                                                    */

/*
 * One send() is one datagram. The kernel (netlink_rcv_skb) handles the messages in it and
 * silently ignores whatever follows once the rest cannot be a message (iproute2 sends its dump
 * requests with a zeroed tail, for instance); on the stream that tail would be a broken frame,
 * so it is not sent. A message of the daemon's in-band type 15 from the program becomes an
 * NLMSG_NOOP, which the daemon, like the kernel, skips (acking it if NLM_F_ACK asks).
 * Returns how many leading bytes to send (buf must have 3 spare bytes after total).
 */
static size_t datagram_messages(unsigned char *buf, size_t total) {
  size_t off = 0;
  while (total - off >= NLMSG_HDRLEN) {
    uint32_t len = rd32(buf + off);
    if (len < NLMSG_HDRLEN || len > total - off) break;
    if (rd16(buf + off + 4) == SOCKET_CALL) {
      uint16_t noop = NLMSG_NOOP;
      memcpy(buf + off + 4, &noop, 2);
    }
    size_t step = nl_align(len);
    if (step > total - off) {
      /* The last message's padding is missing. The daemon would also frame the next datagram
       * right without it (TRANSPORT.md, Framing), but only the padded stream is unambiguous for
       * every nlmsg_type, and this datagram boundary says where it belongs: it is added (buf has
       * room for 3 more bytes). */
      memset(buf + total, 0, step - (total - off));
      off += step;
      break;
    }
    off += step;
  }
  return off;
}

/* A namespace fd in an outgoing message, named to the daemon for this connection first. */
struct named_fd {
  struct nlsock *s;
  int fd;
};
static int name_netns_fd(void *ctx, int nsfd, const char *name) {
  struct named_fd *c = ctx;
  int r = sock_call_ns(c->s, c->fd, CALL_NETNS_FD, (uint32_t)nsfd, 0, name, NULL, 0);
  debugf("NETNS_FD %d = \"%s\": %d", nsfd, name, r);
  return r;
}

static ssize_t nl_send_iov(struct nlsock *s, int fd, const struct iovec *iov, size_t iovcnt, int flags, const struct sockaddr *to, socklen_t tolen) {
  if (to && tolen >= sizeof(struct sockaddr_nl)) {
    const struct sockaddr_nl *nl = (const struct sockaddr_nl *)to;
    if (nl->nl_family != AF_NETLINK) return -EINVAL;
    if (nl->nl_pid != 0) return -ECONNREFUSED; /* only the "kernel" (the daemon) can be reached */
  } else if (to && tolen > 0) {
    return -EINVAL;
  }
  size_t total = iov_total(iov, iovcnt);
  unsigned char *buf = malloc(total + 4);
  if (!buf) return -ENOMEM;
  size_t at = 0;
  for (size_t i = 0; i < iovcnt; i++) {
    memcpy(buf + at, iov[i].iov_base, iov[i].iov_len);
    at += iov[i].iov_len;
  }
  size_t valid = datagram_messages(buf, total);
  unsigned char *owned = buf;
  if (s->dead) {
    free(owned);
    return -ECONNREFUSED;
  }
  struct named_fd ctx = {s, fd};
  int made[4], nmade = 0;
  int r = netns_send_refs(buf, valid, name_netns_fd, &ctx, made, &nmade);
  int nonblock = !want_block(fd, flags);
  pthread_mutex_lock(&s->send_mu);
  if (r == 0 && valid) r = write_all(fd, buf, valid, nonblock);
  pthread_mutex_unlock(&s->send_mu);
  for (int i = 0; i < nmade; i++) real_close(made[i]);
  free(owned);
  if (r == -EPIPE || r == -ECONNRESET) {
    s->dead = 1;
    complain("the rtnld daemon closed the connection");
    return -ECONNREFUSED;
  }
  return r < 0 ? r : (ssize_t)total;
}

/* ------------------------------------------------------------------------------------------ */
/* Connecting                                                                                 */

static int connect_daemon(int cloexec, const char *what) {
  const char *path = getenv("RTNL_SOCKET");
  if (!path || !*path) {
    complain("%s: RTNL_SOCKET is not set: point it at an rtnld socket (rtnld --socket PATH)", what);
    return -ECONNREFUSED;
  }
  struct sockaddr_un sun = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof sun.sun_path) {
    complain("%s: RTNL_SOCKET path is too long (%zu bytes, at most %zu): %s", what, strlen(path), sizeof sun.sun_path - 1, path);
    return -ENAMETOOLONG;
  }
  strcpy(sun.sun_path, path);
  int fd = real_socket(AF_UNIX, SOCK_STREAM | (cloexec ? SOCK_CLOEXEC : 0), 0);
  if (fd < 0) return -errno;
  int r;
  do r = real_connect(fd, (struct sockaddr *)&sun, sizeof sun);
  while (r < 0 && errno == EINTR);
  if (r < 0) {
    int e = errno;
    real_close(fd);
    complain("%s: cannot connect to the rtnld daemon at %s: %s", what, path, strerror(e));
    return -ECONNREFUSED;
  }
  return fd;
}

EXPORT int socket(int domain, int type, int protocol) {
  ensure_init();
  int base = type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (domain == AF_NETLINK && refused_netlink_family(protocol)) return -1;
  if (domain != AF_NETLINK || protocol != NETLINK_ROUTE || (base != SOCK_RAW && base != SOCK_DGRAM))
    return real_socket(domain, type, protocol);
  int fd = connect_daemon(type & SOCK_CLOEXEC, "socket(AF_NETLINK, NETLINK_ROUTE)");
  int joined = fd < 0 ? fd : netns_join(fd, 1);
  if (joined < 0) {
    if (fd >= 0) real_close(fd);
    errno = -joined;
    return -1;
  }
  if (type & SOCK_NONBLOCK) real_fcntl(fd, F_SETFL, real_fcntl(fd, F_GETFL) | O_NONBLOCK);
  struct nlsock *s = calloc(1, sizeof *s);
  struct stat st;
  if (!s || fstat(fd, &st) != 0) {
    free(s);
    real_close(fd);
    errno = ENOMEM;
    return -1;
  }
  s->dev = st.st_dev;
  s->ino = st.st_ino;
  s->type = base;
  s->call_seq = 0x72746e00; /* "rtn" */
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->cv, NULL);
  pthread_mutex_init(&s->send_mu, NULL);
  pthread_mutex_init(&s->call_mu, NULL);
  pthread_mutex_lock(&g_lock);
  int r = register_locked(fd, s);
  pthread_mutex_unlock(&g_lock);
  if (r < 0) {
    sock_free(s);
    real_close(fd);
    errno = -r;
    return -1;
  }
  debugf("socket(AF_NETLINK, %s, NETLINK_ROUTE) = %d -> %s", base == SOCK_RAW ? "SOCK_RAW" : "SOCK_DGRAM", fd, getenv("RTNL_SOCKET"));
  return fd;
}

/* ------------------------------------------------------------------------------------------ */
/* fd life cycle                                                                              */

static void forget_fd(int fd) {
  if (atomic_load_explicit(&g_count, memory_order_relaxed) == 0 && !g_epregs) return;
  pthread_mutex_lock(&g_lock);
  unregister_locked(fd);
  /* An epoll instance going away takes its registrations with it. */
  for (struct epreg **p = &g_epregs; *p;) {
    if ((*p)->epfd == fd) {
      struct epreg *dead = *p;
      *p = dead->next;
      free(dead);
    } else {
      p = &(*p)->next;
    }
  }
  pthread_mutex_unlock(&g_lock);
}

EXPORT int close(int fd) {
  ensure_init();
  forget_fd(fd);
  return real_close(fd);
}

static void share_fd(int oldfd, int newfd) {
  struct nlsock *s = sock_get(oldfd);
  if (!s) return;
  pthread_mutex_lock(&g_lock);
  register_locked(newfd, s);
  put_locked(s);
  pthread_mutex_unlock(&g_lock);
}

EXPORT int dup(int oldfd) {
  ensure_init();
  int fd = real_dup(oldfd);
  if (fd >= 0) share_fd(oldfd, fd);
  return fd;
}

EXPORT int dup2(int oldfd, int newfd) {
  ensure_init();
  int fd = real_dup2(oldfd, newfd);
  if (fd >= 0 && oldfd != newfd) {
    forget_fd(newfd);
    share_fd(oldfd, newfd);
  }
  return fd;
}

EXPORT int dup3(int oldfd, int newfd, int flags) {
  ensure_init();
  int fd = real_dup3(oldfd, newfd, flags);
  if (fd >= 0) {
    forget_fd(newfd);
    share_fd(oldfd, newfd);
  }
  return fd;
}

EXPORT int fcntl(int fd, int cmd, ...) {
  ensure_init();
  va_list ap;
  va_start(ap, cmd);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  int r = real_fcntl(fd, cmd, arg);
  if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) share_fd(fd, r);
  return r;
}
EXPORT int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));

/* ------------------------------------------------------------------------------------------ */
/* Addressing and options                                                                     */

EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_bind(fd, addr, len);
  int r = 0;
  const struct sockaddr_nl *nl = (const struct sockaddr_nl *)addr;
  if (!addr || len < sizeof(struct sockaddr_nl) || nl->nl_family != AF_NETLINK) {
    r = -EINVAL;
    goto out;
  }
  if (!s->portid && (r = ensure_portid(s, fd, NULL)) < 0) goto out;
  uint32_t pid = nl->nl_pid;
  uint32_t shown = s->bound_pid ? s->bound_pid : s->portid;
  if (s->bound && pid != 0 && pid != shown) {
    r = -EINVAL; /* already bound elsewhere, as in netlink_bind() */
    goto out;
  }
  if (pid != 0 && pid != s->portid && !s->bound_pid) {
    /* A port id of the program's choosing (pyroute2 uses its pid): refuse one this process
     * already uses, like the kernel's EADDRINUSE, and show it in place of the daemon's. */
    pthread_mutex_lock(&g_lock);
    for (int i = 0; i < g_cap; i++) {
      struct nlsock *o = g_tab[i];
      if (o && o != s && (o->bound_pid ? o->bound_pid : o->portid) == pid) r = -EADDRINUSE;
    }
    pthread_mutex_unlock(&g_lock);
    if (r < 0) goto out;
  }
  r = sock_call(s, fd, CALL_BIND, 0, nl->nl_groups, NULL, 0);
  if (r == 0) {
    pthread_mutex_lock(&s->mu);
    if (pid != 0 && pid != s->portid) s->bound_pid = pid;
    s->bound = 1;
    pthread_mutex_unlock(&s->mu);
  }
out:
  debugf("bind(%d, pid=%u, groups=%#x) = %d", fd, addr && len >= sizeof *nl ? nl->nl_pid : 0, addr && len >= sizeof *nl ? nl->nl_groups : 0, r);
  sock_put(s);
  return (int)ret_errno(r);
}

EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_connect(fd, addr, len);
  int r = 0;
  const struct sockaddr_nl *nl = (const struct sockaddr_nl *)addr;
  if (!addr || len < sizeof(struct sockaddr_nl) || nl->nl_family != AF_NETLINK) r = -EINVAL;
  else if (nl->nl_pid != 0) r = -ECONNREFUSED; /* only the "kernel" is there */
  sock_put(s);
  return (int)ret_errno(r);
}

EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_getsockname(fd, addr, len);
  uint32_t groups = 0;
  int r = ensure_portid(s, fd, &groups);
  if (r == 0) {
    if (!addr || !len) {
      r = -EFAULT;
    } else {
      struct sockaddr_nl nl = {.nl_family = AF_NETLINK, .nl_pid = s->bound_pid ? s->bound_pid : s->portid, .nl_groups = groups};
      size_t c = *len < sizeof nl ? *len : sizeof nl;
      memcpy(addr, &nl, c);
      *len = sizeof nl;
    }
  }
  debugf("getsockname(%d) = %d (portid %u)", fd, r, s->bound_pid ? s->bound_pid : s->portid);
  sock_put(s);
  return (int)ret_errno(r);
}

EXPORT int getpeername(int fd, struct sockaddr *addr, socklen_t *len) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_getpeername(fd, addr, len);
  sock_put(s);
  if (!addr || !len) {
    errno = EFAULT;
    return -1;
  }
  fill_nladdr(addr, len);
  return 0;
}

EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_setsockopt(fd, level, name, val, len);
  int r;
  if (level == SOL_NETLINK) {
    int v = 0;
    if (val && len >= sizeof(int)) memcpy(&v, val, sizeof v);
    r = sock_call(s, fd, CALL_SETSOCKOPT, (uint32_t)name, (uint32_t)v, NULL, 0);
    debugf("setsockopt(%d, SOL_NETLINK, %d, %d) = %d", fd, name, v, r);
  } else if (level == SOL_SOCKET && (name == SO_ATTACH_FILTER || name == SO_DETACH_FILTER || name == SO_LOCK_FILTER || name == SO_ATTACH_BPF)) {
    /* A socket filter would run over the stream's bytes, not over messages: accepted, not applied. */
    r = 0;
  } else {
    r = real_setsockopt(fd, level, name, val, len) < 0 ? -errno : 0;
  }
  sock_put(s);
  return (int)ret_errno(r);
}

EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_getsockopt(fd, level, name, val, len);
  int r = 0;
  if (!len || (!val && *len)) {
    r = -EFAULT;
  } else if (level == SOL_NETLINK) {
    uint32_t w[3] = {0, 0, 0};
    if (name == NETLINK_LIST_MEMBERSHIPS) {
      r = sock_call(s, fd, CALL_GETSOCKOPT, (uint32_t)name, 0, w, 3);
      if (r == 0) {
        /* words: name, groups 1-32, groups 33-64; copy what fits, report the size needed */
        size_t have = *len;
        if (have >= 4) memcpy(val, &w[1], 4);
        if (have >= 8) memcpy((char *)val + 4, &w[2], 4);
        *len = 8;
      }
    } else if (*len < sizeof(int)) {
      r = -EINVAL;
    } else {
      r = sock_call(s, fd, CALL_GETSOCKOPT, (uint32_t)name, 0, w, 2);
      if (r == 0) {
        int v = (int)w[1];
        memcpy(val, &v, sizeof v);
        *len = sizeof v;
      }
    }
  } else if (level == SOL_SOCKET && (name == SO_TYPE || name == SO_DOMAIN || name == SO_PROTOCOL)) {
    int v = name == SO_TYPE ? s->type : name == SO_DOMAIN ? AF_NETLINK : NETLINK_ROUTE;
    if (*len < sizeof(int)) {
      r = -EINVAL;
    } else {
      memcpy(val, &v, sizeof v);
      *len = sizeof v;
    }
  } else {
    r = real_getsockopt(fd, level, name, val, len) < 0 ? -errno : 0;
  }
  sock_put(s);
  return (int)ret_errno(r);
}

EXPORT int listen(int fd, int backlog) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_listen(fd, backlog);
  sock_put(s);
  errno = EOPNOTSUPP;
  return -1;
}

EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_accept(fd, addr, len);
  sock_put(s);
  errno = EOPNOTSUPP;
  return -1;
}

EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_accept4(fd, addr, len, flags);
  sock_put(s);
  errno = EOPNOTSUPP;
  return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Data calls                                                                                 */

EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_sendmsg(fd, msg, flags);
  ssize_t r = nl_send_iov(s, fd, msg->msg_iov, msg->msg_iovlen, flags, msg->msg_name, msg->msg_namelen);
  sock_put(s);
  return ret_errno(r);
}

EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_sendto(fd, buf, n, flags, to, tolen);
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = n};
  ssize_t r = nl_send_iov(s, fd, &iov, 1, flags, to, tolen);
  sock_put(s);
  return ret_errno(r);
}

EXPORT ssize_t send(int fd, const void *buf, size_t n, int flags) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_send(fd, buf, n, flags);
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = n};
  ssize_t r = nl_send_iov(s, fd, &iov, 1, flags, NULL, 0);
  sock_put(s);
  return ret_errno(r);
}

EXPORT ssize_t write(int fd, const void *buf, size_t n) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_write(fd, buf, n);
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = n};
  ssize_t r = nl_send_iov(s, fd, &iov, 1, 0, NULL, 0);
  sock_put(s);
  return ret_errno(r);
}

EXPORT ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_writev(fd, iov, iovcnt);
  ssize_t r = iovcnt < 0 ? -EINVAL : nl_send_iov(s, fd, iov, (size_t)iovcnt, 0, NULL, 0);
  sock_put(s);
  return ret_errno(r);
}

EXPORT int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_sendmmsg(fd, vec, vlen, flags);
  unsigned int i;
  ssize_t r = 0;
  for (i = 0; i < vlen; i++) {
    r = nl_send_iov(s, fd, vec[i].msg_hdr.msg_iov, vec[i].msg_hdr.msg_iovlen, flags, vec[i].msg_hdr.msg_name, vec[i].msg_hdr.msg_namelen);
    if (r < 0) break;
    vec[i].msg_len = (unsigned int)r;
  }
  sock_put(s);
  if (i == 0 && vlen > 0) return (int)ret_errno(r);
  return (int)i;
}

EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_recvmsg(fd, msg, flags);
  int oflags = 0, nsid;
  ssize_t r = nl_recv(s, fd, msg->msg_iov, msg->msg_iovlen, flags, &oflags, &nsid);
  if (r >= 0) {
    fill_nladdr(msg->msg_name, msg->msg_name ? &msg->msg_namelen : NULL);
    if (!msg->msg_name) msg->msg_namelen = 0;
    put_nsid_cmsg(msg, nsid, &oflags);
    msg->msg_flags = oflags;
  }
  sock_put(s);
  return ret_errno(r);
}

EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *from, socklen_t *fromlen) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_recvfrom(fd, buf, n, flags, from, fromlen);
  struct iovec iov = {.iov_base = buf, .iov_len = n};
  int oflags = 0;
  ssize_t r = nl_recv(s, fd, &iov, 1, flags, &oflags, NULL);
  if (r >= 0 && from) fill_nladdr(from, fromlen);
  sock_put(s);
  return ret_errno(r);
}

EXPORT ssize_t recv(int fd, void *buf, size_t n, int flags) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_recv(fd, buf, n, flags);
  struct iovec iov = {.iov_base = buf, .iov_len = n};
  int oflags = 0;
  ssize_t r = nl_recv(s, fd, &iov, 1, flags, &oflags, NULL);
  sock_put(s);
  return ret_errno(r);
}

EXPORT ssize_t read(int fd, void *buf, size_t n) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_read(fd, buf, n);
  struct iovec iov = {.iov_base = buf, .iov_len = n};
  int oflags = 0;
  ssize_t r = nl_recv(s, fd, &iov, 1, 0, &oflags, NULL);
  sock_put(s);
  return ret_errno(r);
}

EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_readv(fd, iov, iovcnt);
  int oflags = 0;
  ssize_t r = iovcnt < 0 ? -EINVAL : nl_recv(s, fd, iov, (size_t)iovcnt, 0, &oflags, NULL);
  sock_put(s);
  return ret_errno(r);
}

EXPORT int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags, struct timespec *timeout) {
  ensure_init();
  struct nlsock *s = sock_get(fd);
  if (!s) return real_recvmmsg(fd, vec, vlen, flags, timeout);
  unsigned int i;
  ssize_t r = 0;
  int wait_first = flags & ~MSG_WAITFORONE;
  for (i = 0; i < vlen; i++) {
    int oflags = 0;
    int f = i == 0 ? wait_first : (wait_first | ((flags & MSG_WAITFORONE) ? MSG_DONTWAIT : 0));
    int nsid;
    r = nl_recv(s, fd, vec[i].msg_hdr.msg_iov, vec[i].msg_hdr.msg_iovlen, f, &oflags, &nsid);
    if (r < 0) break;
    fill_nladdr(vec[i].msg_hdr.msg_name, vec[i].msg_hdr.msg_name ? &vec[i].msg_hdr.msg_namelen : NULL);
    put_nsid_cmsg(&vec[i].msg_hdr, nsid, &oflags);
    vec[i].msg_hdr.msg_flags = oflags;
    vec[i].msg_len = (unsigned int)r;
  }
  sock_put(s);
  if (i == 0 && vlen > 0) return (int)ret_errno(r);
  return (int)i;
}

/* Fortified variants (_FORTIFY_SOURCE) call these instead. */
EXPORT ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags) {
  if (n > buflen) abort();
  return recv(fd, buf, n, flags);
}
EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags, struct sockaddr *from, socklen_t *fromlen) {
  if (n > buflen) abort();
  return recvfrom(fd, buf, n, flags, from, fromlen);
}
EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen) {
  if (n > buflen) abort();
  return read(fd, buf, n);
}

/* ------------------------------------------------------------------------------------------ */
/* Readiness: an fd that holds whole messages is readable even when its socket is empty.      */

/* Whether fd is ours and holds messages. */
static int holds_messages(int fd) {
  if (atomic_load_explicit(&g_held, memory_order_relaxed) == 0) return 0;
  struct nlsock *s = sock_get(fd);
  if (!s) return 0;
  pthread_mutex_lock(&s->mu);
  int h = s->head != NULL;
  pthread_mutex_unlock(&s->mu);
  sock_put(s);
  return h;
}

/* Marks the held fds in a poll set; returns how many entries got POLLIN that way. */
static int poll_held(struct pollfd *fds, nfds_t n, unsigned char *marks) {
  int count = 0;
  for (nfds_t i = 0; i < n; i++) {
    marks[i] = 0;
    if ((fds[i].events & (POLLIN | POLLRDNORM)) && holds_messages(fds[i].fd)) {
      marks[i] = 1;
      count++;
    }
  }
  return count;
}

static int poll_merge(struct pollfd *fds, nfds_t n, const unsigned char *marks, int r) {
  if (r < 0) {
    for (nfds_t i = 0; i < n; i++) fds[i].revents = 0;
    r = 0;
  }
  int count = 0;
  for (nfds_t i = 0; i < n; i++) {
    if (marks[i]) fds[i].revents |= fds[i].events & (POLLIN | POLLRDNORM);
    if (fds[i].revents) count++;
  }
  return count;
}

EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout) {
  ensure_init();
  if (atomic_load_explicit(&g_held, memory_order_relaxed) == 0 || n == 0 || n > 4096) return real_poll(fds, n, timeout);
  unsigned char marks[4096];
  if (poll_held(fds, n, marks) == 0) return real_poll(fds, n, timeout);
  int r = real_poll(fds, n, 0);
  return poll_merge(fds, n, marks, r);
}

EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen) {
  if (fdslen / sizeof *fds < n) abort();
  return poll(fds, n, timeout);
}

EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *sigmask) {
  ensure_init();
  if (atomic_load_explicit(&g_held, memory_order_relaxed) == 0 || n == 0 || n > 4096) return real_ppoll(fds, n, timeout, sigmask);
  unsigned char marks[4096];
  if (poll_held(fds, n, marks) == 0) return real_ppoll(fds, n, timeout, sigmask);
  struct timespec zero = {0, 0};
  int r = real_ppoll(fds, n, &zero, sigmask);
  return poll_merge(fds, n, marks, r);
}

EXPORT int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *sigmask, size_t fdslen) {
  if (fdslen / sizeof *fds < n) abort();
  return ppoll(fds, n, timeout, sigmask);
}

static int select_held(int nfds, fd_set *rd, fd_set *held) {
  FD_ZERO(held);
  int count = 0;
  if (!rd) return 0;
  for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++) {
    if (FD_ISSET(fd, rd) && holds_messages(fd)) {
      FD_SET(fd, held);
      count++;
    }
  }
  return count;
}

static int select_merge(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, fd_set *held, int r) {
  if (r < 0) {
    if (rd) FD_ZERO(rd);
    if (wr) FD_ZERO(wr);
    if (ex) FD_ZERO(ex);
  }
  int count = 0;
  for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++) {
    if (FD_ISSET(fd, held)) FD_SET(fd, rd);
    if (rd && FD_ISSET(fd, rd)) count++;
    if (wr && FD_ISSET(fd, wr)) count++;
    if (ex && FD_ISSET(fd, ex)) count++;
  }
  return count;
}

EXPORT int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout) {
  ensure_init();
  fd_set held;
  if (atomic_load_explicit(&g_held, memory_order_relaxed) == 0 || select_held(nfds, rd, &held) == 0)
    return real_select(nfds, rd, wr, ex, timeout);
  struct timeval zero = {0, 0};
  int r = real_select(nfds, rd, wr, ex, &zero);
  return select_merge(nfds, rd, wr, ex, &held, r);
}

EXPORT int pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, const struct timespec *timeout, const sigset_t *sigmask) {
  ensure_init();
  fd_set held;
  if (atomic_load_explicit(&g_held, memory_order_relaxed) == 0 || select_held(nfds, rd, &held) == 0)
    return real_pselect(nfds, rd, wr, ex, timeout, sigmask);
  struct timespec zero = {0, 0};
  int r = real_pselect(nfds, rd, wr, ex, &zero, sigmask);
  return select_merge(nfds, rd, wr, ex, &held, r);
}

EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev) {
  ensure_init();
  int r = real_epoll_ctl(epfd, op, fd, ev);
  if (r != 0) return r;
  struct nlsock *s = sock_get(fd);
  if (!s) return r;
  pthread_mutex_lock(&g_lock);
  struct epreg **p = &g_epregs;
  while (*p && !((*p)->epfd == epfd && (*p)->fd == fd)) p = &(*p)->next;
  if (op == EPOLL_CTL_DEL) {
    if (*p) {
      struct epreg *dead = *p;
      *p = dead->next;
      free(dead);
    }
  } else if (ev) {
    if (!*p && (*p = calloc(1, sizeof **p))) {
      (*p)->epfd = epfd;
      (*p)->fd = fd;
    }
    if (*p) {
      (*p)->s = s;
      (*p)->ev = *ev;
    }
  }
  pthread_mutex_unlock(&g_lock);
  sock_put(s);
  return r;
}

/* Adds events for registered fds of epfd that hold messages; returns how many were added to
 * those already in events[0..r). */
static int epoll_held(int epfd, struct epoll_event *events, int max, int r) {
  int n = r < 0 ? 0 : r;
  pthread_mutex_lock(&g_lock);
  for (struct epreg *e = g_epregs; e && n < max; e = e->next) {
    if (e->epfd != epfd || !(e->ev.events & EPOLLIN)) continue;
    struct nlsock *s = e->fd < g_cap ? g_tab[e->fd] : NULL;
    if (!s) continue;
    pthread_mutex_lock(&s->mu);
    int h = s->head != NULL;
    pthread_mutex_unlock(&s->mu);
    if (!h) continue;
    int dup_event = 0;
    for (int i = 0; i < n; i++) {
      if (events[i].data.u64 == e->ev.data.u64) {
        events[i].events |= EPOLLIN;
        dup_event = 1;
      }
    }
    if (dup_event) continue;
    events[n].events = EPOLLIN;
    events[n].data = e->ev.data;
    n++;
  }
  pthread_mutex_unlock(&g_lock);
  return n;
}

static int epoll_has_held(int epfd) {
  if (atomic_load_explicit(&g_held, memory_order_relaxed) == 0) return 0;
  int found = 0;
  pthread_mutex_lock(&g_lock);
  for (struct epreg *e = g_epregs; e && !found; e = e->next) {
    if (e->epfd != epfd || !(e->ev.events & EPOLLIN)) continue;
    struct nlsock *s = e->fd < g_cap ? g_tab[e->fd] : NULL;
    if (!s) continue;
    pthread_mutex_lock(&s->mu);
    found = s->head != NULL;
    pthread_mutex_unlock(&s->mu);
  }
  pthread_mutex_unlock(&g_lock);
  return found;
}

EXPORT int epoll_wait(int epfd, struct epoll_event *events, int max, int timeout) {
  ensure_init();
  if (max <= 0 || !epoll_has_held(epfd)) return real_epoll_wait(epfd, events, max, timeout);
  int r = real_epoll_wait(epfd, events, max, 0);
  return epoll_held(epfd, events, max, r);
}

EXPORT int epoll_pwait(int epfd, struct epoll_event *events, int max, int timeout, const sigset_t *sigmask) {
  ensure_init();
  if (max <= 0 || !epoll_has_held(epfd)) return real_epoll_pwait(epfd, events, max, timeout, sigmask);
  int r = real_epoll_pwait(epfd, events, max, 0, sigmask);
  return epoll_held(epfd, events, max, r);
}

/* ------------------------------------------------------------------------------------------ */
/* glibc interface enumeration, reimplemented over a private connection                       */

int nlbuf_add(struct nlbuf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 16384;
    while (cap < b->len + n) cap *= 2;
    unsigned char *d = realloc(b->data, cap);
    if (!d) return -ENOMEM;
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}

/* Sends one request on a private connection and collects the replies with its seq up to
 * NLMSG_DONE or NLMSG_ERROR, or up to a type-15 answer to an in-band call (kept). Returns 0, or -errno (from the daemon's error or the transport). */
int priv_request(int fd, const unsigned char *req, size_t reqlen, struct nlbuf *out) {
  int r = write_all(fd, req, reqlen, 0);
  if (r < 0) return r;
  uint32_t seq = rd32(req + 8);
  for (;;) {
    unsigned char hdr[NLMSG_HDRLEN];
    if ((r = read_exact(fd, hdr, sizeof hdr)) < 0) return r;
    uint32_t len = rd32(hdr);
    if (len < NLMSG_HDRLEN || len > MAX_MESSAGE) return -EPROTO;
    unsigned char *m = malloc(nl_align(len));
    if (!m) return -ENOMEM;
    memcpy(m, hdr, sizeof hdr);
    if ((r = read_exact(fd, m + sizeof hdr, nl_align(len) - sizeof hdr)) < 0) {
      free(m);
      return r;
    }
    uint16_t type = rd16(m + 4);
    if (rd32(m + 8) != seq) {
      free(m);
      continue;
    }
    if (type == SOCKET_CALL) { /* the answer to an in-band call */
      r = nlbuf_add(out, m, nl_align(len));
      free(m);
      return r;
    }
    if (type == NLMSG_DONE || type == NLMSG_ERROR) {
      int32_t err = 0;
      if (len >= 20) memcpy(&err, m + 16, 4);
      free(m);
      return err < 0 ? err : 0;
    }
    r = nlbuf_add(out, m, nl_align(len));
    free(m);
    if (r < 0) return r;
  }
}

static uint32_t priv_seq = 1;

uint32_t next_seq(void) { return __atomic_add_fetch(&priv_seq, 1, __ATOMIC_RELAXED); }

int priv_dump(int fd, uint16_t type, uint8_t family, struct nlbuf *out) {
  unsigned char req[NLMSG_HDRLEN + sizeof(struct ifinfomsg)];
  memset(req, 0, sizeof req);
  size_t body = type == RTM_GETLINK ? sizeof(struct ifinfomsg) : sizeof(struct ifaddrmsg);
  wr32(req, (uint32_t)(NLMSG_HDRLEN + body));
  uint16_t flags = NLM_F_REQUEST | NLM_F_DUMP;
  memcpy(req + 4, &type, 2);
  memcpy(req + 6, &flags, 2);
  wr32(req + 8, next_seq());
  req[NLMSG_HDRLEN] = family;
  return priv_request(fd, req, NLMSG_HDRLEN + body, out);
}

/* Finds attribute `type` in [p, end). */
const unsigned char *find_attr(const unsigned char *p, const unsigned char *end, uint16_t type, uint16_t *len) {
  while (p + 4 <= end) {
    uint16_t l = rd16(p), t = rd16(p + 2) & NLA_TYPE_MASK;
    if (l < 4 || p + l > end) break;
    if (t == type) {
      *len = (uint16_t)(l - 4);
      return p + 4;
    }
    p += (l + 3u) & ~3u;
  }
  return NULL;
}

/* A string attribute (NUL-terminated or not) into a buffer of `size`; empty when v is NULL. */
static void copy_string(char *dst, size_t size, const unsigned char *v, uint16_t len) {
  size_t c = v ? strnlen((const char *)v, len) : 0;
  if (c >= size) c = size - 1;
  if (v) memcpy(dst, v, c);
  dst[c] = 0;
}

static uint32_t attr_u32(const unsigned char *a, const unsigned char *end, uint16_t type, uint32_t absent) {
  uint16_t len;
  const unsigned char *v = find_attr(a, end, type, &len);
  return v && len >= 4 ? rd32(v) : absent;
}

/* One RTM_NEWLINK message (m, len bytes) into l; 0, or -EPROTO if it is not one. */
static int parse_link(const unsigned char *m, uint32_t len, struct linkinfo *l) {
  if (rd16(m + 4) != RTM_NEWLINK || len < NLMSG_HDRLEN + sizeof(struct ifinfomsg)) return -EPROTO;
  struct ifinfomsg ifi;
  memcpy(&ifi, m + NLMSG_HDRLEN, sizeof ifi);
  memset(l, 0, sizeof *l);
  l->index = ifi.ifi_index;
  l->flags = ifi.ifi_flags;
  l->type = ifi.ifi_type;
  const unsigned char *a = m + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof ifi), *end = m + len;
  uint16_t alen = 0;
  const unsigned char *v;
  v = find_attr(a, end, IFLA_IFNAME, &alen);
  copy_string(l->name, sizeof l->name, v, alen);
  v = find_attr(a, end, IFLA_IFALIAS, &alen);
  copy_string(l->alias, sizeof l->alias, v, alen);
  l->mtu = attr_u32(a, end, IFLA_MTU, 0);
  l->txqlen = attr_u32(a, end, IFLA_TXQLEN, 0);
  l->group = attr_u32(a, end, IFLA_GROUP, 0);
  l->carrier_changes = attr_u32(a, end, IFLA_CARRIER_CHANGES, 0);
  l->promiscuity = attr_u32(a, end, IFLA_PROMISCUITY, 0);
  l->allmulti = attr_u32(a, end, IFLA_ALLMULTI, 0);
  l->master = (int)attr_u32(a, end, IFLA_MASTER, 0);
  l->iflink = (int)attr_u32(a, end, IFLA_LINK, (uint32_t)ifi.ifi_index);
  l->operstate = (v = find_attr(a, end, IFLA_OPERSTATE, &alen)) && alen >= 1 ? v[0] : 0;
  l->carrier = (v = find_attr(a, end, IFLA_CARRIER, &alen)) && alen >= 1 ? v[0] : 0;
  if ((v = find_attr(a, end, IFLA_LINKINFO, &alen))) {
    uint16_t klen = 0;
    const unsigned char *kind = find_attr(v, v + alen, IFLA_INFO_KIND, &klen);
    copy_string(l->kind, sizeof l->kind, kind, klen);
  }
  if ((v = find_attr(a, end, IFLA_STATS64, &alen))) memcpy(&l->stats64, v, alen < sizeof l->stats64 ? alen : sizeof l->stats64);
  if ((v = find_attr(a, end, IFLA_ADDRESS, &alen)) && alen <= sizeof l->addr) {
    memcpy(l->addr, v, alen);
    l->addrlen = alen;
  }
  if ((v = find_attr(a, end, IFLA_BROADCAST, &alen)) && alen <= sizeof l->brd) {
    memcpy(l->brd, v, alen);
    l->brdlen = alen;
  }
  if ((v = find_attr(a, end, IFLA_STATS, &alen))) {
    memcpy(&l->stats, v, alen < sizeof l->stats ? alen : sizeof l->stats);
    l->has_stats = 1;
  }
  return 0;
}

int collect_links(int fd, struct linkinfo **out, int *count) {
  struct nlbuf b = {0};
  int r = priv_dump(fd, RTM_GETLINK, AF_UNSPEC, &b);
  if (r < 0) {
    free(b.data);
    return r;
  }
  int n = 0;
  FOR_EACH_MSG(&b, m) if (rd16(m + 4) == RTM_NEWLINK) n++;
  struct linkinfo *links = calloc((size_t)n + 1, sizeof *links);
  if (!links) {
    free(b.data);
    return -ENOMEM;
  }
  int i = 0;
  FOR_EACH_MSG(&b, m) if (parse_link(m, rd32(m), &links[i]) == 0) i++;
  free(b.data);
  *out = links;
  *count = i;
  return 0;
}

int fetch_link(int fd, const char *name, int index, struct linkinfo *out) {
  unsigned char req[NLMSG_HDRLEN + sizeof(struct ifinfomsg) + 4 + IFNAMSIZ] = {0};
  size_t len = NLMSG_HDRLEN + sizeof(struct ifinfomsg);
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = name ? 0 : index};
  memcpy(req + NLMSG_HDRLEN, &ifi, sizeof ifi);
  if (name) {
    size_t nl = strnlen(name, IFNAMSIZ - 1) + 1;
    uint16_t alen = (uint16_t)(4 + nl), atype = IFLA_IFNAME;
    memcpy(req + len, &alen, 2);
    memcpy(req + len + 2, &atype, 2);
    memcpy(req + len + 4, name, nl - 1);
    len += nl_align(alen);
  }
  wr32(req, (uint32_t)len);
  uint16_t type = RTM_GETLINK, flags = NLM_F_REQUEST | NLM_F_ACK;
  memcpy(req + 4, &type, 2);
  memcpy(req + 6, &flags, 2);
  wr32(req + 8, next_seq());
  struct nlbuf b = {0};
  int r = priv_request(fd, req, len, &b);
  if (r == 0) r = b.len >= NLMSG_HDRLEN ? parse_link(b.data, rd32(b.data), out) : -EPROTO;
  free(b.data);
  return r;
}

int open_control(const char *what) {
  ensure_init();
  return connect_daemon(1, what);
}

int open_private(const char *what) {
  int fd = open_control(what);
  int r = fd < 0 ? fd : netns_join(fd, 0);
  if (r < 0 && fd >= 0) real_close(fd);
  return r < 0 ? r : fd;
}

int snapshot(const char *what, struct linkinfo **links, int *nlinks, struct nlbuf *addrs) {
  *links = NULL;
  *nlinks = 0;
  int fd = open_private(what);
  if (fd < 0) return fd;
  int r = collect_links(fd, links, nlinks);
  if (r == 0 && addrs) r = priv_dump(fd, RTM_GETADDR, AF_UNSPEC, addrs);
  real_close(fd);
  if (r < 0) {
    free(*links);
    *links = NULL;
    *nlinks = 0;
  }
  return r;
}

/* One block, as glibc allocates it, so that either free() or glibc's freeifaddrs() releases it. */
struct ifa_entry {
  struct ifaddrs ifa;
  union {
    struct sockaddr sa;
    struct sockaddr_ll sll;
    struct sockaddr_in s4;
    struct sockaddr_in6 s6;
  } addr, netmask, broad;
  char name[IF_NAMESIZE];
  struct rtnl_link_stats stats;
};

static void set_ip(struct ifa_entry *e, int which, int family, const unsigned char *v, uint16_t len, int ifindex) {
  struct sockaddr *sa = which == 0 ? &e->addr.sa : which == 1 ? &e->netmask.sa : &e->broad.sa;
  if (family == AF_INET && len >= 4) {
    struct sockaddr_in *s = (struct sockaddr_in *)sa;
    s->sin_family = AF_INET;
    memcpy(&s->sin_addr, v, 4);
  } else if (family == AF_INET6 && len >= 16) {
    struct sockaddr_in6 *s = (struct sockaddr_in6 *)sa;
    s->sin6_family = AF_INET6;
    memcpy(&s->sin6_addr, v, 16);
    if (IN6_IS_ADDR_LINKLOCAL(&s->sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&s->sin6_addr)) s->sin6_scope_id = (uint32_t)ifindex;
  } else {
    return;
  }
  if (which == 0) e->ifa.ifa_addr = sa;
  else if (which == 1) e->ifa.ifa_netmask = sa;
  else e->ifa.ifa_broadaddr = sa;
}

EXPORT int getifaddrs(struct ifaddrs **ifap) {
  int fd = open_private("getifaddrs()");
  if (fd < 0) {
    errno = -fd;
    return -1;
  }
  struct linkinfo *links = NULL;
  int nlinks = 0;
  struct nlbuf addrs = {0};
  int r = collect_links(fd, &links, &nlinks);
  if (r == 0 && priv_dump(fd, RTM_GETADDR, AF_UNSPEC, &addrs) < 0) addrs.len = 0; /* links only */
  real_close(fd);
  if (r < 0) {
    free(links);
    free(addrs.data);
    errno = -r;
    return -1;
  }
  int naddrs = 0;
  FOR_EACH_MSG(&addrs, m) if (rd16(m + 4) == RTM_NEWADDR) naddrs++;
  size_t total = (size_t)nlinks + (size_t)naddrs;
  struct ifa_entry *ents = calloc(total ? total : 1, sizeof *ents);
  if (!ents) {
    free(links);
    free(addrs.data);
    errno = ENOMEM;
    return -1;
  }
  size_t k = 0;
  for (int i = 0; i < nlinks; i++, k++) {
    struct ifa_entry *e = &ents[k];
    struct linkinfo *l = &links[i];
    memcpy(e->name, l->name, sizeof e->name);
    e->ifa.ifa_name = e->name;
    e->ifa.ifa_flags = l->flags;
    e->addr.sll.sll_family = AF_PACKET;
    e->addr.sll.sll_ifindex = l->index;
    e->addr.sll.sll_hatype = l->type;
    e->addr.sll.sll_halen = (unsigned char)(l->addrlen <= 8 ? l->addrlen : 8);
    memcpy(e->addr.sll.sll_addr, l->addr, e->addr.sll.sll_halen);
    e->ifa.ifa_addr = &e->addr.sa;
    if (l->brdlen) {
      e->broad.sll.sll_family = AF_PACKET;
      e->broad.sll.sll_ifindex = l->index;
      e->broad.sll.sll_hatype = l->type;
      e->broad.sll.sll_halen = (unsigned char)(l->brdlen <= 8 ? l->brdlen : 8);
      memcpy(e->broad.sll.sll_addr, l->brd, e->broad.sll.sll_halen);
      e->ifa.ifa_broadaddr = &e->broad.sa;
    }
    e->stats = l->stats;
    e->ifa.ifa_data = &e->stats;
  }
  FOR_EACH_MSG(&addrs, m) {
    uint32_t len = rd32(m);
    if (rd16(m + 4) != RTM_NEWADDR || len < NLMSG_HDRLEN + sizeof(struct ifaddrmsg)) continue;
    struct ifaddrmsg ifa;
    memcpy(&ifa, m + NLMSG_HDRLEN, sizeof ifa);
    if (ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6) continue;
    struct linkinfo *l = NULL;
    for (int i = 0; i < nlinks; i++) if (links[i].index == (int)ifa.ifa_index) l = &links[i];
    if (!l) continue;
    struct ifa_entry *e = &ents[k++];
    memcpy(e->name, l->name, sizeof e->name);
    e->ifa.ifa_name = e->name;
    e->ifa.ifa_flags = l->flags;
    /* The attributes in the order the daemon (like the kernel) sends them, with glibc's
     * reading of them (sysdeps/unix/sysv/linux/ifaddrs.c): a second address attribute makes the
     * first one the "broadcast/destination" address. So an IPv4 address without a broadcast
     * address (IFA_ADDRESS then IFA_LOCAL) reports itself as its broadcast address, and
     * IFA_BROADCAST, when present, replaces that. */
    const unsigned char *a = m + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof ifa), *end = m + len;
    while (a + 4 <= end) {
      uint16_t alen = rd16(a), atype = rd16(a + 2) & NLA_TYPE_MASK;
      if (alen < 4 || a + alen > end) break;
      const unsigned char *v = a + 4;
      uint16_t vlen = (uint16_t)(alen - 4);
      if (atype == IFA_ADDRESS) {
        set_ip(e, e->ifa.ifa_addr ? 2 : 0, ifa.ifa_family, v, vlen, (int)ifa.ifa_index);
      } else if (atype == IFA_LOCAL) {
        if (e->ifa.ifa_addr) {
          e->broad = e->addr;
          e->ifa.ifa_broadaddr = &e->broad.sa;
          memset(&e->addr, 0, sizeof e->addr);
        }
        set_ip(e, 0, ifa.ifa_family, v, vlen, (int)ifa.ifa_index);
      } else if (atype == IFA_BROADCAST) {
        memset(&e->broad, 0, sizeof e->broad);
        set_ip(e, 2, ifa.ifa_family, v, vlen, (int)ifa.ifa_index);
      } else if (atype == IFA_LABEL && vlen > 0) {
        copy_string(e->name, sizeof e->name, v, vlen);
      }
      a += nl_align(alen);
    }
    /* The netmask from the prefix length. */
    unsigned char mask[16] = {0};
    unsigned bits = ifa.ifa_prefixlen, max = ifa.ifa_family == AF_INET ? 32 : 128;
    if (bits > max) bits = max;
    for (unsigned b = 0; b < bits; b++) mask[b / 8] |= (unsigned char)(0x80u >> (b % 8));
    set_ip(e, 1, ifa.ifa_family, mask, ifa.ifa_family == AF_INET ? 4 : 16, 0);
    if (ifa.ifa_family == AF_INET6) e->netmask.s6.sin6_scope_id = 0;
  }
  free(links);
  free(addrs.data);
  if (k == 0) {
    free(ents);
    *ifap = NULL;
    return 0;
  }
  for (size_t i = 0; i + 1 < k; i++) ents[i].ifa.ifa_next = &ents[i + 1].ifa;
  ents[k - 1].ifa.ifa_next = NULL;
  *ifap = &ents[0].ifa;
  return 0;
}

EXPORT void freeifaddrs(struct ifaddrs *ifa) { free(ifa); }

EXPORT struct if_nameindex *if_nameindex(void) {
  int fd = open_private("if_nameindex()");
  if (fd < 0) {
    errno = -fd;
    return NULL;
  }
  struct linkinfo *links = NULL;
  int n = 0;
  int r = collect_links(fd, &links, &n);
  real_close(fd);
  if (r < 0) {
    errno = -r;
    return NULL;
  }
  /* Laid out as glibc does (names allocated one by one), so glibc's if_freenameindex() works. */
  struct if_nameindex *idx = calloc((size_t)n + 1, sizeof *idx);
  if (!idx) {
    free(links);
    errno = ENOMEM;
    return NULL;
  }
  for (int i = 0; i < n; i++) {
    idx[i].if_index = (unsigned)links[i].index;
    if (!(idx[i].if_name = strdup(links[i].name))) {
      for (int j = 0; j < i; j++) free(idx[j].if_name);
      free(idx);
      free(links);
      errno = ENOMEM;
      return NULL;
    }
  }
  free(links);
  return idx;
}

EXPORT void if_freenameindex(struct if_nameindex *idx) {
  if (!idx) return;
  for (struct if_nameindex *p = idx; p->if_name || p->if_index; p++) free(p->if_name);
  free(idx);
}

/* RTM_GETLINK for one device, by index or by name; fills name/index. */
static int get_one_link(int index, const char *name, char *name_out, unsigned *index_out) {
  int fd = open_private(index ? "if_indextoname()" : "if_nametoindex()");
  if (fd < 0) return fd;
  struct linkinfo l;
  int r = fetch_link(fd, index ? NULL : name, index, &l);
  real_close(fd);
  if (r < 0) return r;
  *index_out = (unsigned)l.index;
  if (name_out) memcpy(name_out, l.name, IFNAMSIZ);
  return 0;
}

EXPORT unsigned int if_nametoindex(const char *name) {
  if (!name || !*name || strlen(name) >= IFNAMSIZ) {
    errno = ENODEV;
    return 0;
  }
  unsigned index = 0;
  int r = get_one_link(0, name, NULL, &index);
  if (r < 0) {
    errno = r == -ECONNREFUSED || r == -ENAMETOOLONG ? -r : ENODEV;
    return 0;
  }
  return index;
}

EXPORT char *if_indextoname(unsigned int index, char name[IF_NAMESIZE]) {
  if (index == 0 || index > INT_MAX) {
    errno = ENXIO;
    return NULL;
  }
  unsigned got = 0;
  char buf[IFNAMSIZ];
  int r = get_one_link((int)index, NULL, buf, &got);
  if (r < 0) {
    errno = r == -ECONNREFUSED || r == -ENAMETOOLONG ? -r : ENXIO;
    return NULL;
  }
  memcpy(name, buf, strlen(buf) + 1);
  return name;
}
