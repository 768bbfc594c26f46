import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import {
  IFA_F_DEPRECATED, IFA_F_MCAUTOJOIN, IFA_F_NODAD, IFA_F_PERMANENT, IFA_F_SECONDARY, IFA_F_TENTATIVE, INFINITY,
  type AddressOptions, type Inet4Request, type Inet6Request, type InetAddress,
} from '../../src/model/addresses.js';
import { ManualClock } from '../../src/model/clock.js';
import { isRouteEvent, type Cause, type ModelEvent } from '../../src/model/events.js';
import { IFF_UP } from '../../src/model/flags.js';
import { NetworkModel } from '../../src/model/store.js';
import type { Link } from '../../src/model/types.js';

const bytes = (s: string) => new Uint8Array(ipaddr.parse(s).toByteArray());
const text = (a: InetAddress) => `${ipaddr.fromByteArray([...(a.family === 'inet' ? a.local : a.address)]).toString()}/${a.prefixlen}`;
const CREATE = { excl: true, replace: false };
const REPLACE = { excl: false, replace: true };
const requester: Cause = { portid: 77, seq: 5, echo: false };
const MAC_A0 = new Uint8Array([2, 0, 0, 0, 0, 1]);
const MAC_A1 = new Uint8Array([2, 0, 0, 0, 0, 2]);

function setup(options: AddressOptions = {}) {
  const clock = new ManualClock();
  const m = new NetworkModel({ cpuCount: 1, clock, addresses: options });
  const lo = m.addLoopback();
  const [b, a] = m.createLink({
    kind: 'veth', name: 'a0', address: MAC_A0, peer: { kind: 'veth', name: 'a1', address: MAC_A1 },
  });
  const events: ModelEvent[] = [];
  const log: string[] = [];
  // Formatted when emitted: the address objects change afterwards (DAD, lifetimes).
  m.onEvent((e) => {
    if (isRouteEvent(e)) return; // test/model/routes
    events.push(e);
    log.push(e.type === 'newaddr' || e.type === 'deladdr' ? `${e.type} ${text(e.addr)} ${e.addr.flags.toString(16)} @${e.link.name}` : 'link' in e ? `${e.type} ${e.link.name}` : e.type);
  });
  const v4 = (local: string, prefixlen: number, extra: Partial<Inet4Request> = {}, mode = CREATE, cause?: Cause) =>
    m.addresses.newInet4({ ifindex: a!.index, prefixlen, flags: 0, scope: 0, local: bytes(local), ...extra }, mode, cause);
  const v6 = (address: string, prefixlen: number, extra: Partial<Inet6Request> = {}, mode = CREATE) =>
    m.addresses.newInet6({ ifindex: a!.index, prefixlen, flags: 0, address: bytes(address), ...extra }, mode);
  const list = (link: Link, family: 'inet' | 'inet6') => m.addresses.list(link.index, family).map((x) => `${text(x)} ${x.flags.toString(16)}`);
  /** Events since the last call: "newaddr 10.0.0.1/24 80 @a0", "newlink a0". */
  const seen = () => {
    events.length = 0;
    return log.splice(0);
  };
  return { m, clock, lo, a: a!, b: b!, events, v4, v6, list, seen };
}

