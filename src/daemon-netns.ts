import { mkdirSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Mutex } from 'async-mutex';
import type { Logger } from 'pino';
import { ModelError } from './model/errors.js';
import type { Namespace } from './model/netns/namespace.js';
import type { NamespaceRegistry } from './model/netns/registry.js';
import { addressBodies } from './rtnl/addr-cache.js';
import { routeBlocks } from './rtnl/route-cache.js';
import type { RtnlDispatcher } from './rtnl/dispatch.js';
import { linkBodies } from './rtnl/link-cache.js';
import type { SnapshotDocument } from './state/snapshot.js';
import { Notifier } from './rtnl/notify.js';
import { attachNsidNotifier } from './rtnl/nsid-notify.js';
import type { Connection } from './transport/connection.js';
import type { NetnsService } from './transport/netns-service.js';
import { netnsSocketPaths, type NetnsLayout } from './transport/netns-paths.js';
import type { ConnectionRegistry } from './transport/registry.js';
import { UnixServer, type UnixServerOptions } from './transport/unix-server.js';

/** How each namespace's sockets are served under --netns-dir (the modes of --socket / --ro-socket). */
export interface NetnsSockets {
  dir: string;
  /** DIR/NAME.sock (`flat`, the default) or DIR/NAME/rtnl.sock (`dir`): transport/netns-paths.ts. */
  layout?: NetnsLayout | undefined;
  common: Omit<UnixServerOptions, 'path' | 'mode' | 'gid' | 'readOnly' | 'namespace'>;
  mode: number;
  gid?: number | undefined;
  /** Also serve the read-only socket (DIR/NAME.ro.sock or DIR/NAME/rtnl.ro.sock) with this mode. */
  roMode?: number | undefined;
}

/**
 * Makes a namespace's own directory (layout `dir`); false when it exists already (a volume
 * mounted there), which is then used as it is and left in place. DIR itself must exist, as for
 * any socket path.
 */
function makeDir(path: string): boolean {
  try {
    mkdirSync(path, { mode: 0o755 });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`cannot listen in ${path}: directory ${dirname(path)} does not exist`);
    throw e;
  }
}

/**
 * The daemon's namespaces as the transport and the admin API see them: each namespace's
 * notifications go to its own connections, its sockets under --netns-dir come and go with it,
 * and deleting it closes the connections that belonged to it.
 */
export class DaemonNamespaces implements NetnsService {
  private readonly detach = new Map<Namespace, () => void>();
  private readonly servers = new Map<Namespace, UnixServer[]>();
  /** Per-namespace directories (layout `dir`) this daemon made, removed with their namespace. */
  private readonly madeDirs = new Map<Namespace, string>();
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
    if (this.encodingAhead) this.encodeAhead(ns);
  }

  /** Set once the daemon serves: not while a seed or state loads (10,000 namespaces of 4 links each). */
  private encodingAhead = false;

  /** From now on every namespace's links, addresses and IPv4 routes are encoded ahead (the daemon is serving). */
  startEncodingAhead(): void {
    this.encodingAhead = true;
    for (const ns of this.namespaces.all()) this.encodeAhead(ns);
  }

  /** Links, addresses and IPv4 routes encoded ahead, so even the first dump copies bytes (issue 21). */
  private encodeAhead(ns: Namespace): void {
    const busy = () => this.connections.dumping();
    linkBodies(ns.model, busy);
    addressBodies(ns.model, busy);
    routeBlocks(ns.model, busy);
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

  /** Listens on the namespace's socket (and read-only socket) under --netns-dir. */
  async serve(ns: Namespace): Promise<void> {
    const s = this.sockets;
    if (!s || ns.initial || this.servers.has(ns)) return;
    const paths = netnsSocketPaths(s.dir, s.layout ?? 'flat', ns.name);
    if (paths.dir !== undefined && makeDir(paths.dir)) this.madeDirs.set(ns, paths.dir);
    // Only the --socket file's removal stops the daemon; a namespace's socket removed by hand just
    // cannot be reached any more (the namespace lives on, reachable through SETNS).
    const common = { ...s.common, onRemoved: undefined };
    const list: UnixServer[] = [
      new UnixServer({ ...common, path: paths.rw, mode: s.mode, gid: s.gid, readOnly: false, namespace: ns },
        this.connections, this.dispatcher, this.log),
    ];
    if (s.roMode !== undefined) {
      list.push(new UnixServer({ ...common, path: paths.ro, mode: s.roMode, readOnly: true, namespace: ns },
        this.connections, this.dispatcher, this.log));
    }
    this.servers.set(ns, list);
    for (const server of list) await server.listen();
  }

  /** Closes a namespace's sockets, and removes the directory made for them. */
  private async unserve(ns: Namespace): Promise<void> {
    const servers = this.servers.get(ns) ?? [];
    this.servers.delete(ns);
    await Promise.all(servers.map((s) => s.close()));
    const dir = this.madeDirs.get(ns);
    this.madeDirs.delete(ns);
    if (dir === undefined) return;
    try {
      rmdirSync(dir);
    } catch {
      // something else was put there: left alone
    }
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
    await this.unserve(ns);
    this.log.info({ netns: name, namespaces: this.namespaces.size }, 'namespace deleted');
  }

  /**
   * The daemon becomes `doc` (validated and trial-imported by the caller, who holds the mutex):
   * namespaces it lacks are deleted (as `ip netns del`), those it adds are created and served,
   * NSID tables become its own (without `nsids`, ids between namespaces that stay are kept),
   * then every namespace's model is replaced, each change announced in its namespace.
   */
  async replaceAll(doc: SnapshotDocument): Promise<void> {
    const wanted = new Map((doc.netns ?? []).map((n) => [n.name, n.model]));
    for (const ns of [...this.namespaces.all()]) if (!ns.initial && !wanted.has(ns.name)) await this.destroy(ns.name);
    for (const name of wanted.keys()) if (!this.namespaces.get(name)) await this.create(name);
    if (doc.nsids) {
      const tables = new Map([...this.namespaces.all()].map((ns) => [ns, new Map<Namespace, number>()]));
      for (const { observer, peer, nsid } of doc.nsids) tables.get(this.namespaces.get(observer)!)!.set(this.namespaces.get(peer)!, nsid);
      for (const [ns, ids] of tables) this.namespaces.replaceNsids(ns, ids);
    }
    this.namespaces.initial.model.replaceLinks(doc.model);
    for (const [name, model] of wanted) this.namespaces.get(name)!.model.replaceLinks(model);
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
    await Promise.all([...this.servers.keys()].map((ns) => this.unserve(ns)));
    for (const d of this.detach.values()) d();
  }
}
