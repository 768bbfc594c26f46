import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IFLA_CARRIER, IFLA_IFNAME, NETLINK_ADD_MEMBERSHIP, NLM_F_ACK, NLM_F_REQUEST, RTM_DELADDR, RTM_DELLINK, RTM_NEWADDR, RTM_NEWLINK,
  RTM_SETLINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_LINK,
} from '../../protocol/constants.js';
import { startDaemon } from '../helpers/daemon.js';
import { ifinfomsg, message, TestClient, type Reply } from '../helpers/nl-client.js';
import { httpCall, openEvents, startAdmin, type AdminRig } from './helpers.js';

// The admin API on a real (Unix) socket, next to netlink clients of the same daemon.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SEED = [
  { name: 'lo', up: true },
  { name: 'd0', kind: 'dummy', up: true },
  { name: 'v0', kind: 'veth', peer: 'v1', up: true },
];

async function rig(options: Parameters<typeof startAdmin>[0] = {}): Promise<AdminRig> {
  const r = await startAdmin({ seed: SEED, ...options });
  cleanups.push(() => r.stop());
  return r;
}

async function subscriber(path: string): Promise<TestClient> {
  const c = await TestClient.connect(path);
  cleanups.push(() => c.close());
  expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
  return c;
}

const notificationsOf = (c: TestClient, from = 0): Reply[] => c.received.slice(from).filter((r) => r.seq === 0 && (r.type === RTM_NEWLINK || r.type === RTM_DELLINK));

/** Lets in-flight notifications arrive, then returns those received since `from`. */
async function settle(c: TestClient, from: number): Promise<Reply[]> {
  let n = -1;
  while (notificationsOf(c, from).length !== n) {
    n = notificationsOf(c, from).length;
    await new Promise((r) => setTimeout(r, 50));
  }
  return notificationsOf(c, from);
}

const ifindexOf = (r: Reply) => r.raw.readInt32LE(20);

