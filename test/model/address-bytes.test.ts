import { describe, expect, it } from 'vitest';
import { addressBytes } from '../../src/model/address-bytes.js';
import type { Inet4Address } from '../../src/model/addresses.js';
import { NetworkModel } from '../../src/model/store.js';

describe('address bytes', () => {
  it('copies each address into its own region of a shared slab', () => {
    const source = new Uint8Array([192, 0, 2, 1]);
    const views = Array.from({ length: 3000 }, (_, i) => addressBytes(i % 2 ? source : new Uint8Array(16).fill(i & 0xff)));
    source[0] = 10; // the copies do not follow their source
    views.forEach((v, i) => expect([...v]).toEqual(i % 2 ? [192, 0, 2, 1] : new Array(16).fill(i & 0xff)));
    expect(views[0]!.buffer).toBe(views[1]!.buffer);
    expect(new Set(views.map((v) => v.buffer)).size).toBeGreaterThan(1);
  });

  it('snapshots hold compact copies, not views into the slab', () => {
    const model = new NetworkModel({ cpuCount: 1 });
    model.addLoopback();
    const [d] = model.createLink({ kind: 'dummy', name: 'd0' });
    model.addresses.newInet4({ ifindex: d!.index, prefixlen: 24, flags: 0, scope: 0, local: new Uint8Array([192, 0, 2, 1]) }, { excl: true, replace: false });
    const live = model.addresses.list(d!.index, 'inet')[0] as Inet4Address;
    expect(live.local.buffer.byteLength).toBeGreaterThan(4);
    const [saved] = model.addresses.export().devices.find((x) => x.ifindex === d!.index)!.v4;
    expect(saved!.local).toEqual(new Uint8Array([192, 0, 2, 1]));
    expect(saved!.local.buffer.byteLength).toBe(4);
  });
});
