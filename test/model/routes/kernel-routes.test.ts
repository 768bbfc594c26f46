import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6 } from '../../../protocol/inet.js';
import { ManualClock } from '../../../src/model/clock.js';
import { IFF_UP } from '../../../src/model/flags.js';
import { intToIpv4 } from '../../../src/model/routes/prefix.js';
import type { Route, Route6 } from '../../../src/model/routes/route.js';
import { NetworkModel } from '../../../src/model/store.js';

// The routes Linux makes by itself (spec §3), followed through the model's events: which routes
// exist, and the order of the announcements around the address and link events.

const ip4 = (s: string) => new Uint8Array(s.split('.').map(Number));
const ip6 = (...w: number[]) => new Uint8Array(w.flatMap((x) => [x >> 8, x & 0xff]).concat(new Array(16 - w.length * 2).fill(0)));
const CREATE = { excl: true, replace: false };

function text(r: Route): string {
  const dst = r.family === 'inet' ? formatIpv4(intToIpv4(r.dst)) : formatIpv6(r.dst);
  const src = r.family === 'inet' && r.prefsrc ? ` src ${formatIpv4(intToIpv4(r.prefsrc))}` : '';
  const via = r.nexthops.map((h) => (h.gateway4 !== undefined ? ` via ${formatIpv4(intToIpv4(h.gateway4))}` : '') + (h.ifindex ? ` dev ${h.ifindex}` : '')).join('');
  return `t${r.table} type${r.type} ${dst}/${r.dstLen}${via}${src}`;
}

function setup() {
  const clock = new ManualClock();
  const m = new NetworkModel({ cpuCount: 1, clock, addresses: { dadMs: 0 } });
  const log: string[] = [];
  m.onEvent((e) => {
    if (e.type === 'newroute' || e.type === 'delroute') log.push(`${e.type} ${text(e.route)} ${e.nlflags.toString(16)}`);
    else if (e.type === 'newaddr' || e.type === 'deladdr') log.push(`${e.type} ${e.addr.family === 'inet' ? formatIpv4(e.addr.local) : formatIpv6(e.addr.address)}`);
    else if (e.type === 'newlink' || e.type === 'dellink') log.push(`${e.type} ${e.link.name}`);
  });
  m.addLoopback();
  const routes = (family: 'inet' | 'inet6') => [...m.routes.tables.routes(family)].map(text);
  const veth = () => {
    const [peer, v] = m.createLink({ kind: 'veth', name: 'v0', peer: { kind: 'veth', name: 'v1' } });
    m.changeFlags(peer!, IFF_UP, IFF_UP);
    m.changeFlags(v!, IFF_UP, IFF_UP);
    clock.advance(5000);
    return v!;
  };
  return { m, log, clock, routes, veth };
}

describe('loopback (§3.1)', () => {
  it('a fresh model has no routes; lo up adds local, LOCAL prefix, broadcast and ::1, each after its address', () => {
    const { m, log, routes, clock } = setup();
    expect(routes('inet')).toEqual([]);
    log.length = 0;
    m.changeFlags(m.byIndex(1)!, IFF_UP, IFF_UP);
    clock.advance(0);
    expect(log).toEqual([
      'newlink lo',
      'newaddr 127.0.0.1',
      'newroute t255 type2 127.0.0.1/32 dev 1 src 127.0.0.1 600',
      'newroute t255 type2 127.0.0.0/8 dev 1 src 127.0.0.1 600',
      'newroute t255 type3 127.255.255.255/32 dev 1 src 127.0.0.1 600',
      'newaddr ::1',
      'newroute t255 type2 ::1/128 dev 1 600',
    ]);
    expect(routes('inet6')).toEqual(['t255 type2 ::1/128 dev 1']);
  });
});

