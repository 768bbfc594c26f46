import { Mutex } from 'async-mutex';
import type { Logger } from 'pino';
import { NetworkModel } from './model/store.js';
import { RtnlDispatcher } from './rtnl/dispatch.js';
import { Notifier } from './rtnl/notify.js';
import { applySeed, type SeedLink } from './seed.js';
import { UnixServer } from './transport/unix-server.js';

export interface DaemonOptions {
  socket: string;
  socketMode?: number | undefined;
  seed?: readonly SeedLink[] | undefined;
  /** NETLINK_GET_STRICT_CHK on for every connection. */
  strict: boolean;
  maxMessage: number;
  rcvbuf: number;
  log: Logger;
}

/** The model as a fresh network namespace has it (lo only), plus an optional seed. */
export function buildModel(seed?: readonly SeedLink[]): NetworkModel {
  const model = new NetworkModel();
  model.addLoopback();
  if (seed) applySeed(model, seed);
  return model;
}

/** Composition root: model, rtnetlink dispatcher, notifications and the Unix socket. */
export class Daemon {
  readonly model: NetworkModel;
  readonly mutex = new Mutex();
  private readonly server: UnixServer;
  private readonly detachNotifier: () => void;

  constructor(private readonly options: DaemonOptions) {
    this.model = buildModel(options.seed);
    const dispatcher = new RtnlDispatcher(this.model, this.mutex);
    this.server = new UnixServer(
      {
        path: options.socket, mode: options.socketMode, maxMessage: options.maxMessage,
        rcvbuf: options.rcvbuf, strict: options.strict, readOnly: false,
      },
      dispatcher,
      options.log,
    );
    this.detachNotifier = new Notifier(this.model, this.server).attach();
  }

  async start(): Promise<void> {
    await this.server.listen();
    this.options.log.info({ links: this.model.size }, 'model loaded');
  }

  /** Graceful stop: no new connections, in-flight requests finish, the socket file is removed. */
  async stop(): Promise<void> {
    await this.server.close();
    await this.mutex.waitForUnlock();
    this.detachNotifier();
  }
}
