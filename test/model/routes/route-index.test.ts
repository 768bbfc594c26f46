import { afterEach, describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6 } from '../../../protocol/inet.js';
import { ManualClock } from '../../../src/model/clock.js';
import { ModelError } from '../../../src/model/errors.js';
import { IFF_UP } from '../../../src/model/flags.js';
import { intToIpv4 } from '../../../src/model/routes/prefix.js';
import type { Route } from '../../../src/model/routes/route.js';
import { RouteIndex } from '../../../src/model/routes/route-index.js';
import { NetworkModel } from '../../../src/model/store.js';
import type { Link } from '../../../src/model/types.js';
import { mulberry32 } from '../../helpers/prng.js';

// The per-device / per-prefsrc route index (route-index.ts): what a link or an address does to the
// routes must come out exactly as a walk of every table gives it. Each randomized run drives two
// models through the same operations, one with the index and one whose index lists nothing (so
// every link down, unregister, prefsrc flush and addrconf duplicate check walks the tables), and
// compares every announcement, every error and the tables after each step.

const DEFAULT_LIMIT = RouteIndex.limit;
afterEach(() => {
  RouteIndex.limit = DEFAULT_LIMIT;
});

describe('RouteIndex', () => {
  it('lists routes per key up to its limit, then only counts them until the key has none again', () => {
    RouteIndex.limit = 2;
    const index = new RouteIndex<string>();
    index.add(7, 'a');
    index.add(7, 'b');
    expect(index.listed(7)).toBe(true);
    expect(index.filter(7, () => true)).toEqual(['a', 'b']);
    expect(index.filter(7, (r) => r === 'b')).toEqual(['b']);
    index.add(7, 'c');
    expect(index.listed(7)).toBe(false);
    expect(index.filter(7, () => true)).toEqual([]);
    index.delete(7, 'a');
    index.delete(7, 'b');
    expect(index.listed(7)).toBe(false);
    index.delete(7, 'c');
    expect(index.listed(7)).toBe(true);
    expect(index.filter(7, () => true)).toEqual([]);
    index.add(7, 'd');
    expect(index.filter(7, () => true)).toEqual(['d']);
    expect(index.filter(8, () => true)).toEqual([]);
  });
});

const text = (r: Route): string => {
  const dst = r.family === 'inet' ? formatIpv4(intToIpv4(r.dst)) : formatIpv6(r.dst);
  const src = r.family === 'inet' && r.prefsrc ? ` src ${formatIpv4(intToIpv4(r.prefsrc))}` : '';
  const hops = r.nexthops.map((h) =>
    `${h.gateway4 !== undefined ? ` via ${formatIpv4(intToIpv4(h.gateway4))}` : ''}${h.gateway6 ? ` via ${formatIpv6(h.gateway6)}` : ''} dev ${h.ifindex}`).join('');
  const expires = r.family === 'inet6' && r.expires !== undefined ? ` expires ${r.expires}` : '';
  return `t${r.table} type${r.type} ${dst}/${r.dstLen} metric ${r.priority}${hops}${src}${expires}`;
};

/** One model and what it says: its announcements and the outcome of each operation. */
function world() {
  const clock = new ManualClock();
  const m = new NetworkModel({ cpuCount: 1, clock, addresses: { dadMs: 0 } });
  const log: string[] = [];
  m.onEvent((e) => {
    if (e.type === 'newroute' || e.type === 'delroute') log.push(`${e.type} ${text(e.route)} ${e.nlflags.toString(16)}`);
  });
  m.addLoopback();
  m.changeFlags(m.byIndex(1)!, IFF_UP, IFF_UP);
  const tables = () => [...m.routes.tables.routes('inet'), ...m.routes.tables.routes('inet6')].map(text);
  return { m, clock, log, tables };
}

type World = ReturnType<typeof world>;

const ip6 = (...w: number[]) => new Uint8Array(w.flatMap((x) => [x >> 8, x & 0xff]).concat(new Array(16 - w.length * 2).fill(0)));
const FLAGS = { create: true, excl: false, replace: false, append: false };

