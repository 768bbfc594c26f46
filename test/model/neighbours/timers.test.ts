import { describe, expect, it } from 'vitest';
import { NUD_DELAY, NUD_FAILED, NUD_PROBE, NUD_REACHABLE, NUD_STALE } from '../../../protocol/constants.js';
import { ManualClock } from '../../../src/model/clock.js';
import type { NeighEvent } from '../../../src/model/events.js';
import { isNeighEvent } from '../../../src/model/events.js';
import { IFF_UP } from '../../../src/model/flags.js';
import { NetworkModel } from '../../../src/model/store.js';

// Reachability on the model clock (neigh_timer_handler): tests move time instead of sleeping.
function setup() {
  const clock = new ManualClock();
  const model = new NetworkModel({ cpuCount: 1, clock, addresses: { dadMs: 0 } });
  model.addLoopback();
  const [, v0] = model.createLink({ kind: 'veth', name: 'v0', peer: { kind: 'veth', name: 'v1' } });
  model.changeFlags(v0!, IFF_UP, IFF_UP);
  const events: Array<{ type: string; state: number; probes: number; refcnt: number; pid: number }> = [];
  model.onEvent((e) => {
    if (isNeighEvent(e)) events.push({ type: e.type, state: e.neigh.state, probes: e.neigh.probes, refcnt: (e as NeighEvent).refcnt, pid: e.cause?.portid ?? 0 });
  });
  const add = (state: number, host: number) => model.neighbours.update({
    family: 'inet', ifindex: v0!.index, dst: Uint8Array.of(10, 0, 0, host), lladdr: Uint8Array.of(2, 0, 0, 0, 0, host), state, ntf: 0, ext: 0,
    protocol: 0, create: true, excl: true, replace: false,
  }, { portid: 77, seq: 5, echo: false });
  return { clock, model, events, add };
}

describe('neighbour timers on the model clock', () => {
  it('REACHABLE becomes STALE after reachable_time (30 s), announced with pid 0', () => {
    const s = setup();
    s.add(NUD_REACHABLE, 2);
    expect(s.events).toEqual([{ type: 'newneigh', state: NUD_REACHABLE, probes: 0, refcnt: 2, pid: 77 }]);
    s.clock.advance(29_999);
    expect(s.events).toHaveLength(1);
    s.clock.advance(1);
    expect(s.events[1]).toEqual({ type: 'newneigh', state: NUD_STALE, probes: 0, refcnt: 1, pid: 0 });
    s.clock.advance(600_000);
    expect(s.events).toHaveLength(2); // STALE stays until used
  });

  it('DELAY becomes PROBE at once (one probe sent), then FAILED after three probes a second apart', () => {
    const s = setup();
    s.add(NUD_DELAY, 3);
    s.clock.flush();
    expect(s.events.slice(1)).toEqual([{ type: 'newneigh', state: NUD_PROBE, probes: 1, refcnt: 2, pid: 0 }]);
    s.clock.advance(2999);
    expect(s.events).toHaveLength(2);
    s.clock.advance(1);
    expect(s.events[2]).toEqual({ type: 'newneigh', state: NUD_FAILED, probes: 3, refcnt: 1, pid: 0 });
  });

  it('a deleted entry\'s timer does nothing', () => {
    const s = setup();
    s.add(NUD_REACHABLE, 4);
    s.model.neighbours.delete('inet', 3, Uint8Array.of(10, 0, 0, 4), { portid: 77, seq: 6, echo: false });
    s.clock.advance(60_000);
    expect(s.events.map((e) => e.type)).toEqual(['newneigh', 'newneigh', 'delneigh']);
    expect(s.events[1]!.state).toBe(NUD_FAILED);
  });
});

describe('NTF_USE (neigh_event_send on the model clock)', () => {
  const use = (s: ReturnType<typeof setup>, host: number, ntf = 0x01) => s.model.neighbours.update({
    family: 'inet', ifindex: s.model.byName('v0')!.index, dst: Uint8Array.of(10, 0, 0, host), lladdr: Uint8Array.of(2, 0, 0, 0, 0, 99), state: 0x80,
    ntf, ext: 0, protocol: 0, create: true, excl: false, replace: true,
  }, { portid: 77, seq: 9, echo: false });
  const entry = (s: ReturnType<typeof setup>, host: number) => s.model.neighbours.get('inet', s.model.byName('v0')!.index, Uint8Array.of(10, 0, 0, host))!;

  it('STALE: DELAY at once (silent), PROBE after delay_probe_time (5 s), FAILED three probes later', () => {
    const s = setup();
    s.add(NUD_STALE, 2);
    s.events.length = 0;
    use(s, 2);
    expect(entry(s, 2).state).toBe(NUD_DELAY);
    expect(entry(s, 2).lladdr).toBe(0x020000000002); // the request's address is ignored
    expect(s.events).toEqual([]);
    s.clock.advance(4999);
    expect(s.events).toEqual([]);
    s.clock.advance(1);
    expect(s.events.map((e) => e.state)).toEqual([NUD_PROBE]);
    s.clock.advance(3000);
    expect(s.events.map((e) => [e.state, e.probes, e.pid])).toEqual([[NUD_PROBE, 1, 0], [NUD_FAILED, 3, 0]]);
  });

  it('PERMANENT or new: INCOMPLETE with the unicast probes spent (4), FAILED after 3 s with 6', () => {
    const s = setup();
    // An IPv4 address first: in a namespace never configured for IPv4 a new entry is born NOARP.
    s.model.addresses.newInet4({ ifindex: s.model.byName('v0')!.index, prefixlen: 24, local: Uint8Array.of(10, 0, 0, 1), flags: 0, scope: 0 }, { excl: true, replace: false });
    s.add(0x80, 4);
    s.events.length = 0;
    use(s, 4);
    use(s, 3);
    expect([entry(s, 4).state, entry(s, 4).probes, entry(s, 3).state, entry(s, 3).probes]).toEqual([0x01, 4, 0x01, 4]);
    expect(s.events).toEqual([]);
    s.clock.advance(2999);
    expect(s.events).toEqual([]);
    s.clock.advance(1);
    expect(s.events.map((e) => [e.state, e.probes, e.pid])).toEqual([[NUD_FAILED, 6, 0], [NUD_FAILED, 6, 0]]);
  });

  it('REACHABLE stays; a change of the admin flags (EXT_LEARNED) is announced with the requester', () => {
    const s = setup();
    s.add(NUD_REACHABLE, 5);
    s.events.length = 0;
    use(s, 5);
    expect(entry(s, 5).state).toBe(NUD_REACHABLE);
    expect(s.events).toEqual([]);
    use(s, 5, 0x01 | 0x10);
    expect(s.events).toEqual([{ type: 'newneigh', state: NUD_REACHABLE, probes: 0, refcnt: 2, pid: 77 }]);
    expect(entry(s, 5).flags).toBe(0x10);
  });
});
