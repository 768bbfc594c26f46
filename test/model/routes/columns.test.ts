import { describe, expect, it } from 'vitest';
import { IFF_UP } from '../../../src/model/flags.js';
import { templateWidth } from '../../../src/model/routes/columns.js';
import type { Route4 } from '../../../src/model/routes/route.js';
import type { RouteColumnsSnapshot, RouteList } from '../../../src/model/routes/routes.js';
import { NetworkModel } from '../../../src/model/store.js';
import { fromJson, toJson } from '../../../src/state/json.js';

// The snapshot's IPv4 columns (src/model/routes/columns.ts): a round trip through snapshot.json
// gives back every route, alias order and table order; old list snapshots are still read; a
// corrupt column is refused with the field named and the model left as it was.

const create = { create: true, excl: false, replace: false, append: false };
const append = { create: true, excl: false, replace: false, append: true };

function model(): NetworkModel {
  const m = new NetworkModel({ cpuCount: 1 });
  m.addLoopback();
  const [dev] = m.createLink({ kind: 'dummy', name: 'd0' });
  m.changeFlags(dev!, IFF_UP, IFF_UP);
  m.addresses.newInet4({ ifindex: dev!.index, prefixlen: 8, flags: 0, scope: 0, local: new Uint8Array([100, 0, 0, 1]) }, { excl: true, replace: false });
  return m;
}

const add = (m: NetworkModel, r: Partial<Parameters<NetworkModel['routes']['inet']['add']>[0]>, f = create) => m.routes.inet.add({
  table: 254, dst: 0, dstLen: 0, tos: 0, protocol: 3, scope: 0, type: 1, priority: 0, prefsrc: 0, flags: 0, multipath: false,
  nexthops: [{ ifindex: 0, gateway4: (100 << 24) | 2, weight: 1, flags: 0, flow: 0 }], ...r,
}, f);

/** Every IPv4 route as text, in dump order (every field a snapshot keeps). */
const dump = (m: NetworkModel) => [...m.routes.tables.routes('inet')].map((r) => JSON.stringify(toJson(r)));

/** A model with aliases (tos, priority, appended), metrics, multipath, reject routes and tables sharing a bucket (254 and 510). */
function varied(): NetworkModel {
  const m = model();
  const net = (a: number, b: number) => ((10 << 24) | (a << 16) | (b << 8)) | 0;
  add(m, { dst: net(1, 0), dstLen: 24 });
  add(m, { dst: net(1, 0), dstLen: 24, priority: 10 });
  add(m, { dst: net(1, 0), dstLen: 24, priority: 10, protocol: 4 }, append);
  add(m, { dst: net(1, 0), dstLen: 24, tos: 8 });
  add(m, { dst: net(1, 0), dstLen: 16, metrics: [[2, 1400]] });
  add(m, { dst: net(2, 0), dstLen: 23, type: 6, nexthops: [] });
  add(m, { dst: net(3, 0), dstLen: 24, table: 510, multipath: true, nexthops: [
    { ifindex: 0, gateway4: (100 << 24) | 3, weight: 2, flags: 0, flow: 0 }, { ifindex: 0, gateway4: (100 << 24) | 4, weight: 1, flags: 0, flow: 7 }] });
  add(m, { dst: net(4, 0), dstLen: 24, table: 1000, metrics: [[13, 'cubic']] });
  add(m, { dst: 0, dstLen: 0, table: 510 });
  return m;
}

const columnsOf = (m: NetworkModel) => fromJson<{ routes: RouteColumnsSnapshot }>(toJson({ routes: m.routes.export() })).routes;