/** A random operation, applied the same way to each world (`pick` chooses among the links a world has). */
function randomOp(rand: () => number): (w: World) => string {
  const n = (k: number) => Math.floor(rand() * k);
  const [a, b, c, d] = [n(1000), n(1000), n(1000), n(1000)];
  const links = (w: World) => [...w.m.iterate()].filter((l) => l.index !== 1);
  const pick = (w: World, x: number): Link | undefined => {
    const ls = links(w);
    return ls.length ? ls[x % ls.length] : undefined;
  };
  const kind = n(13);
  return (w) => {
    const { m, clock } = w;
    const l = pick(w, a);
    const l2 = pick(w, b);
    try {
      switch (kind) {
        case 0: {
          if (links(w).length > 12) return 'skip';
          const [p, v] = m.createLink({ kind: 'veth', name: `a${a}x${b}`, peer: { kind: 'veth', name: `b${a}x${b}` } });
          m.changeFlags(p!, IFF_UP, IFF_UP);
          m.changeFlags(v!, IFF_UP, IFF_UP);
          clock.advance(1000);
          return 'veth';
        }
        case 1:
          if (!l) return 'none';
          m.changeFlags(l, l.flags & IFF_UP ? 0 : IFF_UP, IFF_UP);
          clock.advance(1000);
          return 'flip';
        case 2:
          if (!l || c % 3) return 'none';
          m.deleteLink(l);
          return 'del';
        case 3:
          if (!l) return 'none';
          m.addresses.newInet4({ ifindex: l.index, prefixlen: 16 + (c % 3) * 4, flags: 0, scope: 0, local: new Uint8Array([10, b % 4, c % 4, 1 + (d % 3)]) }, { excl: false, replace: false });
          return 'addr4';
        case 4: {
          if (!l) return 'none';
          const list = m.addresses.list(l.index, 'inet');
          const x = list[c % Math.max(1, list.length)];
          if (!x || x.family !== 'inet') return 'none';
          m.addresses.delInet4({ ifindex: l.index, prefixlen: x.prefixlen, local: x.local });
          return 'deladdr4';
        }
        case 5:
          if (!l) return 'none';
          m.addresses.newInet6({ ifindex: l.index, prefixlen: 64, flags: 0x02 | (d % 5 === 0 ? 0x200 : 0), address: ip6(0x2001, 0xdb8, b % 3, 0, 0, 0, 0, 1 + (c % 3)),
            ...(d % 4 === 1 ? { lifetimes: { prefered: 30, valid: 60 } } : {}) }, { excl: false, replace: false });
          clock.advance(10);
          return 'addr6';
        case 6: {
          if (!l) return 'none';
          const list = m.addresses.list(l.index, 'inet6');
          const x = list[c % Math.max(1, list.length)];
          if (!x || x.family !== 'inet6') return 'none';
          m.addresses.delInet6({ ifindex: l.index, prefixlen: x.prefixlen, address: x.address });
          return 'deladdr6';
        }
        case 7: {
          // Two IPv4 user routes: through a device, through a gateway, or over two devices; often with a
          // preferred source, one of any device's addresses (so that deleting it flushes several routes).
          if (!l || !l2) return 'none';
          const addrs = links(w).flatMap((x) => m.addresses.list(x.index, 'inet'));
          const src = addrs[b % Math.max(1, addrs.length)];
          const prefsrc = src && src.family === 'inet' && d % 3 ? ((src.local[0]! << 24) | (src.local[1]! << 16) | (src.local[2]! << 8) | src.local[3]!) : 0;
          const hop = (ifindex: number, gw?: number) => ({ ifindex, gateway4: gw, weight: 1, flags: 0, flow: 0 });
          const nexthops = c % 3 === 0 ? [hop(l.index)] : c % 3 === 1 ? [hop(0, (10 << 24) | ((b % 4) << 16) | ((c % 4) << 8) | 9)] : [hop(l.index), hop(l2.index)];
          const out: string[] = [];
          for (const dst of [a % 8, (a + 3) % 8]) {
            try {
              m.routes.inet.add({ table: 254, dst: (172 << 24) | (dst << 16), dstLen: 16, tos: 0, protocol: 4, scope: c % 3 === 1 ? 0 : 253, type: 1,
                priority: d % 3, prefsrc, flags: 0, nexthops, multipath: nexthops.length > 1 }, FLAGS);
              out.push('ok');
            } catch (e) {
              if (!(e instanceof ModelError)) throw e;
              out.push(e.code);
            }
          }
          return `route4 ${out.join(' ')}`;
        }
        case 8: {
          // An IPv6 user route: through a device, or through a link-local gateway (routes of one metric join as ECMP siblings).
          if (!l) return 'none';
          const gw = c % 2 ? ip6(0xfe80, 0, 0, 0, 0, 0, 0, 1 + (d % 3)) : undefined;
          m.routes.inet6.add({ table: 254, dst: ip6(0x2001, 0xdb8, 0x100 + (b % 4)), dstLen: 48, src: new Uint8Array(16), srcLen: 0, protocol: 4, type: 1,
            priority: 1024 + (d % 2), flags: 0, nexthops: [{ ifindex: l.index, gateway6: gw, weight: 1, flags: 0, flow: 0 }], multipath: false, pref: 0,
            ...(a % 5 === 0 ? { expires: 40 } : {}) }, FLAGS);
          return 'route6';
        }
        case 9:
          // A user route in fe80::/64 beside addrconf's (same metric: addrconf's own add then finds a duplicate).
          if (!l) return 'none';
          m.routes.inet6.add({ table: 254, dst: ip6(0xfe80), dstLen: 64, src: new Uint8Array(16), srcLen: 0, protocol: 4, type: 1,
            priority: c % 2 ? 256 : 1024, flags: 0, nexthops: [{ ifindex: l.index, weight: 1, flags: 0, flow: 0 }], multipath: false, pref: 0 }, FLAGS);
          return 'fe80';
        case 10: {
          const routes = [...m.routes.tables.routes('inet')].filter((r) => r.protocol === 4);
          const r = routes[a % Math.max(1, routes.length)];
          if (!r || r.family !== 'inet') return 'none';
          m.routes.inet.remove(r);
          return 'delroute4';
        }
        case 11: {
          const routes = [...m.routes.tables.routes('inet6')].filter((r) => r.protocol === 4);
          const r = routes[a % Math.max(1, routes.length)];
          if (!r || r.family !== 'inet6') return 'none';
          m.routes.inet6.removeHops(r, r.nexthops);
          return 'delroute6';
        }
        default:
          clock.advance(5000 + c * 20);
          return 'time';
      }
    } catch (e) {
      if (e instanceof ModelError) return `error ${e.code}`;
      throw e;
    }
  };
}

