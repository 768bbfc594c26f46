import { chmodSync } from 'node:fs';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { claimSocketPath } from '../transport/unix-server.js';
import { registerAuth } from './auth.js';
import type { AdminContext } from './context.js';
import { HttpError, registerErrorHandler } from './errors.js';
import { EventStream } from './events.js';
import { formatListenAddress, isLoopback, type ListenAddress } from './listen-address.js';
import type { Metrics } from './metrics.js';
import { healthRoutes } from './routes-health.js';
import { fibRoutes } from './routes-fib.js';
import { ruleRoutes } from './routes-rules.js';
import { fdbRoutes } from './routes-fdb.js';
import { neighbourRoutes } from './routes-neighbours.js';
import { linkRoutes } from './routes-links.js';
import { metricsRoutes } from './routes-metrics.js';
import { netnsRoutes } from './routes-netns.js';
import { rigRoutes } from './routes-rig.js';
import { sharedSchemas } from './schemas.js';

export interface AdminAppOptions {
  /** Bearer token required by every changing request; none: no authentication. */
  token?: string | undefined;
  log: Logger;
  metrics: Metrics;
}

/**
 * The admin HTTP API as a fastify app (not listening yet; tests `inject()` into it). It is a
 * peer of the netlink transport: it reads the model and changes it only with the model's own
 * operations under the daemon's mutex.
 */
export async function buildAdminApp(ctx: AdminContext, options: AdminAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Strict input: no type coercion and no silent removal of unknown fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    // Open SSE streams must not hold up a graceful stop; idle keep-alive sockets are closed too.
    forceCloseConnections: 'idle',
  });
  for (const s of sharedSchemas) app.addSchema(s);
  await app.register(swagger, {
    openapi: {
      info: { title: 'rtnld admin API', version: '1', description: 'Read and steer an rtnld daemon: model as `ip -j` JSON, metrics, test-rig controls.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  registerErrorHandler(app);
  registerAuth(app, options.token);
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/v1/') && !ctx.ready()) throw new HttpError(503, 'the daemon is not ready (starting or stopping)');
  });

  const events = new EventStream(ctx.model);
  app.addHook('preClose', async () => events.closeAll());

  healthRoutes(app, ctx);
  metricsRoutes(app, options.metrics);
  linkRoutes(app, ctx);
  fibRoutes(app, ctx);
  ruleRoutes(app, ctx);
  fdbRoutes(app, ctx);
  neighbourRoutes(app, ctx);
  rigRoutes(app, ctx);
  netnsRoutes(app, ctx);
  app.get('/v1/events', {
    schema: {
      tags: ['links'],
      summary: 'Model events as Server-Sent Events (event: newlink | dellink | bridgeport | newaddr | deladdr; data: JSON, links and addresses as `ip -j` prints them)',
      produces: ['text/event-stream'],
    },
  }, (req, reply) => {
    reply.hijack();
    events.add(reply.raw);
    req.log.debug({ listeners: events.size }, 'event stream opened');
  });
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

export interface AdminServerOptions extends AdminAppOptions {
  listen: ListenAddress;
  /** File mode of a Unix admin socket (default 0660). */
  socketMode?: number | undefined;
}

/** The admin API listening on TCP or a Unix socket. */
export class AdminServer {
  private app: FastifyInstance | undefined;

  constructor(
    private readonly ctx: AdminContext,
    private readonly options: AdminServerOptions,
  ) {
    // Checked before anything starts: an admin API reachable from the network needs a token.
    if (!isLoopback(options.listen) && options.token === undefined) {
      throw new Error(`--http ${formatListenAddress(options.listen)} is reachable from the network; set --http-token (or RTNLD_HTTP_TOKEN), or bind 127.0.0.1 or unix:PATH`);
    }
  }

  async listen(): Promise<void> {
    const app = await buildAdminApp(this.ctx, this.options);
    this.app = app;
    const addr = this.options.listen;
    if (addr.kind === 'unix') {
      await claimSocketPath(addr.path, this.options.log);
      await app.listen({ path: addr.path });
      chmodSync(addr.path, this.options.socketMode ?? 0o660);
    } else {
      await app.listen({ host: addr.host, port: addr.port });
    }
    this.options.log.info({ http: this.address(), auth: this.options.token !== undefined }, 'admin API listening');
  }

  /** Where it listens: unix:PATH or HOST:PORT (with the real port when 0 was asked). */
  address(): string {
    const addr = this.options.listen;
    const info = this.app?.server.address();
    if (addr.kind === 'tcp' && info && typeof info === 'object') return formatListenAddress({ kind: 'tcp', host: addr.host, port: info.port });
    return formatListenAddress(addr);
  }

  /** Stops accepting, ends event streams and waits for in-flight requests (and unlinks a Unix socket). */
  async close(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }
}
