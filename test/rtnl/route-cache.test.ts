import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AF_INET, NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST, RTM_GETROUTE, RTM_NEWROUTE } from '../../protocol/constants.js';
import { eachMessage } from '../../protocol/nlmsg.js';
import { NlWriter } from '../../protocol/writer.js';
import { ManualClock } from '../../src/model/clock.js';
import { IFF_UP } from '../../src/model/flags.js';
import { prefixKey } from '../../src/model/routes/fib4-table.js';
import { NetworkModel } from '../../src/model/store.js';
import { routeBlocks } from '../../src/rtnl/route-cache.js';
import { writeRouteEntry } from '../../src/rtnl/route-view.js';
import { DispatchHarness } from '../helpers/dispatch.js';

const CREATE = { create: true, excl: false, replace: false, append: true };
const REPLACE = { create: true, excl: false, replace: true, append: false };

/** A fresh encoding of every IPv4 route, in dump order, with this flags/seq/pid. */
function freshDump(model: NetworkModel, seq: number, pid: number): string[] {
  const w = new NlWriter();
  for (const r of model.routes.tables.routes('inet')) writeRouteEntry(w, RTM_NEWROUTE, NLM_F_MULTI, seq, pid, model, r);
  return [...eachMessage(w.take())].map((m) => m.toString('hex'));
}

/** Every kept block holds the messages of its prefixes (from its first key to the next block's), each as encoded now. */
function expectBlocksFresh(model: NetworkModel): void {
  const blocks = routeBlocks(model);
  for (const id of model.routes.tables.tableIds('inet')) {
    const table = model.routes.tables.inet(id)!;
    for (const { first, next, messages } of blocks.of(table)!.kept()) {
      const w = new NlWriter();
      for (const r of table.routes()) {
        const key = prefixKey(r.dst, r.dstLen);
        if (key >= first && key < next) writeRouteEntry(w, RTM_NEWROUTE, 0, 0, 0, model, r);
      }
      const body = (m: Buffer) => m.subarray(16).toString('hex');
      expect([...eachMessage(messages)].map(body), `table ${id} block [${first}, ${next})`).toEqual([...eachMessage(w.take())].map(body));
    }
  }
}

type Step = [op: number, a: number, b: number, dump: boolean];

function setup() {
  const clock = new ManualClock(1_000_000);
  const model = new NetworkModel({ cpuCount: 2, clock, addresses: { dadMs: 0 } });
  model.addLoopback();
  for (const i of [0, 1, 2]) model.createLink({ kind: 'veth', name: `v${i}`, peer: { kind: 'veth', name: `p${i}` } });
  const devices = [0, 1, 2].map((i) => model.byName(`v${i}`)!);
  for (const i of [0, 1, 2]) for (const name of [`v${i}`, `p${i}`]) model.changeFlags(model.byName(name)!, IFF_UP, IFF_UP);
  clock.flush();
  return { clock, model, devices, h: new DispatchHarness(model) };
}

