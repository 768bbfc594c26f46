/**
 * Conformance: the request scripts in cases.py run against the real kernel
 * (a throwaway network namespace per case) and against rtnld; the normalised
 * replies must be equal, case by case.
 *
 * Needs root, `ip netns` and python3; otherwise the suite is skipped with a
 * warning.  RTNLD_CONFORMANCE_SOCKET=/path uses an already running daemon
 * instead of starting `tsx src/main.ts`.
 *
 * The kernel side resets each namespace's IPv4 sysctls to Linux's defaults, so the host's
 * (ip_forward=1 on a Docker host) do not matter (run.py: reset_ipv4_devconf).
 *
 * Reproduce by hand:
 *   python3 test/conformance/run.py --kernel > kernel.json
 *   python3 test/conformance/run.py --daemon /path/rtnl.sock > daemon.json
 *   (add --case NAME to run one case)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const RUN_PY = join(HERE, 'run.py');
const TIMEOUT_MS = 120_000;
const DAEMON_START_MS = 20_000;

/**
 * Cases where rtnld is known to differ from the kernel for a documented
 * reason: case name -> reason.  Listed cases are asserted to still differ,
 * so the entry has to be removed once the difference is fixed.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {};

/**
 * Cases whose kernel side races with machine-wide kernel work: a neighbour entry's reachable_time is
 * drawn at random (15-45 s), and the neighbour tables are shared by every namespace of the host, so
 * forced garbage collection (more than gc_thresh2 entries host-wide) deletes unreferenced STALE
 * entries of a case's namespace when other namespaces are busy. A case that differs is run again, on
 * both sides, up to RACY_RETRIES times; a real difference stays on every run.
 */
const RACY_CASE = /^neigh_/;
const RACY_RETRIES = 2;

type StepRecord = Record<string, unknown>;
type Results = Record<string, StepRecord[]>;

interface Environment {
  skipReason: string | null;
  cases: string[];
}

function probeEnvironment(): Environment {
  const none = (skipReason: string): Environment => ({ skipReason, cases: [] });
  if (process.platform !== 'linux') return none(`platform is ${process.platform}, not linux`);
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return none('not running as root (needs `ip netns add` and raw netlink)');
  }
  const py = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (py.error !== undefined || py.status !== 0) return none('python3 is not available');
  const ns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (ns.error !== undefined || ns.status !== 0) return none('`ip netns` is not available');
  const list = spawnSync('python3', [RUN_PY, '--list'], { encoding: 'utf8' });
  if (list.error !== undefined || list.status !== 0) {
    throw new Error(`run.py --list failed: ${list.stderr || String(list.error)}`);
  }
  const cases = list.stdout.split('\n').map((s) => s.trim()).filter((s) => s.length > 0);
  return { skipReason: null, cases };
}

const ENV = probeEnvironment();
if (ENV.skipReason !== null) {
  console.warn(`conformance suite skipped: ${ENV.skipReason}`);
}

function tail(s: string, n = 4000): string {
  return s.length > n ? `...${s.slice(-n)}` : s;
}

function runPython(args: string[]): Promise<Results> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('python3', [RUN_PY, ...args], { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`run.py ${args.join(' ')} exited with ${code ?? signal}: ${tail(err)}`));
        return;
      }
      try {
        resolvePromise(JSON.parse(Buffer.concat(out).toString('utf8')) as Results);
      } catch (e) {
        reject(new Error(`run.py ${args.join(' ')} printed invalid JSON: ${String(e)}`));
      }
    });
  });
}

interface Daemon {
  proc: ChildProcess;
  output: () => string;
}

function startDaemon(socketPath: string): Daemon {
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const proc = spawn(tsx, ['src/main.ts', '--socket', socketPath, '--log-level', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so tsx and its node child are stopped together
  });
  let log = '';
  const keep = (b: Buffer): void => {
    log = tail(log + b.toString('utf8'), 8000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  proc.on('error', (e) => keep(Buffer.from(`spawn error: ${String(e)}\n`)));
  return { proc, output: () => log };
}

async function waitForSocket(path: string, daemon: Daemon, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (daemon.proc.exitCode !== null || daemon.proc.signalCode !== null) {
      throw new Error(
        `daemon exited (${daemon.proc.exitCode ?? daemon.proc.signalCode}) before creating ${path}:\n${daemon.output()}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`daemon did not create ${path} within ${timeoutMs} ms:\n${daemon.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopDaemon(daemon: Daemon): Promise<void> {
  const { proc } = daemon;
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const signalGroup = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-(proc.pid as number), sig);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), 5_000)),
  ]);
  if (timedOut) {
    signalGroup('SIGKILL');
    await exited;
  }
}

