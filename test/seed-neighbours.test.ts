import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/model/clock.js';
import { NetworkModel } from '../src/model/store.js';
import { applySeed, SeedError } from '../src/seed.js';

// Seed files' per-link `neighbours:` (ip neigh add syntax), applied through the model's RTM_NEWNEIGH rules.
function model() {
  const m = new NetworkModel({ cpuCount: 1, clock: new ManualClock(), addresses: { dadMs: 0 } });
  m.addLoopback();
  return m;
}

describe('seed neighbours', () => {
  it('adds entries and proxies in order', () => {
    const m = model();
    applySeed(m, [{ name: 'v0', kind: 'veth', peer: 'v1', up: true, addresses: ['10.0.0.1/24'],
      neighbours: ['10.0.0.2 lladdr 02:00:00:00:00:02', '2001:db8::2 lladdr 02:00:00:00:00:03 nud stale router', 'proxy 10.0.0.9'] }]);
    const v0 = m.byName('v0')!.index;
    const all = [...m.neighbours.tables.inet.entries(), ...m.neighbours.tables.inet6.entries()];
    expect(all.map((n) => [n.family, n.ifindex, n.state, n.flags])).toEqual([['inet', v0, 0x80, 0], ['inet6', v0, 0x04, 0x80]]);
    expect([...m.neighbours.proxies.inet.values()]).toEqual([{ family: 'inet', ifindex: v0, dst: 0x0a000009, flags: 0, protocol: 0, permanent: false }]);
  });

  it('names the bad entry', () => {
    expect(() => applySeed(model(), [{ name: 'v0', kind: 'veth', peer: 'v1', neighbours: ['10.0.0.2 nud bogus'] }])).toThrow(/neighbour "10.0.0.2 nud bogus": unknown nud state/);
    const noLladdr = [{ name: 'v0', kind: 'veth' as const, peer: 'v1', addresses: ['10.0.0.1/24'], neighbours: ['10.0.0.2'] }];
    expect(() => applySeed(model(), noLladdr)).toThrow(/No link layer address given/);
    expect(() => applySeed(model(), noLladdr)).toThrow(SeedError);
  });
});
