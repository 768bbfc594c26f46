// `npm run bench`: rtnld's benchmark suite. Every daemon figure is measured beside a baseline in
// the same run, with the same CPU placement (server processes on one CPU, the measuring client on
// another, pinned with taskset), run after run in turn; the table shows medians and ratios.
// Writes bench/results.json. Options:
//   --quick             shorter runs (a smoke test, not for publishing)
//   --no-big            skip the kernel's link dump at 100,000 links (creating them takes ~30 s)
//   --profile           run the daemon under `node --cpu-prof` (profiles in bench/profiles/)
//   --no-kernel         skip the kernel comparison even where root is available
//   --daemon DIR        benchmark the rtnld checkout in DIR (its bin/rtnld.js) instead of this one,
//                       e.g. a `git archive` of an older commit for a before/after table
//   --only cli-start    run only the `rtnl` cold-start row and update it in bench/results.json
//   --only cold         run only the fresh-daemon rows (bench/cold.ts) and update them likewise
//   --only rules        run only the `ip route get` with 100 FIB rules row (bench/rules-lookup.ts)
//   --only memory       run only the heap rows (per link, per address, per idle connection)
//   --only routes       run only the route rows (1,000,000 IPv4 routes vs the kernel, route get,
//                       start-up from --state, subscriber cost) and update them likewise
//   --only neighbours   run only the neighbour rows (dump of 100,000 vs the kernel, heap per
//                       neighbour) and update them likewise
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Job, Target } from './client.js';
import { coldRows, settle, type ColdContext } from './cold.js';
import { netnsRigRows } from './netns-rig.js';
import { newDummy } from './netlink.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');
const args = process.argv.slice(2);
const argv = new Set(args);
const daemonRoot = args.includes('--daemon') ? resolvePath(args[args.indexOf('--daemon') + 1] ?? '.') : root;
const QUICK = argv.has('--quick');
// The kernel comparison at 100,000 links runs unless --no-big or --quick (its links take ~30 s to create).
const BIG = !argv.has('--no-big') && !QUICK;
const PROFILE = argv.has('--profile');
const NO_KERNEL = argv.has('--no-kernel');
// --deadline SECONDS: a loaded machine (shared with other work) needs longer than the defaults.
// The fresh-daemon rows (bench/cold.ts) add about five minutes.
const DEADLINE_MS = (args.includes('--deadline') ? Number(args[args.indexOf('--deadline') + 1]) : (BIG ? 420 : 300) + 300) * 1000;
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const ONLY_GROUPS: Record<string, () => Promise<void>> = {
  'cli-start': () => cliStartRows(), cold: () => coldRows(coldContext()), netns: () => netnsRows(),
  routes: async () => {
    await routeModelRows();
    await routeRows();
  },
  // The in-process model rows alone (about a minute): lookups/s, inserts, heap per route.
  'routes-model': () => routeModelRows(),
  neighbours: () => neighbourRows(), rules: () => ruleLookupRows(), memory: () => memoryRows(),
};
if (ONLY !== undefined && !Object.hasOwn(ONLY_GROUPS, ONLY)) throw new Error(`--only: unknown group ${ONLY} (known: ${Object.keys(ONLY_GROUPS).join(', ')})`);

// ---------------------------------------------------------------------------------------------
// Placement and processes

const hasTaskset = spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
const ncpu = availableParallelism();
const SERVER_CPU = 0;
const CLIENT_CPU = ncpu > 1 ? 1 : 0;
const placement = !hasTaskset
  ? 'unpinned (taskset not available)'
  : SERVER_CPU === CLIENT_CPU
    ? `server and client both pinned to CPU ${SERVER_CPU} (one CPU available)`
    : `servers (rtnld, echo, replay) pinned to CPU ${SERVER_CPU}, measuring client pinned to CPU ${CLIENT_CPU}`;

function pinned(cpu: number, cmd: string, args: string[]): [string, string[]] {
  return hasTaskset ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args];
}

const children = new Set<ChildProcess>();
const tmp = mkdtempSync(join(tmpdir(), 'rtnld-bench-'));
const namespaces = new Set<string>();

