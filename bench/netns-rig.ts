// The 10,000-namespace rig (bench/run.ts --only netns): a seed of namespaces each holding 4 links,
// 4 addresses and 4 routes, the daemon's start-up from it, and one namespace of the rig served
// beside a daemon holding only that namespace (GETLINK round trips and link dumps, alternating
// run by run in one client process). (The isolation row, changes in one namespace while every
// other one has a listener, is measured in-process by bench/netns-model.ts.)
import { mkdirSync, writeFileSync } from 'node:fs';
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
  ctx.log(`rig of ${count} namespaces listening after ${rig.startSeconds.toFixed(1)} s`);
  ctx.rows.push({
    id: 'netns_rig_startup', what: `start-up with a seed of ${count.toLocaleString('en')} namespaces, each 4 links, 4 addresses, 4 routes (until the last namespace's socket answers)`,
    unit: 'seconds', rtnld: { name: 'rtnld', median: rig.startSeconds, runs: [rig.startSeconds] }, target: '<= 10 s', met: rig.startSeconds <= 10,
    detail: { namespaces: count, loadAverageBefore: loadBefore, loadAverageAfter: load() },
  });
  const lone = await daemon('lone', join(ctx.tmp, 'lone.sock'), ['--seed', loneSeed], join(ctx.tmp, 'lone.sock'));
  try {
    const served = names[count >> 1]!;
    const targets: Target[] = [{ name: 'rig', path: join(dir, `${served}.sock`) }, { name: 'lone', path: lone.path }];
    const runs = ctx.quick ? 3 : 7;
    const rt = await ctx.runJob<{ runs: Record<string, number[]>; replyBytes: Record<string, number> }>(
      { mode: 'rt', targets, index: 2, depth: 1, warmupMs: ctx.quick ? 300 : 1000, runMs: ctx.quick ? 300 : 1000, runs },
    );
    const a = ctx.series(`rtnld, namespace ${served} of ${count}`, rt.runs.rig!);
    const b = ctx.series('rtnld holding only that namespace', rt.runs.lone!);
    ctx.rows.push({
      id: 'netns_rig_getlink_rt', what: `GETLINK by index, one at a time, one namespace of ${count.toLocaleString('en')} vs a daemon holding only it`,
      unit: 'round trips/s', rtnld: a, baseline: b, ratio: a.median / b.median, target: '>= 0.9 x the lone daemon', met: a.median / b.median >= 0.9,
      detail: { replyBytes: rt.replyBytes, loadAverage: load() },
    });
    ctx.log('rig GETLINK done');
    const dump = await ctx.runJob<{ runs: Record<string, number[]>; shape: Record<string, { messages: number; bytes: number }> }>(
      { mode: 'dump', targets, warmup: 200, runs, dumpsPerRun: ctx.quick ? 500 : 2000 },
    );
    const c = ctx.series(`rtnld, namespace ${served} of ${count}`, dump.runs.rig!);
    const e = ctx.series('rtnld holding only that namespace', dump.runs.lone!);
    ctx.rows.push({
      id: 'netns_rig_dump', what: `link dump of one namespace of ${count.toLocaleString('en')} vs a daemon holding only it`,
      unit: 'messages/s', rtnld: c, baseline: e, ratio: c.median / e.median, target: '>= 0.9 x the lone daemon', met: c.median / e.median >= 0.9,
      detail: { shape: dump.shape, loadAverage: load() },
    });
    ctx.log('rig dump done');
  } finally {
    await ctx.stopServer(rig);
    await ctx.stopServer(lone);
  }
}
