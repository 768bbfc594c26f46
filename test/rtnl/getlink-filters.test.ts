import { describe, expect, it, vi } from 'vitest';
import {
  AF_BRIDGE, IFLA_EXT_MASK, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MASTER, NLA_F_NESTED, NLM_F_DUMP, NLM_F_DUMP_FILTERED, NLM_F_REQUEST, NLMSG_DONE, RTM_GETLINK,
} from '../../protocol/constants.js';
import { NlWriter } from '../../protocol/writer.js';
import { NetworkModel } from '../../src/model/store.js';
import type { Link } from '../../src/model/types.js';
import type { DumpRun } from '../../src/rtnl/dump-run.js';
import { decodeAll, DispatchHarness } from '../helpers/dispatch.js';

function dump(filter: { master?: number; kind?: string }): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 9, 0);
  w.zeros(16);
  if (filter.master !== undefined) w.attrU32(IFLA_MASTER, filter.master);
  if (filter.kind !== undefined) {
    const nest = w.nestStart(IFLA_LINKINFO | NLA_F_NESTED);
    w.attrString(IFLA_INFO_KIND, filter.kind);
    w.nestEnd(nest);
  }
  w.msgEnd(at);
  return w.take();
}

function setup() {
  const model = new NetworkModel({ cpuCount: 1 });
  model.addLoopback();
  const [br] = model.createLink({ kind: 'bridge', name: 'br0' });
  for (let i = 0; i < 30; i++) model.createLink({ kind: 'veth', name: `a${i}`, peer: { kind: 'veth', name: `b${i}` } });
  for (let i = 0; i < 10; i++) model.createLink({ kind: 'dummy', name: `d${i}` });
  // Ports joined out of index order, of two kinds.
  for (const name of ['d7', 'a20', 'b3', 'd1', 'a2']) model.setMaster(model.byName(name)!, br!.index);
  return { model, br: br!, h: new DispatchHarness(model) };
}

describe('filtered link dumps', () => {
  const cases: Array<[string, (br: Link) => { master?: number; kind?: string }, (l: Link, br: Link) => boolean]> = [
    ['a master\'s ports', (br) => ({ master: br.index }), (l, br) => l.master === br.index],
    ['one kind', () => ({ kind: 'dummy' }), (l) => l.kind === 'dummy'],
    ['a kind among a master\'s ports', (br) => ({ master: br.index, kind: 'veth' }), (l, br) => l.master === br.index && l.kind === 'veth'],
    ['devices without a master', () => ({ master: 0xffffffff }), (l) => l.master === 0],
  ];
  for (const [what, filter, keep] of cases) {
    it(`${what}: the matching links in ascending index order, flagged NLM_F_DUMP_FILTERED`, async () => {
      const { model, br, h } = setup();
      const replies = await h.call(dump(filter(br)));
      const entries = replies.filter((m) => m.type !== NLMSG_DONE);
      const expected = [...model.iterate()].filter((l) => keep(l, br)).map((l) => l.index);
      expect(expected.length).toBeGreaterThan(0);
      expect(entries.map((m) => m.raw.readInt32LE(20))).toEqual(expected);
      expect(entries.every((m) => m.flags & NLM_F_DUMP_FILTERED)).toBe(true);
    });
  }

  it('a dump filtered by master or kind visits only the matching set, not every link', async () => {
    const { model, br, h } = setup();
    const walk = vi.spyOn(model, 'linkAfter');
    await h.call(dump({ master: br.index }));
    await h.call(dump({ kind: 'dummy' }));
    expect(walk).not.toHaveBeenCalled();
    await h.call(dump({}));
    expect(walk).toHaveBeenCalled();
  });

  it('a port released during the dump is not listed', () => {
    const { model, br, h } = setup();
    const ports = model.portsOf(br.index).map((l) => l.index).sort((a, b) => a - b);
    const released = model.byIndex(ports.at(-1)!)!;
    const run = h.dispatcher.handle(dump({ master: br.index }), h.session, new NlWriter()) as DumpRun;
    model.setMaster(released, 0);
    const w = new NlWriter();
    while (!run.fill(w, 1 << 20));
    const listed = decodeAll(w.take()).filter((m) => m.type !== NLMSG_DONE).map((m) => m.raw.readInt32LE(20));
    expect(listed).toEqual(ports.slice(0, -1));
  });

  it('the AF_BRIDGE dump lists every bridge\'s ports in ascending index order, visiting only ports', async () => {
    const { model, br, h } = setup();
    const [br2] = model.createLink({ kind: 'bridge', name: 'br1' });
    for (const name of ['b9', 'a1']) model.setMaster(model.byName(name)!, br2!.index);
    const walk = vi.spyOn(model, 'linkAfter');
    const w = new NlWriter();
    const at = w.msgStart(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 4, 0);
    w.u8(AF_BRIDGE).zeros(15);
    w.msgEnd(at);
    const entries = (await h.call(w.take())).filter((m) => m.type !== NLMSG_DONE);
    const expected = [...model.iterate()].filter((l) => l.master === br.index || l.master === br2!.index).map((l) => l.index);
    expect(expected).toHaveLength(7);
    expect(entries.map((m) => m.raw.readInt32LE(20))).toEqual(expected);
    expect(entries.every((m) => m.raw[16] === AF_BRIDGE)).toBe(true);
    expect(walk).not.toHaveBeenCalled();
  });

  it('an AF_BRIDGE dump asking for VLAN, MRP or CFM information (IFLA_EXT_MASK) also lists each bridge, as its own master', async () => {
    const { model, br, h } = setup();
    const [br2] = model.createLink({ kind: 'bridge', name: 'br1' });
    const bridgeDump = async (extMask: number) => {
      const w = new NlWriter();
      const at = w.msgStart(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 4, 0);
      w.u8(AF_BRIDGE).zeros(15);
      w.attrU32(IFLA_EXT_MASK, extMask);
      w.msgEnd(at);
      return (await h.call(w.take())).filter((m) => m.type !== NLMSG_DONE);
    };
    const ports = [...model.iterate()].filter((l) => l.master === br.index).map((l) => l.index);
    // RTEXT_FILTER_VF, SKIP_STATS, MST: ports only. BRVLAN, BRVLAN_COMPRESSED, MRP, CFM_CONFIG, CFM_STATUS: bridges too.
    for (const extMask of [0, 1, 8, 128]) expect((await bridgeDump(extMask)).map((m) => m.raw.readInt32LE(20))).toEqual(ports);
    for (const extMask of [2, 3, 4, 16, 32, 64, 255]) {
      const entries = await bridgeDump(extMask);
      expect(entries.map((m) => m.raw.readInt32LE(20))).toEqual([...ports, br.index, br2!.index].sort((a, b) => a - b));
      const self = entries.find((m) => m.raw.readInt32LE(20) === br.index)!;
      // IFNAME, MASTER = itself, MTU, OPERSTATE, ADDRESS and nothing else (no PROTINFO): 32 + 8 + 8 + 8 + 8 + 12.
      expect(self.raw.length).toBe(76);
      expect(self.raw.readUInt32LE(32 + 8 + 4)).toBe(br.index);
    }
  });
});
