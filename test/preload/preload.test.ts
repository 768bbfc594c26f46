/**
 * The LD_PRELOAD adaptor (src/preload) end to end: real programs — iproute2's `ip` and `bridge`,
 * Python's socket module, a glibc getifaddrs() caller and Debian's python3-pyroute2 — run
 * unmodified against a daemon started here, and their view and their changes are checked against
 * the daemon's model and its own dumps. Each part says why and returns early when a tool it needs
 * (a C compiler, iproute2, python3, pyroute2) is missing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, NLMSG_DONE, RTM_GETLINK, RTM_NEWLINK } from '../../protocol/constants.js';
import { startDaemon } from '../helpers/daemon.js';
import { ifinfomsg, message, TestClient } from '../helpers/nl-client.js';
import { buildAdaptor, compileProbe, root, run, skip, which, type Run } from './programs.js';

const here = join(root, 'test', 'preload');
const IFF_UP = 1;
const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;

/** Attributes of one RTM_NEWLINK message, by type (first occurrence). */
function linkAttrs(raw: Buffer): { index: number; flags: number; attrs: Map<number, Buffer> } {
  const attrs = new Map<number, Buffer>();
  const end = raw.readUInt32LE(0);
  let pos = 32;
  while (pos + 4 <= end) {
    const len = raw.readUInt16LE(pos);
    if (len < 4) break;
    const type = raw.readUInt16LE(pos + 2) & 0x3fff;
    if (!attrs.has(type)) attrs.set(type, raw.subarray(pos + 4, pos + len));
    pos += (len + 3) & ~3;
  }
  return { index: raw.readInt32LE(20), flags: raw.readUInt32LE(24), attrs };
}

const cstr = (b: Buffer | undefined) => (b ? b.subarray(0, b.indexOf(0) >= 0 ? b.indexOf(0) : b.length).toString() : '');
const mac = (b: Buffer | undefined) => (b ? [...b].map((x) => x.toString(16).padStart(2, '0')).join(':') : '');

function ipv4(bytes: Uint8Array): string {
  return [...bytes].join('.');
}

function ipv6(bytes: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Compress the longest run of zero words, as inet_ntop does (runs of two or more).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return words.join(':');
  return `${words.slice(0, best).join(':')}::${words.slice(best + bestLen).join(':')}`;
}

