/**
 * Running real programs under the LD_PRELOAD adaptor in tests: the adaptor's build, programs
 * looked up on PATH and in the sbin directories, and skips that say why.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (asynchronously: the daemon lives in the test's process). */
export function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A program on PATH or in the sbin directories (`ip` and `ifconfig` live in /usr/sbin or /sbin). */
export function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Prints why a part is skipped; returns true so that callers can `if (skip(...)) return;`. */
export function skip(why: string | undefined): boolean {
  if (why) console.log(`skipped: ${why}`);
  return why !== undefined;
}

/** The adaptor's path (built if needed), or why it cannot be had. */
export async function buildAdaptor(): Promise<{ lib?: string; why?: string }> {
  const built = await run(process.execPath, [join(root, 'bin', 'rtnld-preload-path.js'), '--quiet'], process.env, 120_000);
  return built.code === 0 ? { lib: built.stdout.trim() } : { why: `the adaptor could not be built: ${built.stderr.trim()}` };
}

/** A C program of test/preload compiled into dir, or why not. */
export async function compileProbe(source: string, dir: string): Promise<{ path?: string; why?: string }> {
  const cc = which(process.env.CC ?? 'cc');
  if (!cc) return { why: `no C compiler (${process.env.CC ?? 'cc'})` };
  const out = join(dir, source.replace(/\.c$/, ''));
  const r = await run(cc, ['-o', out, join(root, 'test', 'preload', source)]);
  return r.code === 0 && r.stderr === '' ? { path: out } : { why: `${source} did not compile: ${r.stderr}` };
}
