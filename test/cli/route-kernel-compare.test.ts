/**
 * `rtnl route` and the real `ip route` live: the setup and steps of the golden capture
 * (test/fixtures/iproute2/routes.json) run now against a throwaway network namespace with
 * Debian's iproute2 and against a daemon with rtnl; every step's stdout, stderr and exit status
 * must be equal. Unlike the golden test this uses whatever kernel and iproute2 the machine has,
 * so it also catches a capture that no longer matches the kernel.
 *
 * Needs root, `ip netns` and python3; otherwise skipped with the reason.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsSkipReason } from '../helpers/netns.js';
import { rtnl } from '../helpers/cli.js';
import { startDaemon } from '../helpers/daemon.js';
import { asRtnl, buildState, ROUTE_CAPTURE, words } from '../helpers/route-capture.js';

const SKIP = netnsSkipReason();
if (SKIP) console.warn(`live comparison of rtnl route with ip route skipped: ${SKIP}`);

const NS = `rtnl-route-cmp-${process.pid}`;
const NETNS_DEFAULTS = fileURLToPath(new URL('../conformance/netns_defaults.py', import.meta.url));

describe.skipIf(SKIP !== null)('rtnl route and the real ip route agree step by step', () => {
  let d: Awaited<ReturnType<typeof startDaemon>>;
  const ip = (args: readonly string[]) => spawnSync('ip', ['-n', NS, ...args], { encoding: 'utf8' });

  beforeAll(async () => {
    spawnSync('ip', ['netns', 'del', NS]);
    const add = spawnSync('ip', ['netns', 'add', NS], { encoding: 'utf8' });
    if (add.status !== 0) throw new Error(`ip netns add failed: ${add.stderr}`);
    const defaults = spawnSync('ip', ['netns', 'exec', NS, 'python3', NETNS_DEFAULTS], { encoding: 'utf8' });
    if (defaults.status !== 0) throw new Error(`resetting the namespace's sysctls failed: ${defaults.stderr}`);
    for (const cmd of ROUTE_CAPTURE.setup) {
      const k = ip(words(cmd));
      if (k.status !== 0) throw new Error(`ip ${cmd}: ${k.stderr}`);
    }
    d = await startDaemon();
    await buildState(d.path, ROUTE_CAPTURE.setup);
    // The kernel's DAD: wait for the same link-local routes there.
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const out = ip(['-6', 'route', 'show', 'table', 'local']).stdout;
      if (out.includes('fe80::ff:fe00:1 ') && out.includes('fe80::ff:fe00:2 ')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);

  afterAll(async () => {
    spawnSync('ip', ['netns', 'del', NS]);
    await d?.stop();
  });

  it('the same stdout, stderr and exit status for every step', async () => {
    const failures: string[] = [];
    for (const { cmd } of ROUTE_CAPTURE.steps) {
      const k = ip(words(cmd));
      const r = await rtnl(words(cmd), d.path);
      const want = { stdout: k.stdout, stderr: asRtnl(k.stderr), code: k.status };
      const got = { stdout: r.stdout, stderr: r.stderr, code: r.code };
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`ip ${cmd}\n  kernel ${JSON.stringify(want)}\n  rtnld  ${JSON.stringify(got)}`);
    }
    expect(failures.join('\n')).toBe('');
  }, 120_000);
});
