// The rows of a freshly started daemon (issue 21), run by bench/run.ts (`--only cold` runs just
// these): what a test rig sees when it starts a daemon, builds a topology and dumps it once or
// twice. Each figure comes from a daemon started for it, beside the kernel doing the same in a
// fresh netns, read by the same client (cold.py, kdump.py's receive loop) on the client CPU.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Row, Series, Server } from './run.js';

/** What run.ts lends these rows: its processes, placement and result lists. */
export interface ColdContext {
  quick: boolean;
  /** The 10,000-link rows too (not with --no-big or --quick). */
  big: boolean;
  /** Why the kernel comparison cannot run (undefined: it can). */
  kernelSkip: string | undefined;
  benchDir: string;
  daemonRoot: string;
  tmp: string;
  startDaemon(name: string, seed?: string, extra?: string[]): Promise<Server>;
  stopServer(s: Server): Promise<void>;
  runPinned<T>(cmd: string, args: string[], timeoutMs: number, prefix?: string[]): Promise<T>;
  pinned(cpu: number, cmd: string, args: string[]): [string, string[]];
  serverCpu: number;
  track(proc: ChildProcess): void;
  addNetns(name: string): void;
  dropNetns(name: string): void;
  series(name: string, runs: number[]): Series;
  median(xs: number[]): number;
  log(msg: string): void;
  rows: Row[];
  skipped: Record<string, string>;
  notes: string[];
}

interface DumpTime {
  messages: number;
  bytes: number;
  seconds: number;
}

/** cold.py's answer: seconds to build the topology, then the first dumps of each kind in order. */
interface ColdRun {
  buildSeconds: number;
  dumps: Record<'link' | 'addr' | 'route', DumpTime[]>;
}

const WHAT = {
  link: 'link dump',
  addr: 'address dump (family 0)',
  route: 'IPv4 route dump (every table)',
} as const;

const rate = (d: DumpTime) => d.messages / d.seconds;

/** Jiffies of all CPUs: busy and total, from /proc/stat's first line. */
function cpuTimes(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - f[4]!, total }; // idle and iowait are not busy
}

/** Set once a settle() waited in vain: the machine is busy with something else, so later ones wait 2 s at most. */
let noisy = false;

/**
 * Waits until the machine is quiet: the CPUs together at most 3% busy over two 500 ms windows in
 * a row (120 s at most). A deleted netns is torn down by the kernel afterwards, in workqueues
 * (ipv6_addrconf, netns): ~0.5 s of a CPU for the 2,000-link build, ~90 s for the 10,000-link
 * one, which ran into the next daemon's run and the next rows. Returns the ms waited.
 */
export async function settle(): Promise<number> {
  const t0 = performance.now();
  const limit = noisy ? 2_000 : 120_000;
  let quiet = 0;
  while (quiet < 2) {
    if (performance.now() - t0 > limit) {
      noisy = true;
      break;
    }
    const a = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const b = cpuTimes();
    quiet = (b.busy - a.busy) / Math.max(1, b.total - a.total) <= 0.03 ? quiet + 1 : 0;
  }
  return Math.round(performance.now() - t0);
}

const loads = () => loadavg().map((l) => Math.round(l * 10) / 10);

function coldPy(ctx: ColdContext, groups: number, target: string[], prefix: string[] = []): Promise<ColdRun> {
  return ctx.runPinned<ColdRun>('python3', [join(ctx.benchDir, 'cold.py'), '--groups', String(groups), ...target], 1_800_000, prefix);
}

/** Builds the topology in a fresh netns and times the kernel's first dumps; the netns is dropped after. */
function kernelRun(ctx: ColdContext, groups: number): Promise<ColdRun> {
  const ns = `rtnld-bench-${process.pid}-cold-${groups}`;
  ctx.dropNetns(ns);
  const add = spawnSync('ip', ['netns', 'add', ns], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`ip netns add: ${add.stderr.trim()}`);
  ctx.addNetns(ns);
  return coldPy(ctx, groups, ['--kernel'], ['ip', 'netns', 'exec', ns]).finally(() => ctx.dropNetns(ns));
}

