import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO, NETLINK_ADD_MEMBERSHIP, NETLINK_EXT_ACK, NLMSG_ERROR, NLM_F_ACK,
  NLM_F_CREATE, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, RTM_GETLINK, RTM_MAX, RTM_NEWLINK, RTNLGRP_LINK,
} from '../../protocol/constants.js';
import { startDaemon } from '../helpers/daemon.js';
import { ifinfomsg, message, TestClient } from '../helpers/nl-client.js';

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function connect(path: string): Promise<TestClient> {
  const c = await TestClient.connect(path);
  stops.push(() => c.close());
  return c;
}

const createDummy = (name: string, seq: number) =>
  message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, seq, (w) => {
    ifinfomsg(w).attrString(IFLA_IFNAME, name);
    const li = w.nestStart(IFLA_LINKINFO);
    w.attrString(IFLA_INFO_KIND, 'dummy');
    w.nestEnd(li);
  });

describe('read-only socket', () => {
  it('refuses every message type that is not a GET with -EPERM, and serves GETs, dumps and subscriptions', async () => {
    const both = await startDaemon({ roSocket: 'ro.sock' });
    stops.push(both.stop);
    const c = await connect(both.roPath!);
    const admin = await connect(both.path);
    for (let type = 16; type <= RTM_MAX; type++) {
      if (((type - 16) & 3) === 2) continue; // GET kinds are allowed
      const [reply] = await c.request(message(type, NLM_F_REQUEST | NLM_F_ACK, type, (w) => ifinfomsg(w, 1)));
      expect([type, reply!.type, reply!.error]).toEqual([type, NLMSG_ERROR, -1]);
    }
    expect(both.daemon.model.size).toBe(1);
    const dump = await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, (w) => ifinfomsg(w)));
    expect(dump.map((r) => r.type)).toEqual([RTM_NEWLINK, NLMSG_DONE]);
    expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    await admin.request(createDummy('d0', 5));
    await c.waitFor((r) => r.some((m) => m.type === RTM_NEWLINK && m.seq === 0));
  });

  it('creates sockets with the configured modes (0660 admin, 0666 read-only by default)', async () => {
    const d = await startDaemon({ roSocket: 'ro.sock' });
    stops.push(d.stop);
    expect(statSync(d.path).mode & 0o777).toBe(0o660);
    expect(statSync(d.roPath!).mode & 0o777).toBe(0o666);
    const e = await startDaemon({ socketMode: 0o600 });
    stops.push(e.stop);
    expect(statSync(e.path).mode & 0o777).toBe(0o600);
  });
});

describe('resource limits', () => {
  it('refuses links beyond --max-links with -ENOSPC naming the limit', async () => {
    const d = await startDaemon({ maxLinks: 3 });
    stops.push(d.stop);
    const c = await connect(d.path);
    expect(await c.setsockopt(NETLINK_EXT_ACK, 1)).toBe(0);
    expect((await c.request(createDummy('d0', 1)))[0]!.error).toBe(0);
    expect((await c.request(createDummy('d1', 2)))[0]!.error).toBe(0);
    const [full] = await c.request(createDummy('d2', 3));
    expect(full!.error).toBe(-28);
    expect(full!.raw.toString()).toContain('link limit (3)');
    expect(d.daemon.model.size).toBe(3);
  });

  it('refuses connections beyond --max-connections without affecting existing ones', async () => {
    const d = await startDaemon({ maxConnections: 2 });
    stops.push(d.stop);
    const a = await connect(d.path);
    await connect(d.path);
    const extra = await connect(d.path);
    await extra.waitFor(() => extra.closed);
    const [ok] = await a.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, (w) => ifinfomsg(w, 1)));
    expect(ok!.type).toBe(RTM_NEWLINK);
  });
});

describe('address limit', () => {
  it('refuses addresses beyond --max-addresses-per-link with -ENOSPC, per link', async () => {
    const d = await startDaemon({ addresses: { maxPerLink: 2 } });
    stops.push(d.stop);
    const c = await connect(d.path);
    expect(await c.setsockopt(NETLINK_EXT_ACK, 1)).toBe(0);
    await c.request(createDummy('d0', 1));
    const index = d.daemon.model.byName('d0')!.index;
    const add = (a: string, seq: number) => message(20, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, seq, (w) => {
      w.u8(2).u8(24).u8(0).u8(0).u32(index);
      w.attrBytes(2, Buffer.from(a.split('.').map(Number)));
    });
    expect((await c.request(add('10.0.0.1', 2)))[0]!.error).toBe(0);
    expect((await c.request(add('10.0.1.1', 3)))[0]!.error).toBe(0);
    const [full] = await c.request(add('10.0.2.1', 4));
    expect(full!.error).toBe(-28);
    expect(full!.raw.toString()).toContain('address limit per link (2)');
  });
});
