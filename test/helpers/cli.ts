import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run.js';

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs the rtnl command line in-process against `socket`. */
export async function rtnl(args: readonly string[], socket: string, options: { signal?: AbortSignal; stdin?: string } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { RTNL_SOCKET: socket },
    readFile: (path) => (path === '-' ? Promise.resolve(options.stdin ?? '') : readFile(path, 'utf8')),
    signal: options.signal,
  });
  return { stdout, stderr, code };
}

export const RTNL_BIN = join(import.meta.dirname, '..', '..', 'bin', 'rtnl.js');

/** Runs bin/rtnl.js as a separate process (the installed command), with --socket. */
export function rtnlProcess(args: readonly string[], socket: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [RTNL_BIN, '--socket', socket, ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ stdout, stderr, code });
    });
  });
}

/** Starts `rtnl ... monitor` as a process; collect() waits for `expect` in its output. */
export function rtnlMonitor(args: readonly string[], socket: string) {
  const child = spawn(process.execPath, [RTNL_BIN, '--socket', socket, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    child,
    get output() {
      return out;
    },
    get errors() {
      return err;
    },
    async waitFor(pred: (out: string) => boolean, ms = 10_000): Promise<string> {
      const deadline = Date.now() + ms;
      while (!pred(out)) {
        if (Date.now() > deadline) throw new Error(`monitor output did not arrive; got:\n${out}\nstderr:\n${err}`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, 100);
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
      return out;
    },
    stop(): Promise<void> {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
