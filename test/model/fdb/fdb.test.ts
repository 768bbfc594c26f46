import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/model/clock.js';
import { isFdbEvent, type FdbEvent } from '../../../src/model/events.js';
import { FDB_AGEING_MS } from '../../../src/model/fdb/fdb.js';
import { NetworkModel } from '../../../src/model/store.js';

const mac = (last: number) => Uint8Array.of(2, 0, 0, 0, 0, last);
const text = (e: FdbEvent) => `${e.type} ${e.entry ? `${[...e.entry.mac].map((b) => b.toString(16)).join(':')} port ${e.entry.port} ${e.entry.state}` : 'self'}`;

function setup() {
  const clock = new ManualClock();
  const model = new NetworkModel({ cpuCount: 1, clock });
  model.addLoopback();
  const events: string[] = [];
  model.onEvent((e) => {
    if (isFdbEvent(e)) events.push(text(e));
  });
  const [br] = model.createLink({ kind: 'bridge', name: 'br0', address: mac(0xb0) });
  const [p1, p0] = model.createLink({ kind: 'veth', name: 'p0', address: mac(0x10), peer: { kind: 'veth', name: 'p1', address: mac(0x11) } });
  return { clock, model, events, br: br!, p0: p0!.name === 'p0' ? p0! : p1!, p1: p0!.name === 'p0' ? p1! : p0! };
}

describe('bridge FDB following the netdevice chain', () => {
  it('makes local entries for the bridge and its ports, moves them with addresses and drops them on release', () => {
    const { model, events, br, p0 } = setup();
    expect(events).toEqual(['newfdb 2:0:0:0:0:b0 port 0 permanent', 'delfdb 2:0:0:0:0:b0 port 0 permanent', 'newfdb 2:0:0:0:0:b0 port 0 permanent']);
    events.length = 0;
    model.setMaster(p0, br.index);
    expect(events).toEqual([`newfdb 2:0:0:0:0:10 port ${p0.index} permanent`]);
    events.length = 0;
    model.setAddress(p0, mac(0x12));
    expect(events).toEqual([`delfdb 2:0:0:0:0:10 port ${p0.index} permanent`, `newfdb 2:0:0:0:0:12 port ${p0.index} permanent`]);
    events.length = 0;
    model.setMaster(p0, 0);
    expect(events).toEqual([`delfdb 2:0:0:0:0:12 port ${p0.index} permanent`]);
    expect(model.fdb.entries(br.index).map((e) => e.port)).toEqual([0]);
  });

  it('a deleted bridge drops its entries before it closes (br_dev_delete), so before the flush of its neighbours', () => {
    const { model, br } = setup();
    const order: string[] = [];
    model.onEvent((e) => {
      if (e.type === 'delfdb' || e.type === 'delneigh' || e.type === 'dellink') order.push(e.type);
    });
    model.changeFlags(br, 1, 1); // up: its IGMPv3 report leaves a 224.0.0.22 entry
    model.deleteLink(br);
    expect(order).toEqual(['delfdb', 'delneigh', 'dellink']);
  });

  it('ages learned entries out on the model clock, and learning again refreshes them', () => {
    const { clock, model, events, br, p0, p1 } = setup();
    model.setMaster(p0, br.index);
    events.length = 0;
    model.fdb.learn(br.index, p0.index, mac(0x77));
    clock.advance(FDB_AGEING_MS - 1000);
    model.fdb.learn(br.index, p0.index, mac(0x77));
    clock.advance(FDB_AGEING_MS - 1000);
    expect(model.fdb.find(br.index, mac(0x77), 0)).toBeDefined();
    clock.advance(2000);
    expect(model.fdb.find(br.index, mac(0x77), 0)).toBeUndefined();
    expect(events).toEqual([`newfdb 2:0:0:0:0:77 port ${p0.index} dynamic`, `delfdb 2:0:0:0:0:77 port ${p0.index} dynamic`]);
    expect(p1.master).toBe(0);
  });

  it('survives a snapshot round trip without announcing anything', () => {
    const { model, events, br, p0 } = setup();
    model.setMaster(p0, br.index);
    model.fdb.add({ bridge: br.index, port: p0.index, mac: mac(0x20), vid: 0, state: 'static', sticky: false, create: true, excl: true });
    const saved = model.exportLinks();
    events.length = 0;
    model.importLinks(saved);
    expect(events).toEqual([]);
    expect(model.fdb.entries(br.index).map((e) => e.state)).toEqual(['static', 'permanent', 'permanent']);
  });
});
