import { RTM_DELRULE, RTM_NEWRULE, RTNL_FAMILY_IPMR, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE } from '../../protocol/constants.js';
import { decodeRuleMessage, type RuleMessage } from '../../protocol/rule-message.js';
import { decodeAck } from '../../protocol/ack-decode.js';
import { decodeAddrMessage } from '../../protocol/addr-decode.js';
import {
  AF_INET, AF_INET6, NLMSG_ERROR, RTM_DELADDR, RTM_DELLINK, RTM_DELROUTE, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE,
  RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_LINK,
  AF_BRIDGE, RTM_DELNEIGH, RTM_NEWNEIGH, RTNLGRP_NEIGH,
} from '../../protocol/constants.js';
import { decodeLinkMessage } from '../../protocol/link-decode.js';
import { decodeNeighMessage } from '../../protocol/neigh-message.js';
import { decodeRouteMessage } from '../../protocol/route-decode.js';
import { decodeNlMsgHdr, type NlMsgHdr } from '../../protocol/structs.js';
import type { Address } from './addresses.js';
import { NetlinkError } from './errors.js';
import type { Link } from './links.js';
import { AsyncQueue } from './queue.js';
import type { Neighbour } from './neighbours.js';
import type { Route } from './routes.js';

export type RtnlGroup = 'link' | 'ipv4-ifaddr' | 'ipv6-ifaddr' | 'ipv4-route' | 'ipv6-route' | 'ipv4-rule' | 'ipv6-rule' | 'neigh' | number;

export type RtnlEvent =
  | { type: 'newlink' | 'dellink'; header: NlMsgHdr; message: Buffer; link: Link }
  | { type: 'newaddr' | 'deladdr'; header: NlMsgHdr; message: Buffer; address: Address }
  | { type: 'newroute' | 'delroute'; header: NlMsgHdr; message: Buffer; route: Route }
  | { type: 'newrule' | 'delrule'; header: NlMsgHdr; message: Buffer; rule: RuleMessage }
  | { type: 'newneigh' | 'delneigh'; header: NlMsgHdr; message: Buffer; neighbour: Neighbour }
  /** The daemon dropped notifications for this connection (ENOBUFS), or this subscription overflowed. */
  | { type: 'overrun'; header?: NlMsgHdr; message?: Buffer; error: NetlinkError }
  | { type: 'other'; header: NlMsgHdr; message: Buffer };

export interface SubscribeOptions {
  /** Events buffered before further ones are dropped and an 'overrun' event is queued (default 100000). */
  highWaterMark?: number;
}

const GROUP_NUMBERS: Readonly<Record<string, number>> = {
  link: RTNLGRP_LINK, 'ipv4-ifaddr': RTNLGRP_IPV4_IFADDR, 'ipv6-ifaddr': RTNLGRP_IPV6_IFADDR,
  'ipv4-route': RTNLGRP_IPV4_ROUTE, 'ipv6-route': RTNLGRP_IPV6_ROUTE, 'ipv4-rule': RTNLGRP_IPV4_RULE, 'ipv6-rule': RTNLGRP_IPV6_RULE, neigh: RTNLGRP_NEIGH,
};

const ENOBUFS = 105;

/** The group numbers of `groups` (names or numbers); throws on an unknown name. */
export function groupNumbers(groups: readonly RtnlGroup[]): Set<number> {
  const numbers = new Set<number>();
  for (const g of groups) {
    const n = typeof g === 'number' ? g : GROUP_NUMBERS[g];
    if (n === undefined) throw new TypeError(`unknown rtnetlink group "${String(g)}"`);
    numbers.add(n);
  }
  return numbers;
}

/** The multicast group a notification travels on (§7.1), or undefined for others. */
export function groupOf(hdr: NlMsgHdr, message: Buffer): number | undefined {
  const family = message.length > 16 ? message[16] : undefined;
  switch (hdr.type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
      return RTNLGRP_LINK;
    case RTM_NEWADDR:
    case RTM_DELADDR:
      return family === AF_INET ? RTNLGRP_IPV4_IFADDR : family === AF_INET6 ? RTNLGRP_IPV6_IFADDR : undefined;
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
      return family === AF_INET ? RTNLGRP_IPV4_ROUTE : family === AF_INET6 ? RTNLGRP_IPV6_ROUTE : undefined;
    case RTM_NEWRULE:
    case RTM_DELRULE:
      return family === AF_INET || family === RTNL_FAMILY_IPMR ? RTNLGRP_IPV4_RULE : RTNLGRP_IPV6_RULE;
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH:
      return RTNLGRP_NEIGH; // the bridge FDB (AF_BRIDGE) travels on RTNLGRP_NEIGH too
    default:
      return undefined;
  }
}

/** Decodes one notification into an event. */
export function decodeEvent(message: Buffer): RtnlEvent {
  const header = decodeNlMsgHdr(message);
  switch (header.type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
      return { type: header.type === RTM_NEWLINK ? 'newlink' : 'dellink', header, message, link: decodeLinkMessage(message) };
    case RTM_NEWADDR:
    case RTM_DELADDR:
      return { type: header.type === RTM_NEWADDR ? 'newaddr' : 'deladdr', header, message, address: decodeAddrMessage(message) };
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
      return { type: header.type === RTM_NEWROUTE ? 'newroute' : 'delroute', header, message, route: decodeRouteMessage(message) };
    case RTM_NEWRULE:
    case RTM_DELRULE:
      return { type: header.type === RTM_NEWRULE ? 'newrule' : 'delrule', header, message, rule: decodeRuleMessage(message) };
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH:
      if (message[16] === AF_BRIDGE) return { type: 'other', header, message };
      return { type: header.type === RTM_NEWNEIGH ? 'newneigh' : 'delneigh', header, message, neighbour: decodeNeighMessage(message) };
    case NLMSG_ERROR:
      return { type: 'overrun', header, message, error: NetlinkError.fromAck(decodeAck(message)) };
    default:
      return { type: 'other', header, message };
  }
}

/**
 * A subscription to rtnetlink multicast groups: an async iterator of decoded events. Events
 * are queued from the moment the memberships are in place (`ready`).
 */
export class Subscription implements AsyncIterableIterator<RtnlEvent> {
  private readonly queue = new AsyncQueue<RtnlEvent>();
  private overflowed = false;
  private closed = false;
  /** Resolves once the daemon has confirmed every membership. */
  readonly ready: Promise<void>;

  constructor(
    private readonly leave: (sub: Subscription) => Promise<void>,
    readonly groups: ReadonlySet<number>,
    private readonly highWaterMark: number,
    join: Promise<void>,
  ) {
    this.ready = join;
    join.catch((e: unknown) => this.queue.end(e));
  }

  /** @internal */
  deliver(event: RtnlEvent): void {
    if (this.closed) return;
    if (this.queue.length >= this.highWaterMark) {
      this.overflowed = true;
      return;
    }
    this.queue.push(event);
  }

  /** @internal */
  terminate(error?: unknown): void {
    this.closed = true;
    this.queue.end(error);
  }

  async next(): Promise<IteratorResult<RtnlEvent>> {
    await this.ready;
    if (this.overflowed && this.queue.length === 0) {
      this.overflowed = false;
      return { value: { type: 'overrun', error: new NetlinkError(ENOBUFS, 'subscription queue overflowed') }, done: false };
    }
    return this.queue.next();
  }

  /** Leaves the groups (unless other subscriptions on this connection still need them). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.end();
    await this.leave(this);
  }

  async return(): Promise<IteratorResult<RtnlEvent>> {
    await this.close();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
