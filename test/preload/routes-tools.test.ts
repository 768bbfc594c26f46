/**
 * Route tools through the LD_PRELOAD adaptor: Debian's python3-pyroute2 (`IPRoute().route()`
 * add/del/dump/get, `get_routes()`) and libnl's nl-route-list / nl-route-add / nl-route-delete /
 * nl-route-get (libnl-utils) run unmodified against a seeded daemon; what they print and change
 * is checked against the daemon's own view (`rtnl route`). Before anything changes routes, a
 * read of each tool must show a route only the daemon has, so a tool that somehow reached the
 * host's netlink would stop there. Each part says why and skips without a C compiler, python3,
 * pyroute2 or libnl-utils.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rtnl } from '../helpers/cli.js';
import { startDaemon } from '../helpers/daemon.js';
import { buildAdaptor, run, skip, which } from './programs.js';

/** A route no host has: its presence proves a tool is talking to the daemon. */
const MARKER = '10.123.45.0/24';

const SEED = {
  links: [
    { name: 'lo', up: true },
    { name: 'v0', kind: 'veth', peer: { name: 'v1', up: true }, up: true, addresses: ['10.0.0.1/24', '2001:db8::1/64 nodad'] },
  ],
  routes: [`${MARKER} via 10.0.0.2 metric 7`],
};

const PYROUTE2 = `
import json, sys
from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError
out = {}
ipr = IPRoute()
main4 = [r for r in ipr.route('dump', family=2) if r['table'] == 254]
out['dump'] = sorted('%s/%d' % (r.get_attr('RTA_DST') or '0.0.0.0', r['dst_len']) for r in main4)
if '${MARKER}' not in out['dump']:
    print(json.dumps(out)); sys.exit(3)   # not the daemon: change nothing
idx = ipr.link_lookup(ifname='v0')[0]
ipr.route('add', dst='10.150.0.0/16', gateway='10.0.0.2', oif=idx, priority=30)
ipr.route('add', dst='2001:db8:150::/64', gateway='2001:db8::2', oif=idx, family=10)
ipr.route('add', dst='10.151.0.0/24', multipath=[{'gateway': '10.0.0.2', 'hops': 0}, {'gateway': '10.0.0.3', 'hops': 2}])
ipr.route('replace', dst='10.152.0.0/24', type='blackhole')
r = ipr.route('get', dst='10.150.1.1')[0]
out['get'] = [r.get_attr('RTA_GATEWAY'), r.get_attr('RTA_OIF') == idx, r.get_attr('RTA_PREFSRC'), r.get_attr('RTA_TABLE')]
errors = []
for call in (lambda: ipr.route('add', dst='10.150.0.0/16', gateway='10.0.0.2', oif=idx, priority=30),
             lambda: ipr.route('add', dst='10.153.0.0/16', gateway='10.55.0.2'),
             lambda: ipr.route('get', dst='10.152.0.1')):
    try:
        call()
    except NetlinkError as e:
        errors.append(e.code)
out['errors'] = errors
ipr.route('del', dst='10.150.0.0/16', gateway='10.0.0.2', priority=30)
try:
    ipr.route('del', dst='10.150.0.0/16')
except NetlinkError as e:
    out['errors'].append(e.code)
out['v6'] = sorted('%s/%d' % (r.get_attr('RTA_DST') or '::', r['dst_len']) for r in ipr.get_routes(family=10, table=254))
ipr.close()
print(json.dumps(out))
`;

