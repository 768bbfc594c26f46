import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AF_INET, IFA_ADDRESS, IFA_LOCAL, IFLA_IFNAME, IFLA_NET_NS_FD,
  NETNSA_FD, NETNSA_NSID, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, RTA_DST, RTA_OIF,
  RTM_GETADDR, RTM_GETLINK, RTM_GETNSID, RTM_GETROUTE, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNSID, RTM_NEWROUTE,
  SOCKET_CALL_NETNS_ADD, SOCKET_CALL_NETNS_DEL, SOCKET_CALL_NETNS_FD, SOCKET_CALL_NETNS_LIST, SOCKET_CALL_SETNS,
} from '../../protocol/constants.js';
import { decodeSocketCallNames } from '../../protocol/socket-call.js';
import { readSeedDoc } from '../../src/seed.js';
import { startDaemon } from '../helpers/daemon.js';
import { ifinfomsg, message, newVeth, TestClient } from '../helpers/nl-client.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function connect(path: string, netns = ''): Promise<TestClient> {
  const c = await TestClient.connect(path);
  cleanups.push(() => c.close());
  if (netns) expect((await c.netnsCall(SOCKET_CALL_SETNS, netns))[0]!.error).toBe(0);
  return c;
}

async function ok(c: TestClient, raw: Buffer): Promise<void> {
  const r = await c.request(raw);
  expect(r.at(-1)!.error, `request answered ${r.at(-1)!.error}`).toBe(0);
}

const REQ = NLM_F_REQUEST | NLM_F_ACK;
const NEW = REQ | NLM_F_CREATE | NLM_F_EXCL;


const setUp = (seq: number, name: string) =>
  message(RTM_NEWLINK, REQ, seq, (w) => ifinfomsg(w, 0, 1, 1).attrString(IFLA_IFNAME, name));

const moveTo = (seq: number, name: string, fd: number) =>
  message(RTM_NEWLINK, REQ, seq, (w) => ifinfomsg(w).attrString(IFLA_IFNAME, name).attrU32(IFLA_NET_NS_FD, fd));

function addr4(seq: number, index: number, a: number[], plen: number): Buffer {
  return message(RTM_NEWADDR, NEW, seq, (w) => {
    w.u8(AF_INET).u8(plen).u8(0).u8(0).u32(index);
    w.attrBytes(IFA_LOCAL, Uint8Array.from(a)).attrBytes(IFA_ADDRESS, Uint8Array.from(a));
  });
}

function route4(seq: number, dst: number[], plen: number, oif: number): Buffer {
  return message(RTM_NEWROUTE, NEW, seq, (w) => {
    w.u8(AF_INET).u8(plen).u8(0).u8(0).u8(254).u8(4).u8(0).u8(1).u32(0);
    w.attrBytes(RTA_DST, Uint8Array.from(dst)).attrU32(RTA_OIF, oif);
  });
}

/**
 * Every message of one dump, without its header's seq/pid and with the attributes that carry
 * times zeroed (IFA_CACHEINFO 6 of addresses, RTA_CACHEINFO 12 of routes): what a restart must keep.
 */
async function dump(c: TestClient, type: number, body: number[], timeAttr?: number): Promise<string[]> {
  const replies = await c.request(message(type, NLM_F_REQUEST | NLM_F_DUMP, c.nextSeq(), (w) => {
    for (const b of body) w.u8(b);
  }));
  return replies.filter((r) => r.type !== 3).map((r) => {
    const m = Buffer.from(r.raw.subarray(0, r.raw.readUInt32LE(0)));
    m.fill(0, 8, 16);
    const fixed = 16 + (type === RTM_GETLINK ? 16 : type === RTM_GETNSID ? 4 : type === RTM_GETADDR ? 8 : 12);
    for (let at = fixed; timeAttr !== undefined && at + 4 <= m.length;) {
      const len = m.readUInt16LE(at);
      if (len < 4) break;
      if ((m.readUInt16LE(at + 2) & 0x3fff) === timeAttr) m.fill(0, at + 4, at + len);
      at += (len + 3) & ~3;
    }
    // IFLA_INET6_CACHEINFO's tstamp (when the device's IPv6 state was made, in this daemon's jiffies).
    return `${r.type} ${m.toString('hex').replace(/(14000500ffff0000)[0-9a-f]{8}/g, '$1tstamp..')}`;
  });
}

/** Links, addresses, routes and NSIDs of every namespace, and the namespace list. */
async function everything(path: string): Promise<Record<string, unknown>> {
  const c = await connect(path);
  const [list] = await c.netnsCall(SOCKET_CALL_NETNS_LIST);
  const names = ['', ...decodeSocketCallNames(list!.raw)];
  const out: Record<string, Record<string, string[]>> = {};
  // NSID tables first: building a message about a cross-namespace device allocates ids (lazily, as Linux).
  for (const ns of names) {
    expect((await c.netnsCall(SOCKET_CALL_SETNS, ns))[0]!.error).toBe(0);
    out[ns] = { nsids: await dump(c, RTM_GETNSID, [0, 0, 0, 0]) };
  }
  for (const ns of names) {
    expect((await c.netnsCall(SOCKET_CALL_SETNS, ns))[0]!.error).toBe(0);
    out[ns]!['links'] = await dump(c, RTM_GETLINK, new Array(16).fill(0));
    out[ns]!['addresses'] = await dump(c, RTM_GETADDR, new Array(8).fill(0), 6);
    out[ns]!['routes'] = await dump(c, RTM_GETROUTE, new Array(12).fill(0), 12);
  }
  c.close();
  return { names, ...out };
}

