/**
 * FIB rules and the bridge FDB through the LD_PRELOAD adaptor: the real `ip rule`, `bridge fdb`
 * and pyroute2's IPRoute().get_rules() run unmodified against a daemon started here; what they
 * change lands in the daemon's model and what they print equals `rtnl`'s output for the same
 * state. Each part returns early, saying why, when a tool is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../helpers/daemon.js';
import { rtnl } from '../helpers/cli.js';
import { buildAdaptor, run, skip, which, type Run } from './programs.js';

describe('rules and FDB through the adaptor', () => {
  let d: Awaited<ReturnType<typeof startDaemon>>;
  let env: NodeJS.ProcessEnv;
  let noLib: string | undefined;
  const ip = which('ip');
  const bridge = which('bridge');
  const python = which('python3');

  beforeAll(async () => {
    const built = await buildAdaptor();
    noLib = built.why;
    d = await startDaemon({ seed: [{ name: 'br0', kind: 'bridge' }] });
    env = { ...process.env, LD_PRELOAD: built.lib ?? '', RTNL_SOCKET: d.path };
  });

  afterAll(async () => {
    await d?.stop();
  });

  const missing = (tool: string | undefined, name: string) => noLib ?? (tool ? undefined : `${name} is not installed`);
  async function real(cmd: string, ...args: string[]): Promise<Run> {
    const r = await run(cmd, args, env);
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r;
  }

  it('`ip rule add/del` change the daemon\'s rules; `ip rule show` and `ip -j rule` print what rtnl prints', async () => {
    if (skip(missing(ip, 'iproute2 (`ip`)'))) return;
    await real(ip!, 'rule', 'add', 'from', '10.1.0.0/16', 'lookup', '100', 'pref', '100');
    await real(ip!, 'rule', 'add', 'fwmark', '0x10/0xff', 'table', '5');
    await real(ip!, 'rule', 'add', 'iif', 'nothere', 'goto', '200', 'pref', '150');
    await real(ip!, '-6', 'rule', 'add', 'to', '2001:db8::/32', 'prohibit', 'pref', '7');
    expect(d.daemon.model.rules.list(2).map((r) => r.pref)).toEqual([0, 99, 100, 150, 32766, 32767]);
    for (const args of [['rule', 'show'], ['-j', 'rule', 'show'], ['-6', 'rule', 'show'], ['-d', 'rule', 'show']]) {
      const theirs = await real(ip!, ...args);
      const ours = await rtnl(args, d.path);
      expect(ours.stdout, args.join(' ')).toBe(theirs.stdout);
    }
    await real(ip!, 'rule', 'del', 'pref', '150');
    expect(d.daemon.model.rules.list(2).map((r) => r.pref)).toEqual([0, 99, 100, 32766, 32767]);
  });

  it('`bridge fdb add/del/show` against the daemon equal rtnl fdb', async () => {
    if (skip(missing(ip, 'iproute2 (`ip`)') ?? missing(bridge, '`bridge`'))) return;
    await real(ip!, 'link', 'add', 'fp0', 'type', 'veth', 'peer', 'name', 'fp1');
    await real(ip!, 'link', 'set', 'fp0', 'master', 'br0');
    await real(bridge!, 'fdb', 'add', '02:00:00:00:00:20', 'dev', 'fp0', 'master', 'static');
    await real(bridge!, 'fdb', 'add', '02:00:00:00:00:30', 'dev', 'fp1', 'self');
    const br = d.daemon.model.byName('br0')!;
    expect(d.daemon.model.fdb.entries(br.index).map((e) => e.state)).toContain('static');
    for (const args of [['fdb', 'show'], ['-j', 'fdb', 'show'], ['fdb', 'show', 'br', 'br0'], ['fdb', 'show', 'brport', 'fp0']]) {
      const theirs = await real(bridge!, ...args);
      const ours = await rtnl(args, d.path);
      expect(ours.stdout, `bridge ${args.join(' ')}`).toBe(theirs.stdout);
    }
    await real(bridge!, 'fdb', 'del', '02:00:00:00:00:20', 'dev', 'fp0', 'master');
    expect(d.daemon.model.fdb.entries(br.index).some((e) => e.state === 'static')).toBe(false);
  });

  it("pyroute2's IPRoute().get_rules() lists the daemon's rules", async () => {
    // Debian's python3-pyroute2 lives with /usr/bin/python3, which may not be the first python3 on PATH.
    let py: string | undefined;
    for (const c of [python, '/usr/bin/python3'].filter((p): p is string => p !== undefined)) {
      if ((await run(c, ['-c', 'import pyroute2'], process.env).catch(() => ({ code: 1 }))).code === 0) {
        py = c;
        break;
      }
    }
    if (skip(noLib ?? (py ? undefined : 'python3-pyroute2 is not installed (apt-get install -y python3-pyroute2)'))) return;
    const code = [
      'import json', 'from pyroute2 import IPRoute', 'ip = IPRoute()',
      'print(json.dumps([[r["family"], r.get_attr("FRA_PRIORITY") or 0, r.get_attr("FRA_TABLE")] for r in ip.get_rules()]))',
      'print(json.dumps([[r["family"], r.get_attr("FRA_PRIORITY") or 0] for r in ip.get_rules(family=10)]))',
    ].join('\n');
    const r = await real(py!, '-c', code);
    const [all, v6] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as number[][]);
    const model = d.daemon.model.rules;
    expect(all).toEqual([2, 128, 129, 10].flatMap((f) => model.list(f).map((x) => [f, x.pref, x.table])));
    expect(v6).toEqual(model.list(10).map((x) => [10, x.pref]));
  });
});
