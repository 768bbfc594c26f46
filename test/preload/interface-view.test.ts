/**
 * The interface view of a process under the LD_PRELOAD adaptor comes from the daemon, whatever
 * way the program asks (src/preload/ifioctl.c, netview.c, scope-names.c), and what would act on
 * the host is refused (host-guard.c): net-tools' ifconfig, `ip tuntap`/`ip netns attach`, psutil (and
 * a C program making the same calls), and shell reads of /sys/class/net, checked against the
 * daemon's model. Parts that need a missing program say so and return.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IFF_UP } from '../../src/model/flags.js';
import type { Link } from '../../src/model/types.js';
import { startDaemon } from '../helpers/daemon.js';
import { buildAdaptor, compileProbe, run, skip, which } from './programs.js';

const mac = (b: Uint8Array | undefined) => (b ? [...b].map((x) => x.toString(16).padStart(2, '0')).join(':') : '');
const ipv4 = (b: Uint8Array) => [...b].join('.');
const maskOf = (prefixlen: number) => ipv4(Uint8Array.from([0, 1, 2, 3], (i) => (0xff00 >> Math.min(8, Math.max(0, prefixlen - 8 * i))) & 0xff));

describe('LD_PRELOAD adaptor: the whole interface view comes from the daemon', () => {
  let d: Awaited<ReturnType<typeof startDaemon>>;
  let lib: string | undefined;
  let noLib: string | undefined;
  let env: NodeJS.ProcessEnv;
  let scratch: string;
  const ifconfig = which('ifconfig');
  const ip = which('ip');
  const bash = which('bash');
  const noIfconfig = ifconfig ? undefined : 'net-tools (`ifconfig`) is not installed (apt-get install -y net-tools)';
  const noIp = ip ? undefined : 'iproute2 (`ip`) is not installed';

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'rtnld-view-'));
    ({ lib, why: noLib } = await buildAdaptor());
    d = await startDaemon({
      seed: [
        { name: 'lo', up: true },
        { name: 'br0', kind: 'bridge', up: true, addresses: ['192.168.5.1/24'] },
        { name: 'v0', kind: 'veth', peer: 'v1', master: 'br0', up: true },
        { name: 'd0', kind: 'dummy', mtu: 9000, address: '02:00:00:00:00:01', up: true, addresses: ['10.0.0.1/24', '10.0.0.2/24 brd +', '2001:db8::1/64 nodad'] },
      ],
      addresses: { dadMs: 0 },
    });
    env = { ...process.env, LD_PRELOAD: lib ?? '', RTNL_SOCKET: d.path, TMPDIR: scratch };
  });

  afterAll(async () => {
    await d?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const missing = (...needs: Array<string | undefined>) => noLib ?? needs.find((n) => n !== undefined);
  const model = () => d.daemon.model;
  const links = (): Link[] => [...d.daemon.model.iterate()];
  const link = (name: string): Link => d.daemon.model.byName(name)!;
  const inet = (l: Link) => d.daemon.model.addresses.list(l.index, 'inet').flatMap((a) => (a.family === 'inet' ? [a] : []));

  it('`ifconfig -a` lists exactly the daemon\'s links, with their flags, MTU, hardware and IPv4 addresses', async () => {
    if (skip(missing(noIfconfig))) return;
    const r = await run(ifconfig!, ['-a'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const blocks = r.stdout.trim().split(/\n\s*\n/);
    const names = blocks.map((b) => b.split(':')[0]);
    expect(names.sort()).toEqual(links().map((l) => l.name).sort());
    for (const b of blocks) {
      const l = link(b.split(':')[0]!);
      expect(b).toMatch(new RegExp(`^${l.name}: flags=\\d+<[^>]*>  mtu ${l.mtu}\\n`));
      if ((l.flags & IFF_UP) !== 0) expect(b).toMatch(/<UP[,>]/);
      const primary = inet(l).find((a) => a.label === l.name);
      if (primary) expect(b).toContain(`inet ${ipv4(primary.local)}  netmask `);
      if (l.name !== 'lo') expect(b).toContain(`ether ${mac(l.address)}`);
      const six = d.daemon.model.addresses.list(l.index, 'inet6').length;
      expect(b.match(/inet6 [0-9a-f:]+  prefixlen \d+/g) ?? []).toHaveLength(six);
    }
  });

  it('`ifconfig d0` shows the daemon\'s d0; an unknown name is "Device not found", whatever the host has', async () => {
    if (skip(missing(noIfconfig))) return;
    const r = await run(ifconfig!, ['d0'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^d0: flags=195<UP,BROADCAST,RUNNING,NOARP>  mtu 9000\n/);
    expect(r.stdout).toContain('inet 10.0.0.1  netmask 255.255.255.0  broadcast 0.0.0.0');
    expect(r.stdout).toContain('inet6 2001:db8::1  prefixlen 64  scopeid 0x0<global>');
    expect(r.stdout).toContain('ether 02:00:00:00:00:01  txqueuelen 1000  (Ethernet)');
    // A name only the host may have (this machine's own interfaces are never shown).
    const hostOnly = readdirSync('/sys/class/net').find((n) => !d.daemon.model.byName(n)) ?? 'nosuch0';
    const other = await run(ifconfig!, [hostOnly], env);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain(`${hostOnly}: error fetching interface information: Device not found`);
  });

  it('ifconfig\'s SIOCSIF* ioctls change the daemon\'s model as the kernel would', async () => {
    if (skip(missing(noIfconfig))) return;
    const ok = async (...args: string[]) => {
      const r = await run(ifconfig!, args, env);
      expect(r.code, `ifconfig ${args.join(' ')}: ${r.stderr}`).toBe(0);
    };
    await ok('v1', 'mtu', '1400');
    expect(link('v1').mtu).toBe(1400);
    await ok('v1', 'hw', 'ether', '02:00:00:00:01:01');
    expect(mac(link('v1').address)).toBe('02:00:00:00:01:01');
    await ok('v1', 'up');
    expect(link('v1').flags & IFF_UP).toBe(IFF_UP);
    // SIOCSIFADDR: the classful prefix and the broadcast derived from it (devinet_ioctl)
    await ok('v1', '172.16.1.1');
    expect(inet(link('v1')).map((a) => [ipv4(a.local), a.prefixlen, ipv4(a.broadcast ?? new Uint8Array(4))])).toEqual([['172.16.1.1', 16, '172.16.255.255']]);
    // SIOCSIFNETMASK moves the broadcast address that matched the old mask
    await ok('v1', 'netmask', '255.255.255.0');
    expect(inet(link('v1')).map((a) => [ipv4(a.local), a.prefixlen, ipv4(a.broadcast ?? new Uint8Array(4))])).toEqual([['172.16.1.1', 24, '172.16.1.255']]);
    // an alias label is its own address
    await ok('v1:1', '172.16.2.1');
    expect(inet(link('v1')).map((a) => a.label).sort()).toEqual(['v1', 'v1:1']);
    await ok('v1:1', 'down');
    expect(inet(link('v1')).map((a) => a.label)).toEqual(['v1']);
    await ok('v1', 'inet6', 'add', '2001:db8:1::1/64');
    expect(d.daemon.model.addresses.list(link('v1').index, 'inet6').some((a) => a.prefixlen === 64 && a.address[2] === 0x0d && a.address[5] === 1)).toBe(true);
    await ok('v1', 'down');
    expect(link('v1').flags & IFF_UP).toBe(0);
    // the daemon's errors come back as the kernel's
    const bad = await run(ifconfig!, ['v1', 'mtu', '70000'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/Invalid argument/);
  });

  it('`ip tuntap add` and `ip netns attach` are refused with one clear line, and the host is unchanged', async () => {
    if (skip(missing(noIp))) return;
    // The host's tun/tap devices: other software on the host (a container engine, say) may add and
    // remove links meanwhile, so the check is that no tun device appeared, not that nothing changed.
    type HostLink = { ifname: string; linkinfo?: { info_kind?: string } };
    const hostLinks = async () => JSON.parse((await run(ip!, ['-d', '-j', 'link', 'show'])).stdout) as HostLink[];
    const tunNames = (links: HostLink[]) => links.filter((l) => l.linkinfo?.info_kind === 'tun').map((l) => l.ifname).sort();
    const before = await hostLinks();
    const tap = await run(ip!, ['tuntap', 'add', 'mode', 'tap', 'rtnldtap18'], env);
    expect(tap.code).not.toBe(0);
    expect(tap.stderr).toMatch(/^rtnld-preload: ioctl\(\/dev\/net\/tun, TUNSETIFF\) refused: .*tun\/tap.*RTNL_PRELOAD_PASSTHROUGH=1/m);
    expect(tap.stderr.match(/rtnld-preload:/g)).toHaveLength(1);
    // (ip netns add/del/exec act on the daemon's namespaces: test/preload/netns.test.ts)
    const ns = await run(ip!, ['netns', 'attach', 'rtnldns18', '1'], env);
    expect(ns.code).not.toBe(0);
    expect(ns.stderr).toMatch(/^rtnld-preload: mount\(\/proc\/1\/ns\/net, \/run\/netns\/rtnldns18\) refused: .*namespace/m);
    expect(existsSync('/run/netns/rtnldns18')).toBe(false);
    const after = await hostLinks();
    expect(tunNames(after)).toEqual(tunNames(before));
    expect(after.map((l) => l.ifname)).not.toContain('rtnldtap18');
    // Not carried to the daemon either.
    expect(d.daemon.model.byName('rtnldtap18')).toBeUndefined();
  });

  it('setns into a host namespace, netlink after an unnamed unshare(CLONE_NEWNET), SIOCADDRT and /proc/sys/net writes are refused; RTNL_PRELOAD_PASSTHROUGH=1 lets them through', async () => {
    const probe = `
import ctypes, fcntl, os, socket, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
def err(r): return 0 if r == 0 else ctypes.get_errno()
out = {}
# a real namespace fd of the host (opened relative to a directory, which the adaptor leaves alone)
fd = os.open('net', os.O_RDONLY, dir_fd=os.open('/proc/self/ns', os.O_RDONLY))
out['setns'] = err(libc.setns(fd, 0))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    fcntl.ioctl(s, 0x890B, b'\\0' * 120)
    out['addrt'] = 0
except OSError as e:
    out['addrt'] = e.errno
try:
    open('/proc/sys/net/ipv4/ip_forward', 'w').close()
    out['sysctl'] = 0
except OSError as e:
    out['sysctl'] = e.errno
try:
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    out['genl'] = 0
except OSError as e:
    out['genl'] = e.errno
# a namespace of its own: pretended, but netlink in it is refused until ip netns add names it
out['unshare'] = err(libc.unshare(0x40000000))
try:
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    out['route'] = 0
except OSError as e:
    out['route'] = e.errno
print(out)
`;
    const python = which('python3');
    if (skip(missing(python ? undefined : 'python3 is not installed'))) return;
    const r = await run(python!, ['-c', probe], env);
    expect(r.code, r.stderr).toBe(0);
    const EPERM = 1;
    expect(r.stdout.trim()).toBe(`{'setns': ${EPERM}, 'addrt': ${EPERM}, 'sysctl': ${EPERM}, 'genl': ${EPERM}, 'unshare': 0, 'route': ${EPERM}}`);
    const lines = r.stderr.trim().split('\n');
    expect(lines.map((l) => l.replace(/ refused: .*/, ''))).toEqual([
      'rtnld-preload: setns(CLONE_NEWNET)',
      'rtnld-preload: ioctl(SIOCADDRT)',
      'rtnld-preload: open(/proc/sys/net/ipv4/ip_forward) for writing',
      'rtnld-preload: socket(AF_NETLINK, NETLINK_GENERIC (ethtool, nl80211, wireguard, mptcp...))',
      'rtnld-preload: socket(AF_NETLINK, NETLINK_ROUTE)',
    ]);
    if (process.getuid?.() !== 0) return void console.log('skipped: the pass-through half needs root (it enters a new namespace)');
    // With the opt-out the same unshare reaches the kernel (a throwaway namespace of this child).
    const through = await run(python!, ['-c', 'import ctypes; libc = ctypes.CDLL(None, use_errno=True); print(libc.unshare(0x40000000))'], { ...env, RTNL_PRELOAD_PASSTHROUGH: '1' });
    expect(through.stdout.trim()).toBe('0');
    expect(through.stderr).toBe('');
  });

  it('a C program making psutil\'s and net-tools\' calls sees the daemon: SIOCGIFCONF, SIOCGIF*, getifaddrs broadcasts, scope names, /proc/net', async () => {
    const { path: probe, why } = await compileProbe('netview-probe.c', scratch);
    if (skip(missing(why))) return;
    const r = await run(probe!, [], env);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.trim().split('\n');
    const model = d.daemon.model;
    // SIOCGIFCONF: one entry per IPv4 address, by label, with its mask and broadcast
    const conf = links().flatMap((l) => inet(l).map((a) => `conf ${a.label} ${ipv4(a.local)} mask ${maskOf(a.prefixlen)} brd ${a.broadcast ? ipv4(a.broadcast) : '0.0.0.0'}`));
    expect(out.filter((l) => l.startsWith('conf '))).toEqual(conf);
    for (const l of links()) {
      const dev = out.find((x) => x.startsWith(`dev ${l.name} `));
      expect(dev).toContain(`index=${l.index} `);
      expect(dev).toContain(` mtu=${l.mtu} `);
      expect(dev).toContain(` hw=${l.address ? mac(l.address) : '00:00:00:00:00:00'} name=${l.name}`);
      expect(Number(/flags=(0x[0-9a-f]+)/.exec(dev!)![1]) & IFF_UP).toBe(l.flags & IFF_UP);
    }
    expect(out).toContain('missing No such device');
    // glibc's broadcast fill-in: without a broadcast address, the address itself
    expect(out).toContain('ifa lo 127.0.0.1 brd 127.0.0.1');
    expect(out).toContain('ifa d0 10.0.0.1 brd 10.0.0.1');
    expect(out).toContain('ifa d0 10.0.0.2 brd 10.0.0.255');
    // link-local scope names are the daemon's names
    const linkLocal = out.filter((l) => l.startsWith('gni ') && l.includes('fe80:'));
    expect(linkLocal.length).toBeGreaterThan(0);
    for (const l of linkLocal) expect(l).toMatch(/^gni (\S+) fe80:[0-9a-f:]+%\1$/);
    expect(out.filter((l) => l.startsWith('procdev ')).map((l) => l.split(/\s+/)[1])).toEqual(links().map((l) => `${l.name}:`));
    const six = out.filter((l) => l.startsWith('if_inet6 ')).map((l) => l.split(/\s+/));
    expect(six.map((f) => f[6]).sort()).toEqual(links().flatMap((l) => model.addresses.list(l.index, 'inet6').map(() => l.name)).sort());
    // nodad: IFA_F_PERMANENT | IFA_F_NODAD, as the kernel prints it
    expect(six.find((f) => f[1] === '20010db8000000000000000000000001')).toEqual(['if_inet6', '20010db8000000000000000000000001', link('d0').index.toString(16).padStart(2, '0'), '40', '00', '82', 'd0']);
  });

  it('IPv6 scope names in getnameinfo() and getaddrinfo() are the daemon\'s', async () => {
    const python = which('python3');
    if (skip(missing(python ? undefined : 'python3 is not installed'))) return;
    const r = await run(python!, ['-c', `
import socket
print(socket.getnameinfo(('fe80::1', 0, 0, ${link('d0').index}), socket.NI_NUMERICHOST)[0])
print(socket.getnameinfo(('fe80::1', 0, 0, 999), socket.NI_NUMERICHOST)[0])
print(socket.getnameinfo(('2001:db8::1', 0, 0, ${link('d0').index}), socket.NI_NUMERICHOST)[0])
print(socket.getaddrinfo('fe80::1%br0', 80, socket.AF_INET6)[0][4][3])
try:
    socket.getaddrinfo('fe80::1%nosuch0', 80, socket.AF_INET6)
except socket.gaierror as e:
    print('gaierror', e.errno == socket.EAI_NONAME)
`], env);
    expect(r.code, r.stderr).toBe(0);
    // names for link-local addresses only; a number for an index the daemon does not have
    expect(r.stdout.trim().split('\n')).toEqual(['fe80::1%d0', 'fe80::1%999', `2001:db8::1%${link('d0').index}`, String(link('br0').index), 'gaierror True']);
  });

  it('psutil (python3-psutil) reports the daemon\'s interfaces, addresses and counters', async () => {
    const python = '/usr/bin/python3';
    const has = existsSync(python) && (await run(python, ['-c', 'import psutil'])).code === 0;
    if (skip(missing(has ? undefined : 'python3-psutil is not installed (apt-get install -y python3-psutil)'))) return;
    model().setStats(link('d0'), { rxBytes: 123456, txPackets: 42 });
    const r = await run(python, ['-c', `
import json, psutil, socket
stats = {n: [s.isup, s.mtu] for n, s in psutil.net_if_stats().items()}
addrs = {n: sorted([a.family.name, a.address, a.broadcast] for a in v if a.family in (socket.AF_INET, socket.AF_INET6)) for n, v in psutil.net_if_addrs().items()}
io = {n: [c.bytes_recv, c.packets_sent] for n, c in psutil.net_io_counters(pernic=True).items()}
print(json.dumps({'stats': stats, 'addrs': addrs, 'io': io}))
`], env);
    expect(r.code, r.stderr).toBe(0);
    const seen = JSON.parse(r.stdout) as { stats: Record<string, [boolean, number]>; addrs: Record<string, Array<[string, string, string | null]>>; io: Record<string, [number, number]> };
    expect(Object.keys(seen.stats).sort()).toEqual(links().map((l) => l.name).sort());
    for (const l of links()) expect(seen.stats[l.name]![1]).toBe(l.mtu);
    expect(seen.io.d0).toEqual([123456, 42]);
    expect(seen.addrs.d0).toContainEqual(['AF_INET', '10.0.0.1', '10.0.0.1']);
    expect(seen.addrs.d0).toContainEqual(['AF_INET', '10.0.0.2', '10.0.0.255']);
    expect(seen.addrs.d0).toContainEqual(['AF_INET6', '2001:db8::1', null]);
    expect(seen.addrs.d0!.some(([f, a]) => f === 'AF_INET6' && /^fe80::.*%d0$/.test(a))).toBe(true);
  });

  it('`cat /sys/class/net/*/mtu` and the rest of /sys/class/net show the daemon\'s model, and follow its changes', async () => {
    if (skip(missing(bash ? undefined : 'bash is not installed'))) return;
    const sh = (script: string) => run(bash!, ['-c', script], env);
    const mtus = await sh('for f in /sys/class/net/*/mtu; do echo "$f $(cat $f)"; done');
    expect(mtus.code, mtus.stderr).toBe(0);
    expect(mtus.stdout.trim().split('\n')).toEqual(links().map((l) => `/sys/class/net/${l.name}/mtu ${l.mtu}`).sort());
    const cat = await sh('cat /sys/class/net/*/mtu');
    expect(cat.stdout.trim().split('\n').map(Number)).toEqual(links().sort((a, b) => (a.name < b.name ? -1 : 1)).map((l) => l.mtu));
    model().setStats(link('d0'), { rxBytes: 123456, txPackets: 42 }); // as the psutil test does (it may be skipped)
    const files = await sh('cd /sys/class/net/d0 && echo $(cat ifindex iflink address broadcast operstate carrier flags type tx_queue_len statistics/rx_bytes) && readlink /sys/class/net/d0 && ls /sys/class/net/br0/brif && readlink /sys/class/net/v0/master && cat /sys/class/net/v1/carrier');
    const d0 = link('d0');
    expect(files.stdout.trim().split('\n').slice(0, 4)).toEqual([
      `${d0.index} ${d0.index} 02:00:00:00:00:01 ff:ff:ff:ff:ff:ff unknown 1 0x83 1 1000 123456`,
      '../../devices/virtual/net/d0',
      'v0',
      '../br0',
    ]);
    expect(files.stderr).toMatch(/\/sys\/class\/net\/v1\/carrier: Invalid argument/); // v1 is down
    // Writes are not carried to the daemon: refused, with the reason.
    const write = await sh('echo 1300 > /sys/class/net/d0/mtu');
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/rtnld-preload: open\(\/sys\/class\/net\/d0\/mtu\) for writing refused/);
    // One process sees a change made meanwhile (by itself through ioctl, by another client).
    const python = which('python3');
    if (skip(missing(python ? undefined : 'python3 is not installed'))) return;
    const r = await run(python!, ['-c', `
import fcntl, socket, struct, subprocess, sys
read = lambda: open('/sys/class/net/d0/mtu').read().strip()
seen = [read()]
fcntl.ioctl(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), 0x8922, struct.pack('16si20x', b'd0', 1280))
seen.append(read())
subprocess.run([sys.argv[1], 'link', 'set', 'd0', 'mtu', '1500'], check=True)
seen.append(read())
print(' '.join(seen))
`, ip ?? 'ip'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('9000 1280 1500');
    expect(link('d0').mtu).toBe(1500);
  });

  it('leaves no view directories behind', () => {
    const left = existsSync(join(scratch, `rtnld-view.${process.getuid?.() ?? 0}`)) ? readdirSync(join(scratch, `rtnld-view.${process.getuid?.() ?? 0}`)) : [];
    expect(left).toEqual([]);
  });
});
