import { writeAddrMessage } from '../../protocol/addr-message.js';
import {
  RTM_DELNEIGH, RTM_NEWNEIGH, RTNLGRP_NEIGH,
  RTM_DELADDR, RTM_DELLINK, RTM_DELROUTE, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE,
  RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_LINK,
} from '../../protocol/constants.js';
import { writeRouteMessage } from '../../protocol/route-message.js';
import { writeRuleMessage } from '../../protocol/rule-message.js';
import { AF_INET, RTNL_FAMILY_IPMR, RTM_DELRULE, RTM_NEWRULE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE } from '../../protocol/constants.js';
import { ruleMessage } from './rule-view.js';
import { writeFdbMessage } from '../../protocol/fdb-message.js';
import { fdbMessage, selfMessage } from './fdb-view.js';
import { writeLinkMessage } from '../../protocol/link-message.js';
import { NlWriter } from '../../protocol/writer.js';
import {
  isFdbEvent, isNeighEvent, isRouteEvent, isRuleEvent, type FdbEvent, type ModelEvent, type NeighEvent, type RouteEvent, type RuleEvent,
} from '../model/events.js';
import { writeNeighEntry } from './neigh-view.js';
import { toClockT } from '../model/neighbours/neighbour.js';
import type { NetworkModel } from '../model/store.js';
import { writeBridgePortMessage } from '../../protocol/bridge-port-message.js';
import { addrMessage } from './addr-view.js';
import { bridgePortMessage } from './bridge-getlink.js';
import { linkMessage, linkNsids } from './link-view.js';
import { routeMessage } from './route-view.js';

/** Where notifications go: implemented by the transport, which knows the connections. */
export interface NotificationSink {
  /** Sends to every member of `group` except the connection with port id `exceptPortid`. */
  multicast(group: number, message: Buffer, exceptPortid: number): void;
  /** Sends to one connection (NLM_F_ECHO copies). */
  unicast(portid: number, message: Buffer): void;
  /** Whether any connection listens to `group` (skips encoding when nobody does). */
  hasMembers(group: number): boolean;
}

type AddrEvent = Extract<ModelEvent, { type: 'newaddr' | 'deladdr' }>;

/**
 * How each family announces addresses: IPv4 (devinet.c rtmsg_ifa) carries the requester's
 * pid/seq and honours NLM_F_ECHO; IPv6 (addrconf.c inet6_ifa_notify) always sends 0/0, never echoes.
 */
const ADDR_NOTIFY = {
  inet: { group: RTNLGRP_IPV4_IFADDR, requester: true },
  inet6: { group: RTNLGRP_IPV6_IFADDR, requester: false },
} as const;

/**
 * Turns model events into the RTM_* notifications Linux multicasts (rtnetlink.c rtmsg_ifinfo,
 * af_netlink.c nlmsg_notify). Each event is encoded once, whatever the number of listeners.
 * With NLM_F_ECHO the requester gets a unicast copy (with its pid/seq) instead of the multicast.
 */
/**
 * One writer for every namespace's notifier: each message is encoded and taken before the next
 * begins (the message's fields are gathered before writing starts), so they can share it, and
 * 10,000 namespaces do not each hold an 8 KiB buffer the GC has to account for.
 */
const shared = new NlWriter(8192);

export class Notifier {
  private readonly w = shared;

  constructor(
    private readonly model: NetworkModel,
    private readonly sink: NotificationSink,
  ) {}

  attach(): () => void {
    return this.model.onEvent((e) => this.onEvent(e));
  }

  private onEvent(e: ModelEvent): void {
    if (e.type === 'newaddr' || e.type === 'deladdr') {
      this.onAddrEvent(e);
      return;
    }
    if (isRouteEvent(e)) {
      this.onRouteEvent(e);
      return;
    }
    if (isRuleEvent(e)) {
      this.onRuleEvent(e);
      return;
    }
    if (isFdbEvent(e)) {
      this.onFdbEvent(e);
      return;
    }
    if (isNeighEvent(e)) {
      this.onNeighEvent(e);
      return;
    }
    const echo = e.type !== 'bridgeport' && e.cause?.echo === true;
    if (!echo && !this.sink.hasMembers(RTNLGRP_LINK)) {
      // rtmsg_ifinfo_build_skb() builds the message whoever listens: the ids it carries are
      // allocated (and announced) all the same (probe: a move with no listener gives both sides ids).
      if (e.type !== 'bridgeport') linkNsids(this.model, e.link, e.type === 'dellink' ? e.moved : undefined);
      return;
    }
    const cause = e.type === 'bridgeport' ? undefined : e.cause;
    const pid = echo ? cause!.portid : 0;
    const seq = echo ? cause!.seq : 0;
    if (e.type === 'newlink') {
      const m = linkMessage(this.model, e.link, { change: e.change });
      if (e.event !== undefined) m.event = e.event;
      writeLinkMessage(this.w, RTM_NEWLINK, 0, seq, pid, m);
    } else if (e.type === 'bridgeport') {
      const m = bridgePortMessage(this.model, e.link, e.action === 'new');
      if (!m) return;
      writeBridgePortMessage(this.w, e.action === 'new' ? RTM_NEWLINK : RTM_DELLINK, 0, 0, 0, m);
    } else if (e.type === 'dellink') {
      writeLinkMessage(this.w, RTM_DELLINK, 0, seq, pid, linkMessage(this.model, e.link, { change: 0xffffffff, deleted: true, moved: e.moved }));
    }
    const bytes = this.w.take();
    this.sink.multicast(RTNLGRP_LINK, bytes, echo ? pid : 0);
    if (echo) this.sink.unicast(pid, bytes);
  }