function cleanup(): void {
  for (const c of children) if (c.exitCode === null && c.pid) c.kill('SIGKILL');
  for (const ns of namespaces) dropNetns(ns);
  rmSync(tmp, { recursive: true, force: true });
}

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: still running after ${DEADLINE_MS / 1000}s; giving up\n`);
  cleanup();
  process.exit(1);
}, DEADLINE_MS);
watchdog.unref();
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

function log(msg: string): void {
  process.stderr.write(`[${(performance.now() / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface Server {
  name: string;
  path: string;
  proc: ChildProcess;
  startSeconds: number;
}

/** Starts a server pinned to the server CPU and waits until its socket accepts connections. */
async function startServer(name: string, path: string, cmd: string, args: string[], timeoutMs = 60_000): Promise<Server> {
  const t0 = performance.now();
  const [c, a] = pinned(SERVER_CPU, cmd, args);
  const proc = spawn(c, a, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(proc);
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  while (!(await canConnect(path))) {
    if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}): ${stderr.trim()}`);
    if (performance.now() - t0 > timeoutMs) throw new Error(`${name} did not listen on ${path} within ${timeoutMs} ms`);
    await sleep(20);
  }
  return { name, path, proc, startSeconds: (performance.now() - t0) / 1000 };
}

async function stopServer(s: Server): Promise<void> {
  if (s.proc.exitCode !== null) return;
  const exited = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
  children.delete(s.proc);
}

function startDaemon(name: string, seed?: string, extra: string[] = []): Promise<Server> {
  const path = join(tmp, `${name}.sock`);
  const node = PROFILE ? ['--cpu-prof', '--cpu-prof-dir', join(benchDir, 'profiles')] : [];
  const argv = [...node, join(daemonRoot, 'bin', 'rtnld.js'), '--socket', path, '--log-level', 'warn', ...extra];
  if (seed) argv.push('--seed', seed);
  return startServer(name, path, process.execPath, argv, 120_000);
}

function startEcho(name: string, extra: string[]): Promise<Server> {
  const path = join(tmp, `${name}.sock`);
  return startServer(name, path, process.execPath, ['--import', 'tsx', join(benchDir, 'echo-server.ts'), '--socket', path, ...extra]);
}

/** User plus system CPU seconds a process has used (Linux: /proc/PID/stat, in clock ticks of 1/100 s). */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command name: field 3 is the state, so utime (14) and stime (15) are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs one job in the measuring client process (pinned to the client CPU). */
function runJob<T>(job: Job, cpu = CLIENT_CPU, timeoutMs = 90_000): Promise<T> {
  return runPinned<T>(process.execPath, ['--import', 'tsx', join(benchDir, 'client.ts'), JSON.stringify(job)], timeoutMs, [], cpu);
}

function runPinned<T>(cmd: string, args: string[], timeoutMs: number, prefix: string[] = [], cpu = CLIENT_CPU): Promise<T> {
  const [c0, a0] = pinned(cpu, cmd, args);
  const [c, a] = prefix.length ? [prefix[0]!, [...prefix.slice(1), c0, ...a0]] : [c0, a0];
  return new Promise((resolve, reject) => {
    const proc = spawn(c, a, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(proc);
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(proc);
      if (code !== 0) return reject(new Error(`${cmd} ${args[args.length > 2 ? 2 : 0]} failed (${code ?? signal}): ${err.trim()}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`unreadable client output: ${out.slice(0, 200)}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Figures

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Series {
  name: string;
  median: number;
  runs: number[];
}

export interface Row {
  id: string;
  what: string;
  unit: string;
  rtnld: Series;
  baseline?: Series;
  /** rtnld / baseline (or the ratio named in `ratioOf`). */
  ratio?: number;
  ratioOf?: string;
  target?: string;
  met?: boolean;
  detail?: Record<string, unknown>;
}

const rows: Row[] = [];
const skipped: Record<string, string> = {};
const notes: string[] = [];

const series = (name: string, runs: number[]): Series => ({ name, median: median(runs), runs: runs.map((r) => Math.round(r)) });

// ---------------------------------------------------------------------------------------------
// Topologies

const LINKS = 10_000;
const BIG_LINKS = 100_000;

/** Addresses of the address-dump topology: every link one IPv4 and one IPv6 (NODAD) address. */
function vethAddresses(side: 1 | 2, i: number): string[] {
  const n = i + 1;
  return [`10.${side}.${n >> 8}.${n & 255}/16`, `2001:db8:${side}::${n.toString(16)}/64 nodad`];
}

function writeVethSeed(pairs: number, addresses = false): string {
  const links = [];
  for (let i = 0; i < pairs; i++) {
    links.push(addresses
      ? { name: `va${i}`, kind: 'veth', peer: { name: `vb${i}`, addresses: vethAddresses(2, i) }, addresses: vethAddresses(1, i) }
      : { name: `va${i}`, kind: 'veth', peer: `vb${i}` });
  }
  const file = join(tmp, `seed-${pairs * 2}${addresses ? '-addr' : ''}.json`);
  writeFileSync(file, JSON.stringify({ links }));
  return file;
}

function rootAndNetns(): string | undefined {
  if (NO_KERNEL) return '--no-kernel given';
  if (process.getuid?.() !== 0) return 'not running as root (needs `ip netns add` and a raw AF_NETLINK socket)';
  const ip = spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  if (ip.error || ip.status !== 0) return '`ip netns` is not available';
  const py = spawnSync('python3', ['-c', 'import socket; socket.AF_NETLINK'], { stdio: 'ignore' });
  if (py.error || py.status !== 0) return 'python3 with AF_NETLINK is not available';
  return undefined;
}

function dropNetns(name: string): void {
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  namespaces.delete(name);
}

/** Namespaces left by a bench run that was killed (its pid is gone): they hold thousands of devices. */
function dropStaleNetns(): void {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of (list.stdout ?? '').split('\n')) {
    const m = /^(rtnld-bench-(\d+)-\d+)/.exec(line);
    if (!m) continue;
    try {
      process.kill(Number(m[2]), 0);
    } catch {
      log(`dropping ${m[1]}, left by a bench run that did not finish`);
      dropNetns(m[1]!);
    }
  }
}

/** A throwaway netns holding `pairs` veth pairs (and their addresses), created with `ip -batch`; returns its name. */
function kernelNetns(pairs: number, addresses = false): string {
  const name = `rtnld-bench-${process.pid}-${pairs * 2}`;
  const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`ip netns add: ${add.stderr.trim()}`);
  namespaces.add(name);
  const batch = join(tmp, 'kernel.batch');
  const lines = [];
  for (let i = 0; i < pairs; i++) lines.push(`link add va${i} type veth peer name vb${i}`);
  if (addresses) {
    for (let i = 0; i < pairs; i++) {
      for (const [side, dev] of [[1, `va${i}`], [2, `vb${i}`]] as const) for (const a of vethAddresses(side, i)) lines.push(`address add ${a.replace(' nodad', '')} dev ${dev}${a.endsWith(' nodad') ? ' nodad' : ''}`);
    }
  }
  writeFileSync(batch, `${lines.join('\n')}\n`);
  const r = spawnSync('ip', ['-n', name, '-batch', batch], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`ip -batch: ${r.stderr.trim().split('\n')[0]}`);
  return name;
}

// ---------------------------------------------------------------------------------------------
// The suite

const RT_MS = QUICK ? 300 : 1000;
const RT_WARMUP_MS = QUICK ? 300 : 1000;
const RUNS = QUICK ? 3 : 5;
const DUMP_RUNS = QUICK ? 3 : 7;

async function getlinkRows(daemon: Server, index: number): Promise<void> {
  const probe = await runJob<{ replyBytes: number }>({ mode: 'probe', path: daemon.path, index });
  log(`GETLINK index ${index}: reply ${probe.replyBytes} bytes; starting the echo baseline`);
  const echo = await startEcho('echo', ['--reply-size', String(probe.replyBytes)]);
  try {
    const targets: Target[] = [{ name: 'rtnld', path: daemon.path }, { name: 'echo', path: echo.path }];
    type Rt = { runs: Record<string, number[]>; replyBytes: Record<string, number> };
    const one = await runJob<Rt>({ mode: 'rt', targets, index, depth: 1, warmupMs: RT_WARMUP_MS, runMs: RT_MS, runs: RUNS });
    log('GETLINK one at a time done');
    const piped = await runJob<Rt>({ mode: 'rt', targets, index, depth: 64, warmupMs: RT_WARMUP_MS, runMs: RT_MS, runs: RUNS });
    log('GETLINK pipelined done');
    // Placement changes round trips severalfold: the same comparison with everything on one CPU.
    const same = SERVER_CPU !== CLIENT_CPU
      ? await runJob<Rt>({ mode: 'rt', targets, index, depth: 1, warmupMs: RT_WARMUP_MS, runMs: RT_MS, runs: RUNS }, SERVER_CPU)
      : undefined;
    if (same) log('GETLINK one at a time, same CPU, done');
    const a = series('rtnld', one.runs.rtnld!);
    const b = series('Node echo server', one.runs.echo!);
    rows.push({
      id: 'getlink_rt', what: 'GETLINK by index, one at a time', unit: 'round trips/s', rtnld: a, baseline: b,
      ratio: a.median / b.median, target: '>= 0.75 x echo', met: a.median / b.median >= 0.75,
      detail: { requestBytes: 32, replyBytes: one.replyBytes, links: LINKS + 1, index },
    });
    if (same) {
      const s = series('rtnld', same.runs.rtnld!);
      const e = series('Node echo server', same.runs.echo!);
      rows.push({
        id: 'getlink_rt_same_cpu', what: `GETLINK by index, one at a time, client and server on CPU ${SERVER_CPU}`,
        unit: 'round trips/s', rtnld: s, baseline: e, ratio: s.median / e.median, target: '>= 0.75 x echo',
        met: s.median / e.median >= 0.75, detail: { replyBytes: same.replyBytes },
      });
    }
    const p = series('rtnld', piped.runs.rtnld!);
    const q = series('Node echo server', piped.runs.echo!);
    const speedup = p.median / a.median;
    rows.push({
      id: 'getlink_pipelined', what: 'GETLINK by index, 64 per write', unit: 'replies/s', rtnld: p, baseline: q,
      ratio: p.median / q.median, target: `>= 3 x rtnld one at a time (${speedup.toFixed(1)} x)`, met: speedup >= 3,
      detail: { depth: 64, speedupOverOneAtATime: speedup, echoSpeedup: q.median / b.median },
    });
  } finally {
    await stopServer(echo);
  }
}

interface DumpResult {
  runs: Record<string, number[]>;
  shape: Record<string, { messages: number; bytes: number }>;
}

async function dumpRows(daemon: Server, links: number, kernelNs: string | undefined): Promise<void> {
  const recording = join(tmp, `dump-${links}.bin`);
  const rec = await runJob<{ messages: number; bytes: number }>({ mode: 'record', path: daemon.path, out: recording });
  log(`recorded one dump: ${rec.messages} messages, ${rec.bytes} bytes; starting the replay baseline`);
  const raw = await startEcho('replay', ['--replay', recording, '--chunk', String(32 * 1024)]);
  // Each run reads at least ~100,000 messages (one dump at 100,000 links, ten at 10,000).
  const perRun = Math.max(1, Math.round(100_000 / links));
  try {
    const targets: Target[] = [{ name: 'rtnld', path: daemon.path }, { name: 'raw', path: raw.path }];
    const node = await runJob<DumpResult>({ mode: 'dump', targets, warmup: 3, runs: DUMP_RUNS, dumpsPerRun: perRun });
    log(`link dump at ${links} links (Node client) done`);
    const a = series('rtnld', node.runs.rtnld!);
    const b = series('raw replay, 32 KB writes', node.runs.raw!);
    const shape = node.shape.rtnld!;
    rows.push({
      id: `dump_${links}`, what: `link dump, ${links.toLocaleString('en')} links (Node client)`, unit: 'messages/s',
      rtnld: a, baseline: b, ratio: a.median / b.median, target: '>= 0.5 x raw', met: a.median / b.median >= 0.5,
      detail: { dumpsPerRun: perRun, messages: shape.messages, bytesPerMessage: Math.round(shape.bytes / shape.messages), MBps: (a.median * shape.bytes) / shape.messages / 1e6 },
    });

    // The same dump when the model changed just before it (lo's MTU): nothing recorded or cached
    // can be used, every link is encoded afresh.
    const cold = await runJob<DumpResult>({ mode: 'dump', targets: [targets[0]!], warmup: 1, runs: DUMP_RUNS, dumpsPerRun: perRun, changeFirst: true });
    log(`link dump at ${links} links after a change (Node client) done`);
    const c = series('rtnld', cold.runs.rtnld!);
    rows.push({
      id: `dump_${links}_changed`, what: `link dump, ${links.toLocaleString('en')} links, model changed before each dump (Node client)`,
      unit: 'messages/s', rtnld: c, baseline: b, ratio: c.median / b.median,
      detail: { dumpsPerRun: perRun, baselineFrom: `the raw replay runs of dump_${links}`, vsAtRest: c.median / a.median },
    });

    // The same dumps read by a raw Python client, and the kernel's own dump (AF_NETLINK in a
    // netns) where root is available: the same receive loop for all three.
    const pyArgs = [join(benchDir, 'kdump.py'), '--warmup', '2', '--runs', String(DUMP_RUNS), '--dumps-per-run', String(perRun),
      '--unix', `rtnld=${daemon.path}`, '--unix', `raw=${raw.path}`];
    if (kernelNs) pyArgs.push('--kernel');
    const prefix = kernelNs ? ['ip', 'netns', 'exec', kernelNs] : [];
    const py = await runPinned<DumpResult>('python3', pyArgs, 120_000, prefix);
    log(`link dump at ${links} links (Python client${kernelNs ? ', kernel' : ''}) done`);
    const pa = series('rtnld', py.runs.rtnld!);
    const pb = series('raw replay, 32 KB writes', py.runs.raw!);
    rows.push({
      id: `dump_${links}_py`, what: `link dump, ${links.toLocaleString('en')} links (Python client)`, unit: 'messages/s',
      rtnld: pa, baseline: pb, ratio: pa.median / pb.median, target: '>= 0.5 x raw', met: pa.median / pb.median >= 0.5,
    });
    if (kernelNs) {
      const k = series('Linux kernel (netns)', py.runs.kernel!);
      const ks = py.shape.kernel!;
      if (ks.messages !== shape.messages) notes.push(`kernel dump had ${ks.messages} messages, rtnld ${shape.messages}`);
      rows.push({
        id: `dump_${links}_kernel`, what: `link dump, ${links.toLocaleString('en')} links vs kernel (Python client)`, unit: 'messages/s',
        rtnld: pa, baseline: k, ratio: pa.median / k.median, target: '>= 1.0 x kernel', met: pa.median / k.median >= 1,
        detail: {
          kernelMessages: ks.messages, kernelBytesPerMessage: Math.round(ks.bytes / ks.messages),
          kernelMBps: (k.median * ks.bytes) / ks.messages / 1e6,
          placement: `kernel work runs in the client's recvmsg on CPU ${CLIENT_CPU}; rtnld on CPU ${SERVER_CPU}, its client on CPU ${CLIENT_CPU}`,
        },
      });
      // The same with lo's MTU changed before every dump, on both sides: rtnld encodes every link
      // afresh (nothing recorded or cached applies), as the kernel always does.
      const coldArgs = [join(benchDir, 'kdump.py'), '--warmup', '1', '--runs', String(DUMP_RUNS), '--dumps-per-run', String(perRun),
        '--change-first', '--unix', `rtnld=${daemon.path}`, '--kernel'];
      const cold = await runPinned<DumpResult>('python3', coldArgs, 120_000, prefix);
      log(`link dump at ${links} links after a change (Python client, kernel) done`);
      const cr = series('rtnld', cold.runs.rtnld!);
      const ck = series('Linux kernel (netns), lo changed before each dump too', cold.runs.kernel!);
      rows.push({
        id: `dump_${links}_changed_kernel`, what: `link dump, ${links.toLocaleString('en')} links, model changed before each dump, vs kernel (Python client)`,
        unit: 'messages/s', rtnld: cr, baseline: ck, ratio: cr.median / ck.median, target: '>= 1.0 x kernel', met: cr.median / ck.median >= 1,
      });
    }
  } finally {
    await stopServer(raw);
  }
}

