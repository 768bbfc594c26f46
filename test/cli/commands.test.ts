import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import { startDaemon } from '../helpers/daemon.js';
import { rtnl, rtnlMonitor, rtnlProcess, type CliResult } from '../helpers/cli.js';

let d: Awaited<ReturnType<typeof startDaemon>>;
const run = (...args: string[]): Promise<CliResult> => rtnl(args, d.path);
const ok = async (...args: string[]): Promise<string> => {
  const r = await run(...args);
  expect(r.stderr, `rtnl ${args.join(' ')}`).toBe('');
  expect(r.code, `rtnl ${args.join(' ')}`).toBe(0);
  return r.stdout;
};
const json = async (...args: string[]): Promise<Array<Record<string, unknown>>> => JSON.parse(await ok('-j', ...args)) as Array<Record<string, unknown>>;
const MAC = /([0-9a-f]{2}:){5}[0-9a-f]{2}/g;

beforeEach(async () => {
  d = await startDaemon();
});
afterEach(async () => {
  await d.stop();
});

describe('rtnl link', () => {
  it('shows lo in a fresh daemon, in text and JSON', async () => {
    expect(await ok('link', 'show')).toBe(
      '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n'
      + '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n',
    );
    expect(await ok('-j', 'link')).toBe('[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK"],"mtu":65536,"qdisc":"noop","operstate":"DOWN",'
      + '"linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00"}]\n');
  });

  it('adds a veth pair, a bridge and an ifb and shows them as ip does', async () => {
    await ok('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    await ok('link', 'add', 'name', 'br0', 'type', 'bridge');
    await ok('link', 'add', 'ifb0', 'type', 'ifb');
    await ok('link', 'set', 'dev', 'v0', 'master', 'br0');
    await ok('link', 'set', 'v0', 'up');
    await ok('link', 'set', 'br0', 'up');
    await ok('l', 'set', 'ifb0', 'alias', 'ingress mirror', 'group', '7');
    const text = (await ok('link', 'show')).replace(MAC, 'MAC');
    expect(text).toBe([
      '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000',
      '    link/loopback MAC brd MAC',
      '2: v1@v0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000',
      '    link/ether MAC brd MAC',
      '3: v0@v1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue master br0 state LOWERLAYERDOWN mode DEFAULT group default qlen 1000',
      '    link/ether MAC brd MAC',
      '4: br0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000',
      '    link/ether MAC brd MAC',
      '5: ifb0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT group 7 qlen 32',
      '    link/ether MAC brd MAC',
      '    alias ingress mirror',
      '',
    ].join('\n'));
    const links = await json('link', 'show');
    expect(links.map((l) => [l.ifindex, l.ifname, l.link, l.master])).toEqual([
      [1, 'lo', undefined, undefined], [2, 'v1', 'v0', undefined], [3, 'v0', 'v1', 'br0'], [4, 'br0', undefined, undefined], [5, 'ifb0', undefined, undefined],
    ]);
    expect(links[4]).toMatchObject({ group: '7', txqlen: 32, ifalias: 'ingress mirror', link_type: 'ether' });
  });

  it('filters by device, type, master, group and up', async () => {
    await ok('link', 'add', 'v0', 'type', 'veth', 'peer', 'v1');
    await ok('link', 'add', 'br0', 'type', 'bridge');
    await ok('link', 'set', 'v0', 'master', 'br0', 'group', '3');
    await ok('link', 'set', 'br0', 'up');
    const names = async (...args: string[]) => (await json('link', 'show', ...args)).map((l) => l.ifname);
    expect(await names('dev', 'v1')).toEqual(['v1']);
    expect(await names('v1')).toEqual(['v1']);
    expect(await names('type', 'veth')).toEqual(['v1', 'v0']);
    expect(await names('type', 'bridge_slave')).toEqual(['v0']);
    expect(await names('master', 'br0')).toEqual(['v0']);
    expect(await names('nomaster')).toEqual(['lo', 'v1', 'br0']);
    expect(await names('group', '3')).toEqual(['v0']);
    expect(await names('up')).toEqual(['br0']);
    expect((await ok('link', 'sh', 'v1')).split('\n')[0]).toMatch(/^2: v1@v0: /);
  });

  it('changes mtu, name, address, txqueuelen, carrier and flags', async () => {
    await ok('link', 'add', 'd0', 'type', 'dummy');
    await ok('link', 'set', 'dev', 'd0', 'mtu', '9000', 'txqueuelen', '50', 'address', '02:00:00:00:00:42', 'name', 'e0', 'arp', 'off', 'promisc', 'on');
    const [e0] = await json('link', 'show', 'e0');
    expect(e0).toMatchObject({ ifname: 'e0', mtu: 9000, txqlen: 50, address: '02:00:00:00:00:42' });
    expect(e0!.flags).toEqual(['BROADCAST', 'NOARP', 'PROMISC']);
    await ok('link', 'set', 'e0', 'up', 'carrier', 'off');
    expect((await json('link', 'show', 'e0'))[0]!.flags).toEqual(['NO-CARRIER', 'BROADCAST', 'NOARP', 'PROMISC', 'UP']);
    await ok('link', 'set', 'e0', 'carrier', 'on', 'down');
    expect((await json('link', 'show', 'e0'))[0]!.operstate).toBe('DOWN');
  });

  it('creates stacked kinds and shows their details', async () => {
    await ok('link', 'add', 'e0', 'type', 'dummy');
    await ok('link', 'add', 'link', 'e0', 'name', 'e0.10', 'type', 'vlan', 'id', '10', 'protocol', '802.1ad');
    await ok('link', 'add', 'link', 'e0', 'mv0', 'type', 'macvlan', 'mode', 'bridge');
    const [vlan] = await json('-d', 'link', 'show', 'e0.10');
    expect(vlan).toMatchObject({ ifname: 'e0.10', link: 'e0', linkinfo: { info_kind: 'vlan', info_data: { protocol: '802.1ad', id: 10, flags: ['REORDER_HDR'] } } });
    expect(await ok('-d', 'link', 'show', 'e0.10')).toContain('\n    vlan protocol 802.1ad id 10 <REORDER_HDR> ');
    const [mv] = await json('-d', 'link', 'show', 'mv0');
    expect(mv).toMatchObject({ linkinfo: { info_kind: 'macvlan', info_data: { mode: 'bridge' } } });
  });

  it('deletes links', async () => {
    await ok('link', 'add', 'v0', 'type', 'veth', 'peer', 'v1');
    await ok('link', 'del', 'dev', 'v0');
    expect((await json('link')).map((l) => l.ifname)).toEqual(['lo']);
    await ok('link', 'add', 'd0', 'type', 'dummy');
    await ok('link', 'delete', 'd0');
    expect((await json('link')).map((l) => l.ifname)).toEqual(['lo']);
  });

  it('prints statistics', async () => {
    expect(await ok('-s', 'link', 'show', 'lo')).toBe([
      '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000',
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
      '    RX:  bytes packets errors dropped  missed   mcast           ',
      '             0       0      0       0       0       0 ',
      '    TX:  bytes packets errors dropped carrier collsns           ',
      '             0       0      0       0       0       0 ',
      '',
    ].join('\n'));
    const [lo] = await json('-s', '-s', 'link', 'show', 'lo');
    expect(lo!.stats64).toMatchObject({ rx: { bytes: 0, missed_errors: 0 }, tx: { carrier_changes: 0 } });
  });
});

describe('rtnl address', () => {
  it('adds, shows, replaces and deletes addresses as ip does', async () => {
    await ok('link', 'add', 'd0', 'type', 'dummy');
    await ok('link', 'set', 'd0', 'up');
    await ok('addr', 'add', '10.0.0.1/24', 'dev', 'd0');
    await ok('address', 'add', '10.0.0.2/24', 'brd', '+', 'dev', 'd0', 'label', 'd0:1');
    await ok('a', 'add', '192.168.1.1', 'peer', '192.168.1.2', 'dev', 'd0', 'valid_lft', '300', 'preferred_lft', '100');
    await ok('addr', 'add', '2001:db8::1/64', 'dev', 'd0', 'nodad');
    const text = await ok('addr', 'show', 'dev', 'd0');
    expect(text.replace(MAC, 'MAC').replace(/\d+sec/g, 'Nsec')).toBe([
      '2: d0: <BROADCAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN group default qlen 1000',
      '    link/ether MAC brd MAC',
      '    inet 10.0.0.1/24 scope global d0',
      '       valid_lft forever preferred_lft forever',
      '    inet 192.168.1.1 peer 192.168.1.2/32 scope global dynamic d0',
      '       valid_lft Nsec preferred_lft Nsec',
      '    inet 10.0.0.2/24 brd 10.0.0.255 scope global secondary d0:1',
      '       valid_lft forever preferred_lft forever',
      '    inet6 2001:db8::1/64 scope global nodad ',
      '       valid_lft forever preferred_lft forever',
      '    inet6 fe80::MAC/64 scope link ',
      '       valid_lft forever preferred_lft forever',
      '',
    ].join('\n').replace('fe80::MAC', text.match(/fe80::[0-9a-f:]+/)?.[0] ?? 'fe80::?'));
    const [d0] = await json('addr', 'show', 'd0');
    const info = d0!.addr_info as Array<Record<string, unknown>>;
    expect(info[2]).toEqual({
      family: 'inet', local: '10.0.0.2', prefixlen: 24, broadcast: '10.0.0.255', scope: 'global', secondary: true, label: 'd0:1',
      valid_life_time: 4294967295, preferred_life_time: 4294967295,
    });
    expect(info[1]).toMatchObject({ local: '192.168.1.1', address: '192.168.1.2', dynamic: true });
    expect(typeof info[1]!.valid_life_time).toBe('number');
    expect((await json('-4', 'addr', 'show')).map((l) => l.ifname)).toEqual(['d0']);
    expect((await json('-6', 'addr', 'show', 'dev', 'd0'))[0]!.addr_info).toHaveLength(2);

    await ok('addr', 'replace', '10.0.0.1/24', 'dev', 'd0', 'valid_lft', '600', 'preferred_lft', '600');
    expect((await ok('addr', 'show', 'd0'))).toMatch(/inet 10\.0\.0\.1\/24 scope global dynamic d0\n {7}valid_lft \d+sec preferred_lft \d+sec/);
    await ok('addr', 'del', '2001:db8::1/64', 'dev', 'd0');
    await ok('addr', 'del', '192.168.1.1/32', 'peer', '192.168.1.2', 'dev', 'd0');
    expect(await ok('-o', '-4', 'addr', 'show', 'd0')).toBe(
      '2: d0    inet 10.0.0.1/24 scope global dynamic d0\\       valid_lft 600sec preferred_lft 600sec\n'
      + '2: d0    inet 10.0.0.2/24 brd 10.0.0.255 scope global secondary d0:1\\       valid_lft forever preferred_lft forever\n',
    );
  });

  it('flushes the addresses of a device', async () => {
    await ok('link', 'add', 'd0', 'type', 'dummy');
    for (const a of ['10.0.0.1/24', '10.0.0.2/24', '10.1.0.1/16']) await ok('addr', 'add', a, 'dev', 'd0');
    await ok('addr', 'add', '2001:db8::1/64', 'dev', 'd0', 'nodad');
    expect(await ok('-s', 'addr', 'flush', 'dev', 'd0')).toBe('\n*** Round 1, deleting 4 addresses ***\n*** Flush is complete after 1 round ***\n');
    expect((await json('addr', 'show', 'd0'))[0]!.addr_info).toEqual([]);
    expect(await ok('-s', 'addr', 'flush', 'dev', 'd0')).toBe('Nothing to flush.\n');
  });
});

describe('errors and exit codes as iproute2 prints them', () => {
  const cases: Array<[string[], number, string]> = [
    [['link', 'add', 'lo', 'type', 'dummy'], 2, 'RTNETLINK answers: File exists\n'],
    [['link', 'add', 'x0', 'type', 'foo'], 2, 'Error: Unknown device type.\n'],
    [['link', 'set', 'dev', 'nope', 'up'], 1, 'Cannot find device "nope"\n'],
    [['link', 'del', 'nope'], 1, 'Cannot find device "nope"\n'],
    [['link', 'show', 'dev', 'nope'], 1, 'Device "nope" does not exist.\n'],
    [['link', 'set', 'dev', 'v0', 'mtu', '10'], 2, 'Error: mtu less than device minimum.\n'],
    [['link', 'set', 'dev', 'lo', 'mtu', 'abc'], 255, 'Error: argument "abc" is wrong: Invalid "mtu" value\n\n'],
    [['link', 'set', 'dev', 'lo', 'master', 'nope'], 255, 'Error: argument "nope" is wrong: Device does not exist\n\n'],
    [['link', 'set', 'dev', 'lo', 'address', 'zz'], 1, '"zz" is invalid lladdr.\n'],
    [['link', 'set', 'dev', 'lo', 'name'], 255, 'Command line is not complete. Try option "help"\n'],
    [['link', 'add'], 1, 'Not enough information: "type" argument is required\n'],
    [['link', 'del'], 255, 'Not enough information: "dev" argument is required.\n'],
    [['link', 'foo'], 255, 'Command "foo" is unknown, try "rtnl link help".\n'],
    [['foo'], 1, 'Object "foo" is unknown, try "rtnl help".\n'],
    [['addr', 'add', '10.0.0.1/24', 'dev', 'nope'], 1, 'Cannot find device "nope"\n'],
    [['addr', 'add', '1.2.3.4/33', 'dev', 'lo'], 1, 'Error: any valid prefix is expected rather than "1.2.3.4/33".\n'],
    [['addr', 'del', '10.9.9.9/24', 'dev', 'lo'], 2, 'Error: ipv4: Address not found.\n'],
    [['addr', 'add', '10.1.1.1/24'], 1, 'Not enough information: "dev" argument is required.\n'],
    [['addr', 'flush'], 1, 'Flush requires arguments.\n'],
    [['addr', 'add', '10.1.1.1/24', 'dev', 'lo', 'valid_lft', '0'], 1, 'valid_lft is zero\n'],
    [['-x', 'link'], 255, 'Option "-x" is unknown, try "rtnl -help".\n'],
  ];
  it.each(cases)('rtnl %j', async (args, code, stderr) => {
    await ok('link', 'add', 'v0', 'type', 'veth', 'peer', 'v1');
    const r = await run(...args);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(stderr);
    expect(r.code).toBe(code);
  });

  it('reports a duplicate IPv4 address with the kernel\'s text', async () => {
    await ok('addr', 'add', '10.0.0.1/24', 'dev', 'lo');
    const r = await run('addr', 'add', '10.0.0.1/24', 'dev', 'lo');
    expect(r).toEqual({ stdout: '', stderr: 'Error: ipv4: Address already assigned.\n', code: 2 });
  });

  it('explains a missing socket', async () => {
    const path = join(tmpdir(), 'no-such-rtnld.sock');
    const r = await rtnl(['link'], path);
    expect(r).toEqual({ stdout: '', stderr: `Cannot open netlink socket: No such file or directory: ${path} (from RTNL_SOCKET; is rtnld running there?)\n`, code: 1 });
  });
});

describe('abbreviations and options', () => {
  it('accepts iproute2 abbreviations and option spellings', async () => {
    const full = await ok('link', 'show');
    for (const args of [['l'], ['li', 'sh'], ['link', 'lst'], ['link', 'list']]) expect(await ok(...args)).toBe(full);
    const addr = await ok('address', 'show');
    for (const args of [['a'], ['a', 's'], ['addr', 'list'], ['ad', 'sh']]) expect(await ok(...args)).toBe(addr);
    expect(await ok('--json', 'link')).toBe(await ok('-j', 'link'));
    expect(await ok('-json', '-pretty', 'link')).toBe(await ok('-j', '-p', 'link'));
    expect(await ok('-details', 'link')).toBe(await ok('-d', 'link'));
    expect(await ok('-stats', '-s', 'link')).toBe(await ok('-s', '-s', 'link'));
  });
});

describe('rtnl -batch', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rtnl-batch-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs one command a line and stops at the first failure', async () => {
    const file = join(dir, 'cmds');
    writeFileSync(file, '# set up\nlink add d0 type dummy\n\nlink set dev nope up\nlink add d1 type dummy\n');
    const r = await run('-batch', file);
    expect(r.stderr).toBe(`Cannot find device "nope"\nCommand failed ${file}:4\n`);
    expect(r.code).toBe(1);
    expect((await json('link')).map((l) => l.ifname)).toEqual(['lo', 'd0']);
  });

  it('goes on after failures with -force, and reads standard input for "-"', async () => {
    const r = await rtnl(['-force', '-batch', '-'], d.path, { stdin: 'link add d0 type dummy\nlink add d0 type dummy\nlink set d0 alias "a b"\n' });
    expect(r.stderr).toBe('RTNETLINK answers: File exists\nCommand failed -:2\n');
    expect(r.code).toBe(1);
    expect((await json('link', 'show', 'd0'))[0]!.ifalias).toBe('a b');
  });

  it('ends at once on a usage error even with -force', async () => {
    const file = join(dir, 'cmds');
    writeFileSync(file, 'link add d0 type dummy\nlink foo\nlink add d1 type dummy\n');
    const r = await run('-force', '-batch', file);
    expect(r.code).toBe(255);
    expect((await json('link')).map((l) => l.ifname)).toEqual(['lo', 'd0']);
  });
});