  /**
   * rtmsg_fib() / inet6_rt_notify(): both families name the requester (pid/seq) and honour
   * NLM_F_ECHO; the kernel's own changes carry 0/0.
   */
  private onRouteEvent(e: RouteEvent): void {
    const group = e.route.family === 'inet' ? RTNLGRP_IPV4_ROUTE : RTNLGRP_IPV6_ROUTE;
    const echo = e.cause?.echo === true;
    if (!echo && !this.sink.hasMembers(group)) return;
    writeRouteMessage(this.w, e.type === 'newroute' ? RTM_NEWROUTE : RTM_DELROUTE, e.nlflags, e.cause?.seq ?? 0, e.cause?.portid ?? 0,
      routeMessage(this.model, e.route));
    const bytes = this.w.take();
    this.sink.multicast(group, bytes, echo ? e.cause!.portid : 0);
    if (echo) this.sink.unicast(e.cause!.portid, bytes);
  }

  /**
   * notify_rule_change(): the requester's pid/seq, NLM_F_ECHO honoured; IPMR rules share the IPv4
   * rule group and IP6MR rules the IPv6 one (their ops templates' nlgroup).
   */
  private onRuleEvent(e: RuleEvent): void {
    const group = e.rule.family === AF_INET || e.rule.family === RTNL_FAMILY_IPMR ? RTNLGRP_IPV4_RULE : RTNLGRP_IPV6_RULE;
    const echo = e.cause?.echo === true;
    if (!echo && !this.sink.hasMembers(group)) return;
    writeRuleMessage(this.w, e.type === 'newrule' ? RTM_NEWRULE : RTM_DELRULE, 0, e.cause?.seq ?? 0, e.cause?.portid ?? 0,
      ruleMessage(this.model, e.rule));
    const bytes = this.w.take();
    this.sink.multicast(group, bytes, echo ? e.cause!.portid : 0);
    if (echo) this.sink.unicast(e.cause!.portid, bytes);
  }

  /** fdb_notify() / rtnl_fdb_notify(): RTNLGRP_NEIGH, pid 0 seq 0, never echoed. */
  private onFdbEvent(e: FdbEvent): void {
    if (!this.sink.hasMembers(RTNLGRP_NEIGH)) return;
    const m = e.entry ? fdbMessage(this.model, e.entry) : selfMessage(e.self!.ifindex, e.self!.mac, e.self!.state);
    writeFdbMessage(this.w, e.type === 'newfdb' ? RTM_NEWNEIGH : RTM_DELNEIGH, 0, 0, 0, m);
    this.sink.multicast(RTNLGRP_NEIGH, this.w.take(), 0);
  }

  /**
   * neigh_update_notify() / __neigh_notify(): the requester's portid with seq 0 (or 0/0 for
   * timers and flushes); NLM_F_ECHO is ignored (rtnl_notify without the request).
   */
  private onNeighEvent(e: NeighEvent): void {
    if (!this.sink.hasMembers(RTNLGRP_NEIGH)) return;
    writeNeighEntry(this.w, e.type === 'newneigh' ? RTM_NEWNEIGH : RTM_DELNEIGH, 0, 0, e.cause?.portid ?? 0,
      e.neigh, toClockT(this.model.now()), e.refcnt);
    this.sink.multicast(RTNLGRP_NEIGH, this.w.take(), 0);
  }

  /** rtnl_notify() of an address event: multicast, plus the requester's unicast copy with ECHO. */
  private onAddrEvent(e: AddrEvent): void {
    const how = ADDR_NOTIFY[e.addr.family];
    const cause = how.requester ? e.cause : undefined;
    const echo = cause?.echo === true;
    if (!echo && !this.sink.hasMembers(how.group)) return;
    writeAddrMessage(this.w, e.type === 'newaddr' ? RTM_NEWADDR : RTM_DELADDR, 0, cause?.seq ?? 0, cause?.portid ?? 0,
      addrMessage(this.model, e.addr));
    const bytes = this.w.take();
    this.sink.multicast(how.group, bytes, echo ? cause.portid : 0);
    if (echo) this.sink.unicast(cause.portid, bytes);
  }
}
