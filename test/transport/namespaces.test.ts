import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IFLA_IFNAME, IFLA_LINK, IFLA_LINK_NETNSID, IFLA_NET_NS_FD, IFLA_NET_NS_PID,
  IFLA_NEW_IFINDEX, IFLA_NEW_NETNSID, IFLA_TARGET_NETNSID, NETLINK_ADD_MEMBERSHIP, NETNSA_FD, NLM_F_ACK,
  NLM_F_DUMP, NLM_F_REQUEST, RTM_DELLINK, RTM_GETLINK, RTM_GETNSID, RTM_NEWLINK, RTM_NEWNSID,
  RTM_SETLINK, RTNLGRP_LINK, RTNLGRP_NSID, SOCKET_CALL_GETNS, SOCKET_CALL_NETNS_ADD, SOCKET_CALL_NETNS_DEL,
  SOCKET_CALL_NETNS_FD, SOCKET_CALL_NETNS_LIST, SOCKET_CALL_SETNS, SOCKET_CALL_SETPID,
} from '../../protocol/constants.js';
import { decodeSocketCallNames } from '../../protocol/socket-call.js';
import { startDaemon } from '../helpers/daemon.js';
import { ifinfomsg, message, newVeth, TestClient, type Reply } from '../helpers/nl-client.js';

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function connect(path: string): Promise<TestClient> {
  const c = await TestClient.connect(path);
  stops.push(() => c.close());
  return c;
}

async function daemonWithDir() {
  const dir = mkdtempSync(join(tmpdir(), 'rtnld-netns-'));
  const d = await startDaemon({ netnsDir: dir });
  stops.push(() => rmSync(dir, { recursive: true, force: true }));
  stops.push(d.stop);
  return { ...d, dir };
}

/** Top-level attributes of a link message: type → payload. */
function attrs(r: Reply): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (let at = 32; at + 4 <= r.raw.readUInt32LE(0);) {
    const len = r.raw.readUInt16LE(at);
    if (len < 4) break;
    m.set(r.raw.readUInt16LE(at + 2) & 0x3fff, r.raw.subarray(at + 4, at + len));
    at += (len + 3) & ~3;
  }
  return m;
}

const ifindexOf = (r: Reply) => r.raw.readInt32LE(20);
const nameOf = (r: Reply) => attrs(r).get(IFLA_IFNAME)!.toString().replace(/\0.*$/, '');

/** Everything received from sending `raw` to its answer (notifications included). */
async function exchange(c: TestClient, raw: Buffer): Promise<Reply[]> {
  const start = c.received.length;
  await c.request(raw);
  return c.received.slice(start);
}

async function dumpNames(c: TestClient): Promise<string[]> {
  const replies = await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, c.nextSeq(), (w) => ifinfomsg(w)));
  return replies.filter((r) => r.type === RTM_NEWLINK).map(nameOf);
}


