import { afterEach, describe, expect, it } from 'vitest';
import {
  IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU, NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP,
  NETLINK_NO_ENOBUFS, NLMSG_ERROR, NLM_F_ACK, NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REQUEST, RTM_DELLINK,
  RTM_GETLINK, RTM_NEWLINK, RTM_SETLINK, RTNLGRP_LINK, SOCKET_CALL_BIND,
} from '../../protocol/constants.js';
import { writeSocketCall } from '../../protocol/socket-call.js';
import { NlWriter } from '../../protocol/writer.js';
import { startDaemon } from '../helpers/daemon.js';
import { ifinfomsg, message, TestClient, type Reply } from '../helpers/nl-client.js';

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function daemonWith(n: number, opts = {}) {
  const d = await startDaemon(opts);
  stops.push(d.stop);
  const clients: TestClient[] = [];
  for (let i = 0; i < n; i++) {
    const c = await TestClient.connect(d.path);
    stops.push(() => c.close());
    clients.push(c);
  }
  return { d, clients };
}

const createDummy = (name: string, seq: number, flags = 0) =>
  message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL | flags, seq, (w) => {
    ifinfomsg(w).attrString(IFLA_IFNAME, name);
    const li = w.nestStart(IFLA_LINKINFO);
    w.attrString(IFLA_INFO_KIND, 'dummy');
    w.nestEnd(li);
  });

const setMtu = (name: string, mtu: number, seq: number, flags = NLM_F_ACK) =>
  message(RTM_SETLINK, NLM_F_REQUEST | flags, seq, (w) => ifinfomsg(w).attrString(IFLA_IFNAME, name).attrU32(IFLA_MTU, mtu));

const notifications = (c: TestClient) => c.received.filter((r) => r.seq === 0 || r.type === RTM_NEWLINK || r.type === RTM_DELLINK);

describe('subscriptions', () => {
  it('delivers to members only; the requester sees its notification before its ACK', async () => {
    const { clients: [a, b] } = await daemonWith(2);
    expect(await a!.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    const replies = await a!.request(createDummy('d0', 5));
    await a!.waitFor((r) => r.length >= 3);
    const order = a!.received.map((r) => [r.type, r.seq]);
    expect(order).toEqual([[NLMSG_ERROR, a!.received[0]!.seq], [RTM_NEWLINK, 0], [NLMSG_ERROR, 5]]);
    expect(replies.at(-1)!.error).toBe(0);
    expect(b!.received).toEqual([]);
  });

  it('legacy bind bitmask subscribes; DROP_MEMBERSHIP unsubscribes', async () => {
    const { clients: [a, b] } = await daemonWith(2);
    const w = new NlWriter();
    writeSocketCall(w, 1, { call: SOCKET_CALL_BIND, name: 0, value: 1 });
    expect((await a!.request(w.take()))[0]!.error).toBe(0);
    await b!.request(createDummy('d0', 2));
    await a!.waitFor((r) => r.some((m) => m.type === RTM_NEWLINK));
    expect(await a!.setsockopt(NETLINK_DROP_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    const before = a!.received.length;
    await b!.request(setMtu('d0', 1400, 3));
    await a!.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 4, (x) => ifinfomsg(x, 1)));
    expect(a!.received.slice(before).filter((r) => r.seq === 0)).toEqual([]);
  });

  it('NLM_F_ECHO on create and delete: one unicast copy with the requester\'s pid/seq, no multicast copy for it', async () => {
    const { clients: [a, b] } = await daemonWith(2);
    for (const c of [a!, b!]) expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    await a!.request(createDummy('e0', 9, NLM_F_ECHO));
    await b!.waitFor((r) => r.some((m) => m.type === RTM_NEWLINK));
    const mine = a!.received.filter((r) => r.type === RTM_NEWLINK);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.seq).toBe(9);
    expect(mine[0]!.pid).not.toBe(0);
    // Other listeners get the multicast copy, which carries the requester's pid/seq too.
    const theirs = b!.received.filter((r) => r.type === RTM_NEWLINK);
    expect([theirs[0]!.seq, theirs[0]!.pid]).toEqual([9, mine[0]!.pid]);
    // ECHO is ignored for other changes (rtmsg_ifinfo with no nlh).
    await a!.request(setMtu('e0', 1400, 10, NLM_F_ACK | NLM_F_ECHO));
    await a!.waitFor((r) => r.filter((m) => m.type === RTM_NEWLINK).length === 2);
    expect(a!.received.filter((r) => r.type === RTM_NEWLINK).at(-1)!.seq).toBe(0);
    await a!.request(message(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, 11, (w) => ifinfomsg(w).attrString(IFLA_IFNAME, 'e0')));
    expect(a!.received.filter((r) => r.type === RTM_DELLINK).map((r) => r.seq)).toEqual([11]);
  });
});

