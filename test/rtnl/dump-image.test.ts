import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeDone } from '../../protocol/ack.js';
import {
  AF_INET, AF_INET6, AF_UNSPEC, IFA_CACHEINFO, IFA_LOCAL, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_EXCL,
  NLM_F_MULTI, NLM_F_REQUEST, NLMSG_DONE, RTA_DST, RTA_EXPIRES, RTA_OIF, RTM_GETADDR, RTM_GETLINK, RTM_GETROUTE, RTM_NEWADDR,
  RTM_NEWLINK, RTM_NEWROUTE,
} from '../../protocol/constants.js';
import { writeLinkMessage } from '../../protocol/link-message.js';
import { writeRouteRequest, type RouteRequest } from '../../protocol/route-request.js';
import { NlWriter } from '../../protocol/writer.js';
import { ManualClock } from '../../src/model/clock.js';
import { IFF_UP } from '../../src/model/flags.js';
import { NetworkModel } from '../../src/model/store.js';
import { DumpRun } from '../../src/rtnl/dump-run.js';
import { dumpImages } from '../../src/rtnl/dump-image.js';
import { linkMessage } from '../../src/rtnl/link-view.js';
import { decodeAll, DispatchHarness } from '../helpers/dispatch.js';
import { requestSequences } from '../helpers/request-steps.js';

const DUMP = NLM_F_REQUEST | NLM_F_DUMP;

function getLinkDump(seq: number): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(RTM_GETLINK, DUMP, seq, 0);
  w.zeros(16);
  w.msgEnd(at);
  return w.take();
}

function getAddrDump(seq: number): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(RTM_GETADDR, DUMP, seq, 0);
  w.u8(AF_UNSPEC).zeros(7);
  w.msgEnd(at);
  return w.take();
}

function getRouteDump(family: number, seq: number): Buffer {
  const w = new NlWriter();
  writeRouteRequest(w, RTM_GETROUTE, DUMP, seq, { family });
  return w.take();
}

function route(type: number, r: RouteRequest): Buffer {
  const w = new NlWriter();
  writeRouteRequest(w, type, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 1, r);
  return w.take();
}

/** 2001:db8:77::/64 on `oif`, expiring in `seconds` (RTA_EXPIRES). */
function expiringRoute6(oif: number, seconds: number): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 1, 0);
  w.u8(AF_INET6).u8(64).u8(0).u8(0).u8(254).u8(3).u8(0).u8(1).u32(0);
  w.attrBytes(RTA_DST, new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  w.attrU32(RTA_OIF, oif);
  w.attrU32(RTA_EXPIRES, seconds);
  w.msgEnd(at);
  return w.take();
}

function addIpv4(index: number, last: number, lifetimes?: { prefered: number; valid: number }): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 1, 0);
  w.u8(AF_INET).u8(24).u8(0).u8(0).u32(index);
  w.attrBytes(IFA_LOCAL, new Uint8Array([10, index & 0xff, 0, last]));
  if (lifetimes) {
    const ci = new NlWriter();
    ci.u32(lifetimes.prefered).u32(lifetimes.valid).u32(0).u32(0);
    w.attrBytes(IFA_CACHEINFO, ci.take());
  }
  w.msgEnd(at);
  return w.take();
}

/** The link dump as fresh encodings of the model, one message per link, then DONE. */
function freshLinkDump(model: NetworkModel, seq: number, pid: number): string {
  const w = new NlWriter();
  for (const link of model.iterate()) writeLinkMessage(w, RTM_NEWLINK, NLM_F_MULTI, seq, pid, linkMessage(model, link, { skipStats: false }));
  writeDone(w, seq, pid, 0, true);
  return w.take().toString('hex');
}

function setup(pairs: number) {
  const clock = new ManualClock();
  const model = new NetworkModel({ cpuCount: 2, clock });
  model.addLoopback();
  for (let i = 0; i < pairs; i++) model.createLink({ kind: 'veth', name: `a${i}`, peer: { kind: 'veth', name: `b${i}` } });
  return { model, clock, h: new DispatchHarness(model) };
}