async function daemonRun(ctx: ColdContext, name: string, groups: number, extra: string[]): Promise<ColdRun> {
  const daemon = await ctx.startDaemon(name, undefined, extra);
  try {
    return await coldPy(ctx, groups, ['--unix', daemon.path]);
  } finally {
    await ctx.stopServer(daemon);
  }
}

/**
 * First link, address and route dumps after building `groups` × 4 devices (bridge, veth pair with
 * one end its port, ifb; all up; 3 addresses and their routes per group), on the kernel and on
 * daemons started for each run, with the warm-up (the default) and without it (`--no-warm-up`,
 * what the daemon did before issue 21). Runs alternate kernel, rtnld, rtnld --no-warm-up, each
 * on a quiet machine (settle()).
 */
async function firstDumpRows(ctx: ColdContext, groups: number, runs: number): Promise<void> {
  const links = groups * 4;
  const results: Record<'kernel' | 'rtnld' | 'cold', ColdRun[]> = { kernel: [], rtnld: [], cold: [] };
  const load: number[][] = [];
  const settled: number[] = [];
  for (let r = 0; r < runs; r++) {
    if (ctx.kernelSkip === undefined) {
      settled.push(await settle());
      results.kernel.push(await kernelRun(ctx, groups));
    }
    settled.push(await settle());
    results.rtnld.push(await daemonRun(ctx, `rtnld-cold-${links}`, groups, []));
    settled.push(await settle());
    results.cold.push(await daemonRun(ctx, `rtnld-cold-${links}-no-warm-up`, groups, ['--no-warm-up']));
    load.push(loads());
    ctx.log(`first dumps at ${links} links: run ${r + 1} of ${runs} done (load ${load.at(-1)!.join(' ')})`);
  }
  const n = links.toLocaleString('en');
  for (const what of ['link', 'addr', 'route'] as const) {
    const first = (rs: ColdRun[]) => rs.map((x) => rate(x.dumps[what][0]!));
    const second = (rs: ColdRun[]) => ctx.median(rs.map((x) => rate(x.dumps[what][1]!)));
    const a = ctx.series('rtnld (fresh daemon)', first(results.rtnld));
    const noWarm = ctx.series('rtnld --no-warm-up', first(results.cold));
    const shape = results.rtnld[0]!.dumps[what][0]!;
    const kernel = results.kernel.length ? ctx.series('Linux kernel (fresh netns)', first(results.kernel)) : undefined;
    if (kernel) {
      const ks = results.kernel[0]!.dumps[what][0]!;
      if (ks.messages !== shape.messages) ctx.notes.push(`cold ${what} dump at ${n} links: kernel ${ks.messages} messages, rtnld ${shape.messages}`);
    }
    ctx.rows.push({
      id: `cold_${what}_dump_${links}`,
      what: `first ${WHAT[what]} of a fresh daemon after building ${n} links (bridges, veths, ifbs)${kernel ? ' vs kernel' : ''} (Python client)`,
      unit: 'messages/s',
      rtnld: a,
      ...(kernel ? { baseline: kernel, ratio: a.median / kernel.median, target: '>= 1.0 x kernel', met: a.median / kernel.median >= 1 } : {}),
      detail: {
        messages: shape.messages,
        bytesPerMessage: Math.round(shape.bytes / shape.messages),
        withoutWarmUp: noWarm,
        warmUpSpeedup: a.median / noWarm.median,
        secondDump: { rtnld: second(results.rtnld), noWarmUp: second(results.cold), ...(kernel ? { kernel: second(results.kernel) } : {}) },
        buildSeconds: {
          rtnld: ctx.median(results.rtnld.map((x) => x.buildSeconds)),
          noWarmUp: ctx.median(results.cold.map((x) => x.buildSeconds)),
          ...(kernel ? { kernel: ctx.median(results.kernel.map((x) => x.buildSeconds)) } : {}),
        },
        runs,
        loadAverage: load,
        settleMs: settled,
      },
    });
  }
}

/**
 * Milliseconds from spawning the daemon until a GETLINK of lo is answered: the first connect is
 * tried every 2 ms, the request sent at once. `warmUpMs` is read from the daemon's debug log.
 */
