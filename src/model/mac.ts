import { createHash } from 'node:crypto';

/**
 * A random-looking but stable MAC for a new device (the kernel's eth_hw_addr_random()):
 * locally administered, unicast, derived from the device's name and index so the same
 * seed yields the same addresses on every start.
 */
export function stableMac(name: string, index: number, salt = 0): Uint8Array {
  const h = createHash('sha256').update(`${name}/${index}/${salt}`).digest();
  const mac = new Uint8Array(h.subarray(0, 6));
  mac[0] = (mac[0]! & 0xfe) | 0x02;
  return mac;
}

export const ETHER_BROADCAST = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

export function isZeroMac(mac: Uint8Array): boolean {
  return mac.every((b) => b === 0);
}

export function isMulticastMac(mac: Uint8Array): boolean {
  return ((mac[0] ?? 0) & 1) === 1;
}

export function formatMac(mac: Uint8Array): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}

export function parseMac(text: string): Uint8Array | undefined {
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  return new Uint8Array(parts.map((p) => parseInt(p, 16)));
}