describe('namespace socket calls', () => {
  it('adds, lists, switches to and deletes namespaces; each has its own lo and devices', async () => {
    const d = await daemonWithDir();
    const c = await connect(d.path);
    expect((await c.netnsCall(SOCKET_CALL_NETNS_ADD, 'a'))[0]!.error).toBe(0);
    expect((await c.netnsCall(SOCKET_CALL_NETNS_ADD, 'b'))[0]!.error).toBe(0);
    expect((await c.netnsCall(SOCKET_CALL_NETNS_ADD, 'a'))[0]!.error).toBe(-17);
    expect((await c.netnsCall(SOCKET_CALL_NETNS_ADD, 'x/y'))[0]!.error).toBe(-22);
    expect((await c.netnsCall(SOCKET_CALL_NETNS_DEL, ''))[0]!.error).toBe(-16);
    expect(existsSync(join(d.dir, 'a.sock'))).toBe(true);
    const [list] = await c.netnsCall(SOCKET_CALL_NETNS_LIST);
    expect([list!.raw.readUInt32LE(20), decodeSocketCallNames(list!.raw)]).toEqual([2, ['a', 'b']]);

    // Create in the initial namespace, then switch to a: a sees only its own lo.
    expect((await c.request(newVeth(c.nextSeq(), 'v0', 'v1')))[0]!.error).toBe(0);
    expect(await dumpNames(c)).toEqual(['lo', 'v1', 'v0']);
    expect((await c.netnsCall(SOCKET_CALL_SETNS, 'a'))[0]!.error).toBe(0);
    expect(await dumpNames(c)).toEqual(['lo']);
    const [ns] = await c.netnsCall(SOCKET_CALL_GETNS);
    expect(decodeSocketCallNames(ns!.raw)).toEqual(['a']);
    expect((await c.netnsCall(SOCKET_CALL_SETNS, 'nope'))[0]!.error).toBe(-2);

    // The per-namespace socket serves a; a notification in the initial namespace does not reach it.
    const inA = await connect(join(d.dir, 'a.sock'));
    expect(await inA.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    const init = await connect(d.path);
    await init.request(newVeth(init.nextSeq(), 'w0', 'w1'));
    expect((await c.request(newVeth(c.nextSeq(), 'a0', 'a1')))[0]!.error).toBe(0);
    await inA.waitFor((r) => r.filter((m) => m.type === RTM_NEWLINK).length >= 2);
    expect(inA.received.filter((m) => m.type === RTM_NEWLINK).map(nameOf)).toEqual(['a1', 'a0']);

    // Deleting a closes its connections and its socket file.
    expect((await init.netnsCall(SOCKET_CALL_NETNS_DEL, 'a'))[0]!.error).toBe(0);
    await inA.waitFor(() => inA.closed).catch(() => undefined);
    expect(inA.closed).toBe(true);
    expect(existsSync(join(d.dir, 'a.sock'))).toBe(false);
    expect((await init.netnsCall(SOCKET_CALL_NETNS_DEL, 'a'))[0]!.error).toBe(-2);
  });
});

describe('--netns-layout dir', () => {
  it('serves each namespace in its own directory (made and removed with it; one that existed is kept)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtnld-netns-'));
    stops.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'mounted')); // as a volume mounted at DIR/NAME is
    const d = await startDaemon({ netnsDir: dir, netnsLayout: 'dir', roSocket: 'ro.sock', seedNetns: { mounted: [] } });
    stops.push(d.stop);
    const c = await connect(d.path);
    expect((await c.netnsCall(SOCKET_CALL_NETNS_ADD, 'a'))[0]!.error).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['a', 'mounted']);
    for (const ns of ['a', 'mounted']) expect(readdirSync(join(dir, ns)).sort()).toEqual(['rtnl.ro.sock', 'rtnl.sock']);
    const inA = await connect(join(dir, 'a', 'rtnl.sock'));
    expect((await inA.request(newVeth(inA.nextSeq(), 'a0', 'a1')))[0]!.error).toBe(0);
    expect(await dumpNames(inA)).toEqual(['lo', 'a1', 'a0']);
    expect(await dumpNames(await connect(join(dir, 'mounted', 'rtnl.ro.sock')))).toEqual(['lo']);

    expect((await c.netnsCall(SOCKET_CALL_NETNS_DEL, 'a'))[0]!.error).toBe(0);
    expect(existsSync(join(dir, 'a'))).toBe(false);
    expect((await c.netnsCall(SOCKET_CALL_NETNS_DEL, 'mounted'))[0]!.error).toBe(0);
    expect(readdirSync(dir)).toEqual(['mounted']);
    expect(readdirSync(join(dir, 'mounted'))).toEqual([]);
  });
});