describe('admin API over a Unix socket', () => {
  it('POST carrier gives netlink subscribers the notifications an IFLA_CARRIER request gives, byte for byte', async () => {
    const { httpPath, path, daemon } = await rig();
    const sub = await subscriber(path);
    const d0 = daemon.model.byName('d0')!.index;
    const saved = await httpCall(httpPath, 'GET', '/v1/snapshot');

    // Over HTTP.
    let mark = sub.received.length;
    const res = await httpCall(httpPath, 'POST', '/v1/links/d0/carrier', { carrier: false });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ifname: 'd0', flags: ['NO-CARRIER', 'BROADCAST', 'NOARP', 'UP'] });
    const viaHttp = await settle(sub, mark);
    expect(viaHttp.length).toBeGreaterThan(0);
    expect(viaHttp.every((r) => r.type === RTM_NEWLINK && ifindexOf(r) === d0)).toBe(true);

    // Back to the same state, then the same change over netlink from another connection.
    const put = await httpCall(httpPath, 'PUT', '/v1/snapshot', JSON.parse(saved.body));
    expect(put.status).toBe(200);
    await settle(sub, mark);
    const nl = await TestClient.connect(path);
    cleanups.push(() => nl.close());
    mark = sub.received.length;
    const [ack] = await nl.request(message(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 5, (w) => ifinfomsg(w, d0).attrU8(IFLA_CARRIER, 0)));
    expect(ack!.error).toBe(0);
    const viaNetlink = await settle(sub, mark);
    expect(viaNetlink.map((r) => r.raw.toString('hex'))).toEqual(viaHttp.map((r) => r.raw.toString('hex')));
  });

  it('PUT snapshot announces DELLINK for devices gone and NEWLINK for new or changed ones; reset goes back to the seed', async () => {
    const { httpPath, path, daemon } = await rig();
    const seeded = (await httpCall(httpPath, 'GET', '/v1/snapshot')).json() as { model: { links: Array<{ name: string; mtu: number }> } };
    daemon.model.createLink({ kind: 'dummy', name: 'x0' }); // index 5
    const sub = await subscriber(path);
    // The seed's topology with d0's MTU changed: x0 goes, d0 changes, the rest stays as it is.
    const target = structuredClone(seeded);
    target.model.links.find((l) => l.name === 'd0')!.mtu = 9000;
    const mark = sub.received.length;
    const put = await httpCall(httpPath, 'PUT', '/v1/snapshot', target);
    expect(put.status).toBe(200);
    const got = await settle(sub, mark);
    const d0 = daemon.model.byName('d0')!.index;
    expect(got.map((r) => [r.type, ifindexOf(r)])).toEqual([[RTM_DELLINK, 5], [RTM_NEWLINK, d0]]);
    expect(daemon.model.byName('d0')!.mtu).toBe(9000);

    // Reset: back to the seed, announced the same way.
    const mark2 = sub.received.length;
    const reset = await httpCall(httpPath, 'POST', '/v1/reset');
    expect(reset.status).toBe(200);
    expect((await settle(sub, mark2)).map((r) => [r.type, ifindexOf(r)])).toEqual([[RTM_NEWLINK, d0]]);
    expect(daemon.model.byName('d0')!.mtu).toBe(1500);
  });

  it('PUT snapshot announces addresses that go and come (RTM_DELADDR / RTM_NEWADDR)', async () => {
    const { httpPath, path, daemon } = await rig();
    const sub = await subscriber(path);
    expect(await sub.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_IPV4_IFADDR)).toBe(0);
    const saved = (await httpCall(httpPath, 'GET', '/v1/snapshot')).json();
    const d0 = daemon.model.byName('d0')!.index;
    const ip = new Uint8Array([10, 1, 2, 3]);
    daemon.model.addresses.newInet4({ ifindex: d0, prefixlen: 24, flags: 0, scope: 0, local: ip, address: ip }, { excl: true, replace: false });
    const withAddr = (await httpCall(httpPath, 'GET', '/v1/snapshot')).json();
    await sub.waitFor((r) => r.some((m) => m.type === RTM_NEWADDR));

    let mark = sub.received.length;
    expect((await httpCall(httpPath, 'PUT', '/v1/snapshot', saved)).status).toBe(200);
    await sub.waitFor((r) => r.slice(mark).some((m) => m.type === RTM_DELADDR));
    expect(sub.received.slice(mark).filter((m) => m.type !== RTM_DELADDR)).toEqual([]);
    expect(daemon.model.addresses.list(d0, 'inet')).toHaveLength(0);

    mark = sub.received.length;
    expect((await httpCall(httpPath, 'PUT', '/v1/snapshot', withAddr)).status).toBe(200);
    await sub.waitFor((r) => r.slice(mark).some((m) => m.type === RTM_NEWADDR));
    const added = sub.received.slice(mark).find((m) => m.type === RTM_NEWADDR)!;
    expect(added.raw.readUInt32LE(20)).toBe(d0); // ifaddrmsg.ifa_index
    const addrs = (await httpCall(httpPath, 'GET', '/v1/addresses')).json() as Array<{ ifname: string; addr_info: Array<{ local: string }> }>;
    expect(addrs.find((l) => l.ifname === 'd0')!.addr_info.map((a) => a.local)).toContain('10.1.2.3');
  });

  it('streams model events as Server-Sent Events, in the order netlink announces them', async () => {
    const { httpPath, path } = await rig();
    const sub = await subscriber(path);
    const events = await openEvents(httpPath);
    cleanups.push(() => events.close());
    const mark = sub.received.length;
    await httpCall(httpPath, 'POST', '/v1/links/d0/carrier', { carrier: false });
    await events.waitFor((e) => e.some((x) => x.event === 'newlink'));
    const got = await settle(sub, mark);
    // The carrier loss first flushes d0's neighbours (its router solicitation's ff02::2 entry), as
    // NETDEV_CHANGE runs before the RTM_NEWLINK: those events carry no link.
    expect(events.events.filter((x) => x.event === 'delneigh').map((x) => x.data)).toEqual([{ type: 'delneigh' }]);
    const links = events.events.filter((x) => x.event !== 'delneigh');
    expect(links.length).toBe(got.length);
    expect(links[0]).toMatchObject({
      event: 'newlink', data: { type: 'newlink', link: { ifname: 'd0', flags: ['NO-CARRIER', 'BROADCAST', 'NOARP', 'UP'], operstate: 'DOWN' } },
    });
    // Netlink changes show up too.
    const nl = await TestClient.connect(path);
    cleanups.push(() => nl.close());
    const [ack] = await nl.request(message(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 9, (w) => ifinfomsg(w, 0).attrString(IFLA_IFNAME, 'v0')));
    expect(ack!.error).toBe(0);
    await events.waitFor((e) => e.filter((x) => x.event === 'dellink').length === 2);
    const gone = events.events.filter((x) => x.event === 'dellink').map((x) => (x.data.link as { ifname: string }).ifname);
    expect(gone).toEqual(['v0', 'v1']);
    const ids = events.events.map((x) => Number(x.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('ends event streams and removes its socket file on stop', async () => {
    const r = await startAdmin({ seed: SEED });
    const events = await openEvents(r.httpPath);
    expect(existsSync(r.httpPath)).toBe(true);
    await r.stop();
    const deadline = Date.now() + 2000;
    while (!events.ended && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    expect(events.ended).toBe(true);
    expect(existsSync(r.httpPath)).toBe(false);
  });

  it('refuses to start on a non-loopback address without a token', async () => {
    await expect(startDaemon({ http: { kind: 'tcp', host: '0.0.0.0', port: 0 } })).rejects.toThrow(/--http-token/);
    const d = await startDaemon({ http: { kind: 'tcp', host: '127.0.0.1', port: 0 } });
    cleanups.push(() => d.stop());
    const port = d.daemon.httpAddress!.split(':')[1];
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await res.json()).toEqual({ status: 'ready', links: 1 });
  });

  it('makes changes made over HTTP durable with --state', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'rtnld-http-state-'));
    cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const first = await startAdmin({ seed: SEED, stateDir });
    const nl = await TestClient.connect(first.path);
    // A netlink change still in the journal when the HTTP change snapshots the model.
    const d0 = first.daemon.model.byName('d0')!.index;
    await nl.request(message(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, (w) => ifinfomsg(w, d0).attrU32(4, 1400)));
    expect((await httpCall(first.httpPath, 'POST', '/v1/links/d0/stats', { rx_bytes: 1234 })).status).toBe(200);
    expect((await httpCall(first.httpPath, 'POST', '/v1/links/d0/carrier', { carrier: false })).status).toBe(200);
    nl.close();
    await first.stop();

    const second = await startAdmin({ seed: SEED, stateDir });
    cleanups.push(() => second.stop());
    const d = second.daemon.model.byName('d0')!;
    expect(d.mtu).toBe(1400);
    expect(d.stats?.rxBytes).toBe(1234);
    expect(d.adminCarrier).toBe(false);
  });
});
