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
});
