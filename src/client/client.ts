import { SOCKET_CALL_NETNS_ADD, SOCKET_CALL_NETNS_DEL, SOCKET_CALL_SETNS } from '../../protocol/constants.js';
import { createConnection, type Socket } from 'node:net';
import type { AddrRequest } from '../../protocol/addr-request.js';
import type { LinkRequest } from '../../protocol/link-request.js';
import { AddressService, type Address, type AddressesFilter, type AddressOptions } from './addresses.js';
import { RtnlConnection, type ConnectOptions } from './core.js';
import type { Dump } from './dump.js';
import type { RtnlGroup, SubscribeOptions, Subscription } from './events.js';
import { LinkService, type CreateLinkOptions, type Link, type LinkRef, type LinksFilter, type SetLinkOptions } from './links.js';
import { NeighbourService, type Neighbour, type LearnedNeighbour, type NeighbourOptions, type NeighboursFilter } from './neighbours.js';
import { RouteService, type Route, type RouteOptions, type RoutesFilter } from './routes.js';
import { RuleService, type Rule, type RulesFilter } from './rules.js';
import { FdbService, type FdbEntryMessage, type FdbRequest } from './fdb.js';
import type { RuleRequest } from '../../protocol/rule-request.js';

/**
 * A typed rtnetlink client for rtnld's Unix socket: the connection core (core.ts: pipelined
 * requests, dumps, subscriptions, raw requests) and one service per rtnetlink object
 * (links.ts, addresses.ts, routes.ts), behind one object. A new object is a new service
 * file built on the core, and its methods here.
 */
export class RtnlClient {
  private readonly core: RtnlConnection;
  private readonly linkService: LinkService;
  private readonly addressService: AddressService;
  private readonly routeService: RouteService;
  private readonly ruleService: RuleService;
  private readonly fdbService: FdbService;
  private readonly neighbourService: NeighbourService;

  /** @internal use connect() */
  constructor(socket: Socket, options: ConnectOptions = {}) {
    this.core = new RtnlConnection(socket, options);
    this.linkService = new LinkService(this.core);
    this.addressService = new AddressService(this.core, this.linkService);
    this.routeService = new RouteService(this.core, this.linkService);
    this.ruleService = new RuleService(this.core);
    this.fdbService = new FdbService(this.core);
    this.neighbourService = new NeighbourService(this.core, this.linkService);
  }

  /** @internal */
  init(options: ConnectOptions): Promise<void> {
    return this.core.init(options);
  }

  // --- the connection ---

  /** The port id the daemon gave this connection (getsockname). */
  get pid(): number {
    return this.core.pid;
  }

  get isClosed(): boolean {
    return this.core.isClosed;
  }

  /** setsockopt(SOL_NETLINK, name, value) through the daemon's in-band call. */
  setOption(name: number, value: number | boolean): Promise<void> {
    return this.core.setOption(name, value);
  }

  /** getsockopt(SOL_NETLINK, name); NETLINK_LIST_MEMBERSHIPS returns the first word (groups 1-32). */
  getOption(name: number): Promise<number> {
    return this.core.getOption(name);
  }

  /** SETNS: this connection now works in namespace `name` ("" = the initial one). */
  setns(name: string): Promise<void> {
    return this.core.netnsCall(SOCKET_CALL_SETNS, name);
  }

  /** ip netns add: a new namespace holding only lo. */
  addNetns(name: string): Promise<void> {
    return this.core.netnsCall(SOCKET_CALL_NETNS_ADD, name);
  }

  /** ip netns del: the namespace and its devices go (veth ends elsewhere with them). */
  deleteNetns(name: string): Promise<void> {
    return this.core.netnsCall(SOCKET_CALL_NETNS_DEL, name);
  }

  /** ip netns list: the namespaces other than the initial one, in creation order. */
  listNetns(): Promise<string[]> {
    return this.core.netnsList();
  }

  /** A request built elsewhere (its seq is replaced): a dump's entries, a GET's answer, or a change's echoes. */
  request(raw: Buffer | Uint8Array): Promise<Buffer[]> {
    return this.core.request(raw);
  }