describe('links across namespaces', () => {
  it('stops only for its own socket file: a namespace socket removed by hand is not the daemon\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtnld-netns-'));
    const removed: string[] = [];
    const d = await startDaemon({ netnsDir: dir, onSocketRemoved: (path) => removed.push(path) });
    stops.push(() => rmSync(dir, { recursive: true, force: true }));
    stops.push(d.stop);
    const c = await connect(d.path);
    expect((await c.netnsCall(SOCKET_CALL_NETNS_ADD, 'a'))[0]!.error).toBe(0);
    rmSync(join(dir, 'a.sock'));
    rmSync(d.path); // then the daemon's own: only this one is reported
    for (let i = 0; i < 250 && removed.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(removed).toEqual([d.path]);
  });

  it('creates a veth with its peer in another namespace (IFLA_NET_NS_FD), with LINK_NETNSID and RTM_NEWNSID first', async () => {
    const d = await daemonWithDir();
    const c = await connect(d.path);
    await c.netnsCall(SOCKET_CALL_NETNS_ADD, 'b');
    expect((await c.netnsCall(SOCKET_CALL_NETNS_FD, 'b', 7))[0]!.error).toBe(0);
    expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_NSID)).toBe(0);
    const replies = await exchange(c, newVeth(c.nextSeq(), 'va', 'vb', (w) => w.attrU32(IFLA_NET_NS_FD, 7)));
    expect(replies.map((r) => r.type)).toEqual([RTM_NEWNSID, RTM_NEWLINK, 2]);
    expect(replies[0]!.raw.readInt32LE(24)).toBe(0);
    const va = attrs(replies[1]!);
    expect(nameOf(replies[1]!)).toBe('va');
    expect(va.get(IFLA_LINK_NETNSID)!.readInt32LE(0)).toBe(0);
    expect(va.get(IFLA_LINK)!.readUInt32LE(0)).toBe(2); // vb is ifindex 2 in b
    expect(await dumpNames(c)).toEqual(['lo', 'va']);
    const b = await connect(join(d.dir, 'b.sock'));
    expect(await dumpNames(b)).toEqual(['lo', 'vb']);
    // An unbound fd is a closed fd.
    expect((await c.request(newVeth(c.nextSeq(), 'x0', 'x1', (w) => w.attrU32(IFLA_NET_NS_FD, 99))))[0]!.error).toBe(-9);

    // Up on both sides: carrier follows the remote peer.
    const up = (cl: TestClient, index: number) => cl.request(message(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, cl.nextSeq(), (w) => ifinfomsg(w, index, 1, 1)));
    await up(c, ifindexOf(replies[1]!));
    await up(b, 2);
    const [get] = await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, c.nextSeq(), (w) => ifinfomsg(w, ifindexOf(replies[1]!))));
    expect(get!.raw.readUInt32LE(24) & 0x10000).toBe(0x10000); // IFF_LOWER_UP

    // GETNSID by fd answers the id; the dump lists it.
    const [id] = await c.request(message(RTM_GETNSID, NLM_F_REQUEST | NLM_F_ACK, c.nextSeq(), (w) => w.u8(0).pad().attrU32(NETNSA_FD, 7)));
    expect([id!.type, id!.raw.readInt32LE(24)]).toEqual([RTM_NEWNSID, 0]);
    const dump = await c.request(message(RTM_GETNSID, NLM_F_REQUEST | NLM_F_DUMP, c.nextSeq(), (w) => w.u8(0).pad()));
    expect(dump.filter((r) => r.type === RTM_NEWNSID).map((r) => r.raw.readInt32LE(24))).toEqual([0]);

    // TARGET_NETNSID on GET: b's vb, TARGET_NETNSID first.
    const [tget] = await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, c.nextSeq(), (w) => ifinfomsg(w, 2).attrS32(IFLA_TARGET_NETNSID, 0)));
    expect(nameOf(tget!)).toBe('vb');
    expect(tget!.raw.readUInt16LE(34)).toBe(IFLA_TARGET_NETNSID);

    // Deleting b deletes va in the initial namespace.
    await c.netnsCall(SOCKET_CALL_NETNS_DEL, 'b');
    expect(await dumpNames(c)).toEqual(['lo']);
  });

  it('moves a link (IFLA_NET_NS_FD and _PID): DELLINK with NEW_NETNSID/NEW_IFINDEX at the source, down and without addresses at the destination', async () => {
    const d = await daemonWithDir();
    const c = await connect(d.path);
    await c.netnsCall(SOCKET_CALL_NETNS_ADD, 'b');
    await c.netnsCall(SOCKET_CALL_NETNS_FD, 'b', 5);
    await c.request(newVeth(c.nextSeq(), 'm0', 'm1'));
    await c.request(message(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, c.nextSeq(), (w) => ifinfomsg(w, 3, 1, 1)));
    expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    const b = await connect(join(d.dir, 'b.sock'));
    expect(await b.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    const move = (index: number, more: (w: import('../../protocol/writer.js').NlWriter) => void) =>
      exchange(c, message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, c.nextSeq(), (w) => more(ifinfomsg(w, index))));
    // lo refuses; an unknown pid is ESRCH.
    const lo = await move(1, (w) => w.attrU32(IFLA_NET_NS_FD, 5));
    expect(lo.at(-1)!.error).toBe(-22);
    expect((await move(3, (w) => w.attrU32(IFLA_NET_NS_PID, 424242))).at(-1)!.error).toBe(-3);
    const replies = await move(3, (w) => w.attrU32(IFLA_NET_NS_FD, 5));
    const del = replies.find((r) => r.type === RTM_DELLINK)!;
    expect(nameOf(del)).toBe('m0');
    expect(attrs(del).get(IFLA_NEW_NETNSID)!.readInt32LE(0)).toBe(0);
    expect(attrs(del).get(IFLA_NEW_IFINDEX)!.readInt32LE(0)).toBe(3); // free in b: kept
    expect(replies.at(-1)!.error).toBe(0);
    await b.waitFor((r) => r.some((m) => m.type === RTM_NEWLINK));
    const arrived = b.received.find((m) => m.type === RTM_NEWLINK)!;
    expect([nameOf(arrived), ifindexOf(arrived), arrived.raw.readUInt32LE(24) & 1]).toEqual(['m0', 3, 0]);
    expect(await dumpNames(b)).toEqual(['lo', 'm0']);
    // PID: b announces its pid; moving m1 there by pid.
    await b.netnsCall(SOCKET_CALL_SETPID, undefined, 0, 4321);
    expect((await move(2, (w) => w.attrU32(IFLA_NET_NS_PID, 4321))).at(-1)!.error).toBe(0);
    expect(await dumpNames(b)).toEqual(['lo', 'm1', 'm0']);
    expect(await dumpNames(c)).toEqual(['lo']);
  });

  it('refuses a move without namespaces instead of acknowledging it (DispatchHarness has none): -EBADF', async () => {
    const d = await daemonWithDir();
    const c = await connect(d.path);
    await c.request(newVeth(c.nextSeq(), 'm0', 'm1'));
    const [r] = await c.request(message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, c.nextSeq(), (w) => ifinfomsg(w, 2).attrU32(IFLA_NET_NS_FD, 3)));
    expect(r!.error).toBe(-9);
    expect(await dumpNames(c)).toEqual(['lo', 'm1', 'm0']);
  });
});

