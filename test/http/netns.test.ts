import { afterEach, describe, expect, it } from 'vitest';
import {
  IFLA_MTU, NETLINK_ADD_MEMBERSHIP, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, RTM_GETLINK, RTM_SETLINK, RTNLGRP_LINK, SOCKET_CALL_SETNS,
} from '../../protocol/constants.js';
import { ifinfomsg, message, TestClient } from '../helpers/nl-client.js';
import { startAdmin, type AdminRig } from './helpers.js';

const rigs: AdminRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
});

describe('namespaces over HTTP', () => {
  it('creates, lists, reads and deletes namespaces', async () => {
    const r = await startAdmin();
    rigs.push(r);
    const post = (name: string) => r.app.inject({ method: 'POST', url: '/v1/netns', payload: { name } });
    expect((await post('red')).statusCode).toBe(201);
    expect((await post('red')).statusCode).toBe(409);
    expect((await post('a/b')).statusCode).toBe(400);
    expect((await r.app.inject({ url: '/v1/netns' })).json()).toEqual([{ name: '', links: 1 }, { name: 'red', links: 1 }]);
    const red = r.daemon.namespaces.get('red')!;
    red.model.createLink({ kind: 'dummy', name: 'd0' });
    const links = (await r.app.inject({ url: '/v1/netns/red/links' })).json() as Array<{ ifname: string }>;
    expect(links.map((l) => l.ifname)).toEqual(['lo', 'd0']);
    expect((await r.app.inject({ url: '/v1/netns/red/links/d0' })).json()).toMatchObject({ ifname: 'd0', ifindex: 2 });
    expect((await r.app.inject({ url: '/v1/netns/red/links/nope' })).statusCode).toBe(404);
    expect((await r.app.inject({ url: '/v1/netns/blue/links' })).statusCode).toBe(404);
    expect((await r.app.inject({ method: 'DELETE', url: '/v1/netns/red' })).statusCode).toBe(204);
    expect((await r.app.inject({ method: 'DELETE', url: '/v1/netns/red' })).statusCode).toBe(404);
    expect((await r.app.inject({ url: '/v1/netns' })).json()).toEqual([{ name: '', links: 1 }]);
  });
});

describe('metrics per namespace', () => {
  it('labels requests, dumps, notifications, connections, subscribers and model sizes with the namespace', async () => {
    const r = await startAdmin();
    rigs.push(r);
    expect((await r.app.inject({ method: 'POST', url: '/v1/netns', payload: { name: 'red' } })).statusCode).toBe(201);
    r.daemon.namespaces.get('red')!.model.createLink({ kind: 'dummy', name: 'd0' });
    const c = await TestClient.connect(r.path);
    expect((await c.netnsCall(SOCKET_CALL_SETNS, 'red'))[0]!.error).toBe(0);
    expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
    await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, (w) => ifinfomsg(w)));
    await c.request(message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, (w) => ifinfomsg(w, 77)));
    await c.request(message(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, (w) => ifinfomsg(w, 2).attrU32(IFLA_MTU, 1400)));
    const text = (await r.app.inject({ url: '/metrics' })).body;
    const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('rtnld_namespaces')).toBe(2);
    expect(value('rtnld_requests_total{netns="red",type="RTM_GETLINK",errno="0"}')).toBe(1);
    expect(value('rtnld_requests_total{netns="red",type="RTM_GETLINK",errno="ENODEV"}')).toBe(1);
    expect(value('rtnld_requests_total{netns="red",type="RTM_SETLINK",errno="0"}')).toBe(1);
    expect(text).not.toMatch(/^rtnld_requests_total\{netns="",type="RTM_GETLINK"/m);
    expect(value('rtnld_dump_messages_total{netns="red"}')).toBe(2);
    expect(value('rtnld_notifications_sent_total{netns="red"}')).toBeGreaterThanOrEqual(1);
    expect(value('rtnld_connections{netns="red"}')).toBe(1);
    expect(value('rtnld_subscribers{netns="red",group="RTNLGRP_LINK"}')).toBe(1);
    expect([value('rtnld_model_links{netns="red"}'), value('rtnld_model_links{netns=""}')]).toEqual([2, 1]);
    c.close();
  });
});
