import { describe, expect, it } from 'vitest';
import { ManualClock, SystemClock, TimerGate } from '../../src/model/clock.js';

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

describe('SystemClock with a TimerGate', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('puts timers set for later off while the gate says so, then runs those of every clock in time order; work due at once is not put off', async () => {
    let busy = true;
    const gate = new TimerGate(() => busy);
    const [clock, other] = [new SystemClock(gate), new SystemClock(gate)];
    const ran: string[] = [];
    clock.schedule(clock.now() + 100, () => ran.push('first'));
    other.schedule(other.now() + 101, () => ran.push('second'));
    clock.schedule(clock.now(), () => ran.push('at once'));
    await sleep(150);
    expect(ran).toEqual(['at once']);
    busy = false;
    await sleep(40);
    expect(ran).toEqual(['at once', 'first', 'second']);
  });

  it('runs a timer anyway once it is 100 ms late, however long the gate says so', async () => {
    const clock = new SystemClock(new TimerGate(() => true));
    let ranAt: number | undefined;
    const at = clock.now() + 100;
    clock.schedule(at, () => (ranAt = clock.now()));
    await sleep(160);
    expect(ranAt).toBeUndefined();
    await sleep(200);
    expect(ranAt! - at).toBeGreaterThanOrEqual(100);
  });
});