describe('seeds with namespaces', () => {
  it('reads the two-router example: r1 and r2 wired by a veth, each end up with its address', async () => {
    const { readSeedDoc } = await import('../../src/seed.js');
    const doc = readSeedDoc(join(__dirname, '../../examples/two-routers.yaml'));
    const dir = mkdtempSync(join(tmpdir(), 'rtnld-netns-'));
    const d = await startDaemon({ netnsDir: dir, seed: doc.links, seedNetns: doc.netns });
    stops.push(() => rmSync(dir, { recursive: true, force: true }));
    stops.push(d.stop);
    const r1 = d.daemon.namespaces.get('r1')!.model;
    const r2 = d.daemon.namespaces.get('r2')!.model;
    const e1 = r1.byName('eth0')!;
    const e2 = r2.byName('eth0')!;
    expect([e1.linkNetns, e1.link, e2.linkNetns, e2.link]).toEqual(['r2', e2.index, 'r1', e1.index]);
    expect([e1.carrier, e2.carrier]).toEqual([true, true]);
    expect(r2.addresses.list(e2.index, 'inet').map((a) => [...a.address].join('.'))).toEqual(['10.0.12.2']);
    const c = await connect(join(dir, 'r2.sock'));
    expect(await dumpNames(c)).toEqual(['lo', 'eth0', 'lan0']);
  });
});