describe('IPv4 (devinet.c)', () => {
  it('orders primaries by scope (host, link, universe) and appends secondaries of the same subnet', () => {
    const t = setup();
    t.v4('10.0.0.1', 24);
    t.v4('10.1.0.1', 24);
    t.v4('10.0.0.2', 24);
    t.v4('10.2.0.1', 24, { scope: 253 });
    t.v4('10.3.0.1', 24, { scope: 254 });
    t.v4('10.0.0.1', 16); // same local, other mask: a separate primary
    expect(t.list(t.a, 'inet')).toEqual([
      '10.3.0.1/24 80', '10.2.0.1/24 80', '10.0.0.1/24 80', '10.1.0.1/24 80', '10.0.0.1/16 80', '10.0.0.2/24 81',
    ]);
  });

  it('rejects what inet_rtm_newaddr rejects, with its errno and text; 0.0.0.0 is accepted and ignored', () => {
    const t = setup();
    t.v4('10.0.0.1', 24);
    t.seen();
    const err = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return [(e as { code: string }).code, (e as { extMsg?: string }).extMsg];
      }
      return 'no error';
    };
    expect(err(() => t.v4('10.0.0.1', 33))).toEqual(['EINVAL', 'ipv4: Invalid prefix length']);
    expect(err(() => t.m.addresses.newInet4({ ifindex: t.a.index, prefixlen: 24, flags: 0, scope: 0 }, CREATE)))
      .toEqual(['EINVAL', 'ipv4: Local address is not supplied']);
    expect(err(() => t.v4('10.0.0.5', 24, { lifetimes: { prefered: 0, valid: 0 } }))).toEqual(['EINVAL', 'ipv4: address lifetime invalid']);
    expect(err(() => t.v4('10.0.0.5', 24, { lifetimes: { prefered: 20, valid: 10 } }))).toEqual(['EINVAL', 'ipv4: address lifetime invalid']);
    expect(err(() => t.m.addresses.newInet4({ ifindex: 999, prefixlen: 24, flags: 0, scope: 0, local: bytes('10.0.0.5') }, CREATE)))
      .toEqual(['ENODEV', 'ipv4: Device not found']);
    expect(err(() => t.v4('10.0.0.1', 24))).toEqual(['EEXIST', 'ipv4: Address already assigned']);
    expect(err(() => t.v4('10.0.0.1', 24, {}, { excl: true, replace: true }))).toEqual(['EEXIST', 'ipv4: Address already assigned']);
    expect(err(() => t.v4('10.0.0.9', 24, { scope: 253 }))).toEqual(['EINVAL', 'ipv4: Invalid scope value']);
    expect(err(() => t.v4('10.0.0.7', 24, { flags: IFA_F_MCAUTOJOIN }))).toEqual(['EINVAL', 'ipv4: Multicast auto join failed']);
    t.v4('239.1.1.1', 24, { flags: IFA_F_MCAUTOJOIN });
    expect(err(() => t.v4('239.1.1.1', 16, { flags: IFA_F_MCAUTOJOIN }))).toEqual(['EADDRINUSE', 'ipv4: Multicast auto join failed']);
    t.seen();
    expect(err(() => t.m.addresses.newInet4({ ifindex: 999, prefixlen: 24, flags: 0, scope: 0, local: bytes('0.0.0.0') }, CREATE))).toBe('no error');
    expect(t.seen()).toEqual([]);
  });

  it('keeps flags as given but strips IPv6-only ones and SECONDARY; the label defaults to the device name', () => {
    const t = setup();
    t.v4('10.0.0.1', 24, { flags: 0x10200 | IFA_F_NODAD | IFA_F_SECONDARY | IFA_F_TENTATIVE, label: 'a0:x', proto: 4, rtPriority: 9 });
    t.v4('10.1.0.1', 24);
    const [first, second] = t.m.addresses.list(t.a.index, 'inet') as Array<Extract<InetAddress, { family: 'inet' }>>;
    expect(first!.flags).toBe(0x10280);
    expect([first!.label, second!.label, first!.proto, first!.rtPriority]).toEqual(['a0:x', 'a0', 4, 9]);
  });

  it('NLM_F_REPLACE updates metric, protocol and lifetimes only, and announces it with the requester', () => {
    const t = setup();
    t.v4('10.0.0.1', 24, { label: 'a0:x' });
    t.seen();
    t.v4('10.0.0.1', 24, { label: 'zz', scope: 200, flags: 0x200, proto: 5, rtPriority: 3, lifetimes: { prefered: 100, valid: 200 } }, REPLACE, requester);
    const [a] = t.m.addresses.list(t.a.index, 'inet') as Array<Extract<InetAddress, { family: 'inet' }>>;
    expect([a!.label, a!.scope, a!.flags, a!.proto, a!.rtPriority]).toEqual(['a0:x', 0, 0, 5, 3]);
    expect(t.m.addresses.remaining(a!)).toEqual({ prefered: 100, valid: 200 });
    expect(t.events[0]).toMatchObject({ type: 'newaddr', cause: requester });
  });

  it('matches a delete on LOCAL and LABEL, and on prefix length only together with IFA_ADDRESS', () => {
    const t = setup();
    for (const ip of ['10.1.0.1', '10.2.0.1', '10.3.0.1', '10.4.0.1']) t.v4(ip, 24);
    const del = (m: object) => t.m.addresses.delInet4({ ifindex: t.a.index, prefixlen: 8, ...m });
    del({ local: bytes('10.2.0.1') }); // wrong prefix length, but no IFA_ADDRESS
    expect(() => del({ address: bytes('10.3.0.1') })).toThrow(expect.objectContaining({ code: 'EADDRNOTAVAIL', extMsg: 'ipv4: Address not found' }));
    del({ prefixlen: 24, address: bytes('10.3.0.0') }); // the subnet matches
    expect(() => del({ label: 'nope' })).toThrow(expect.objectContaining({ code: 'EADDRNOTAVAIL' }));
    del({}); // nothing given: the first address
    expect(t.list(t.a, 'inet')).toEqual(['10.4.0.1/24 80']);
    expect(() => t.m.addresses.delInet4({ ifindex: 999, prefixlen: 0 })).toThrow(expect.objectContaining({ code: 'ENODEV', extMsg: 'ipv4: Device not found' }));
  });

  it('deletes the secondaries of a deleted primary first (promote_secondaries off)', () => {
    const t = setup();
    for (const ip of ['10.0.0.1', '10.1.0.1', '10.0.0.2', '10.1.0.2', '10.0.0.3']) t.v4(ip, 24);
    t.seen();
    t.m.addresses.delInet4({ ifindex: t.a.index, prefixlen: 24, local: bytes('10.0.0.1') }, requester);
    expect(t.seen()).toEqual(['deladdr 10.0.0.2/24 81 @a0', 'deladdr 10.0.0.3/24 81 @a0', 'deladdr 10.0.0.1/24 80 @a0']);
    expect(t.events).toEqual([]);
    expect(t.list(t.a, 'inet')).toEqual(['10.1.0.1/24 80', '10.1.0.2/24 81']);
  });

  it('promotes the first secondary, which moves after the last primary (promote_secondaries on)', () => {
    const t = setup();
    t.m.addresses.setPromoteSecondaries(t.a, true);
    for (const [ip, scope] of [['10.3.0.1', 254], ['10.2.0.1', 253], ['10.0.0.1', 0], ['10.1.0.1', 0], ['10.0.0.2', 0], ['10.1.0.2', 0], ['10.0.0.3', 0]] as const) {
      t.v4(ip, 24, { scope });
    }
    t.seen();
    t.m.addresses.delInet4({ ifindex: t.a.index, prefixlen: 24, local: bytes('10.0.0.1') });
    expect(t.seen()).toEqual(['deladdr 10.0.0.1/24 80 @a0', 'newaddr 10.0.0.2/24 80 @a0']);
    expect(t.list(t.a, 'inet')).toEqual(['10.3.0.1/24 80', '10.2.0.1/24 80', '10.1.0.1/24 80', '10.0.0.2/24 80', '10.1.0.2/24 81', '10.0.0.3/24 81']);
    // No primary after the deleted one: the promoted secondary takes its place.
    t.m.addresses.delInet4({ ifindex: t.a.index, prefixlen: 24, local: bytes('10.0.0.2') });
    expect(t.list(t.a, 'inet')).toEqual(['10.3.0.1/24 80', '10.2.0.1/24 80', '10.1.0.1/24 80', '10.0.0.3/24 80', '10.1.0.2/24 81']);
  });

  it('rewrites labels on rename: the first takes the name, others keep ":suffix" or get ":N", cut to 15 bytes', () => {
    const t = setup();
    t.v4('10.0.0.1', 24);
    t.v4('10.0.0.2', 24, { label: 'a0:foo' });
    t.v4('10.0.0.3', 24, { label: 'bar' });
    t.seen();
    t.m.rename(t.a, 'longname12345');
    const labels = t.m.addresses.list(t.a.index, 'inet').map((a) => (a as { label: string }).label);
    expect(labels).toEqual(['longname12345', 'longname123:foo', 'longname12345:3']);
    expect(t.seen()).toEqual(['newlink longname12345', 'newaddr 10.0.0.1/24 80 @longname12345', 'newaddr 10.0.0.2/24 81 @longname12345', 'newaddr 10.0.0.3/24 81 @longname12345']);
  });

  it('loses its addresses when the MTU drops below 68; adding then fails with ENOBUFS, deleting with ENODEV', () => {
    const t = setup();
    const dummy = t.m.createLink({ kind: 'dummy', name: 'd0' })[0]!;
    t.m.addresses.newInet4({ ifindex: dummy.index, prefixlen: 24, flags: 0, scope: 0, local: bytes('10.0.0.1') }, CREATE);
    t.seen();
    t.m.setMtu(dummy, 60);
    expect(t.seen()).toEqual(['newlink d0', 'deladdr 10.0.0.1/24 80 @d0']);
    expect(() => t.m.addresses.newInet4({ ifindex: dummy.index, prefixlen: 24, flags: 0, scope: 0, local: bytes('10.0.0.1') }, CREATE))
      .toThrow(expect.objectContaining({ code: 'ENOBUFS' }));
    expect(() => t.m.addresses.delInet4({ ifindex: dummy.index, prefixlen: 0 })).toThrow(expect.objectContaining({ code: 'ENODEV' }));
  });
});

