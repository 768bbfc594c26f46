import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rtnl } from './cli.js';

/** test/fixtures/iproute2/routes.json, written by routes-capture.py next to it. */
export interface RouteCapture {
  iproute2: string;
  kernel: string;
  setup: string[];
  steps: Array<{ cmd: string; stdout: string; stderr: string; code: number }>;
  monitor: { setup: string[]; steps: string[]; output: string };
}

export const ROUTE_CAPTURE = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'iproute2', 'routes.json'), 'utf8')) as RouteCapture;

/** iproute2 names itself "ip" in usage and hints; rtnl says "rtnl". */
export const asRtnl = (text: string) => text.replace(/\bip route\b/g, 'rtnl route').replace(/"ip route help"/g, '"rtnl route help"');

/** The capture split into words as the shell would (no quoting is used in it). */
export const words = (cmd: string) => cmd.split(' ').filter(Boolean);

/** Builds `setup` with rtnl and waits, as the capture did, for the link-local addresses' DAD. */
export async function buildState(socket: string, setup: readonly string[]): Promise<void> {
  for (const cmd of setup) {
    const r = await rtnl(words(cmd), socket);
    if (r.code !== 0) throw new Error(`rtnl ${cmd}: ${r.stderr}`);
  }
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    const r = await rtnl(['-6', 'route', 'show', 'table', 'local'], socket);
    if (r.stdout.includes('fe80::ff:fe00:1 ') && r.stdout.includes('fe80::ff:fe00:2 ')) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('the link-local addresses did not become valid');
}

