import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/model/clock.js';
import { NetworkModel } from '../src/model/store.js';
import { checkSeedRoute } from '../src/seed-routes.js';
import { applySeed, readSeed, SeedError, type Seed } from '../src/seed.js';
import { rtnl } from './helpers/cli.js';
import { startDaemon } from './helpers/daemon.js';

const LINKS: Seed['links'] = [
  { name: 'lo', up: true },
  { name: 'v0', kind: 'veth', peer: { name: 'v1', up: true, addresses: ['10.1.0.1/24'] }, up: true, addresses: ['10.0.0.1/24', '2001:db8::1/64 nodad'] },
];

function model(): NetworkModel {
  const m = new NetworkModel({ cpuCount: 1, clock: new ManualClock(), addresses: { dadMs: 0 } });
  m.addLoopback();
  return m;
}

describe('seed routes (ip route add syntax)', () => {
  it('a daemon seeded with routes shows them as ip route would', async () => {
    const d = await startDaemon({
      seed: {
        links: LINKS,
        routes: [
          'default via 10.0.0.254',
          '10.9.0.0/16 via 10.0.0.2 metric 100 proto static',
          'blackhole 10.66.0.0/16',
          'unreachable 10.67.0.0/16 table 100',
          '10.70.0.0/24 dev v1 src 10.1.0.1 mtu 1400',
          '10.71.0.0/24 nexthop via 10.0.0.2 dev v0 weight 1 nexthop via 10.1.0.2 dev v1 weight 3',
          '2001:db8:1::/64 via 2001:db8::2 pref high',
          'default via 2001:db8::fe dev v0',
        ],
      },
    });
    try {
      expect((await rtnl(['route'], d.path)).stdout).toBe([
        'default via 10.0.0.254 dev v0 ',
        '10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1 ',
        '10.1.0.0/24 dev v1 proto kernel scope link src 10.1.0.1 ',
        '10.9.0.0/16 via 10.0.0.2 dev v0 proto static metric 100 ',
        'blackhole 10.66.0.0/16 ',
        '10.70.0.0/24 dev v1 scope link src 10.1.0.1 mtu 1400 ',
        '10.71.0.0/24 \n\tnexthop via 10.0.0.2 dev v0 weight 1 \n\tnexthop via 10.1.0.2 dev v1 weight 3 ',
        '',
      ].join('\n'));
      expect((await rtnl(['route', 'show', 'table', '100'], d.path)).stdout).toBe('unreachable 10.67.0.0/16 \n');
      const v6 = (await rtnl(['-6', 'route'], d.path)).stdout;
      expect(v6).toContain('2001:db8:1::/64 via 2001:db8::2 dev v0 metric 1024 pref high\n');
      expect(v6).toContain('default via 2001:db8::fe dev v0 metric 1024 pref medium\n');
    } finally {
      await d.stop();
    }
  });

  it.each([
    ['10.0.0.0/33 dev v0', /prefix is expected rather than "10.0.0.0\/33"/],
    ['10.0.0.0/8 metric lots', /"metric" value is invalid/],
    ['via 10.0.0.1', /no destination/],
    ['10.0.0.0/8 nexthop via 10.0.0.2 weight 0', /"weight" is invalid/],
  ])('rejects the words of %s before anything is built', (text, message) => {
    expect(() => checkSeedRoute(text)).toThrow(message);
  });

  it.each([
    ['10.5.0.0/16 dev nosuch', 'seed routes[0] "10.5.0.0/16 dev nosuch": Cannot find device "nosuch"'],
    ['10.5.0.0/16 via 10.55.0.2', 'seed routes[0] "10.5.0.0/16 via 10.55.0.2": Nexthop has invalid gateway (Network is unreachable)'],
    ['10.5.0.0/16 via 10.0.0.2 src 10.9.9.9', 'seed routes[0] "10.5.0.0/16 via 10.0.0.2 src 10.9.9.9": Invalid prefsrc address (Invalid argument)'],
  ])('refuses %s as the kernel would, naming the entry', (text, message) => {
    const m = model();
    expect(() => applySeed(m, { links: LINKS, routes: [text] })).toThrow(SeedError);
    expect(() => applySeed(model(), { links: LINKS, routes: [text] })).toThrow(message);
  });

  it('a second route that exists already is refused with EEXIST', () => {
    expect(() => applySeed(model(), { links: LINKS, routes: ['10.5.0.0/16 dev v0', '10.5.0.0/16 dev v0'] }))
      .toThrow('seed routes[1] "10.5.0.0/16 dev v0": File exists');
  });

  it('the same route text in many namespaces: each gets its own route, on its own device', () => {
    // Requests built once per text are reused only when they name no device: `dev v0` is index 2
    // in the first model and 4 in the second (a dummy comes first there).
    const a = model();
    const b = model();
    applySeed(a, { links: LINKS, routes: ['10.5.0.0/16 dev v0', '10.6.0.0/16 via 10.0.0.2'] });
    applySeed(b, { links: [{ name: 'd0', kind: 'dummy' }, ...LINKS], routes: ['10.5.0.0/16 dev v0', '10.6.0.0/16 via 10.0.0.2'] });
    const hop = (m: NetworkModel, dstLen: number, second: number) => {
      const r = [...m.routes.tables.routes('inet')].find((x) => x.family === 'inet' && x.dstLen === dstLen && ((x.dst >>> 16) & 0xff) === second);
      return r?.nexthops[0]?.ifindex;
    };
    expect([hop(a, 16, 5), hop(b, 16, 5)]).toEqual([a.byName('v0')!.index, b.byName('v0')!.index]);
    expect(a.byName('v0')!.index).not.toBe(b.byName('v0')!.index);
    expect([hop(a, 16, 6), hop(b, 16, 6)]).toEqual([a.byName('v0')!.index, b.byName('v0')!.index]);
    // Built from the cache again, still refused as a duplicate where it exists.
    expect(() => applySeed(a, { links: [], routes: ['10.6.0.0/16 via 10.0.0.2'] })).toThrow('File exists');
  });

  it('reads routes from a YAML seed and names a bad entry by its position', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtnld-seed-routes-'));
    try {
      const file = join(dir, 'seed.yaml');
      writeFileSync(file, 'links:\n  - { name: lo, up: true }\nroutes:\n  - blackhole 10.66.0.0/16\n  - 10.0.0.0/8 via nowhere\n');
      expect(() => readSeed(file)).toThrow('seed routes[1] "10.0.0.0/8 via nowhere": inet address is expected rather than "nowhere".');
      writeFileSync(file, 'routes:\n  - { dst: 10.0.0.0/8 }\n');
      expect(() => readSeed(file)).toThrow('seed routes[0]: must be a string of `ip route add` arguments');
      writeFileSync(file, 'links: []\nroute: []\n');
      expect(() => readSeed(file)).toThrow('seed: unknown section "route"');
      writeFileSync(file, 'links:\n  - { name: lo, up: true }\nroutes:\n  - blackhole 10.66.0.0/16\n');
      const m = model();
      applySeed(m, readSeed(file));
      const inetRoutes = [...m.routes.tables.routes('inet')];
      expect(inetRoutes.filter((r) => r.type === 6).map((r) => [r.table, r.dstLen])).toEqual([[254, 16]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
