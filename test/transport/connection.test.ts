import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO, NETLINK_ADD_MEMBERSHIP, NETLINK_CAP_ACK, NETLINK_LIST_MEMBERSHIPS,
  NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST, RTM_GETLINK,
  RTM_NEWLINK, RTM_SETLINK, RTNLD_SOCKET_CALL, SOCKET_CALL_GETSOCKNAME, SOCKET_CALL_GETSOCKOPT,
} from '../../protocol/constants.js';
import { writeSocketCall } from '../../protocol/socket-call.js';
import { NlWriter } from '../../protocol/writer.js';
import { startDaemon } from '../helpers/daemon.js';
import { ifinfomsg, message, TestClient } from '../helpers/nl-client.js';

let stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of stops.splice(0)) await s();
});

/** The sizes of the daemon's writes (in-process: its sockets' write() calls whose first message is of `type`). */
function daemonWrites(type: number): number[] {
  const sizes: number[] = [];
  const write = Socket.prototype.write;
  vi.spyOn(Socket.prototype, 'write').mockImplementation(function (this: Socket, ...args: Parameters<Socket['write']>) {
    const chunk = args[0];
    if (Buffer.isBuffer(chunk) && chunk.length >= 16 && chunk.readUInt16LE(4) === type) sizes.push(chunk.length);
    return write.apply(this, args);
  });
  return sizes;
}

async function setup(opts = {}) {
  const d = await startDaemon(opts);
  stops.push(d.stop);
  const c = await TestClient.connect(d.path);
  stops.unshift(async () => c.close());
  return { ...d, c };
}

const getlinkLo = (seq: number) => message(RTM_GETLINK, NLM_F_REQUEST, seq, (w) => ifinfomsg(w, 1));

function socketCall(seq: number, call: number, name: number, value = 0): Buffer {
  const w = new NlWriter();
  writeSocketCall(w, seq, { call, name, value });
  return w.take();
}

