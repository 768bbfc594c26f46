import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/model/clock.js';
import { RouterSolicitations } from '../../src/model/router-solicitations.js';

describe('router solicitations (addrconf_rs_timer)', () => {
  it('one at once, then after 4 s, 8 s, 16 s ... up to an hour apart, until stopped', () => {
    const clock = new ManualClock();
    const sent: number[] = [];
    const rs = new RouterSolicitations(clock, () => sent.push(clock.now()));
    rs.start(3);
    expect(sent).toEqual([0]);
    clock.advance(4000 + 8000 + 16000);
    expect(sent).toEqual([0, 4000, 12000, 28000]);
    clock.advance(10 * 3_600_000);
    const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
    expect(Math.max(...gaps)).toBe(3_600_000);
    expect(gaps.at(-1)).toBe(3_600_000);
    const n = sent.length;
    rs.stop(3);
    expect(rs.active).toBe(0);
    clock.advance(10 * 3_600_000);
    expect(sent).toHaveLength(n);
  });

  it('start without sending (a restored device) waits the first interval', () => {
    const clock = new ManualClock();
    const sent: number[] = [];
    const rs = new RouterSolicitations(clock, () => sent.push(clock.now()));
    rs.start(5, false);
    expect(sent).toEqual([]);
    clock.advance(4000);
    expect(sent).toEqual([4000]);
    rs.clear();
    clock.advance(100_000);
    expect(sent).toEqual([4000]);
  });
});