/** Every route a walk finds through the device (or with the prefsrc), against what the index lists. */
function checkIndex(w: World): void {
  const t = w.m.routes.tables;
  const all = [...t.routes('inet'), ...t.routes('inet6')];
  const devices = new Set(all.flatMap((r) => r.nexthops.map((h) => h.ifindex)).filter((i) => i !== 0));
  for (const dev of devices) {
    const via = (r: Route) => r.nexthops.some((h) => h.ifindex === dev);
    expect(new Set(t.byDevice4.filter(dev, () => true))).toEqual(new Set(all.filter((r) => r.family === 'inet' && via(r))));
    expect(new Set(t.byDevice6.filter(dev, () => true))).toEqual(new Set(all.filter((r) => r.family === 'inet6' && via(r))));
  }
  for (const r of all) {
    if (r.family === 'inet' && r.prefsrc) expect(t.byPrefsrc4.filter(r.prefsrc, (x) => x === r)).toEqual([r]);
  }
}

describe('link down, unregister and prefsrc flushes through the index equal a walk of every table (randomized)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: same announcements, errors and tables after each of 300 operations`, () => {
      const indexed = world();
      RouteIndex.limit = 0;
      const walked = world();
      RouteIndex.limit = DEFAULT_LIMIT;
      const rand = mulberry32(seed);
      let routesSeen = 0;
      for (let step = 0; step < 300; step++) {
        const op = randomOp(rand);
        const a = op(indexed);
        const b = op(walked);
        expect(a, `step ${step}`).toBe(b);
        expect(indexed.log, `step ${step} (${a})`).toEqual(walked.log);
        expect(indexed.tables(), `step ${step} (${a})`).toEqual(walked.tables());
        checkIndex(indexed);
        routesSeen = Math.max(routesSeen, indexed.m.routes.tables.routeCount());
      }
      // The runs reach tables worth comparing, and the walked model's index really listed nothing.
      expect(routesSeen).toBeGreaterThan(20);
      expect(indexed.log.filter((l) => l.startsWith('delroute')).length).toBeGreaterThan(10);
      expect(walked.m.routes.tables.byDevice6.listed(1)).toBe(false);
    });
  }
});