describe('IPv4 addresses and links (§3.2, §3.3)', () => {
  it('an address brings local, prefix and subnet broadcast routes after its NEWADDR; deleting it takes them in kernel order', () => {
    const { m, log, routes, veth } = setup();
    const v = veth();
    log.length = 0;
    m.addresses.newInet4({ ifindex: v.index, prefixlen: 24, flags: 0, scope: 0, local: ip4('10.0.0.1') }, CREATE);
    expect(log).toEqual([
      'newaddr 10.0.0.1',
      `newroute t255 type2 10.0.0.1/32 dev ${v.index} src 10.0.0.1 600`,
      `newroute t254 type1 10.0.0.0/24 dev ${v.index} src 10.0.0.1 600`,
      `newroute t255 type3 10.0.0.255/32 dev ${v.index} src 10.0.0.1 600`,
    ]);
    log.length = 0;
    m.addresses.delInet4({ ifindex: v.index, prefixlen: 24, local: ip4('10.0.0.1') });
    expect(log).toEqual([
      'deladdr 10.0.0.1',
      `delroute t254 type1 10.0.0.0/24 dev ${v.index} src 10.0.0.1 0`,
      `delroute t255 type3 10.0.0.255/32 dev ${v.index} src 10.0.0.1 0`,
      `delroute t255 type2 10.0.0.1/32 dev ${v.index} src 10.0.0.1 0`,
    ]);
    expect(routes('inet')).toEqual([]);
  });

  it('a secondary gets only its local route, with the primary as source; NOPREFIXROUTE keeps the broadcast', () => {
    const { m, routes, veth } = setup();
    const v = veth();
    m.addresses.newInet4({ ifindex: v.index, prefixlen: 24, flags: 0x200, scope: 0, local: ip4('10.0.0.1') }, CREATE);
    m.addresses.newInet4({ ifindex: v.index, prefixlen: 24, flags: 0, scope: 0, local: ip4('10.0.0.2') }, CREATE);
    expect(routes('inet')).toEqual([
      `t255 type2 10.0.0.1/32 dev ${v.index} src 10.0.0.1`,
      `t255 type2 10.0.0.2/32 dev ${v.index} src 10.0.0.1`,
      `t255 type3 10.0.0.255/32 dev ${v.index} src 10.0.0.1`,
    ]);
  });

  it('admin down flushes prefix, broadcast and user routes silently; up brings back only the kernel routes', () => {
    const { m, log, routes, veth } = setup();
    const v = veth();
    m.addresses.newInet4({ ifindex: v.index, prefixlen: 24, flags: 0, scope: 0, local: ip4('10.0.0.1') }, CREATE);
    m.routes.inet.add({
      table: 254, dst: 0x0a0a0000, dstLen: 24, tos: 0, protocol: 3, scope: 0, type: 1, priority: 0, prefsrc: 0, flags: 0,
      nexthops: [{ ifindex: 0, gateway4: 0x0a000002, weight: 1, flags: 0, flow: 0 }], multipath: false,
    }, { create: true, excl: true, replace: false, append: false });
    expect(routes('inet')).toContain(`t254 type1 10.10.0.0/24 via 10.0.0.2 dev ${v.index}`);
    log.length = 0;
    m.changeFlags(v, 0, IFF_UP);
    expect(log.filter((l) => l.startsWith('newroute t') || l.startsWith('delroute t') && l.includes('type1 10.'))).toEqual([]);
    expect(routes('inet')).toEqual([`t255 type2 10.0.0.1/32 dev ${v.index} src 10.0.0.1`]);
    log.length = 0;
    m.changeFlags(v, IFF_UP, IFF_UP);
    expect(log.filter((l) => l.startsWith('newroute') && l.includes('10.'))).toEqual([
      `newroute t254 type1 10.0.0.0/24 dev ${v.index} src 10.0.0.1 600`,
      `newroute t255 type3 10.0.0.255/32 dev ${v.index} src 10.0.0.1 600`,
    ]);
    expect(routes('inet')).not.toContain(`t254 type1 10.10.0.0/24 via 10.0.0.2 dev ${v.index}`);
  });

  it('routes whose preferred source goes away are flushed with a DELROUTE after the address\'s own', () => {
    const { m, log, veth } = setup();
    const v = veth();
    m.addresses.newInet4({ ifindex: v.index, prefixlen: 24, flags: 0, scope: 0, local: ip4('10.0.5.1') }, CREATE);
    m.routes.inet.add({
      table: 254, dst: 0x0a550000, dstLen: 24, tos: 0, protocol: 3, scope: 253, type: 1, priority: 0, prefsrc: 0x0a000501, flags: 0,
      nexthops: [{ ifindex: v.index, weight: 1, flags: 0, flow: 0 }], multipath: false,
    }, { create: true, excl: true, replace: false, append: false });
    log.length = 0;
    m.addresses.delInet4({ ifindex: v.index, prefixlen: 24, local: ip4('10.0.5.1') });
    expect(log.at(-1)).toBe(`delroute t254 type1 10.85.0.0/24 dev ${v.index} src 10.0.5.1 0`);
  });
});

