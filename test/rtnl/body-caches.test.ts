import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeAddrBody } from '../../protocol/addr-message.js';
import { writeLinkBody } from '../../protocol/link-message.js';
import { RTM_NEWADDR } from '../../protocol/constants.js';
import { eachMessage } from '../../protocol/nlmsg.js';
import { NlWriter } from '../../protocol/writer.js';
import { ManualClock } from '../../src/model/clock.js';
import { NetworkModel } from '../../src/model/store.js';
import type { KindName } from '../../src/model/types.js';
import { addressBodies, blockOf } from '../../src/rtnl/addr-cache.js';
import { backgroundIdle } from '../../src/rtnl/background.js';
import { addrMessage } from '../../src/rtnl/addr-view.js';
import { linkBodies } from '../../src/rtnl/link-cache.js';
import { linkMessage } from '../../src/rtnl/link-view.js';

const hexOf = (write: (w: NlWriter) => void) => {
  const w = new NlWriter();
  write(w);
  return w.take().toString('hex');
};

/** Every body the caches keep equals a fresh encoding of the model as it is now. */
function expectBodiesFresh(model: NetworkModel): void {
  const links = linkBodies(model);
  const addresses = addressBodies(model);
  for (const link of model.iterate()) {
    const kept = links.kept(link);
    if (kept) expect(kept.toString('hex'), `link ${link.name}`).toBe(hexOf((w) => writeLinkBody(w, linkMessage(model, link, { skipStats: false }))));
    for (const family of ['inet', 'inet6'] as const) {
      for (const a of model.addresses.list(link.index, family)) {
        const body = addresses.kept(a);
        if (body) expect(body.toString('hex'), `address on ${link.name}`).toBe(hexOf((w) => writeAddrBody(w, addrMessage(model, a))));
      }
    }
  }
  // A kept block holds the messages of its devices' addresses, in dump order, each as encoded now.
  const last = Math.max(...[...model.iterate()].map((l) => l.index));
  for (let block = 0; block <= blockOf(last); block++) {
    for (const family of ['inet', 'inet6'] as const) {
      const kept = addresses.keptBlock(family, block);
      if (!kept) continue;
      const fresh = [...model.iterate()].filter((l) => blockOf(l.index) === block)
        .flatMap((l) => model.addresses.list(l.index, family).map((a) => hexOf((w) => writeAddrBody(w, addrMessage(model, a)))));
      expect([...eachMessage(kept)].map((m) => [m.readUInt16LE(4), m.subarray(16).toString('hex')]), `${family} block ${block}`)
        .toEqual(fresh.map((body) => [RTM_NEWADDR, body]));
    }
  }
}

const KINDS: KindName[] = ['dummy', 'bridge', 'veth', 'ifb', 'vlan', 'macvlan'];

/** One random change to the model; `n` picks among what exists, `v` is a value. Refused changes are fine. */
type Step = [op: number, n: number, v: number, fill: boolean];

function apply(model: NetworkModel, clock: ManualClock, [op, n, v]: Step, serial: number): void {
  const links = [...model.iterate()];
  const link = links[n % links.length]!;
  const pick = (k: KindName) => [...model.linksOfKind(k)][v % Math.max(1, model.linksOfKind(k).size)];
  const v4 = new Uint8Array([10, v % 4, n % 4, 1 + (v % 3)]);
  const v6 = new Uint8Array([0xfe, 0x80 ^ (v & 1 ? 0xdf : 0), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n % 5, 1 + (v % 3)]);
  switch (op) {
    case 0: {
      const kind = KINDS[v % KINDS.length]!;
      const parent = kind === 'vlan' || kind === 'macvlan' ? (pick('dummy') ?? pick('veth'))?.index : undefined;
      if ((kind === 'vlan' || kind === 'macvlan') && parent === undefined) return;
      model.createLink({
        kind, name: `l${serial}`, parent, index: v & 2 ? 60 + serial * 3 : undefined, vlan: kind === 'vlan' ? { id: 1 + (serial % 4000), protocol: 0x8100, flags: 1 } : undefined,
        peer: kind === 'veth' ? { kind: 'veth', name: `p${serial}` } : undefined, flags: v & 1, change: 1,
      });
      return;
    }
    case 1: return model.setMaster(link, v & 1 ? pick('bridge')?.index ?? 0 : 0);
    case 2: return model.changeFlags(link, v & 1, 1);
    case 3: return model.setMtu(link, [1000, 1280, 1500, 9000][v % 4]!);
    case 4: return model.setAlias(link, `a${v}`);
    case 5: return model.rename(link, `r${serial}`);
    case 6: return model.setAddress(link, new Uint8Array([2, 0, 0, 0, n & 0xff, v & 0xff]));
    case 7: return model.setCarrier(link, (v & 1) === 1);
    case 8: return model.setStats(link, { rxPackets: v });
    case 9: return void model.setOperstate(link, [5, 6, 0][v % 3]!);
    case 10: return void model.deleteLink(link);
    case 11: return model.addresses.newInet4({ ifindex: link.index, prefixlen: 24, flags: 0, scope: 0, local: v4 }, { excl: v % 5 !== 0, replace: v % 5 === 0 });
    case 12: return model.addresses.newInet6({ ifindex: link.index, prefixlen: 64, flags: v & 0x102, local: v6, rtPriority: v & 8 }, { excl: v % 4 !== 0, replace: v % 4 === 0 });
    case 13: return model.addresses.delInet4({ ifindex: link.index, prefixlen: 24, local: v4 });
    case 14: return model.addresses.delInet6({ ifindex: link.index, prefixlen: 64, local: v6 });
    case 15: return clock.advance(v * 10); // DAD ends, router solicitations go out
    default: return model.setGroup(link, v);
  }
}

