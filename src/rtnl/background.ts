/**
 * Work done ahead of requests (encoding the bodies a dump will copy: link-cache.ts, addr-cache.ts):
 * one step per event-loop turn, so requests are answered between steps, and none while `busy()`
 * says a client is being served a dump (a step there only delays it).
 */
export type Busy = () => boolean;

export const NEVER_BUSY: Busy = () => false;

/** How soon a step put off by busy() is tried again. */
const BUSY_RETRY_MS = 5;

/** Chains running now, and who waits for none to be. */
let running = 0;
const idleWaiters: (() => void)[] = [];

/** Runs `step` until it returns false (nothing left), a step per turn, waiting while `busy()`. */
export function runInBackground(step: () => boolean, busy: Busy): void {
  running++;
  const run = (): void => {
    if (busy()) setTimeout(run, BUSY_RETRY_MS).unref();
    else if (step()) setImmediate(run);
    else if (--running === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  };
  setImmediate(run);
}

/** Resolves once no background work runs (the memory benchmark measures a daemon at rest). */
export function backgroundIdle(): Promise<void> {
  return running === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
}
