import { createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeAck } from '../../protocol/ack.js';
import {
  AF_INET, AF_INET6, IFF_UP, NETLINK_NO_ENOBUFS, NLM_F_DUMP, NLM_F_REQUEST, RTM_GETLINK, RTM_NEWLINK, RTNLD_SOCKET_CALL,
} from '../../protocol/constants.js';
import { Framer } from '../../protocol/framer.js';
import { formatInet } from '../../protocol/inet.js';
import { writeLinkRequest } from '../../protocol/link-request.js';
import { writeSocketCallReply } from '../../protocol/socket-call.js';
import { decodeNlMsgHdr } from '../../protocol/structs.js';
import { NlWriter } from '../../protocol/writer.js';
import { connect, ConnectionClosedError, NetlinkError, type RtnlClient, type RtnlEvent } from '../../src/index.js';
import { startDaemon } from '../helpers/daemon.js';
import { fixture, hex } from '../helpers/fixtures.js';

let d: Awaited<ReturnType<typeof startDaemon>>;
let c: RtnlClient;

beforeEach(async () => {
  d = await startDaemon();
  c = await connect(d.path);
});
afterEach(async () => {
  await c.close();
  await d.stop();
});

async function rejection(p: Promise<unknown>): Promise<NetlinkError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(NetlinkError);
    return e as NetlinkError;
  }
  throw new Error('expected a rejection');
}

describe('links', () => {
  it('connects, learns its port id and dumps lo', async () => {
    expect(c.pid).toBeGreaterThan(0);
    const links = await c.links().toArray();
    expect(links.map((l) => l.name)).toEqual(['lo']);
    expect((await c.link('lo')).index).toBe(1);
    expect((await c.link(1)).name).toBe('lo');
  });

  it('rejects with errno, its name and the extended-ack text', async () => {
    const e = await rejection(c.link('nope'));
    expect(e.errno).toBe(19);
    expect(e.name).toBe('ENODEV');
    expect(e.code).toBe('ENODEV');
    expect(e.strerror).toBe('No such device');
    const unknown = await rejection(c.createLink({ name: 'x0', kind: 'nosuchkind' }));
    expect(unknown).toMatchObject({ errno: 95, name: 'EOPNOTSUPP', extAck: 'Unknown device type' });
    expect(unknown.message).toBe('EOPNOTSUPP: Unknown device type');
  });

  it('creates a veth pair and returns the new device', async () => {
    const v0 = await c.createLink({ name: 'v0', kind: 'veth', peer: { name: 'v1', mtu: 9000 }, mtu: 9000, address: '02:00:00:00:00:01' });
    expect(v0).toMatchObject({ name: 'v0', kind: 'veth', mtu: 9000 });
    expect(Array.from(v0.address!)).toEqual([2, 0, 0, 0, 0, 1]);
    const v1 = await c.link('v1');
    expect(v1.link).toBe(v0.index);
    expect(v0.link).toBe(v1.index);
    expect((await rejection(c.createLink({ name: 'v0', kind: 'veth', peer: 'v9' }))).name).toBe('EEXIST');
  });

  it('creates stacked kinds with their parameters', async () => {
    await c.createLink({ name: 'e0', kind: 'dummy' });
    const vlan = await c.createLink({ name: 'e0.10', kind: 'vlan', link: 'e0', id: 10, protocol: '802.1ad' });
    expect(vlan.kind).toBe('vlan');
    const mv = await c.createLink({ name: 'mv0', kind: 'macvlan', link: 'e0', mode: 'bridge' });
    expect(mv.link).toBe((await c.link('e0')).index);
    expect(await c.links({ kind: 'vlan' }).toArray()).toHaveLength(1);
  });

  it('changes a device as ip link set does', async () => {
    await c.createLink({ name: 'br0', kind: 'bridge' });
    await c.createLink({ name: 'v0', kind: 'veth', peer: 'v1' });
    await c.setLink('v0', { up: true, mtu: 1400, alias: 'uplink', txqlen: 500, group: 3, master: 'br0' });
    let v0 = await c.link('v0');
    expect(v0.flags & IFF_UP).toBe(IFF_UP);
    expect(v0).toMatchObject({ mtu: 1400, alias: 'uplink', txqlen: 500, group: 3, master: (await c.link('br0')).index });
    expect((await c.links({ master: 'br0' }).toArray()).map((l) => l.name)).toEqual(['v0']);
    await c.setLink('v0', { name: 'up0', alias: null, master: null, up: false });
    v0 = await c.link('up0');
    expect(v0.flags & IFF_UP).toBe(0);
    expect(v0.alias).toBeUndefined();
    expect(v0.master).toBeUndefined();
    const mtu = await rejection(c.setLink('up0', { mtu: 10 }));
    expect(mtu.extAck).toBe('mtu less than device minimum');
  });

  it('deletes devices by name and by index', async () => {
    const v0 = await c.createLink({ name: 'v0', kind: 'veth', peer: 'v1' });
    await c.deleteLink(v0.index);
    expect((await c.links().toArray()).map((l) => l.name)).toEqual(['lo']);
    await c.createLink({ name: 'd0', kind: 'dummy' });
    await c.deleteLink('d0');
    expect((await rejection(c.deleteLink('d0'))).errno).toBe(19);
  });
});

