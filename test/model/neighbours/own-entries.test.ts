import { describe, expect, it } from 'vitest';
import { NUD_NOARP, RTN_MULTICAST } from '../../../protocol/constants.js';
import { ManualClock } from '../../../src/model/clock.js';
import { isNeighEvent } from '../../../src/model/events.js';
import { IFF_UP } from '../../../src/model/flags.js';
import type { Neighbour } from '../../../src/model/neighbours/neighbour.js';
import { dstBytes } from '../../../src/model/neighbours/neighbour.js';
import { NetworkModel } from '../../../src/model/store.js';
import type { Link } from '../../../src/model/types.js';

// The kernel's own multicast entries (linux-netns-neigh.md §4.3): MLD reports, DAD's and the router
// solicitations, a bridge's IGMPv3 report; created silently, announced when flushed.

/** fe80::ff:feaa:bbcc, whose solicited-node group is ff02::1:ffaa:bbcc. */
const MAC0 = Uint8Array.of(2, 0, 0, 0xaa, 0xbb, 0xcc);
const FF02_16 = 'ff02::16';
const FF02_2 = 'ff02::2';
const SOLICITED_LL = 'ff02::1:ffaa:bbcc';

function setup(dadMs = 1000) {
  const clock = new ManualClock();
  const model = new NetworkModel({ cpuCount: 1, clock, addresses: { dadMs } });
  model.addLoopback();
  // The peer registers first.
  const [v1, v0] = model.createLink({ kind: 'veth', name: 'v0', address: MAC0, peer: { kind: 'veth', name: 'v1' } }) as [Link, Link];
  const events: string[] = [];
  model.onEvent((e) => {
    if (isNeighEvent(e)) events.push(`${e.type} ${e.neigh.ifindex} ${show(e.neigh)}`);
  });
  const up = (l: Link) => model.changeFlags(l, IFF_UP, IFF_UP);
  const down = (l: Link) => model.changeFlags(l, 0, IFF_UP);
  /** A device's entries as `ip neigh show nud all dev X` lists them: own ones by group, others with their state. */
  const table = (l: Link) => [...model.neighbours.tables.inet.entries(), ...model.neighbours.tables.inet6.entries()]
    .filter((n) => n.ifindex === l.index).map(show).sort();
  return { clock, model, v0, v1, events, up, down, table };
}

function show(n: Readonly<Neighbour>): string {
  const b = dstBytes(n.dst);
  let dst: string;
  if (b.length === 4) dst = b.join('.');
  else {
    const words: string[] = [];
    for (let i = 0; i < 16; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
    dst = words.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  }
  return n.state === NUD_NOARP && n.type === RTN_MULTICAST ? dst : `${dst} state ${n.state}`;
}

const v6 = (s: string) => {
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const words = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t].map((w) => parseInt(w, 16));
  return Uint8Array.from(words.flatMap((w) => [w >> 8, w & 255]));
};

