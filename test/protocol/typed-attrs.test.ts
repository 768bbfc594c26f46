import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TypedAttrsTemplate, writeAttrsPayload, writeTypedAttrs, type TypedAttr } from '../../protocol/typed-attrs.js';
import { NlWriter } from '../../protocol/writer.js';

const encode = (attrs: readonly TypedAttr[]): Buffer => {
  const w = new NlWriter(64);
  writeTypedAttrs(w, attrs);
  return w.take();
};

/** A list with one attribute of each encoding a template can vary, between fixed ones. */
function list(v: { a: number; b: number; c: number; d: number; id: Uint8Array }): TypedAttr[] {
  return [
    [1, 'u64', 7], [2, 'u8', v.a], [3, 'string', 'fixed'], [4, 'u16', v.b], [5, 'binary', v.id], [6, 'u8', 1],
    [7, 'be16', v.c], [8, 'u32', v.d], [9, 'nested', [[1, 'u32', 5]]], [10, 'flag', true],
  ];
}

describe('TypedAttrsTemplate', () => {
  const template = new TypedAttrsTemplate(list({ a: 0, b: 0, c: 0, d: 0, id: new Uint8Array(6) }), [2, 4, 5, 7, 8]);

  it('writes the bytes writeTypedAttrs writes for the same values', () => {
    fc.assert(fc.property(
      fc.record({
        a: fc.integer({ min: 0, max: 0xff }), b: fc.integer({ min: 0, max: 0xffff }), c: fc.integer({ min: 0, max: 0xffff }),
        d: fc.integer({ min: 0, max: 0xffffffff }), id: fc.uint8Array({ minLength: 6, maxLength: 6 }),
      }),
      (v) => {
        const bytes = template.encode([v.a, v.b, v.id, v.c, v.d]);
        expect(Buffer.from(bytes)).toEqual(encode(list(v)));
        const w = new NlWriter(16);
        writeAttrsPayload(w, bytes);
        expect(w.take()).toEqual(encode(list(v)));
      },
    ));
  });

  it('refuses a payload of another size, and attributes that cannot vary', () => {
    expect(() => template.encode([0, 0, new Uint8Array(4), 0, 0])).toThrow(/4 bytes for a 6-byte slot/);
    expect(() => new TypedAttrsTemplate(list({ a: 0, b: 0, c: 0, d: 0, id: new Uint8Array(6) }), [3])).toThrow(/cannot vary/);
  });
});
