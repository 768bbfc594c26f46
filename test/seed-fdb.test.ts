import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/model/clock.js';
import { NetworkModel } from '../src/model/store.js';
import { checkSeedFdb } from '../src/seed-fdb.js';
import { applySeed, SeedError, type Seed } from '../src/seed.js';
import { rtnl } from './helpers/cli.js';
import { startDaemon } from './helpers/daemon.js';

const LINKS: Seed['links'] = [
  { name: 'br0', kind: 'bridge', up: true, address: '02:00:00:00:00:b0' },
  { name: 'v0', kind: 'veth', peer: { name: 'v1', address: '02:00:00:00:00:01' }, master: 'br0', up: true, address: '02:00:00:00:00:00' },
];

function model(): NetworkModel {
  const m = new NetworkModel({ cpuCount: 1, clock: new ManualClock(), addresses: { dadMs: 0 } });
  m.addLoopback();
  return m;
}

describe('seed fdb (bridge fdb add syntax)', () => {
  it('a daemon seeded with FDB entries shows them as bridge fdb would', async () => {
    const d = await startDaemon({
      seed: { links: LINKS, routes: [], fdb: ['02:00:00:00:00:09 dev v0 master static', '02:00:00:00:00:0a dev v0 master dynamic', '02:00:00:00:00:0b dev v0 master'] },
    });
    try {
      const shown = (await rtnl(['fdb', 'show', 'br', 'br0'], d.path)).stdout;
      expect(shown).toContain('02:00:00:00:00:09 dev v0 master br0 static\n');
      expect(shown).toContain('02:00:00:00:00:0a dev v0 master br0 \n');
      // iproute2 sends NUD_PERMANENT when no state is named: a local entry of the port.
      expect(shown).toContain('02:00:00:00:00:0b dev v0 master br0 permanent\n');
    } finally {
      await d.stop();
    }
  });

  it.each([
    ['zz:00:00:00:00:01 dev v0 master', /Invalid mac address zz:00:00:00:00:01/],
    ['02:00:00:00:00:01 master', /Device and address are required arguments/],
    ['02:00:00:00:00:01 dev v0 vlan lots', /invalid VLAN/],
  ])('rejects the words of %s before anything is built', (text, message) => {
    expect(() => checkSeedFdb(text)).toThrow(message);
  });

  it.each([
    ['02:00:00:00:00:09 dev nosuch master static', 'seed fdb[0] "02:00:00:00:00:09 dev nosuch master static": Cannot find device "nosuch"'],
    // v1 is no bridge port: rtnl_fdb_add() finds no master to ask.
    ['02:00:00:00:00:09 dev v1 master static', 'seed fdb[0] "02:00:00:00:00:09 dev v1 master static": Operation not supported'],
  ])('refuses %s as the kernel would, naming the entry', (text, message) => {
    expect(() => applySeed(model(), { links: LINKS, routes: [], fdb: [text] })).toThrow(SeedError);
    expect(() => applySeed(model(), { links: LINKS, routes: [], fdb: [text] })).toThrow(message);
  });

  it('a second identical entry is refused with EEXIST (bridge fdb add sends NLM_F_EXCL)', () => {
    const twice = ['02:00:00:00:00:09 dev v0 master static', '02:00:00:00:00:09 dev v0 master static'];
    expect(() => applySeed(model(), { links: LINKS, routes: [], fdb: twice })).toThrow('seed fdb[1] "02:00:00:00:00:09 dev v0 master static": File exists');
  });
});
