import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

/** GET /metrics: Prometheus exposition format. */
export function metricsRoutes(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', {
    schema: {
      tags: ['health'],
      summary: 'Prometheus metrics: requests by type and errno, latency, connections, subscribers, notifications, dumps, model size, process',
      response: { 200: { type: 'string' } },
    },
  }, async (_req, reply) => {
    const { text, contentType } = await metrics.render();
    return reply.type(contentType).send(text);
  });
}