function apply(s: ReturnType<typeof setup>, [op, a, b]: Step): void {
  const { model, devices } = s;
  const dev = devices[a % devices.length]!;
  const table = [254, 255, 100][b % 3]!;
  // Addresses spread over a few /8s, so tables get prefixes before, between and after others.
  const dst = (((a % 5) * 40 + 10) << 24 | (b & 0xff) << 16 | (a & 0xff) << 8) | 0;
  switch (op) {
    case 0: // a unicast route through a device (its hop flags follow the device)
      return model.routes.inet.add({
        table, dst, dstLen: 24, tos: 0, protocol: 4, scope: 253, type: 1, priority: b % 3, prefsrc: 0, flags: 0,
        nexthops: [{ ifindex: dev.index, weight: 1, flags: 0, flow: 0 }], multipath: false,
      }, b & 4 ? REPLACE : CREATE);
    case 1: // many blackhole routes at once: a block is split
      for (let i = 0; i < 70; i++) {
        model.routes.inet.add({
          table, dst: dst + (i << 8), dstLen: 24, tos: 0, protocol: 4, scope: 0, type: 6, priority: 0, prefsrc: 0, flags: 0, nexthops: [], multipath: false,
        }, CREATE);
      }
      return;
    case 2:
      return model.routes.inet.delete({ table, dst, dstLen: 24, tos: 0, type: 0, protocol: 0, scope: 255, priority: 0, prefsrc: 0, nexthops: [], metrics: undefined } as never);
    case 3: // up or down (DEAD, LINKDOWN), or the peer down (no carrier: LINKDOWN)
      return model.changeFlags(b & 1 ? dev : model.byName(dev.name.replace('v', 'p'))!, b & 2 ? IFF_UP : 0, IFF_UP);
    case 4: // an address: its local, broadcast and prefix routes
      return model.addresses.newInet4({ ifindex: dev.index, prefixlen: 24, flags: 0, scope: 0, local: new Uint8Array([10, a % 4, b % 4, 1]) }, { excl: false, replace: true });
    default:
      return void model.deleteLink(devices.splice(a % devices.length, 1)[0]!);
  }
}

describe('IPv4 route blocks', () => {
  it('equal fresh encodings after any sequence of route, address and device changes, and dumps copy them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(5), fc.nat(), fc.nat(255), fc.boolean()), { minLength: 1, maxLength: 30 }), async (steps) => {
        const s = setup();
        for (const step of steps) {
          if (s.devices.length === 0) break;
          try {
            apply(s, step);
          } catch (e) {
            if (!(e instanceof Error && e.constructor.name === 'ModelError')) throw e;
          }
          s.clock.flush();
          if (step[3]) {
            const dump = await s.h.call(Buffer.from(request(7)));
            expect(dump.filter((m) => m.type === RTM_NEWROUTE).map((m) => m.raw.toString('hex'))).toEqual(freshDump(s.model, 7, s.h.session.portid));
          }
          expectBlocksFresh(s.model);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a table of many prefixes is kept as blocks of 64, and a change drops only its own block', async () => {
    const s = setup();
    const add = (i: number, protocol: number) => s.model.routes.inet.add({
      table: 254, dst: (10 << 24) | (i << 8), dstLen: 24, tos: 0, protocol, scope: 253, type: 1, priority: 0, prefsrc: 0, flags: 0,
      nexthops: [{ ifindex: s.devices[0]!.index, weight: 1, flags: 0, flow: 0 }], multipath: false,
    }, REPLACE);
    for (let i = 0; i < 300; i++) add(i, 4);
    const table = s.model.routes.tables.inet(254)!;
    const blocks = routeBlocks(s.model).of(table)!;
    expect(blocks.kept()).toEqual([]);
    await s.h.call(Buffer.from(request(1)));
    expect(blocks.kept().map((k) => [...eachMessage(k.messages)].length)).toEqual([64, 64, 64, 64, 44]);
    add(100, 5); // replaces one route, in the second block
    expect(blocks.kept().map((k) => [...eachMessage(k.messages)].length)).toEqual([64, 64, 64, 44]);
    expectBlocksFresh(s.model);
    const dump = await s.h.call(Buffer.from(request(2)));
    expect(dump.filter((m) => m.type === RTM_NEWROUTE).map((m) => m.raw.toString('hex'))).toEqual(freshDump(s.model, 2, s.h.session.portid));
    expect(blocks.kept()).toHaveLength(5);
    s.model.changeFlags(s.devices[0]!, 0, IFF_UP); // DEAD on its routes (those left): every block goes
    expect(blocks.kept()).toEqual([]);
  });
});

/** RTM_GETROUTE dump, AF_INET, unfiltered. */
function request(seq: number): Uint8Array {
  const b = Buffer.alloc(28);
  b.writeUInt32LE(28, 0);
  b.writeUInt16LE(RTM_GETROUTE, 4);
  b.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  b.writeUInt32LE(seq, 8);
  b[16] = AF_INET;
  return b;
}
