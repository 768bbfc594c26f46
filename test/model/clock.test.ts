import { describe, expect, it } from 'vitest';
import { ManualClock, SystemClock } from '../../src/model/clock.js';

describe('ManualClock', () => {
  it('runs due timers in time order, then scheduling order, including ones scheduled while advancing', () => {
    const clock = new ManualClock(100);
    const ran: string[] = [];
    clock.schedule(300, () => ran.push(`b@${clock.now()}`));
    clock.schedule(200, () => {
      ran.push(`a@${clock.now()}`);
      clock.schedule(clock.now(), () => ran.push(`a2@${clock.now()}`));
    });
    clock.schedule(200, () => ran.push(`c@${clock.now()}`));
    const cancelled = clock.schedule(250, () => ran.push('never'));
    cancelled.cancel();
    clock.advance(150);
    expect(ran).toEqual(['a@200', 'c@200', 'a2@200']);
    expect(clock.now()).toBe(250);
    clock.flush();
    expect(ran).toHaveLength(3);
    clock.advance(50);
    expect(ran).toEqual(['a@200', 'c@200', 'a2@200', 'b@300']);
    expect(clock.waiting).toBe(0);
  });
});

describe('SystemClock', () => {
  it('runs a timer once its time has come, never synchronously, and not after cancel', async () => {
    const clock = new SystemClock();
    const ran: string[] = [];
    clock.schedule(clock.now(), () => ran.push('now'));
    clock.schedule(clock.now() + 20, () => ran.push('later')).cancel();
    expect(ran).toEqual([]);
    await new Promise((r) => setTimeout(r, 40));
    expect(ran).toEqual(['now']);
  });
});

describe('SystemClock due work', () => {
  it('runs a burst of due timers in order, in slices with I/O in between, and drops ones cancelled while queued', async () => {
    const clock = new SystemClock();
    const ran: number[] = [];
    const spin = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const at = clock.now() + 5;
    const timers = Array.from({ length: 20 }, (_, i) => clock.schedule(at, () => {
      ran.push(i);
      if (i === 0) timers[19]!.cancel(); // due already, not run yet
      spin(0.5);
    }));
    // Immediates (the event loop's turns) keep running meanwhile: they see the burst part done.
    const seen: number[] = [];
    const tick = () => {
      seen.push(ran.length);
      if (ran.length < 19) setImmediate(tick);
    };
    setImmediate(tick);
    await expect.poll(() => ran.length, { timeout: 2000 }).toBe(19);
    expect(ran).toEqual(Array.from({ length: 19 }, (_, i) => i));
    expect(seen.filter((n) => n > 0 && n < 19), `seen ${seen.join(",")}`).not.toEqual([]);
  });
});
