import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNode, tempDir as makeTempDir } from '../helpers/processes.js';

// `rtnld --http ...` as a user runs it: flags, environment, the loopback rule and SIGTERM.

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'rtnld.js');
const tempDir = () => makeTempDir('rtnld-main-http-');
const run = (args: string[], env: Record<string, string> = {}) =>
  runNode([BIN, ...args], { env: { ...process.env, RTNLD_HTTP: '', RTNLD_HTTP_TOKEN: '', ...env } });

/** Waits for the "admin API listening" log line and returns where it listens. */
async function httpAddress(output: () => string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const line = output().split('\n').find((l) => l.includes('"admin API listening"'));
    if (line && output().includes('"model loaded"')) return JSON.parse(line).http as string;
    if (Date.now() > deadline) throw new Error(`daemon did not start: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('rtnld --http', () => {
  it('refuses a non-loopback address without a token, and says how to fix it', async () => {
    const d = run(['--socket', join(tempDir(), 'rtnl.sock'), '--http', '0.0.0.0:0']);
    expect(await d.exited).toBe(1);
    expect(d.output()).toContain('--http-token');
  });

  it('refuses malformed addresses and short tokens', async () => {
    const sock = join(tempDir(), 'rtnl.sock');
    const bad = run(['--socket', sock, '--http', 'localhost']);
    expect(await bad.exited).not.toBe(0);
    expect(bad.output()).toContain('HOST:PORT');
    const short = run(['--socket', sock, '--http', '127.0.0.1:0', '--http-token', 'abc']);
    expect(await short.exited).not.toBe(0);
    expect(short.output()).toContain('at least 8');
  });

  it('takes the address and token from the environment; changes need the token; SIGTERM stops it cleanly', async () => {
    const dir = tempDir();
    const sock = join(dir, 'rtnl.sock');
    const token = 'env-token-0123456789';
    const d = run(['--socket', sock], { RTNLD_HTTP: '0.0.0.0:0', RTNLD_HTTP_TOKEN: token });
    const addr = await httpAddress(d.output);
    const port = addr.split(':').pop();
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', links: 1 });
    expect((await fetch(`${base}/v1/reset`, { method: 'POST' })).status).toBe(401);
    const ok = await fetch(`${base}/v1/reset`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Array<{ ifname: string }>).map((l) => l.ifname)).toEqual(['lo']);
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(existsSync(sock)).toBe(false);
  });

  it('serves on a Unix socket and removes it on SIGTERM', async () => {
    const dir = tempDir();
    const httpSock = join(dir, 'http.sock');
    const d = run(['--socket', join(dir, 'rtnl.sock'), '--http', `unix:${httpSock}`]);
    expect(await httpAddress(d.output)).toBe(`unix:${httpSock}`);
    expect(existsSync(httpSock)).toBe(true);
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(existsSync(httpSock)).toBe(false);
  });
});
