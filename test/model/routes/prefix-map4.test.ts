import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixMap4 } from '../../../src/model/routes/prefix-map4.js';

const key = (dst: number, len: number) => `${dst}/${len}`;

function contents(m: PrefixMap4): Map<string, number> {
  const out = new Map<string, number>();
  m.forEach((dst, len, slot) => out.set(key(dst, len), slot));
  return out;
}

describe('PrefixMap4', () => {
  it('holds what a Map would through adds and deletes, however keys collide (property)', () => {
    // Few distinct destinations and lengths: the same dst under several lengths, long probe runs, deletions inside them.
    const op = fc.record({ add: fc.boolean(), dst: fc.constantFrom(0, 1, -1, 0x0a000000, 0x0a000100, -0x80000000, 0x7fffff00, 256), len: fc.integer({ min: 0, max: 32 }) });
    fc.assert(fc.property(fc.array(op, { minLength: 100, maxLength: 400 }), (ops) => {
      const m = new PrefixMap4(2);
      const ref = new Map<string, number>();
      const held = new Map<string, [number, number]>();
      let slot = 0;
      for (const o of ops) {
        const k = key(o.dst, o.len);
        if (o.add && !ref.has(k)) {
          m.add(o.dst, o.len, slot);
          ref.set(k, slot++);
          held.set(k, [o.dst, o.len]);
        } else if (!o.add) {
          m.delete(o.dst, o.len);
          ref.delete(k);
          held.delete(k);
        }
        expect(m.size).toBe(ref.size);
        expect(m.get(o.dst, o.len)).toBe(ref.get(k) ?? -1);
        // Every key still found from its home entry (a deletion must not cut a probe run).
        for (const [k2, [d, l]] of held) if (m.get(d, l) !== ref.get(k2)) expect.fail(`${k2} lost`);
      }
      expect(contents(m)).toEqual(ref);
    }), { numRuns: 100 });
  });

  it('keeps 100,000 sequential /24s and their slots, then loses every other one', () => {
    const m = new PrefixMap4();
    const dst = (i: number) => (0xa0000000 + i * 256) | 0;
    for (let i = 0; i < 100_000; i++) m.add(dst(i), 24, i);
    for (let i = 0; i < 100_000; i += 2) m.delete(dst(i), 24);
    expect(m.size).toBe(50_000);
    for (let i = 0; i < 100_000; i++) expect(m.get(dst(i), 24)).toBe(i % 2 ? i : -1);
    expect(m.get(dst(1), 23)).toBe(-1);
  });
});