/** Step records in which the harness itself failed (not a comparison result). */
function harnessProblems(steps: StepRecord[]): StepRecord[] {
  return steps.filter((s) => 'fatal' in s || 'problems' in s);
}

describe.runIf(ENV.skipReason === null)('rtnetlink conformance: rtnld vs Linux kernel', { timeout: TIMEOUT_MS }, () => {
  let kernel: Results = {};
  let daemon: Results = {};
  let daemonProc: Daemon | undefined;
  let dir: string | undefined;
  let socketPath: string | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rtnld-conformance-'));
    const kernelRun = runPython(['--kernel']);
    const daemonRun = (async (): Promise<Results> => {
      socketPath = process.env['RTNLD_CONFORMANCE_SOCKET'];
      if (socketPath === undefined || socketPath === '') {
        socketPath = join(dir as string, 'rtnl.sock');
        daemonProc = startDaemon(socketPath);
        await waitForSocket(socketPath, daemonProc, DAEMON_START_MS);
      }
      return runPython(['--daemon', socketPath]);
    })();
    const [k, d] = await Promise.allSettled([kernelRun, daemonRun]);
    if (k.status === 'rejected') throw k.reason;
    if (d.status === 'rejected') throw d.reason;
    kernel = k.value;
    daemon = d.value;
  }, TIMEOUT_MS);

  afterAll(async () => {
    if (daemonProc !== undefined) await stopDaemon(daemonProc);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT_MS);

  it('kernel side ran every case without harness problems', () => {
    expect(Object.keys(kernel)).toEqual(ENV.cases);
    const bad = Object.entries(kernel).filter(([, steps]) => harnessProblems(steps).length > 0);
    expect(bad.map(([name, steps]) => ({ name, problems: harnessProblems(steps) }))).toEqual([]);
  });

  // A host whose sysctls differ from Linux's defaults (a Docker host has ip_forward=1) must not
  // change the kernel side: run.py resets each case's namespace. Proven here by giving the
  // namespaces host-like sysctls first (only inside them; the host is never touched).
  it('kernel side is independent of host sysctls (namespaces given ip_forward=1, rp_filter=2, ... first)', async () => {
    const names = ['getlink_lo', 'dump_links_basic', 'veth_create_with_peer', 'bridge_create'];
    const perturbed = await runPython(['--kernel', '--perturb-sysctls', ...names.flatMap((n) => ['--case', n])]);
    for (const name of names) expect(perturbed[name], name).toEqual(kernel[name]);
  }, TIMEOUT_MS);

  for (const name of ENV.cases) {
    const known = KNOWN_DIFFERENCES[name];
    it(known === undefined ? name : `${name} (known difference: ${known})`, async () => {
      let k = kernel[name];
      let d = daemon[name];
      for (let retry = 1; known === undefined && RACY_CASE.test(name) && retry <= RACY_RETRIES && !isDeepStrictEqual(k, d); retry++) {
        console.warn(`conformance: ${name} differs from the kernel; running it again (${retry}/${RACY_RETRIES}), see RACY_CASE`);
        const one = ['--case', name];
        const [kr, dr] = await Promise.all([runPython(['--kernel', ...one]), runPython(['--daemon', socketPath as string, ...one])]);
        k = kr[name];
        d = dr[name];
      }
      expect(k, `no kernel result for ${name}`).toBeDefined();
      expect(d, `no daemon result for ${name}`).toBeDefined();
      if (k === undefined || d === undefined) return;
      if (known !== undefined) {
        expect(d, `${name} now matches the kernel: remove it from KNOWN_DIFFERENCES`).not.toEqual(k);
        return;
      }
      // Compare step by step so that a failure points at the first differing step.
      const n = Math.max(k.length, d.length);
      for (let i = 0; i < n; i++) {
        const ks = k[i];
        const ds = d[i];
        const label = String((ks ?? ds)?.['step'] ?? (ks ?? ds)?.['fatal'] ?? '');
        expect(ds, `${name}: step ${i} (${label}) differs from the kernel`).toEqual(ks);
      }
    });
  }
});
