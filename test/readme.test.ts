import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, RTM_MAX } from '../protocol/constants.js';
import { Errno } from '../protocol/errno.js';
import { NetworkModel } from '../src/model/store.js';
import { applySeed, readSeed } from '../src/seed.js';
import { startDaemon } from './helpers/daemon.js';
import { message, TestClient } from './helpers/nl-client.js';
import { tempDir } from './helpers/processes.js';

// README.md is run as a user would run it: every ```sh block line by line in a fresh directory
// (a daemon provided when the block does not start its own), every ```ts block as the file under
// examples/ it must match, ```python blocks against a daemon, ```yaml seeds loaded; the table of
// served message types is checked against a daemon. A block that needs what this machine lacks
// (a container engine, root, iproute2, a C compiler, pyroute2) is skipped with the reason printed.

const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Block {
  lang: string;
  /** 1-based line of the first line of code. */
  line: number;
  heading: string;
  code: string;
}

function blocks(): Block[] {
  const out: Block[] = [];
  const lines = README.split('\n');
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,4} (.*)/.exec(lines[i]!);
    if (h) heading = h[1]!;
    const fence = /^```(\w*)$/.exec(lines[i]!);
    if (!fence) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    out.push({ lang: fence[1]!, line: start + 1, heading, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return out;
}

const ALL = blocks();
const byLang = (lang: string) => ALL.filter((b) => b.lang === lang);
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const isRoot = process.getuid?.() === 0;
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** A scratch directory with the checkout's bin/ and examples/ in it, as the README's paths expect. */
function workDir(): string {
  const dir = tempDir('rtnld-readme-');
  for (const name of ['bin', 'examples']) symlinkSync(join(ROOT, name), join(dir, name));
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Runs a process to its exit (not to the end of its output: a daemon it started may hold stderr). */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, ms = 60_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      // Let the last output arrive.
      setTimeout(() => resolve({ code, out }), 50);
    });
  });
}

/**
 * A shell block as a script that runs each line as typed and records every line whose exit
 * status differs from the expected one: 0, or N when the line's comment says "(exit N)".
 * Aliases expand, as in the interactive shell the lines are pasted into.
 */
function script(block: Block): string {
  const out = ['shopt -s expand_aliases', 'failed=0'];
  const lines = block.code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const lineNo = block.line + i;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]}`;
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const expected = /#.*\(exit (\d+)\)\s*$/.exec(line)?.[1] ?? '0';
    out.push(line);
    if (line.replace(/#.*$/, '').trim().endsWith('&')) continue;
    const quoted = line.replace(/'/g, `'\\''`);
    out.push(`s=$?; [ "$s" -eq ${expected} ] || { echo 'README.md:${lineNo} exited '"$s"' (expected ${expected}): ${quoted}' >&2; failed=1; }`);
  }
  out.push('exit $failed');
  return out.join('\n');
}

/** Why a shell block cannot run here, or undefined. */
function cannotRun(code: string): string | undefined {
  // Minutes of image building: test/container/engine.sh runs these in a real engine, from .ci/run.
  if (/\bdocker\b/.test(code)) return 'builds and runs the container image: test/container/engine.sh (.ci/run) does that in a real engine';
  if (/\bsudo\b/.test(code) && !isRoot) return 'needs root';
  const missing: string[] = [];
  const usesIp = /(^|[;&|(]\s*)(ip|bridge) /m.test(code);
  if (usesIp) {
    for (const tool of ['ip', 'bridge']) if (!has(tool)) missing.push(tool);
    if (!has(process.env.CC || 'cc')) missing.push('a C compiler (for the LD_PRELOAD adaptor)');
  }
  if (/\bpython3\b/.test(code) && !has('python3')) missing.push('python3');
  if (/pyroute2/.test(code) && spawnSync('/usr/bin/python3', ['-c', 'import pyroute2'], { stdio: 'ignore' }).status !== 0) missing.push('pyroute2');
  if (/psutil/.test(code) && spawnSync('/usr/bin/python3', ['-c', 'import psutil'], { stdio: 'ignore' }).status !== 0) missing.push('python3-psutil');
  if (/\bifconfig\b/.test(code) && !has('ifconfig') && !existsSync('/usr/sbin/ifconfig') && !existsSync('/sbin/ifconfig')) missing.push('net-tools (ifconfig)');
  if (/\bcurl\b/.test(code) && !has('curl')) missing.push('curl');
  return missing.length ? `needs ${missing.join(', ')}` : undefined;
}

/** What some blocks must print, beyond every line's exit status (so that they can fail). */
const EXPECT: Record<string, RegExp[]> = {
  // look (lo), change (v0 up with its address), watch (the monitor saw the link and the address)
  'The first five minutes': [/1: lo: <LOOPBACK> mtu 65536/, /v0@v1\s+UP\s+10\.0\.0\.1\/24/, /^3: v0@v1: <BROADCAST,MULTICAST,UP,LOWER_UP>/m, /^3: v0\s+inet 10\.0\.0\.1\/24/m],
  'The `rtnl` command and the TypeScript client': [/Error: ipv4: Address already assigned\./, /"ifname": "v0"/],
  // ... and ifconfig, sysfs and psutil see the daemon's v0 and lo, not the host's interfaces
  'Running unmodified programs against rtnld (LD_PRELOAD)': [/"ifname":"v0"/, /\(1, 'lo'\)/, /\('IFLA_IFNAME', 'v1'\)/, /^v0: flags=\d+<UP,/m, /^65536$/m, /'v0': snicstats\(/],
  // ip neigh through the adaptor: the permanent entry, the proxy, the get and the ARP table's parameters
  Neighbours: [/^10\.0\.0\.2 dev v0 lladdr 02:00:00:00:00:02 PERMANENT $/m, /^10\.0\.0\.9 dev v0 proxy $/m, /^inet arp_cache\s*$/m],
  // rtnl neigh learn: one entry REACHABLE, one STALE
  'Learning a neighbour (what traffic would do)': [/^10\.7\.0\.7 lladdr 02:00:00:00:00:07 REACHABLE $/m, /^10\.7\.0\.8 lladdr 02:00:00:00:00:08 STALE $/m],
  'Admin HTTP API (`--http`)': [/"ifname":"v0"/, /"carrier":false|"operstate"/],
  // ip netns under the adaptor: red listed, its links seen from inside, its id in the initial namespace
  'What a process under the adaptor sees, and what it cannot do': [/^red \(id: 7\)$/m, /^2: vb@if2: .*\n.* link-netnsid 0$/m, /^d1\nlo\nvb$/m, /^nsid 7 \(iproute2 netns name: red\)$/m],
};

/** Starts a daemon the block talks to (when it starts none itself), in `dir`. */
async function provideDaemon(dir: string): Promise<void> {
  const r = await run(process.execPath, ['bin/rtnld.js', '--socket', './rtnl.sock', '--background', '--pid-file', './provided.pid', '--log-level', 'warn'], dir);
  expect(r.code, r.out).toBe(0);
}

/**
 * Stops what a block left running: the daemons named by pid files in `dir` (a daemon removes its
 * pid file once it has stopped, so a file still there after a few seconds names one left running).
 */
async function stopDaemons(dir: string): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (readdirSync(dir).some((f) => f.endsWith('.pid') && f !== 'provided.pid') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const left: string[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.pid'))) {
    const pid = Number(readFileSync(join(dir, f), 'utf8'));
    try {
      process.kill(pid, 'SIGKILL');
      left.push(f);
    } catch {
      // already stopped
    }
  }
  return left;
}

function preloadLibrary(): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'rtnld-preload-path.js'), '--quiet'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe('README.md', () => {
  it('has the two-line quick start, and its daemon line serves lo (npm ci is this checkout; npm test is this run)', async () => {
    const quick = ALL.find((b) => b.heading === 'Quick start')!;
    const lines = quick.code.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('npm ci && npm test');
    const start = /^npm ci && (node bin\/rtnld\.js .*)$/.exec(lines[0]!);
    expect(start, lines[0]).not.toBeNull();
    const dir = workDir();
    const [cmd, ...args] = start![1]!.split(' ');
    const daemon = spawn(cmd!, args, { cwd: dir, stdio: 'ignore' });
    try {
      const deadline = Date.now() + 30_000;
      while (!existsSync(join(dir, 'rtnl.sock'))) {
        if (Date.now() > deadline || daemon.exitCode !== null) throw new Error('the quick start daemon did not listen');
        await new Promise((r) => setTimeout(r, 50));
      }
      const show = await run(process.execPath, ['bin/rtnl.js', '--socket', './rtnl.sock', '-br', 'link', 'show'], dir);
      expect(show.out).toMatch(/^lo\s+DOWN\s+00:00:00:00:00:00 <LOOPBACK>\s*$/);
    } finally {
      const exited = new Promise((r) => daemon.once('exit', r));
      daemon.kill('SIGINT'); // Ctrl-C, as the README says
      await exited;
    }
    expect(daemon.exitCode).toBe(0);
    expect(existsSync(join(dir, 'rtnl.sock'))).toBe(false);
  });

  const shell = byLang('sh').filter((b) => b.heading !== 'Quick start');
  it.each(shell.map((b) => [`sh block at line ${b.line} (${b.heading})`, b] as const))('runs the %s', async (_name, block) => {
    const why = cannotRun(block.code);
    if (why) {
      console.log(`README.md:${block.line} (${block.heading}): skipped: ${why}`);
      return;
    }
    const dir = workDir();
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.RTNL_SOCKET;
    delete env.LD_PRELOAD;
    if (!/bin\/rtnld\.js/.test(block.code)) {
      await provideDaemon(dir);
      env.RTNL_SOCKET = join(dir, 'rtnl.sock');
      if (/(^|[;&|(]\s*)(ip|bridge) /m.test(block.code) && !/LD_PRELOAD=/.test(block.code)) env.LD_PRELOAD = preloadLibrary();
    }
    // A free port instead of the README's fixed one: other test runs may share this machine.
    const port = String(await freePort());
    const code = block.code.replaceAll('9180', port);
    writeFileSync(join(dir, 'block.sh'), script({ ...block, code }));
    const r = await run('bash', ['block.sh'], dir, env, 120_000);
    const left = await stopDaemons(dir);
    expect(r.code, r.out).toBe(0);
    for (const re of EXPECT[block.heading] ?? []) expect(r.out).toMatch(re);
    if (/bin\/rtnld\.js/.test(block.code)) {
      // The block stops the daemon it started: no process left, socket and pid files gone.
      expect(left, r.out).toEqual([]);
      expect(existsSync(join(dir, 'rtnl.sock'))).toBe(false);
    }
  }, 180_000);

  it('ships each TypeScript example under examples/, and each runs against a fresh daemon', async () => {
    const ts = byLang('ts');
    expect(ts.length).toBeGreaterThan(0);
    for (const block of ts) {
      const file = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts'))
        .find((f) => readFileSync(join(ROOT, 'examples', f), 'utf8').replace(/^(\/\/.*\n)+/, '').trim() === block.code.trim());
      expect(file, `README.md:${block.line}: no file under examples/ holds this example`).toBeDefined();
      const dir = workDir();
      await provideDaemon(dir);
      const r = await run(process.execPath, [TSX, join(ROOT, 'examples', file!)], dir);
      await stopDaemons(dir);
      expect(r.code, r.out).toBe(0);
      for (const want of block.code.matchAll(/\/\/ -> (.*)/g)) expect(r.out).toContain(want[1]);
    }
  }, 120_000);

  it('runs the Python examples against a fresh daemon', async (ctx) => {
    if (!has('python3')) return ctx.skip('needs python3');
    for (const block of byLang('python')) {
      const dir = workDir();
      await provideDaemon(dir);
      const r = await run('python3', ['-c', block.code], dir);
      await stopDaemons(dir);
      expect(r.code, `README.md:${block.line}: ${r.out}`).toBe(0);
    }
  });

  it('has seed examples that a daemon accepts', () => {
    const yaml = byLang('yaml');
    expect(yaml.length).toBeGreaterThan(0);
    for (const block of yaml) {
      const file = join(tempDir('rtnld-readme-'), 'seed.yaml');
      writeFileSync(file, block.code);
      const model = new NetworkModel({});
      model.addLoopback();
      applySeed(model, readSeed(file));
      const names = [...block.code.matchAll(/name: ([\w.]+)/g)].map((m) => m[1]);
      for (const name of names) expect(model.exportLinks().links.map((l) => l.name)).toContain(name);
    }
  });

  it('says which message types are served and which answer EOPNOTSUPP, as the daemon does', async () => {
    const table = README.split('\n## What it serves, and what it refuses')[1]!.split('\n## ')[0]!;
    const served = new Set<number>();
    const refused = new Set<number>();
    for (const row of table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| object'))) {
      const cells = row.split('|');
      const answer = cells[3]!.trim();
      for (const m of cells[2]!.matchAll(/`RTM_\w+` (\d+)/g)) (answer.startsWith('served') ? served : refused).add(Number(m[1]));
    }
    expect(served.size).toBeGreaterThan(0);
    const d = await startDaemon();
    try {
      const c = await TestClient.connect(d.path);
      // Every family a handler may be registered for; the kernel falls back to AF_UNSPEC.
      const errnos = async (type: number) => {
        const out: number[] = [];
        for (const family of [0, 2, 7, 10]) {
          const get = (type - 16) % 4 === 2;
          const req = message(type, NLM_F_REQUEST | NLM_F_ACK | (get ? NLM_F_DUMP : 0), c.nextSeq(), (w) => {
            w.u8(family);
            for (let i = 1; i < 64; i++) w.u8(0);
          });
          const replies = await c.request(req);
          out.push(-(replies.at(-1)!.error ?? 0));
        }
        return out;
      };
      for (let type = 16; type <= RTM_MAX; type++) {
        const answers = await errnos(type);
        if (served.has(type)) expect(answers.some((e) => e !== Errno.EOPNOTSUPP), `type ${type} is listed as served: ${answers}`).toBe(true);
        else expect(answers, `type ${type} is ${refused.has(type) ? 'listed as refused' : 'not listed, so refused'}`).toEqual([Errno.EOPNOTSUPP, Errno.EOPNOTSUPP, Errno.EOPNOTSUPP, Errno.EOPNOTSUPP]);
      }
      c.close();
    } finally {
      await d.stop();
    }
  });
});