describe('a subscriber that stops reading', () => {
  it('loses notifications, not replies, then gets one ENOBUFS and live events again', async () => {
    const { d, clients: [slow, writer, other] } = await daemonWith(3);
    expect(await slow!.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    await writer!.request(createDummy('d0', 1));
    slow!.socket.pause();
    // Collected before both readings (vitest runs with --expose-gc): retained memory, not garbage.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const CHANGES = 100_000;
    const BATCH = 1000;
    for (let i = 0; i < CHANGES; i += BATCH) {
      const batch = Array.from({ length: BATCH }, (_, j) => setMtu('d0', 1000 + ((i + j) % 2), 0, 0));
      writer!.send(Buffer.concat(batch));
      // Other clients keep being served during the storm.
      const [reply] = await other!.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, i + 1, (w) => ifinfomsg(w, 1)));
      expect(reply!.type).toBe(RTM_NEWLINK);
    }
    // Answered after every change before it: on a loaded machine the backlog takes more than the usual 5 s.
    await writer!.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 7, (w) => ifinfomsg(w, 1)), 90_000);
    // The daemon's memory is bounded by the receive budget, not by the number of changes.
    gc?.();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    expect(d.daemon.model.byName('d0')!.mtu).toBe(1001);

    slow!.socket.resume();
    await slow!.waitFor((r) => r.some((m) => m.type === NLMSG_ERROR && m.error === -105));
    const got = notifications(slow!);
    expect(got.length).toBeLessThan(CHANGES / 10);
    expect(got.filter((m) => m.error === -105)).toHaveLength(1);
    const enobufs = got.find((m) => m.error === -105)!;
    expect([enobufs.seq, enobufs.pid]).toEqual([0, 0]);
    // Live again: the next change arrives.
    const before = slow!.received.length;
    await writer!.request(setMtu('d0', 1300, 8));
    await slow!.waitFor((r) => r.slice(before).some((m: Reply) => m.type === RTM_NEWLINK));
  }, 180_000);

  it('with NETLINK_NO_ENOBUFS gets no error', async () => {
    const { clients: [slow, writer] } = await daemonWith(2, { rcvbuf: 8192 });
    expect(await slow!.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    expect(await slow!.setsockopt(NETLINK_NO_ENOBUFS, 1)).toBe(0);
    await writer!.request(createDummy('d0', 1));
    slow!.socket.pause();
    writer!.send(Buffer.concat(Array.from({ length: 2000 }, (_, j) => setMtu('d0', 1000 + (j % 2), 0, 0))));
    await writer!.request(setMtu('d0', 1400, 3));
    slow!.socket.resume();
    await new Promise((r) => setTimeout(r, 200));
    const before = slow!.received.length;
    await writer!.request(setMtu('d0', 1300, 4));
    await slow!.waitFor((r) => r.slice(before).some((m) => m.type === RTM_NEWLINK));
    expect(slow!.received.filter((m) => m.error === -105)).toEqual([]);
    expect(slow!.received.length).toBeLessThan(2000);
  });
});
