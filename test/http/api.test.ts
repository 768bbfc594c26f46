import { afterEach, describe, expect, it } from 'vitest';
import {
  IFLA_STATS, IFLA_STATS64, NETLINK_ADD_MEMBERSHIP, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, RTM_GETLINK, RTM_NEWLINK,
  RTNLGRP_LINK,
} from '../../protocol/constants.js';
import type { Inet4Request } from '../../src/model/addresses.js';
import { toJson } from '../../src/state/json.js';
import { flattenLink } from '../helpers/attr-tree.js';
import { ifinfomsg, message, TestClient } from '../helpers/nl-client.js';
import { startAdmin, type AdminRig } from './helpers.js';

const rigs: AdminRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
});

const SEED = [
  { name: 'lo', up: true },
  { name: 'br0', kind: 'bridge' },
  { name: 'v0', kind: 'veth', peer: 'v1', master: 'br0', up: true },
  { name: 'd0', kind: 'dummy', up: true, alias: 'uplink' },
];

async function rig(options: Parameters<typeof startAdmin>[0] = {}): Promise<AdminRig> {
  const r = await startAdmin({ seed: SEED, ...options });
  rigs.push(r);
  return r;
}

const TOKEN = 'sekrit-token-123';

/** The links and index cursor, serialised: what "the model is unchanged" compares. */
const linksOf = (daemon: AdminRig['daemon']) => {
  const { lastAutoIndex, links } = daemon.model.exportLinks();
  return toJson({ lastAutoIndex, links });
};

