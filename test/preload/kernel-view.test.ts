/**
 * The adaptor's interface view against Linux's own: the same topology built in a throwaway
 * network namespace and seeded into a daemon, then `ifconfig -a`, the C probe of psutil's and
 * net-tools' calls (test/preload/netview-probe.c) and the /sys/class/net files read in both
 * places. What differs because traffic flows only on the kernel's side (counters) is left out.
 * Needs root and `ip netns`; says why and returns otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../helpers/daemon.js';
import { buildAdaptor, compileProbe, run, skip, which } from './programs.js';

const NS = `rtnld-view-${process.pid}`;

/** The topology, as `ip` commands for the kernel and as the daemon's seed. */
const IP_SETUP = [
  ['link', 'set', 'lo', 'up'],
  ['link', 'add', 'br0', 'address', '02:00:00:00:0b:01', 'type', 'bridge'],
  ['link', 'add', 'v0', 'address', '02:00:00:00:00:10', 'type', 'veth', 'peer', 'name', 'v1', 'address', '02:00:00:00:00:11'],
  ['link', 'set', 'v0', 'master', 'br0'],
  ['link', 'set', 'br0', 'up'],
  ['link', 'set', 'v0', 'up'],
  ['link', 'set', 'v1', 'mtu', '1400'],
  ['addr', 'add', '192.168.5.1/24', 'dev', 'br0'],
  ['addr', 'add', '10.0.0.1/24', 'dev', 'v1'],
  ['addr', 'add', '10.0.0.2/24', 'brd', '+', 'dev', 'v1'],
  ['addr', 'add', '2001:db8::1/64', 'dev', 'v1', 'nodad'],
];
const SEED = [
  { name: 'lo', up: true },
  { name: 'br0', kind: 'bridge', address: '02:00:00:00:0b:01', up: true, addresses: ['192.168.5.1/24'] },
  { name: 'v0', kind: 'veth', address: '02:00:00:00:00:10', peer: { name: 'v1', address: '02:00:00:00:00:11', mtu: 1400, addresses: ['10.0.0.1/24', '10.0.0.2/24 brd +', '2001:db8::1/64 nodad'] }, master: 'br0', up: true },
];
const DEVICES = ['lo', 'br0', 'v0', 'v1'];
const SYSFS = ['ifindex', 'iflink', 'mtu', 'address', 'broadcast', 'addr_len', 'operstate', 'carrier', 'dormant', 'flags', 'type', 'tx_queue_len', 'netdev_group', 'ifalias', 'dev_id', 'dev_port', 'uevent'];
/** Every file of SYSFS for every device (one process: the files are many), the links and listings. */
const SYSFS_SCRIPT = `
import os
def read(path):
    try:
        with open(path) as f:
            return repr(f.read())
    except OSError as e:
        return e.strerror
for d in ${JSON.stringify(DEVICES)}:
    for f in ${JSON.stringify(SYSFS)}:
        print(f'{d}/{f}:', read(f'/sys/class/net/{d}/{f}'))
    master = os.readlink(f'/sys/class/net/{d}/master') if os.path.islink(f'/sys/class/net/{d}/master') else '-'
    print(d, '->', os.readlink(f'/sys/class/net/{d}'), 'master', master)
print(sorted(os.listdir('/sys/class/net')), sorted(os.listdir('/sys/class/net/br0/brif')), os.readlink('/sys/class/net/br0/brif/v0'))
`;

/**
 * ifconfig -a without the traffic counters (only the kernel's devices carry traffic), and with
 * each device's inet6 lines in order: they follow /proc/net/if_inet6, which Linux lists in the
 * order of a hash seeded per namespace.
 */
function withoutCounters(s: string): string {
  return s.split('\n\n').map((block) => {
    const lines = block.split('\n').filter((l) => !/^\s+(RX|TX) /.test(l));
    const six = lines.filter((l) => l.trim().startsWith('inet6 ')).sort();
    return lines.map((l) => (l.trim().startsWith('inet6 ') ? six.shift()! : l)).join('\n');
  }).join('\n\n');
}
/** The probe's facts, with the counter columns of /proc/net/dev dropped and if_inet6 in order. */
function probeFacts(s: string): string[] {
  const lines = s.trim().split('\n').map((l) => (l.startsWith('procdev') ? l.trim().split(/\s+/).slice(0, 2).join(' ') : l));
  return [...lines.filter((l) => !l.startsWith('if_inet6')), ...lines.filter((l) => l.startsWith('if_inet6')).sort()];
}

/** Answers (or errno names) of interface ioctls on sockets of each family, for v1 and an unknown name. */
const IOCTL_SCRIPT = `
import errno, fcntl, socket, struct
for fam in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX, socket.AF_PACKET):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    for dev in (b'v1', b'v1:0', b'nosuch0'):
        for name, req in (('SIOCGIFADDR', 0x8915), ('SIOCGIFNETMASK', 0x891b), ('SIOCGIFBRDADDR', 0x8919), ('SIOCGIFDSTADDR', 0x8917), ('SIOCGIFFLAGS', 0x8913), ('SIOCGIFMTU', 0x8921), ('SIOCGIFINDEX', 0x8933), ('SIOCGIFTXQLEN', 0x8942), ('SIOCGIFHWADDR', 0x8927), ('SIOCGIFMETRIC', 0x891d), ('SIOCGIFMAP', 0x8970), ('SIOCSIFMETRIC', 0x891e), ('SIOCGIFPFLAGS', 0x8935), ('SIOCGIFSLAVE', 0x8929), ('SIOCGIWNAME', 0x8b01)):
            try:
                r = fcntl.ioctl(s, req, struct.pack('16s24x', dev))[16:].hex()
            except OSError as e:
                r = errno.errorcode[e.errno]
            print(fam.name, dev.decode(), name, r)
`;

