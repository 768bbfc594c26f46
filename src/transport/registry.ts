import type { NotificationSink } from '../rtnl/notify.js';
import type { Connection } from './connection.js';

/**
 * Every open connection of every socket the daemon serves (admin and read-only), by port id.
 * Allocates port ids (distinct, non-zero) and fans notifications out to group members.
 */
export class ConnectionRegistry implements NotificationSink {
  private readonly connections = new Map<number, Connection>();
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
  }

  remove(portid: number): void {
    this.connections.delete(portid);
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