describe('IPv6 (addrconf.c)', () => {
  it('orders a device list by scope, widest first, and the newest first within a scope', () => {
    const t = setup();
    for (const a of ['2001:db8::1', 'fe80::5', 'fec0::5', '2001:db8::2', 'fc00::5']) t.v6(a, 64, { flags: IFA_F_NODAD });
    t.v6('ff02::5', 64, { flags: IFA_F_NODAD | IFA_F_MCAUTOJOIN });
    expect(t.list(t.a, 'inet6').map((x) => x.split(' ')[0])).toEqual([
      'fc00::5/64', '2001:db8::2/64', '2001:db8::1/64', 'fec0::5/64', 'ff02::5/64', 'fe80::5/64',
    ]);
    expect(t.m.addresses.list(t.a.index, 'inet6').map((a) => a.scope)).toEqual([0, 0, 0, 200, 253, 253]);
  });

  it('rejects what inet6_rtm_newaddr rejects', () => {
    const t = setup();
    t.v6('2001:db8::1', 64, { flags: IFA_F_NODAD });
    const cases: Array<[() => void, string, string | undefined]> = [
      [() => t.m.addresses.newInet6({ ifindex: t.a.index, prefixlen: 64, flags: 0 }, CREATE), 'EINVAL', undefined],
      [() => t.v6('2001:db8::1', 48), 'EEXIST', 'ipv6: address already assigned'],
      [() => t.v6('2001:db8::9', 129), 'EINVAL', 'ipv6: Invalid prefix length'],
      [() => t.v6('2001:db8::9', 48, { flags: 0x100 }), 'EINVAL', 'ipv6: address with "mngtmpaddr" flag must have a prefix length of 64'],
      [() => t.v6('::', 64), 'EADDRNOTAVAIL', 'ipv6: Invalid address'],
      [() => t.v6('ff02::1', 64), 'EADDRNOTAVAIL', 'ipv6: Cannot assign multicast address without "IFA_F_MCAUTOJOIN" flag'],
      [() => t.v6('::1', 128), 'EADDRNOTAVAIL', 'ipv6: Cannot assign loopback address on this device'],
      [() => t.v6('2001:db8::9', 64, { flags: IFA_F_MCAUTOJOIN }), 'EINVAL', 'ipv6: Multicast auto join failed'],
      [() => t.v6('2001:db8::9', 64, { lifetimes: { prefered: 20, valid: 10 } }), 'EINVAL', 'ipv6: address lifetime invalid'],
      [() => t.m.addresses.newInet6({ ifindex: 999, prefixlen: 64, flags: 0, address: bytes('2001:db8::9') }, CREATE), 'ENODEV', 'ipv6: Unable to find the interface'],
      [() => t.m.addresses.delInet6({ ifindex: t.a.index, prefixlen: 48, address: bytes('2001:db8::1') }), 'EADDRNOTAVAIL', 'ipv6: address not found'],
      [() => t.m.addresses.delInet6({ ifindex: t.a.index, prefixlen: 129, address: bytes('2001:db8::1') }), 'EINVAL', 'ipv6: Invalid prefix length'],
    ];
    for (const [f, code, extMsg] of cases) expect(f).toThrow(expect.objectContaining({ code, extMsg }));
  });

  it('announces a NODAD address once the DAD work has run (after the request), with flags PERMANENT|NODAD', () => {
    const t = setup();
    t.v6('2001:db8::1', 64, { flags: IFA_F_NODAD });
    expect(t.seen()).toEqual([]);
    t.clock.flush();
    expect(t.seen()).toEqual(['newaddr 2001:db8::1/64 82 @a0']);
  });

  it('keeps an address TENTATIVE until DAD has run on a running link (dadMs), announcing it twice', () => {
    const t = setup({ dadMs: 1500 });
    t.v6('2001:db8::1', 64);
    expect(t.seen()).toEqual(['newaddr 2001:db8::1/64 c0 @a0']);
    t.clock.advance(10_000);
    expect(t.seen()).toEqual([]); // the link is down: DAD waits
    t.m.changeFlags(t.a, IFF_UP, IFF_UP);
    t.m.changeFlags(t.b, IFF_UP, IFF_UP);
    t.clock.advance(1499);
    expect(t.seen().filter((e) => e.startsWith('newaddr'))).toEqual([]);
    t.clock.advance(1);
    expect(t.seen().sort()).toEqual(['newaddr 2001:db8::1/64 80 @a0', 'newaddr fe80::ff:fe00:1/64 80 @a0', 'newaddr fe80::ff:fe00:2/64 80 @a1']);
  });

  it('completes DAD right after the request with dadMs 0, and at once on NOARP devices', () => {
    const t = setup({ dadMs: 0 });
    t.m.changeFlags(t.a, IFF_UP, IFF_UP);
    t.m.changeFlags(t.b, IFF_UP, IFF_UP);
    t.clock.flush();
    t.seen();
    t.v6('2001:db8::1', 64);
    t.clock.flush();
    expect(t.seen()).toEqual(['newaddr 2001:db8::1/64 c0 @a0', 'newaddr 2001:db8::1/64 80 @a0']);
    // NOARP (dummy): no DAD whatever dadMs says.
    const slow = setup({ dadMs: 60_000 });
    const d0 = slow.m.createLink({ kind: 'dummy', name: 'd0', address: MAC_A0 })[0]!;
    slow.m.changeFlags(d0, IFF_UP, IFF_UP);
    slow.clock.flush();
    expect(slow.seen()).toEqual(['newlink d0', 'newlink d0', 'newaddr fe80::ff:fe00:1/64 80 @d0']);
  });

  it('gives an Ethernet link its EUI-64 fe80::/64 (proto 3) once it runs, and none while its veth peer is down', () => {
    const t = setup();
    t.m.changeFlags(t.a, IFF_UP, IFF_UP);
    t.clock.advance(5000);
    expect(t.m.addresses.list(t.a.index, 'inet6')).toEqual([]);
    t.m.changeFlags(t.b, IFF_UP, IFF_UP);
    const [ll] = t.m.addresses.list(t.a.index, 'inet6');
    expect([text(ll!), ll!.flags, ll!.scope, ll!.proto]).toEqual(['fe80::ff:fe00:1/64', IFA_F_PERMANENT | IFA_F_TENTATIVE, 253, 3]);
    t.clock.advance(1000);
    expect(ll!.flags).toBe(IFA_F_PERMANENT);
  });

  it('drops every IPv6 address (not IPv4) when the link goes down, after the NEWLINK', () => {
    const t = setup({ dadMs: 0 });
    t.m.changeFlags(t.a, IFF_UP, IFF_UP);
    t.m.changeFlags(t.b, IFF_UP, IFF_UP);
    t.v4('10.0.0.1', 24);
    t.v6('2001:db8::1', 64, { flags: IFA_F_NODAD });
    t.clock.flush();
    t.seen();
    t.m.changeFlags(t.a, 0, IFF_UP);
    expect(t.seen().slice(0, 3)).toEqual(['newlink a0', 'deladdr 2001:db8::1/64 82 @a0', 'deladdr fe80::ff:fe00:1/64 80 @a0']);
    expect(t.list(t.a, 'inet')).toEqual(['10.0.0.1/24 80']);
  });

  it('drops IPv6 below an MTU of 1280 (adding fails with EINVAL, deleting with ENXIO) and configures it again above', () => {
    const t = setup({ dadMs: 0 });
    t.m.changeFlags(t.a, IFF_UP, IFF_UP);
    t.m.changeFlags(t.b, IFF_UP, IFF_UP);
    t.v6('2001:db8::1', 64, { flags: IFA_F_NODAD });
    t.clock.flush();
    t.seen();
    t.m.setMtu(t.a, 1000);
    expect(t.seen()).toEqual(['newlink a0', 'deladdr 2001:db8::1/64 82 @a0', 'deladdr fe80::ff:fe00:1/64 80 @a0']);
    expect(() => t.v6('2001:db8::1', 64)).toThrow(expect.objectContaining({ code: 'EINVAL', extMsg: undefined }));
    expect(() => t.m.addresses.delInet6({ ifindex: t.a.index, prefixlen: 64, address: bytes('2001:db8::1') }))
      .toThrow(expect.objectContaining({ code: 'ENXIO', extMsg: 'ipv6: IPv6 is disabled on this device' }));
    t.m.setMtu(t.a, 1500);
    t.clock.flush();
    expect(t.seen()).toEqual(['newlink a0', 'newaddr fe80::ff:fe00:1/64 80 @a0']);
  });

  it('replaces: recomputes flags and lifetimes, keeps the prefix length, and is silent while tentative', () => {
    const t = setup();
    t.v6('2001:db8::1', 64, { flags: IFA_F_NODAD });
    t.v6('2001:db8::2', 64);
    t.clock.flush();
    t.seen();
    t.v6('2001:db8::1', 48, { lifetimes: { prefered: 100, valid: 200 }, proto: 9 }, REPLACE);
    t.v6('2001:db8::2', 64, { flags: IFA_F_NODAD }, REPLACE);
    expect(t.seen()).toEqual(['newaddr 2001:db8::1/64 0 @a0']);
    expect(t.list(t.a, 'inet6')).toEqual(['2001:db8::2/64 c2', '2001:db8::1/64 0']);
  });

  it('finds an address for GET on the given device, or the newest one anywhere', () => {
    const t = setup();
    t.v6('2001:db8::1', 64, { flags: IFA_F_NODAD });
    t.m.addresses.newInet6({ ifindex: t.b.index, prefixlen: 64, flags: IFA_F_NODAD, address: bytes('2001:db8::1') }, CREATE);
    const get = (ifindex: number) => t.m.addresses.getInet6({ ifindex, address: bytes('2001:db8::1') }).ifindex;
    expect([get(t.a.index), get(0), get(999)]).toEqual([t.a.index, t.b.index, t.b.index]);
    expect(() => t.m.addresses.getInet6({ ifindex: t.a.index, address: bytes('2001:db8::7') })).toThrow(expect.objectContaining({ code: 'EADDRNOTAVAIL' }));
  });
});

