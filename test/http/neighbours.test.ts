import { afterEach, describe, expect, it } from 'vitest';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, NETLINK_ADD_MEMBERSHIP, RTM_NEWNEIGH, RTNLGRP_NEIGH } from '../../protocol/constants.js';
import { message, TestClient } from '../helpers/nl-client.js';
import { startAdmin, type AdminRig } from './helpers.js';

// GET /v1/neighbours and the rig's learned-neighbour injection (POST /v1/links/:name/neighbours).
const rigs: AdminRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
});

const TOKEN = 'sekrit-token-123';
const auth = { authorization: `Bearer ${TOKEN}` };

async function rig(): Promise<AdminRig> {
  const r = await startAdmin({ token: TOKEN, seed: [{ name: 'lo', up: true }, { name: 'v0', kind: 'veth', peer: 'v1', up: true, addresses: ['10.0.0.1/24'] }, { name: 'v1', up: true }] });
  rigs.push(r);
  return r;
}

describe('neighbours over HTTP', () => {
  it('lists entries and proxies as the model holds them', async () => {
    const { app, daemon } = await rig();
    const v0 = daemon.model.byName('v0')!.index;
    daemon.model.neighbours.update({ family: 'inet', ifindex: v0, dst: Uint8Array.of(10, 0, 0, 2), lladdr: Uint8Array.of(2, 0, 0, 0, 0, 2), state: 0x80, ntf: 0x80, ext: 0, protocol: 4, create: true, excl: true, replace: false });
    daemon.model.neighbours.addProxy('inet6', 0, Uint8Array.of(0x20, 1, 0xd, 0xb8, ...new Array<number>(11).fill(0), 9), 0, 0, 0);
    const r = await app.inject({ url: '/v1/neighbours' });
    expect(r.statusCode).toBe(200);
    // The kernel's own entries of the up veths (MLD, DAD, router solicitations) are listed too.
    const all = r.json() as Array<{ dst: string; dev: string | null; state?: string[]; type?: number }>;
    expect(all).toContainEqual({ family: 'inet6', dst: 'ff02::16', dev: 'v0', lladdr: '33:33:00:00:00:16', state: ['NOARP'], flags: 0, type: 5 });
    expect(all.filter((e) => !(e.type === 5 && e.dst.startsWith('ff02:')))).toEqual([
      { family: 'inet', dst: '10.0.0.2', dev: 'v0', lladdr: '02:00:00:00:00:02', state: ['PERMANENT'], flags: 0x80, type: 1, protocol: 4 },
      { family: 'inet6', dst: '2001:db8::9', dev: null, proxy: true, flags: 0 },
    ]);
  });

  it('injects a learned neighbour: announced with pid 0 like traffic, refused bodies change nothing', async () => {
    const { app, daemon, path } = await rig();
    const c = await TestClient.connect(path);
    try {
      await c.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_NEIGH);
      const before = daemon.model.neighbours.size; // the kernel's own multicast entries of the up veths
      const noAuth = await app.inject({ method: 'POST', url: '/v1/links/v0/neighbours', payload: { dst: '10.0.0.7', lladdr: '02:00:00:00:00:07' } });
      expect(noAuth.statusCode).toBe(401);
      const bad = await app.inject({ method: 'POST', url: '/v1/links/v0/neighbours', headers: auth, payload: { dst: 'nope', lladdr: '02:00:00:00:00:07' } });
      expect(bad.statusCode).toBe(400);
      expect((await app.inject({ method: 'POST', url: '/v1/links/zz/neighbours', headers: auth, payload: { dst: '10.0.0.7', lladdr: '02:00:00:00:00:07' } })).statusCode).toBe(404);
      expect(daemon.model.neighbours.size).toBe(before);
      const ok = await app.inject({ method: 'POST', url: '/v1/links/v0/neighbours', headers: auth, payload: { dst: '10.0.0.7', lladdr: '02:00:00:00:00:07' } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toEqual({ family: 'inet', dst: '10.0.0.7', dev: 'v0', lladdr: '02:00:00:00:00:07', state: ['REACHABLE'], flags: 0, type: 1 });
      await c.waitFor((got) => got.some((m) => m.type === RTM_NEWNEIGH));
      const note = c.received.find((m) => m.type === RTM_NEWNEIGH)!;
      expect(note.raw.readUInt32LE(12)).toBe(0); // pid 0: not a request
      // A netlink add of the same entry now finds it.
      const dup = await c.request(message(RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, c.nextSeq(), (w) => {
        w.u8(2).u8(0).u16(0).s32(daemon.model.byName('v0')!.index).u16(0x80).u8(0).u8(0);
        w.attrBytes(1, Uint8Array.of(10, 0, 0, 7)).attrBytes(2, Uint8Array.of(2, 0, 0, 0, 0, 7));
      }));
      expect(dup.at(-1)!.error).toBe(-17);
    } finally {
      c.close();
    }
  });
});
