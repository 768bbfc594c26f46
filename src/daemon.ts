import { Mutex } from 'async-mutex';
import type { Logger } from 'pino';
import { NlWriter } from '../protocol/writer.js';
import type { AddressOptions } from './model/addresses.js';
import { ManualClock, SystemClock, TimerGate } from './model/clock.js';
import { NetworkModel } from './model/store.js';
import type { AdminContext } from './http/context.js';
import type { ListenAddress } from './http/listen-address.js';
import { Metrics } from './http/metrics.js';
import { AdminServer } from './http/server.js';
import { DurableState } from './state/durable-state.js';
import { exportSnapshot, type SnapshotDocument } from './state/snapshot.js';
import type { RequestNetns } from './state/record.js';
import { replayScope } from './rtnl/netns-refs.js';
import { RtnlDispatcher } from './rtnl/dispatch.js';
import { DaemonNamespaces } from './daemon-netns.js';
import { NamespaceRegistry } from './model/netns/registry.js';
import { warmUpInBackground, warmUpSocketName } from './daemon-warm-up.js';
import { applySeedNamespaces, type Seed, type SeedLink } from './seed.js';
import type { NetnsLayout } from './transport/netns-paths.js';
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
  /** --state DIR: journal every change and restore it on start. */
  stateDir?: string | undefined;
  /** Journal records after which the state is compacted into a snapshot. */
  stateCompactEvery?: number | undefined;
  seed?: Readonly<Seed> | readonly SeedLink[] | undefined;
  /** The seed's other namespaces (`netns:`), created at start with their links, then every namespace's routes. */
  seedNetns?: Readonly<Record<string, Readonly<Seed> | readonly SeedLink[]>> | undefined;
  /** NETLINK_GET_STRICT_CHK on for every connection. */
  strict: boolean;
  maxMessage: number;
  rcvbuf: number;
  log: Logger;
  /** How addresses behave: DAD time, promote_secondaries on every device (--dad-ms, --promote-secondaries). */
  addresses?: AddressOptions | undefined;
  /** --http: serve the admin HTTP API (and collect metrics) there. */
  http?: ListenAddress | undefined;
  /** --http-token: bearer token for the admin API's changing requests. */
  httpToken?: string | undefined;
  /** File mode of a Unix admin API socket (default 0660). */
  httpSocketMode?: number | undefined;
  /** --netns-dir DIR: serve each named namespace NAME on DIR/NAME.sock (and DIR/NAME.ro.sock with --ro-socket). */
  netnsDir?: string | undefined;
  /** --netns-layout dir: DIR/NAME/rtnl.sock (and DIR/NAME/rtnl.ro.sock) instead. */
  netnsLayout?: NetnsLayout | undefined;
  /** Called when a netlink socket file the daemon serves is removed or replaced (rtnld then stops). */
  onSocketRemoved?: ((path: string) => void) | undefined;
  /**
   * Once listening, exercise the request and dump paths on a scratch model in the background
   * (src/daemon-warm-up.ts), so the first dumps of a fresh daemon run optimised code. The CLI turns
   * it on (`--no-warm-up` turns it off); off by default for embedders and tests.
   */
  warmUp?: boolean | undefined;
}

/** Composition root: model, rtnetlink dispatcher, notifications and the Unix socket. */
export class Daemon {
  readonly model: NetworkModel;
  readonly mutex = new Mutex();
  readonly connections = new ConnectionRegistry();
  private readonly servers: UnixServer[] = [];
  /** Every namespace; the initial one holds `model`. */
  readonly namespaces: NamespaceRegistry;
  readonly netns: DaemonNamespaces;
  private readonly state: DurableState | undefined;
  private readonly dispatcher: RtnlDispatcher;
  /** Metrics and the admin HTTP API, with --http only (no observer costs otherwise). */
  readonly metrics: Metrics | undefined;
  private readonly http: AdminServer | undefined;
  private ready = false;
  private stopping = false;
  /** The background warm-up, while it runs. */
  private warming: Promise<void> | undefined;

