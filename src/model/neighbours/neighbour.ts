// One neighbour cache entry (include/net/neighbour.h: struct neighbour), kept small: a model
// may hold 100,000 of them, so addresses are numbers or short strings, never typed arrays.

export type NeighFamily = 'inet' | 'inet6';

/**
 * An entry of the ARP (IPv4) or ND (IPv6) table. `dst` is the key: an IPv4 address as an
 * unsigned number, an IPv6 address as a 16-character latin1 string. `lladdr` is the 6-byte
 * link-layer address as a number (48 bits fit a double exactly), -1 before one is known.
 * Times are in clock_t (1/100 s of the model clock), as nda_cacheinfo reports them.
 */
export interface Neighbour {
  readonly family: NeighFamily;
  readonly ifindex: number;
  readonly dst: number | string;
  lladdr: number;
  /** NUD_* */
  state: number;
  /** NTF_* in the low 8 bits, NTF_EXT_* above (the kernel's neigh->flags layout). */
  flags: number;
  /** RTN_* computed when the entry was created (arp_constructor / ndisc_constructor). */
  readonly type: number;
  protocol: number;
  /** Probes sent in the current resolution round (NDA_PROBES). */
  probes: number;
  confirmed: number;
  used: number;
  updated: number;
}

/** A proxy entry (struct pneigh_entry): answered for, never resolved; ifindex 0 = every device. */
export interface ProxyNeighbour {
  readonly family: NeighFamily;
  readonly ifindex: number;
  readonly dst: number | string;
  /** NTF_* stored (NTF_ROUTER); reported with NTF_PROXY added. */
  flags: number;
  protocol: number;
  /** Added with ndm_state & NUD_PERMANENT: survives carrier loss (pneigh_ifdown_and_unlock). */
  permanent: boolean;
}

/** A neighbour's key bytes as the key of its table. */
export function dstKey(family: NeighFamily, bytes: Uint8Array): number | string {
  if (family === 'inet') return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('latin1');
}

/** The key back as network-order bytes. */
export function dstBytes(dst: number | string): Uint8Array {
  if (typeof dst === 'number') return Uint8Array.of(dst >>> 24, (dst >>> 16) & 255, (dst >>> 8) & 255, dst & 255);
  return Buffer.from(dst, 'latin1');
}

export const NO_LLADDR = -1;

/** A 6-byte address as a number. */
export function lladdrNumber(mac: Uint8Array): number {
  let v = 0;
  for (let i = 0; i < 6; i++) v = v * 256 + (mac[i] ?? 0);
  return v;
}

export function lladdrBytes(v: number): Uint8Array {
  const out = new Uint8Array(6);
  for (let i = 5; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/** Where the model clock's milliseconds become clock_t (USER_HZ = 100). */
export const toClockT = (ms: number): number => Math.floor(ms / 10);