describe('IPv6 (§3.4, §3.5)', () => {
  it('a NODAD address: NEWROUTE prefix, NEWADDR, NEWROUTE local; the device gets ff00::/8 and fe80::/64', () => {
    const { m, log, routes, veth, clock } = setup();
    const v = veth();
    expect(routes('inet6')).toEqual(expect.arrayContaining([`t254 type1 fe80::/64 dev ${v.index}`, `t255 type5 ff00::/8 dev ${v.index}`]));
    log.length = 0;
    m.addresses.newInet6({ ifindex: v.index, prefixlen: 64, flags: 0x02, address: ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1) }, CREATE);
    clock.advance(0);
    expect(log).toEqual([
      `newroute t254 type1 2001:db8::/64 dev ${v.index} 600`,
      'newaddr 2001:db8::1',
      `newroute t255 type2 2001:db8::1/128 dev ${v.index} 600`,
    ]);
  });

  it('admin down deletes every IPv6 route of the device, each announced, before the addresses go', () => {
    const { m, log, routes, veth, clock } = setup();
    const v = veth();
    m.addresses.newInet6({ ifindex: v.index, prefixlen: 64, flags: 0x02, address: ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1) }, CREATE);
    clock.advance(0);
    log.length = 0;
    m.changeFlags(v, 0, IFF_UP);
    const firstDeladdr = log.findIndex((l) => l.startsWith('deladdr'));
    const lastDelroute = log.findLastIndex((l) => l.startsWith('delroute') && l.includes(`dev ${v.index}`));
    expect(lastDelroute).toBeGreaterThan(0);
    expect(lastDelroute).toBeLessThan(firstDeladdr);
    expect(routes('inet6').filter((r) => r.includes(`dev ${v.index}`))).toEqual([]);
  });
});

describe('IPv6 route lifetimes', () => {
  it('a route with RTA_EXPIRES reports what remains and goes with a DELROUTE (pid 0) when it runs out', () => {
    const { m, log, veth, clock } = setup();
    const v = veth();
    m.routes.inet6.add({
      table: 254, dst: ip6(0x2001, 0xdb8, 0x77), dstLen: 64, src: new Uint8Array(16), srcLen: 0, protocol: 3, type: 1, priority: 0,
      flags: 0, nexthops: [{ ifindex: v.index, weight: 1, flags: 0, flow: 0 }], multipath: false, pref: 0, expires: 3,
    }, { create: true, excl: true, replace: false, append: false });
    const find = () => [...m.routes.tables.routes('inet6')].find((r): r is Route6 => r.family === 'inet6' && r.dstLen === 64 && r.dst[5] === 0x77);
    expect(find()?.expires).toBe(clock.now() + 3000);
    log.length = 0;
    clock.advance(2999);
    expect(find()).toBeDefined();
    clock.advance(1);
    expect(find()).toBeUndefined();
    expect(log).toEqual([`delroute t254 type1 2001:db8:77::/64 dev ${v.index} 0`]);
  });
});

