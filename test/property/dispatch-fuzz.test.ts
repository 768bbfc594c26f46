import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DispatchHarness } from '../helpers/dispatch.js';
import { fixture, hex } from '../helpers/fixtures.js';
import { checkInvariants } from '../helpers/invariants.js';

// Seeds: every request captured from the kernel, mutated byte by byte.
const seeds = ['newlink-veth', 'newlink-bridge', 'newlink-ifb', 'setlink-enslave', 'setlink-release', 'dellink-veth',
  'error-mtu-policy', 'error-ifname-too-long', 'dump-strict-error', 'getlink-veth-down', 'setlink-veth-up']
  .map((n) => hex(fixture(n).request!));

const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }))
  .map(([seed, edits]) => {
    const b = Buffer.from(seed);
    for (const [at, v] of edits) if (at % b.length >= 16) b[at % b.length] = v; // keep the header sane
    return b;
  });

const random = fc.tuple(fc.integer({ min: 16, max: 24 }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 200 }))
  .map(([type, flags, body]) => {
    const b = Buffer.alloc(16 + body.length);
    b.writeUInt32LE(b.length, 0);
    b.writeUInt16LE(type, 4);
    b.writeUInt16LE(flags | 1, 6);
    Buffer.from(body).copy(b, 16);
    return b;
  });

describe('fuzzing the request path', () => {
  it('never throws, answers every request that asks, and keeps the model consistent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(mutated, random), { minLength: 1, maxLength: 25 }), fc.boolean(), async (msgs, strict) => {
        const h = new DispatchHarness();
        h.session = { ...h.session, strict };
        for (const m of msgs) {
          const replies = await h.call(m);
          const flags = m.readUInt16LE(6);
          if (flags & 4) expect(replies.length).toBeGreaterThan(0);
          for (const r of replies) expect(r.raw.length % 4).toBe(0);
        }
        checkInvariants(h.model);
      }),
      { numRuns: 400 },
    );
  });
});
