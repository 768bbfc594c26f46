import type { FastifyInstance } from 'fastify';
import type { AdminContext } from './context.js';

const status = (extra: Record<string, unknown> = {}) => ({
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' }, ...extra },
});

/** GET /healthz (the process answers) and GET /readyz (netlink sockets listening, model loaded). */
export function healthRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/healthz', {
    schema: { tags: ['health'], summary: 'The process is alive', response: { 200: status() } },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    schema: {
      tags: ['health'],
      summary: 'The netlink sockets are listening and the model is loaded',
      response: { 200: status({ links: { type: 'integer' } }), 503: status() },
    },
  }, async (_req, reply) => {
    if (!ctx.ready()) return reply.code(503).send({ status: 'not ready' });
    return { status: 'ready', links: ctx.model.size };
  });
}
