import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NlWriter } from '../../protocol/writer.js';

/** The same values written with Node's own Buffer methods: the reference for the byte stores. */
function reference(values: { u16: number; u32: number; s32: number; s: string; zeros: number }): Buffer {
  const str = Buffer.from(`${values.s}\0`, 'utf8');
  const strAttr = Buffer.alloc(4 + ((str.length + 3) & ~3));
  strAttr.writeUInt16LE(4 + str.length, 0);
  strAttr.writeUInt16LE(3, 2);
  str.copy(strAttr, 4);
  const nums = Buffer.alloc(10);
  nums.writeUInt16LE(values.u16, 0);
  nums.writeUInt32LE(values.u32, 2);
  nums.writeInt32LE(values.s32, 6);
  return Buffer.concat([nums, Buffer.alloc(values.zeros), Buffer.alloc((4 - ((10 + values.zeros) % 4)) % 4), strAttr]);
}

describe('NlWriter', () => {
  it('writes integers, zeros, padding and strings as Buffer would', () => {
    fc.assert(
      fc.property(
        fc.record({
          u16: fc.integer({ min: 0, max: 0xffff }),
          u32: fc.integer({ min: 0, max: 0xffffffff }),
          s32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
          s: fc.string({ maxLength: 40, unit: 'binary' }).filter((x) => !x.includes('\0')),
          zeros: fc.integer({ min: 0, max: 40 }),
        }),
        (v) => {
          const w = new NlWriter(8); // small, so every write also grows the buffer
          w.u16(v.u16).u32(v.u32).s32(v.s32).zeros(v.zeros).pad().attrString(3, v.s);
          expect(w.take().toString('hex')).toBe(reference(v).toString('hex'));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('zero-fills padding even in a reused buffer', () => {
    const w = new NlWriter(64);
    w.zeros(0).u32(0xffffffff).u32(0xffffffff).u32(0xffffffff);
    w.truncate(0);
    w.u8(1).pad().attrString(1, 'ab');
    expect([...w.take()]).toEqual([1, 0, 0, 0, 7, 0, 1, 0, 0x61, 0x62, 0, 0]);
  });

  it('copies a range of another buffer as bytes() of its subarray does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(64), fc.nat(64), (src, a, b) => {
        const [start, end] = [Math.min(a, b, src.length), Math.min(Math.max(a, b), src.length)];
        const w = new NlWriter(4);
        w.u8(9).copyFrom(src, start, end).u8(7);
        expect([...w.take()]).toEqual([9, ...src.subarray(start, end), 7]);
      }),
      { numRuns: 300 },
    );
  });
});
