import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Framer } from '../../protocol/framer.js';
import { IFLA_POLICY, OPAQUE_POLICY } from '../../protocol/link-policy.js';
import { NlError } from '../../protocol/nl-error.js';
import { parseAttrs } from '../../protocol/policy.js';
import { decodeIfInfoMsg, decodeNlMsgHdr } from '../../protocol/structs.js';
import { writeTypedAttrs, type TypedAttr } from '../../protocol/typed-attrs.js';
import { NlWriter } from '../../protocol/writer.js';

describe('codec properties', () => {
  it('decoding any bytes as attributes either succeeds or throws NlError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (bytes, strict) => {
        const buf = Buffer.from(bytes);
        try {
          const r = parseAttrs(buf, 0, buf.length, IFLA_POLICY, strict);
          for (const a of r.attrs.values()) expect(a.offset + 4 + a.data.length).toBeLessThanOrEqual(buf.length);
        } catch (e) {
          expect(e).toBeInstanceOf(NlError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('fixed structs refuse short input with a RangeError instead of reading garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 15 }), (bytes) => {
        expect(() => decodeNlMsgHdr(Buffer.from(bytes))).toThrow(RangeError);
        expect(() => decodeIfInfoMsg(Buffer.from(bytes))).toThrow(RangeError);
      }),
    );
  });

  const scalar: fc.Arbitrary<TypedAttr> = fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 200 }), fc.constant('u8' as const), fc.integer({ min: 0, max: 255 })),
    fc.tuple(fc.integer({ min: 1, max: 200 }), fc.constant('u16' as const), fc.integer({ min: 0, max: 0xffff })),
    fc.tuple(fc.integer({ min: 1, max: 200 }), fc.constant('u32' as const), fc.integer({ min: 0, max: 0xffffffff })),
    fc.tuple(fc.integer({ min: 1, max: 200 }), fc.constant('u64' as const), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
    fc.tuple(fc.integer({ min: 1, max: 200 }), fc.constant('string' as const), fc.stringMatching(/^[a-z0-9]{0,20}$/)),
    fc.tuple(fc.integer({ min: 1, max: 200 }), fc.constant('binary' as const), fc.uint8Array({ maxLength: 40 })),
  );

  it('encode then decode round-trips attribute streams (types, lengths, payloads)', () => {
    fc.assert(
      fc.property(fc.array(scalar, { maxLength: 20 }), (attrs) => {
        const w = new NlWriter(8);
        writeTypedAttrs(w, attrs);
        const buf = w.take();
        expect(buf.length % 4).toBe(0);
        // Walk every attribute in order (the table keeps only the last of a repeated type).
        const seen: Array<[number, Buffer]> = [];
        for (let pos = 0; pos < buf.length;) {
          const len = buf.readUInt16LE(pos);
          seen.push([buf.readUInt16LE(pos + 2), buf.subarray(pos + 4, pos + len)]);
          pos += (len + 3) & ~3;
        }
        expect(seen.map(([t]) => t)).toEqual(attrs.map((a) => a[0]));
        attrs.forEach((a, i) => {
          const payload = seen[i]![1];
          switch (a[1]) {
            case 'u8': expect(payload.readUInt8(0)).toBe(a[2]); break;
            case 'u16': expect(payload.readUInt16LE(0)).toBe(a[2]); break;
            case 'u32': expect(payload.readUInt32LE(0)).toBe(a[2]); break;
            case 'u64': expect(payload.readBigUInt64LE(0)).toBe(BigInt(a[2])); break;
            case 'string': expect(payload.toString()).toBe(`${a[2]}\0`); break;
            case 'binary': expect(Buffer.from(payload)).toEqual(Buffer.from(a[2] as Uint8Array)); break;
          }
        });
        const table = parseAttrs(buf, 0, buf.length, OPAQUE_POLICY, true).attrs;
        expect(new Set(table.keys())).toEqual(new Set(attrs.map((a) => a[0])));
      }),
      { numRuns: 1000 },
    );
  });

  it('the framer yields the same messages however the stream is cut', () => {
    const messageArb = fc.uint8Array({ minLength: 0, maxLength: 60 }).map((body) => {
      const len = 16 + body.length;
      const b = Buffer.alloc((len + 3) & ~3);
      b.writeUInt32LE(len, 0);
      Buffer.from(body).copy(b, 16);
      return b;
    });
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 10 }), fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 30 }), (msgs, cuts) => {
        const stream = Buffer.concat(msgs);
        const f = new Framer(1 << 16);
        const out: Buffer[] = [];
        let pos = 0;
        for (const c of cuts) {
          for (const r of f.push(stream.subarray(pos, pos + c))) if (r.kind === 'message') out.push(Buffer.from(r.message));
          pos += c;
        }
        for (const r of f.push(stream.subarray(pos))) if (r.kind === 'message') out.push(Buffer.from(r.message));
        expect(out).toEqual(msgs.map((m) => m.subarray(0, m.readUInt32LE(0))));
      }),
      { numRuns: 500 },
    );
  });
});