describe('the adaptor\'s interface view matches the kernel\'s for the same topology', () => {
  let d: Awaited<ReturnType<typeof startDaemon>> | undefined;
  let env: NodeJS.ProcessEnv;
  let scratch: string;
  let why: string | undefined;
  const ip = which('ip');
  const ifconfig = which('ifconfig');
  const inNs = (cmd: string, args: string[]) => run(ip!, ['netns', 'exec', NS, cmd, ...args]);

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'rtnld-kview-'));
    if (process.getuid?.() !== 0) why = 'needs root for a network namespace';
    else if (!ip) why = 'iproute2 (`ip`) is not installed';
    const built = why ? {} : await buildAdaptor();
    why ??= built.why;
    if (why) return;
    const add = await run(ip!, ['netns', 'add', NS]);
    if (add.code !== 0) {
      why = `cannot create a network namespace: ${add.stderr.trim()}`;
      return;
    }
    // No duplicate address detection in there, as the daemon is started without it.
    await inNs('sysctl', ['-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    for (const step of IP_SETUP) {
      const r = await run(ip!, ['-n', NS, ...step]);
      if (r.code !== 0) throw new Error(`ip ${step.join(' ')}: ${r.stderr}`);
    }
    d = await startDaemon({ seed: SEED, addresses: { dadMs: 0 } });
    env = { ...process.env, LD_PRELOAD: built.lib, RTNL_SOCKET: d.path, TMPDIR: scratch };
  });

  afterAll(async () => {
    await d?.stop();
    if (!why) await run(ip!, ['netns', 'del', NS]);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('/sys/class/net files and links', async () => {
    if (skip(why)) return;
    const python = which('python3');
    if (skip(python ? undefined : 'python3 is not installed')) return;
    const kernel = await inNs(python!, ['-c', SYSFS_SCRIPT]);
    const ours = await run(python!, ['-c', SYSFS_SCRIPT], env);
    expect(kernel.stderr).toBe('');
    expect(ours.stdout.split('\n')).toEqual(kernel.stdout.split('\n'));
  });

  it('the SIOCGIF* ioctls on AF_INET, AF_INET6, AF_UNIX and AF_PACKET sockets: answers and errnos', async () => {
    const python = which('python3');
    if (skip(why ?? (python ? undefined : 'python3 is not installed'))) return;
    const kernel = await inNs(python!, ['-c', IOCTL_SCRIPT]);
    const ours = await run(python!, ['-c', IOCTL_SCRIPT], env);
    expect(kernel.stderr).toBe('');
    expect(ours.stdout.split('\n')).toEqual(kernel.stdout.split('\n'));
  });

  it('ifconfig\'s changes (SIOCSIF* ioctls) leave the same links and addresses as on Linux', async () => {
    if (skip(why ?? (ifconfig ? undefined : 'net-tools (`ifconfig`) is not installed'))) return;
    const steps = [
      ['v1', '172.16.1.1'], ['v1', 'netmask', '255.255.255.0'], ['v1:1', '172.16.2.1'], ['v1', 'broadcast', '172.16.1.127'],
      ['v1', 'mtu', '1300'], ['v1', 'hw', 'ether', '02:00:00:00:00:77'], ['v1', 'txqueuelen', '500'], ['v1', 'up'],
      ['v1:1', 'down'], ['v1', 'inet6', 'add', '2001:db8:1::1/64'], ['v1', 'inet6', 'del', '2001:db8::1/64'], ['v1', 'promisc'],
    ];
    for (const step of steps) {
      const k = await inNs(ifconfig!, step);
      const o = await run(ifconfig!, step, env);
      expect([o.code, o.stderr], `ifconfig ${step.join(' ')}`).toEqual([k.code, k.stderr]);
    }
    type Addr = { family: string; local: string; prefixlen: number; broadcast?: string; label?: string; scope: string };
    const state = async (r: Promise<{ stdout: string }>) => {
      const [l] = JSON.parse((await r).stdout) as Array<{ mtu: number; address: string; txqlen: number; flags: string[]; addr_info: Addr[] }>;
      return { mtu: l!.mtu, address: l!.address, txqlen: l!.txqlen, flags: l!.flags, addrs: l!.addr_info.filter((a) => !a.local.startsWith('fe80:')).map((a) => [a.family, a.local, a.prefixlen, a.broadcast, a.label, a.scope]) };
    };
    const args = ['-j', '-d', 'addr', 'show', 'dev', 'v1'];
    expect(await state(run(ip!, args, env))).toEqual(await state(run(ip!, ['-n', NS, ...args])));
  });

  it('`ifconfig -a`', async () => {
    if (skip(why ?? (ifconfig ? undefined : 'net-tools (`ifconfig`) is not installed'))) return;
    const kernel = await inNs(ifconfig!, ['-a']);
    const ours = await run(ifconfig!, ['-a'], env);
    expect(ours.stderr).toBe('');
    expect(withoutCounters(ours.stdout)).toBe(withoutCounters(kernel.stdout));
  });

  it('SIOCGIFCONF, SIOCGIF*, getifaddrs, getnameinfo, /proc/net/dev, /proc/net/if_inet6', async () => {
    if (skip(why)) return;
    const { path: probe, why: noProbe } = await compileProbe('netview-probe.c', scratch);
    if (skip(noProbe)) return;
    const kernel = await inNs(probe!, []);
    const ours = await run(probe!, [], env);
    expect(probeFacts(ours.stdout)).toEqual(probeFacts(kernel.stdout));
  });
});