describe('route tools under the LD_PRELOAD adaptor', () => {
  let d: Awaited<ReturnType<typeof startDaemon>>;
  let lib: string | undefined;
  let noLib: string | undefined;
  let env: NodeJS.ProcessEnv;
  let scratch: string;
  const python = which('python3');

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'rtnld-route-tools-'));
    ({ lib, why: noLib } = await buildAdaptor());
    d = await startDaemon({ seed: SEED });
    env = { ...process.env, LD_PRELOAD: lib ?? '', RTNL_SOCKET: d.path };
  }, 180_000);

  afterAll(async () => {
    await d?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const show = async (...args: string[]) => (await rtnl(['route', 'show', ...args], d.path)).stdout;

  it("pyroute2's IPRoute().route() adds, replaces, gets, deletes and dumps routes in the daemon", async () => {
    if (skip(noLib ?? (python ? undefined : 'python3 is not installed'))) return;
    const has = await run(python!, ['-c', 'import pyroute2'], process.env);
    if (skip(has.code === 0 ? undefined : 'pyroute2 (python3-pyroute2) is not installed')) return;
    const file = join(scratch, 'routes.py');
    writeFileSync(file, PYROUTE2);
    const r = await run(python!, [file], env, 60_000);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dump: string[]; get: unknown[]; errors: number[]; v6: string[] };
    expect(out.dump).toEqual(['10.0.0.0/24', MARKER]);
    expect(out.get).toEqual(['10.0.0.2', true, '10.0.0.1', 254]);
    expect(out.errors).toEqual([17, 101, 22, 3]); // EEXIST, ENETUNREACH, EINVAL (blackhole), ESRCH
    expect(out.v6).toEqual(['2001:db8::/64', '2001:db8:150::/64', 'fe80::/64', 'fe80::/64']);
    expect(await show()).toBe([
      '10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1 ',
      `${MARKER} via 10.0.0.2 dev v0 metric 7 `,
      '10.151.0.0/24 proto static \n\tnexthop via 10.0.0.2 dev v0 weight 1 \n\tnexthop via 10.0.0.3 dev v0 weight 3 ',
      'blackhole 10.152.0.0/24 proto static ',
      '',
    ].join('\n'));
    expect(await rtnl(['-6', 'route', 'show', '2001:db8:150::/64'], d.path)).toMatchObject({
      stdout: '2001:db8:150::/64 via 2001:db8::2 dev v0 proto static metric 1024 pref medium\n',
    });
    // Leave the table as the seed made it for the next part.
    for (const dst of ['10.151.0.0/24', '10.152.0.0/24']) expect((await rtnl(['route', 'del', dst], d.path)).code).toBe(0);
    expect((await rtnl(['-6', 'route', 'del', '2001:db8:150::/64'], d.path)).code).toBe(0);
  }, 90_000);

  it("libnl's nl-route-list, nl-route-add, nl-route-get and nl-route-delete work on the daemon's routes", async () => {
    const list = which('nl-route-list');
    const add = which('nl-route-add');
    const del = which('nl-route-delete');
    const get = which('nl-route-get');
    if (skip(noLib ?? (list && add && del && get ? undefined : 'libnl-utils (nl-route-list, nl-route-add, ...) is not installed'))) return;
    const listed = await run(list!, [], env);
    expect(listed.code, listed.stderr).toBe(0);
    // Only the daemon has the marker route: anything else, and nothing is changed.
    expect(listed.stdout).toContain(`inet ${MARKER} table main type unicast via 10.0.0.2 dev v0 \n`);
    expect(listed.stdout.split('\n').filter((l) => l.startsWith('inet ')).sort()).toEqual([
      'inet 10.0.0.0/24 table main type unicast via dev v0 ',
      'inet 10.0.0.1 table local type local via dev v0 ',
      'inet 10.0.0.255 table local type broadcast via dev v0 ',
      `inet ${MARKER} table main type unicast via 10.0.0.2 dev v0 `,
      'inet 127.0.0.0/8 table local type local via dev lo ',
      'inet 127.0.0.1 table local type local via dev lo ',
      'inet 127.255.255.255 table local type broadcast via dev lo ',
    ]);
    const added = await run(add!, ['--dst=10.200.0.0/16', '--nexthop=dev=v0,via=10.0.0.3', '--priority=20', '--protocol=static'], env);
    expect(added).toMatchObject({ code: 0, stdout: 'Added inet 10.200.0.0/16 via 10.0.0.3 dev v0 \n' });
    const added6 = await run(add!, ['--family=inet6', '--dst=2001:db8:9::/64', '--nexthop=dev=v0,via=2001:db8::9'], env);
    expect(added6).toMatchObject({ code: 0, stdout: 'Added inet6 2001:db8:9::/64 via 2001:db8::9 dev v0 \n' });
    const refused = await run(add!, ['--dst=10.201.0.0/16', '--nexthop=dev=v0,via=10.55.0.3'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Unable to add route/);
    expect(await show('10.200.0.0/16')).toBe('10.200.0.0/16 via 10.0.0.3 dev v0 proto static metric 20 \n');
    expect(await rtnl(['-6', 'route', 'show', '2001:db8:9::/64'], d.path)).toMatchObject({
      stdout: '2001:db8:9::/64 via 2001:db8::9 dev v0 proto static metric 1024 pref medium\n',
    });
    const looked = await run(get!, ['10.200.1.1'], env);
    expect(looked.code, looked.stderr).toBe(0);
    expect(looked.stdout).toMatch(/^inet cache 10\.200\.1\.1 type unicast[\s\S]*preferred-src 10\.0\.0\.1[\s\S]*nexthop via 10\.0\.0\.3 dev v0/);
    const deleted = await run(del!, ['--dst=10.200.0.0/16', '--table=main'], env);
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted inet 10.200.0.0/16 table main type unicast via 10.0.0.3 dev v0 \nDeleted 1 routes\n' });
    expect(await show('10.200.0.0/16')).toBe('');
  }, 90_000);
});