describe('routes', () => {
  it('adds, appends, replaces, looks up, lists, announces and deletes routes', async () => {
    await c.createLink({ name: 'd0', kind: 'dummy', up: true });
    await c.addAddress({ link: 'd0', address: '10.0.0.1/24' });
    const events = c.subscribe(['ipv4-route']);
    await events.ready;
    await c.addRoute({ dst: '10.10.0.0/24', via: '10.0.0.2' });
    await c.appendRoute({ dst: '10.10.0.0/24', via: '10.0.0.3' });
    await c.addRoute({ dst: 'default', via: '10.0.0.254', metric: 10 });
    const dup = await rejection(c.addRoute({ dst: '10.10.0.0/24', via: '10.0.0.2' }));
    expect(dup).toMatchObject({ errno: 17, name: 'EEXIST' });
    const far = await rejection(c.addRoute({ dst: '10.11.0.0/24', via: '192.168.9.9' }));
    expect(far).toMatchObject({ errno: 101, extAck: 'Nexthop has invalid gateway' });
    const hit = await c.lookupRoute('10.10.0.77');
    expect(formatInet(hit.nexthops[0]!.gateway!)).toBe('10.0.0.2');
    expect(formatInet((await c.lookupRoute('8.8.8.8')).nexthops[0]!.gateway!)).toBe('10.0.0.254');
    await c.replaceRoute({ dst: '10.10.0.0/24', via: '10.0.0.4' });
    const main = (await c.routes({ family: 'inet' }).toArray()).filter((r) => r.table === 254);
    expect(main.map((r) => `${r.dst ? formatInet(r.dst) : 'default'}/${r.dstLen} ${r.nexthops[0]?.gateway ? formatInet(r.nexthops[0].gateway) : '-'}`)).toEqual([
      'default/0 10.0.0.254', '10.0.0.0/24 -', '10.10.0.0/24 10.0.0.4', '10.10.0.0/24 10.0.0.3',
    ]);
    await c.deleteRoute({ dst: '10.10.0.0/24', via: '10.0.0.3' });
    const seen: string[] = [];
    for await (const e of events) {
      if (e.type === 'newroute' || e.type === 'delroute') seen.push(`${e.type} ${e.header.flags.toString(16)} ${formatInet(e.route.nexthops[0]!.gateway!)}`);
      if (seen.length === 5) break;
    }
    expect(seen).toEqual(['newroute 600 10.0.0.2', 'newroute c00 10.0.0.3', 'newroute 600 10.0.0.254', 'newroute 100 10.0.0.4', 'delroute 0 10.0.0.3']);
    expect(await rejection(c.deleteRoute({ dst: '10.10.0.0/24', via: '10.0.0.3' }))).toMatchObject({ errno: 3, name: 'ESRCH' });
  });
});