  /** `options.seed` and `options.seedNetns` stay: POST /v1/reset rebuilds every namespace from them (seedSnapshot). */
  constructor(private readonly options: DaemonOptions) {
    // Every namespace's timers wait while a client is being served dumps (TimerGate).
    const gate = new TimerGate(() => this.connections.dumping());
    const clock = () => new SystemClock(gate);
    this.model = new NetworkModel({ maxLinks: options.maxLinks, addresses: options.addresses, clock: clock() });
    this.model.addLoopback();
    const cpuCount = this.model.cpuCount;
    this.namespaces = new NamespaceRegistry(() => new NetworkModel({ maxLinks: options.maxLinks, addresses: options.addresses, cpuCount, clock: clock() }), this.model);
    this.state = options.stateDir ? new DurableState(options.stateDir, this.namespaces, options.log, options.stateCompactEvery) : undefined;
    // A state directory that already holds state wins over the seed.
    const seeding = !this.state?.hasState();
    if (seeding) for (const name of Object.keys(options.seedNetns ?? {})) this.namespaces.add(name);
    this.metrics = options.http ? new Metrics({ namespaces: this.namespaces, connections: this.connections }) : undefined;
    const dispatcher = new RtnlDispatcher(this.model, this.mutex, this.state, this.metrics);
    this.dispatcher = dispatcher;
    const common = {
      maxMessage: options.maxMessage, rcvbuf: options.rcvbuf, strict: options.strict,
      maxConnections: options.maxConnections ?? 1024, deliveries: this.metrics, onRemoved: options.onSocketRemoved,
      netnsService: undefined as DaemonNamespaces | undefined,
    };
    this.netns = new DaemonNamespaces(this.namespaces, this.connections, this.mutex, dispatcher, options.log, options.netnsDir ? {
      dir: options.netnsDir, layout: options.netnsLayout, common, mode: options.socketMode ?? 0o660, gid: options.socketGroup,
      roMode: options.roSocket ? options.roSocketMode ?? 0o666 : undefined,
    } : undefined);
    common.netnsService = this.netns;
    // Seeded once every namespace has its notifier: building each change's message gives the
    // namespaces the ids it carries (NSIDs), as the same requests would.
    if (seeding) applySeedNamespaces(this.namespaces, options.seed, options.seedNetns);
    const state = this.state;
    if (state) this.netns.persisted = () => state.settled();
    const initial = this.namespaces.initial;
    this.servers.push(new UnixServer(
      { ...common, path: options.socket, mode: options.socketMode ?? 0o660, gid: options.socketGroup, readOnly: false, namespace: initial },
      this.connections, dispatcher, options.log,
    ));
    if (options.roSocket) {
      this.servers.push(new UnixServer(
        { ...common, path: options.roSocket, mode: options.roSocketMode ?? 0o666, readOnly: true, namespace: initial },
        this.connections, dispatcher, options.log,
      ));
    }
    if (options.http) {
      this.http = new AdminServer(this.adminContext(), {
        listen: options.http, token: options.httpToken, socketMode: options.httpSocketMode, log: options.log, metrics: this.metrics!,
      });
    }
  }

  /** What the admin HTTP API may use: the model, the mutex, the connections, the seed, durability. */
  adminContext(): AdminContext {
    return {
      model: this.model,
      mutex: this.mutex,
      connections: this.connections,
      seedSnapshot: () => this.seedSnapshot(),
      persist: async () => this.state?.checkpoint(),
      ready: () => this.ready,
      netns: this.netns,
    };
  }

