/** Bytes carved per slab: 256 IPv6 addresses or 1,024 IPv4 ones. */
const SLAB_SIZE = 4096;

let slab = new ArrayBuffer(SLAB_SIZE);
let used = 0;

/**
 * A copy of `bytes` (an IPv4 or IPv6 address) as a view into a shared slab. A Uint8Array of its
 * own costs ~210 heap bytes (the array, its ArrayBuffer and backing store); a view ~100, which
 * keeps a model of 100,000 links x 2 addresses within the heap budget per address. A slab is freed
 * once no address in it is alive. Views must not be structuredClone()d (that copies the whole
 * slab): snapshots copy with slice().
 */
export function addressBytes(bytes: Uint8Array): Uint8Array {
  if (used + bytes.length > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    used = 0;
  }
  const view = new Uint8Array(slab, used, bytes.length);
  view.set(bytes);
  used += (bytes.length + 3) & ~3;
  return view;
}
