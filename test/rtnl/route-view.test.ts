import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RTAX_CC_ALGO, RTM_NEWROUTE, RT_SCOPE_HOST } from '../../protocol/constants.js';
import { writeRouteMessage } from '../../protocol/route-message.js';
import { NlWriter } from '../../protocol/writer.js';
import { IFF_UP } from '../../src/model/flags.js';
import type { Nexthop, Route4 } from '../../src/model/routes/route.js';
import { NetworkModel } from '../../src/model/store.js';
import { routeMessage, writeRouteEntry } from '../../src/rtnl/route-view.js';

// writeRouteEntry() encodes an IPv4 single-path route straight from the model's numbers (the dump's
// hot path); it must write exactly what the generic RouteMessage encoder writes for the same route.

/** lo, an up dummy (2), a down dummy (3); index 9 names no device. */
function model(): NetworkModel {
  const m = new NetworkModel({ cpuCount: 2 });
  m.addLoopback();
  m.createLink({ kind: 'dummy', name: 'd0' });
  m.createLink({ kind: 'dummy', name: 'd1' });
  m.changeFlags(m.byName('d0')!, IFF_UP, IFF_UP);
  return m;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const s32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });

const hop: fc.Arbitrary<Nexthop> = fc.record({
  ifindex: fc.constantFrom(0, 1, 2, 3, 9),
  gateway4: fc.option(s32, { nil: undefined }),
  gateway6: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: undefined }),
  weight: fc.constant(1),
  flags: fc.constantFrom(0, 4, 0x80),
  flow: fc.constantFrom(0, 0x10002),
});

const metrics = fc.option(fc.constantFrom<Route4['metrics']>(
  [[2, 1400]],
  [[2, 1400], [8, 10]],
  [[2, 9000], [RTAX_CC_ALGO, 'cubic']],
), { nil: undefined });

const route4: fc.Arbitrary<Route4> = fc.record({
  family: fc.constant('inet' as const),
  table: fc.oneof(fc.constantFrom(254, 255, 253), u32),
  dstLen: fc.integer({ min: 0, max: 32 }),
  dst: s32,
  tos: fc.constantFrom(0, 0x10),
  protocol: fc.integer({ min: 0, max: 255 }),
  scope: fc.constantFrom(0, 253, RT_SCOPE_HOST),
  type: fc.integer({ min: 1, max: 11 }),
  priority: fc.oneof(fc.constant(0), u32),
  prefsrc: fc.oneof(fc.constant(0), s32),
  metrics,
  nexthops: fc.array(hop, { maxLength: 1 }),
});

const bytes = (write: (w: NlWriter) => void): Buffer => {
  const w = new NlWriter(16);
  write(w);
  return w.take();
};

describe('writeRouteEntry', () => {
  const m = model();

  it('writes an IPv4 route with at most one nexthop as writeRouteMessage(routeMessage()) does', () => {
    fc.assert(fc.property(route4, u32, u32, (r, seq, pid) => {
      const generic = bytes((w) => writeRouteMessage(w, RTM_NEWROUTE, 2, seq, pid, routeMessage(m, r)));
      expect(bytes((w) => writeRouteEntry(w, RTM_NEWROUTE, 2, seq, pid, m, r))).toEqual(generic);
    }), { numRuns: 2000 });
  });

  it('reports a hop through a down device DEAD and LINKDOWN in rtm_flags', () => {
    const r: Route4 = {
      family: 'inet', table: 254, dstLen: 24, dst: (10 << 24) | (1 << 8), tos: 0, protocol: 4, scope: 0, type: 1, priority: 0,
      prefsrc: 0, nexthops: [{ ifindex: 3, gateway4: (10 << 24) | 1, weight: 1, flags: 0, flow: 0 }],
    };
    const msg = bytes((w) => writeRouteEntry(w, RTM_NEWROUTE, 2, 1, 1, m, r));
    expect(msg.readUInt32LE(16 + 8)).toBe(0x1 | 0x10);
    expect(msg.subarray(16 + 12 + 8 + 4, 16 + 12 + 8 + 8)).toEqual(Buffer.from([10, 0, 1, 0]));
  });
});