function timeToAnswer(ctx: ColdContext, name: string, extra: string[]): Promise<{ ms: number; warmUpMs?: number }> {
  const path = join(ctx.tmp, `${name}.sock`);
  const [c, a] = ctx.pinned(ctx.serverCpu, process.execPath,
    [join(ctx.daemonRoot, 'bin', 'rtnld.js'), '--socket', path, '--log-level', 'debug', ...extra]);
  const t0 = performance.now();
  const proc = spawn(c, a, { stdio: ['ignore', 'ignore', 'pipe'] });
  ctx.track(proc);
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  // RTM_GETLINK for index 1: nlmsghdr + ifinfomsg.
  const req = Buffer.alloc(32);
  req.writeUInt32LE(32, 0);
  req.writeUInt16LE(18, 4);
  req.writeUInt16LE(1, 6);
  req.writeInt32LE(1, 20);
  return new Promise((resolve, reject) => {
    let answeredMs = 0;
    const finish = () => {
      proc.kill('SIGTERM');
      const m = /"ms":(\d+),"msg":"warm-up done"/.exec(log);
      resolve({ ms: answeredMs, ...(m ? { warmUpMs: Number(m[1]) } : {}) });
    };
    const attempt = () => {
      if (proc.exitCode !== null) return reject(new Error(`${name} exited: ${log.trim()}`));
      if (performance.now() - t0 > 60_000) return reject(new Error(`${name} did not answer within 60 s`));
      const s = connect(path);
      s.once('error', () => setTimeout(attempt, 2));
      s.once('connect', () => s.write(req));
      s.once('data', () => {
        answeredMs = performance.now() - t0;
        s.destroy();
        // Wait for the warm-up to end (its log line), so that the next run starts on a quiet CPU.
        const done = () => (extra.includes('--no-warm-up') || /warm-up done/.test(log) ? finish() : setTimeout(done, 20));
        done();
      });
    };
    attempt();
  }).finally(() => new Promise<void>((r) => (proc.exitCode !== null ? r() : proc.once('exit', () => r())))) as Promise<{ ms: number; warmUpMs?: number }>;
}

/** Start-up: time until the socket answers, with the warm-up and without it, alternately. */
async function startRows(ctx: ColdContext): Promise<void> {
  const runs = ctx.quick ? 3 : 9;
  const warm: number[] = [];
  const cold: number[] = [];
  const warmUpMs: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const w = await timeToAnswer(ctx, 'rtnld-start', []);
    const c = await timeToAnswer(ctx, 'rtnld-start-no-warm-up', ['--no-warm-up']);
    if (i === 0) continue; // the first runs fill the file cache
    warm.push(w.ms);
    cold.push(c.ms);
    if (w.warmUpMs !== undefined) warmUpMs.push(w.warmUpMs);
  }
  ctx.log('start-up with and without the warm-up done');
  const a = ctx.series('rtnld', warm);
  const b = ctx.series('rtnld --no-warm-up', cold);
  ctx.rows.push({
    id: 'cold_start_answer', what: 'start-up until a GETLINK is answered (spawn to reply), warm-up on vs off', unit: 'ms',
    rtnld: a, baseline: b, ratio: a.median / b.median, target: '<= --no-warm-up + 100 ms', met: a.median - b.median <= 100,
    detail: {
      overNoWarmUpMs: Math.round(a.median - b.median),
      warmUpMs: warmUpMs.length ? { median: ctx.median(warmUpMs), runs: warmUpMs } : 'not logged',
      note: 'the warm-up runs after the socket listens, in steps between which requests are answered',
      loadAverage: loads(),
    },
  });
}

export async function coldRows(ctx: ColdContext): Promise<void> {
  if (ctx.kernelSkip !== undefined) ctx.skipped.cold_kernel = `cold rows without the kernel: ${ctx.kernelSkip}`;
  await startRows(ctx);
  // Seven runs: a first dump at 2,000 links takes 2–15 ms, and single runs spread by 2–3x either way.
  await firstDumpRows(ctx, 500, ctx.quick ? 1 : 7);
  // One run at 10,000 links: the kernel takes over a minute to build them.
  if (ctx.big) await firstDumpRows(ctx, 2500, 1);
  else ctx.skipped.cold_10000 = 'the fresh-daemon rows at 10,000 links are skipped (--no-big or --quick)';
}
