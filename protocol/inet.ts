import { AF_INET, AF_INET6 } from './constants.js';

/**
 * IPv4/IPv6 addresses as the C library prints and parses them (inet_ntop, inet_pton), so that
 * what a client prints is byte-for-byte what iproute2 prints.
 */

/** inet_ntop(AF_INET, ...) */
export function formatIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** inet_ntop(AF_INET6, ...), glibc's rules: the longest run (≥ 2) of zero words becomes "::", the first on ties; IPv4-compatible and -mapped addresses end in dotted quad. */
export function formatIpv6(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i]! << 8) | b[i + 1]!);
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase < 0) {
        curBase = i;
        curLen = 1;
      } else {
        curLen++;
      }
    } else if (curBase >= 0) {
      if (curLen > bestLen) [bestBase, bestLen] = [curBase, curLen];
      curBase = -1;
    }
  }
  if (curBase >= 0 && curLen > bestLen) [bestBase, bestLen] = [curBase, curLen];
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // Encapsulated IPv4: ::a.b.c.d, ::ffff:a.b.c.d
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += formatIpv4(b.subarray(12, 16));
      return out;
    }
    out += words[i]!.toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** An address of `family` (AF_INET / AF_INET6), or by length when the family is not given. */
export function formatInet(b: Uint8Array, family?: number): string {
  const fam = family ?? (b.length === 16 ? AF_INET6 : AF_INET);
  if (fam === AF_INET && b.length >= 4) return formatIpv4(b);
  if (fam === AF_INET6 && b.length >= 16) return formatIpv6(b);
  return Buffer.from(b).toString('hex');
}

/** inet_pton(AF_INET): exactly four decimal parts 0-255. */
export function parseIpv4(s: string): Uint8Array | undefined {
  // One pass over the characters: four dot-separated groups of 1 to 3 digits, each <= 255
  // (no split() and no regular expression per group: clients parse one per route they add).
  const out = new Uint8Array(4);
  let part = 0;
  let digits = 0;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) { // '.'
      if (digits === 0 || part === 3) return undefined;
      out[part++] = v;
      digits = 0;
      v = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      v = v * 10 + (c - 48);
      if (v > 255) return undefined;
      digits++;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || part !== 3) return undefined;
  out[3] = v;
  return out;
}

/** inet_pton(AF_INET6), including "::" compression and a trailing dotted quad. */
export function parseIpv6(s: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let head = s;
  let v4: Uint8Array | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    v4 = parseIpv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.indexOf('::');
  if (dbl !== head.lastIndexOf('::')) return undefined;
  const groups = (str: string) => (str === '' ? [] : str.split(':'));
  let words: string[];
  if (dbl >= 0) {
    const left = groups(head.slice(0, dbl));
    const right = groups(head.slice(dbl + 2));
    const fill = 8 - left.length - right.length;
    if (fill < 1) return undefined;
    words = [...left, ...Array<string>(fill).fill('0'), ...right];
  } else {
    words = groups(head);
  }
  if (words.length !== 8) return undefined;
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const w = words[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(w)) return undefined;
    const v = parseInt(w, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  }
  if (v4) out.set(v4, 12);
  return out;
}

export interface InetAddress {
  family: typeof AF_INET | typeof AF_INET6;
  bytes: Uint8Array;
}

/** Parses an IPv4 or IPv6 address (IPv6 when it contains ':'). */
export function parseInet(s: string): InetAddress | undefined {
  if (s.includes(':')) {
    const bytes = parseIpv6(s);
    return bytes ? { family: AF_INET6, bytes } : undefined;
  }
  const bytes = parseIpv4(s);
  return bytes ? { family: AF_INET, bytes } : undefined;
}

export interface InetPrefix extends InetAddress {
  prefixlen: number;
  /** Whether "/len" was written (iproute2 uses the full length otherwise). */
  explicitLength: boolean;
}

/** "ADDR[/LEN]"; the length defaults to 32 or 128. */
export function parsePrefix(s: string): InetPrefix | undefined {
  const slash = s.indexOf('/');
  const addr = parseInet(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return undefined;
  const max = addr.family === AF_INET ? 32 : 128;
  if (slash < 0) return { family: addr.family, bytes: addr.bytes, prefixlen: max, explicitLength: false };
  // 1 to 3 decimal digits (read by hand: no regular expression and no object spread per route).
  const digits = s.length - slash - 1;
  if (digits < 1 || digits > 3) return undefined;
  let prefixlen = 0;
  for (let i = slash + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    prefixlen = prefixlen * 10 + (c - 48);
  }
  if (prefixlen > max) return undefined;
  return { family: addr.family, bytes: addr.bytes, prefixlen, explicitLength: true };
}

/** The IPv4 broadcast address of a prefix (host bits all ones), as iproute2 computes for "brd +". */
export function ipv4Broadcast(addr: Uint8Array, prefixlen: number): Uint8Array {
  const v = ((addr[0]! << 24) | (addr[1]! << 16) | (addr[2]! << 8) | addr[3]!) >>> 0;
  const host = prefixlen >= 32 ? 0 : 0xffffffff >>> prefixlen;
  const b = (v | host) >>> 0;
  return new Uint8Array([b >>> 24, (b >>> 16) & 0xff, (b >>> 8) & 0xff, b & 0xff]);
}

/** The IPv4 network address with the host bits cleared ("brd -"). */
export function ipv4Network(addr: Uint8Array, prefixlen: number): Uint8Array {
  const v = ((addr[0]! << 24) | (addr[1]! << 16) | (addr[2]! << 8) | addr[3]!) >>> 0;
  const mask = prefixlen === 0 ? 0 : (0xffffffff << (32 - prefixlen)) >>> 0;
  const b = (v & mask) >>> 0;
  return new Uint8Array([b >>> 24, (b >>> 16) & 0xff, (b >>> 8) & 0xff, b & 0xff]);
}
