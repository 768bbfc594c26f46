import { describe, expect, it } from 'vitest';
import { backgroundIdle, runInBackground } from '../../src/rtnl/background.js';

describe('background work', () => {
  it('runs steps between turns until none is left, and none while busy', async () => {
    let busy = true;
    const done: string[] = [];
    let a = 3;
    let b = 2;
    runInBackground(() => (done.push('a'), --a > 0), () => busy);
    runInBackground(() => (done.push('b'), --b > 0), () => busy);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toEqual([]); // a client is being served dumps: nothing ran
    busy = false;
    await backgroundIdle();
    expect(done.sort()).toEqual(['a', 'a', 'a', 'b', 'b']);
  });

  it('lets one daemon\'s work go on while another daemon serves a dump', async () => {
    let busy = true;
    const done: string[] = [];
    runInBackground(() => (done.push('scratch'), false), () => busy);
    runInBackground(() => (done.push('real'), false), () => false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toEqual(['real']);
    busy = false;
    await backgroundIdle();
    expect(done).toEqual(['real', 'scratch']);
  });
});