describe('the link lifecycle', () => {
  it('brings lo up with 127.0.0.1/8 then ::1/128, both scope host, announced at once after the NEWLINK', () => {
    const t = setup();
    t.m.changeFlags(t.lo, IFF_UP, IFF_UP);
    expect(t.seen()).toEqual(['newlink lo', 'newaddr 127.0.0.1/8 80 @lo', 'newaddr ::1/128 80 @lo']);
    expect(t.m.addresses.list(1, 'inet6').map((a) => [a.scope, a.proto])).toEqual([[254, 1]]);
    t.m.changeFlags(t.lo, 0, IFF_UP);
    t.m.changeFlags(t.lo, IFF_UP, IFF_UP);
    expect(t.seen()).toEqual(['newlink lo', 'deladdr ::1/128 80 @lo', 'newlink lo', 'newaddr ::1/128 80 @lo']);
  });

  it('deletes a link: closes up devices (IPv6 goes), then per device IPv4, IPv6 and its DELLINK', () => {
    const t = setup({ dadMs: 0 });
    t.m.changeFlags(t.a, IFF_UP, IFF_UP);
    t.m.changeFlags(t.b, IFF_UP, IFF_UP);
    t.v4('10.0.0.1', 24);
    t.v4('10.0.0.2', 24);
    t.m.addresses.newInet4({ ifindex: t.b.index, prefixlen: 24, flags: 0, scope: 0, local: bytes('10.1.0.1') }, CREATE);
    t.clock.flush();
    t.seen();
    t.m.deleteLink(t.a);
    expect(t.seen()).toEqual([
      'newlink a0', 'deladdr fe80::ff:fe00:1/64 80 @a0',
      'newlink a1', 'deladdr fe80::ff:fe00:2/64 80 @a1',
      // the device is dead: no promotion or secondary cascade, list order
      'deladdr 10.0.0.1/24 80 @a0', 'deladdr 10.0.0.2/24 81 @a0', 'dellink a0',
      'deladdr 10.1.0.1/24 80 @a1', 'dellink a1',
    ]);
    expect(t.m.addresses.size).toBe(0);
  });
});

