import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Framer } from '../../protocol/framer.js';

function msg(len: number, fill: number, type = 18): Buffer {
  const b = Buffer.alloc(len, fill);
  b.writeUInt32LE(len, 0);
  b.writeUInt16LE(type, 4);
  return b;
}

function lengths(results: ReturnType<Framer['push']>): number[] {
  return results.map((r) => (r.kind === 'message' ? r.message.length : -1));
}

describe('Framer', () => {
  it('joins split messages and splits joined ones, honouring NLMSG_ALIGN', () => {
    const f = new Framer(1024);
    const a = msg(33, 0xaa); // unaligned: the next message starts at 36
    const stream = Buffer.concat([a, Buffer.alloc(3), msg(20, 0xbb)]);
    const out = [...f.push(stream.subarray(0, 10)), ...f.push(stream.subarray(10, 35)), ...f.push(stream.subarray(35))];
    expect(lengths(out)).toEqual([33, 20]);
    expect(f.buffered).toBe(0);
  });

  it('reports an undelimitable frame once and then ignores the stream', () => {
    const f = new Framer(64);
    const out = f.push(Buffer.concat([msg(16, 1), msg(100, 2)]));
    expect(out.map((r) => r.kind)).toEqual(['message', 'invalid']);
    expect(f.push(msg(16, 3))).toEqual([]);
  });

  it('delivers an unaligned message at once and reads an unpadded one after it (issue 13)', () => {
    const f = new Framer(1 << 20);
    // A 17-byte GETADDR dump (rtgenmsg), then in a second write a GETLINK with no padding between.
    expect(lengths(f.push(msg(17, 0, 22)))).toEqual([17]);
    expect(lengths(f.push(msg(32, 0, 18)))).toEqual([32]);
    expect(f.buffered).toBe(0);
  });

  it('tells padding from a header whose first bytes are zero (nlmsg_len a multiple of 256)', () => {
    for (const padded of [false, true]) {
      const f = new Framer(1 << 20);
      const parts = [msg(21, 7), ...(padded ? [Buffer.alloc(3)] : []), msg(256, 9, 16), msg(16, 1)];
      const stream = Buffer.concat(parts);
      // Byte by byte: the zeros after the 21-byte message are undecided until their successor arrives.
      const out = [...stream].flatMap((byte) => f.push(Buffer.from([byte])));
      expect(lengths(out)).toEqual([21, 256, 16]);
    }
  });

  it('frames any request sequence, padded or not, however the stream is cut (property)', () => {
    // Requests as TRANSPORT.md allows them: nlmsg_type an rtnetlink type (16..255), any length up to
    // the maximum, padding after an unaligned message present or not.
    const request = fc.record({
      len: fc.oneof(fc.integer({ min: 16, max: 300 }), fc.constantFrom(256, 512, 65536, 131072)),
      type: fc.integer({ min: 16, max: 255 }),
      fill: fc.integer({ min: 0, max: 255 }),
      padded: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 12 }), (reqs, cuts) => {
        const parts: Buffer[] = [];
        for (const r of reqs) {
          parts.push(msg(r.len, r.fill, r.type));
          if (r.padded) parts.push(Buffer.alloc(((r.len + 3) & ~3) - r.len));
        }
        const stream = Buffer.concat(parts);
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const f = new Framer(1 << 20);
        const out: ReturnType<Framer['push']> = [];
        let from = 0;
        for (const p of [...points, stream.length]) {
          out.push(...f.push(stream.subarray(from, p)));
          from = p;
        }
        const got = out.map((r) => (r.kind === 'message' ? r.message : Buffer.alloc(0)));
        expect(got.map((m) => m.length)).toEqual(reqs.map((r) => r.len));
        // Buffer.equals, not toEqual: deep-comparing 128 KiB buffers byte by byte is slow.
        expect(got.every((m, i) => m.equals(msg(reqs[i]!.len, reqs[i]!.fill, reqs[i]!.type)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