describe('IPv4 route columns (snapshot form)', () => {
  it('round-trips every route, alias order and table order through snapshot JSON', () => {
    const m = varied();
    const doc = toJson({ routes: m.routes.export() });
    // Columns, not one object per route: the 13 routes share 9 bodies, each written once.
    expect(doc).not.toContain('"dstLen":24');
    const back = model();
    back.routes.import(fromJson<{ routes: RouteColumnsSnapshot }>(doc).routes);
    expect(dump(back)).toEqual(dump(m));
    expect(back.routes.tables.tableIds('inet')).toEqual(m.routes.tables.tableIds('inet'));
    // The same order again after a second round trip (tables newest first in a bucket).
    const again = model();
    again.routes.import(columnsOf(back));
    expect(again.routes.tables.tableIds('inet')).toEqual(m.routes.tables.tableIds('inet'));
    // The restored tables answer lookups and take further requests as the originals do.
    expect(back.routes.tables.inet(254)!.lookup(((10 << 24) | (1 << 16) | 77) | 0, () => true)?.dstLen).toBe(24);
    expect(() => add(back, { dst: ((10 << 24) | (1 << 16)) | 0, dstLen: 24 }, { ...create, excl: true })).toThrow('EEXIST');
  });

  it('shares each interned nexthop list and metric set between restored routes', () => {
    const m = model();
    for (let i = 0; i < 300; i++) add(m, { dst: ((20 << 24) | (i << 8)) | 0, dstLen: 24, priority: i % 3, metrics: [[2, 1300]] });
    const back = model();
    back.routes.import(columnsOf(m));
    const routes = [...back.routes.tables.inet(254)!.routes()].filter((r) => r.dst >>> 24 === 20);
    expect(routes).toHaveLength(300);
    expect(new Set(routes.map((r) => r.nexthops)).size).toBe(1);
    expect(new Set(routes.map((r) => r.metrics)).size).toBe(1);
  });

  it('numbers templates in 1, 2 or 4 bytes per route', () => {
    expect([templateWidth(1), templateWidth(256), templateWidth(257), templateWidth(65536), templateWidth(65537)]).toEqual([1, 1, 2, 2, 4]);
    const m = model();
    for (let i = 0; i < 300; i++) add(m, { dst: ((30 << 24) | (i << 8)) | 0, dstLen: 24, priority: i });
    const c = columnsOf(m);
    expect(c.inet4.templates.length).toBeGreaterThan(256);
    expect(c.inet4.template.length).toBe(c.inet4.dstLen.length * 2);
    const back = model();
    back.routes.import(c);
    expect(dump(back)).toEqual(dump(m));
  });

  it('still reads the list form of older snapshots', () => {
    const m = varied();
    const list: RouteList = { inet: [...m.routes.tables.routes('inet')] as Route4[], inet6: [...m.routes.tables.routes('inet6')] as RouteList['inet6'] };
    const back = model();
    back.routes.import(fromJson<{ routes: RouteList }>(toJson({ routes: list })).routes);
    expect(dump(back)).toEqual(dump(m));
  });

  describe('refuses a corrupt snapshot with the field named, and loads nothing', () => {
    type Columns = RouteColumnsSnapshot['inet4'];
    // Where varied()'s aliases of 10.1.0.0/24 in main start (tos 8 first), and its 10.2.0.0/23 (a later prefix of main).
    const listed = [...varied().routes.tables.routes('inet')];
    const run = listed.findIndex((r) => r.table === 254 && r.dstLen === 24 && r.dst === ((10 << 24) | (1 << 16)));
    const later = listed.findIndex((r) => r.dstLen === 23);
    const cases: Array<[string, (c: Columns) => void, string]> = [
      ['a short dst column', (c) => (c.dst = c.dst.subarray(4)), 'routes.inet4.dst holds'],
      ['a short template column', (c) => (c.template = c.template.subarray(1)), 'routes.inet4.template holds'],
      ['a prefix length beyond 32', (c) => (c.dstLen[0] = 33), 'routes.inet4.dstLen of route 0 is 33'],
      ['host bits set', (c) => (c.dst[3] = 1), 'routes.inet4.dst of route 0 has bits set beyond'],
      ['a template number beyond the list', (c) => (c.template[2] = 200), 'routes.inet4.template of route 2 is 200'],
      ['a template without a type', (c) => delete (c.templates[0] as Partial<Columns['templates'][0]>).type, 'routes.inet4.templates[0].type is not a route type'],
      ['a bad nexthop', (c) => ((c.templates[0]!.nexthops[0] as { weight: number }).weight = 0), 'routes.inet4.templates[0].nexthops[0].weight is not 1…256'],
      ['aliases out of order', (c) => { const t = c.template[run]!; c.template[run] = c.template[run + 1]!; c.template[run + 1] = t; }, 'out of the kernel\'s order'],
      ['a repeated alias', (c) => (c.template[run + 2] = c.template[run + 1]!), 'repeats an alias'],
      ['a prefix in two runs', (c) => { c.dst.set(c.dst.subarray(run * 4, run * 4 + 4), later * 4); c.dstLen[later] = 24; }, 'repeats a prefix'],
      ['a column that is not bytes', (c) => ((c as { dst: unknown }).dst = 'zz'), 'routes.inet4.dst is not a byte column'],
    ];
    for (const [what, corrupt, message] of cases) {
      it(what, () => {
        const c = columnsOf(varied());
        // The nexthop lists of a fresh decode are the interned (frozen) ones: corrupted on a copy.
        c.inet4.templates = structuredClone(c.inet4.templates);
        corrupt(c.inet4);
        const target = varied();
        add(target, { dst: (99 << 24) | 0, dstLen: 8 });
        const before = dump(target);
        expect(() => target.routes.import(c)).toThrow(message);
        expect(dump(target)).toEqual(before);
      });
    }

    it('an unknown version', () => {
      const c = { ...columnsOf(varied()), version: 4 } as unknown as RouteColumnsSnapshot;
      const target = varied();
      const before = dump(target);
      expect(() => target.routes.import(c)).toThrow('routes.version 4 is not one this rtnld reads');
      expect(dump(target)).toEqual(before);
    });
  });
});