describe('encoded link and address bodies', () => {
  it('equal fresh encodings after any sequence of changes, with or without the background fill', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(16), fc.nat(), fc.nat(255), fc.boolean()), { minLength: 1, maxLength: 40 }), (steps) => {
        const clock = new ManualClock(1_000_000);
        const model = new NetworkModel({ cpuCount: 2, clock, addresses: { dadMs: 500 } });
        model.addLoopback();
        linkBodies(model);
        addressBodies(model);
        steps.forEach((step, serial) => {
          try {
            apply(model, clock, step, serial);
          } catch (e) {
            if (!(e instanceof Error && e.constructor.name === 'ModelError')) throw e;
          }
          // A dump's misses are kept too: write every address through the cache now and then.
          if (step[3]) {
            linkBodies(model).fillAll();
            addressBodies(model).fillAll();
            const w = new NlWriter();
            for (const link of model.iterate()) for (const a of [...model.addresses.list(link.index, 'inet'), ...model.addresses.list(link.index, 'inet6')]) addressBodies(model).write(w, a, 2, 1, 1);
            // And the blocks a dump makes as it reaches them (serial picks which are left to the fill).
            for (let block = serial % 2; block < 4; block += 2) for (const family of ['inet', 'inet6'] as const) addressBodies(model).writeBlock(w, family, block, 2, 1, 1);
          }
          expectBodiesFresh(model);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('a tentative address modified (announced only once DAD ends) is encoded again', () => {
    const clock = new ManualClock(1_000_000);
    const model = new NetworkModel({ cpuCount: 2, clock, addresses: { dadMs: 500 } });
    model.addLoopback();
    const cache = addressBodies(model);
    const [d] = model.createLink({ kind: 'dummy', name: 'd0', flags: 1, change: 1 });
    const local = new Uint8Array([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    model.addresses.newInet6({ ifindex: d!.index, prefixlen: 64, flags: 0, local }, { excl: true, replace: false });
    cache.fillAll();
    const a = model.addresses.list(d!.index, 'inet6').find((x) => x.prefixlen === 64 && x.address[0] === 0x20)!;
    const before = cache.kept(a);
    expect(before).toBeDefined();
    model.addresses.newInet6({ ifindex: d!.index, prefixlen: 64, flags: 0, local, rtPriority: 7 }, { excl: false, replace: true });
    expect(a.flags & 0x40).toBe(0x40); // still tentative: the change is not announced
    cache.fillAll();
    expect(cache.kept(a)?.toString('hex')).not.toBe(before!.toString('hex'));
    expectBodiesFresh(model);
  });

  it('the background fill keeps every link once the model is left alone', async () => {
    const model = new NetworkModel({ cpuCount: 2 });
    model.addLoopback();
    const cache = linkBodies(model);
    for (let i = 0; i < 600; i++) model.createLink({ kind: i % 2 ? 'bridge' : 'veth', name: `x${i}`, peer: i % 2 ? undefined : { kind: 'veth', name: `y${i}` } });
    expect(cache.kept(model.byName('x599')!)).toBeUndefined();
    await backgroundIdle();
    for (const link of model.iterate()) expect(cache.kept(link), link.name).toBeDefined();
    expectBodiesFresh(model);
  });
});
