import { describe, expect, it } from 'vitest';
import {
  NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST, RTA_DST, RTA_GATEWAY, RTA_MAX,
  RTA_OIF, RTA_PREFSRC, RTA_PRIORITY, RTA_TABLE, RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE,
} from '../../protocol/constants.js';
import { NlWriter } from '../../protocol/writer.js';
import { IFF_UP } from '../../src/model/flags.js';
import { DispatchHarness, type Decoded } from '../helpers/dispatch.js';
import { mulberry32 } from '../helpers/prng.js';

// inetConfig reads a plain IPv4 request (rtmsg + 4-byte DST/GATEWAY/OIF/PRIORITY/PREFSRC/TABLE)
// in place and parses anything else with the policy. The same request with one attribute past
// RTA_MAX appended (which nlmsg_parse_deprecated ignores) takes the policy path: both must give
// the same answer (errno, ext-ack text and offset) and leave the same routes.

function rig(): DispatchHarness {
  const h = new DispatchHarness();
  h.session.capAck = true;
  const m = h.model;
  const [d0] = m.createLink({ kind: 'dummy', name: 'd0' });
  m.createLink({ kind: 'dummy', name: 'd1' }); // stays down
  m.changeFlags(d0!, IFF_UP, IFF_UP);
  m.addresses.newInet4({ ifindex: d0!.index, prefixlen: 24, flags: 0, scope: 0, local: new Uint8Array([100, 0, 0, 1]) }, { excl: true, replace: false });
  return h;
}

interface Req {
  type: number;
  flags: number;
  rtm: number[];
  attrs: Array<[number, number[]]>;
}

function encode(r: Req, seq: number, ignored: boolean): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(r.type, r.flags, seq, 0);
  for (const b of r.rtm.slice(0, 8)) w.u8(b);
  w.u32(r.rtm[8]!);
  for (const [type, bytes] of r.attrs) w.attrBytes(type, new Uint8Array(bytes));
  if (ignored) w.attrU32(RTA_MAX + 1, 7);
  w.msgEnd(at);
  return w.take();
}

/** An ACK with the echoed nlmsg_len (which the extra attribute changes) zeroed. */
const comparable = (d: Decoded[]) => d.map((m) => {
  const raw = Buffer.from(m.raw);
  if (m.type === 2) raw.fill(0, 20, 24);
  return raw.toString('hex');
});

const dump = (h: DispatchHarness) => {
  const w = new NlWriter();
  const at = w.msgStart(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 1, 0);
  w.u8(2).zeros(11);
  w.msgEnd(at);
  return h.call(w.take()).then((d) => d.map((m) => m.raw.toString('hex')));
};

function randomRequest(random: () => number): Req {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const ip = (a: number, b: number, c: number, d: number) => [a, b, c, d];
  const u32 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
  const dstLen = pick([0, 8, 16, 24, 24, 24, 30, 32, 33, 40]);
  const rtm = [
    2, dstLen, 0, pick([0, 0, 0, 1, 2, 3, 4, 8]), pick([0, 0, 254, 255, 100, 253]), pick([0, 3, 4, 186]), pick([0, 0, 200, 253, 254, 255]),
    pick([0, 1, 1, 1, 2, 3, 6, 7, 9, 12, 13]), pick([0, 0, 0, 1, 4, 0x40, 0x100]),
  ];
  const attrs: Array<[number, number[]]> = [];
  const n = Math.floor(random() * 5);
  for (let i = 0; i < n; i++) {
    const type = pick([RTA_DST, RTA_DST, RTA_GATEWAY, RTA_GATEWAY, RTA_OIF, RTA_PRIORITY, RTA_PREFSRC, RTA_TABLE]);
    const value = type === RTA_DST ? pick([ip(10, 1, 2, 0), ip(10, 1, 2, 3), ip(10, 0, 0, 0), ip(0, 0, 0, 0), ip(100, 0, 0, 0)])
      : type === RTA_GATEWAY ? pick([ip(100, 0, 0, 2), ip(0, 0, 0, 0), ip(100, 0, 0, 1), ip(10, 9, 9, 9), ip(100, 0, 0, 255)])
        : type === RTA_OIF ? u32(pick([0, 1, 2, 3, 99]))
          : type === RTA_PRIORITY ? u32(pick([0, 10, 0xffffffff]))
            : type === RTA_PREFSRC ? pick([ip(100, 0, 0, 1), ip(1, 2, 3, 4), ip(0, 0, 0, 0)])
              : u32(pick([0, 254, 255, 1000, 0x80000000]));
    attrs.push([type, value]);
  }
  const type = random() < 0.7 ? RTM_NEWROUTE : RTM_DELROUTE;
  const flags = NLM_F_REQUEST | NLM_F_ACK | (type === RTM_NEWROUTE
    ? pick([NLM_F_CREATE | NLM_F_EXCL, NLM_F_CREATE, NLM_F_CREATE | NLM_F_REPLACE, NLM_F_CREATE | NLM_F_APPEND, NLM_F_REPLACE, 0])
    : 0);
  return { type, flags, rtm, attrs };
}

describe('IPv4 route requests read in place', () => {
  it('answer and change the model as the policy-parsed request does', async () => {
    const random = mulberry32(1515);
    const inPlace = rig();
    const parsed = rig();
    let seq = 0;
    const errors = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const r = randomRequest(random);
      seq++;
      const a = await inPlace.call(encode(r, seq, false));
      const b = await parsed.call(encode(r, seq, true));
      expect(comparable(a), JSON.stringify(r)).toEqual(comparable(b));
      if (a[0]?.error) errors.add(`${a[0].error} ${a[0].extMsg ?? ''}`);
      if (i % 100 === 99) expect(await dump(inPlace)).toEqual(await dump(parsed));
    }
    expect(await dump(inPlace)).toEqual(await dump(parsed));
    // The sequence reached the header checks the in-place path makes itself, and the model's.
    for (const text of ['Invalid dsfield (tos): ECN bits must be 0', 'Invalid route type', 'Invalid prefix length', 'Invalid prefix for given prefix length']) {
      expect([...errors].some((e) => e.endsWith(text)), text).toBe(true);
    }
    expect(errors.size).toBeGreaterThan(8);
    expect(parsed.model.routes.tables.inet(254)!.size).toBeGreaterThan(3);
  });
});
