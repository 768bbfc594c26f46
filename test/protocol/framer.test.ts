import { describe, expect, it } from 'vitest';
import { Framer } from '../../protocol/framer.js';

function msg(len: number, fill: number): Buffer {
  const b = Buffer.alloc(len, fill);
  b.writeUInt32LE(len, 0);
  return b;
}

describe('Framer', () => {
  it('joins split messages and splits joined ones, honouring NLMSG_ALIGN', () => {
    const f = new Framer(1024);
    const a = msg(33, 0xaa); // unaligned: the next message starts at 36
    const stream = Buffer.concat([a, Buffer.alloc(3), msg(20, 0xbb)]);
    const out = [...f.push(stream.subarray(0, 10)), ...f.push(stream.subarray(10, 35)), ...f.push(stream.subarray(35))];
    expect(out.map((r) => (r.kind === 'message' ? r.message.length : -1))).toEqual([33, 20]);
    expect(f.buffered).toBe(0);
  });

  it('reports an undelimitable frame once and then ignores the stream', () => {
    const f = new Framer(64);
    const out = f.push(Buffer.concat([msg(16, 1), msg(100, 2)]));
    expect(out.map((r) => r.kind)).toEqual(['message', 'invalid']);
    expect(f.push(msg(16, 3))).toEqual([]);
  });
});
