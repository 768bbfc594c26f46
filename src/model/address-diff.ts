import { isDeepStrictEqual } from 'node:util';
import type { AddressSnapshot, InetAddress } from './addresses.js';

// Comparing two address tables (a model and a snapshot replacing it) address by address, so a
// whole-model replacement can announce only what changed.

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : '');

/** What identifies an address on its device: family, local address (and peer), prefix length. */
export function addressKey(a: Readonly<InetAddress>): string {
  return a.family === 'inet'
    ? `inet/${a.ifindex}/${hex(a.local)}/${hex(a.address)}/${a.prefixlen}`
    : `inet6/${a.ifindex}/${hex(a.address)}/${hex(a.peer)}/${a.prefixlen}`;
}

/** The fields that make an address what it is: not the clock-relative times (snapshots rebase them), and a
 * field that is undefined is the same as one that is absent (JSON drops it). */
function essence(a: Readonly<InetAddress>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).filter(([k, v]) => v !== undefined && k !== 'cstamp' && k !== 'tstamp'));
}

/** Equal but for the creation and update times, and for undefined versus absent fields. */
export function sameAddress(a: Readonly<InetAddress>, b: Readonly<InetAddress>): boolean {
  return isDeepStrictEqual(essence(a), essence(b));
}

/** Every address of a snapshot by key, IPv4 before IPv6 per device. */
export function addressesOf(s: AddressSnapshot | undefined): Map<string, InetAddress> {
  const out = new Map<string, InetAddress>();
  for (const d of s?.devices ?? []) for (const a of [...d.v4, ...d.v6]) out.set(addressKey(a), a);
  return out;
}