describe('--state with namespaces', () => {
  // Journal only (no compaction), and a snapshot every 3 records (namespaces in the snapshot).
  it.each([[100_000, 'journal'], [3, 'snapshot']])('restores every namespace, its links, addresses, routes, NSIDs, moves and cross-namespace veths (compact every %i: %s)', async (compactEvery) => {
    const stateDir = tempDir('rtnld-netns-state-');
    const netnsDir = tempDir('rtnld-netns-dir-');
    const options = { stateDir, netnsDir, stateCompactEvery: compactEvery, addresses: { dadMs: 0 } };
    const first = await startDaemon(options);
    const c = await connect(first.path);
    for (const ns of ['a', 'b', 'gone']) expect((await c.netnsCall(SOCKET_CALL_NETNS_ADD, ns))[0]!.error).toBe(0);
    await c.netnsCall(SOCKET_CALL_NETNS_FD, 'a', 7);
    await c.netnsCall(SOCKET_CALL_NETNS_FD, 'gone', 8);
    // A veth from the initial namespace into a, and an explicit NSID for a namespace that then goes.
    await ok(c, newVeth(c.nextSeq(), 'va', 'vb', (w) => w.attrU32(IFLA_NET_NS_FD, 7)));
    await ok(c, message(RTM_NEWNSID, REQ, c.nextSeq(), (w) => w.u32(0).attrU32(NETNSA_FD, 8).attrS32(NETNSA_NSID, 9)));
    // In a: a pair, an address and a route on one end, which then moves to b (by an fd bound in a).
    const ca = await connect(first.path, 'a');
    await ca.netnsCall(SOCKET_CALL_NETNS_FD, 'b', 3);
    await ok(ca, newVeth(ca.nextSeq(), 'x0', 'x1'));
    await ok(ca, setUp(ca.nextSeq(), 'x0'));
    // veth_newlink registers the peer first: x1 is 3, x0 is 4.
    await ok(ca, addr4(ca.nextSeq(), 4, [10, 0, 0, 1], 24));
    await ok(ca, route4(ca.nextSeq(), [10, 8, 0, 0], 16, 4));
    await ok(ca, addr4(ca.nextSeq(), 3, [10, 0, 1, 1], 24));
    await ok(ca, moveTo(ca.nextSeq(), 'x1', 3));
    // vb read in a: a gives the initial namespace an id lazily (no request made it).
    await ok(ca, message(RTM_GETLINK, REQ, ca.nextSeq(), (w) => ifinfomsg(w).attrString(IFLA_IFNAME, 'vb')));
    const cb = await connect(first.path, 'b');
    await ok(cb, addr4(cb.nextSeq(), 3, [10, 0, 2, 1], 24));
    expect((await c.netnsCall(SOCKET_CALL_NETNS_DEL, 'gone'))[0]!.error).toBe(0);
    const before = await everything(first.path);
    expect(before['names']).toEqual(['', 'a', 'b']);
    expect((before['a'] as { nsids: string[] }).nsids).toHaveLength(2); // b (the move) and the initial one (lazily)
    await first.stop();

    const second = await startDaemon(options);
    cleanups.push(second.stop);
    expect(await everything(second.path)).toEqual(before);
    // Served again under --netns-dir, and the restored model keeps working: x1 moves back from b to a.
    expect(existsSync(join(netnsDir, 'a.sock')) && existsSync(join(netnsDir, 'b.sock'))).toBe(true);
    const cb2 = await connect(join(netnsDir, 'b.sock'));
    await cb2.netnsCall(SOCKET_CALL_NETNS_FD, 'a', 4);
    await ok(cb2, moveTo(cb2.nextSeq(), 'x1', 4));
    expect(second.daemon.namespaces.get('a')!.model.byName('x1')!.linkNetns).toBeUndefined();
  }, 60_000);

  it('keeps a seed\'s namespaces across restarts (captured in the first snapshot, never applied again)', async () => {
    const stateDir = tempDir('rtnld-netns-state-');
    const doc = readSeedDoc(join(import.meta.dirname, '../../examples/two-routers.yaml'));
    const options = { stateDir, seed: doc.links, seedNetns: doc.netns, addresses: { dadMs: 0 } };
    const first = await startDaemon(options);
    const cr1 = await connect(first.path, 'r1');
    await ok(cr1, addr4(cr1.nextSeq(), 2, [10, 0, 99, 1], 24));
    await new Promise((r) => setTimeout(r, 50)); // DAD (0 ms) of the link-local addresses ends
    const before = await everything(first.path);
    expect(before['names']).toEqual(['', 'r1', 'r2']);
    await first.stop();
    const second = await startDaemon(options);
    cleanups.push(second.stop);
    expect(await everything(second.path)).toEqual(before);
  }, 60_000);
});