describe('addresses', () => {
  it('adds, lists, replaces and deletes addresses', async () => {
    await c.createLink({ name: 'd0', kind: 'dummy', up: true });
    await c.addAddress({ link: 'd0', address: '10.0.0.1/24', broadcast: '+', label: 'd0:a' });
    await c.addAddress({ link: 'd0', address: '10.0.0.2/24' });
    await c.addAddress({ link: 'd0', address: '2001:db8::1/64', flags: 0x02 });
    const v4 = await c.addresses({ family: 'inet', link: 'd0' }).toArray();
    expect(v4.map((a) => [formatInet(a.local!), a.prefixlen, a.label, a.flags & 1])).toEqual([
      ['10.0.0.1', 24, 'd0:a', 0], ['10.0.0.2', 24, 'd0', 1],
    ]);
    expect(formatInet(v4[0]!.broadcast!)).toBe('10.0.0.255');
    const v6 = await c.addresses({ family: AF_INET6, link: 'd0' }).toArray();
    expect(v6.map((a) => formatInet(a.address!))).toContain('2001:db8::1');
    const dup = await rejection(c.addAddress({ link: 'd0', address: '10.0.0.1/24' }));
    expect(dup).toMatchObject({ errno: 17, name: 'EEXIST', extAck: 'ipv4: Address already assigned' });
    await c.replaceAddress({ link: 'd0', address: '10.0.0.1/24', validLft: 300, preferredLft: 100 });
    const replaced = (await c.addresses({ family: AF_INET, link: 'd0' }).toArray())[0]!;
    expect(replaced.cacheinfo!.valid).toBeLessThanOrEqual(300);
    await c.deleteAddress({ link: 'd0', address: '10.0.0.2/24' });
    await c.deleteAddress({ link: 'd0', address: '2001:db8::1/64' });
    const left = await c.addresses({ link: 'd0' }).toArray();
    expect(left.map((a) => formatInet(a.local ?? a.address!))).not.toContain('10.0.0.2');
    expect((await rejection(c.deleteAddress({ link: 'd0', address: '10.9.9.9/24' }))).extAck).toBe('ipv4: Address not found');
  });
});