/** Address dumps (family 0: IPv4 then IPv6) of the 10,000-link topology, 2 addresses per link. */
async function addrDumpRows(daemon: Server, kernelNs: string | undefined): Promise<void> {
  const recording = join(tmp, 'addr-dump.bin');
  const rec = await runJob<{ messages: number; bytes: number }>({ mode: 'record', path: daemon.path, out: recording, what: 'addr' });
  log(`recorded one address dump: ${rec.messages} messages, ${rec.bytes} bytes; starting the replay baseline`);
  const raw = await startEcho('replay-addr', ['--replay', recording, '--chunk', String(32 * 1024)]);
  const entries = rec.messages - 1;
  const perRun = Math.max(1, Math.round(100_000 / entries));
  try {
    const targets: Target[] = [{ name: 'rtnld', path: daemon.path }, { name: 'raw', path: raw.path }];
    const node = await runJob<DumpResult>({ mode: 'dump', what: 'addr', targets, warmup: 3, runs: DUMP_RUNS, dumpsPerRun: perRun });
    log('address dump (Node client) done');
    const a = series('rtnld', node.runs.rtnld!);
    const b = series('raw replay, 32 KB writes', node.runs.raw!);
    const shape = node.shape.rtnld!;
    const what = `address dump, ${LINKS.toLocaleString('en')} links x 2 addresses`;
    rows.push({
      id: 'addr_dump_10000', what: `${what} (Node client)`, unit: 'messages/s', rtnld: a, baseline: b, ratio: a.median / b.median,
      target: '>= 0.5 x raw', met: a.median / b.median >= 0.5,
      detail: { dumpsPerRun: perRun, messages: shape.messages, bytesPerMessage: Math.round(shape.bytes / shape.messages) },
    });
    const pyArgs = [join(benchDir, 'kdump.py'), '--addr', '--warmup', '2', '--runs', String(DUMP_RUNS), '--dumps-per-run', String(perRun),
      '--unix', `rtnld=${daemon.path}`, '--unix', `raw=${raw.path}`];
    if (kernelNs) pyArgs.push('--kernel');
    const py = await runPinned<DumpResult>('python3', pyArgs, 120_000, kernelNs ? ['ip', 'netns', 'exec', kernelNs] : []);
    log(`address dump (Python client${kernelNs ? ', kernel' : ''}) done`);
    const pa = series('rtnld', py.runs.rtnld!);
    rows.push({
      id: 'addr_dump_10000_py', what: `${what} (Python client)`, unit: 'messages/s', rtnld: pa,
      baseline: series('raw replay, 32 KB writes', py.runs.raw!), ratio: pa.median / median(py.runs.raw!),
      target: '>= 0.5 x raw', met: pa.median / median(py.runs.raw!) >= 0.5,
    });
    if (kernelNs) {
      const k = series('Linux kernel (netns)', py.runs.kernel!);
      const ks = py.shape.kernel!;
      if (ks.messages !== shape.messages) notes.push(`kernel address dump had ${ks.messages} messages, rtnld ${shape.messages}`);
      rows.push({
        id: 'addr_dump_10000_kernel', what: `${what} vs kernel (Python client)`, unit: 'messages/s', rtnld: pa, baseline: k,
        ratio: pa.median / k.median, target: '>= 1.0 x kernel', met: pa.median / k.median >= 1,
        detail: { kernelMessages: ks.messages, kernelBytesPerMessage: Math.round(ks.bytes / ks.messages) },
      });
    }
  } finally {
    await stopServer(raw);
  }
}

async function cycleRows(): Promise<void> {
  const daemon = await startDaemon('rtnld-cycles');
  // The baseline answers every request with an ACK of the daemon's size (NLMSG_ERROR carrying
  // the whole request): the ceiling for changes over this socket.
  const ackBytes = 20 + newDummy('bench0').length;
  const echo = await startEcho('echo-ack', ['--reply-size', String(ackBytes), '--reply-type', '2']);
  try {
    const targets: Target[] = [{ name: 'rtnld', path: daemon.path }, { name: 'echo', path: echo.path }];
    const job = { targets, warmupMs: RT_WARMUP_MS / 2, runMs: RT_MS, runs: RUNS };
    type Cy = { runs: Record<string, number[]>; deliveries: Record<string, { expected: number; delivered: number }> };
    const variants = [
      { id: 'cycles', what: 'NEWLINK+DELLINK (dummy), one at a time, no subscribers', subscribers: 0, batch: 1 },
      { id: 'cycles_10_subscribers', what: 'NEWLINK+DELLINK (dummy), one at a time, 10 subscribers', subscribers: 10, batch: 1 },
      { id: 'cycles_10_subscribers_batched', what: 'NEWLINK+DELLINK (dummy), 32+32 per write, 10 subscribers', subscribers: 10, batch: 32 },
    ];
    for (const v of variants) {
      const r = await runJob<Cy>({ mode: 'cycles', subscribers: v.subscribers, batch: v.batch, ...job });
      log(`${v.what} done`);
      const a = series('rtnld', r.runs.rtnld!);
      const b = series('Node server answering ACKs', r.runs.echo!);
      const d = r.deliveries.rtnld!;
      if (d.delivered !== d.expected) {
        notes.push(`${v.what}: ${d.delivered} notifications delivered to the subscribers, ${d.expected} expected`);
      }
      rows.push({
        id: v.id, what: v.what, unit: 'cycles/s', rtnld: a, baseline: b, ratio: a.median / b.median,
        // One change per round trip cannot beat the bare ACK server (~2 round trips per cycle), so
        // 20,000 changes/s is a pipelined target; one at a time is held to the round-trip ceiling.
        ...(v.subscribers === 10 && v.batch > 1 ? { target: '>= 20,000 cycles/s', met: a.median >= 20_000 } : {}),
        ...(v.subscribers === 10 && v.batch === 1 ? { target: '>= 0.75 x ACK server (round-trip bound)', met: a.median / b.median >= 0.75 } : {}),
        detail: {
          requestsPerWrite: v.batch === 1 ? 1 : 2 * v.batch, ackBytes, subscribers: v.subscribers,
          ...(v.subscribers ? { notificationsDelivered: d.delivered, notificationsExpected: d.expected } : {}),
        },
      });
    }
  } finally {
    await stopServer(echo);
    await stopServer(daemon);
  }
}

