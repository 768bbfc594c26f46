import { describe, expect, it } from 'vitest';
import type { Clock, Timer } from '../../src/model/clock.js';
import { IFF_UP } from '../../src/model/flags.js';
import { NetworkModel } from '../../src/model/store.js';

/** A clock that moves 10 ms forward at every read (two reads for one address would show); its timers never fire. */
class TickingClock implements Clock {
  private time = 0;
  now(): number {
    return (this.time += 10);
  }
  schedule(): Timer {
    return { cancel: () => undefined };
  }
}

describe('address timestamps', () => {
  it('a new address gets cstamp and tstamp from one clock read (IPv4 and IPv6, configured and loopback)', () => {
    const m = new NetworkModel({ cpuCount: 1, clock: new TickingClock() });
    const lo = m.addLoopback();
    m.changeFlags(lo, IFF_UP, IFF_UP); // 127.0.0.1/8 and ::1
    const [v0] = m.createLink({ kind: 'veth', name: 'v0', peer: { kind: 'veth', name: 'v1' } });
    m.addresses.newInet4({ ifindex: v0!.index, prefixlen: 24, flags: 0, scope: 0, local: new Uint8Array([10, 0, 0, 1]) }, { excl: true, replace: false });
    m.addresses.newInet6({ ifindex: v0!.index, prefixlen: 64, flags: 0, address: new Uint8Array([0x20, 1, 0xd, 0xb8, ...new Array(11).fill(0), 1]) }, { excl: true, replace: false });
    const all = [lo, v0!].flatMap((l) => [...m.addresses.list(l.index, 'inet'), ...m.addresses.list(l.index, 'inet6')]);
    expect(all.map((a) => a.family)).toEqual(['inet', 'inet6', 'inet', 'inet6']);
    for (const a of all) expect(a.tstamp).toBe(a.cstamp);
  });
});