  /** A raw dump request (NLM_F_DUMP set by the caller) as an async iterable of messages. */
  dump(raw: Buffer | Uint8Array): Dump<Buffer> {
    return this.core.rawDump(raw);
  }

  /** Joins multicast groups: an async iterator of their events; await its `ready` before changes it must see. */
  subscribe(groups: readonly RtnlGroup[], options: SubscribeOptions = {}): Subscription {
    return this.core.subscribe(groups, options);
  }

  /** Closes the connection; outstanding requests reject, subscriptions end. */
  close(): Promise<void> {
    return this.core.close();
  }

  // --- links (links.ts) ---

  /** RTM_GETLINK dump. */
  links(filter: LinksFilter = {}): Dump<Link> {
    return this.linkService.links(filter);
  }

  /** RTM_GETLINK for one device, by name (or altname) or index; rejects ENODEV. */
  link(ref: LinkRef, options: { stats?: boolean } = {}): Promise<Link> {
    return this.linkService.link(ref, options);
  }

  /** The ifindex of a device (a number is returned as is). */
  indexOf(ref: LinkRef): Promise<number> {
    return this.linkService.indexOf(ref);
  }

  /** RTM_NEWLINK with NLM_F_CREATE | NLM_F_EXCL; resolves with the new device as announced. */
  createLink(o: CreateLinkOptions): Promise<Link> {
    return this.linkService.createLink(o);
  }

  /** RTM_NEWLINK on an existing device (as `ip link set` sends it). */
  setLink(ref: LinkRef, o: SetLinkOptions): Promise<void> {
    return this.linkService.setLink(ref, o);
  }

  /** RTM_DELLINK. */
  deleteLink(ref: LinkRef): Promise<void> {
    return this.linkService.deleteLink(ref);
  }

  /** Sends a prepared link request (RTM_NEWLINK / SETLINK / DELLINK); resolves on its ACK. */
  linkChange(type: number, flags: number, req: LinkRequest): Promise<{ warning?: string | undefined }> {
    return this.linkService.linkChange(type, flags, req);
  }

  // --- addresses (addresses.ts) ---

  /** RTM_GETADDR dump, filtered by family and device. */
  addresses(filter: AddressesFilter = {}): Dump<Address> {
    return this.addressService.addresses(filter);
  }

  /** RTM_NEWADDR with NLM_F_CREATE | NLM_F_EXCL (`ip address add`). */
  addAddress(o: AddressOptions): Promise<void> {
    return this.addressService.addAddress(o);
  }

  /** RTM_NEWADDR with NLM_F_CREATE | NLM_F_REPLACE (`ip address replace`). */
  replaceAddress(o: AddressOptions): Promise<void> {
    return this.addressService.replaceAddress(o);
  }

  /** RTM_DELADDR (`ip address del`). */
  deleteAddress(o: Pick<AddressOptions, 'link' | 'address' | 'peer' | 'label'> & Partial<AddressOptions>): Promise<void> {
    return this.addressService.deleteAddress(o);
  }

  /** Sends a prepared RTM_NEWADDR / RTM_DELADDR (the CLI's flush); resolves on its ACK. */
  addressChange(type: number, flags: number, req: AddrRequest): Promise<{ warning?: string | undefined }> {
    return this.addressService.addressChange(type, flags, req);
  }

  // --- routes (routes.ts) ---

  /** RTM_GETROUTE dump (`ip route show table all`): both families unless one is given. */
  routes(filter: RoutesFilter = {}): Dump<Route> {
    return this.routeService.routes(filter);
  }

  /** RTM_NEWROUTE with NLM_F_CREATE | NLM_F_EXCL (`ip route add`). */
  addRoute(o: RouteOptions): Promise<void> {
    return this.routeService.addRoute(o);
  }

  /** RTM_NEWROUTE with NLM_F_CREATE | NLM_F_REPLACE (`ip route replace`). */
  replaceRoute(o: RouteOptions): Promise<void> {
    return this.routeService.replaceRoute(o);
  }

