import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { internedCounts, internMetrics, internNexthops } from '../../../src/model/routes/intern.js';

// Interned nexthop lists and metric sets are shared while routes hold them and dropped once no
// route does (a deleted route's list must not stay in the maps for the daemon's lifetime).

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const hop = (ifindex: number) => ({ ifindex, weight: 1, flags: 0, flow: 0 });

/** Collects garbage until the finalizers have run (they run as tasks after a collection). */
async function collect(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('intern', () => {
  it('equal lists are one frozen array; a list no route holds any more leaves the map', async () => {
    const a = internNexthops([hop(3), hop(4)]);
    expect(internNexthops([hop(3), hop(4)])).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a[0])).toBe(true);
    expect(internMetrics([[4, 99]])).toBe(internMetrics([[4, 99]]));

    const before = internedCounts();
    let held: unknown[] | undefined = [];
    for (let i = 0; i < 500; i++) held.push(internNexthops([hop(100_000 + i)]), internMetrics([[2, 1000 + i]]));
    expect(internedCounts().nexthops).toBeGreaterThanOrEqual(before.nexthops + 500);
    expect(internedCounts().metrics).toBeGreaterThanOrEqual(before.metrics + 500);
    held = undefined;
    await collect(() => internedCounts().nexthops < before.nexthops + 500 && internedCounts().metrics < before.metrics + 500);
    expect(held).toBeUndefined();
    expect(internedCounts().nexthops).toBeLessThan(before.nexthops + 500);
    expect(internedCounts().metrics).toBeLessThan(before.metrics + 500);
    // What is still held stays interned.
    expect(internNexthops([hop(3), hop(4)])).toBe(a);
  });
});
