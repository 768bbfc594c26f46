import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Whether an Authorization header carries `Bearer <token>` (compared in constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

/**
 * With a token configured, every request that may change something (any method but GET, HEAD
 * and OPTIONS) needs `Authorization: Bearer <token>`; otherwise it gets 401 and nothing runs.
 * Reads stay open: they are what health checks and dashboards use.
 */
export function registerAuth(app: FastifyInstance, token: string | undefined): void {
  if (token === undefined) return;
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (SAFE_METHODS.has(req.method)) return;
    if (bearerMatches(req.headers.authorization, token)) return;
    reply.header('www-authenticate', 'Bearer realm="rtnld"');
    await reply.code(401).send({
      statusCode: 401,
      error: 'Unauthorized',
      field: 'authorization',
      message: req.headers.authorization ? 'wrong bearer token' : 'this endpoint needs "Authorization: Bearer <token>" (--http-token)',
    });
  });
}
