// The 10,000-namespace rig (bench/run.ts --only netns): a seed of namespaces each holding 4 links,
// 4 addresses and 4 routes, the daemon's start-up from it, and one namespace of the rig served
// beside a daemon holding only that namespace (GETLINK round trips and link dumps, alternating
// run by run in one client process). (The isolation row, changes in one namespace while every
// other one has a listener, is measured in-process by bench/netns-model.ts.)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Job, Target } from './client.js';
import type { Row, Series, Server } from './run.js';

export interface NetnsRigContext {
  quick: boolean;
  tmp: string;
  daemonRoot: string;
  startServer(name: string, path: string, cmd: string, args: string[], timeoutMs?: number): Promise<Server>;
  stopServer(s: Server): Promise<void>;
  runJob<T>(job: Job): Promise<T>;
  series(name: string, runs: number[]): Series;
  log(msg: string): void;
  rows: Row[];
}

/** One host of the rig: lo, a veth pair and a dummy, up; 4 addresses; 4 routes (IPv4 and IPv6, a gateway, a blackhole). */
export const RIG_HOST = {
  links: [
    { name: 'lo', up: true },
    { name: 'eth0', kind: 'veth', up: true, addresses: ['10.0.1.1/24', '2001:db8:1::1/64 nodad'], peer: { name: 'eth1', up: true, addresses: ['10.0.1.2/24'] } },
    { name: 'dummy0', kind: 'dummy', up: true, addresses: ['10.0.2.1/24'] },
  ],
  routes: ['default via 10.0.1.2', '192.168.0.0/16 via 10.0.1.2 metric 100', 'blackhole 203.0.113.0/24', '2001:db8:2::/64 via 2001:db8:1::2'],
};

const load = () => loadavg().map((l) => Math.round(l * 10) / 10);
const round2 = (x: number) => Math.round(x * 100) / 100;

/** The median of the run-by-run ratios (rig run i / lone run i, taken back to back): less moved by the machine's swings than the ratio of medians. */
function pairedRatio(a: number[], b: number[]): number {
  const r = a.map((x, i) => x / b[i]!).sort((x, y) => x - y);
  return round2(r.length % 2 ? r[r.length >> 1]! : (r[r.length / 2 - 1]! + r[r.length / 2]!) / 2);
}

/** A process's CPU seconds so far (user, system: /proc/PID/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid: number | undefined): { user: number; system: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return undefined;
  }
}

/**
 * What the kernel alone takes to create `count` listening Unix socket files in a directory on
 * the same filesystem: a bare Node process binding them one after the other, as the daemon does
 * (on this machine's ext4 /tmp each bind costs 0.1-0.6 ms of system time, mostly contention with
 * the other processes' file system work; on a tmpfs such as /run, ~10 us).
 */
