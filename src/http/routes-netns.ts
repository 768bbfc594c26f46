import type { FastifyInstance } from 'fastify';
import { ModelError } from '../model/errors.js';
import type { AdminContext } from './context.js';
import { HttpError, noSuchLink, refused } from './errors.js';
import { ipLinkJson, ipLinksJson } from './ip-json.js';
import { errors, ipLinkListSchema } from './schemas.js';

const auth = [{ bearer: [] }];
const netnsName = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^/]+$', description: 'namespace name (as `ip netns`)' } as const;
const netnsParams = { type: 'object', required: ['netns'], properties: { netns: netnsName } } as const;
const netnsLinkParams = {
  type: 'object', required: ['netns', 'name'],
  properties: { netns: netnsName, name: { type: 'string', minLength: 1, maxLength: 128, description: 'interface name or altname' } },
} as const;
const netnsList = {
  type: 'array',
  items: {
    type: 'object', required: ['name', 'links'],
    properties: { name: { type: 'string', description: '"" is the initial namespace' }, links: { type: 'integer' } },
  },
} as const;

/** Namespaces over HTTP: list, create, delete, and the link/address views of each (as /v1/links, /v1/addresses). */
export function netnsRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const netns = ctx.netns;
  if (!netns) return;
  const named = (name: string) => {
    const ns = netns.namespaces.get(name);
    if (!ns || ns.initial) throw new HttpError(404, `no namespace named "${name}"`, 'netns', 'ENOENT');
    return ns;
  };
  const orRefused = async (op: () => Promise<void>, field: string) => {
    try {
      await op();
    } catch (e) {
      if (e instanceof ModelError && e.code === 'ENOENT') throw new HttpError(404, e.message, field, 'ENOENT');
      throw refused(e, field);
    }
  };

  app.get('/v1/netns', {
    schema: { tags: ['netns'], summary: 'Every namespace, the initial one ("") first, then in creation order', response: { 200: netnsList, ...errors(503) } },
  }, async () => [...netns.namespaces.all()].map((ns) => ({ name: ns.name, links: ns.model.size })));

  app.post<{ Body: { name: string } }>('/v1/netns', {
    schema: {
      tags: ['netns'], summary: 'Create a namespace holding only lo (`ip netns add`)', security: auth,
      body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: netnsName } },
      response: { 201: netnsList.items, ...errors(400, 401, 409, 503) },
    },
  }, async (req, reply) => {
    await orRefused(() => netns.add(req.body.name), 'name');
    await ctx.persist();
    reply.code(201);
    return { name: req.body.name, links: netns.namespaces.get(req.body.name)!.model.size };
  });

  app.delete<{ Params: { netns: string } }>('/v1/netns/:netns', {
    schema: {
      tags: ['netns'], summary: 'Delete a namespace (`ip netns del`): its devices go, veth ends elsewhere with them', security: auth,
      params: netnsParams, response: { 204: { type: 'null' }, ...errors(400, 401, 404, 409, 503) },
    },
  }, async (req, reply) => {
    named(req.params.netns);
    await orRefused(() => netns.del(req.params.netns), 'netns');
    await ctx.persist();
    reply.code(204);
  });

  app.get<{ Params: { netns: string } }>('/v1/netns/:netns/links', {
    schema: { tags: ['netns'], summary: 'The links of one namespace, as `ip -n NAME -j link show`', params: netnsParams, response: { 200: ipLinkListSchema, ...errors(404, 503) } },
  }, async (req) => ipLinksJson(named(req.params.netns).model, { mode: 'link', stats: false }));

  app.get<{ Params: { netns: string; name: string } }>('/v1/netns/:netns/links/:name', {
    schema: { tags: ['netns'], summary: 'One link of one namespace', params: netnsLinkParams, response: { 200: { $ref: 'IpLink#' }, ...errors(404, 503) } },
  }, async (req) => {
    const model = named(req.params.netns).model;
    const link = model.byName(req.params.name);
    if (!link) throw noSuchLink(req.params.name);
    return ipLinkJson(model, link, { mode: 'link', stats: false });
  });

  app.get<{ Params: { netns: string } }>('/v1/netns/:netns/addresses', {
    schema: { tags: ['netns'], summary: 'The links of one namespace with their addresses, as `ip -n NAME -j addr show`', params: netnsParams, response: { 200: ipLinkListSchema, ...errors(404, 503) } },
  }, async (req) => ipLinksJson(named(req.params.netns).model, { mode: 'addr' }));
}
