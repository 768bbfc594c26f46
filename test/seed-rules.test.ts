import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/model/clock.js';
import { NetworkModel } from '../src/model/store.js';
import { checkSeedRule } from '../src/seed-rules.js';
import { applySeed, readSeed, SeedError, type Seed } from '../src/seed.js';
import { rtnl } from './helpers/cli.js';
import { startDaemon } from './helpers/daemon.js';

const LINKS: Seed['links'] = [{ name: 'lo', up: true }, { name: 'v0', kind: 'veth', peer: { name: 'v1', up: true }, up: true, addresses: ['10.0.0.1/24'] }];

function model(): NetworkModel {
  const m = new NetworkModel({ cpuCount: 1, clock: new ManualClock(), addresses: { dadMs: 0 } });
  m.addLoopback();
  return m;
}

describe('seed rules (ip rule add syntax)', () => {
  it('a daemon seeded with rules shows them as ip rule would, and route get follows them', async () => {
    const d = await startDaemon({
      seed: {
        links: LINKS,
        routes: ['10.9.0.0/16 via 10.0.0.2 table 100', '10.9.0.0/16 via 10.0.0.3'],
        rules: ['to 10.9.1.0/24 lookup 100 pref 1000', 'fwmark 7 table 200', 'not to 10.0.0.0/8 prohibit pref 2000', '-6 from 2001:db8::/32 lookup 300'],
      },
    });
    try {
      expect((await rtnl(['rule'], d.path)).stdout).toBe([
        '0:\tfrom all lookup local',
        // fib_default_rule_pref(): a rule without pref gets one below the second rule's.
        '999:\tfrom all fwmark 0x7 lookup 200',
        '1000:\tfrom all to 10.9.1.0/24 lookup 100',
        '2000:\tnot from all to 10.0.0.0/8 prohibit',
        '32766:\tfrom all lookup main',
        '32767:\tfrom all lookup default',
        '',
      ].join('\n'));
      expect((await rtnl(['-6', 'rule'], d.path)).stdout).toContain('32765:\tfrom 2001:db8::/32 lookup 300\n');
      expect((await rtnl(['route', 'get', '10.9.1.1'], d.path)).stdout).toMatch(/^10\.9\.1\.1 via 10\.0\.0\.2 dev v0 /);
      expect((await rtnl(['route', 'get', '10.9.2.1'], d.path)).stdout).toMatch(/^10\.9\.2\.1 via 10\.0\.0\.3 dev v0 /);
      expect(await rtnl(['route', 'get', '192.0.2.1'], d.path)).toMatchObject({ stderr: 'RTNETLINK answers: Permission denied\n', code: 2 });
    } finally {
      await d.stop();
    }
  });

  it.each([
    ['from 10.0.0.0/33 lookup 100', /prefix is expected rather than "10.0.0.0\/33"/],
    ['pref lots lookup 100', /preference value is invalid/],
    ['from 2001:db8::/32 lookup 100', /inet prefix is expected rather than "2001:db8::\/32"/],
    ['frobnicate', /Failed to parse rule type/],
  ])('rejects the words of %s before anything is built', (text, message) => {
    expect(() => checkSeedRule(text)).toThrow(message);
  });

  it.each([
    ['goto 10 pref 20', 'seed rules[0] "goto 10 pref 20": Backward goto not supported (Invalid argument)'],
    ['lookup 100 suppress_prefixlength 200', 'seed rules[0] "lookup 100 suppress_prefixlength 200": '],
  ])('refuses %s as the kernel would, naming the entry', (text, message) => {
    const m = model();
    let err: unknown;
    try {
      applySeed(m, { links: LINKS, routes: [], rules: [text] });
    } catch (e) {
      err = e;
    }
    if (message.endsWith(': ')) {
      // Linux takes what iproute2 sends here: the seed does too.
      expect(err).toBeUndefined();
      return;
    }
    expect(err).toBeInstanceOf(SeedError);
    expect((err as Error).message).toBe(message);
  });

  it('a second identical rule is refused with EEXIST (ip rule add sends NLM_F_EXCL)', () => {
    expect(() => applySeed(model(), { links: LINKS, routes: [], rules: ['from 10.1.0.0/16 lookup 100 pref 5', 'from 10.1.0.0/16 lookup 100 pref 5'] }))
      .toThrow('seed rules[1] "from 10.1.0.0/16 lookup 100 pref 5": File exists');
  });

  it('reads rules from a YAML seed and names a bad entry by its position', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtnld-seed-rules-'));
    try {
      const file = join(dir, 'seed.yaml');
      writeFileSync(file, 'rules:\n  - from 10.1.0.0/16 lookup 100\n  - from nowhere lookup 100\n');
      expect(() => readSeed(file)).toThrow('seed rules[1] "from nowhere lookup 100": inet prefix is expected rather than "nowhere".');
      writeFileSync(file, 'rules:\n  - { from: 10.0.0.0/8 }\n');
      expect(() => readSeed(file)).toThrow('seed rules[0]: must be a string of `ip rule add` arguments');
      writeFileSync(file, 'rules: from 10.0.0.0/8\n');
      expect(() => readSeed(file)).toThrow('seed: "rules" must be a list');
      writeFileSync(file, 'rules:\n  - from 10.1.0.0/16 lookup 100 pref 10\n');
      const m = model();
      applySeed(m, readSeed(file));
      expect(m.rules.list(2).map((r) => [r.pref, r.table])).toEqual([[0, 255], [10, 100], [32766, 254], [32767, 253]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
