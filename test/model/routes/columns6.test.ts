import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/model/clock.js';
import { IFF_UP } from '../../../src/model/flags.js';
import type { Route6Config } from '../../../src/model/routes/inet6.js';
import type { Route, Route6 } from '../../../src/model/routes/route.js';
import type { RouteColumns2Snapshot, RouteColumnsSnapshot, RouteList } from '../../../src/model/routes/routes.js';
import { NetworkModel } from '../../../src/model/store.js';
import { fromJson, toJson } from '../../../src/state/json.js';

// The snapshot's IPv6 columns (src/model/routes/columns6.ts): a round trip through snapshot.json
// gives back every route (ECMP siblings, expiry, pref, metrics, onlink, prefsrc, source prefixes,
// tables beyond 255, the kernel's own routes), node order and table order; version 2 and list
// snapshots are still read; a corrupt column is refused with the field named, the model unchanged.

const ip6 = (...w: number[]) => new Uint8Array(w.flatMap((x) => [x >> 8, x & 0xff]).concat(new Array(16 - w.length * 2).fill(0)));
const ZERO = new Uint8Array(16);
const NODAD = 0x02;
const create = { create: true, excl: false, replace: false, append: false };

/** Two veths up with IPv6 addresses (a permanent one, a dynamic one whose prefix route expires) and an IPv4 address; no user routes. */
function links(): { m: NetworkModel; v: number; w: number } {
  const clock = new ManualClock(1000);
  const m = new NetworkModel({ cpuCount: 1, clock, addresses: { dadMs: 0 } });
  m.addLoopback();
  m.changeFlags(m.byIndex(1)!, IFF_UP, IFF_UP);
  const [peer, v] = m.createLink({ kind: 'veth', name: 'v0', peer: { kind: 'veth', name: 'v1' } });
  m.changeFlags(peer!, IFF_UP, IFF_UP);
  m.changeFlags(v!, IFF_UP, IFF_UP);
  clock.advance(5000);
  m.addresses.newInet6({ ifindex: v!.index, prefixlen: 64, address: ip6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1), flags: NODAD }, { excl: true, replace: false });
  m.addresses.newInet6({ ifindex: v!.index, prefixlen: 64, address: ip6(0x2001, 0xdb8, 2, 0, 0, 0, 0, 1), flags: NODAD, lifetimes: { prefered: 600, valid: 900 } }, { excl: true, replace: false });
  m.addresses.newInet4({ ifindex: v!.index, prefixlen: 24, flags: 0, scope: 0, local: new Uint8Array([10, 0, 0, 1]) }, { excl: true, replace: false });
  clock.advance(10);
  return { m, v: v!.index, w: peer!.index };
}

function add(m: NetworkModel, v: number, r: Partial<Route6Config>, f = create): void {
  m.routes.inet6.add({
    table: 254, dst: ZERO, dstLen: 0, src: ZERO, srcLen: 0, protocol: 3, type: 1, priority: 0, flags: 0, multipath: false, pref: 0,
    nexthops: [{ ifindex: v, gateway6: ip6(0xfe80, 0, 0, 0, 0, 0, 0, 2), weight: 1, flags: 0, flow: 0 }], ...r,
  }, f);
}

/** Every IPv6 route feature: ECMP siblings, several metrics in a node, expiry, pref, metrics, onlink, prefsrc, a source prefix, /50, reject, tables 510 (main's bucket) and 1000. */
function varied() {
  const { m, v, w } = links();
  const hop = (gw: number, weight = 1) => ({ ifindex: v, gateway6: ip6(0xfe80, 0, 0, 0, 0, 0, 0, gw), weight, flags: 0, flow: 0 });
  add(m, v, {});
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x10), dstLen: 48 });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x10), dstLen: 48, priority: 2000, nexthops: [{ ifindex: v, weight: 1, flags: 0, flow: 0 }] });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x11), dstLen: 48, multipath: true, nexthops: [hop(2, 3), hop(3)] });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x11), dstLen: 48, nexthops: [hop(4)] });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x12), dstLen: 48, expires: 300, nexthops: [{ ifindex: v, weight: 1, flags: 0, flow: 0 }] });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x13), dstLen: 48, pref: 1 });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x14), dstLen: 48, metrics: [[2, 1400], [13, 'cubic']] });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x15), dstLen: 48, flags: 4, nexthops: [{ ifindex: v, gateway6: ip6(0x2001, 0xdb9, 0, 0, 0, 0, 0, 1), weight: 1, flags: 0, flow: 0 }] });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x16), dstLen: 48, prefsrc: ip6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1) });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x17), dstLen: 48, src: ip6(0x2001, 0xdb8, 0x99), srcLen: 64 });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x17), dstLen: 48 });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x18, 0x4000), dstLen: 50 });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x19), dstLen: 48, type: 6, nexthops: [] });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x20), dstLen: 48, table: 1000 });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x21), dstLen: 48, table: 510 });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x22), dstLen: 48, table: 510, nexthops: [{ ifindex: w, weight: 1, flags: 0, flow: 0 }] });
  add(m, v, { dst: ip6(0x2001, 0xdb8, 0x23), dstLen: 48 });
  m.routes.inet.add({
    table: 254, dst: (192 << 24) | (168 << 16), dstLen: 16, tos: 0, protocol: 3, scope: 0, type: 1, priority: 0, prefsrc: 0, flags: 0, multipath: false,
    nexthops: [{ ifindex: 0, gateway4: (10 << 24) | 2, weight: 1, flags: 0, flow: 0 }],
  }, create);
  return { m, v, w };
}

