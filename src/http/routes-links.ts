import type { FastifyInstance } from 'fastify';
import type { AdminContext } from './context.js';
import { noSuchLink } from './errors.js';
import { errors, ipLinkListSchema, linkListQuery, linkNameParams } from './schemas.js';
import { ipLinkJson, ipLinksJson } from './ip-json.js';

const wantStats = (q: { stats?: string }) => q.stats === '1' || q.stats === 'true';

/** Reading the model in the shape of `ip -j link show` and `ip -j addr show`. */
export function linkRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get<{ Querystring: { stats?: string } }>('/v1/links', {
    schema: {
      tags: ['links'],
      summary: 'All links, as `ip -j link show` (with ?stats=1, as `ip -j -s link show`)',
      querystring: linkListQuery,
      response: { 200: ipLinkListSchema, ...errors(400, 503) },
    },
  }, async (req) => ipLinksJson(ctx.model, { mode: 'link', stats: wantStats(req.query) }));

  app.get<{ Params: { name: string }; Querystring: { stats?: string } }>('/v1/links/:name', {
    schema: {
      tags: ['links'],
      summary: 'One link by name or altname, as the element `ip -j link show dev NAME` prints',
      params: linkNameParams,
      querystring: linkListQuery,
      response: { 200: { $ref: 'IpLink#' }, ...errors(400, 404, 503) },
    },
  }, async (req) => {
    const link = ctx.model.byName(req.params.name);
    if (!link) throw noSuchLink(req.params.name);
    return ipLinkJson(ctx.model, link, { mode: 'link', stats: wantStats(req.query) });
  });

  app.get('/v1/addresses', {
    schema: {
      tags: ['links'],
      summary: 'All links with their addresses, as `ip -j addr show`',
      response: { 200: ipLinkListSchema, ...errors(503) },
    },
  }, async () => ipLinksJson(ctx.model, { mode: 'addr' }));
}
