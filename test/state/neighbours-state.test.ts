import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { startDaemon } from '../helpers/daemon.js';

// Neighbours under --state: requests go to the journal, compaction writes them into the snapshot,
// and a restart gives back the same entries and proxies.
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listing(path: string): Promise<unknown[]> {
  const c = await connect(path);
  try {
    const entries = (await c.neighbours().toArray()).map((n) => [n.family, n.ifindex, [...n.dst].join('.'), n.state, n.flags, n.lladdr && [...n.lladdr]]);
    const proxies = (await c.neighbours({ proxy: true }).toArray()).map((n) => [n.family, n.ifindex, [...n.dst].join('.'), n.flags]);
    return [entries, proxies];
  } finally {
    await c.close();
  }
}

describe('--state keeps neighbours', () => {
  for (const compactEvery of [1000, 3]) {
    it(`through the ${compactEvery === 3 ? 'snapshot' : 'journal'}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rtnld-neigh-state-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const log = pino({ level: 'silent' });
      const first = await startDaemon({ stateDir: dir, log, stateCompactEvery: compactEvery });
      const c = await connect(first.path);
      await c.createLink({ name: 'v0', kind: 'veth', peer: 'v1' });
      await c.addNeighbour({ dst: '10.0.0.2', dev: 'v0', lladdr: '02:00:00:00:00:02' });
      await c.addNeighbour({ dst: '2001:db8::2', dev: 'v0', lladdr: '02:00:00:00:00:03', state: 0x04, flags: 0x80 });
      await c.addNeighbour({ dst: '10.0.0.9', dev: 'v0', flags: 0x08 });
      await c.addNeighbour({ dst: '10.0.0.3', dev: 'v0', lladdr: '02:00:00:00:00:04' });
      await c.deleteNeighbour({ dst: '10.0.0.3', dev: 'v0' });
      await c.close();
      const before = await listing(first.path);
      expect((before[0] as unknown[]).length).toBe(2);
      await first.stop();
      const second = await startDaemon({ stateDir: dir, log });
      cleanups.push(second.stop);
      expect(await listing(second.path)).toEqual(before);
    });
  }
});
