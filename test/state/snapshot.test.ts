import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAdmin, type AdminRig } from '../http/helpers.js';

// src/state/snapshot.ts is the one snapshot document: what GET /v1/snapshot answers seeds a state
// directory, and a state directory's snapshot.json is accepted by PUT /v1/snapshot, namespaces
// and NSID tables included; a reset or import over HTTP is durable for every namespace.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rtnld-snapdoc-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function admin(options: Parameters<typeof startAdmin>[0]): Promise<AdminRig> {
  const r = await startAdmin({ addresses: { dadMs: 0 }, ...options });
  cleanups.push(() => r.stop());
  return r;
}

const SEED_NETNS = {
  red: [{ name: 'lo', up: true }, { name: 'r0', kind: 'veth' as const, peer: { name: 'b0', netns: 'blue' }, up: true, addresses: ['10.7.0.1/24'] }],
  blue: [{ name: 'd0', kind: 'dummy' as const }],
};

const names = (r: AdminRig) => [...r.daemon.namespaces.all()].map((ns) => ns.name);

describe('one snapshot document for the state directory and the admin API', () => {
  it('a GET /v1/snapshot seeds a state directory, namespaces and NSIDs included', async () => {
    const a = await admin({ seedNetns: SEED_NETNS });
    const body = (await a.app.inject({ url: '/v1/snapshot' })).body;
    const stateDir = tempDir();
    writeFileSync(join(stateDir, 'snapshot.json'), body);
    const b = await admin({ stateDir });
    expect(names(b)).toEqual(['', 'red', 'blue']);
    const red = b.daemon.namespaces.get('red')!;
    const blue = b.daemon.namespaces.get('blue')!;
    expect(red.model.byName('r0')).toMatchObject({ linkNetns: 'blue', link: blue.model.byName('b0')!.index });
    expect(red.nsids.idOf(blue)).toBe(a.daemon.namespaces.get('red')!.nsids.idOf(a.daemon.namespaces.get('blue')!));
  });

  it('a state directory\'s snapshot.json is accepted by PUT; imports and resets over HTTP survive a restart', async () => {
    const stateDir = tempDir();
    const a = await admin({ stateDir, seedNetns: SEED_NETNS });
    const seeded = readFileSync(join(stateDir, 'snapshot.json'), 'utf8');
    await a.app.inject({ method: 'POST', url: '/v1/netns', payload: { name: 'green' } });
    a.daemon.namespaces.get('blue')!.model.createLink({ kind: 'dummy', name: 'extra' });
    const put = await a.app.inject({ method: 'PUT', url: '/v1/snapshot', headers: { 'content-type': 'application/json' }, payload: seeded });
    expect(put.statusCode).toBe(200);
    expect(names(a)).toEqual(['', 'red', 'blue']);
    expect(a.daemon.namespaces.get('blue')!.model.byName('extra')).toBeUndefined();

    // Changed again, then reset: the reset is what a restart finds.
    await a.app.inject({ method: 'DELETE', url: '/v1/netns/red' });
    await a.app.inject({ method: 'POST', url: '/v1/netns', payload: { name: 'green' } });
    expect((await a.app.inject({ method: 'POST', url: '/v1/reset' })).statusCode).toBe(200);
    cleanups.splice(cleanups.length - 1, 1);
    await a.stop();
    const b = await admin({ stateDir });
    expect(names(b)).toEqual(['', 'blue', 'red']); // blue stayed; red was made again by the reset
    expect([...b.daemon.namespaces.get('red')!.model.iterate()].map((l) => l.name)).toEqual(['lo', 'r0']);
    expect([...b.daemon.namespaces.get('blue')!.model.iterate()].map((l) => l.name)).toEqual(['lo', 'b0', 'd0']);
  });
});
