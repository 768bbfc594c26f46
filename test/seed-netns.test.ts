import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Daemon } from '../src/daemon.js';
import { readSeedDoc, SeedError } from '../src/seed.js';
import { rtnl } from './helpers/cli.js';
import { startDaemon } from './helpers/daemon.js';
import { pino } from 'pino';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function seedFile(doc: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'rtnld-seed-netns-'));
  dirs.push(dir);
  const file = join(dir, 'seed.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('seed namespaces with routes (netns.NAME.routes)', () => {
  it('the two-router example: each router routes to the other LAN through the veth between them', async () => {
    const doc = readSeedDoc(join(__dirname, '../examples/two-routers.yaml'));
    const d = await startDaemon({ seed: doc, seedNetns: doc.netns });
    try {
      expect((await rtnl(['-n', 'r1', 'route'], d.path)).stdout).toContain('10.0.2.0/24 via 10.0.12.2 dev eth0 \n');
      expect((await rtnl(['-n', 'r2', 'route'], d.path)).stdout).toContain('10.0.1.0/24 via 10.0.12.1 dev eth0 \n');
      expect((await rtnl(['route'], d.path)).stdout).toBe('');
      expect((await rtnl(['-n', 'r1', 'route', 'get', '10.0.2.7'], d.path)).stdout).toMatch(/^10\.0\.2\.7 via 10\.0\.12\.2 dev eth0 src 10\.0\.12\.1/);
    } finally {
      await d.stop();
    }
  });

  it('a namespace route is checked when the file is read and when applied, and the message names where it is', () => {
    expect(() => readSeedDoc(seedFile({ netns: { a: { routes: ['10.0.0.0/8 via'] } } }))).toThrow(/^seed netns\.a\.routes\[0\] "10\.0\.0\.0\/8 via"/);
    expect(() => readSeedDoc(seedFile({ netns: { a: { links: [], extra: [] } } }))).toThrow('seed netns.a: unknown section "extra"');
    const doc = readSeedDoc(seedFile({ netns: { a: { links: [{ name: 'lo', up: true }], routes: ['10.0.0.0/8 via 10.55.0.2'] } } }));
    const start = () => new Daemon({ socket: join(dirs[0]!, 'x.sock'), strict: false, maxMessage: 1 << 20, rcvbuf: 1 << 17, log: pino({ level: 'silent' }), seed: doc, seedNetns: doc.netns });
    expect(start).toThrow(SeedError);
    expect(start).toThrow('seed netns.a.routes[0] "10.0.0.0/8 via 10.55.0.2": Nexthop has invalid gateway (Network is unreachable)');
  });
});
