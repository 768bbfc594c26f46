import { expect } from 'vitest';
import { KINDS } from '../../src/model/kinds.js';
import type { NetworkModel } from '../../src/model/store.js';

/** Invariants the model must keep whatever it is asked. */
export function checkInvariants(model: NetworkModel): void {
  const names = new Set<string>();
  const indexes = new Set<number>();
  for (const l of model.iterate()) {
    expect(indexes.has(l.index)).toBe(false);
    indexes.add(l.index);
    for (const n of [l.name, ...l.altnames]) {
      expect(names.has(n)).toBe(false);
      names.add(n);
      expect(model.byName(n)).toBe(l);
    }
    expect(model.byIndex(l.index)).toBe(l);
    if (l.master) expect(KINDS[model.byIndex(l.master)!.kind].isMaster).toBe(true);
    if (l.kind === 'veth') expect(model.byIndex(l.link)!.link).toBe(l.index);
  }
  // The loopback device keeps index 1 and cannot be deleted (it may be renamed while down, as in Linux).
  expect(model.byIndex(1)?.kind).toBe('lo');
  for (const dev of model.addresses.export().devices) {
    if (dev.v4.length + dev.v6.length > 0) expect(model.byIndex(dev.ifindex), `addresses on missing link ${dev.ifindex}`).toBeDefined();
    for (const a of [...dev.v4, ...dev.v6]) expect(a.ifindex).toBe(dev.ifindex);
  }
}