describe('stream framing', () => {
  it('answers a request that arrives one byte at a time', async () => {
    const { c } = await setup();
    const req = getlinkLo(7);
    for (const b of req) c.send(Buffer.from([b]));
    await c.waitFor((r) => r.length === 1);
    expect(c.received[0]!.type).toBe(RTM_NEWLINK);
    expect(c.received[0]!.seq).toBe(7);
  });

  it('answers pipelined requests in order', async () => {
    const { c } = await setup();
    c.send(Buffer.concat(Array.from({ length: 50 }, (_, i) => getlinkLo(i + 1))));
    await c.waitFor((r) => r.length === 50);
    expect(c.received.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('sends the answers of a long pipeline as they are made, not all at its end (as the kernel ACKs each request)', async () => {
    const { c } = await setup();
    const writes = daemonWrites(NLMSG_ERROR);
    // 300 SETLINKs of lo changing nothing, each ACKed: 36 bytes an answer.
    const setlinkLo = (seq: number) => message(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq, (w) => ifinfomsg(w, 1));
    c.send(Buffer.concat(Array.from({ length: 300 }, (_, i) => setlinkLo(i + 1))));
    await c.waitFor((r) => r.length === 300);
    expect(c.received.every((m) => m.type === NLMSG_ERROR && m.error === 0)).toBe(true);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(300 * 36);
    // Sent once 2,560 bytes are waiting: none larger than that and one more answer.
    expect(writes.length).toBeGreaterThanOrEqual(Math.ceil((300 * 36) / (2560 + 36)));
    expect(Math.max(...writes)).toBeLessThanOrEqual(2560 + 36);
  });

  it.each([
    ['shorter than the header', 8],
    ['larger than the maximum message size', 4096],
  ])('rejects nlmsg_len %s with -EINVAL and an ext-ack message, then closes', async (_what, len) => {
    const { c, path } = await setup({ maxMessage: 1024 });
    const other = await TestClient.connect(path);
    const bad = Buffer.alloc(16);
    bad.writeUInt32LE(len, 0);
    bad.writeUInt16LE(RTM_GETLINK, 4);
    c.send(Buffer.concat([bad, getlinkLo(2)]));
    await c.waitFor(() => c.closed);
    expect(c.received).toHaveLength(1);
    expect(c.received[0]!.type).toBe(NLMSG_ERROR);
    expect(c.received[0]!.error).toBe(-22);
    expect(c.received[0]!.raw.toString()).toContain('nlmsg_len');
    // Nobody else is affected.
    const replies = await other.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 5, (w) => ifinfomsg(w, 1)));
    expect(replies.map((r) => r.type)).toEqual([RTM_NEWLINK, NLMSG_ERROR]);
    other.close();
  });
});

describe('in-band socket calls', () => {
  it('gives each connection a distinct non-zero port id, used in replies', async () => {
    const { c, path } = await setup();
    const c2 = await TestClient.connect(path);
    const [n1] = await c.request(socketCall(1, SOCKET_CALL_GETSOCKNAME, 0));
    const [n2] = await c2.request(socketCall(1, SOCKET_CALL_GETSOCKNAME, 0));
    const p1 = n1!.raw.readUInt32LE(24);
    const p2 = n2!.raw.readUInt32LE(24);
    expect(n1!.type).toBe(RTNLD_SOCKET_CALL);
    expect(p1).not.toBe(0);
    expect(p1).not.toBe(p2);
    const [reply] = await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 9, (w) => ifinfomsg(w, 1)));
    expect(reply!.pid).toBe(p1);
    c2.close();
  });

  it('validates group numbers and lists memberships like Linux 6.18', async () => {
    const { c } = await setup();
    for (const g of [1, 5, 9, 38, 39]) expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, g)).toBe(0);
    for (const g of [0, 40, 100]) expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, g)).toBe(-22);
    const [list] = await c.request(socketCall(3, SOCKET_CALL_GETSOCKOPT, NETLINK_LIST_MEMBERSHIPS));
    expect(list!.raw.subarray(24).toString('hex')).toBe('1101000060000000');
    const [name] = await c.request(socketCall(4, SOCKET_CALL_GETSOCKNAME, 0));
    expect(name!.raw.readUInt32LE(20)).toBe(0x111);
    expect(await c.setsockopt(99, 1)).toBe(-92);
  });

  it('applies NETLINK_CAP_ACK to error replies', async () => {
    const { c } = await setup();
    const missing = () => message(RTM_GETLINK, NLM_F_REQUEST, 5, (w) => ifinfomsg(w, 99));
    expect((await c.request(missing()))[0]!.raw.length).toBe(52);
    expect(await c.setsockopt(NETLINK_CAP_ACK, 1)).toBe(0);
    const [capped] = await c.request(missing());
    expect([capped!.raw.length, capped!.flags, capped!.error]).toEqual([36, 0x100, -19]);
  });
});