  /** RTM_NEWROUTE with NLM_F_CREATE | NLM_F_APPEND (`ip route append`). */
  appendRoute(o: RouteOptions): Promise<void> {
    return this.routeService.appendRoute(o);
  }

  /** RTM_DELROUTE (`ip route del`). */
  deleteRoute(o: RouteOptions): Promise<void> {
    return this.routeService.deleteRoute(o);
  }

  /** RTM_GETROUTE for one address (`ip route get`): the route the lookup chose. */
  lookupRoute(address: string): Promise<Route> {
    return this.routeService.lookupRoute(address);
  }

  // --- FIB rules (rules.ts) ---

  /** RTM_GETRULE dump (`ip rule show`); every rule family unless one is given. */
  rules(filter: RulesFilter = {}): Dump<Rule> {
    return this.ruleService.rules(filter);
  }

  /** RTM_NEWRULE (`ip rule add`). */
  addRule(r: RuleRequest): Promise<void> {
    return this.ruleService.addRule(r);
  }

  /** RTM_DELRULE (`ip rule del`). */
  deleteRule(r: RuleRequest): Promise<void> {
    return this.ruleService.deleteRule(r);
  }

  // --- bridge FDB (fdb.ts) ---

  /** AF_BRIDGE neighbour dump (`bridge fdb show`). */
  fdb(): Dump<FdbEntryMessage> {
    return this.fdbService.fdb();
  }

  /** AF_BRIDGE RTM_NEWNEIGH (`bridge fdb add`); flags default NLM_F_CREATE | NLM_F_EXCL. */
  addFdb(r: FdbRequest, flags?: number): Promise<void> {
    return this.fdbService.addFdb(r, flags);
  }

  /** AF_BRIDGE RTM_DELNEIGH (`bridge fdb del`). */
  deleteFdb(r: FdbRequest): Promise<void> {
    return this.fdbService.deleteFdb(r);
  }

  // --- neighbours (neighbours.ts) ---

  /** RTM_GETNEIGH dump (`ip neigh show`, `ip neigh show proxy`): both families unless one is given. */
  neighbours(filter: NeighboursFilter = {}): Dump<Neighbour> {
    return this.neighbourService.neighbours(filter);
  }

  /** RTM_NEWNEIGH with NLM_F_CREATE | NLM_F_EXCL (`ip neigh add`). */
  addNeighbour(o: NeighbourOptions): Promise<void> {
    return this.neighbourService.addNeighbour(o);
  }

  /** RTM_NEWNEIGH with NLM_F_CREATE | NLM_F_REPLACE (`ip neigh replace`). */
  replaceNeighbour(o: NeighbourOptions): Promise<void> {
    return this.neighbourService.replaceNeighbour(o);
  }

  /** RTM_NEWNEIGH with NLM_F_REPLACE (`ip neigh change`). */
  changeNeighbour(o: NeighbourOptions): Promise<void> {
    return this.neighbourService.changeNeighbour(o);
  }

  /** RTM_DELNEIGH (`ip neigh del`). */
  deleteNeighbour(o: Pick<NeighbourOptions, 'dst' | 'dev' | 'flags'>): Promise<void> {
    return this.neighbourService.deleteNeighbour(o);
  }

  /** RTM_GETNEIGH for one entry (`ip neigh get`). */
  getNeighbour(o: Pick<NeighbourOptions, 'dst' | 'dev' | 'flags'>): Promise<Neighbour> {
    return this.neighbourService.getNeighbour(o);
  }

  /** What ARP/ND traffic from the neighbour would do: REACHABLE (or STALE) with its lladdr; false when the entry is PERMANENT/NOARP (left alone). */
  learnNeighbour(o: LearnedNeighbour): Promise<boolean> {
    return this.neighbourService.learnNeighbour(o);
  }
}

/** Connects to rtnld's socket and prepares the connection (extended acks on, port id known). */
export async function connect(path: string, options: ConnectOptions = {}): Promise<RtnlClient> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
  const client = new RtnlClient(socket, options);
  try {
    await client.init(options);
  } catch (e) {
    socket.destroy();
    throw e;
  }
  return client;
}
