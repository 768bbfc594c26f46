import { describe, expect, it } from 'vitest';
import { isNeighEvent, isRouteEvent, type ModelEvent } from '../../src/model/events.js';
import { IFF_MULTICAST, IFF_UP } from '../../src/model/flags.js';
import { NetworkModel } from '../../src/model/store.js';

function model(): NetworkModel {
  const m = new NetworkModel({ cpuCount: 2 });
  m.addLoopback();
  return m;
}

type LinkOrAddrEvent = Exclude<ModelEvent, { type: 'newroute' | 'delroute' | 'newrule' | 'delrule' | 'newfdb' | 'delfdb' | 'newneigh' | 'delneigh' }>;

function events(m: NetworkModel): LinkOrAddrEvent[] {
  const seen: LinkOrAddrEvent[] = [];
  // Route events follow the links (test/model/routes); these tests look at links and addresses.
  m.onEvent((e) => {
    if ('link' in e) seen.push(e);
  });
  return seen;
}

describe('index allocation (Linux 6.x per-namespace rules)', () => {
  it('allocates after the last automatic index; explicit indexes do not move the cursor; freed ones are not reused at once', () => {
    const m = model();
    const [b, a] = m.createLink({ kind: 'veth', name: 'a', peer: { kind: 'veth', name: 'b' } });
    expect([b!.index, a!.index]).toEqual([2, 3]);
    expect(m.createLink({ kind: 'dummy', name: 'x', index: 99 })[0]!.index).toBe(99);
    expect(m.createLink({ kind: 'dummy', name: 'y' })[0]!.index).toBe(4);
    m.deleteLink(a!);
    expect(m.createLink({ kind: 'dummy', name: 'z' })[0]!.index).toBe(5);
    expect(() => m.createLink({ kind: 'dummy', name: 'w', index: 99 })).toThrow(expect.objectContaining({ code: 'EEXIST' }));
  });
});

describe('names', () => {
  it.each(['', '.', '..', 'a/b', 'a:b', 'a b', 'tab\tx', 'x%d%d', 'x%s', 'abc%', 'sixteen-chars-xx'])('rejects %j with EINVAL', (name) => {
    expect(() => model().createLink({ kind: 'dummy', name })).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });

  it('fills %d templates with the lowest free unit and rejects duplicates', () => {
    const m = model();
    expect(m.createLink({ kind: 'dummy', name: 'd%d' })[0]!.name).toBe('d0');
    expect(m.createLink({ kind: 'dummy', name: 'd%d' })[0]!.name).toBe('d1');
    expect(m.createLink({ kind: 'dummy' })[0]!.name).toBe('dummy0');
    expect(() => m.createLink({ kind: 'dummy', name: 'd0' })).toThrow(expect.objectContaining({ code: 'EEXIST' }));
  });

  it('a failing veth request leaves neither end behind', () => {
    const m = model();
    const ev = events(m);
    expect(() => m.createLink({ kind: 'veth', name: 'p', peer: { kind: 'veth', name: 'lo' } })).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(() => m.createLink({ kind: 'veth', name: 'p', peer: { kind: 'veth', name: 'q', flags: IFF_UP } })).toThrow(expect.objectContaining({ code: 'ENOTCONN' }));
    expect(m.size).toBe(1);
    expect(ev).toEqual([]);
  });
});

describe('flags', () => {
  it('ifi_change == 0 with ifi_flags != 0 sets every writable bit (clearing MULTICAST)', () => {
    const m = model();
    const [d] = m.createLink({ kind: 'bridge', name: 'br0' });
    const ev = events(m);
    m.changeFlags(d!, IFF_UP, 0);
    expect(d!.flags & IFF_MULTICAST).toBe(0);
    expect(ev[0]).toMatchObject({ type: 'newlink', change: IFF_UP | IFF_MULTICAST });
  });

  it('reports veth states as Linux does (spec §5.6)', () => {
    const m = model();
    const [vb, va] = m.createLink({ kind: 'veth', name: 'va', peer: { kind: 'veth', name: 'vb' } });
    expect([m.reportedFlags(va!), m.reportedOperstate(va!), va!.carrier]).toEqual([0x1002, 2, false]);
    m.changeFlags(va!, IFF_UP, IFF_UP);
    expect([m.reportedFlags(va!), m.reportedOperstate(va!)]).toEqual([0x1003, 3]);
    m.changeFlags(vb!, IFF_UP, IFF_UP);
    expect([m.reportedFlags(va!), m.reportedOperstate(va!), va!.carrier]).toEqual([0x11043, 6, true]);
    m.setCarrier(vb!, false); // rtnld's cable pull
    expect([m.reportedFlags(va!), va!.carrier]).toEqual([0x1003, false]);
  });

  it('sends nothing for a write that changes nothing', () => {
    const m = model();
    const [d] = m.createLink({ kind: 'dummy', name: 'd' });
    const ev = events(m);
    m.changeFlags(d!, 0x2, 0x2); // BROADCAST is not writable
    m.setMtu(d!, 1500);
    m.setTxqlen(d!, 1000);
    expect(ev).toEqual([]);
  });
});

describe('deletion cascade', () => {
  it('closes up devices, then deletes the named device before its veth peer', () => {
    const m = model();
    const [vb, va] = m.createLink({ kind: 'veth', name: 'va', peer: { kind: 'veth', name: 'vb' } });
    m.changeFlags(va!, IFF_UP, IFF_UP);
    const ev = events(m);
    m.deleteLink(va!);
    expect(ev.map((e) => [e.type, e.link.name, e.type === 'newlink' ? e.change : 0xffffffff])).toEqual([
      ['newlink', 'va', 0x41],
      ['dellink', 'va', 0xffffffff],
      ['dellink', 'vb', 0xffffffff],
    ]);
    expect(m.byIndex(vb!.index)).toBeUndefined();
    expect(() => m.deleteLink(m.byName('lo')!)).toThrow(expect.objectContaining({ code: 'EOPNOTSUPP' }));
  });
});