describe('lifetimes', () => {
  it('IPv4: deprecated when the preferred lifetime ends, deleted with its secondaries when the valid one ends', () => {
    const t = setup();
    t.v4('10.0.0.1', 24, { lifetimes: { prefered: 1, valid: 3 } });
    t.v4('10.0.0.2', 24);
    t.seen();
    const [a] = t.m.addresses.list(t.a.index, 'inet');
    t.clock.advance(999);
    expect([t.seen(), t.m.addresses.remaining(a!)]).toEqual([[], { prefered: 1, valid: 3 }]);
    t.clock.advance(1);
    expect(t.seen()).toEqual([`newaddr 10.0.0.1/24 ${IFA_F_DEPRECATED.toString(16)} @a0`]);
    expect(t.events).toEqual([]);
    expect(t.m.addresses.remaining(a!)).toEqual({ prefered: 0, valid: 2 });
    t.clock.advance(2000);
    expect(t.seen()).toEqual(['deladdr 10.0.0.2/24 81 @a0', 'deladdr 10.0.0.1/24 20 @a0']);
  });

  it('IPv4: a finite preferred lifetime under an infinite valid one leaves the address permanent', () => {
    const t = setup();
    t.v4('10.0.0.1', 24, { lifetimes: { prefered: 1, valid: INFINITY } });
    t.clock.advance(10_000);
    const [a] = t.m.addresses.list(t.a.index, 'inet');
    expect([a!.flags, t.m.addresses.remaining(a!)]).toEqual([IFA_F_PERMANENT, { prefered: INFINITY, valid: INFINITY }]);
  });

  it('IPv6: the preferred lifetime counts down even on a permanent address, which then deprecates and stays', () => {
    const t = setup();
    t.v6('2001:db8::1', 64, { flags: IFA_F_NODAD, lifetimes: { prefered: 2, valid: INFINITY } });
    t.v6('2001:db8::2', 64, { flags: IFA_F_NODAD, lifetimes: { prefered: 0, valid: 3 } });
    t.clock.flush();
    t.seen();
    t.clock.advance(2000);
    expect(t.seen()).toEqual(['newaddr 2001:db8::1/64 a2 @a0']);
    t.clock.advance(1000);
    expect(t.seen()).toEqual(['deladdr 2001:db8::2/64 22 @a0']);
    const [a] = t.m.addresses.list(t.a.index, 'inet6');
    expect(t.m.addresses.remaining(a!)).toEqual({ prefered: 0, valid: INFINITY });
  });
});

describe('snapshots', () => {
  it('export and import keep addresses, their order and what remains of their lifetimes', () => {
    const t = setup();
    t.v4('10.0.0.1', 24, { lifetimes: { prefered: 50, valid: 100 } });
    t.v4('10.0.0.2', 24);
    t.v6('2001:db8::1', 64);
    t.clock.advance(10_000);
    const state = structuredClone(t.m.exportLinks());
    const clock = new ManualClock(500);
    const copy = new NetworkModel({ cpuCount: 1, clock });
    copy.importLinks(state);
    const a0 = copy.byName('a0')!;
    expect(copy.addresses.list(a0.index, 'inet').map((a) => text(a))).toEqual(['10.0.0.1/24', '10.0.0.2/24']);
    expect(copy.addresses.remaining(copy.addresses.list(a0.index, 'inet')[0]!)).toEqual({ prefered: 40, valid: 90 });
    expect(copy.addresses.list(a0.index, 'inet6')[0]!.flags).toBe(IFA_F_PERMANENT | IFA_F_TENTATIVE);
    clock.advance(90_000);
    expect(copy.addresses.list(a0.index, 'inet').map((a) => text(a))).toEqual([]);
  });
});
