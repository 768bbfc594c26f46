import fc from 'fast-check';
import { fixture, hex } from './fixtures.js';

/** Link requests captured from the kernel: create, enslave, release, up, delete. */
const SEEDS = ['newlink-veth', 'newlink-bridge', 'newlink-ifb', 'setlink-enslave', 'setlink-release', 'setlink-veth-up',
  'setlink-veth-peer-up', 'setlink-lo-up', 'dellink-veth'].map((n) => hex(fixture(n).request!));

/**
 * Random sequences of those requests, a third of them with one payload byte changed: property
 * tests play them against a model and check something holds after every step.
 */
export function requestSequences(maxLength: number): fc.Arbitrary<Buffer[]> {
  return fc.array(fc.tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength })
    .map((steps) => steps.map(([seed, at, v]) => {
      const m = Buffer.from(seed);
      if (at % 3 === 0) m[16 + (at % (m.length - 16))] = v;
      return m;
    }));
}