describe('health and readiness', () => {
  it('answers /healthz and /readyz', async () => {
    const { app, daemon } = await rig();
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', links: daemon.model.size });
  });

  it('says 503 on /readyz and /v1 while the daemon is stopping', async () => {
    const r = await rig();
    rigs.splice(rigs.indexOf(r), 1);
    await r.daemon.stop();
    expect((await r.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    const links = await r.app.inject({ url: '/v1/links' });
    expect(links.statusCode).toBe(503);
    expect(links.json().error).toBe('Service Unavailable');
    expect((await r.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    await r.app.close();
  });
});

describe('reading the model as ip -j', () => {
  it('lists links in the shape of `ip -j link show`, in iproute2 key order', async () => {
    const { app } = await rig();
    const res = await app.inject({ url: '/v1/links' });
    expect(res.statusCode).toBe(200);
    const links = res.json() as Array<Record<string, unknown>>;
    expect(links.map((l) => l.ifname)).toEqual(['lo', 'br0', 'v1', 'v0', 'd0']);
    const v0 = links.find((l) => l.ifname === 'v0')!;
    // iproute2 6.1 against Linux for the same topology (MAC masked): v0 up, its peer v1 down, br0 down.
    expect({ ...v0, address: '*' }).toEqual({
      ifindex: 4, link: 'v1', ifname: 'v0', flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP', 'M-DOWN'], mtu: 1500,
      qdisc: 'noqueue', master: 'br0', operstate: 'LOWERLAYERDOWN', linkmode: 'DEFAULT', group: 'default', txqlen: 1000,
      link_type: 'ether', address: '*', broadcast: 'ff:ff:ff:ff:ff:ff',
    });
    expect(Object.keys(v0)).toEqual(['ifindex', 'link', 'ifname', 'flags', 'mtu', 'qdisc', 'master', 'operstate', 'linkmode', 'group', 'txqlen', 'link_type', 'address', 'broadcast']);
    expect(links[0]).toEqual({
      ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, qdisc: 'noqueue', operstate: 'UNKNOWN',
      linkmode: 'DEFAULT', group: 'default', txqlen: 1000, link_type: 'loopback', address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00',
    });
    expect(links.find((l) => l.ifname === 'd0')!.ifalias).toBe('uplink');
  });

  it('finds one link by name or altname, 404 otherwise', async () => {
    const { app, daemon } = await rig();
    daemon.model.addAltname(daemon.model.byName('d0')!, 'uplink0');
    expect((await app.inject({ url: '/v1/links/uplink0' })).json()).toMatchObject({ ifname: 'd0', altnames: ['uplink0'] });
    const missing = await app.inject({ url: '/v1/links/nope0' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ statusCode: 404, field: 'name', errno: 'ENODEV' });
  });

  it('adds stats64 with ?stats=1 and refuses other values naming the field', async () => {
    const { app } = await rig();
    const res = await app.inject({ url: '/v1/links/d0?stats=1' });
    expect(res.json().stats64).toEqual({
      rx: { bytes: 0, packets: 0, errors: 0, dropped: 0, over_errors: 0, multicast: 0 },
      tx: { bytes: 0, packets: 0, errors: 0, dropped: 0, carrier_errors: 0, collisions: 0 },
    });
    const bad = await app.inject({ url: '/v1/links?stats=yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('stats');
  });

  it('lists addresses in the shape of `ip -j addr show`', async () => {
    const { app, daemon } = await rig();
    const addrs = daemon.model.addresses;
    const d0 = daemon.model.byName('d0')!.index;
    const v4 = (text: string) => new Uint8Array(text.split('.').map(Number));
    const add4 = (r: Partial<Inet4Request> & { local: Uint8Array; prefixlen: number }) =>
      addrs.newInet4({ ifindex: d0, flags: 0, scope: 0, address: r.local, ...r }, { excl: true, replace: false });
    add4({ local: v4('10.0.0.1'), prefixlen: 24, broadcast: v4('10.0.0.255'), label: 'd0' });
    add4({ local: v4('10.0.0.2'), prefixlen: 24, label: 'd0:1' });
    add4({ local: v4('10.9.0.1'), address: v4('10.9.0.2'), prefixlen: 32, label: 'd0' });
    add4({ local: v4('192.168.5.1'), prefixlen: 24, label: 'd0', lifetimes: { valid: 100, prefered: 50 } });
    const db8 = new Uint8Array(16);
    db8.set([0x20, 0x01, 0x0d, 0xb8], 0);
    db8[15] = 1;
    addrs.newInet6({ ifindex: d0, prefixlen: 64, flags: 0x02 /* nodad */, address: db8 }, { excl: true, replace: false });

    const links = (await app.inject({ url: '/v1/addresses' })).json() as Array<Record<string, any>>;
    expect(links.map((l) => l.ifname)).toEqual(['lo', 'br0', 'v1', 'v0', 'd0']);
    for (const l of links) {
      expect(l).not.toHaveProperty('linkmode');
      expect(l).not.toHaveProperty('ifalias');
    }
    // What iproute2 6.1 prints for the same addresses on Linux.
    expect(links[0]!.addr_info).toEqual([
      { family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
      { family: 'inet6', local: '::1', prefixlen: 128, scope: 'host', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
    ]);
    expect(links[1]!.addr_info).toEqual([]);
    const info = links[4]!.addr_info as Array<Record<string, unknown>>;
    // The dynamic address's lifetimes count down on the real clock: a loaded machine may take seconds to get here.
    const dynamic = info.find((a) => a.dynamic) as { valid_life_time: number; preferred_life_time: number };
    expect(dynamic.valid_life_time).toBeGreaterThan(80);
    expect(dynamic.valid_life_time).toBeLessThanOrEqual(100);
    expect(dynamic.valid_life_time - dynamic.preferred_life_time).toBe(50);
    expect(info.filter((a) => a.family === 'inet')).toEqual([
      { family: 'inet', local: '10.0.0.1', prefixlen: 24, broadcast: '10.0.0.255', scope: 'global', label: 'd0', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
      { family: 'inet', local: '10.9.0.1', address: '10.9.0.2', prefixlen: 32, scope: 'global', label: 'd0', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
      { family: 'inet', local: '192.168.5.1', prefixlen: 24, scope: 'global', dynamic: true, label: 'd0', valid_life_time: dynamic.valid_life_time, preferred_life_time: dynamic.preferred_life_time },
      { family: 'inet', local: '10.0.0.2', prefixlen: 24, scope: 'global', secondary: true, label: 'd0:1', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
    ]);
    expect(Object.keys(info[2]!)).toEqual(['family', 'local', 'prefixlen', 'scope', 'dynamic', 'label', 'valid_life_time', 'preferred_life_time']);
    expect(info.find((a) => a.local === '2001:db8::1')).toEqual(
      { family: 'inet6', local: '2001:db8::1', prefixlen: 64, scope: 'global', nodad: true, valid_life_time: 4294967295, preferred_life_time: 4294967295 },
    );
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(Number(/^rtnld_model_addresses\{netns=""\} (\S+)$/m.exec(text)![1])).toBe(addrs.size);
    const routes = (await app.inject({ url: '/v1/routes' })).json() as Array<Record<string, unknown>>;
    expect(routes.filter((r) => r.table === 254 && r.family === 'inet')).toContainEqual(
      { family: 'inet', table: 254, type: 1, dst: '10.0.0.0/24', protocol: 2, scope: 253, metric: 0, prefsrc: '10.0.0.1', nexthops: [{ dev: 'd0', weight: 1, flags: 0 }] },
    );
    // lo's local, LOCAL prefix and broadcast routes, and one local route per IPv4 address of d0.
    expect(Number(/^rtnld_model_routes\{netns="",family="inet",table="255"\} (\S+)$/m.exec(text)![1])).toBeGreaterThanOrEqual(3 + 4);
  });

  it('answers unknown endpoints with a JSON 404', async () => {
    const { app } = await rig();
    const res = await app.inject({ url: '/v1/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});

describe('authentication', () => {
  it('requires the bearer token for changes when one is set, and leaves the model alone without it', async () => {
    const { app, daemon } = await rig({ token: TOKEN });
    const before = linksOf(daemon);
    const none = await app.inject({ method: 'POST', url: '/v1/links/d0/carrier', payload: { carrier: false } });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect(none.json()).toMatchObject({ statusCode: 401, field: 'authorization' });
    const wrong = await app.inject({ method: 'POST', url: '/v1/reset', headers: { authorization: 'Bearer nope-nope-nope' } });
    expect(wrong.statusCode).toBe(401);
    const put = await app.inject({ method: 'PUT', url: '/v1/snapshot', payload: { version: 1, model: { lastAutoIndex: 1, links: [] } } });
    expect(put.statusCode).toBe(401);
    expect(linksOf(daemon)).toBe(before);

    const ok = await app.inject({ method: 'POST', url: '/v1/links/d0/carrier', payload: { carrier: false }, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(daemon.model.byName('d0')!.carrier).toBe(false);
  });

  it('keeps reads open', async () => {
    const { app } = await rig({ token: TOKEN });
    for (const url of ['/v1/links', '/v1/snapshot', '/metrics', '/healthz', '/docs/json']) {
      expect((await app.inject({ url })).statusCode, url).toBe(200);
    }
  });
});

describe('carrier', () => {
  it('pulls and plugs the cable of a dummy', async () => {
    const { app, daemon } = await rig();
    const off = await app.inject({ method: 'POST', url: '/v1/links/d0/carrier', payload: { carrier: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ ifname: 'd0', flags: ['NO-CARRIER', 'BROADCAST', 'NOARP', 'UP'], operstate: 'DOWN' });
    expect(daemon.model.byName('d0')!.carrierDownCount).toBe(1);
    const on = await app.inject({ method: 'POST', url: '/v1/links/d0/carrier', payload: { carrier: true } });
    // After a carrier change linkwatch computes the operstate: UP (it was UNKNOWN before), as on Linux.
    expect(on.json()).toMatchObject({ flags: ['BROADCAST', 'NOARP', 'UP', 'LOWER_UP'], operstate: 'UP' });
  });

  it('refuses bad bodies naming the field, unknown links and kinds without a settable carrier', async () => {
    const { app, daemon } = await rig();
    const before = linksOf(daemon);
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, 'carrier'],
      [{ carrier: 'false' }, 400, 'carrier'],
      [{ carrier: 0 }, 400, 'carrier'],
      [{ carrier: false, extra: 1 }, 400, 'extra'],
      [[false], 400, 'body'],
    ];
    for (const [payload, status, field] of cases) {
      const res = await app.inject({ method: 'POST', url: '/v1/links/d0/carrier', payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
      expect(res.json().message).toContain(field);
    }
    const notJson = await app.inject({ method: 'POST', url: '/v1/links/d0/carrier', headers: { 'content-type': 'application/json' }, payload: '{carrier:' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().statusCode).toBe(400);
    const unknown = await app.inject({ method: 'POST', url: '/v1/links/zz9/carrier', payload: { carrier: false } });
    expect(unknown.statusCode).toBe(404);
    const bridge = await app.inject({ method: 'POST', url: '/v1/links/br0/carrier', payload: { carrier: false } });
    expect(bridge.statusCode).toBe(409);
    expect(bridge.json()).toMatchObject({ errno: 'EOPNOTSUPP', field: 'carrier' });
    expect(linksOf(daemon)).toBe(before);
  });
});

/** The counters of IFLA_STATS64 and IFLA_STATS in a netlink GETLINK answer for `name`. */
async function wireStats(path: string, name: string): Promise<{ s64: bigint[]; s32: number[] }> {
  const c = await TestClient.connect(path);
  const replies = await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 7, (w) => ifinfomsg(w)));
  c.close();
  for (const r of replies.filter((x) => x.type === RTM_NEWLINK)) {
    const attrs = flattenLink(r.raw).attrs;
    const ifname = Buffer.from(attrs.find((a) => a.path === '3')!.payload, 'hex').toString('utf8').replace(/\0+$/, '');
    if (ifname !== name) continue;
    const s64 = Buffer.from(attrs.find((a) => a.path === String(IFLA_STATS64))!.payload, 'hex');
    const s32 = Buffer.from(attrs.find((a) => a.path === String(IFLA_STATS))!.payload, 'hex');
    return {
      s64: Array.from({ length: s64.length / 8 }, (_, i) => s64.readBigUInt64LE(i * 8)),
      s32: Array.from({ length: s32.length / 4 }, (_, i) => s32.readUInt32LE(i * 4)),
    };
  }
  throw new Error(`no ${name} in the dump`);
}

describe('stats', () => {
  it('sets counters that netlink clients read in IFLA_STATS64 and IFLA_STATS', async () => {
    const { app, path } = await rig();
    const zero = await wireStats(path, 'd0');
    expect(zero.s64).toHaveLength(25);
    expect(zero.s32).toHaveLength(24);
    expect(zero.s64.every((v) => v === 0n)).toBe(true);

    const big = 2 ** 32 + 5; // IFLA_STATS keeps the low 32 bits, as copy_rtnl_link_stats()
    const res = await app.inject({ method: 'POST', url: '/v1/links/d0/stats', payload: { rx_packets: 10, tx_packets: 20, rx_bytes: big, rx_otherhost_dropped: 3 } });
    expect(res.statusCode).toBe(200);
    expect(res.json().stats64.rx).toMatchObject({ packets: 10, bytes: big });
    const wire = await wireStats(path, 'd0');
    expect(wire.s64.slice(0, 3)).toEqual([10n, 20n, BigInt(big)]);
    expect(wire.s64[24]).toBe(3n);
    expect(wire.s32.slice(0, 3)).toEqual([10, 20, 5]);

    // Counters not named keep their values.
    await app.inject({ method: 'POST', url: '/v1/links/d0/stats', payload: { tx_bytes: 7 } });
    expect((await wireStats(path, 'd0')).s64.slice(0, 4)).toEqual([10n, 20n, BigInt(big), 7n]);
    // Other links still read zero.
    expect((await wireStats(path, 'v0')).s64.every((v) => v === 0n)).toBe(true);
  });

  it('refuses bad counters naming the field', async () => {
    const { app, daemon } = await rig();
    const cases: Array<[object, string]> = [
      [{ rx_bytes: -1 }, 'rx_bytes'],
      [{ rx_bytes: 1.5 }, 'rx_bytes'],
      [{ rx_bytes: '5' }, 'rx_bytes'],
      [{ rx_bytes: 2 ** 60 }, 'rx_bytes'],
      [{ rxBytes: 1 }, 'rxBytes'],
      [{}, 'body'],
    ];
    for (const [payload, field] of cases) {
      const res = await app.inject({ method: 'POST', url: '/v1/links/d0/stats', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
    expect(daemon.model.byName('d0')!.stats).toBeUndefined();
  });
});

describe('snapshots and reset', () => {
  it('exports the whole model with its index counter, in the state directory format', async () => {
    const { app, daemon } = await rig();
    const res = await app.inject({ url: '/v1/snapshot' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const doc = res.json();
    expect(doc.version).toBe(2);
    expect([doc.netns, doc.nsids]).toEqual([[], []]);
    expect(toJson({ lastAutoIndex: doc.model.lastAutoIndex, links: doc.model.links })).toBe(linksOf(daemon));
    expect(doc.model.lastAutoIndex).toBe(5);
  });

  it('imports a snapshot: the model, its counters and its index cursor come back', async () => {
    const { app, daemon } = await rig();
    await app.inject({ method: 'POST', url: '/v1/links/d0/stats', payload: { rx_packets: 99 } });
    const saved = (await app.inject({ url: '/v1/snapshot' })).body;
    // Change things: pull a cable, delete a pair, create a link (index 6).
    daemon.model.setCarrier(daemon.model.byName('d0')!, false);
    daemon.model.deleteLink(daemon.model.byName('v0')!);
    daemon.model.createLink({ kind: 'dummy', name: 'x0' });
    const put = await app.inject({ method: 'PUT', url: '/v1/snapshot', headers: { 'content-type': 'application/json' }, payload: saved });
    expect(put.statusCode).toBe(200);
    expect((put.json() as Array<{ ifname: string }>).map((l) => l.ifname)).toEqual(['lo', 'br0', 'v1', 'v0', 'd0']);
    const again = (await app.inject({ url: '/v1/snapshot' })).json();
    expect(again.model.links).toEqual(JSON.parse(saved).model.links);
    expect(daemon.model.byName('d0')!.stats!.rxPackets).toBe(99);
    // The index cursor came back too: the next automatic index is 6 again.
    expect(daemon.model.createLink({ kind: 'dummy', name: 'y0' })[0]!.index).toBe(6);
  });

  it('a PUT of exactly what GET returned announces and touches nothing, on the first import after start too', async () => {
    const { app, daemon } = await rig({
      seed: [...SEED, { name: 'd1', kind: 'dummy', up: true, addresses: ['10.1.0.1/24', '10.2.0.1/24 brd +', '2001:db8::1/64 nodad'] }],
    });
    // Link-local addresses leave DAD first: a snapshot of a tentative address differs from it afterwards.
    const addressesNow = () => daemon.model.exportLinks().addresses.devices.flatMap((d) => [...d.v4, ...d.v6]);
    for (let waited = 0; addressesNow().some((a) => a.flags & 0x40 /* IFA_F_TENTATIVE */); waited += 50) {
      if (waited > 10_000) throw new Error('DAD did not finish');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const before = daemon.model.exportLinks();
    expect(addressesNow().length).toBeGreaterThan(4);
    const events: string[] = [];
    daemon.model.onEvent((e) => events.push('link' in e ? `${e.type} ${e.link.name}` : e.type));
    const saved = (await app.inject({ url: '/v1/snapshot' })).body;
    await new Promise((resolve) => setTimeout(resolve, 30)); // the snapshot's clock and the model's part
    for (let i = 0; i < 2; i++) {
      const put = await app.inject({ method: 'PUT', url: '/v1/snapshot', headers: { 'content-type': 'application/json' }, payload: saved });
      expect(put.statusCode).toBe(200);
      expect(events).toEqual([]);
      // Nothing touched: every address keeps its cstamp and tstamp, every link its state.
      const after = daemon.model.exportLinks();
      expect(after.links).toEqual(before.links);
      expect(after.addresses.devices).toEqual(before.addresses.devices);
    }
  });

  it('refuses bad snapshots naming the field, leaving the model unchanged', async () => {
    const { app, daemon } = await rig();
    const good = (await app.inject({ url: '/v1/snapshot' })).json();
    const before = linksOf(daemon);
    const edit = (f: (doc: any) => void) => {
      const doc = structuredClone(good);
      f(doc);
      return doc;
    };
    const cases: Array<[object, string]> = [
      [edit((d) => (d.version = 3)), 'version'],
      [edit((d) => (d.version = 1)), 'version'], // namespaces (even none) need version 2
      [edit((d) => delete d.model.lastAutoIndex), 'model.lastAutoIndex'],
      [edit((d) => (d.model.links[2].mtu = 'big')), 'model.links[2].mtu'],
      [edit((d) => (d.model.links[1].colour = 'red')), 'model.links[1].colour'],
      [edit((d) => (d.model.links[1].kind = 'wifi')), 'model.links[1].kind'],
      [edit((d) => (d.model.links[3].address = { $hex: 'zz' })), 'model.links[3].address.$hex'],
      [edit((d) => (d.model.links[3].address = { $hex: '0011' })), 'model.links[3].address'],
      [edit((d) => (d.model.links[4].name = 'br0')), 'model.links[4].name'],
      [edit((d) => (d.model.links[4].index = 2)), 'model.links[4].index'],
      [edit((d) => (d.model.links[4].name = 'a/b')), 'model.links[4].name'],
      [edit((d) => d.model.links.shift()), 'model.links'],
      [edit((d) => (d.model.links[0].index = 9)), 'model.links[0].kind'],
      [edit((d) => (d.model.links[3].master = 5)), 'model.links[3].master'],
      [edit((d) => delete d.model.links[1].bridge), 'model.links[1].bridge'],
    ];
    for (const [doc, field] of cases) {
      const res = await app.inject({ method: 'PUT', url: '/v1/snapshot', payload: doc });
      expect(res.statusCode, field).toBe(400);
      expect(res.json().field, field).toBe(field);
    }
    expect(linksOf(daemon)).toBe(before);
    // A route column that passes the schema but not the model's checks: named in the message.
    const routes = (await app.inject({ url: '/v1/routes' })).body;
    const res = await app.inject({ method: 'PUT', url: '/v1/snapshot', payload: edit((d) => (d.model.routes.inet4.dstLen.$hex = `21${d.model.routes.inet4.dstLen.$hex.slice(2)}`)) });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('routes.inet4.dstLen of route 0 is 33');
    expect((await app.inject({ url: '/v1/routes' })).body).toBe(routes);
    // The same for the IPv6 columns: a first prefix length of 0x81 (/129).
    const res6 = await app.inject({ method: 'PUT', url: '/v1/snapshot', payload: edit((d) => (d.model.routes.inet6.dstLen.$hex = `81${d.model.routes.inet6.dstLen.$hex.slice(2)}`)) });
    expect(res6.statusCode).toBe(400);
    expect(res6.json().message).toContain('routes.inet6.dstLen of route 0 is 129');
    expect((await app.inject({ url: '/v1/routes' })).body).toBe(routes);
  });

  it('exports and imports every namespace and NSID table; a bad document changes nothing in any of them', async () => {
    const { app, daemon } = await rig({
      seedNetns: {
        red: [{ name: 'lo', up: true }, { name: 'r0', kind: 'veth', peer: { name: 'b0', netns: 'blue' }, up: true, addresses: ['10.9.0.1/24'] }],
        blue: [{ name: 'd9', kind: 'dummy' }],
      },
    });
    const red = daemon.namespaces.get('red')!;
    const blue = daemon.namespaces.get('blue')!;
    const saved = (await app.inject({ url: '/v1/snapshot' })).json();
    expect(saved.netns.map((n: { name: string }) => n.name)).toEqual(['red', 'blue']);
    const redLinks = saved.netns[0].model.links as Array<{ name: string; link: number; linkNetns?: string }>;
    expect(redLinks.find((l) => l.name === 'r0')).toMatchObject({ link: 2, linkNetns: 'blue' });
    expect(saved.nsids).toEqual(expect.arrayContaining([{ observer: 'red', peer: 'blue', nsid: 0 }]));
    const redAddressesBefore = toJson(red.model.exportLinks().addresses);

    // Change every namespace: a namespace more, one fewer, links and ids changed.
    daemon.model.createLink({ kind: 'dummy', name: 'x0' });
    red.model.setMtu(red.model.byName('r0')!, 1400);
    daemon.namespaces.delete('blue'); // r0 goes with its peer
    daemon.namespaces.add('green');
    daemon.namespaces.assignNsid(red, daemon.namespaces.get('green')!, 5);
    const events: string[] = [];
    daemon.namespaces.onEvent((e) => events.push(`${e.type} ${'observer' in e ? `${e.observer.name}->${e.peer.name}` : e.netns.name}`));

    // A bad document (a veth whose peer is in a namespace it does not hold) is refused whole.
    const broken = structuredClone(saved);
    broken.netns.pop();
    const res = await app.inject({ method: 'PUT', url: '/v1/snapshot', payload: broken });
    expect([res.statusCode, res.json().field]).toEqual([400, 'netns[0].model.links[1].linkNetns']);
    expect([...daemon.namespaces.all()].map((ns) => ns.name)).toEqual(['', 'red', 'green']);
    expect(red.model.byName('r0')).toBeUndefined();
    expect(events).toEqual([]);

    const put = await app.inject({ method: 'PUT', url: '/v1/snapshot', payload: saved });
    expect(put.statusCode).toBe(200);
    expect([...daemon.namespaces.all()].map((ns) => ns.name)).toEqual(['', 'red', 'blue']);
    expect(daemon.model.byName('x0')).toBeUndefined();
    const again = (await app.inject({ url: '/v1/snapshot' })).json();
    // times are each model's clock: devices and addresses that came back are new ones, stamped now
    const stampless = (doc: unknown) => JSON.parse(JSON.stringify(doc, (k, v) => (['cstamp', 'tstamp', 'now', 'createdAt'].includes(k) ? 0 : v)));
    expect(stampless(again.netns)).toEqual(stampless(saved.netns));
    // the document's ids, plus any announcing the devices allocated (blue's for red, as Linux's peernet2id_alloc)
    expect(again.nsids).toEqual(expect.arrayContaining(saved.nsids));
    expect(red.nsids.idOf(daemon.namespaces.get('blue')!)).toBe(0);
    expect(stampless(JSON.parse(toJson(red.model.exportLinks().addresses)))).toEqual(stampless(JSON.parse(redAddressesBefore)));
    expect(daemon.namespaces.get('blue')).not.toBe(blue); // a new namespace, as `ip netns add` makes
    // green went (as `ip netns del`), with its id in red; blue came back
    expect(events).toEqual(expect.arrayContaining(['del green', 'delnsid red->green', 'add blue']));
  });

  it('refuses documents whose namespaces or NSIDs do not hold together, naming the field', async () => {
    const { app } = await rig({ seedNetns: { red: [{ name: 'r0', kind: 'veth', peer: { name: 'b0', netns: 'blue' } }], blue: [] } });
    const good = (await app.inject({ url: '/v1/snapshot' })).json();
    const edit = (f: (doc: any) => void) => {
      const doc = structuredClone(good);
      f(doc);
      return doc;
    };
    const cases: Array<[object, string]> = [
      [edit((d) => (d.netns[1].name = 'red')), 'netns[1].name'],
      [edit((d) => (d.netns[1].name = '..')), 'netns[1].name'],
      [edit((d) => (d.netns[1].name = 'x/y')), 'netns[1].name'],
      [edit((d) => (d.netns[0].model.links[1].link = 1)), 'netns[0].model.links[1].link'], // blue's lo: not a veth
      [edit((d) => d.netns[1].model.links.pop()), 'netns[0].model.links[1].link'], // the peer is gone
      [edit((d) => (d.nsids = [{ observer: 'red', peer: 'nope', nsid: 1 }])), 'nsids[0].peer'],
      [edit((d) => (d.nsids = [{ observer: 'red', peer: 'blue', nsid: 1 }, { observer: 'red', peer: '', nsid: 1 }])), 'nsids[1]'],
      [edit((d) => (d.nsids = [{ observer: 'red', peer: 'blue', nsid: -1 }])), 'nsids[0].nsid'],
    ];
    for (const [doc, field] of cases) {
      const res = await app.inject({ method: 'PUT', url: '/v1/snapshot', payload: doc });
      expect(res.statusCode, field).toBe(400);
      expect(res.json().field, field).toBe(field);
    }
    // A version-1 document (the initial namespace only) is the whole daemon: the others go.
    const v1 = await app.inject({ method: 'PUT', url: '/v1/snapshot', payload: { version: 1, model: good.model } });
    expect(v1.statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/snapshot' })).json().netns).toEqual([]);
  });

  it('resets to the seed, index cursor included', async () => {
    const { app, daemon } = await rig();
    const seeded = (await app.inject({ url: '/v1/snapshot' })).json();
    daemon.model.createLink({ kind: 'dummy', name: 'x0' });
    daemon.model.setMtu(daemon.model.byName('d0')!, 9000);
    daemon.model.deleteLink(daemon.model.byName('br0')!);
    const res = await app.inject({ method: 'POST', url: '/v1/reset' });
    expect(res.statusCode).toBe(200);
    expect((res.json() as Array<{ ifname: string }>).map((l) => l.ifname)).toEqual(['lo', 'br0', 'v1', 'v0', 'd0']);
    const after = (await app.inject({ url: '/v1/snapshot' })).json();
    // createdAt is the model's clock at creation; everything else is as seeded.
    const strip = (doc: any) => doc.model.links.map((l: any) => ({ ...l, createdAt: 0 }));
    expect(strip(after)).toEqual(strip(seeded));
    expect(after.model.lastAutoIndex).toBe(seeded.model.lastAutoIndex);
  });

  it('resets every namespace to the seed: namespaces not in it go, the seed\'s come back as seeded', async () => {
    const { app, daemon } = await rig({ seedNetns: { red: [{ name: 'd1', kind: 'dummy', mtu: 1300 }], blue: [] } });
    const seeded = (await app.inject({ url: '/v1/snapshot' })).json();
    const red = daemon.namespaces.get('red')!;
    red.model.deleteLink(red.model.byName('d1')!);
    red.model.createLink({ kind: 'dummy', name: 'junk' });
    daemon.namespaces.delete('blue');
    daemon.namespaces.add('green');
    const res = await app.inject({ method: 'POST', url: '/v1/reset' });
    expect(res.statusCode).toBe(200);
    expect([...daemon.namespaces.all()].map((ns) => ns.name)).toEqual(['', 'red', 'blue']);
    expect(daemon.namespaces.get('red')).toBe(red); // kept, its model replaced
    expect([...red.model.iterate()].map((l) => [l.name, l.mtu])).toEqual([['lo', 65536], ['d1', 1300]]);
    const after = (await app.inject({ url: '/v1/snapshot' })).json();
    const strip = (doc: any) => doc.netns.map((n: any) => ({ name: n.name, links: n.model.links.map((l: any) => ({ ...l, createdAt: 0 })) }));
    expect(strip(after)).toEqual(strip(seeded));
  });
});

describe('metrics', () => {
  it('counts requests by type and errno, dumps, subscribers, connections and model size', async () => {
    const { app, path } = await rig();
    const c = await TestClient.connect(path);
    expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, (w) => ifinfomsg(w)));
    await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, (w) => ifinfomsg(w, 77)));
    await app.inject({ method: 'POST', url: '/v1/links/d0/carrier', payload: { carrier: false } });
    await c.waitFor((r) => r.some((m) => m.seq === 0));
    const text = (await app.inject({ url: '/metrics' })).body;
    const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('rtnld_requests_total{netns="",type="RTM_GETLINK",errno="0"}')).toBe(1);
    expect(value('rtnld_requests_total{netns="",type="RTM_GETLINK",errno="ENODEV"}')).toBe(1);
    expect(value('rtnld_request_duration_seconds_count{netns="",type="RTM_GETLINK"}')).toBe(2);
    expect(value('rtnld_dump_messages_total{netns=""}')).toBe(5);
    expect(value('rtnld_connections{netns=""}')).toBe(1);
    expect(value('rtnld_subscribers{netns="",group="RTNLGRP_LINK"}')).toBe(1);
    expect(value('rtnld_notifications_sent_total{netns=""}')).toBeGreaterThanOrEqual(1);
    expect(value('rtnld_notifications_dropped_total{netns=""}') || 0).toBe(0);
    expect(value('rtnld_model_links{netns=""}')).toBe(5);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    c.close();
  });

  it('counts notifications dropped for a subscriber beyond its receive budget', async () => {
    const { app, path } = await rig({ rcvbuf: 64 }); // smaller than any notification
    const c = await TestClient.connect(path);
    expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    await app.inject({ method: 'POST', url: '/v1/links/d0/carrier', payload: { carrier: false } });
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(Number(/^rtnld_notifications_dropped_total\{netns=""\} (\S+)$/m.exec(text)![1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^rtnld_notifications_sent_total\{netns=""\} (\S+)$/m.exec(text)?.[1] ?? 0)).toBe(0);
    c.close();
  });
});

describe('OpenAPI', () => {
  it('documents every endpoint with its schemas at /docs/json', async () => {
    const { app } = await rig();
    const doc = (await app.inject({ url: '/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/healthz', '/readyz', '/metrics', '/v1/links', '/v1/links/{name}', '/v1/addresses', '/v1/reset', '/v1/snapshot', '/v1/links/{name}/carrier', '/v1/links/{name}/stats', '/v1/events']) {
      expect(doc.paths, p).toHaveProperty([p]);
    }
    expect(doc.paths['/v1/links/{name}/carrier'].post.requestBody.content['application/json'].schema.properties.carrier.type).toBe('boolean');
    expect(doc.paths['/v1/reset'].post.security).toEqual([{ bearer: [] }]);
  });
});
