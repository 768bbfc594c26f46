import type { FastifyInstance } from 'fastify';
import { formatInet } from '../../protocol/inet.js';
import { intToIpv4 } from '../model/routes/prefix.js';
import type { Route } from '../model/routes/route.js';
import type { NetworkModel } from '../model/store.js';
import type { AdminContext } from './context.js';
import { errors } from './schemas.js';

/** One route as GET /v1/routes lists it: the model's values, addresses as text, devices by name. */
export function routeJson(model: NetworkModel, r: Readonly<Route>): Record<string, unknown> {
  const v4 = r.family === 'inet';
  const dst = v4 ? formatInet(intToIpv4(r.dst)) : formatInet(r.dst);
  const out: Record<string, unknown> = {
    family: r.family, table: r.table, type: r.type, dst: `${dst}/${r.dstLen}`, protocol: r.protocol, scope: r.scope, metric: r.priority,
  };
  if (!v4 && r.srcLen) out.src = `${formatInet(r.src)}/${r.srcLen}`;
  const prefsrc = v4 ? (r.prefsrc ? intToIpv4(r.prefsrc) : undefined) : r.prefsrc;
  if (prefsrc) out.prefsrc = formatInet(prefsrc);
  out.nexthops = r.nexthops.map((h) => {
    const hop: Record<string, unknown> = { dev: model.byIndex(h.ifindex)?.name ?? h.ifindex, weight: h.weight, flags: h.flags };
    const gw = h.gateway4 !== undefined ? intToIpv4(h.gateway4) : h.gateway6;
    if (gw) hop.gateway = formatInet(gw);
    return hop;
  });
  return out;
}

const routeListSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['family', 'table', 'type', 'dst', 'protocol', 'scope', 'metric', 'nexthops'],
    properties: {
      family: { type: 'string', enum: ['inet', 'inet6'] },
      table: { type: 'integer' },
      type: { type: 'integer', description: 'RTN_*' },
      dst: { type: 'string' },
      src: { type: 'string' },
      protocol: { type: 'integer' },
      scope: { type: 'integer' },
      metric: { type: 'integer' },
      prefsrc: { type: 'string' },
      nexthops: {
        type: 'array',
        items: {
          type: 'object', additionalProperties: false, required: ['dev', 'weight', 'flags'],
          properties: { dev: { type: ['string', 'integer'] }, gateway: { type: 'string' }, weight: { type: 'integer' }, flags: { type: 'integer' } },
        },
      },
    },
  },
} as const;

/** Reading the forwarding tables: every route of both families, in dump order. */
export function fibRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/v1/routes', {
    schema: {
      tags: ['routes'],
      summary: 'Every IPv4 and IPv6 route in dump order (tables by hash bucket), with devices by name',
      response: { 200: routeListSchema, ...errors(503) },
    },
  }, async () => (['inet', 'inet6'] as const).flatMap((f) => [...ctx.model.routes.tables.routes(f)].map((r) => routeJson(ctx.model, r))));
}
