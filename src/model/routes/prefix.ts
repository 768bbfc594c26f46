// Prefix arithmetic for both families: IPv4 as signed 32-bit ints, IPv6 as 16 bytes.

/** inet_make_mask(len) as a signed int, indexed by prefix length 0…32. */
export const MASK4: Int32Array = Int32Array.from({ length: 33 }, (_, len) => (len === 0 ? 0 : (-1 << (32 - len)) | 0));

export function ipv4ToInt(b: Uint8Array, at = 0): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) | 0;
}

export function intToIpv4(v: number): Uint8Array {
  return new Uint8Array([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
}

/** The address with every bit beyond `len` cleared (a copy). */
export function maskIpv6(a: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(16);
  const full = len >> 3;
  out.set(a.subarray(0, full));
  if (len & 7 && full < 16) out[full] = a[full]! & ((0xff << (8 - (len & 7))) & 0xff);
  return out;
}

/** The first `len` bits of a and b agree. */
export function ipv6PrefixEqual(a: Uint8Array, b: Uint8Array, len: number): boolean {
  const full = len >> 3;
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = len & 7;
  return rest === 0 || ((a[full]! ^ b[full]!) & (0xff << (8 - rest)) & 0xff) === 0;
}

export const ipv6Equal = (a: Uint8Array, b: Uint8Array): boolean => ipv6PrefixEqual(a, b, 128);

export const ipv6Key = (a: Uint8Array): string => Buffer.from(a.buffer, a.byteOffset, 16).toString('hex');

const bit = (a: Uint8Array, i: number) => (a[i >> 3]! >> (7 - (i & 7))) & 1;

/**
 * fib6 tree (post-order) order of two prefixes: where they differ within the shorter length the
 * one with the 0 bit comes first; if one contains the other the longer (the subtree) comes first.
 */
export function compareIpv6Tree(a: Uint8Array, aLen: number, b: Uint8Array, bLen: number): number {
  const n = Math.min(aLen, bLen);
  for (let i = 0; i < n; i++) {
    const x = bit(a, i);
    const y = bit(b, i);
    if (x !== y) return x - y;
  }
  return bLen - aLen;
}
