import { Mutex } from 'async-mutex';
import type { Logger } from 'pino';
import { NetworkModel } from './model/store.js';
import { RtnlDispatcher } from './rtnl/dispatch.js';
import { Notifier } from './rtnl/notify.js';
import { applySeed, type SeedLink } from './seed.js';
import { ConnectionRegistry } from './transport/registry.js';
import { UnixServer } from './transport/unix-server.js';

export interface DaemonOptions {
  socket: string;
  /** Admin socket file mode (default 0660) and owning group. */
  socketMode?: number | undefined;
  socketGroup?: number | undefined;
  /** A second socket on which only GET requests, dumps and subscriptions work (mode default 0666). */
  roSocket?: string | undefined;
  roSocketMode?: number | undefined;
  maxConnections?: number | undefined;
  maxLinks?: number | undefined;
  seed?: readonly SeedLink[] | undefined;
  /** NETLINK_GET_STRICT_CHK on for every connection. */
  strict: boolean;
  maxMessage: number;
  rcvbuf: number;
  log: Logger;
}

/** The model as a fresh network namespace has it (lo only), plus an optional seed. */
export function buildModel(seed?: readonly SeedLink[], maxLinks?: number): NetworkModel {
  const model = new NetworkModel({ maxLinks });
  model.addLoopback();
  if (seed) applySeed(model, seed);
  return model;
}

/** Composition root: model, rtnetlink dispatcher, notifications and the Unix socket. */
export class Daemon {
  readonly model: NetworkModel;
  readonly mutex = new Mutex();
  readonly connections = new ConnectionRegistry();
  private readonly servers: UnixServer[] = [];
  private readonly detachNotifier: () => void;

  constructor(private readonly options: DaemonOptions) {
    this.model = buildModel(options.seed, options.maxLinks);
    const dispatcher = new RtnlDispatcher(this.model, this.mutex);
    const common = {
      maxMessage: options.maxMessage, rcvbuf: options.rcvbuf, strict: options.strict,
      maxConnections: options.maxConnections ?? 1024,
    };
    this.servers.push(new UnixServer(
      { ...common, path: options.socket, mode: options.socketMode ?? 0o660, gid: options.socketGroup, readOnly: false },
      this.connections, dispatcher, options.log,
    ));
    if (options.roSocket) {
      this.servers.push(new UnixServer(
        { ...common, path: options.roSocket, mode: options.roSocketMode ?? 0o666, readOnly: true },
        this.connections, dispatcher, options.log,
      ));
    }
    this.detachNotifier = new Notifier(this.model, this.connections).attach();
  }

  async start(): Promise<void> {
    for (const server of this.servers) await server.listen();
    this.options.log.info({ links: this.model.size }, 'model loaded');
  }

  /** Graceful stop: no new connections, in-flight requests finish, the socket files are removed. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
    await this.mutex.waitForUnlock();
    this.detachNotifier();
  }
}