describe('rtnl monitor', () => {
  it('prints link and address events as they come', async () => {
    const mon = rtnlMonitor(['monitor', 'link', 'address'], d.path);
    try {
      // The process takes a moment to start and subscribe: change lo's MTU until the monitor shows it.
      const client = await connect(d.path);
      try {
        for (let i = 0; mon.output === ''; i++) {
          await client.setLink('lo', { mtu: 60000 + i });
          await new Promise((r) => setTimeout(r, 200));
          if (i > 100) throw new Error(`monitor printed nothing: ${mon.errors}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      } finally {
        await client.close();
      }
      const before = mon.output.length;
      await ok('link', 'add', 'v8', 'type', 'veth', 'peer', 'name', 'v9');
      await ok('addr', 'add', '10.9.0.1/24', 'dev', 'v8');
      await ok('link', 'del', 'v8');
      const out = (await mon.waitFor((o) => o.includes('Deleted 2: v9'))).slice(before).replace(MAC, 'MAC');
      expect(out).toBe([
        '2: v9@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default ',
        '    link/ether MAC brd MAC',
        '3: v8@v9: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group default ',
        '    link/ether MAC brd MAC',
        '3: v8    inet 10.9.0.1/24 scope global v8',
        '       valid_lft forever preferred_lft forever',
        'Deleted 3: v8    inet 10.9.0.1/24 scope global v8',
        '       valid_lft forever preferred_lft forever',
        'Deleted 3: v8@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default ',
        '    link/ether MAC brd MAC',
        'Deleted 2: v9@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default ',
        '    link/ether MAC brd MAC',
        '',
      ].join('\n'));
    } finally {
      await mon.stop();
    }
  });
});

describe('bin/rtnl.js', () => {
  it('runs as a command with --socket or RTNL_SOCKET', async () => {
    const viaFlag = await rtnlProcess(['link', 'add', 'd0', 'type', 'dummy'], d.path);
    expect(viaFlag).toEqual({ stdout: '', stderr: '', code: 0 });
    const shown = await rtnlProcess(['-j', 'link', 'show', 'd0'], d.path);
    expect(JSON.parse(shown.stdout)[0].ifname).toBe('d0');
    const failed = await rtnlProcess(['link', 'add', 'd0', 'type', 'dummy'], d.path);
    expect(failed).toEqual({ stdout: '', stderr: 'RTNETLINK answers: File exists\n', code: 2 });
  });
});
