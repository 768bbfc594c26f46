import { describe, expect, it } from 'vitest';
import { Fib4Table } from '../../../src/model/routes/fib4-table.js';
import { fibLookup4 } from '../../../src/model/routes/lookup.js';
import { RouteTables } from '../../../src/model/routes/tables.js';
import type { Link } from '../../../src/model/types.js';
import { MASK4 } from '../../../src/model/routes/prefix.js';
import { internNexthops } from '../../../src/model/routes/intern.js';
import type { Route4 } from '../../../src/model/routes/route.js';
import { mulberry32 } from '../../helpers/prng.js';

// The IPv4 table's longest-prefix match (hash maps per length, presence bitmaps, per-/16 length
// masks) against a brute-force scan of every route, over random tables with deletions.

const hops = internNexthops([{ ifindex: 2, weight: 1, flags: 0, flow: 0 }]);
const route = (dst: number, dstLen: number): Route4 => ({
  family: 'inet', table: 254, dst, dstLen, tos: 0, protocol: 3, scope: 0, type: 1, priority: 0, prefsrc: 0, nexthops: hops, metrics: undefined,
});

/** Addresses concentrated in a few /8s so that prefixes nest and share /16 blocks. */
function address(random: () => number): number {
  return ((10 + Math.floor(random() * 3)) << 24) | Math.floor(random() * 0x40000) << 6 | Math.floor(random() * 64);
}

