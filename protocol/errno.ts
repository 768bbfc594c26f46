// Linux x86_64 errno numbers. On the wire they travel negated (NLMSG_ERROR.error, NLMSG_DONE payload).
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  ENXIO: 6,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENFILE: 23,
  ENOSPC: 28,
  ERANGE: 34,
  ELOOP: 40,
  ENODATA: 61,
  EMSGSIZE: 90,
  ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ENOBUFS: 105,
  ENOTCONN: 107,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
} as const;

export type ErrnoName = keyof typeof Errno;

/** The symbolic name of a positive errno, e.g. 19 -> "ENODEV" (the full table is in errno-names.ts). */
export { errnoSymbol as errnoName } from './errno-names.js';
