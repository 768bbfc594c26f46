import type { InetAddress, InetFamily } from '../addresses.js';
import type { ModelEvent, ModelListener } from '../events.js';
import type { InetaddrEvent, NetdevEvent, NotifierChain } from '../notifier.js';
import type { Link } from '../types.js';

/** What the route tables read from the rest of the model: links and their addresses. */
export interface RouteHost {
  link(index: number): Readonly<Link> | undefined;
  /** A link's addresses of one family, in list order (primaries first for IPv4). */
  addresses(ifindex: number, family: InetFamily): readonly InetAddress[];
  links(): Iterable<Readonly<Link>>;
  /** Model time in ms (IPv6 route expiry). */
  now(): number;
  /** Runs `fn` at model time `at` (ms). */
  schedule(at: number, fn: () => void): void;
  /** Announces a route change in order with the model's other events. */
  emit(event: ModelEvent): void;
  /** A change announced nowhere (still journaled). */
  changed(): void;
  /** The link and address events the tables follow. */
  readonly netdevChain: NotifierChain<NetdevEvent>;
  readonly inetaddrChain: NotifierChain<InetaddrEvent>;
  /** The model's announcements (an IPv6 address turning valid has no chain event). */
  onEvent(listener: ModelListener): () => void;
}

/** NLM_F_CREATE / EXCL / REPLACE / APPEND of a NEWROUTE request. */
export interface NewRouteFlags {
  create: boolean;
  excl: boolean;
  replace: boolean;
  append: boolean;
}
