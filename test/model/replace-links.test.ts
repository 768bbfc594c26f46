import { describe, expect, it } from 'vitest';
import type { ModelEvent } from '../../src/model/events.js';
import { IFF_UP } from '../../src/model/flags.js';
import { NetworkModel } from '../../src/model/store.js';

// NetworkModel.replaceLinks(): a whole-model replacement (test-rig reset, snapshot import)
// announced as the difference between the two models.

function model(): NetworkModel {
  const m = new NetworkModel({ cpuCount: 2 });
  m.addLoopback();
  m.changeFlags(m.byName('lo')!, IFF_UP, IFF_UP);
  m.createLink({ kind: 'bridge', name: 'br0' });
  m.createLink({ kind: 'veth', name: 'v0', peer: { kind: 'veth', name: 'v1' } });
  m.createLink({ kind: 'dummy', name: 'd0' });
  return m;
}

function record(m: NetworkModel): { events: string[]; stop: () => void } {
  const events: string[] = [];
  const describe = (e: ModelEvent) => {
    switch (e.type) {
      case 'newlink': return `newlink ${e.link.name} ${e.change.toString(16)}`;
      case 'dellink': return `dellink ${e.link.name}`;
      case 'bridgeport': return `bridgeport ${e.action} ${e.link.name}`;
      case 'newaddr':
      case 'deladdr': return `${e.type} ${e.link.name} ${e.addr.prefixlen}`;
      default: return undefined; // route events: test/model/routes
    }
  };
  const stop = m.onEvent((e) => {
    const text = describe(e);
    if (text) events.push(text);
  });
  return { events, stop };
}

const v4 = (text: string) => new Uint8Array(text.split('.').map(Number));

describe('replaceLinks', () => {
  it('announces nothing when the state is the same', () => {
    const m = model();
    const { events } = record(m);
    m.replaceLinks(m.exportLinks());
    expect(events).toEqual([]);
  });

  it('announces devices gone, new and changed, in the order Linux would', () => {
    const m = model();
    const target = model();
    target.deleteLink(target.byName('d0')!); // d0 (index 5) goes
    target.setMtu(target.byName('br0')!, 9000); // br0 changes
    target.changeFlags(target.byName('v1')!, IFF_UP, IFF_UP); // v1 goes up
    target.createLink({ kind: 'dummy', name: 'x0' }); // a new device at index 6
    target.setMaster(target.byName('v0')!, target.byName('br0')!.index); // v0 joins br0
    const state = target.exportLinks();
    const { events } = record(m);
    m.replaceLinks(state);
    expect(events).toEqual([
      'dellink d0',
      'newlink br0 0',
      'newlink v1 1', // ifi_change: IFF_UP
      'newlink v0 0', // a port now (the port's promiscuity is not in ifi_flags)
      'bridgeport new v0',
      'newlink x0 ffffffff',
    ]);
    expect([...m.iterate()].map((l) => l.name)).toEqual(['lo', 'br0', 'v1', 'v0', 'x0']);
    expect(m.lastAutoIndex).toBe(6);
    expect(m.byName('br0')!.mtu).toBe(9000);
  });

  it('announces a different kind at the same index as delete + create', () => {
    const m = model();
    const target = new NetworkModel({ cpuCount: 2 });
    target.addLoopback();
    target.changeFlags(target.byName('lo')!, IFF_UP, IFF_UP);
    target.createLink({ kind: 'dummy', name: 'br0', index: 2 });
    const { events } = record(m);
    m.replaceLinks(target.exportLinks());
    expect(events.filter((e) => !e.startsWith('newaddr') && !e.startsWith('deladdr'))).toEqual([
      'dellink br0', 'dellink v1', 'dellink v0', 'dellink d0', 'newlink br0 ffffffff',
    ]);
  });

  it('announces addresses gone before devices go, and new ones after their device', () => {
    const m = model();
    const d0 = m.byName('d0')!;
    m.changeFlags(d0, IFF_UP, IFF_UP);
    m.addresses.newInet4({ ifindex: d0.index, prefixlen: 24, flags: 0, scope: 0, local: v4('10.0.0.1'), address: v4('10.0.0.1') }, { excl: true, replace: false });
    const target = model();
    target.createLink({ kind: 'dummy', name: 'x0' });
    const x0 = target.byName('x0')!;
    target.addresses.newInet4({ ifindex: x0.index, prefixlen: 16, flags: 0, scope: 0, local: v4('10.1.0.1'), address: v4('10.1.0.1') }, { excl: true, replace: false });
    const { events } = record(m);
    m.replaceLinks(target.exportLinks());
    const interesting = events.filter((e) => !e.includes(' 64') && !e.includes(' 128')); // IPv6 link-locals aside
    expect(interesting).toEqual(['deladdr d0 24', 'newlink d0 10041', 'newlink x0 ffffffff', 'newaddr x0 16']); // d0: UP|RUNNING|LOWER_UP went
    expect(m.addresses.list(x0.index, 'inet')).toHaveLength(1);
    expect(m.addresses.list(d0.index, 'inet')).toHaveLength(0);
  });

  it('keeps the creation time of a device that stays', () => {
    const m = model();
    const created = m.byName('d0')!.createdAt;
    const state = m.exportLinks();
    state.links.find((l) => l.name === 'd0')!.createdAt = created + 12345;
    m.replaceLinks(state);
    expect(m.byName('d0')!.createdAt).toBe(created);
  });
});