  /**
   * lo plus the seed, every namespace of it, built afresh (a reset returns here, whatever --state
   * restored). Built on a clock that never runs, so the scratch models' timers (DAD) never fire;
   * importing the state starts them in the real models. Without NSIDs: the ids between
   * namespaces that stay are kept, as Linux keeps them while both live.
   */
  seedSnapshot(): SnapshotDocument {
    const { maxLinks, addresses } = this.options;
    const cpuCount = this.model.cpuCount;
    const scratch = new NamespaceRegistry(() => new NetworkModel({ maxLinks, cpuCount, addresses, clock: new ManualClock() }));
    for (const name of Object.keys(this.options.seedNetns ?? {})) scratch.add(name);
    applySeedNamespaces(scratch, this.options.seed, this.options.seedNetns);
    return { ...exportSnapshot(scratch), nsids: undefined };
  }

  /** Where the admin API listens (HOST:PORT with the real port, or unix:PATH); undefined without --http. */
  get httpAddress(): string | undefined {
    return this.http?.address();
  }

  async start(): Promise<void> {
    // The admin API comes first, so /healthz answers (and /readyz says 503) while state loads.
    await this.http?.listen();
    try {
      if (this.state) {
        const fresh = !this.state.hasState();
        await this.state.load({
          request: (request, where) => this.replay(request, where),
          addNetns: async (name) => void (await this.netns.create(name, false)),
          delNetns: (name) => this.netns.destroy(name),
        });
        if (this.stopping) return;
        if (fresh) this.state.compact(); // capture lo + seed, so restarts never re-apply the seed
      }
      if (this.stopping) return;
      for (const server of this.servers) await server.listen();
      // A stop (SIGTERM) during a long start-up ends it here: the sockets already listening close with the rest.
      await this.netns.serveAll(() => this.stopping);
    } catch (e) {
      await this.http?.close();
      throw e;
    }
    if (this.stopping) return;
    this.ready = true;
    this.netns.startEncodingAhead();
    this.options.log.info({ links: this.model.size }, 'model loaded');
    if (this.options.warmUp) this.startWarmUp();
  }

  private startWarmUp(): void {
    const started = performance.now();
    const log = this.options.log;
    // A daemon built as this one is (src/daemon-warm-up.ts says why), on an abstract socket,
    // without the limits, seed, state and admin API, its log quiet, and with DAD ending at once
    // so its timers do not outlive the warm-up.
    const o = this.options;
    const socket = warmUpSocketName();
    const scratch = new Daemon({
      socket, strict: o.strict, maxMessage: o.maxMessage, rcvbuf: o.rcvbuf, log: log.child({ warmUp: true }, { level: 'warn' }),
      addresses: { dadMs: 0, promoteSecondaries: o.addresses?.promoteSecondaries },
    });
    const control = { stopped: () => this.stopping, busy: () => this.connections.dumping() };
    this.warming = warmUpInBackground(scratch, socket, control, (err) => log.warn({ err }, 'warm-up failed'))
      .then(() => log.debug({ ms: Math.round(performance.now() - started) }, 'warm-up done'));
  }

  /** Resolves once the warm-up (if any) has ended: its scratch daemon stopped. */
  async warmedUp(): Promise<void> {
    await this.warming;
  }

  /** Applies a journaled request as it was applied the first time. */
  private async replay(request: Buffer, where?: RequestNetns): Promise<void> {
    const session = {
      portid: 0, strict: false, extAck: false, capAck: false, readOnly: false, dumping: false,
      netnsScope: replayScope(this.namespaces, where),
    };
    const result = this.dispatcher.handle(request, session, new NlWriter());
    if (result instanceof Promise) await result;
  }

  /** Whether stop() was called (a start() still under way gives up). */
  get stopped(): boolean {
    return this.stopping;
  }

  /** Graceful stop: no new connections, in-flight requests finish, the socket files are removed. */
  async stop(): Promise<void> {
    this.ready = false;
    this.stopping = true;
    await this.warming;
    // The admin API first: no new changes from it, event streams end, in-flight requests finish.
    await this.http?.close();
    await Promise.all(this.servers.map((s) => s.close()));
    await this.mutex.waitForUnlock();
    this.state?.close();
    await this.netns.close();
  }
}
