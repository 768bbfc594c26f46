import { existsSync, lstatSync, unlinkSync, chmodSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { RtnlDispatcher } from '../rtnl/dispatch.js';
import type { NotificationSink } from '../rtnl/notify.js';
import { Connection, type ConnectionOptions } from './connection.js';

export interface UnixServerOptions extends ConnectionOptions {
  path: string;
  /** File mode of the socket (e.g. 0o660). */
  mode?: number | undefined;
}

/** Probes a socket path: is a live daemon answering on it? */
function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * The Unix stream socket clients speak netlink on: accepts connections, gives each a distinct
 * non-zero port id, and fans notifications out to the members of each group.
 */
export class UnixServer implements NotificationSink {
  private server: Server | undefined;
  private readonly connections = new Map<number, Connection>();
  private nextPortid: number;

  constructor(
    private readonly options: UnixServerOptions,
    private readonly dispatcher: RtnlDispatcher,
    private readonly log: Logger,
  ) {
    // Distinct, non-zero, and unlikely to look like a kernel port id (which is 0).
    this.nextPortid = (process.pid & 0xffff) * 0x1000 + 1;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async listen(): Promise<void> {
    const { path } = this.options;
    if (existsSync(path)) {
      if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
      if (await isLive(path)) throw new Error(`another daemon is already listening on ${path}`);
      this.log.info({ path }, 'replacing stale socket file');
      unlinkSync(path);
    }
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (this.options.mode !== undefined) chmodSync(path, this.options.mode);
    this.log.info({ path }, 'listening');
  }

  private accept(socket: Socket): void {
    const portid = this.nextPortid++;
    const conn = new Connection(portid, socket, this.dispatcher, this.options, this.log);
    this.connections.set(portid, conn);
    this.log.info({ portid, connections: this.connections.size }, 'connection opened');
    socket.on('error', (err) => this.log.debug({ portid, err: err.message }, 'socket error'));
    socket.on('close', () => {
      this.connections.delete(portid);
      this.log.info({ portid, connections: this.connections.size }, 'connection closed');
    });
  }

  multicast(group: number, message: Buffer, exceptPortid: number): void {
    for (const conn of this.connections.values()) {
      if (conn.portid !== exceptPortid && conn.memberships.has(group)) conn.deliver(message);
    }
  }

  unicast(portid: number, message: Buffer): void {
    this.connections.get(portid)?.deliver(message);
  }

  hasMembers(group: number): boolean {
    for (const conn of this.connections.values()) if (conn.memberships.has(group)) return true;
    return false;
  }

  /** Stops accepting, lets in-flight requests finish, closes connections and removes the socket file. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...this.connections.values()].map((c) => c.whenIdle()));
    for (const conn of this.connections.values()) conn.close();
    await closed;
    try {
      unlinkSync(this.options.path);
    } catch {
      // already gone
    }
  }
}
