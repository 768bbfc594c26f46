import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, NUD_VALID, RTM_DELNEIGH, RTM_NEWNEIGH } from '../../protocol/constants.js';
import { writeNeighMessage } from '../../protocol/neigh-message.js';
import { NlWriter } from '../../protocol/writer.js';
import { dstBytes, lladdrBytes, type Neighbour } from '../../src/model/neighbours/neighbour.js';
import { writeNeighEntry } from '../../src/rtnl/neigh-view.js';

/** The generic encoder's view of an entry (__neigh_fill_info field by field): the oracle. */
function reference(w: NlWriter, type: number, flags: number, seq: number, pid: number, n: Neighbour, now: number, refcnt: number): void {
  writeNeighMessage(w, type, flags, seq, pid, {
    family: n.family === 'inet' ? AF_INET : AF_INET6, ifindex: n.ifindex, state: n.state & 0xffff, flags: n.flags & 0xff, type: n.type,
    dst: dstBytes(n.dst), lladdr: n.state & NUD_VALID && n.lladdr >= 0 ? lladdrBytes(n.lladdr) : undefined, probes: n.probes,
    cacheinfo: [now - n.confirmed, now - n.used, now - n.updated, refcnt], protocol: n.protocol, flagsExt: n.flags >>> 8,
  });
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const entry = fc.record({
  v6: fc.boolean(),
  dst4: u32,
  dst6: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  ifindex: fc.integer({ min: 1, max: 0x7fffffff }),
  lladdr: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 2 ** 48 - 1 })),
  state: fc.constantFrom(0, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80),
  flags: fc.oneof(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 0x3ff })),
  type: fc.integer({ min: 0, max: 11 }),
  protocol: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })),
  probes: fc.integer({ min: 0, max: 10 }),
  times: fc.tuple(fc.nat(1e6), fc.nat(1e6), fc.nat(1e6)),
});

describe('writeNeighEntry', () => {
  it('writes the bytes the generic encoder writes, for every shape (IPv4/IPv6, lladdr or not, protocol, NTF_EXT flags)', () => {
    fc.assert(fc.property(entry, u32, u32, fc.integer({ min: 0, max: 3 }), fc.boolean(), (e, seq, pid, refcnt, del) => {
      const n: Neighbour = {
        family: e.v6 ? 'inet6' : 'inet', ifindex: e.ifindex, dst: e.v6 ? Buffer.from(e.dst6).toString('latin1') : e.dst4, lladdr: e.lladdr,
        state: e.state, flags: e.flags, type: e.type, protocol: e.protocol, probes: e.probes,
        confirmed: e.times[0], used: e.times[1], updated: e.times[2],
      };
      const now = 2_000_000;
      const type = del ? RTM_DELNEIGH : RTM_NEWNEIGH;
      const a = new NlWriter(16);
      const b = new NlWriter(16);
      // Something before the entry: the template is patched where the writer is, not at 0.
      a.u32(0xdeadbeef);
      b.u32(0xdeadbeef);
      writeNeighEntry(a, type, 2, seq, pid, n, now, refcnt);
      reference(b, type, 2, seq, pid, n, now, refcnt);
      expect(a.take().toString('hex')).toBe(b.take().toString('hex'));
    }), { numRuns: 2000 });
  });
});
