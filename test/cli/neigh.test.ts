import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { rtnl, rtnlMonitor, type CliResult } from '../helpers/cli.js';
import { startDaemon } from '../helpers/daemon.js';
import { buildAdaptor, run as runProgram, which } from '../preload/programs.js';

// `rtnl neigh` end to end against a daemon. The expected text and JSON are what iproute2 6.1's
// `ip neigh` printed for the same entries (through the LD_PRELOAD adaptor, the last test
// compares the two live when `ip` and a C compiler are there).
let d: Awaited<ReturnType<typeof startDaemon>>;
const run = (...args: string[]): Promise<CliResult> => rtnl(args, d.path);
const ok = async (...args: string[]): Promise<string> => {
  const r = await run(...args);
  expect(r.stderr, `rtnl ${args.join(' ')}`).toBe('');
  expect(r.code, `rtnl ${args.join(' ')}`).toBe(0);
  return r.stdout;
};

beforeAll(async () => {
  d = await startDaemon({ seed: [{ name: 'v0', kind: 'veth', peer: 'v1', up: true, addresses: ['10.0.0.1/24'] }, { name: 'v1', up: true }] });
  await ok('neigh', 'add', '10.0.0.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'v0', 'nud', 'permanent', 'router');
  await ok('neigh', 'add', '10.0.0.3', 'lladdr', '02:00:00:00:00:03', 'dev', 'v0', 'nud', 'stale', 'extern_learn', 'protocol', 'static');
  await ok('neigh', 'add', '10.0.0.4', 'dev', 'v0', 'nud', 'incomplete');
  await ok('neigh', 'add', '10.0.0.5', 'lladdr', '02:00:00:00:00:05', 'dev', 'v0', 'nud', 'noarp');
  await ok('neigh', 'add', 'proxy', '10.0.0.9', 'dev', 'v0', 'router');
  await ok('neigh', 'add', '2001:db8::5', 'lladdr', '02:00:00:00:00:05', 'dev', 'v0', 'nud', 'reachable');
});

afterAll(async () => {
  await d?.stop();
});

describe('rtnl neigh', () => {
  it('show: iproute2 text (NOARP and NONE hidden unless `nud all`)', async () => {
    expect(await ok('neigh', 'show')).toBe([
      '10.0.0.2 dev v0 lladdr 02:00:00:00:00:02 router PERMANENT ',
      '10.0.0.3 dev v0 lladdr 02:00:00:00:00:03 extern_learn STALE proto static ',
      '10.0.0.4 dev v0 INCOMPLETE ',
      '2001:db8::5 dev v0 lladdr 02:00:00:00:00:05 REACHABLE ', ''].join('\n'));
    expect(await ok('neigh', 'show', 'nud', 'all')).toContain('10.0.0.5 dev v0 lladdr 02:00:00:00:00:05 NOARP \n');
    // The kernel's own entries (MLD reports of the up veth) are NOARP too: shown with `nud all` only.
    expect(await ok('neigh', 'show', 'nud', 'all')).toContain('ff02::16 dev v0 lladdr 33:33:00:00:00:16 NOARP \n');
    // print_neigh(): externally learned entries pass any state filter.
    expect(await ok('neigh', 'show', 'dev', 'v0', 'nud', 'permanent')).toBe(
      '10.0.0.2 lladdr 02:00:00:00:00:02 router PERMANENT \n10.0.0.3 lladdr 02:00:00:00:00:03 extern_learn STALE proto static \n');
    expect(await ok('-6', 'neigh')).toBe('2001:db8::5 dev v0 lladdr 02:00:00:00:00:05 REACHABLE \n');
    expect(await ok('neigh', 'show', 'proxy')).toBe('10.0.0.9 dev v0 router proxy \n');
  });

  it('show -j: iproute2 JSON', async () => {
    expect(JSON.parse(await ok('-j', 'neigh', 'show', 'to', '10.0.0.0/30'))).toEqual([
      { dst: '10.0.0.2', dev: 'v0', lladdr: '02:00:00:00:00:02', router: null, state: ['PERMANENT'] },
      { dst: '10.0.0.3', dev: 'v0', lladdr: '02:00:00:00:00:03', extern_learn: null, state: ['STALE'], protocol: 'static' },
    ]);
    expect(JSON.parse(await ok('-j', 'neigh', 'show', 'proxy'))).toEqual([{ dst: '10.0.0.9', dev: 'v0', router: null, proxy: null }]);
  });

  it('get, replace, change, del and errors', async () => {
    expect(await ok('neigh', 'get', '10.0.0.2', 'dev', 'v0')).toBe('10.0.0.2 dev v0 lladdr 02:00:00:00:00:02 router PERMANENT \n');
    expect(await run('neigh', 'get', '10.0.0.99', 'dev', 'v0')).toEqual({ stdout: '', stderr: 'Error: Neighbour entry not found.\n', code: 2 });
    expect(await run('neigh', 'add', '10.0.0.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'v0')).toEqual({ stdout: '', stderr: 'RTNETLINK answers: File exists\n', code: 2 });
    await ok('neigh', 'replace', '10.0.0.2', 'lladdr', '02:00:00:00:00:22', 'dev', 'v0');
    await ok('neigh', 'change', '10.0.0.2', 'dev', 'v0', 'nud', 'reachable');
    expect(await ok('neigh', 'get', '10.0.0.2', 'dev', 'v0')).toBe('10.0.0.2 dev v0 lladdr 02:00:00:00:00:22 REACHABLE \n');
    expect(await run('neigh', 'change', '10.0.0.77', 'dev', 'v0', 'lladdr', '02:00:00:00:00:77')).toMatchObject({ stderr: 'RTNETLINK answers: No such file or directory\n', code: 2 });
    expect(await run('neigh', 'add', '10.0.0.8', 'dev', 'v0')).toMatchObject({ stderr: 'Error: No link layer address given.\n', code: 2 });
    await ok('neigh', 'del', '10.0.0.2', 'dev', 'v0');
    expect((await run('neigh', 'get', '10.0.0.2', 'dev', 'v0')).code).toBe(2);
  });

  it('flush keeps PERMANENT and NOARP entries (and removes the NONE one a failed add left)', async () => {
    await ok('neigh', 'add', '10.0.0.6', 'lladdr', '02:00:00:00:00:06', 'dev', 'v0', 'nud', 'permanent');
    await ok('neigh', 'flush', 'dev', 'v0');
    expect(await ok('-4', 'neigh', 'show', 'nud', 'all')).toBe([
      '10.0.0.5 dev v0 lladdr 02:00:00:00:00:05 NOARP ',
      '10.0.0.6 dev v0 lladdr 02:00:00:00:00:06 PERMANENT ', ''].join('\n'));
  });

  it('learn: what ARP/ND traffic would do (REACHABLE or STALE; PERMANENT and NOARP left alone)', async () => {
    await ok('neigh', 'learn', '10.0.0.40', 'lladdr', '02:00:00:00:00:40', 'dev', 'v0');
    expect(await ok('neigh', 'get', '10.0.0.40', 'dev', 'v0')).toBe('10.0.0.40 dev v0 lladdr 02:00:00:00:00:40 REACHABLE \n');
    await ok('neigh', 'learn', '10.0.0.40', 'lladdr', '02:00:00:00:00:41', 'dev', 'v0', 'stale');
    expect(await ok('neigh', 'get', '10.0.0.40', 'dev', 'v0')).toBe('10.0.0.40 dev v0 lladdr 02:00:00:00:00:41 STALE \n');
    await ok('neigh', 'learn', '2001:db8::40', 'lladdr', '02:00:00:00:00:42', 'dev', 'v0', 'stale');
    expect(await ok('neigh', 'get', '2001:db8::40', 'dev', 'v0')).toBe('2001:db8::40 dev v0 lladdr 02:00:00:00:00:42 STALE \n');
    // The permanent entry of the flush test: traffic does not change it.
    expect(await run('neigh', 'learn', '10.0.0.6', 'lladdr', '02:00:00:00:00:66', 'dev', 'v0')).toEqual({
      stdout: '', stderr: '10.0.0.6 dev v0 is permanent or noarp: traffic leaves it as it is\n', code: 0,
    });
    expect(await ok('neigh', 'get', '10.0.0.6', 'dev', 'v0')).toBe('10.0.0.6 dev v0 lladdr 02:00:00:00:00:06 PERMANENT \n');
    expect(await run('neigh', 'learn', '10.0.0.41', 'dev', 'v0')).toMatchObject({ stderr: 'Device, destination and lladdr are required arguments.\n', code: 255 });
    // An unknown device fails as `neigh add` does.
    const unknown = await run('neigh', 'learn', '10.0.0.41', 'lladdr', '02:00:00:00:00:41', 'dev', 'nope');
    expect(unknown).toEqual(await run('neigh', 'add', '10.0.0.41', 'lladdr', '02:00:00:00:00:41', 'dev', 'nope'));
    expect(unknown.code).not.toBe(0);
    await ok('neigh', 'del', '10.0.0.40', 'dev', 'v0');
    await ok('neigh', 'del', '2001:db8::40', 'dev', 'v0');
  });

  it('monitor neigh prints what happens', async () => {
    const mon = rtnlMonitor(['monitor', 'neigh'], d.path);
    try {
      const client = await connect(d.path);
      try {
        for (let i = 0; !mon.output.includes('10.0.1.'); i++) {
          await client.addNeighbour({ dst: `10.0.1.${i + 1}`, dev: 'v0', lladdr: '02:00:00:00:01:01' });
          await new Promise((r) => setTimeout(r, 200));
          if (i > 50) throw new Error(`monitor printed nothing: ${mon.errors}`);
        }
        await client.deleteNeighbour({ dst: '10.0.1.1', dev: 'v0' });
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        await client.close();
      }
    } finally {
      mon.stop();
    }
    expect(mon.output).toMatch(/^10\.0\.1\.\d+ dev v0 lladdr 02:00:00:00:01:01 PERMANENT $/m);
    expect(mon.output).toContain('Deleted 10.0.1.1 dev v0 FAILED \n');
  });

  it('prints what `ip neigh` prints for the same entries (through the adaptor)', async () => {
    const ip = which('ip');
    const { lib } = await buildAdaptor();
    if (!ip || !lib) {
      console.warn('skipped: needs iproute2 and the LD_PRELOAD adaptor');
      return;
    }
    for (const args of [['neigh', 'show'], ['neigh', 'show', 'nud', 'all'], ['-j', 'neigh', 'show', 'nud', 'all'], ['neigh', 'show', 'proxy'], ['-s', 'neigh', 'show', 'dev', 'v0']]) {
      // `-s` prints ages in whole seconds on the real clock, and the daemon's own entries change
      // when v0's DAD and router solicitation timers fire (about a second after start): either may
      // happen between the two programs, so a pair that differs is taken again (at most twice).
      let theirs = '';
      let ours = '';
      for (let attempt = 0; attempt < 3 && (attempt === 0 || ours !== theirs); attempt++) {
        theirs = (await runProgram(ip, args, { ...process.env, LD_PRELOAD: lib, RTNL_SOCKET: d.path })).stdout;
        ours = (await run(...args)).stdout;
      }
      expect(ours, args.join(' ')).toBe(theirs);
    }
  });
});
