// Neighbour benchmarks (issue 16): the dump rate of 100,000 permanent IPv4 neighbours from rtnld
// and from the Linux kernel (a throwaway netns holding the same entries), measured in the same run
// by the same Python client (bench/kdump.py --neigh), and heap bytes per neighbour after GC.
// Run: node --expose-gc --import tsx bench/neighbours.ts [entries]  (the kernel part needs root
// and `ip netns`); prints JSON and writes bench/neighbours-results.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../src/model/clock.js';
import { IFF_UP } from '../src/model/flags.js';
import { NetworkModel } from '../src/model/store.js';

const ENTRIES = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const benchDir = import.meta.dirname;
const root = join(benchDir, '..');

/** The i-th neighbour: 10.<i/65536>.<i/256>.<i%256> shifted into 10.0.0.0/8, MAC 02:..:i. */
const dst = (i: number) => `10.${1 + ((i >> 16) & 0xff)}.${(i >> 8) & 0xff}.${i & 0xff}`;
const mac = (i: number) => `02:00:00:${((i >> 16) & 0xff).toString(16).padStart(2, '0')}:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;

function heapPerNeighbour(): number {
  const model = new NetworkModel({ cpuCount: 1, clock: new ManualClock(), addresses: { dadMs: 0 } });
  model.addLoopback();
  const [, v0] = model.createLink({ kind: 'veth', name: 'v0', peer: { kind: 'veth', name: 'v1' } });
  model.changeFlags(v0!, IFF_UP, IFF_UP);
  const lladdr = new Uint8Array(6);
  const addr = new Uint8Array(4);
  const add = (i: number) => {
    addr.set([10, 1 + ((i >> 16) & 0xff), (i >> 8) & 0xff, i & 0xff]);
    lladdr.set([2, 0, 0, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff]);
    model.neighbours.update({ family: 'inet', ifindex: v0!.index, dst: addr, lladdr, state: 0x80, ntf: 0, ext: 0, protocol: 0, create: true, excl: true, replace: false });
  };
  add(0); // the table's first allocations are not per entry
  gc!();
  gc!();
  const before = process.memoryUsage().heapUsed;
  for (let i = 1; i <= ENTRIES; i++) add(i);
  gc!();
  gc!();
  const per = (process.memoryUsage().heapUsed - before) / ENTRIES;
  if (model.neighbours.size !== ENTRIES + 1) throw new Error('entries missing');
  return Math.round(per);
}

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function dumpRates(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'rtnld-neigh-bench-'));
  const ns = `rtnld-nbench-${process.pid}`;
  const kernel = process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;
  const seed = { links: [{ name: 'lo', up: true }, { name: 'v0', kind: 'veth', peer: 'v1', up: true, addresses: ['10.0.0.1/8'], neighbours: [] as string[] }, { name: 'v1', up: true }] };
  for (let i = 0; i < ENTRIES; i++) seed.links[1]!.neighbours!.push(`${dst(i)} lladdr ${mac(i)}`);
  writeFileSync(join(dir, 'seed.json'), JSON.stringify(seed));
  const sock = join(dir, 'rtnl.sock');
  const daemon = spawn(process.execPath, [join(root, 'bin', 'rtnld.js'), '--socket', sock, '--seed', join(dir, 'seed.json'), '--log-level', 'warn'], { stdio: 'ignore', env: { ...process.env, RTNLD_SOURCE_NOTICE: '0' } });
  try {
    if (kernel) {
      run('ip', ['netns', 'add', ns]);
      const batch = ['link set lo up', 'link add v0 type veth peer name v1', 'link set v0 up', 'link set v1 up', 'addr add 10.0.0.1/8 dev v0'];
      for (let i = 0; i < ENTRIES; i++) batch.push(`neigh add ${dst(i)} lladdr ${mac(i)} dev v0 nud permanent`);
      run('ip', ['-n', ns, '-batch', '-'], batch.join('\n') + '\n');
    }
    for (let i = 0; i < 600 && spawnSync('test', ['-S', sock]).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    const args = [join(benchDir, 'kdump.py'), '--neigh', '--warmup', '2', '--runs', '7', '--dumps-per-run', '2', '--unix', `rtnld=${sock}`];
    if (kernel) args.push('--kernel');
    const out = JSON.parse(run(kernel ? 'ip' : 'python3', kernel ? ['netns', 'exec', ns, 'python3', ...args] : args)) as {
      runs: Record<string, number[]>; shape: Record<string, { messages: number; bytes: number }>;
    };
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    const rtnld = median(out.runs.rtnld!);
    const k = kernel ? median(out.runs.kernel!) : undefined;
    return { rtnld, kernel: k, ratio: k ? rtnld / k : undefined, shape: out.shape, kernelSkipped: kernel ? undefined : 'needs root and ip netns' };
  } finally {
    daemon.kill('SIGTERM');
    if (kernel) spawnSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const result = { entries: ENTRIES, heapBytesPerNeighbour: heapPerNeighbour(), dump: await dumpRates(), at: new Date().toISOString() };
console.log(JSON.stringify(result, null, 2));
writeFileSync(join(benchDir, 'neighbours-results.json'), JSON.stringify(result, null, 2) + '\n');
