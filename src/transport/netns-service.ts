import type { Namespace } from '../model/netns/namespace.js';
import type { NamespaceRegistry } from '../model/netns/registry.js';
import type { Connection } from './connection.js';

/**
 * What the namespace socket calls need from the daemon (protocol/TRANSPORT.md, Namespaces):
 * the namespaces, creating and deleting them (under the model mutex, with their socket files),
 * and the process ids connections announced.
 */
export interface NetnsService {
  readonly namespaces: NamespaceRegistry;
  /** NETNS_ADD; rejects with a ModelError (EEXIST, EINVAL). */
  add(name: string): Promise<void>;
  /** NETNS_DEL; rejects with a ModelError (ENOENT, EBUSY). */
  del(name: string): Promise<void>;
  /** IFLA_NET_NS_PID P: the current namespace of the latest open connection that announced P (1: the initial one). */
  byPid(pid: number): Namespace | undefined;
  /** SETNS: `conn` now belongs to `to` (its groups now hear `to`). */
  setns(conn: Connection, to: Namespace): void;
  /** NETLINK_LISTEN_ALL_NSID on or off for `conn`. */
  listenAllNsid(conn: Connection, on: boolean): void;
}