describe('pipelining and dumps', () => {
  it('matches pipelined replies to their requests', async () => {
    for (let i = 0; i < 20; i++) await c.createLink({ name: `d${i}`, kind: 'dummy' });
    const names = Array.from({ length: 200 }, (_, i) => `d${i % 20}`);
    const replies = await Promise.all(names.map((n, i) => (i % 3 === 0 ? c.setLink(n, { mtu: 1000 + (i % 20) }).then(() => n) : c.link(n).then((l) => l.name))));
    expect(replies).toEqual(names);
    const missing = await Promise.allSettled([c.link('d1'), c.link('zz'), c.link('d2')]);
    expect(missing.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('sends the requests made in one tick in one write, each still answered on its own', async () => {
    await c.createLink({ name: 'd0', kind: 'dummy', up: true });
    await c.addAddress({ link: 'd0', address: '10.0.0.1/24' });
    // Every write of the client's socket, one buffer or corked ones together, goes through net.Socket's _writeGeneric.
    const socket = (c as unknown as { core: { socket: { _writeGeneric: () => void } } }).core.socket;
    const writes = vi.spyOn(socket, '_writeGeneric');
    try {
      const dsts = Array.from({ length: 64 }, (_, i) => `10.20.${i}.0/24`);
      const added = dsts.map((dst) => c.addRoute({ dst, via: '10.0.0.2' }));
      const dup = c.addRoute({ dst: '10.20.5.0/24', via: '10.0.0.2' });
      const results = await Promise.allSettled([...added, dup]);
      expect(results.slice(0, 64).every((r) => r.status === 'fulfilled')).toBe(true);
      expect(results[64]).toMatchObject({ status: 'rejected', reason: { code: 'EEXIST' } });
      expect(writes).toHaveBeenCalledTimes(1);
    } finally {
      writes.mockRestore();
    }
    const routes = await c.routes({ family: 'inet' }).toArray();
    expect(routes.filter((r) => r.dst?.[0] === 10 && r.dst[1] === 20)).toHaveLength(64);
  });

  it('queues concurrent dumps instead of letting the daemon answer EBUSY', async () => {
    for (let i = 0; i < 50; i++) await c.createLink({ name: `d${i}`, kind: 'dummy' });
    const [a, b, addrs] = await Promise.all([c.links().toArray(), c.links().toArray(), c.addresses().toArray()]);
    expect(a).toHaveLength(51);
    expect(b).toHaveLength(51);
    expect(addrs).toEqual([]);
  });

  it('keeps working after a dump is abandoned half way', async () => {
    for (let i = 0; i < 30; i++) await c.createLink({ name: `d${i}`, kind: 'dummy' });
    let n = 0;
    for await (const l of c.links()) {
      void l;
      if (++n === 3) break;
    }
    expect(await c.links().toArray()).toHaveLength(31);
    expect((await c.link('d29')).name).toBe('d29');
  });

  it('streams a large dump with backpressure', async () => {
    const small = await connect(d.path, { dumpHighWaterMark: 4 });
    try {
      for (let i = 0; i < 300; i++) await small.createLink({ name: `d${i}`, kind: 'dummy' });
      let count = 0;
      for await (const l of small.links()) {
        void l;
        count++;
        if (count % 50 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      expect(count).toBe(301);
    } finally {
      await small.close();
    }
  });

  it('tells the caller a dump was interrupted by a change (NLM_F_DUMP_INTR), and not when it was not', async () => {
    const slow = await connect(d.path, { dumpHighWaterMark: 4 });
    try {
      // ~2 MB of RTM_NEWLINK: more than the socket buffers and the daemon's queue hold, so most is produced after the change.
      for (let i = 0; i < 1500; i++) await c.createLink({ name: `d${i}`, kind: 'dummy' });
      const dump = slow.links();
      let count = 0;
      for await (const l of dump) {
        void l;
        if (count++ === 0) await c.createLink({ name: 'late', kind: 'dummy' }); // the device list changes mid-dump
      }
      expect(count).toBeGreaterThanOrEqual(1501);
      expect(dump.interrupted).toBe(true);
      expect((await dump.toArray()).length).toBe(1502);
      expect(dump.interrupted).toBe(false);
    } finally {
      await slow.close();
    }
  });

  it('sends raw requests', async () => {
    const w = new NlWriter();
    writeLinkRequest(w, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 77, {});
    const msgs = await c.request(w.take());
    expect(msgs).toHaveLength(1);
    expect(decodeNlMsgHdr(msgs[0]!).type).toBe(RTM_NEWLINK);
    writeLinkRequest(w, RTM_NEWLINK, NLM_F_REQUEST, 5, { index: 99, mtu: 1000 });
    expect((await rejection(c.request(w.take()))).errno).toBe(19);
    writeLinkRequest(w, RTM_GETLINK, NLM_F_REQUEST, 5, { index: 1 });
    expect(await c.request(w.take())).toHaveLength(1);
  });

  it('sets and reads socket options', async () => {
    await c.setOption(NETLINK_NO_ENOBUFS, 1);
    expect(await c.getOption(NETLINK_NO_ENOBUFS)).toBe(1);
    expect((await rejection(c.setOption(200, 1))).name).toBe('ENOPROTOOPT');
  });

  it('rejects outstanding requests when the daemon goes away', async () => {
    const outcome = c.links().toArray().then(() => c.link('lo')).then(() => 'resolved', (e: unknown) => e);
    await d.daemon.stop();
    expect(await outcome).toBeInstanceOf(ConnectionClosedError);
    await expect(c.link('lo')).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});

async function take(it: AsyncIterator<RtnlEvent>, n: number): Promise<RtnlEvent[]> {
  const out: RtnlEvent[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('notifications', () => {
  it('delivers events to subscriptions and never into replies', async () => {
    const sub = c.subscribe(['link', 'ipv4-ifaddr']);
    await sub.ready;
    const created = await c.createLink({ name: 'v0', kind: 'veth', peer: 'v1' });
    expect(created.name).toBe('v0');
    await c.setLink('v0', { mtu: 1400 });
    const links = await c.links().toArray();
    expect(links.map((l) => l.name)).toEqual(['lo', 'v1', 'v0']);
    await c.createLink({ name: 'd0', kind: 'dummy', up: true });
    // IPv4 notifications carry the requester's pid and seq: they still are events, not the reply.
    await c.addAddress({ link: 'd0', address: '10.1.0.1/24' });
    const events = await take(sub, 5);
    expect(events.map((e) => `${e.type}:${'link' in e ? e.link.name : 'address' in e ? formatInet(e.address.local!) : ''}`)).toEqual([
      'newlink:v1', 'newlink:v0', 'newlink:v0', 'newlink:d0', 'newaddr:10.1.0.1',
    ]);
    expect(events[1]!.header!.seq).not.toBe(0);
    await sub.close();
    await c.createLink({ name: 'd1', kind: 'dummy' });
    expect((await sub.next()).done).toBe(true);
  });

  it('keeps a second subscription fed after the first one leaves a shared group', async () => {
    const a = c.subscribe(['link']);
    const b = c.subscribe(['link']);
    await Promise.all([a.ready, b.ready]);
    await a.close();
    await c.createLink({ name: 'd0', kind: 'dummy' });
    const [ev] = await take(b, 1);
    expect(ev).toMatchObject({ type: 'newlink' });
    await b.close();
  });

  it('reports an overrun when a subscription falls behind', async () => {
    const sub = c.subscribe(['link'], { highWaterMark: 3 });
    await sub.ready;
    for (let i = 0; i < 10; i++) await c.createLink({ name: `d${i}`, kind: 'dummy' });
    const events = await take(sub, 4);
    expect(events.map((e) => e.type)).toEqual(['newlink', 'newlink', 'newlink', 'overrun']);
    await sub.close();
  });
});

describe('reply matching against a scripted peer', () => {
  it('ignores a notification that carries another requester\'s pid with the same seq', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtnl-fake-'));
    const path = join(dir, 's.sock');
    const lo = hex(fixture('getlink-lo-down').messages[0]!);
    const server = createServer((s: Socket) => {
      const framer = new Framer(1 << 20);
      s.on('data', (chunk) => {
        for (const r of framer.push(chunk)) {
          if (r.kind !== 'message') continue;
          const msg = Buffer.from(r.message);
          const hdr = decodeNlMsgHdr(msg);
          const w = new NlWriter();
          if (hdr.type === RTNLD_SOCKET_CALL) {
            if (msg.readUInt32LE(16) === 4) writeSocketCallReply(w, hdr.seq, 1000, { call: 4, name: 0, value: 1000 });
            else writeAck(w, msg, 0, 1000, { capAck: false, extAck: true });
          } else {
            // First a multicast NEWLINK "lo" from another requester (pid 2000) with this very seq, renamed "other".
            const other = Buffer.from(lo);
            other.writeUInt32LE(hdr.seq, 8);
            other.writeUInt32LE(2000, 12);
            w.bytes(other);
            const reply = Buffer.from(lo);
            reply.writeUInt32LE(hdr.seq, 8);
            reply.writeUInt32LE(1000, 12);
            w.bytes(reply);
          }
          s.write(w.take());
        }
      });
    });
    await new Promise<void>((r) => server.listen(path, r));
    const fake = await connect(path);
    try {
      const sub = fake.subscribe([1]);
      await sub.ready;
      const link = await fake.link(1);
      expect(link.name).toBe('lo');
      const [ev] = await take(sub, 1);
      expect(ev!.header!.pid).toBe(2000);
    } finally {
      await fake.close();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
