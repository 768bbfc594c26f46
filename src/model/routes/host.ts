import type { InetAddress, InetFamily } from '../addresses.js';
import type { Link } from '../types.js';

/** What the route tables read from the rest of the model: links and their addresses. */
export interface RouteHost {
  link(index: number): Readonly<Link> | undefined;
  /** A link's addresses of one family, in list order (primaries first for IPv4). */
  addresses(ifindex: number, family: InetFamily): readonly InetAddress[];
  links(): Iterable<Readonly<Link>>;
  /** Model time in ms (IPv6 route expiry). */
  now(): number;
}

/** NLM_F_CREATE / EXCL / REPLACE / APPEND of a NEWROUTE request. */
export interface NewRouteFlags {
  create: boolean;
  excl: boolean;
  replace: boolean;
  append: boolean;
}
