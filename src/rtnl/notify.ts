import { RTM_DELLINK, RTM_NEWLINK, RTNLGRP_LINK } from '../../protocol/constants.js';
import { writeLinkMessage } from '../../protocol/link-message.js';
import { NlWriter } from '../../protocol/writer.js';
import type { ModelEvent } from '../model/events.js';
import type { NetworkModel } from '../model/store.js';
import { writeBridgePortMessage } from '../../protocol/bridge-port-message.js';
import { bridgePortMessage } from './bridge-getlink.js';
import { linkMessage } from './link-view.js';

/** Where notifications go: implemented by the transport, which knows the connections. */
export interface NotificationSink {
  /** Sends to every member of `group` except the connection with port id `exceptPortid`. */
  multicast(group: number, message: Buffer, exceptPortid: number): void;
  /** Sends to one connection (NLM_F_ECHO copies). */
  unicast(portid: number, message: Buffer): void;
  /** Whether any connection listens to `group` (skips encoding when nobody does). */
  hasMembers(group: number): boolean;
}

/**
 * Turns model events into the RTM_* notifications Linux multicasts (rtnetlink.c rtmsg_ifinfo,
 * af_netlink.c nlmsg_notify). Each event is encoded once, whatever the number of listeners.
 * With NLM_F_ECHO the requester gets a unicast copy (with its pid/seq) instead of the multicast.
 */
export class Notifier {
  private readonly w = new NlWriter(8192);

  constructor(
    private readonly model: NetworkModel,
    private readonly sink: NotificationSink,
  ) {}

  attach(): () => void {
    return this.model.onEvent((e) => this.onEvent(e));
  }

  private onEvent(e: ModelEvent): void {
    const echo = e.type !== 'bridgeport' && e.cause?.echo === true;
    if (!echo && !this.sink.hasMembers(RTNLGRP_LINK)) return;
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
    } else {
      writeLinkMessage(this.w, RTM_DELLINK, 0, seq, pid, linkMessage(this.model, e.link, { change: 0xffffffff, deleted: true }));
    }
    const bytes = this.w.take();
    this.sink.multicast(RTNLGRP_LINK, bytes, echo ? pid : 0);
    if (echo) this.sink.unicast(pid, bytes);
  }
}