describe('LD_PRELOAD adaptor with unmodified programs', () => {
  let d: Awaited<ReturnType<typeof startDaemon>>;
  let lib: string | undefined;
  let noLib: string | undefined;
  let env: NodeJS.ProcessEnv;
  let scratch: string;
  const ip = which('ip');
  const bridge = which('bridge');
  const python = which('python3');
  const noIp = ip ? undefined : 'iproute2 (`ip`) is not installed';

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'rtnld-preload-'));
    ({ lib, why: noLib } = await buildAdaptor());
    d = await startDaemon({
      seed: [
        { name: 'br0', kind: 'bridge', up: true },
        { name: 'd0', kind: 'dummy', mtu: 9000, address: '02:00:00:00:00:01', up: true },
      ],
    });
    env = { ...process.env, LD_PRELOAD: lib ?? '', RTNL_SOCKET: d.path };
  });

  afterAll(async () => {
    await d?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** The reason this part cannot run, if any. */
  const missing = (...needs: Array<string | undefined>) => noLib ?? needs.find((n) => n !== undefined);

  async function ipRun(...args: string[]): Promise<Run> {
    const r = await run(ip!, args, env);
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r;
  }

  it('builds the adaptor with the system compiler (or says why not)', () => {
    if (skip(noLib)) return;
    expect(lib).toMatch(/librtnld-preload\.so$/);
  });

  it('`ip -j link show` prints what the daemon dumps', async () => {
    if (skip(missing(noIp))) return;
    const shown = JSON.parse((await ipRun('-j', 'link', 'show')).stdout) as Array<{ ifindex: number; ifname: string; mtu: number; address: string; flags: string[] }>;
    const client = await TestClient.connect(d.path);
    try {
      const replies = await client.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, client.nextSeq(), (w) => ifinfomsg(w)));
      expect(replies.at(-1)!.type).toBe(NLMSG_DONE);
      const dumped = replies.filter((r) => r.type === RTM_NEWLINK).map((r) => {
        const l = linkAttrs(r.raw);
        return { ifindex: l.index, ifname: cstr(l.attrs.get(IFLA_IFNAME)), mtu: l.attrs.get(IFLA_MTU)!.readUInt32LE(0), address: mac(l.attrs.get(IFLA_ADDRESS)), up: (l.flags & IFF_UP) !== 0 };
      });
      expect(shown.map((s) => ({ ifindex: s.ifindex, ifname: s.ifname, mtu: s.mtu, address: s.address, up: s.flags.includes('UP') }))).toEqual(dumped);
      expect(dumped.map((l) => l.ifname)).toEqual(['lo', 'br0', 'd0']);
    } finally {
      client.close();
    }
  });

  it('`ip link add/set/del` change the model', async () => {
    if (skip(missing(noIp))) return;
    const model = d.daemon.model;
    await ipRun('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    expect(model.byName('v0')?.kind).toBe('veth');
    expect(model.byName('v1')?.link).toBe(model.byName('v0')!.index);
    await ipRun('link', 'set', 'v0', 'up');
    expect(model.byName('v0')!.flags & IFF_UP).toBe(IFF_UP);
    await ipRun('link', 'set', 'v0', 'mtu', '1400');
    expect(model.byName('v0')!.mtu).toBe(1400);
    await ipRun('link', 'set', 'v1', 'master', 'br0');
    expect(model.byName('v1')!.master).toBe(model.byName('br0')!.index);
    await ipRun('link', 'add', 'tmp0', 'type', 'dummy');
    expect(model.byName('tmp0')).toBeDefined();
    await ipRun('link', 'del', 'tmp0');
    expect(model.byName('tmp0')).toBeUndefined();
    // An error comes back as the kernel's would.
    const dup = await run(ip!, ['link', 'add', 'v0', 'type', 'dummy'], env);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/File exists/);
  });

  it('`bridge link` lists the bridge ports', async () => {
    if (skip(missing(noIp, bridge ? undefined : '`bridge` (iproute2) is not installed'))) return;
    if (!d.daemon.model.byName('v1')) await ipRun('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    await ipRun('link', 'set', 'v1', 'master', 'br0');
    const r = await run(bridge!, ['-j', 'link', 'show'], env);
    expect(r.code).toBe(0);
    const ports = JSON.parse(r.stdout) as Array<{ ifname: string; master: string }>;
    expect(ports.map((p) => [p.ifname, p.master])).toEqual([['v1', 'br0']]);
  });

  it('`ip addr add`, `ip -6 addr` and `ip -j addr show` agree with the model', async () => {
    if (skip(missing(noIp))) return;
    const model = d.daemon.model;
    if (!model.byName('v0')) await ipRun('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    await ipRun('addr', 'add', '10.0.0.1/24', 'dev', 'v0');
    await ipRun('-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad');
    await ipRun('addr', 'add', '10.0.9.1/24', 'dev', 'v0');
    await ipRun('addr', 'del', '10.0.9.1/24', 'dev', 'v0');
    // flush: a dump (sent with a zeroed tail) then deletes on the same socket.
    await ipRun('addr', 'add', '10.0.8.1/24', 'dev', 'v1');
    await ipRun('addr', 'add', '10.0.8.2/24', 'dev', 'v1');
    await ipRun('-4', 'addr', 'flush', 'dev', 'v1');
    expect(model.addresses.list(model.byName('v1')!.index, 'inet')).toEqual([]);
    const v0 = model.byName('v0')!;
    const v4 = model.addresses.list(v0.index, 'inet').map((a) => `${ipv4(a.family === 'inet' ? a.local : a.address)}/${a.prefixlen}`);
    expect(v4).toEqual(['10.0.0.1/24']);
    expect(model.addresses.list(v0.index, 'inet6').map((a) => `${ipv6(a.address)}/${a.prefixlen}`)).toContain('2001:db8::1/64');

    // Every address of every link, as `ip -j addr show` prints it and as the model holds it.
    const shown = JSON.parse((await ipRun('-j', 'addr', 'show')).stdout) as Array<{ ifname: string; addr_info: Array<{ family: string; local: string; prefixlen: number }> }>;
    const fromIp = shown.flatMap((l) => l.addr_info.map((a) => `${l.ifname} ${a.family} ${a.local}/${a.prefixlen}`)).sort();
    const fromModel = [...model.iterate()].flatMap((l) => [
      ...model.addresses.list(l.index, 'inet').map((a) => `${l.name} inet ${ipv4(a.family === 'inet' ? a.local : a.address)}/${a.prefixlen}`),
      ...model.addresses.list(l.index, 'inet6').map((a) => `${l.name} inet6 ${ipv6(a.address)}/${a.prefixlen}`),
    ]).sort();
    expect(fromIp).toEqual(fromModel);
    const six = JSON.parse((await ipRun('-6', '-j', 'addr', 'show', 'dev', 'v0')).stdout) as Array<{ addr_info: Array<{ family: string; local: string }> }>;
    expect(six[0]!.addr_info.every((a) => a.family === 'inet6')).toBe(true);
    expect(six[0]!.addr_info.map((a) => a.local)).toContain('2001:db8::1');
  });

  it('`ip monitor link address` in the background sees changes made by other clients', async () => {
    if (skip(missing(noIp))) return;
    const monitor = spawn(ip!, ['monitor', 'link', 'address'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    monitor.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const client = await TestClient.connect(d.path);
    try {
      // Wait until the monitor has joined its groups (its bind reaches the daemon).
      const deadline = Date.now() + 10_000;
      const subscribed = () => d.daemon.connections.hasMembers(1) && d.daemon.connections.hasMembers(5);
      while (!subscribed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(subscribed()).toBe(true);
      // A change by a plain netlink client (not under the adaptor)...
      const create = message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, client.nextSeq(), (w) => {
        ifinfomsg(w).attrString(IFLA_IFNAME, 'mon0');
        const li = w.nestStart(IFLA_LINKINFO);
        w.attrString(IFLA_INFO_KIND, 'dummy');
        w.nestEnd(li);
      });
      const [ack] = await client.request(create);
      expect(ack!.error).toBe(0);
      // ... and by another program under the adaptor.
      await ipRun('addr', 'add', '10.9.9.9/32', 'dev', 'mon0');
      while (!(out.includes('mon0') && out.includes('10.9.9.9')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(out).toMatch(/^\d+: mon0: </m);
      expect(out).toMatch(/inet 10\.9\.9\.9\/32/);
    } finally {
      client.close();
      monitor.kill('SIGTERM');
    }
  });

  it("Python's socket.if_nameindex() lists the daemon's links", async () => {
    if (skip(missing(python ? undefined : 'python3 is not installed'))) return;
    const r = await run(python!, ['-c', 'import socket; print(socket.if_nameindex())'], env);
    expect(r.code).toBe(0);
    const pairs = [...r.stdout.matchAll(/\((\d+), '([^']+)'\)/g)].map((m) => [Number(m[1]), m[2]]);
    expect(pairs).toEqual([...d.daemon.model.iterate()].map((l) => [l.index, l.name]));
  });

  it('glibc getifaddrs() and if_nameindex() callers see the daemon', async () => {
    const { path: probe, why } = await compileProbe('ifaddrs-probe.c', scratch);
    if (skip(missing(why))) return;
    const r = await run(probe!, [], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const model = d.daemon.model;
    for (const l of model.iterate()) {
      expect(lines).toContain(`${l.name} packet ${l.index} ${l.flags & IFF_UP ? 'up' : 'down'}`);
      expect(lines).toContain(`${l.name} index ${l.index}`);
      for (const a of model.addresses.list(l.index, 'inet')) {
        if (a.family === 'inet') expect(lines.some((x) => x.startsWith(`${a.label} inet ${ipv4(a.local)} `))).toBe(true);
      }
      for (const a of model.addresses.list(l.index, 'inet6')) expect(lines.some((x) => x.startsWith(`${l.name} inet6 ${ipv6(a.address)} `))).toBe(true);
    }
    const v0 = model.byName('v0');
    if (v0 && model.addresses.list(v0.index, 'inet').length > 0) expect(lines).toContain('v0 inet 10.0.0.1 255.255.255.0');
    expect(lines).toContain('lo nametoindex 1 indextoname lo');
  });

  it('socket semantics: held messages are readable to select/poll/epoll, PEEK|TRUNC, truncation, dup, fork, errors', async () => {
    if (skip(missing(python ? undefined : 'python3 is not installed'))) return;
    const r = await run(python!, [join(here, 'semantics.py')], env);
    expect(r.code, r.stderr).toBe(0);
    const seen = JSON.parse(r.stdout) as Record<string, unknown>;
    const links = [...d.daemon.model.iterate()].length;
    expect(seen).toEqual({
      so_type_dgram: true,
      so_type_raw: true,
      so_rcvbuf_set: true,
      portids_distinct_nonzero: true,
      bound_groups: 1,
      bound_pid_kept: true,
      memberships: [1, 0],
      bad_group: 'EINVAL',
      create: 0,
      up: 0,
      ext_ack: 1,
      select_held: true,
      poll_held: true,
      epoll_held: true,
      peek_trunc_is_full_length: true,
      from_kernel: [0, 0],
      first_notification: RTM_NEWLINK,
      notifications: expect.any(Number) as number,
      select_after_drain: false,
      truncated_len: 20,
      truncated_flag: true,
      next_after_truncation_seq: 4,
      zero_tail_ignored: 9,
      unpadded_then_next: [10, 11],
      own_type15: [2, 12, 0],
      ext_ack_unchanged: 1,
      dump_links: links + 1,
      dump_via_dup: links + 1,
      dump_in_child: true,
      rebind: 'EINVAL',
      delete: 0,
      unix_socket_untouched: true,
      absent: 'ECONNREFUSED',
    });
    expect(r.stderr).toMatch(/rtnld-preload: .*cannot connect to the rtnld daemon at \/nonexistent\/rtnl\.sock/);
  });

  it("Debian's python3-pyroute2 IPRoute() works against the daemon", async () => {
    const candidates = [python, '/usr/bin/python3'].filter((p): p is string => p !== undefined);
    let py: string | undefined;
    for (const c of candidates) {
      if ((await run(c, ['-c', 'import pyroute2'], process.env).catch(() => ({ code: 1 }))).code === 0) {
        py = c;
        break;
      }
    }
    if (skip(missing(py ? undefined : 'python3-pyroute2 is not installed (apt-get install -y python3-pyroute2)'))) return;
    const r = await run(py!, [join(here, 'pyroute2-probe.py')], env);
    expect(r.code, r.stderr).toBe(0);
    const seen = JSON.parse(r.stdout) as { links: string[]; pr0: { index: number; mtu: number; up: boolean }; pr0_addrs: string[] };
    const pr0 = d.daemon.model.byName('pr0')!;
    expect(seen.links).toContain('lo');
    expect(seen.pr0).toEqual({ index: pr0.index, mtu: 1300, up: true });
    expect(pr0.mtu).toBe(1300);
    expect(seen.pr0_addrs).toEqual(['192.0.2.7/24']);
    expect(d.daemon.model.addresses.list(pr0.index, 'inet').map((a) => (a.family === 'inet' ? ipv4(a.local) : ''))).toEqual(['192.0.2.7']);
  });

  it('without a daemon, programs get a clear error', async () => {
    if (skip(missing(noIp))) return;
    const r = await run(ip!, ['link', 'show'], { ...env, RTNL_SOCKET: join(scratch, 'absent.sock') });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/rtnld-preload: socket\(AF_NETLINK, NETLINK_ROUTE\): cannot connect to the rtnld daemon at .*absent\.sock/);
    const unset = await run(ip!, ['link', 'show'], { ...env, RTNL_SOCKET: '' });
    expect(unset.stderr).toMatch(/RTNL_SOCKET is not set/);
  });
});
