import { join } from 'node:path';
import type { Mutex } from 'async-mutex';
import type { Logger } from 'pino';
import { ModelError } from './model/errors.js';
import type { Namespace } from './model/netns/namespace.js';
import type { NamespaceRegistry } from './model/netns/registry.js';
import type { RtnlDispatcher } from './rtnl/dispatch.js';
import { Notifier } from './rtnl/notify.js';
import { attachNsidNotifier } from './rtnl/nsid-notify.js';
import type { Connection } from './transport/connection.js';
import type { NetnsService } from './transport/netns-service.js';
import type { ConnectionRegistry } from './transport/registry.js';
import { UnixServer, type UnixServerOptions } from './transport/unix-server.js';

/** How each namespace's sockets are served under --netns-dir (the modes of --socket / --ro-socket). */
export interface NetnsSockets {
  dir: string;
  common: Omit<UnixServerOptions, 'path' | 'mode' | 'gid' | 'readOnly' | 'namespace'>;
  mode: number;
  gid?: number | undefined;
  /** Also serve DIR/NAME.ro.sock, read-only, with this mode. */
  roMode?: number | undefined;
}

/**
 * The daemon's namespaces as the transport and the admin API see them: each namespace's
 * notifications go to its own connections, its sockets under --netns-dir come and go with it,
 * and deleting it closes the connections that belonged to it.
 */
export class DaemonNamespaces implements NetnsService {
  private readonly detach = new Map<Namespace, () => void>();
  private readonly servers = new Map<Namespace, UnixServer[]>();
  private readonly detachNsid: () => void;

  constructor(
    readonly namespaces: NamespaceRegistry,
    private readonly connections: ConnectionRegistry,
    private readonly mutex: Mutex,
    private readonly dispatcher: RtnlDispatcher,
    private readonly log: Logger,
    private readonly sockets?: NetnsSockets,
  ) {
    for (const ns of namespaces.all()) this.attach(ns);
    this.detachNsid = attachNsidNotifier(namespaces, (ns) => connections.sinkFor(ns));
  }

  /** Every namespace's notifications go to its own members only: a change elsewhere costs nothing here. */
  private attach(ns: Namespace): void {
    this.detach.set(ns, new Notifier(ns.model, this.connections.sinkFor(ns)).attach());
  }

  /**
   * Creates a namespace (already holding the mutex or not needing it: seeds, journal replay,
   * which serves it later with everything else).
   */
  async create(name: string, serve = true): Promise<Namespace> {
    const ns = this.namespaces.add(name);
    this.attach(ns);
    this.log.info({ netns: name, namespaces: this.namespaces.size }, 'namespace added');
    if (serve) await this.serve(ns);
    return ns;
  }

  /** Listens on DIR/NAME.sock (and DIR/NAME.ro.sock) for one namespace. */
  async serve(ns: Namespace): Promise<void> {
    const s = this.sockets;
    if (!s || ns.initial || this.servers.has(ns)) return;
    // Only the --socket file's removal stops the daemon; a namespace's socket removed by hand just
    // cannot be reached any more (the namespace lives on, reachable through SETNS).
    const common = { ...s.common, onRemoved: undefined };
    const list: UnixServer[] = [
      new UnixServer({ ...common, path: join(s.dir, `${ns.name}.sock`), mode: s.mode, gid: s.gid, readOnly: false, namespace: ns },
        this.connections, this.dispatcher, this.log),
    ];
    if (s.roMode !== undefined) {
      list.push(new UnixServer({ ...common, path: join(s.dir, `${ns.name}.ro.sock`), mode: s.roMode, readOnly: true, namespace: ns },
        this.connections, this.dispatcher, this.log));
    }
    this.servers.set(ns, list);
    for (const server of list) await server.listen();
  }

  /**
   * Serves every namespace that exists (after --state or a seed created them before the sockets
   * listen). Listening chains through promptly resolved promises, so the event loop would not turn
   * until the last of 10,000 sockets listens: it yields every few namespaces, letting a signal be
   * handled, and stops early once `stopped()` says so.
   */
  async serveAll(stopped: () => boolean = () => false): Promise<void> {
    let n = 0;
    for (const ns of this.namespaces.all()) {
      if (stopped()) return;
      await this.serve(ns);
      if (++n % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** --state: resolves once the journal holds what just changed (the answer waits for it, as an ACK does). */
  persisted: () => Promise<void> = async () => {};

  async add(name: string): Promise<void> {
    await this.mutex.runExclusive(() => this.create(name));
    await this.persisted();
  }

  async del(name: string): Promise<void> {
    await this.mutex.runExclusive(() => this.destroy(name));
    await this.persisted();
  }

  /** Deletes a namespace: its model goes (with veth ends elsewhere), its connections and sockets close. */
  async destroy(name: string): Promise<void> {
    const ns = this.namespaces.get(name);
    if (!ns) throw new ModelError('ENOENT', `no namespace "${name}"`);
    this.namespaces.delete(name);
    this.detach.get(ns)?.();
    this.detach.delete(ns);
    for (const conn of this.connections.dropNamespace(ns)) conn.close();
    const servers = this.servers.get(ns) ?? [];
    this.servers.delete(ns);
    await Promise.all(servers.map((s) => s.close()));
    this.log.info({ netns: name, namespaces: this.namespaces.size }, 'namespace deleted');
  }

  byPid(pid: number): Namespace | undefined {
    if (pid === 1) return this.namespaces.initial;
    let found: Connection | undefined;
    for (const conn of this.connections.all()) if (conn.clientPid === pid && conn.netns?.alive) found = conn;
    return found?.netns;
  }

  setns(conn: Connection, to: Namespace): void {
    this.connections.move(conn, to);
  }

  listenAllNsid(conn: Connection, on: boolean): void {
    conn.listenAllNsid = on;
    if (on) this.connections.listenAllNsid.add(conn);
    else this.connections.listenAllNsid.delete(conn);
  }

  async close(): Promise<void> {
    this.detachNsid();
    await Promise.all([...this.servers.values()].flat().map((s) => s.close()));
    for (const d of this.detach.values()) d();
  }
}