describe("the kernel's own multicast neighbour entries", () => {
  it('appear silently once the link is up with a carrier: MLD (ff02::16), DAD (solicited-node), then a router solicitation', () => {
    const s = setup();
    s.up(s.v0);
    expect(s.table(s.v0)).toEqual([]); // no carrier: addrconf waits, nothing is sent
    s.up(s.v1);
    expect(s.table(s.v0)).toEqual([FF02_16]);
    s.clock.flush(); // DAD of fe80::ff:feaa:bbcc starts: its neighbour solicitation goes out
    expect(s.table(s.v0)).toEqual([FF02_16, SOLICITED_LL].sort());
    s.clock.advance(999);
    expect(s.table(s.v0)).not.toContain(FF02_2);
    s.clock.advance(1); // DAD completes: the first router solicitation
    expect(s.table(s.v0)).toEqual([FF02_16, FF02_2, SOLICITED_LL].sort());
    expect(s.events).toEqual([]); // none of it announced
  });

  it('a global address adds its solicited-node group when DAD probes, a NODAD one none', () => {
    const s = setup();
    s.up(s.v0);
    s.up(s.v1);
    s.clock.advance(2000);
    s.model.addresses.newInet6({ ifindex: s.v0.index, prefixlen: 64, address: v6('2001:db8::1:2:3'), flags: 0 }, { excl: true, replace: false });
    s.model.addresses.newInet6({ ifindex: s.v0.index, prefixlen: 64, address: v6('2001:db8::4:5:6'), flags: 0x02 }, { excl: true, replace: false });
    s.clock.flush();
    expect(s.table(s.v0)).toEqual([FF02_16, FF02_2, 'ff02::1:ff02:3', SOLICITED_LL].sort());
  });

  it('are flushed and announced like other entries (carrier loss, admin down); router solicitations go on without a carrier', () => {
    const s = setup();
    s.up(s.v0);
    s.up(s.v1);
    s.clock.advance(1500);
    s.down(s.v1);
    expect(s.table(s.v0)).toEqual([]);
    expect(s.events.filter((e) => e.startsWith(`delneigh ${s.v0.index} `)).sort()).toEqual(
      [FF02_16, FF02_2, SOLICITED_LL].map((g) => `delneigh ${s.v0.index} ${g}`).sort());
    expect(s.events.filter((e) => e.startsWith('delneigh')).length).toBe(6); // v1's three too
    // The first solicitation went at 1 s; the next 4 s later (IF_READY survives the carrier loss).
    s.clock.advance(3499);
    expect(s.table(s.v0)).toEqual([]);
    s.clock.advance(1);
    expect(s.table(s.v0)).toEqual([FF02_2]);
    // Then after 8 s more, 16 s more: a flushed entry comes back at each.
    s.model.neighbours.delete('inet6', s.v0.index, v6(FF02_2));
    s.clock.advance(7999);
    expect(s.table(s.v0)).toEqual([]);
    s.clock.advance(1);
    expect(s.table(s.v0)).toEqual([FF02_2]);
    // Admin down stops the solicitations.
    s.down(s.v0);
    s.clock.advance(3_600_000);
    expect(s.table(s.v0)).toEqual([]);
  });

  it('the carrier coming back resends MLD reports (ipv6_mc_up), without a new DAD or solicitation', () => {
    const s = setup();
    s.up(s.v0);
    s.up(s.v1);
    s.clock.advance(1500);
    s.down(s.v1);
    s.up(s.v1);
    expect(s.table(s.v0)).toEqual([FF02_16]);
    s.clock.advance(2000);
    expect(s.table(s.v0)).toEqual([FF02_16]);
  });

  it('an MTU below 1280 flushes the IPv6 table, permanent entries too, and keeps IPv4', () => {
    const s = setup(0);
    s.up(s.v0);
    s.up(s.v1);
    s.clock.flush();
    const add = (family: 'inet' | 'inet6', dst: Uint8Array) => s.model.neighbours.update({
      family, ifindex: s.v0.index, dst, lladdr: Uint8Array.of(2, 0, 0, 0, 0, 9), state: 0x80, ntf: 0, ext: 0, protocol: 0,
      create: true, excl: true, replace: false,
    });
    add('inet', Uint8Array.of(10, 0, 0, 9));
    add('inet6', v6('2001:db8::9'));
    s.events.length = 0;
    s.model.setMtu(s.v0, 1200);
    expect(s.table(s.v0)).toEqual(['10.0.0.9 state 128']);
    expect(s.events.sort()).toEqual([FF02_16, FF02_2, SOLICITED_LL, '2001:db8::9 state 128'].map((g) => `delneigh ${s.v0.index} ${g}`).sort());
    // IPv6 back: configured again, reports again.
    s.model.setMtu(s.v0, 1500);
    s.clock.flush();
    expect(s.table(s.v0)).toEqual(['10.0.0.9 state 128', FF02_16, FF02_2, SOLICITED_LL].sort());
  });

  it('NOARP devices send no MLD report and no DAD probe, only the router solicitation; lo sends nothing', () => {
    const s = setup();
    const [d0] = s.model.createLink({ kind: 'dummy', name: 'd0' }) as [Link];
    s.up(d0);
    s.up(s.model.byName('lo')!);
    s.clock.flush();
    expect(s.table(d0)).toEqual([FF02_2]);
    expect(s.table(s.model.byName('lo')!)).toEqual([]);
  });

  it('an IPv6 proxy leaving its group on an up device reports it: a flushed ff02::16 comes back', () => {
    const s = setup();
    s.up(s.v0);
    s.up(s.v1);
    s.model.neighbours.addProxy('inet6', s.v0.index, v6('2001:db8::7'), 0, 0, 0);
    s.down(s.v1); // carrier loss: entries and the non-permanent proxy go; the leave is reported
    expect(s.table(s.v0)).toEqual([FF02_16]);
  });
});