describe('dumps', () => {
  const createDummies = async (c: TestClient, n: number, prefix = 'd') => {
    const reqs = Array.from({ length: n }, (_, i) => message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE, 100 + i, (w) => {
      ifinfomsg(w).attrString(IFLA_IFNAME, `${prefix}${i}`);
      const li = w.nestStart(IFLA_LINKINFO);
      w.attrString(IFLA_INFO_KIND, 'dummy');
      w.nestEnd(li);
    }));
    c.send(Buffer.concat(reqs));
    // No ACK was asked for: fence with a GETLINK of lo.
    await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 9999, (w) => ifinfomsg(w, 1)));
  };

  it('runs one dump at a time: a second one gets -EBUSY, a doit is answered meanwhile', async () => {
    const { c } = await setup();
    await createDummies(c, 400); // more than a dump produces before the client reads
    const dump = (seq: number) => message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq, (w) => ifinfomsg(w));
    c.send(Buffer.concat([dump(1), dump(2), getlinkLo(3)]));
    await c.waitFor((r) => r.some((m) => m.type === NLMSG_DONE && m.seq === 1));
    const busy = c.received.find((m) => m.seq === 2)!;
    expect([busy.type, busy.error]).toEqual([NLMSG_ERROR, -16]);
    expect(c.received.filter((m) => m.seq === 1 && m.type === RTM_NEWLINK)).toHaveLength(401);
    // The doit is answered before the dump's DONE, as the kernel does.
    const doit = c.received.findIndex((m) => m.seq === 3 && m.type === RTM_NEWLINK);
    const done = c.received.findIndex((m) => m.seq === 1 && m.type === NLMSG_DONE);
    expect(doit).toBeGreaterThanOrEqual(0);
    expect(doit).toBeLessThan(done);
  });

  it('sends a small first step of a dump at once, then steps doubling to 64 KB', async () => {
    const { c } = await setup();
    await createDummies(c, 400); // ~600 KB of RTM_NEWLINK
    const writes = daemonWrites(RTM_NEWLINK);
    await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 8, (w) => ifinfomsg(w)));
    // Each step stops at the first entry past its budget (8, 16, 32, then 64 KB), a link being < 2 KB.
    const budgets = [8, 16, 32, 64, 64, 64].map((k) => k * 1024);
    budgets.forEach((budget, i) => {
      expect(writes[i]).toBeGreaterThanOrEqual(budget);
      expect(writes[i]).toBeLessThan(budget + 2048);
    });
  });

  it('produces a large dump as the client reads, flagging NLM_F_DUMP_INTR after a change', async () => {
    const { c, path } = await setup();
    await createDummies(c, 400); // ~600 KB of RTM_NEWLINK
    const reader = await TestClient.connect(path);
    reader.socket.pause();
    reader.send(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 77, (w) => ifinfomsg(w)));
    await new Promise((r) => setTimeout(r, 200));
    // While the reader is stalled, the model changes.
    await createDummies(c, 1, 'late');
    reader.socket.resume();
    await reader.waitFor((r) => r.some((m) => m.type === NLMSG_DONE));
    const entries = reader.received.filter((m) => m.type === RTM_NEWLINK);
    expect(entries.length).toBeGreaterThanOrEqual(401);
    expect(entries.some((m) => m.flags & NLM_F_DUMP_INTR)).toBe(true);
    expect(entries[0]!.flags & NLM_F_DUMP_INTR).toBe(0);
    reader.close();
  });

  it('a dump read through a stalled socket is byte for byte the dump read at once (no buffer reused before it was written)', async () => {
    const { c, path } = await setup();
    await createDummies(c, 1500); // ~2 MB: more than the kernel's socket buffers hold, so output queues in the daemon
    const dump = () => message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 5, (w) => ifinfomsg(w));
    const bytesOf = (r: { raw: Buffer }[]) => Buffer.concat(r.map((m) => m.raw)).toString('hex');
    const fast = await TestClient.connect(path);
    const first = bytesOf(await fast.request(dump())); // encoded (the slow dump, the second, records)
    const slow = await TestClient.connect(path);
    slow.socket.pause();
    slow.send(dump()); // replayed into a socket that stops taking bytes: output stays queued
    await new Promise((r) => setTimeout(r, 100));
    const meanwhile = bytesOf(await fast.request(dump())); // replayed while the slow one's output is queued
    slow.socket.resume();
    await slow.waitFor((r) => r.some((m) => m.type === NLMSG_DONE));
    const withPid = (hex: string, from: number, to: number) => {
      const b = Buffer.from(hex, 'hex');
      for (let at = 0; at < b.length; at += (b.readUInt32LE(at) + 3) & ~3) if (b.readUInt32LE(at + 12) === from) b.writeUInt32LE(to, at + 12);
      return b.toString('hex');
    };
    const slowPid = slow.received[0]!.pid;
    const fastPid = fast.received[0]!.pid;
    // Every link once, in ascending index order (a buffer overwritten while queued would repeat entries).
    const indexes = slow.received.filter((m) => m.type === RTM_NEWLINK).map((m) => m.raw.readInt32LE(20));
    expect(indexes).toHaveLength(1501);
    expect(indexes.every((index, i) => i === 0 || index > indexes[i - 1]!)).toBe(true);
    expect(meanwhile).toBe(first);
    expect(withPid(bytesOf(slow.received), slowPid, fastPid)).toBe(first);
    fast.close();
    slow.close();
  });
});

describe('namespace ids', () => {
  it('RTM_GETNSID dumps nothing (a model has no peer namespaces), as iproute2 monitor expects', async () => {
    const { c } = await setup();
    const replies = await c.request(message(90, NLM_F_REQUEST | NLM_F_DUMP, 3, (w) => w.u8(0).zeros(3)));
    expect(replies.map((r) => [r.type, r.error])).toEqual([[NLMSG_DONE, 0]]);
  });
});
