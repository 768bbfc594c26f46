import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/model/clock.js';
import { IFF_UP } from '../../src/model/flags.js';
import { NetworkModel } from '../../src/model/store.js';
import type { Link } from '../../src/model/types.js';

// IGMPv3 reports a device sends when it comes up: a bridge's snooping joined 224.0.0.106.
describe('IGMPv3 reports at NETDEV_UP', () => {
  const ipv4Entries = (model: NetworkModel, l: Link) =>
    [...model.neighbours.tables.inet.entries()].filter((n) => n.ifindex === l.index).map((n) => [n.dst, n.state, n.type, n.lladdr]);

  it('a bridge gets a NOARP multicast 224.0.0.22 entry when it comes up, carrier or not; a veth none', () => {
    const model = new NetworkModel({ cpuCount: 1, clock: new ManualClock() });
    model.addLoopback();
    const [br] = model.createLink({ kind: 'bridge', name: 'br0', address: Uint8Array.of(2, 0, 0, 0, 0, 1) }) as [Link];
    const [v1, v0] = model.createLink({ kind: 'veth', name: 'v0', peer: { kind: 'veth', name: 'v1' } }) as [Link, Link];
    expect(ipv4Entries(model, br)).toEqual([]);
    model.changeFlags(br, IFF_UP, IFF_UP);
    expect(br.carrier).toBe(false); // a bridge given a MAC follows its (absent) ports
    expect(ipv4Entries(model, br)).toEqual([[0xe0000016, 0x40, 5, 0x01005e000016]]);
    model.changeFlags(v0, IFF_UP, IFF_UP);
    model.changeFlags(v1, IFF_UP, IFF_UP);
    expect(ipv4Entries(model, v0)).toEqual([]);
  });

});