/** Every route of a family in dump order, as values. */
const dump = (m: NetworkModel, family: 'inet' | 'inet6' = 'inet6') => [...m.routes.tables.routes(family)].map((r: Route) => fromJson<unknown>(toJson(r)));
const columnsOf = (m: NetworkModel) => fromJson<{ routes: RouteColumnsSnapshot }>(toJson({ routes: m.routes.export() })).routes;

describe('IPv6 route columns (snapshot form)', () => {
  it('round-trips every route, node order and table order through snapshot JSON', () => {
    const { m } = varied();
    const doc = toJson({ routes: m.routes.export() });
    expect(doc).not.toContain('"family":"inet6"');
    const c = fromJson<{ routes: RouteColumnsSnapshot }>(doc).routes;
    expect(c.version).toBe(3);
    const routes = dump(m) as Route6[];
    // Every feature is in the table being saved (so the comparison below covers it).
    const r6 = [...m.routes.tables.routes('inet6')] as Route6[];
    expect(r6.some((r) => r.nexthops.length === 3 && r.nexthops[0]!.weight === 3)).toBe(true);
    expect(r6.filter((r) => r.expires !== undefined).map((r) => r.addrconf).sort()).toEqual([false, true]);
    expect(r6.some((r) => r.pref === 1) && r6.some((r) => r.metrics?.length === 2) && r6.some((r) => r.prefsrc) && r6.some((r) => r.srcLen === 64)).toBe(true);
    expect(r6.some((r) => r.nexthops[0]?.flags === 4) && r6.some((r) => r.table === 510) && r6.some((r) => r.type === 2)).toBe(true);
    expect(c.inet6.dstLen.length).toBe(routes.length);
    expect(c.inet6.templates.length).toBeLessThan(routes.length);
    const back = links().m;
    back.routes.import(c);
    expect(dump(back)).toEqual(routes);
    expect(dump(back, 'inet')).toEqual(dump(m, 'inet'));
    expect(back.routes.tables.tableIds('inet6')).toEqual(m.routes.tables.tableIds('inet6'));
    // Again after a second round trip (tables newest first in a bucket: 510 before 254).
    const again = links().m;
    again.routes.import(columnsOf(back));
    expect(dump(again)).toEqual(routes);
    expect(again.routes.tables.tableIds('inet6')).toEqual(m.routes.tables.tableIds('inet6'));
  });

  it('restored routes answer lookups, take requests and follow their links as the originals do', () => {
    const { m, v } = varied();
    const back = links().m;
    back.routes.import(columnsOf(m));
    expect(() => add(back, v, { dst: ip6(0x2001, 0xdb8, 0x10), dstLen: 48 }, { ...create, excl: true })).toThrow('EEXIST');
    expect(back.routes.tables.inet6(254)!.lookup(ip6(0x2001, 0xdb8, 0x18, 0x4001, 5), () => true)?.dstLen).toBe(50);
    // The per-device index is rebuilt: the link going down takes the same routes (both families) from both models.
    for (const model of [m, back]) model.changeFlags(model.byIndex(v)!, 0, IFF_UP);
    expect(dump(back)).toEqual(dump(m));
    expect(dump(back, 'inet')).toEqual(dump(m, 'inet'));
    expect(dump(back).length).toBeLessThan(dump(links().m).length + 3);
  });

  it('shares each interned nexthop list between restored routes', () => {
    const { m, v } = links();
    for (let i = 0; i < 300; i++) add(m, v, { dst: ip6(0x2001, 0xdb8, 0x1000 + i), dstLen: 48, priority: 1024 + (i % 2) });
    const c = columnsOf(m);
    expect(c.inet6.templates.length).toBeLessThan(20);
    // Prefixes stored as their first ceil(len / 8) bytes: 6 for a /48.
    expect(c.inet6.dst.length).toBeLessThan(c.inet6.dstLen.length * 8);
    const back = links().m;
    back.routes.import(c);
    const routes = [...back.routes.tables.inet6(254)!.routes()].filter((r) => r.dstLen === 48);
    expect(routes).toHaveLength(300);
    expect(new Set(routes.map((r) => r.nexthops)).size).toBe(1);
    expect(dump(back)).toEqual(dump(m));
  });

  it('numbers templates in 2 bytes per route beyond 256 templates', () => {
    const { m, v } = links();
    for (let i = 0; i < 300; i++) add(m, v, { dst: ip6(0x2001, 0xdb8, 0x2000 + i), dstLen: 48, priority: 1 + i });
    const c = columnsOf(m);
    expect(c.inet6.templates.length).toBeGreaterThan(256);
    expect(c.inet6.template.length).toBe(c.inet6.dstLen.length * 2);
    const back = links().m;
    back.routes.import(c);
    expect(dump(back)).toEqual(dump(m));
  });

  it('still reads version 2 (IPv6 as a list) and the list form of older snapshots', () => {
    const { m } = varied();
    const list6 = [...m.routes.tables.routes('inet6')] as Route6[];
    const v2: RouteColumns2Snapshot = { version: 2, inet4: m.routes.export().inet4, inet6: list6 };
    const old: RouteList = { inet: [...m.routes.tables.routes('inet')] as RouteList['inet'], inet6: list6 };
    for (const doc of [v2, old]) {
      const back = links().m;
      back.routes.import(fromJson<{ routes: typeof doc }>(toJson({ routes: doc })).routes);
      expect(dump(back)).toEqual(dump(m));
      expect(dump(back, 'inet')).toEqual(dump(m, 'inet'));
      expect(back.routes.tables.tableIds('inet6')).toEqual(m.routes.tables.tableIds('inet6'));
    }
  });

  describe('refuses a corrupt snapshot with the field named, and loads nothing', () => {
    type Columns = RouteColumnsSnapshot['inet6'];
    const listed = [...varied().m.routes.tables.routes('inet6')] as Route6[];
    // Where a route's prefix bytes start in the dst column (ceil(len / 8) bytes per route).
    const offset = (i: number) => listed.slice(0, i).reduce((n, r) => n + ((r.dstLen + 7) >> 3), 0);
    const node = listed.findIndex((r) => r.table === 254 && r.dstLen === 48 && r.dst[5] === 0x10);
    const slash50 = listed.findIndex((r) => r.dstLen === 50);
    const later = listed.findIndex((r) => r.table === 254 && r.dstLen === 48 && r.dst[5] === 0x23);
    const templateOf = (c: Columns, i: number) => c.templates[c.template[i]!]!;
    const cases: Array<[string, (c: Columns) => void, string]> = [
      ['a short dst column', (c) => (c.dst = c.dst.subarray(1)), 'routes.inet6.dst holds'],
      ['a short template column', (c) => (c.template = c.template.subarray(1)), 'routes.inet6.template holds'],
      ['a prefix length beyond 128', (c) => (c.dstLen[0] = 129), 'routes.inet6.dstLen of route 0 is 129'],
      ['host bits set', (c) => (c.dst[offset(slash50) + 6] = 0x41), `routes.inet6.dst of route ${slash50} has bits set beyond its /50`],
      ['a template number beyond the list', (c) => (c.template[2] = 250), 'routes.inet6.template of route 2 is 250'],
      ['a template without a source', (c) => delete (c.templates[0] as Partial<Columns['templates'][0]>).src, 'routes.inet6.templates[0].src is not 16 bytes'],
      ['a pref that is not a byte', (c) => (c.templates[1]!.pref = 300), 'routes.inet6.templates[1].pref is not a byte'],
      ['addrconf not a boolean', (c) => ((c.templates[0] as { addrconf: unknown }).addrconf = 1), 'routes.inet6.templates[0].addrconf is not true or false'],
      ['an expiry that is not a time', (c) => ((c.templates[0] as { expires: unknown }).expires = 'soon'), 'routes.inet6.templates[0].expires is not a time'],
      ['a bad gateway', (c) => ((templateOf(c, node).nexthops[0] as { gateway6: unknown }).gateway6 = new Uint8Array(4)), `nexthops[0].gateway6 is not 16 bytes`],
      ['routes of a node out of metric order', (c) => { const t = c.template[node]!; c.template[node] = c.template[node + 1]!; c.template[node + 1] = t; }, 'out of the kernel\'s order (metric ascending)'],
      ['a repeated route', (c) => (c.template[node + 1] = c.template[node]!), 'repeats a route of its node'],
      ['a node in two runs', (c) => c.dst.set(c.dst.subarray(offset(node), offset(node) + 6), offset(later)), `routes.inet6.dst of route ${later} repeats a node`],
      ['a column that is not bytes', (c) => ((c as { dstLen: unknown }).dstLen = [48]), 'routes.inet6.dstLen is not a byte column'],
    ];
    for (const [what, corrupt, message] of cases) {
      it(what, () => {
        const c = columnsOf(varied().m);
        // The nexthop lists of a fresh decode are the interned (frozen) ones: corrupted on a copy.
        c.inet6.templates = structuredClone(c.inet6.templates);
        corrupt(c.inet6);
        const target = varied();
        add(target.m, target.v, { dst: ip6(0x2001, 0xdb8, 0x99), dstLen: 48 });
        const before = [dump(target.m), dump(target.m, 'inet')];
        expect(() => target.m.routes.import(c)).toThrow(message);
        expect([dump(target.m), dump(target.m, 'inet')]).toEqual(before);
      });
    }
  });
});
