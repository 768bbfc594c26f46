import { RTNLD_SOCKET_CALL, SOCKET_CALL_NSID_MARK } from '../../protocol/constants.js';
import type { Namespace } from '../model/netns/namespace.js';
import type { NotificationSink } from '../rtnl/notify.js';
import type { Connection } from './connection.js';

/**
 * A rig dumps links, addresses and routes back to back: background work taking a step between
 * two of them delayed the next, so it waits until this long after a dump.
 */
const DUMP_BURST_MS = 50;

/** The connections belonging to one namespace: its multicast groups' members. */
class NamespaceMembers implements NotificationSink {
  readonly connections = new Map<number, Connection>();

  constructor(
    private readonly netns: Namespace | undefined,
    private readonly registry: ConnectionRegistry,
  ) {}

  multicast(group: number, message: Buffer, exceptPortid: number): void {
    for (const conn of this.connections.values()) {
      if (conn.portid !== exceptPortid && conn.memberships.has(group)) conn.deliver(message);
    }
    if (this.netns && this.registry.listenAllNsid.size > 0) this.registry.deliverAllNsid(this.netns, group, message);
  }

  unicast(portid: number, message: Buffer): void {
    this.connections.get(portid)?.deliver(message);
  }

  hasMembers(group: number): boolean {
    for (const conn of this.connections.values()) if (conn.memberships.has(group)) return true;
    if (this.netns) for (const conn of this.registry.listenAllNsid) if (conn.memberships.has(group)) return true;
    return false;
  }
}

/** The 28-byte type-15 message `12, nsid, 0` that precedes a notification from another namespace. */
function nsidMark(nsid: number): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt32LE(28, 0);
  b.writeUInt16LE(RTNLD_SOCKET_CALL, 4);
  b.writeUInt32LE(SOCKET_CALL_NSID_MARK, 16);
  b.writeInt32LE(nsid, 20);
  return b;
}

/**
 * Every open connection of every socket the daemon serves (admin and read-only), by port id.
 * Allocates port ids (distinct, non-zero) and fans notifications out to group members.
 */
export class ConnectionRegistry implements NotificationSink {
  private readonly connections = new Map<number, Connection>();
  /**
   * Connections with a dump under way, and when the last one ended: dumping() is asked by every
   * model timer and background step, so it is kept here rather than asked of each of (say)
   * 10,000 connections, one per namespace of a rig.
   */
  private readonly dumpsUnderWay = new Set<Connection>();
  private lastDumpEnded = -Infinity;
  /** Members by namespace (connections without a namespace: the key undefined). */
  private readonly members = new Map<Namespace | undefined, NamespaceMembers>();
  /** Connections with NETLINK_LISTEN_ALL_NSID on: usually none, so other namespaces pay nothing. */
  readonly listenAllNsid = new Set<Connection>();
  private nextPortid: number;

  constructor() {
    // Non-zero (0 is the kernel) and unlikely to collide with anything a test compares against.
    this.nextPortid = (process.pid & 0xffff) * 0x1000 + 1;
  }

  allocatePortid(): number {
    const id = this.nextPortid;
    this.nextPortid = (this.nextPortid + 1) >>> 0 || 1;
    return id;
  }

  add(conn: Connection): void {
    this.connections.set(conn.portid, conn);
    this.sinkFor(conn.netns).connections.set(conn.portid, conn);
    conn.dumpListener = (underWay) => {
      if (underWay) this.dumpsUnderWay.add(conn);
      else this.dumpEnded(conn);
    };
  }

  private dumpEnded(conn: Connection): void {
    if (this.dumpsUnderWay.delete(conn)) this.lastDumpEnded = performance.now();
  }

  /** Whether any connection has dumped at `time` (performance.now()) or since. */
  dumpedSince(time: number): boolean {
    return this.dumpsUnderWay.size > 0 || this.lastDumpEnded >= time;
  }

  /**
   * Whether a client is being served dumps: one under way or ended within DUMP_BURST_MS. Work
   * done in the background (the warm-up, encoding bodies ahead) waits meanwhile.
   */
  dumping(): boolean {
    return this.dumpedSince(performance.now() - DUMP_BURST_MS);
  }

  remove(portid: number): void {
    const conn = this.connections.get(portid);
    if (!conn) return;
    this.connections.delete(portid);
    this.dumpEnded(conn);
    this.members.get(conn.netns)?.connections.delete(portid);
    this.listenAllNsid.delete(conn);
  }

  /** The notification sink of one namespace (its connections). */
  sinkFor(netns: Namespace | undefined): NamespaceMembers {
    let m = this.members.get(netns);
    if (!m) this.members.set(netns, (m = new NamespaceMembers(netns, this)));
    return m;
  }

  /** SETNS: `conn` now belongs to `to`; its groups go with it. */
  move(conn: Connection, to: Namespace): void {
    this.members.get(conn.netns)?.connections.delete(conn.portid);
    conn.netns = to;
    this.sinkFor(to).connections.set(conn.portid, conn);
  }

  /** The connections of a namespace being deleted, and forgets its members. */
  dropNamespace(netns: Namespace): Connection[] {
    const m = this.members.get(netns);
    this.members.delete(netns);
    return m ? [...m.connections.values()] : [];
  }

  /** NETLINK_LISTEN_ALL_NSID: members in namespaces that have an id for `from` get the message, marked. */
  deliverAllNsid(from: Namespace, group: number, message: Buffer): void {
    for (const conn of this.listenAllNsid) {
      if (conn.netns === from || !conn.memberships.has(group)) continue;
      const nsid = conn.netns?.nsids.idOf(from);
      if (nsid === undefined) continue;
      conn.deliver(nsidMark(nsid));
      conn.deliver(message);
    }
  }

  get size(): number {
    return this.connections.size;
  }

  all(): IterableIterator<Connection> {
    return this.connections.values();
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
}
