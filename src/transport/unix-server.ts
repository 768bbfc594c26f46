import { chmodSync, chownSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import type { RtnlDispatcher } from '../rtnl/dispatch.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { watchFileIn } from './dir-watch.js';
import type { ConnectionRegistry } from './registry.js';

export interface UnixServerOptions extends ConnectionOptions {
  path: string;
  /** File mode of the socket (e.g. 0o660). */
  mode?: number | undefined;
  /** Group owning the socket file. */
  gid?: number | undefined;
  /** Connections over all sockets beyond which new ones are refused. */
  maxConnections: number;
  /** Called once if the socket file is removed or replaced while listening. */
  onRemoved?: ((path: string) => void) | undefined;
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
 * Makes `path` free for a new listening socket: a stale socket file left by a dead process is
 * removed; a live one, or anything that is not a socket, is refused with an Error saying so.
 */
export async function claimSocketPath(path: string, log: Logger): Promise<void> {
  // Node reports a missing directory as EACCES (even to root): say what is wrong.
  if (!existsSync(dirname(path))) throw new Error(`cannot listen on ${path}: directory ${dirname(path)} does not exist`);
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
  if (await isLive(path)) throw new Error(`another daemon is already listening on ${path}`);
  log.info({ path }, 'replacing stale socket file');
  unlinkSync(path);
}

/**
 * One Unix stream socket clients speak netlink on (the admin socket, or the read-only one):
 * accepts connections up to the limit and registers them for notifications.
 */
export class UnixServer {
  private server: Server | undefined;
  /** This server's connections, each with a promise of its socket's 'close' (it leaves the registry then). */
  private readonly mine = new Map<Connection, Promise<void>>();
  /** The socket file's inode while listening, and how to stop watching it. */
  private inode: number | undefined;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly options: UnixServerOptions,
    private readonly registry: ConnectionRegistry,
    private readonly dispatcher: RtnlDispatcher,
    private readonly log: Logger,
  ) {}

  /** A name in Linux's abstract socket namespace (leading NUL): no file to claim, chmod, watch or remove. */
  private get abstract(): boolean {
    return this.options.path.startsWith('\0');
  }

  async listen(): Promise<void> {
    const { path } = this.options;
    if (!this.abstract) await claimSocketPath(path, this.log);
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A deep accept queue: test rigs open hundreds of connections at once.
      server.listen({ path, backlog: 4096 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (this.abstract) return;
    if (this.options.mode !== undefined) chmodSync(path, this.options.mode);
    if (this.options.gid !== undefined) chownSync(path, process.getuid?.() ?? 0, this.options.gid);
    this.inode = lstatSync(path).ino;
    if (this.options.onRemoved) this.watchSocketFile(this.options.onRemoved);
    this.log.info({ path, netns: this.options.namespace?.name, readOnly: this.options.readOnly }, 'listening');
  }

  /** Is the file at the socket's path still the one this server bound? */
  private ownsPath(): boolean {
    try {
      return lstatSync(this.options.path).ino === this.inode;
    } catch {
      return false;
    }
  }

  /** Calls `onRemoved` when the socket file is deleted or replaced (inotify on its directory, shared: dir-watch.ts). */
  private watchSocketFile(onRemoved: (path: string) => void): void {
    const { path } = this.options;
    this.unwatch = watchFileIn(dirname(path), basename(path), () => {
      if (this.server && !this.ownsPath()) {
        this.unwatch?.();
        onRemoved(path);
      }
    });
  }

  private accept(socket: Socket): void {
    if (this.registry.size >= this.options.maxConnections) {
      this.log.warn({ limit: this.options.maxConnections }, 'connection refused: connection limit reached');
      socket.destroy();
      return;
    }
    const portid = this.registry.allocatePortid();
    const conn = new Connection(portid, socket, this.dispatcher, this.options, this.log);
    this.registry.add(conn);
    this.mine.set(conn, new Promise((resolve) => socket.once('close', () => resolve())));
    this.log.info({ portid, netns: this.options.namespace?.name, connections: this.registry.size, readOnly: this.options.readOnly }, 'connection opened');
    socket.on('error', (err) => this.log.debug({ portid, err: err.message }, 'socket error'));
    socket.on('close', () => {
      this.registry.remove(portid);
      this.mine.delete(conn);
      this.log.info({ portid, netns: conn.netns?.name, connections: this.registry.size }, 'connection closed');
    });
  }

  /** Stops accepting, lets in-flight requests finish, closes connections and removes the socket file. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.unwatch?.();
    const owned = this.abstract || this.ownsPath();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...this.mine.keys()].map((c) => c.whenIdle()));
    for (const conn of this.mine.keys()) conn.close();
    await closed;
    // The server's 'close' can come a turn before its sockets' own: once this resolves, every
    // connection has left the registry.
    await Promise.all(this.mine.values());
    if (!owned || this.abstract) return; // removed, or another daemon's socket now
    try {
      unlinkSync(this.options.path);
    } catch {
      // already gone
    }
  }
}
