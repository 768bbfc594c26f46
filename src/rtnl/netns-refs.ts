import type { Namespace } from '../model/netns/namespace.js';
import type { NamespaceRegistry } from '../model/netns/registry.js';
import type { RequestNetns } from '../state/record.js';
import type { NetnsScope } from './request.js';

/**
 * A connection's scope that remembers which namespaces a request named by fd or pid, so the
 * journal can replay it without the connection (--state).
 */
export class TrackedScope implements NetnsScope {
  private readonly fds: Record<number, string> = {};
  private readonly pids: Record<number, string> = {};

  constructor(private readonly inner: NetnsScope) {}

  get current(): Namespace {
    return this.inner.current;
  }

  get registry(): NamespaceRegistry {
    return this.inner.registry;
  }

  byFd(fd: number): Namespace | undefined {
    const ns = this.inner.byFd(fd);
    if (ns) this.fds[fd] = ns.name;
    return ns;
  }

  byPid(pid: number): Namespace | undefined {
    const ns = this.inner.byPid(pid);
    if (ns) this.pids[pid] = ns.name;
    return ns;
  }

  /** Where the request happened (read when it is journaled). */
  where(): RequestNetns {
    return { netns: this.current.name, fds: this.fds, pids: this.pids };
  }
}

/** The scope of a journaled request being replayed: its namespace, its fds and pids by name. */
export function replayScope(registry: NamespaceRegistry, where: RequestNetns | undefined): NetnsScope {
  const byName = (name: string | undefined) => (name === undefined ? undefined : registry.get(name));
  const current = byName(where?.netns ?? '');
  if (!current) throw new Error(`journal names namespace "${where?.netns}" that does not exist`);
  return {
    current,
    registry,
    byFd: (fd) => byName(where?.fds?.[fd]),
    byPid: (pid) => (pid === 1 ? registry.initial : byName(where?.pids?.[pid])),
  };
}