describe('IPv6 prefix routes follow the address lifetimes (addrconf_prefix_route, check_cleanup_prefix_route)', () => {
  const NODAD = 0x02;
  const NOPREFIXROUTE = 0x200;
  const REPLACE = { excl: false, replace: true };
  function withPrefix() {
    const s = setup();
    const v = s.veth();
    const add = (last: number, lifetimes?: { prefered: number; valid: number }, mode = CREATE, flags = NODAD, rtPriority?: number) =>
      s.m.addresses.newInet6({ ifindex: v.index, prefixlen: 64, flags, address: ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, last), lifetimes, rtPriority }, mode);
    const del = (last: number) => s.m.addresses.delInet6({ ifindex: v.index, prefixlen: 64, address: ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, last) });
    const prefixRoutes = () => [...s.m.routes.tables.routes('inet6')]
      .filter((r): r is Route6 => r.family === 'inet6' && r.dstLen === 64 && r.dst[0] === 0x20)
      .map((r) => ({ metric: r.priority, expiresIn: r.expires === undefined ? undefined : r.expires - s.clock.now() }));
    return { ...s, v, add, del, prefixRoutes };
  }

  it('a dynamic address gives its prefix route RTF_EXPIRES at the end of its valid lifetime; the route goes then, announced', () => {
    const { add, prefixRoutes, clock, log, v } = withPrefix();
    add(1, { prefered: 50, valid: 100 });
    expect(prefixRoutes()).toEqual([{ metric: 256, expiresIn: 100_000 }]);
    log.length = 0;
    clock.advance(100_000);
    expect(prefixRoutes()).toEqual([]);
    expect(log).toContain(`delroute t254 type1 2001:db8::/64 dev ${v.index} 0`);
  });

  it('deleting a dynamic address leaves its prefix route to expire; deleting a permanent one removes it', () => {
    const { add, del, prefixRoutes, clock } = withPrefix();
    add(1, { prefered: 100, valid: 100 });
    del(1);
    expect(prefixRoutes()).toEqual([{ metric: 256, expiresIn: 100_000 }]);
    clock.advance(100_000);
    add(2);
    del(2);
    expect(prefixRoutes()).toEqual([]);
  });

  it('a second address of the prefix: a permanent route ignores a dynamic one; an expiring route takes the newest lifetime or none', () => {
    const { add, prefixRoutes } = withPrefix();
    add(1);
    add(2, { prefered: 100, valid: 100 });
    expect(prefixRoutes()).toEqual([{ metric: 256, expiresIn: undefined }]);
    const b = withPrefix();
    b.add(1, { prefered: 100, valid: 100 });
    b.add(2, { prefered: 50, valid: 50 });
    expect(b.prefixRoutes()).toEqual([{ metric: 256, expiresIn: 50_000 }]);
    b.add(3);
    expect(b.prefixRoutes()).toEqual([{ metric: 256, expiresIn: undefined }]);
  });

  it('deleting the permanent address of a prefix: a dynamic sibling keeps the route until it ends, a NOPREFIXROUTE one keeps it as it is', () => {
    const { add, del, prefixRoutes } = withPrefix();
    add(1);
    add(2, { prefered: 70, valid: 70 });
    add(3, { prefered: 90, valid: 90 });
    del(1);
    expect(prefixRoutes()).toEqual([{ metric: 256, expiresIn: 90_000 }]);
    const b = withPrefix();
    b.add(1);
    b.add(2, undefined, CREATE, NODAD | NOPREFIXROUTE);
    b.del(1);
    expect(b.prefixRoutes()).toEqual([{ metric: 256, expiresIn: undefined }]);
  });

  it('changing lifetimes retimes the route silently; a new metric replaces a permanent address\'s route but adds one beside a dynamic one\'s', () => {
    const { add, prefixRoutes, log } = withPrefix();
    add(1, { prefered: 100, valid: 100 });
    log.length = 0;
    add(1, { prefered: 200, valid: 200 }, REPLACE);
    expect(prefixRoutes()).toEqual([{ metric: 256, expiresIn: 200_000 }]);
    add(1, undefined, REPLACE);
    expect(prefixRoutes()).toEqual([{ metric: 256, expiresIn: undefined }]);
    expect(log.filter((l) => l.includes('route t254'))).toEqual([]);
    add(1, { prefered: 90, valid: 90 }, REPLACE, NODAD, 300);
    expect(prefixRoutes()).toEqual([{ metric: 300, expiresIn: 90_000 }]);
    add(1, { prefered: 80, valid: 80 }, REPLACE, NODAD, 400);
    expect(prefixRoutes()).toEqual([{ metric: 300, expiresIn: 90_000 }, { metric: 400, expiresIn: 80_000 }]);
  });
});

describe('snapshots', () => {
  it('export and import keep user routes and rebuild nothing twice', () => {
    const { m, routes, veth } = setup();
    const v = veth();
    m.addresses.newInet4({ ifindex: v.index, prefixlen: 24, flags: 0, scope: 0, local: ip4('10.0.0.1') }, CREATE);
    m.routes.inet.add({
      table: 100, dst: 0x0a0a0000, dstLen: 24, tos: 0, protocol: 3, scope: 0, type: 1, priority: 7, prefsrc: 0, flags: 0,
      nexthops: [{ ifindex: 0, gateway4: 0x0a000002, weight: 1, flags: 0, flow: 0 }], multipath: false, metrics: [[2, 1400]],
    }, { create: true, excl: true, replace: false, append: false });
    const before = [routes('inet'), routes('inet6')];
    const state = m.exportLinks();
    const copy = new NetworkModel({ cpuCount: 1, clock: new ManualClock() });
    copy.importLinks(structuredClone(state));
    const after = ['inet', 'inet6'].map((f) => [...copy.routes.tables.routes(f as 'inet')].map(text));
    expect(after).toEqual(before);
  });
});
