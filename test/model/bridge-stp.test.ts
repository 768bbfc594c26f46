import { describe, expect, it } from 'vitest';
import type { ModelEvent } from '../../src/model/events.js';
import { IFF_UP } from '../../src/model/flags.js';
import { NetworkModel } from '../../src/model/store.js';

// br_stp_enable_bridge / br_stp_disable_bridge with STP off, as probed on Linux 6.18
// (conformance case events_bridge_up_down): bridge up enables every running port, newest port
// first, two AF_BRIDGE NEWLINKs each, before the bridge's own NEWLINK; bridge down disables them,
// one AF_BRIDGE NEWLINK each.

function describeEvent(e: ModelEvent): string {
  switch (e.type) {
    case 'newlink': return `newlink ${e.link.name}`;
    case 'bridgeport': return `bridgeport ${e.action} ${e.link.name} ${e.link.bridgePortForwarding ? 'forwarding' : 'disabled'}`;
    case 'newroute':
    case 'delroute':
    case 'newrule':
    case 'delrule':
    case 'newfdb':
    case 'delfdb':
    case 'newneigh':
    case 'delneigh': return e.type;
    default: return `${e.type} ${e.link.name}`;
  }
}

describe('bridge up/down and its ports (STP off)', () => {
  it('sets running ports forwarding when the bridge goes up and disabled when it goes down', () => {
    const m = new NetworkModel({ cpuCount: 2 });
    m.addLoopback();
    const br = m.createLink({ kind: 'bridge', name: 'br0' })[0]!;
    for (const [a, b] of [['v0', 'v1'], ['v2', 'v3'], ['v4', 'v5']] as const) m.createLink({ kind: 'veth', name: a, peer: { kind: 'veth', name: b } });
    for (const p of ['v0', 'v2', 'v4']) m.setMaster(m.byName(p)!, br.index);
    for (const n of ['v1', 'v0', 'v5', 'v4']) m.changeFlags(m.byName(n)!, IFF_UP, IFF_UP);
    expect(m.byName('v0')!.bridgePortForwarding).toBe(false);

    const events: string[] = [];
    m.onEvent((e) => {
      if (e.type === 'newlink' || e.type === 'bridgeport') events.push(describeEvent(e));
    });
    m.changeFlags(br, IFF_UP, IFF_UP);
    expect(events.slice(0, 5)).toEqual([
      'bridgeport new v4 forwarding', 'bridgeport new v4 forwarding',
      'bridgeport new v0 forwarding', 'bridgeport new v0 forwarding',
      'newlink br0',
    ]);
    expect(events.filter((e) => e.startsWith('bridgeport'))).toHaveLength(4);
    expect(['v0', 'v2', 'v4'].map((n) => m.byName(n)!.bridgePortForwarding)).toEqual([true, false, true]);

    events.length = 0;
    m.changeFlags(br, 0, IFF_UP);
    expect(events).toEqual(['bridgeport new v4 disabled', 'bridgeport new v0 disabled', 'newlink br0']);
    expect(['v0', 'v2', 'v4'].map((n) => m.byName(n)!.bridgePortForwarding)).toEqual([false, false, false]);
  });
});