describe('Fib4Table longest-prefix match', () => {
  // 40 prefixes: the per-length probe of a small table; 4,000: the direct index, built from the first 64.
  it.each([40, 4000])('agrees with a brute-force scan over random tables of %i prefixes, before and after deletions', (count) => {
    const random = mulberry32(7);
    const tables = new RouteTables({ emit() {}, changed() {} });
    const table = tables.newInet(254);
    const upLink = () => ({ flags: 1 }) as Link;
    // fib_lookup() through the rules: the merged local + main search with per-/16 length masks.
    const viaRules = (addr: number): Route4 | undefined => {
      try {
        return fibLookup4(tables, { dst: addr, scope: 0, oif: 0, tos: 0 }, upLink).route;
      } catch {
        return undefined;
      }
    };
    const all = new Map<string, Route4>();
    for (let i = 0; i < count; i++) {
      const len = Math.floor(random() * 33);
      const dst = address(random) & MASK4[len]!;
      const key = `${dst}/${len}`;
      if (all.has(key)) continue;
      const r = route(dst, len);
      all.set(key, r);
      table.setAliases(dst, len, [r]);
    }
    const brute = (addr: number, accept: (r: Route4) => boolean = () => true): Route4 | undefined => {
      let best: Route4 | undefined;
      for (const r of all.values()) if ((addr & MASK4[r.dstLen]!) === r.dst && accept(r) && (!best || r.dstLen > best.dstLen)) best = r;
      return best;
    };
    // Refusing every prefix whose length is a multiple of 3 makes lookups backtrack below the longest match.
    const refuseThirds = (r: Route4) => r.dstLen % 3 !== 0;
    const check = () => {
      tables.touch();
      for (let i = 0; i < 3000; i++) {
        const addr = address(random);
        const want = brute(addr);
        expect(table.lookup(addr, () => true)).toBe(want);
        expect(viaRules(addr)).toBe(want);
        expect(table.lookup(addr, refuseThirds)).toBe(brute(addr, refuseThirds));
      }
    };
    check();
    expect(table.size).toBe(all.size);
    let n = 0;
    for (const [key, r] of all) {
      if (n++ % 2) continue;
      table.setAliases(r.dst, r.dstLen, []);
      all.delete(key);
    }
    check();
    expect(table.size).toBe(all.size);
  });

  it('walks prefixes in address order, the longer first at one address', () => {
    const table = new Fib4Table(254);
    for (const [dst, len] of [[0x0a000000, 8], [0x0a000000, 24], [0, 0], [0x0a010000, 16], [0x09000000, 8]] as const) {
      table.setAliases(dst, len, [route(dst, len)]);
    }
    expect([...table.routes()].map((r) => `${(r.dst >>> 24)}.${(r.dst >>> 16) & 255}/${r.dstLen}`)).toEqual(['0.0/0', '9.0/8', '10.0/24', '10.0/8', '10.1/16']);
  });

  it('sees a table created after its first lookup (the default rules\' plans follow the tables)', () => {
    const tables = new RouteTables({ emit() {}, changed() {} });
    const up = () => ({ flags: 1 }) as Link;
    const flow = { dst: 0x0a000001, scope: 0, oif: 0, tos: 0 };
    tables.newInet(254).setAliases(0x0a000000, 8, [route(0x0a000000, 8)]);
    expect(fibLookup4(tables, flow, up).route.dstLen).toBe(8);
    const local: Route4 = { ...route(0x0a000001, 32), table: 255, type: 2, scope: 254 };
    tables.newInet(255).setAliases(0x0a000001, 32, [local]);
    expect(fibLookup4(tables, flow, up).route).toBe(local);
    expect(fibLookup4(tables, flow, up).table).toBe(254);
    tables.clear();
    expect(() => fibLookup4(tables, flow, up)).toThrow('ENETUNREACH');
    tables.newInet(253).setAliases(0, 0, [{ ...route(0, 0), table: 253 }]);
    expect(fibLookup4(tables, flow, up).table).toBe(253);
  });

  it('takes a plain unicast route on its hop alone only where the full alias walk would (device up, oif, scope)', () => {
    const random = mulberry32(11);
    const tables = new RouteTables({ emit() {}, changed() {} });
    const table = tables.newInet(254);
    // Hops on devices 2 (up) and 3 (down): plain routes, and routes the walk must judge (tos, scope link, two hops, aliases).
    const hop = (ifindex: number) => internNexthops([{ ifindex, weight: 1, flags: 0, flow: 0 }]);
    const links = (i: number) => ({ flags: i === 3 ? 0 : 1 }) as Link;
    const all: Route4[] = [];
    for (let i = 0; i < 3000; i++) {
      const len = 8 + Math.floor(random() * 25);
      const dst = address(random) & MASK4[len]!;
      if (table.aliases(dst, len).length) continue;
      const kind = Math.floor(random() * 6);
      const r: Route4 = {
        ...route(dst, len), nexthops: kind === 3 ? internNexthops([{ ifindex: 3, weight: 1, flags: 0, flow: 0 }, { ifindex: 2, weight: 1, flags: 0, flow: 0 }]) : hop(kind === 1 ? 3 : 2),
        tos: kind === 4 ? 8 : 0, scope: kind === 5 ? 253 : 0,
      };
      all.push(r);
      table.setAliases(dst, len, [r]);
    }
    // The reference: fib_table_lookup's rules read off every route, longest prefix first.
    const reference = (flow: { dst: number; scope: number; oif: number; tos: number }) => {
      let best: { route: Route4; hop: Route4['nexthops'][number] } | undefined;
      for (const r of all) {
        if ((flow.dst & MASK4[r.dstLen]!) !== r.dst || (best && best.route.dstLen >= r.dstLen)) continue;
        if ((r.tos && r.tos !== flow.tos) || r.scope < flow.scope) continue;
        const h = r.nexthops.find((n) => links(n.ifindex).flags & 1 && (!flow.oif || n.ifindex === flow.oif));
        if (h) best = { route: r, hop: h };
      }
      return best;
    };
    for (let i = 0; i < 5000; i++) {
      const flow = { dst: address(random), scope: random() < 0.2 ? 253 : 0, oif: random() < 0.2 ? 2 + Math.floor(random() * 2) : 0, tos: random() < 0.2 ? 8 : 0 };
      const want = reference(flow);
      let got: { route: Route4; hop: unknown } | undefined;
      try {
        got = fibLookup4(tables, flow, links);
      } catch {
        got = undefined;
      }
      expect(got?.route).toBe(want?.route);
      expect(got?.hop).toBe(want?.hop);
    }
  });
});
