import type { NetworkModel } from '../store.js';
import { NsidTable } from './nsid-table.js';

/** The initial namespace's name: the empty string, which no other namespace may take. */
export const INITIAL_NETNS = '';

/** ip netns's rules for a name (it becomes a file under /run/netns): 1-255 bytes, no '/', not '.' or '..'. */
export function isValidNetnsName(name: string): boolean {
  return name.length > 0 && Buffer.byteLength(name) <= 255 && !/[/\0]/.test(name) && name !== '.' && name !== '..';
}

/**
 * One network namespace (struct net): its own network model (devices, ifindexes, names,
 * addresses, routes and every other table of NetworkModel) and its own NSID table. Its
 * notifications and sockets belong to the transport, which keys them by this object.
 */
export class Namespace {
  /** The ids this namespace gave to other namespaces (and possibly itself). */
  readonly nsids = new NsidTable<Namespace>();
  /** False once deleted: references held elsewhere (fd bindings) then act as closed. */
  alive = true;

  constructor(
    readonly name: string,
    readonly model: NetworkModel,
  ) {}

  get initial(): boolean {
    return this.name === INITIAL_NETNS;
  }
}