function machine(): Record<string, unknown> {
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: daemonRoot, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'protocol'], { cwd: daemonRoot, encoding: 'utf8' });
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    nproc: ncpu,
    node: process.version,
    kernel: release(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    daemon: daemonRoot === root ? 'this checkout' : daemonRoot,
    commit: git.status === 0 ? `${git.stdout.trim()}${dirty.stdout.trim() ? ' (src/protocol modified)' : ''}` : 'unknown (not a git checkout)',
  };
}

function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return n < 10 ? n.toFixed(2) : n.toFixed(0);
}

function table(): string {
  const head = ['measurement', 'unit', 'rtnld', 'baseline', 'baseline figure', 'ratio', 'target', 'met'];
  const body = rows.map((r) => [
    r.what, r.unit, fmt(r.rtnld.median), r.baseline?.name ?? '', r.baseline ? fmt(r.baseline.median) : '',
    r.ratio !== undefined ? r.ratio.toFixed(2) : '', r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'no',
  ]);
  const lines = [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

/**
 * GETLINK round-trip latency from its own process while another process keeps 100 connections
 * pipelining 64 GETLINKs each (issue 7's "p99 latency under load"), beside the same probe alone.
 */
async function latencyRows(daemon: Server, index: number): Promise<void> {
  type Lat = { count: number; p50: number; p99: number; max: number };
  const ms = QUICK ? 1000 : 4000;
  const idle = await runJob<Lat>({ mode: 'latency', path: daemon.path, index, delayMs: 0, ms });
  const load = { mode: 'load' as const, path: daemon.path, index, connections: 100, depth: 64, ms: ms + 1500 };
  const [busy, loaded] = await Promise.all([
    runJob<Lat>({ mode: 'latency', path: daemon.path, index, delayMs: 1000, ms }),
    runJob<{ requestsPerSecond: number }>(load),
  ]);
  log('latency under load done');
  const one = (name: string, v: number): Series => ({ name, median: v, runs: [v] });
  rows.push({
    id: 'getlink_latency_p99_under_load', what: 'GETLINK latency p99, while 100 connections pipeline 64 GETLINKs each', unit: 'ms',
    rtnld: one('rtnld', busy.p99), baseline: one('the same probe, no load', idle.p99),
    detail: { underLoad: busy, idle, loadRequestsPerSecond: loaded.requestsPerSecond, probe: 'its own process; the load in another, both on the client CPU' },
  });
}

/** Heap per link and per address at 100,000 links, and per idle connection (bench/memory.ts). */
async function memoryRows(): Promise<void> {
  const job = { links: writeVethSeed(BIG_LINKS / 2), addresses: writeVethSeed(BIG_LINKS / 2, true), linkCount: BIG_LINKS, connections: 1000 };
  const m = await runPinned<{ heapPerLink: number; heapPerAddress: number; heapPerIdleConnection: number }>(
    process.execPath, ['--expose-gc', '--import', 'tsx', join(benchDir, 'memory.ts'), JSON.stringify(job)], 300_000, [], SERVER_CPU,
  );
  log('memory done');
  const one = (name: string, v: number): Series => ({ name, median: v, runs: [v] });
  const row = (id: string, what: string, v: number, limit: number, target: string) =>
    rows.push({ id, what, unit: 'heap bytes', rtnld: one('rtnld', v), target, met: v <= limit });
  row('heap_per_link', `heap per link at ${BIG_LINKS.toLocaleString('en')} links`, m.heapPerLink, 2048, '<= 2 KiB');
  row('heap_per_address', `heap per address (${BIG_LINKS.toLocaleString('en')} links x 2)`, m.heapPerAddress, 512, '<= 0.5 KiB');
  row('heap_per_connection', `heap per idle connection (${job.connections} connections)`, m.heapPerIdleConnection, 64 * 1024, '<= 64 KiB');
}

/**
 * The route model at Internet-table scale (bench/routes-model.ts, its own process): inserts
 * through the NEWROUTE path, longest-prefix matches per second beside one Map.get per lookup
 * (the baseline, same process), heap per route.
 */
async function routeModelRows(): Promise<void> {
  // Always at 1,000,000 (the scale; in-process, about a minute even with --quick).
  const routes = 1_000_000;
  // The compiled file when current (the code the daemon runs), else the sources through tsx.
  const { staleReason } = (await import(pathToFileURL(join(daemonRoot, 'bin', 'launch.js')).href)) as { staleReason(built: string): string | undefined };
  const stale = staleReason('dist/bench/routes-model.js');
  if (stale !== undefined) notes.push(`route model rows ran through tsx (${stale}; \`npm run build\` measures the compiled code)`);
  const script = stale === undefined ? [join(root, 'dist', 'bench', 'routes-model.js')] : ['--import', 'tsx', join(benchDir, 'routes-model.ts')];
  const m = await runPinned<{ insertPerSecond: number; lookupsPerSecond: number; baselineMapGetPerSecond: number; heapBytesPerRoute: number; offHeapBytesPerRoute: number; lookupsPerCpuSecond: number }>(
    process.execPath, ['--expose-gc', '--max-old-space-size=4096', ...script, String(routes)], 600_000, [], SERVER_CPU,
  );
  log('route model done');
  const one = (name: string, v: number): Series => ({ name, median: v, runs: [v] });
  const n = routes.toLocaleString('en');
  rows.push({ id: 'route_insert_model', what: `IPv4 routes inserted in the model (${n}, NEWROUTE checks included)`, unit: 'routes/s', rtnld: one('rtnld', m.insertPerSecond) });
  rows.push({
    id: 'route_lookup_model', what: `longest-prefix matches at ${n} routes`, unit: 'lookups/s', rtnld: one('rtnld', m.lookupsPerSecond),
    baseline: one('one Map.get per lookup', m.baselineMapGetPerSecond), ratio: m.lookupsPerSecond / m.baselineMapGetPerSecond,
    target: '>= 2,000,000 lookups/s', met: m.lookupsPerSecond >= 2_000_000,
    detail: { lookupsPerCpuSecond: m.lookupsPerCpuSecond, loadAverage: loadavg().map((l) => Math.round(l * 10) / 10) },
  });
  rows.push({
    id: 'heap_per_route', what: `heap per route at ${n} routes`, unit: 'heap bytes', rtnld: one('rtnld', m.heapBytesPerRoute),
    target: '<= 200 bytes', met: m.heapBytesPerRoute <= 200,
    detail: { offHeapBytesPerRoute: m.offHeapBytesPerRoute, note: 'typed arrays (direct index, bitmaps) are off the V8 heap, counted apart' },
  });
}

/** The route rows' topology: veth v0/v1 up, v0 holding 100.0.0.1/8 (the gateway 100.0.0.2 is on-link). */
const ROUTE_SEED = { links: [{ name: 'v0', kind: 'veth', peer: { name: 'v1', up: true }, up: true, addresses: ['100.0.0.1/8'] }] };

/** The same topology in a throwaway netns; returns its name. */
function routeNetns(): string {
  const name = `rtnld-bench-${process.pid}-routes`;
  const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`ip netns add: ${add.stderr.trim()}`);
  namespaces.add(name);
  for (const cmd of [['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ['link', 'set', 'v0', 'up'], ['link', 'set', 'v1', 'up'], ['address', 'add', '100.0.0.1/8', 'dev', 'v0']]) {
    const r = spawnSync('ip', ['-n', name, ...cmd], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${cmd.join(' ')}: ${r.stderr.trim()}`);
  }
  return name;
}

/** RTM_GETROUTE for one IPv4 address (what `ip route get 1.2.3.4` sends), as hex. */
function routeGetRequest(addr: number[]): string {
  const b = Buffer.alloc(36);
  b.writeUInt32LE(36, 0);
  b.writeUInt16LE(26, 4); // RTM_GETROUTE
  b.writeUInt16LE(1, 6); // NLM_F_REQUEST
  b.writeUInt32LE(1, 8);
  b[16] = 2; // AF_INET
  b[17] = 32;
  b.writeUInt16LE(8, 28);
  b.writeUInt16LE(1, 30); // RTA_DST
  Buffer.from(addr).copy(b, 32);
  return b.toString('hex');
}

/**
 * Issue 15's rows at Internet-table scale, all with bench/kroutes.py as the client (the kernel's
 * in a netns, rtnld's over its socket): 1,000,000 IPv4 /24s inserted 64 RTM_NEWROUTE per write
 * with ACKs, then dumped; `route get` one at a time beside the Node echo server (bench/client.ts);
 * start-up from a --state directory holding the table; the insert again with 10 route subscribers.
 */
async function routeRows(): Promise<void> {
  const count = QUICK ? 100_000 : 1_000_000;
  const n = count.toLocaleString('en');
  const seed = join(tmp, 'routes-seed.json');
  writeFileSync(seed, JSON.stringify(ROUTE_SEED));
  const kroutes = join(benchDir, 'kroutes.py');
  const py = <T>(args: string[], prefix: string[] = []) => runPinned<T>('python3', [kroutes, ...args], 900_000, prefix);
  type Insert = { routesPerSecond: number; seconds: number };
  type Dump = { runs: number[]; messages: number; bytes: number };
  const one = (name: string, v: number): Series => ({ name, median: v, runs: [Math.round(v)] });
  const dumpArgs = ['dump', '--runs', String(QUICK ? 3 : 5), '--warmup', '1'];

  let kernel: { insert: Insert; dump: Dump } | undefined;
  const kernelSkip = rootAndNetns();
  if (kernelSkip === undefined) {
    const ns = routeNetns();
    try {
      const inNs = ['ip', 'netns', 'exec', ns];
      kernel = { insert: await py<Insert>(['insert', '--count', String(count), '--kernel'], inNs), dump: await py<Dump>([...dumpArgs, '--kernel'], inNs) };
      log(`kernel: ${n} routes inserted and dumped`);
    } finally {
      dropNetns(ns);
    }
    // The kernel tears the netns and its million routes down in the background: not during rtnld's rows.
    log(`kernel's netns torn down (${await settle()} ms)`);
  } else {
    skipped.routes_kernel = kernelSkip;
  }

  const http = join(tmp, 'routes-http.sock');
  const daemon = await startDaemon('rtnld-routes', seed, ['--http', `unix:${http}`]);
  let insert: Insert;
  let snapshot: Buffer;
  try {
    insert = await py<Insert>(['insert', '--count', String(count), '--unix', daemon.path]);
    const dump = await py<Dump>([...dumpArgs, '--unix', daemon.path]);
    log(`rtnld: ${n} routes inserted and dumped`);
    const loadAverage = loadavg().map((l) => Math.round(l * 10) / 10);
    rows.push({
      id: 'route_insert_1m', what: `${n} IPv4 routes inserted, 64 RTM_NEWROUTE per write with ACKs (Python client)`, unit: 'routes/s',
      rtnld: one('rtnld', insert.routesPerSecond),
      ...(kernel ? { baseline: one('Linux kernel (netns)', kernel.insert.routesPerSecond), ratio: insert.routesPerSecond / kernel.insert.routesPerSecond, target: '>= 1.0 x kernel', met: insert.routesPerSecond >= kernel.insert.routesPerSecond } : {}),
      detail: { seconds: insert.seconds, kernelSeconds: kernel?.insert.seconds, loadAverage },
    });
    const d = median(dump.runs);
    rows.push({
      id: 'route_dump_1m', what: `IPv4 route dump, ${n} routes (Python client)`, unit: 'messages/s', rtnld: series('rtnld', dump.runs),
      ...(kernel ? { baseline: series('Linux kernel (netns)', kernel.dump.runs), ratio: d / median(kernel.dump.runs), target: '>= 1.0 x kernel', met: d >= median(kernel.dump.runs) } : {}),
      detail: { messages: dump.messages, bytesPerMessage: Math.round(dump.bytes / dump.messages), kernelMessages: kernel?.dump.messages },
    });
    if (kernel && kernel.dump.messages !== dump.messages) notes.push(`route dump: kernel ${kernel.dump.messages} messages, rtnld ${dump.messages}`);

    // `ip route get` of an address inside one of the /24s, one at a time, beside the echo server answering with a reply of the same size.
    const request = routeGetRequest([1, 2, 3, 4]);
    const probe = await runJob<{ replyBytes: number }>({ mode: 'probe', path: daemon.path, index: 0, request });
    const echo = await startEcho('echo-route-get', ['--reply-size', String(probe.replyBytes), '--reply-type', '24']);
    try {
      type Rt = { runs: Record<string, number[]> };
      const rt = await runJob<Rt>({ mode: 'rt', targets: [{ name: 'rtnld', path: daemon.path }, { name: 'echo', path: echo.path }], index: 0, request, replyType: 24, depth: 1, warmupMs: RT_WARMUP_MS, runMs: RT_MS, runs: RUNS });
      const a = series('rtnld', rt.runs.rtnld!);
      const b = series('Node echo server', rt.runs.echo!);
      rows.push({
        id: 'route_get_rt', what: `\`ip route get\` one at a time at ${n} routes (Node client)`, unit: 'round trips/s', rtnld: a, baseline: b,
        ratio: a.median / b.median, target: '>= 0.75 x echo', met: a.median / b.median >= 0.75, detail: { replyBytes: probe.replyBytes },
      });
      log('route get one at a time done');
    } finally {
      await stopServer(echo);
    }
    // The start-up row's state: the table as the Python client left it (before the Node client below adds as many again).
    snapshot = await httpGet(http, '/v1/snapshot');
    // The same insert from a Node client (bench/client.ts, no per-message allocation) beside the
    // echo server answering each request with a bare ACK: how close the daemon comes to a server
    // doing no work, and how busy the client is (near 1: the client, not the daemon, is the limit).
    const ackEcho = await startEcho('echo-route-insert', ['--reply-size', '36', '--reply-type', '2']);
    try {
      const ins = await runJob<Record<'echo' | 'rtnld', { rate: number; clientCpu: number }>>({
        mode: 'insert', targets: [{ name: 'echo', path: ackEcho.path }, { name: 'rtnld', path: daemon.path }], count, batch: 64, base: 128 << 24,
      }, CLIENT_CPU, 900_000);
      rows.push({
        id: 'route_insert_node', what: `${n} more IPv4 routes inserted, 64 RTM_NEWROUTE per write with ACKs (Node client)`, unit: 'routes/s',
        rtnld: one('rtnld', ins.rtnld.rate), baseline: one('Node echo server (bare ACKs)', ins.echo.rate), ratio: ins.rtnld.rate / ins.echo.rate,
        detail: { clientCpuShareRtnld: ins.rtnld.clientCpu, clientCpuShareEcho: ins.echo.clientCpu, loadAverage: loadavg().map((l) => Math.round(l * 10) / 10) },
      });
      log('route insert from a Node client done');
    } finally {
      await stopServer(ackEcho);
    }
  } finally {
    await stopServer(daemon);
  }

  // The insert as a user's program makes it: rtnld's own client library (src/client), its typed
  // addRoute(), into a daemon of its own, as the Python row's. The row: 256 routes kept in flight,
  // each ACK releasing the next, as a routing daemon pushing a table does; near 1.0 x the echo
  // server, with the daemon's CPU share well below the client's, the client library sets the
  // pace, not the daemon. In the detail: 64 calls at once, awaited together, then the next 64
  // (client and server take turns, so both latencies add up), on a quarter as many routes more.
  const libDaemon = await startDaemon('rtnld-routes-library', seed);
  const libEcho = await startEcho('echo-route-library', ['--reply-size', '36', '--reply-type', '2']);
  try {
    type LibRuns = Record<'echo' | 'rtnld', { rate: number[]; clientCpu: number[] }>;
    const libJob = (lib: 'window' | 'batch', routes: number, inFlight: number, base: number, rounds: number) => runJob<LibRuns>({
      mode: 'insert-lib', targets: [{ name: 'echo', path: libEcho.path }, { name: 'rtnld', path: libDaemon.path }], count: routes, inFlight, lib, base, rounds,
    }, CLIENT_CPU, 900_000);
    const cpu0 = processCpuSeconds(libDaemon.proc.pid!);
    const lib = await libJob('window', count, 256, 160 << 24, QUICK ? 3 : 7);
    // The daemon idles while the client works against the echo server: its CPU is the rtnld parts'.
    const rtnldSeconds = lib.rtnld.rate.reduce((a, rate) => a + count / lib.rtnld.rate.length / rate, 0);
    const daemonCpuShare = (processCpuSeconds(libDaemon.proc.pid!) - cpu0) / rtnldSeconds;
    const turns = await libJob('batch', count / 4, 64, 200 << 24, 3);
    const a = series('rtnld', lib.rtnld.rate);
    const b = series('Node echo server (bare ACKs)', lib.echo.rate);
    const libRatio = a.median / b.median;
    rows.push({
      id: 'route_insert_node_client_library', what: `${n} IPv4 routes added through rtnld's client library (addRoute, 256 in flight)`, unit: 'routes/s',
      rtnld: a, baseline: b, ratio: libRatio,
      target: '>= 0.9 x echo (the daemon not the bottleneck of a Node client)', met: libRatio >= 0.9,
      detail: {
        clientCpuShareRtnld: median(lib.rtnld.clientCpu), clientCpuShareEcho: median(lib.echo.clientCpu), daemonCpuShare,
        batchesOf64: {
          routes: count / 4, rtnld: median(turns.rtnld.rate), echo: median(turns.echo.rate),
          ratio: median(turns.rtnld.rate) / median(turns.echo.rate), clientCpuShareRtnld: median(turns.rtnld.clientCpu),
        },
        loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
      },
    });
    log('route insert through the client library done');
  } finally {
    await stopServer(libEcho);
    await stopServer(libDaemon);
  }

  // The same insert with 10 connections subscribed to RTNLGRP_IPV4_ROUTE (read by one process on the client CPU).
  const withSubs = await startDaemon('rtnld-routes-subscribed', seed);
  try {
    const [c, a] = pinned(CLIENT_CPU, 'python3', [kroutes, 'subscribe', '--subscribers', '10', '--unix', withSubs.path]);
    const subs = spawn(c, a, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(subs);
    let out = '';
    subs.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    while (!out.includes('ready')) {
      if (subs.exitCode !== null) throw new Error('route subscribers exited');
      await sleep(20);
    }
    const subscribed = await py<Insert>(['insert', '--count', String(count), '--unix', withSubs.path]);
    await sleep(500);
    const exited = new Promise((r) => subs.once('exit', r));
    subs.kill('SIGTERM');
    await exited;
    children.delete(subs);
    const bytes = (JSON.parse(out.slice(out.indexOf('{'))) as { bytes: number }).bytes;
    const cost = insert.routesPerSecond / subscribed.routesPerSecond;
    rows.push({
      id: 'route_insert_1m_10_subscribers', what: `${n} IPv4 routes inserted with 10 route subscribers (time vs none)`, unit: 'routes/s',
      rtnld: one('rtnld, 10 subscribers', subscribed.routesPerSecond), baseline: one('rtnld, no subscribers', insert.routesPerSecond),
      ratio: cost, ratioOf: 'time with 10 subscribers / time with none', target: '<= 2 x', met: cost <= 2,
      detail: { notificationBytesRead: bytes },
    });
    log('insert with 10 subscribers done');
  } finally {
    await stopServer(withSubs);
  }

  // Start-up from a state directory holding the table (until the socket answers). The directory
  // gets the first daemon's GET /v1/snapshot as its snapshot.json (the document --state keeps).
  const state = join(tmp, 'routes-state');
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, 'snapshot.json'), snapshot);
  const again = await startDaemon('rtnld-routes-state', undefined, ['--state', state]);
  try {
    const check = await py<Dump>(['dump', '--runs', '1', '--warmup', '0', '--unix', again.path]);
    rows.push({
      id: 'route_startup_1m', what: `start-up from a --state directory holding ${n} IPv4 routes (until the socket answers)`, unit: 'seconds',
      // Met only with the table restored whole: the routes inserted plus the kernel's few (lo's, the veth's address).
      rtnld: one('rtnld', again.startSeconds), target: '<= 5 s', met: again.startSeconds <= 5 && check.messages >= count && check.messages < count + 100,
      detail: { routesAfterRestart: check.messages, snapshotBytes: snapshot.length },
    });
    log('route start-up from --state done');
  } finally {
    await stopServer(again);
  }
}

/** GET path from a daemon's admin API on a unix socket. */
function httpGet(socketPath: string, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ socketPath, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET ${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `ip route get` through 100 non-matching FIB rules beside the default rules (bench/rules-lookup.ts, its own process). */
async function ruleLookupRows(): Promise<void> {
  const m = await runPinned<{ defaultRules: number; hundredRules: number; runsDefault: number[]; runsHundred: number[] }>(
    process.execPath, ['--import', 'tsx', join(benchDir, 'rules-lookup.ts')], 300_000, [], SERVER_CPU,
  );
  log('rule lookups done');
  rows.push({
    id: 'route_get_100_rules', what: '`ip route get` (RTM_GETROUTE handled in-process) with 100 FIB rules walked first', unit: 'requests/s',
    rtnld: series('rtnld', m.runsHundred), baseline: series('default rules only', m.runsDefault), ratio: m.hundredRules / m.defaultRules,
    target: '>= 0.8 x default rules', met: m.hundredRules / m.defaultRules >= 0.8,
  });
}

const NEIGHBOURS = 100_000;

/** The i-th neighbour of the neighbour rows: 10.<1 + i/65536>.<i/256>.<i%256>, MAC 02:00:00:<i>. */
function neighbourLine(i: number): string {
  const hex = (v: number) => v.toString(16).padStart(2, '0');
  return `10.${1 + ((i >> 16) & 0xff)}.${(i >> 8) & 0xff}.${i & 0xff} lladdr 02:00:00:${hex((i >> 16) & 0xff)}:${hex((i >> 8) & 0xff)}:${hex(i & 0xff)}`;
}

/**
 * Issue 16's neighbour rows: the dump of 100,000 permanent IPv4 neighbours on one veth (what `ip
 * neigh show` sends: RTM_GETNEIGH, family 0) from rtnld (a seed) and from the kernel (a throwaway
 * netns filled with `ip -batch`), read in turn by the same Python loop (kdump.py --neigh); and heap
 * per neighbour (bench/neighbours-model.ts, its own process).
 */
async function neighbourRows(): Promise<void> {
  const heap = await runPinned<{ heapBytesPerNeighbour: number }>(
    process.execPath, ['--expose-gc', '--import', 'tsx', join(benchDir, 'neighbours-model.ts'), String(NEIGHBOURS)], 300_000, [], SERVER_CPU,
  );
  const n = NEIGHBOURS.toLocaleString('en');
  rows.push({
    id: 'heap_per_neighbour', what: `heap per neighbour at ${n} neighbours`, unit: 'heap bytes',
    rtnld: { name: 'rtnld', median: heap.heapBytesPerNeighbour, runs: [heap.heapBytesPerNeighbour] },
    target: '<= 200 bytes', met: heap.heapBytesPerNeighbour <= 200,
  });
  log('heap per neighbour done');
  const lines = Array.from({ length: NEIGHBOURS }, (_, i) => neighbourLine(i));
  const seed = join(tmp, 'neighbours-seed.json');
  writeFileSync(seed, JSON.stringify({
    links: [{ name: 'lo', up: true }, { name: 'v0', kind: 'veth', peer: { name: 'v1', up: true }, up: true, addresses: ['10.0.0.1/8'], neighbours: lines }],
  }));
  const kernelSkip = rootAndNetns();
  let ns: string | undefined;
  if (kernelSkip === undefined) {
    dropStaleNetns();
    ns = `rtnld-bench-${process.pid}-neigh`;
    const add = spawnSync('ip', ['netns', 'add', ns], { encoding: 'utf8' });
    if (add.status !== 0) throw new Error(`ip netns add: ${add.stderr.trim()}`);
    namespaces.add(ns);
    const batch = ['link set lo up', 'link add v0 type veth peer name v1', 'link set v0 up', 'link set v1 up', 'address add 10.0.0.1/8 dev v0',
      ...lines.map((l) => `neigh add ${l} dev v0 nud permanent`)];
    const r = spawnSync('ip', ['-n', ns, '-batch', '-'], { input: `${batch.join('\n')}\n`, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`ip -batch: ${r.stderr.trim().split('\n')[0]}`);
    log(`kernel netns: ${n} neighbours`);
  } else {
    skipped.neigh_dump_kernel = kernelSkip;
  }
  const daemon = await startDaemon('rtnld-neigh', seed);
  try {
    const args = [join(benchDir, 'kdump.py'), '--neigh', '--warmup', '2', '--runs', String(DUMP_RUNS), '--unix', `rtnld=${daemon.path}`];
    if (ns) args.push('--kernel');
    const py = await runPinned<DumpResult>('python3', args, 300_000, ns ? ['ip', 'netns', 'exec', ns] : []);
    log('neighbour dump done');
    const a = series('rtnld', py.runs.rtnld!);
    const shape = py.shape.rtnld!;
    // Beside the seed's entries, the veth pair's own multicast entries (ff02::16, ff02::2, solicited-node,
    // as the kernel side has them too): a handful, not more.
    if (shape.messages < NEIGHBOURS || shape.messages > NEIGHBOURS + 16) throw new Error(`rtnld's neighbour dump had ${shape.messages} entries, not ${NEIGHBOURS} and the veths' own`);
    const what = `neighbour dump, ${n} IPv4 neighbours (Python client)`;
    const detail = { messages: shape.messages, bytesPerMessage: Math.round(shape.bytes / shape.messages), loadAverage: loadavg().map((l) => Math.round(l * 10) / 10) };
    if (!ns) {
      rows.push({ id: 'neigh_dump_100000_kernel', what, unit: 'messages/s', rtnld: a, detail });
      return;
    }
    const k = series('Linux kernel (netns)', py.runs.kernel!);
    const ks = py.shape.kernel!;
    rows.push({
      id: 'neigh_dump_100000_kernel', what: `${what} vs kernel`, unit: 'messages/s', rtnld: a, baseline: k, ratio: a.median / k.median,
      target: '>= 1.0 x kernel', met: a.median / k.median >= 1,
      detail: {
        ...detail, kernelMessages: ks.messages, kernelBytesPerMessage: Math.round(ks.bytes / ks.messages),
        placement: `kernel work runs in the client's recvmsg on CPU ${CLIENT_CPU}; rtnld on CPU ${SERVER_CPU}, its client on CPU ${CLIENT_CPU}`,
      },
    });
  } finally {
    await stopServer(daemon);
    if (ns) dropNetns(ns);
  }
}

/** Notification fan-out: one change encoded once and delivered to 1, 10 and 100 subscribers. */
async function fanoutRows(): Promise<void> {
  // A receive budget large enough that no notification is dropped while the one client process
  // reads 100 sockets (drops would be ENOBUFS, not throughput).
  const daemon = await startDaemon('rtnld-fanout', undefined, ['--rcvbuf', String(256 * 1024 * 1024)]);
  try {
    for (const subscribers of [1, 10, 100]) {
      const changes = Math.max(2000, Math.round(200_000 / subscribers));
      const r = await runJob<{ runs: number[] }>({ mode: 'fanout', path: daemon.path, subscribers, changes, runs: QUICK ? 2 : RUNS });
      log(`notification fan-out to ${subscribers} subscribers done`);
      rows.push({
        id: `fanout_${subscribers}`, what: `notifications delivered, ${subscribers} subscriber${subscribers > 1 ? 's' : ''}`,
        unit: 'deliveries/s', rtnld: series('rtnld', r.runs),
        ...(subscribers === 100 ? { target: '>= 200,000 deliveries/s', met: median(r.runs) >= 200_000 } : {}),
        detail: { changesPerRun: changes, subscribers, note: 'subscribers read in the one measuring process' },
      });
    }
  } finally {
    await stopServer(daemon);
  }
}

/** Wall-clock milliseconds of one process run to its exit, pinned to the client CPU. */
function timedRun(cmd: string, args: string[]): Promise<number> {
  const [c, a] = pinned(CLIENT_CPU, cmd, args);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const proc = spawn(c, a, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${cmd} ${args.join(' ')}: ${code} ${err}`))));
  });
}

/**
 * `rtnl link show` from process start to exit (the bundled dist/rtnl.cjs through bin/rtnl.js, from its code cache)
 * beside `node -e 0`, alternately, with a daemon serving lo; npx's own cost in the detail.
 */
async function cliStartRows(): Promise<void> {
  const { staleReason } = (await import(pathToFileURL(join(daemonRoot, 'bin', 'launch.js')).href)) as { staleReason(built: string): string | undefined };
  const stale = staleReason('dist/rtnl.cjs');
  if (stale !== undefined) {
    skipped.cli_start = `${stale}: run \`npm run build\` first (this row measures the built command)`;
    return;
  }
  const daemon = await startDaemon('rtnld-cli');
  try {
    const rtnl = [join(daemonRoot, 'bin', 'rtnl.js'), '--socket', daemon.path, 'link', 'show'];
    const runs = QUICK ? 7 : 31;
    const node: number[] = [];
    const cli: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      const n = await timedRun(process.execPath, ['-e', '0']);
      const c = await timedRun(process.execPath, rtnl);
      if (i < 3) continue; // the first runs warm the file cache
      node.push(n);
      cli.push(c);
    }
    const npx: number[] = [];
    for (let i = 0; i < 3; i++) npx.push(await timedRun('npx', ['rtnl', '--socket', daemon.path, 'link', 'show']));
    log('rtnl cold start done');
    const a = { name: 'rtnl', median: median(cli), runs: cli.map((r) => Math.round(r * 10) / 10) };
    const b = { name: 'node -e 0', median: median(node), runs: node.map((r) => Math.round(r * 10) / 10) };
    rows.push({
      id: 'cli_cold_start', what: '`rtnl link show` cold start (node bin/rtnl.js, process start to exit)', unit: 'ms',
      rtnld: a, baseline: b, ratio: a.median / b.median, target: '<= node -e 0 + 60 ms', met: a.median - b.median <= 60,
      detail: {
        overNodeMs: Math.round((a.median - b.median) * 10) / 10,
        // The fastest runs are the least disturbed by other load on the machine.
        fastestMs: { rtnl: Math.round(Math.min(...cli) * 10) / 10, node: Math.round(Math.min(...node) * 10) / 10 },
        npxMedianMs: Math.round(median(npx)), runsEach: runs, loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
      },
    });
  } finally {
    await stopServer(daemon);
  }
}

/**
 * Namespaces (bench/netns-model.ts, its own process): heap per namespace holding only lo at
 * 10,000, and cycles of `ip netns add` + a veth with its peer there + a move + `ip netns del`,
 * against the kernel doing the same cycle with one `ip -batch` inside a throwaway namespace.
 */
async function netnsRows(): Promise<void> {
  const cycles = QUICK ? 500 : 2000;
  // The compiled file when current (the code the daemon runs): tsx's keep-names helper gives every
  // function a property store of its own, ~7 KiB more per namespace than the daemon holds.
  const { staleReason } = (await import(pathToFileURL(join(daemonRoot, 'bin', 'launch.js')).href)) as { staleReason(built: string): string | undefined };
  const stale = staleReason('dist/bench/netns-model.js');
  if (stale !== undefined) notes.push(`namespace model rows ran through tsx (${stale}; \`npm run build\` measures the compiled code)`);
  const script = stale === undefined ? [join(root, 'dist', 'bench', 'netns-model.js')] : ['--import', 'tsx', join(benchDir, 'netns-model.ts')];
  const m = await runPinned<{ heapPerNamespace: number; cyclesPerSecond: number; isolation: { crowded: number[]; alone: number[] }; foreignCalls: number }>(
    process.execPath, ['--expose-gc', ...script, '10000', String(cycles)], 300_000, [], SERVER_CPU,
  );
  log('netns model done');
  const one = (name: string, v: number): Series => ({ name, median: v, runs: [v] });
  rows.push({
    id: 'heap_per_netns', what: 'heap per namespace holding only lo, at 10,000 namespaces', unit: 'heap bytes',
    rtnld: one('rtnld', m.heapPerNamespace), target: '<= 16 KiB', met: m.heapPerNamespace <= 16 * 1024,
  });
  const crowded = series('rtnld, 10,000 other namespaces each with a listener', m.isolation.crowded);
  const alone = series('rtnld, that namespace alone', m.isolation.alone);
  rows.push({
    id: 'netns_isolation', what: 'changes in one namespace (lo MTU, model) while 10,000 others each have a listener, vs that namespace alone',
    unit: 'changes/s', rtnld: crowded, baseline: alone, ratio: crowded.median / alone.median,
    target: '>= 0.9 x alone, no listener elsewhere called', met: crowded.median / alone.median >= 0.9 && m.foreignCalls === 0,
    detail: { foreignListenerCalls: m.foreignCalls },
  });
  await netnsRigRows({
    quick: QUICK, tmp, daemonRoot, startServer, stopServer, runJob: (job) => runJob(job), series, log, rows,
  }, QUICK ? 2_000 : 10_000);
  const kernel = kernelNetnsCycles(QUICK ? 50 : 200);
  if (typeof kernel === 'string') {
    skipped.netns_cycle_kernel = kernel;
    rows.push({ id: 'netns_cycle', what: 'namespace + veth to it + move + delete, per second (model)', unit: 'cycles/s', rtnld: one('rtnld', m.cyclesPerSecond) });
    return;
  }
  rows.push({
    id: 'netns_cycle', what: 'ip netns add + veth with its peer there + ip link set netns + ip netns del, per second', unit: 'cycles/s',
    rtnld: one('rtnld (model, in-process)', m.cyclesPerSecond), baseline: one('kernel (one ip -batch)', kernel),
    ratio: m.cyclesPerSecond / kernel, target: '>= 10x the kernel', met: m.cyclesPerSecond >= 10 * kernel,
  });
}

/** The kernel's rate for the same cycle: one `ip -batch` run in a throwaway namespace (never the host's). */
function kernelNetnsCycles(n: number): number | string {
  const why = rootAndNetns();
  if (why !== undefined) return why;
  const outer = `rtnld-bench-nsc-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'rtnld-nsc-'));
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = `rtnld-bench-nsc-${process.pid}-${i}`;
    lines.push(`netns add ${x}`, `link add name a type veth peer name b netns ${x}`, `link set dev a netns ${x}`, `netns del ${x}`);
  }
  writeFileSync(join(dir, 'batch'), `${lines.join('\n')}\n`);
  try {
    if (spawnSync('ip', ['netns', 'add', outer]).status !== 0) return 'ip netns add failed';
    const t0 = performance.now();
    const r = spawnSync('ip', ['netns', 'exec', outer, 'ip', '-batch', join(dir, 'batch')], { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) return `ip -batch failed: ${r.stderr.trim().split('\n')[0]}`;
    return n / seconds;
  } finally {
    spawnSync('ip', ['netns', 'del', outer]);
    for (let i = 0; i < n; i++) spawnSync('ip', ['netns', 'del', `rtnld-bench-nsc-${process.pid}-${i}`], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the fresh-daemon rows (bench/cold.ts) use of this suite. */
function coldContext(): ColdContext {
  const kernelSkip = rootAndNetns();
  if (kernelSkip === undefined) dropStaleNetns();
  return {
    quick: QUICK, big: BIG, kernelSkip, benchDir, daemonRoot, tmp, startDaemon, stopServer, runPinned, pinned, serverCpu: SERVER_CPU,
    track: (proc) => {
      children.add(proc);
      proc.once('exit', () => children.delete(proc));
    },
    addNetns: (name) => namespaces.add(name), dropNetns, series, median, log, rows, skipped, notes,
  };
}

/** --only: measures one group and replaces its rows in the existing bench/results.json. */
async function onlyRows(): Promise<void> {
  await ONLY_GROUPS[ONLY!]!();
  const file = join(benchDir, 'results.json');
  const results = JSON.parse(readFileSync(file, 'utf8')) as { rows: Row[]; skipped: Record<string, string>; updated?: unknown[] };
  for (const row of rows) {
    const at = results.rows.findIndex((r) => r.id === row.id);
    if (at >= 0) results.rows[at] = row;
    else results.rows.push(row);
  }
  Object.assign(results.skipped, skipped);
  results.updated = [...(results.updated ?? []), { date: new Date().toISOString(), only: ONLY, rows: rows.map((r) => r.id), machine: machine(), placement }];
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${table()}\n`);
  for (const [k, v] of Object.entries(skipped)) process.stdout.write(`skipped ${k}: ${v}\n`);
  process.stdout.write(`\nupdated in ${join('bench', 'results.json')}\n`);
}

async function main(): Promise<void> {
  const started = new Date();
  log(`placement: ${placement}`);
  if (PROFILE) mkdirSync(join(benchDir, 'profiles'), { recursive: true });
  const sizes = [LINKS, BIG_LINKS];
  const kernelSizes = BIG ? sizes : [LINKS];
  // Kernel links are created first, before anything is measured (it keeps a CPU busy).
  const kernelNs = new Map<number, string>();
  const kernelSkip = rootAndNetns();
  if (kernelSkip === undefined) {
    dropStaleNetns();
    for (const links of kernelSizes) {
      const t0 = performance.now();
      try {
        kernelNs.set(links, kernelNetns(links / 2, links === LINKS));
        log(`kernel netns: ${links / 2} veth pairs created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      } catch (e) {
        skipped[`kernel_${links}`] = `could not build the kernel netns: ${(e as Error).message}`;
      }
    }
  } else {
    skipped.kernel = kernelSkip;
  }
  if (!BIG && kernelSkip === undefined) {
    skipped[`kernel_${BIG_LINKS}`] = `the kernel comparison at ${BIG_LINKS.toLocaleString('en')} links is skipped (--no-big or --quick; creating them takes ~30 s)`;
  }
  for (const [k, v] of Object.entries(skipped)) log(`skipped ${k}: ${v}`);

  const startup: Record<string, number> = {};
  for (const links of sizes) {
    // The 10,000-link topology also carries two addresses per link, for the address dump.
    const daemon = await startDaemon(`rtnld-${links}`, writeVethSeed(links / 2, links === LINKS));
    startup[`links_${links}`] = daemon.startSeconds;
    log(`rtnld up with ${links + 1} links (${links / 2} veth pairs + lo) in ${daemon.startSeconds.toFixed(2)} s`);
    try {
      if (links === LINKS) await getlinkRows(daemon, LINKS / 2 + 1);
      if (links === LINKS) await latencyRows(daemon, LINKS / 2 + 1);
      await dumpRows(daemon, links, kernelNs.get(links));
      if (links === LINKS) await addrDumpRows(daemon, kernelNs.get(links));
    } finally {
      await stopServer(daemon);
      // The kernel namespaces are dropped at the end (cleanup()): deleting 10,000 devices keeps a
      // CPU busy for seconds after `ip netns del` returns, which would load the next measurement.
    }
  }

  const bigStart = startup[`links_${BIG_LINKS}`]!;
  rows.push({
    id: 'startup_100000', what: `start-up with a ${BIG_LINKS.toLocaleString('en')}-link seed (until the socket answers)`, unit: 'seconds',
    rtnld: { name: 'rtnld', median: bigStart, runs: [bigStart] }, target: '< 2 s', met: bigStart < 2,
  });
  await cycleRows();
  await fanoutRows();
  await memoryRows();
  await cliStartRows();
  await routeModelRows();
  await ruleLookupRows();
  await neighbourRows();
  await netnsRows();
  await routeRows();
  await coldRows(coldContext());

  const results = {
    date: started.toISOString(),
    durationSeconds: Math.round(performance.now() / 100) / 10,
    machine: machine(),
    placement,
    method: {
      runs: RUNS, dumpRuns: DUMP_RUNS, runMs: RT_MS, warmupMs: RT_WARMUP_MS, quick: QUICK,
      statistic: 'median of runs; rtnld and its baseline measured alternately, run after run, by the same client process',
      client: 'bench/client.ts: one preallocated read buffer (net.connect onread), no allocation per message; bench/kdump.py for the Python/kernel rows',
      daemonStartSeconds: startup,
    },
    rows,
    skipped,
    notes,
  };
  writeFileSync(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const m = results.machine;
  process.stdout.write(`\nrtnld benchmarks, ${started.toISOString()} — ${String(m.cpu)}, ${String(m.nproc)} CPUs, Linux ${String(m.kernel)}, Node ${String(m.node)}\n`);
  process.stdout.write(`placement: ${placement}\n\n${table()}\n`);
  for (const [k, v] of Object.entries(skipped)) process.stdout.write(`skipped ${k}: ${v}\n`);
  for (const n of notes) process.stdout.write(`note: ${n}\n`);
  process.stdout.write(`\nwritten to ${join('bench', 'results.json')}\n`);
}

(ONLY ? onlyRows() : main()).then(
  () => {
    cleanup();
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    cleanup();
    process.exit(1);
  },
);
