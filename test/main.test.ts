import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IFLA_IFNAME, NLM_F_DUMP, NLM_F_REQUEST, RTM_GETLINK, RTM_NEWLINK } from '../protocol/constants.js';
import { ifinfomsg, message, TestClient } from './helpers/nl-client.js';
import { runNode, tempDir as makeTempDir } from './helpers/processes.js';

// The daemon as a user runs it: `rtnld --socket PATH [--seed FILE]` in its own process.

const BIN = join(import.meta.dirname, '..', 'bin', 'rtnld.js');
const tempDir = () => makeTempDir('rtnld-main-');
const run = (args: string[]) => runNode([BIN, ...args, '--log-level', 'info']);

async function waitForSocket(path: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!output().includes('"listening"')) {
    if (Date.now() > deadline) throw new Error(`daemon did not start: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(existsSync(path)).toBe(true);
}

async function linkNames(path: string): Promise<string[]> {
  const c = await TestClient.connect(path);
  const replies = await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, (w) => ifinfomsg(w)));
  c.close();
  return replies.filter((r) => r.type === RTM_NEWLINK).map((r) => {
    const len = r.raw.readUInt16LE(32);
    expect(r.raw.readUInt16LE(34)).toBe(IFLA_IFNAME);
    return r.raw.toString('utf8', 36, 32 + len - 1);
  });
}

describe('rtnld process', () => {
  it('starts with lo only, and on SIGTERM stops and removes its socket', async () => {
    const path = join(tempDir(), 'rtnl.sock');
    const d = run(['--socket', path]);
    await waitForSocket(path, d.output);
    expect(await linkNames(path)).toEqual(['lo']);
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it('warms up after listening (issue 21), unless --no-warm-up', async () => {
    const dir = tempDir();
    const warm = runNode([BIN, '--socket', join(dir, 'a.sock'), '--log-level', 'debug']);
    const cold = runNode([BIN, '--socket', join(dir, 'b.sock'), '--log-level', 'debug', '--no-warm-up']);
    await waitForSocket(join(dir, 'a.sock'), warm.output);
    await waitForSocket(join(dir, 'b.sock'), cold.output);
    const deadline = Date.now() + 60_000;
    while (!warm.output().includes('"warm-up done"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(warm.output()).toContain('"warm-up done"');
    expect(warm.output()).not.toContain('warm-up failed');
    expect(await linkNames(join(dir, 'a.sock'))).toEqual(['lo']);
    expect(cold.output()).not.toContain('warm-up');
    for (const d of [warm, cold]) d.child.kill('SIGTERM');
    expect(await warm.exited).toBe(0);
    expect(await cold.exited).toBe(0);
  });

  it('replaces a stale socket file but refuses a live one', async () => {
    const dir = tempDir();
    const path = join(dir, 'rtnl.sock');
    // A stale socket file: bound by a process that exited without unlinking it.
    execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path]);
    expect(existsSync(path)).toBe(true);
    const first = run(['--socket', path]);
    await waitForSocket(path, first.output);
    expect(first.output()).toContain('replacing stale socket file');

    const second = run(['--socket', path]);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('another daemon is already listening');
    expect(await linkNames(path)).toEqual(['lo']);
  });

  it('loads a YAML seed and reports seed errors clearly', async () => {
    const dir = tempDir();
    const seed = join(dir, 'seed.yaml');
    writeFileSync(seed, [
      'links:',
      '  - { name: lo, up: true }',
      '  - { name: br0, kind: bridge, up: true }',
      '  - { name: v0, kind: veth, peer: v1, master: br0, up: true }',
      '  - { name: eth0, kind: dummy, mtu: 9000 }',
      '  - { name: eth0.10, kind: vlan, link: eth0, id: 10 }',
    ].join('\n'));
    const path = join(dir, 'rtnl.sock');
    const d = run(['--socket', path, '--seed', seed]);
    await waitForSocket(path, d.output);
    expect(await linkNames(path)).toEqual(['lo', 'br0', 'v1', 'v0', 'eth0', 'eth0.10']);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'links:\n  - { name: x0, kind: veth, colour: blue }\n');
    const e = run(['--socket', join(dir, 'other.sock'), '--seed', bad]);
    expect(await e.exited).toBe(1);
    expect(e.output()).toContain('unknown field "colour"');
  });
});

describe('rtnld command line', () => {
  const exit = async (args: string[]) => {
    const d = runNode([BIN, ...args]);
    return { code: await d.exited, output: d.output() };
  };

  it('names what is wrong: an unknown option, a bad level, a missing directory, no --socket', async () => {
    const typo = await exit(['--sock', '/tmp/x.sock']);
    expect(typo.code).toBe(1);
    expect(typo.output).toContain("error: unknown option '--sock'\n(Did you mean --socket?)");
    expect(typo.output).not.toContain('required option');

    const level = await exit(['--socket', join(tempDir(), 's.sock'), '--log-level', 'verbose']);
    expect(level.code).toBe(1);
    expect(level.output).toContain("argument 'verbose' is invalid. Allowed choices are fatal, error, warn, info, debug, trace, silent.");
    expect(level.output).not.toMatch(/^\s+at /m); // no stack trace

    const nowhere = join(tempDir(), 'missing', 'rtnl.sock');
    const dir = await exit(['--socket', nowhere]);
    expect(dir.code).toBe(1);
    expect(dir.output).toContain(`rtnld: cannot start: cannot listen on ${nowhere}: directory ${join(nowhere, '..')} does not exist\n`);

    const pid = await exit(['--socket', join(tempDir(), 's.sock'), '--pid-file', nowhere]);
    expect(pid.code).toBe(1);
    expect(pid.output).toContain(`error: --pid-file ${nowhere}: directory ${join(nowhere, '..')} does not exist`);

    const none = await exit([]);
    expect(none.code).toBe(1);
    expect(none.output).toContain("error: required option '-s, --socket <path>' not specified");
  }, 120_000); // five daemon starts in a row: seconds each on a loaded machine

  it('answers --version from package.json and shows file modes in octal in --help', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(await exit(['--version'])).toEqual({ code: 0, output: `rtnld ${version}\n` });
    const help = await exit(['--help']);
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/--socket-mode <mode>\s+file mode of the admin socket, octal \(default:\s+660\)/);
    expect(help.output).toMatch(/--ro-socket-mode <mode>[^(]+\(default:\s+666\)/);
    expect(help.output).toContain('--max-addresses-per-link');
  });

  it('--background returns once listening with the pid; --pid-file; SIGTERM removes socket and pid file', async () => {
    const dir = tempDir();
    const path = join(dir, 'rtnl.sock');
    const pidFile = join(dir, 'rtnld.pid');
    const logFile = join(dir, 'rtnld.log');
    const started = await exit(['--socket', path, '--background', '--pid-file', pidFile, '--log-file', logFile]);
    expect(started.code, started.output).toBe(0);
    const pid = Number(started.output.trim());
    try {
      expect(readFileSync(pidFile, 'utf8')).toBe(`${pid}\n`);
      expect(await linkNames(path)).toEqual(['lo']); // listening when --background returned
      expect(readFileSync(logFile, 'utf8')).toContain('"msg":"listening"');
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 10_000;
      while (existsSync(pidFile) || existsSync(path)) {
        if (Date.now() > deadline) throw new Error('the daemon did not stop');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // stopped
      }
    }
  });

  it('--background fails with the reason when the daemon cannot start', async () => {
    const dir = tempDir();
    const r = await exit(['--socket', join(dir, 'no', 'rtnl.sock'), '--background', '--log-level', 'silent']);
    expect(r.code).toBe(1);
    expect(r.output).toContain('does not exist');
    expect(r.output).toContain('rtnld: the daemon stopped (status 1) before it listened');
  });

  it('stops when its socket file is removed', async () => {
    const path = join(tempDir(), 'rtnl.sock');
    const d = run(['--socket', path]);
    await waitForSocket(path, d.output);
    unlinkSync(path);
    expect(await d.exited).toBe(0);
    expect(d.output()).toContain('"reason":"socket file removed or replaced"');
  });

  it('a SIGTERM during a long start-up stops it cleanly: exit 0, no socket file left', async () => {
    // 3,000 namespaces take a while to listen on (one socket file each); the signal comes as the
    // first socket appears. Without a handler yet, SIGTERM would kill the daemon mid-way and
    // leave the socket files that listened already.
    const dir = tempDir();
    const nsDir = join(dir, 'ns');
    mkdirSync(nsDir);
    const seed = join(dir, 'seed.json');
    const netns = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`n${i}`, { links: [{ name: 'lo', up: true }] }]));
    writeFileSync(seed, JSON.stringify({ netns }));
    const path = join(dir, 'rtnl.sock');
    const d = run(['--socket', path, '--netns-dir', nsDir, '--seed', seed, '--no-warm-up']);
    const deadline = Date.now() + 30_000;
    while (!existsSync(path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(d.output()).toContain('"stopping"');
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(nsDir)).toEqual([]);
  });
});
