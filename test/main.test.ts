import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
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
