import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NlWriter } from '../../protocol/writer.js';
import { EncodedStore } from '../../src/rtnl/encoded-store.js';

describe('EncodedStore', () => {
  it('holds what a Map would, through replacements, deletions and compactions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(30), fc.uint8Array({ maxLength: 300 }), fc.nat(9)), { maxLength: 300 }), (ops) => {
        const store = new EncodedStore<number>(1 << 20);
        const ref = new Map<number, Buffer>();
        for (const [key, body, what] of ops) {
          if (what === 0) {
            store.delete(key);
            ref.delete(key);
          } else if (what === 1) {
            store.clear();
            ref.clear();
          } else {
            // Kept from the middle of a larger buffer, as a writer's bytes are.
            const src = Buffer.concat([Buffer.from([9, 9]), body, Buffer.from([7])]);
            store.put(key, src, 2, 2 + body.length);
            ref.set(key, Buffer.from(body));
          }
        }
        expect(store.size).toBe(ref.size);
        for (const [key, body] of ref) {
          expect(store.get(key)?.toString('hex')).toBe(body.toString('hex'));
          const w = new NlWriter(16);
          w.u32(0xaabbccdd);
          expect(store.writeMessage(w, key, 0x1234, 0x302, 7, 0x10203)).toBe(true);
          const header = Buffer.alloc(16);
          header.writeUInt32LE(16 + body.length, 0);
          header.writeUInt16LE(0x1234, 4);
          header.writeUInt16LE(0x302, 6);
          header.writeUInt32LE(7, 8);
          header.writeUInt32LE(0x10203, 12);
          expect(w.take().toString('hex')).toBe('ddccbbaa' + header.toString('hex') + body.toString('hex'));
        }
        expect(store.writeMessage(new NlWriter(), 999, 1, 0, 0, 0)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps nothing beyond its byte limit', () => {
    const store = new EncodedStore<number>(1000);
    const body = Buffer.alloc(300, 1);
    for (let i = 0; i < 5; i++) store.put(i, body, 0, body.length);
    expect(store.size).toBe(3); // 3 x (4 + 300) fit in 1000, a fourth does not
    expect(store.liveBytes).toBe(912);
    store.delete(0);
    store.put(9, body, 0, body.length); // room again once one went
    expect(store.has(9)).toBe(true);
  });
});
