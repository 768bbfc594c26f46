import { afterEach, describe, expect, it } from 'vitest';
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
