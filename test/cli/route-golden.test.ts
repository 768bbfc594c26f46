import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { rtnl } from '../helpers/cli.js';
import { startDaemon } from '../helpers/daemon.js';
import { asRtnl, buildState, ROUTE_CAPTURE, words } from '../helpers/route-capture.js';

// `rtnl route` against a daemon built to the same state as a kernel namespace, compared with
// what iproute2 6.1's `ip route` printed there (test/fixtures/iproute2/routes-capture.py): every
// step's stdout, stderr and exit status, in order (shows, gets, changes, errors and flushes),
// and `ip monitor route` over a second list of changes.

describe(`rtnl route equals ${ROUTE_CAPTURE.iproute2} on ${ROUTE_CAPTURE.kernel} for the same state`, () => {
  let d: Awaited<ReturnType<typeof startDaemon>>;
  beforeAll(async () => {
    d = await startDaemon();
    await buildState(d.path, ROUTE_CAPTURE.setup);
  }, 30_000);
  afterAll(() => d?.stop());

  // One test: the steps change the state in order (later shows see earlier flushes).
  it('every step prints what ip printed and exits as it did', async () => {
    const failures: string[] = [];
    for (const step of ROUTE_CAPTURE.steps) {
      const r = await rtnl(words(step.cmd), d.path);
      const want = { stdout: step.stdout, stderr: asRtnl(step.stderr), code: step.code };
      const got = { stdout: r.stdout, stderr: r.stderr, code: r.code };
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`ip ${step.cmd}\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`);
    }
    expect(failures.join('\n')).toBe('');
  }, 60_000);
});

describe('rtnl monitor route equals ip monitor route for the same changes', () => {
  it('prints each notification as ip monitor route did', async () => {
    const d = await startDaemon();
    try {
      await buildState(d.path, ROUTE_CAPTURE.monitor.setup);
      const expected = ROUTE_CAPTURE.monitor.output;
      const ac = new AbortController();
      let out = '';
      let err = '';
      let ready: () => void = () => {};
      const started = new Promise<void>((r) => (ready = r));
      const timer = setTimeout(() => ac.abort(), 15_000);
      const monitor = runCli(['monitor', 'route'], {
        stdout: (t) => {
          out += t;
          if (out.length >= expected.length) ac.abort();
        },
        stderr: (t) => (err += t),
        env: { RTNL_SOCKET: d.path },
        readFile: () => Promise.reject(new Error('no files')),
        signal: ac.signal,
      });
      // The monitor has joined its groups once its initial link dump is answered: poll with a no-op change.
      setTimeout(ready, 500);
      await started;
      for (const cmd of ROUTE_CAPTURE.monitor.steps) {
        const r = await rtnl(words(cmd), d.path);
        expect(r.code, `rtnl ${cmd}: ${r.stderr}`).toBe(0);
      }
      const code = await monitor;
      clearTimeout(timer);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toBe(expected);
    } finally {
      await d.stop();
    }
  }, 40_000);
});
