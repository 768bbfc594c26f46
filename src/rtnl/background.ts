/**
 * Work done ahead of requests (encoding the bodies a dump will copy: link-cache.ts, addr-cache.ts):
 * one step per event-loop turn, so requests are answered between steps, and none while `busy()`
 * says a client is being served a dump (a step there only delays it).
 */
export type Busy = () => boolean;

export const NEVER_BUSY: Busy = () => false;

/** How soon a step put off by busy() is tried again. */
const BUSY_RETRY_MS = 5;

/** Runs `step` until it returns false (nothing left), a step per turn, waiting while `busy()`. */
export function runInBackground(step: () => boolean, busy: Busy): void {
  const run = (): void => {
    if (busy()) setTimeout(run, BUSY_RETRY_MS).unref();
    else if (step()) setImmediate(run);
  };
  setImmediate(run);
}