const hexOf = (messages: { raw: Buffer }[]) => Buffer.concat(messages.map((m) => m.raw)).toString('hex');

describe('recorded dumps (dump-image)', () => {
  it('the second dump of a model state is recorded, and later ones copy it with their own seq and port id', async () => {
    const { model, h } = setup(40);
    await h.call(getLinkDump(1));
    expect(dumpImages(model).find('link/stats')).toBeUndefined();
    const first = await h.call(getLinkDump(1));
    const image = dumpImages(model).find('link/stats');
    expect(image?.complete).toBe(true);
    expect(image!.segments.length).toBeGreaterThan(0);
    h.session = { ...h.session, portid: 777 };
    const second = await h.call(getLinkDump(2));
    expect(dumpImages(model).find('link/stats')).toBe(image);
    expect(second.length).toBe(first.length);
    expect(second.every((m) => m.seq === 2 && m.pid === 777)).toBe(true);
    expect(hexOf(second)).toBe(freshLinkDump(model, 2, 777));
  });

  it('any change drops the recording: the next dump shows the change', async () => {
    const { model, h } = setup(5);
    await h.call(getLinkDump(1));
    await h.call(getLinkDump(1));
    const store = dumpImages(model);
    expect(store.find('link/stats')?.complete).toBe(true);
    expect(store.size).toBeGreaterThan(0);
    model.setAlias(model.byName('a3')!, 'after the recording');
    expect(store.find('link/stats')).toBeUndefined();
    expect(store.size).toBe(0);
    const after = await h.call(getLinkDump(2));
    expect(hexOf(after)).toBe(freshLinkDump(model, 2, 4242));
    // A quiet change of the address table (no event) counts as a change too.
    await h.call(getLinkDump(3));
    await h.call(getLinkDump(3));
    expect(store.find('link/stats')).toBeDefined();
    model.addresses.setPromoteSecondaries(model.byIndex(1)!, true);
    expect(store.find('link/stats')).toBeUndefined();
  });

  it('a change in the middle of a replayed dump: the rest is live, flagged NLM_F_DUMP_INTR', async () => {
    const { model, h } = setup(200);
    // Recorded in 64 KiB chunks, as the transport drives dumps (the second dump of a state records).
    await h.call(getLinkDump(1));
    const recorder = h.dispatcher.handle(getLinkDump(1), h.session, new NlWriter()) as DumpRun;
    while (!recorder.fill(new NlWriter(), 64 * 1024));
    expect(dumpImages(model).find('link/stats')!.segments.length).toBeGreaterThan(2);
    const run = h.dispatcher.handle(getLinkDump(2), h.session, new NlWriter()) as DumpRun;
    const w = new NlWriter();
    expect(run.fill(w, 64 * 1024)).toBe(false);
    const firstChunk = decodeAll(w.take());
    const lastInFirst = firstChunk.at(-1)!.raw.readInt32LE(20);
    const renamed = model.byName('b199')!;
    model.rename(renamed, 'renamed');
    const [created] = model.createLink({ kind: 'dummy', name: 'late' });
    while (!run.fill(w, 64 * 1024));
    const rest = decodeAll(w.take());
    expect(rest[0]!.flags & NLM_F_DUMP_INTR).toBe(NLM_F_DUMP_INTR);
    expect(rest.at(-1)!.type).toBe(NLMSG_DONE);
    const indexes = [...firstChunk, ...rest.slice(0, -1)].map((m) => m.raw.readInt32LE(20));
    expect(indexes).toEqual([...model.iterate()].map((l) => l.index));
    expect(rest[0]!.raw.readInt32LE(20)).toBeGreaterThan(lastInFirst);
    const names = rest.slice(0, -1).map((m) => m.raw.toString('latin1'));
    expect(names.some((n) => n.includes('renamed\0'))).toBe(true);
    expect(names.some((n) => n.includes('b199\0'))).toBe(false);
    expect(indexes.at(-1)).toBe(created!.index);
  });

  it('address dumps are replayed only while no entry shows a remaining lifetime', async () => {
    const { model, clock, h } = setup(3);
    const a0 = model.byName('a0')!.index;
    expect((await h.call(addIpv4(a0, 1)))[0]!.error).toBe(0);
    await h.call(getAddrDump(5));
    const first = await h.call(getAddrDump(5));
    expect(dumpImages(model).find('addr/inet+inet6')?.complete).toBe(true);
    expect(hexOf(await h.call(getAddrDump(5)))).toBe(hexOf(first));

    expect((await h.call(addIpv4(a0, 2, { prefered: 100, valid: 200 })))[0]!.error).toBe(0);
    await h.call(getAddrDump(6));
    const before = await h.call(getAddrDump(6));
    expect(dumpImages(model).find('addr/inet+inet6')).toBeUndefined();
    clock.advance(10_000);
    const later = await h.call(getAddrDump(6));
    const validOf = (dump: typeof before) => dump.filter((m) => m.type === RTM_NEWADDR).map((m) => m.raw.toString('hex'));
    expect(validOf(later)).not.toEqual(validOf(before));
  });

  it('route dumps are replayed while no route expires, and any change drops the recording', async () => {
    const { model, clock, h } = setup(1);
    const a0 = model.byName('a0')!;
    model.changeFlags(a0, IFF_UP, IFF_UP);
    model.changeFlags(model.byName('b0')!, IFF_UP, IFF_UP);
    expect((await h.call(addIpv4(a0.index, 1)))[0]!.error).toBe(0);
    const key = 'route/inet+inet6';
    await h.call(getRouteDump(AF_UNSPEC, 1));
    const first = await h.call(getRouteDump(AF_UNSPEC, 1));
    expect(dumpImages(model).find(key)?.complete).toBe(true);
    h.session = { ...h.session, portid: 99 };
    const copied = await h.call(getRouteDump(AF_UNSPEC, 2));
    expect(copied.every((m) => m.seq === 2 && m.pid === 99)).toBe(true);
    expect(copied.map((m) => m.raw.subarray(16).toString('hex'))).toEqual(first.map((m) => m.raw.subarray(16).toString('hex')));

    const via = new Uint8Array([10, a0.index, 0, 2]);
    expect((await h.call(route(RTM_NEWROUTE, { family: AF_INET, dstLen: 24, table: 254, protocol: 4, type: 1, dst: new Uint8Array([10, 9, 9, 0]), gateway: via })))[0]!.error).toBe(0);
    expect(dumpImages(model).find(key)).toBeUndefined();
    const after = await h.call(getRouteDump(AF_UNSPEC, 3));
    expect(after.length).toBe(first.length + 1);

    // An IPv6 route with a lifetime: its RTA_CACHEINFO counts down, so no recording is kept.
    expect((await h.call(expiringRoute6(a0.index, 100)))[0]!.error).toBe(0);
    await h.call(getRouteDump(AF_UNSPEC, 4));
    const before = await h.call(getRouteDump(AF_UNSPEC, 4));
    expect(dumpImages(model).find(key)).toBeUndefined();
    clock.advance(10_000);
    expect(hexOf(await h.call(getRouteDump(AF_UNSPEC, 4)))).not.toBe(hexOf(before));
  });

  it('a replayed link dump equals fresh encodings after any sequence of requests', async () => {
    await fc.assert(
      fc.asyncProperty(requestSequences(12), async (requests) => {
        const h = new DispatchHarness();
        let seq = 1;
        for (const request of requests) {
          await h.call(getLinkDump(seq++));
          await h.call(getLinkDump(seq++)); // records
          await h.call(request);
          await h.call(getLinkDump(seq++));
          await h.call(getLinkDump(seq++)); // records the changed model
          const replayed = await h.call(getLinkDump(seq));
          expect(hexOf(replayed)).toBe(freshLinkDump(h.model, seq++, h.session.portid));
        }
      }),
      { numRuns: 100 },
    );
  });
});
