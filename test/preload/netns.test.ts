/**
 * iproute2's own namespace commands under the LD_PRELOAD adaptor (src/preload/netns.c) act on
 * the daemon's namespaces, never the host's: `ip netns add/list/del/set/list-id`, a veth peer
 * created in another namespace, `ip link set … netns NAME|PID`, `ip -n NAME link/addr/route`
 * and `ip netns exec NAME cmd` (the command's netlink and /sys/class/net then show NAME). The
 * host's namespaces and links are checked before and after. Parts that need a missing program
 * say so and return.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../helpers/daemon.js';
import { buildAdaptor, run, skip, which } from './programs.js';

// Names no other software on the host uses: the host check looks for exactly these.
const RED = 'rtnld17red';
const BLUE = 'rtnld17blue';
const LINKS = ['r17va', 'r17vb', 'r17d1', 'r17d2', 'r17d3'];

type JLink = { ifname: string; link?: string; link_netnsid?: number; operstate?: string };
type JAddr = { ifname: string; addr_info: Array<{ local: string; prefixlen: number }> };
type JRoute = { dst: string; dev: string };

describe('LD_PRELOAD adaptor: ip netns and ip -n work on the daemon\'s namespaces', () => {
  let d: Awaited<ReturnType<typeof startDaemon>>;
  let lib: string | undefined;
  let noLib: string | undefined;
  let env: NodeJS.ProcessEnv;
  let scratch: string;
  const ip = which('ip');
  const unshare = which('unshare');

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'rtnld-netns-'));
    ({ lib, why: noLib } = await buildAdaptor());
    d = await startDaemon({ seed: [{ name: 'lo', up: true }] });
    env = { ...process.env, LD_PRELOAD: lib ?? '', RTNL_SOCKET: d.path, TMPDIR: scratch };
    delete env.RTNL_NETNS;
    delete env.RTNL_NETNS_MOUNTS;
  });

  afterAll(async () => {
    await d?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const missing = () => noLib ?? (ip ? undefined : 'iproute2 (`ip`) is not installed');
  /** `ip ARGS` under the adaptor; must succeed unless told otherwise. */
  const ipa = async (...args: string[]) => {
    const r = await run(ip!, args, env);
    expect(r.code, `ip ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse((await ipa('-j', ...args)) || '[]') as T;
  const names = (links: JLink[]) => links.map((l) => l.ifname).sort();

  /** What the host has of this test's names: namespaces (ip netns list and /run/netns) and links. */
  const hostTraces = async () => {
    const list = (await run(ip!, ['netns', 'list'])).stdout;
    const files = ['/run/netns', '/var/run/netns'].flatMap((dir) => (existsSync(dir) ? readdirSync(dir) : []));
    const links = JSON.parse((await run(ip!, ['-j', 'link', 'show'])).stdout) as JLink[];
    return {
      runNetnsExists: existsSync('/run/netns'),
      namespaces: [...list.split('\n').map((l) => l.split(' ')[0]!), ...files].filter((n) => n === RED || n === BLUE),
      links: links.map((l) => l.ifname).filter((n) => LINKS.includes(n)),
    };
  };

  it('add, list, veth across namespaces, moves by name and pid, ip -n, ip netns exec, del', async () => {
    if (skip(missing())) return;
    // Other software on the host (a container engine, other tests) may add namespaces and links
    // meanwhile, so the check is that none of this test's names ever reach the host.
    const before = await hostTraces();
    expect(before.namespaces).toEqual([]);
    expect(before.links).toEqual([]);

    // ip netns add / list (a name taken twice is the kernel's "File exists")
    await ipa('netns', 'add', RED);
    await ipa('netns', 'add', BLUE);
    const again = await run(ip!, ['netns', 'add', RED], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`Cannot create namespace file "/run/netns/${RED}": File exists`);
    expect((await json<Array<{ name: string }>>('netns', 'list')).map((n) => n.name).sort()).toEqual([BLUE, RED]);
    expect(names(await json<JLink[]>('-n', RED, 'link', 'show'))).toEqual(['lo']);

    // a veth pair whose peer is created in RED: each side sees its own end
    await ipa('link', 'add', 'r17va', 'type', 'veth', 'peer', 'name', 'r17vb', 'netns', RED);
    expect(names(await json<JLink[]>('link', 'show'))).toEqual(['lo', 'r17va']);
    const inRed = await json<JLink[]>('-n', RED, 'link', 'show');
    expect(names(inRed)).toEqual(['lo', 'r17vb']);
    expect(inRed.find((l) => l.ifname === 'r17vb')?.link_netnsid).toEqual(expect.any(Number));

    // ip netns set / list-id: the initial namespace's ids for its peers (set before anything about
    // BLUE is announced here: a move gives BLUE an id at once, and a second id is refused, as Linux)
    await ipa('netns', 'set', BLUE, '7');
    expect(await json<Array<{ name: string; id?: number }>>('netns', 'list')).toContainEqual({ name: BLUE, id: 7 });
    expect((await json<Array<{ nsid: number; name?: string }>>('netns', 'list-id')).map((n) => n.nsid)).toContain(7);

    // ip link set … netns NAME moves a link
    await ipa('link', 'add', 'r17d1', 'type', 'dummy');
    await ipa('link', 'set', 'dev', 'r17d1', 'netns', BLUE);
    expect(names(await json<JLink[]>('link', 'show'))).toEqual(['lo', 'r17va']);
    expect(names(await json<JLink[]>('-n', BLUE, 'link', 'show'))).toEqual(['lo', 'r17d1']);

    // ip -n NAME addr / route / link set
    await ipa('-n', RED, 'addr', 'add', '10.17.0.1/24', 'dev', 'r17vb');
    await ipa('-n', RED, 'link', 'set', 'r17vb', 'up');
    await ipa('-n', RED, 'route', 'add', '10.99.0.0/16', 'dev', 'r17vb');
    const addrs = await json<JAddr[]>('-n', RED, '-4', 'addr', 'show', 'dev', 'r17vb');
    expect(addrs[0]?.addr_info.map((a) => `${a.local}/${a.prefixlen}`)).toEqual(['10.17.0.1/24']);
    expect((await json<JRoute[]>('-n', RED, 'route', 'show')).map((r) => r.dst)).toEqual(expect.arrayContaining(['10.17.0.0/24', '10.99.0.0/16']));
    expect(await json<JAddr[]>('-4', 'addr', 'show')).not.toContainEqual(expect.objectContaining({ ifname: 'r17vb' }));
    expect(await json<JRoute[]>('route', 'show')).toEqual([]);

    // ip netns exec: the command (and what it runs) is in RED, netlink and /sys/class/net alike
    const exec = await ipa('netns', 'exec', RED, 'sh', '-c', 'ip -j link show; echo; ls /sys/class/net');
    const [execLinks, sysNet] = exec.split('\n\n');
    expect(names(JSON.parse(execLinks!) as JLink[])).toEqual(['lo', 'r17vb']);
    expect(sysNet!.trim().split(/\s+/).sort()).toEqual(['lo', 'r17vb']);

    // ip link set … netns PID: from inside BLUE, pid 1 (not under the adaptor) is the initial namespace
    await ipa('-n', BLUE, 'link', 'add', 'r17d2', 'type', 'dummy');
    await ipa('netns', 'exec', BLUE, ip!, 'link', 'set', 'dev', 'r17d2', 'netns', '1');
    expect(names(await json<JLink[]>('link', 'show'))).toEqual(['lo', 'r17d2', 'r17va']);
    expect(names(await json<JLink[]>('-n', BLUE, 'link', 'show'))).toEqual(['lo', 'r17d1']);

    // ip monitor all-nsid: a change in BLUE reaches a listener in the initial namespace, marked
    // with BLUE's id there (the NETLINK_LISTEN_ALL_NSID control message)
    const monitor = spawn(ip!, ['-o', 'monitor', 'all-nsid', 'link'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const heard = new Promise<void>((resolve) => monitor.stdout.on('data', (b: Buffer) => {
      seen += b.toString();
      if (seen.includes('r17d3')) resolve();
    }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // its subscription first
      await ipa('-n', BLUE, 'link', 'add', 'r17d3', 'type', 'dummy');
      await Promise.race([heard, new Promise((resolve) => setTimeout(resolve, 5000))]);
    } finally {
      monitor.kill();
    }
    expect(seen).toMatch(/^\[nsid 7\].*r17d3/m);

    // ip netns del: RED's veth end goes, and with it its peer in the initial namespace
    await ipa('netns', 'del', RED);
    expect(names(await json<JLink[]>('link', 'show'))).toEqual(['lo', 'r17d2']);
    await ipa('netns', 'del', BLUE);
    expect(await json<unknown[]>('netns', 'list')).toEqual([]);
    const gone = await run(ip!, ['-n', RED, 'link', 'show'], env);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain(`Cannot open network namespace "${RED}": No such file or directory`);

    const after = await hostTraces();
    expect(after).toEqual(before);
  }, 120_000); // some fifty program runs: minutes on a loaded machine

  it('what cannot be emulated is refused with one line: a namespace made by unshare -n and never named, ip netns attach', async () => {
    if (skip(missing())) return;
    if (unshare) {
      const r = await run(unshare, ['-n', ip!, 'link', 'show'], env);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/^rtnld-preload: socket\(AF_NETLINK, NETLINK_ROUTE\) refused: .*unshare\(CLONE_NEWNET\) that has no name/m);
    } else {
      skip('util-linux `unshare` is not installed');
    }
    const attach = await run(ip!, ['netns', 'attach', 'rtnld17att', '1'], env);
    expect(attach.code).not.toBe(0);
    expect(attach.stderr).toMatch(/^rtnld-preload: mount\(\/proc\/1\/ns\/net, \/run\/netns\/rtnld17att\) refused: /m);
    expect(existsSync('/run/netns/rtnld17att')).toBe(false);
    expect(await json<unknown[]>('netns', 'list')).toEqual([]);
  });
});
