import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { DaemonOptions } from '../../src/daemon.js';
import { buildAdminApp } from '../../src/http/server.js';
import type { SeedLink } from '../../src/seed.js';
import { startDaemon } from '../helpers/daemon.js';

export interface AdminRig {
  daemon: Awaited<ReturnType<typeof startDaemon>>['daemon'];
  /** The netlink socket. */
  path: string;
  /** The admin API's Unix socket (the daemon's own listener). */
  httpPath: string;
  /** A second app over the same daemon context and metrics, for inject(). */
  app: FastifyInstance;
  stop(): Promise<void>;
}

/** A daemon with the admin API on a temporary Unix socket, plus an injectable app over it. */
export async function startAdmin(options: Partial<DaemonOptions> & { seed?: SeedLink[]; token?: string } = {}): Promise<AdminRig> {
  const dir = mkdtempSync(join(tmpdir(), 'rtnld-http-'));
  const httpPath = join(dir, 'http.sock');
  const { token, ...rest } = options;
  const d = await startDaemon({ http: { kind: 'unix', path: httpPath }, httpToken: token, ...rest });
  const app = await buildAdminApp(d.daemon.adminContext(), { token, log: pino({ level: 'silent' }), metrics: d.daemon.metrics! });
  return {
    daemon: d.daemon,
    path: d.path,
    httpPath,
    app,
    async stop() {
      await app.close();
      await d.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): unknown;
}

/** One HTTP request over a Unix socket. */
export function httpCall(socketPath: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({
      socketPath, method, path,
      headers: { ...(data !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** An open GET /v1/events stream: parsed events as they arrive. */
export interface EventClient {
  events: Array<{ id?: string; event: string; data: Record<string, unknown> }>;
  ended: boolean;
  waitFor(pred: (events: EventClient['events']) => boolean, ms?: number): Promise<void>;
  close(): void;
}

export function openEvents(socketPath: string): Promise<EventClient> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'GET', path: '/v1/events' }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events: HTTP ${res.statusCode}`));
      const client: EventClient = {
        events: [],
        ended: false,
        async waitFor(pred, ms = 5000) {
          const deadline = Date.now() + ms;
          while (!pred(client.events)) {
            if (Date.now() > deadline) throw new Error(`timed out waiting for events; got ${JSON.stringify(client.events)}`);
            await new Promise((r) => setTimeout(r, 10));
          }
        },
        close: () => req.destroy(),
      };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || !line.includes(':')) continue;
            const at = line.indexOf(':');
            fields[line.slice(0, at)] = line.slice(at + 1).trimStart();
          }
          if (fields.event && fields.data) client.events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
        }
      });
      res.on('end', () => (client.ended = true));
      res.on('close', () => (client.ended = true));
      resolve(client);
    });
    req.on('error', reject);
    req.end();
  });
}