function socketFilesSeconds(dir: string, count: number): number | undefined {
  mkdirSync(dir, { recursive: true });
  const script = `const net = require('node:net'); const n = ${count}; const t = performance.now(); let i = 0;
    const next = () => { if (i === n) { process.stdout.write(String((performance.now() - t) / 1000)); process.exit(0); }
      net.createServer().listen(${JSON.stringify(dir)} + '/s' + i++ + '.sock', next); }; next();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
  rmSync(dir, { recursive: true, force: true });
  return r.status === 0 ? Number(r.stdout) : undefined;
}

export async function netnsRigRows(ctx: NetnsRigContext, count = 10_000): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => `h${i}`);
  const rigSeed = join(ctx.tmp, `rig-${count}.json`);
  writeFileSync(rigSeed, JSON.stringify({ netns: Object.fromEntries(names.map((n) => [n, RIG_HOST])) }));
  const loneSeed = join(ctx.tmp, 'rig-lone.json');
  writeFileSync(loneSeed, JSON.stringify(RIG_HOST));
  const dir = join(ctx.tmp, 'rig');
  mkdirSync(dir, { recursive: true });
  const daemon = (name: string, socket: string, args: string[], waitFor: string) =>
    ctx.startServer(name, waitFor, process.execPath, [join(ctx.daemonRoot, 'bin', 'rtnld.js'), '--socket', socket, '--log-level', 'warn', ...args], 600_000);

  // Ready = the last namespace's socket accepts (the initial socket listens before the namespaces' sockets).
  const loadBefore = load();
  const rig = await daemon('rig', join(ctx.tmp, 'rig.sock'), ['--netns-dir', dir, '--seed', rigSeed], join(dir, `${names[count - 1]}.sock`));
  const cpu = cpuSeconds(rig.proc.pid);
  ctx.log(`rig of ${count} namespaces listening after ${rig.startSeconds.toFixed(1)} s`);
  const floor = socketFilesSeconds(join(ctx.tmp, 'rig-floor'), count);
  ctx.rows.push({
    id: 'netns_rig_startup', what: `start-up with a seed of ${count.toLocaleString('en')} namespaces, each 4 links, 4 addresses, 4 routes (until the last namespace's socket answers)`,
    unit: 'seconds', rtnld: { name: 'rtnld', median: rig.startSeconds, runs: [rig.startSeconds] }, target: '<= 10 s', met: rig.startSeconds <= 10,
    detail: {
      namespaces: count, loadAverageBefore: loadBefore, loadAverageAfter: load(),
      // The daemon's CPU by then (system time is mostly the socket files' creation), and the kernel's share alone.
      daemonCpuSeconds: cpu && { user: round2(cpu.user), system: round2(cpu.system) },
      socketFilesSeconds: floor === undefined ? undefined : round2(floor),
    },
  });
  const lone = await daemon('lone', join(ctx.tmp, 'lone.sock'), ['--seed', loneSeed], join(ctx.tmp, 'lone.sock'));
  try {
    const served = names[count >> 1]!;
    const targets: Target[] = [{ name: 'rig', path: join(dir, `${served}.sock`) }, { name: 'lone', path: lone.path }];
    // Rig and lone by turns (each first every other run), both warmed up by turns first, 15 short
    // runs each: the two daemons see the same machine, and the median shrugs off the runs a
    // neighbour's burst or a collection spoiled.
    const runs = ctx.quick ? 3 : 15;
    const rt = await ctx.runJob<{ runs: Record<string, number[]>; replyBytes: Record<string, number> }>(
      { mode: 'rt', targets, index: 2, depth: 1, warmupMs: ctx.quick ? 500 : 2000, runMs: ctx.quick ? 300 : 500, runs, interleave: true },
    );
    const a = ctx.series(`rtnld, namespace ${served} of ${count}`, rt.runs.rig!);
    const b = ctx.series('rtnld holding only that namespace', rt.runs.lone!);
    ctx.rows.push({
      id: 'netns_rig_getlink_rt', what: `GETLINK by index, one at a time, one namespace of ${count.toLocaleString('en')} vs a daemon holding only it`,
      unit: 'round trips/s', rtnld: a, baseline: b, ratio: a.median / b.median, target: '>= 0.9 x the lone daemon', met: a.median / b.median >= 0.9,
      detail: { replyBytes: rt.replyBytes, pairedRatioMedian: pairedRatio(rt.runs.rig!, rt.runs.lone!), loadAverage: load() },
    });
    ctx.log('rig GETLINK done');
    const dump = await ctx.runJob<{ runs: Record<string, number[]>; shape: Record<string, { messages: number; bytes: number }> }>(
      { mode: 'dump', targets, warmup: ctx.quick ? 500 : 3000, runs, dumpsPerRun: ctx.quick ? 500 : 1000, interleave: true },
    );
    const c = ctx.series(`rtnld, namespace ${served} of ${count}`, dump.runs.rig!);
    const e = ctx.series('rtnld holding only that namespace', dump.runs.lone!);
    ctx.rows.push({
      id: 'netns_rig_dump', what: `link dump of one namespace of ${count.toLocaleString('en')} vs a daemon holding only it`,
      unit: 'messages/s', rtnld: c, baseline: e, ratio: c.median / e.median, target: '>= 0.9 x the lone daemon', met: c.median / e.median >= 0.9,
      detail: { shape: dump.shape, pairedRatioMedian: pairedRatio(dump.runs.rig!, dump.runs.lone!), loadAverage: load() },
    });
    ctx.log('rig dump done');
  } finally {
    await ctx.stopServer(rig);
    await ctx.stopServer(lone);
  }
}
