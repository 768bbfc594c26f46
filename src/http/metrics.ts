import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  RTM_DELADDR, RTM_DELLINK, RTM_DELLINKPROP, RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWLINKPROP,
  RTM_SETLINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_LINK,
} from '../../protocol/constants.js';
import { errnoName } from '../../protocol/errno.js';
import type { NetworkModel } from '../model/store.js';
import type { RequestObserver } from '../rtnl/dispatch.js';
import type { DeliveryObserver } from '../transport/connection.js';
import type { ConnectionRegistry } from '../transport/registry.js';

const TYPE_NAMES = new Map<number, string>([
  [RTM_NEWLINK, 'RTM_NEWLINK'], [RTM_DELLINK, 'RTM_DELLINK'], [RTM_GETLINK, 'RTM_GETLINK'], [RTM_SETLINK, 'RTM_SETLINK'],
  [RTM_NEWADDR, 'RTM_NEWADDR'], [RTM_DELADDR, 'RTM_DELADDR'], [RTM_GETADDR, 'RTM_GETADDR'],
  [RTM_NEWLINKPROP, 'RTM_NEWLINKPROP'], [RTM_DELLINKPROP, 'RTM_DELLINKPROP'],
  [1, 'NLMSG_NOOP'], [2, 'NLMSG_ERROR'], [3, 'NLMSG_DONE'], [4, 'NLMSG_OVERRUN'],
]);

/** A bounded label: known message types by name, everything else (fuzzers send anything) as "other". */
function typeLabel(type: number): string {
  return TYPE_NAMES.get(type) ?? 'other';
}

const GROUP_NAMES = new Map<number, string>([
  [RTNLGRP_LINK, 'RTNLGRP_LINK'], [RTNLGRP_IPV4_IFADDR, 'RTNLGRP_IPV4_IFADDR'], [RTNLGRP_IPV6_IFADDR, 'RTNLGRP_IPV6_IFADDR'],
]);

export interface MetricsSource {
  readonly model: NetworkModel;
  readonly connections: ConnectionRegistry;
}

/**
 * The daemon's Prometheus metrics (prom-client, one registry per daemon). It observes the
 * request path and notification delivery through the small observer interfaces the
 * dispatcher and connections offer, and reads gauges from the model and the connection
 * registry when scraped.
 */
export class Metrics implements RequestObserver, DeliveryObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'type' | 'errno'>;
  private readonly latency: Histogram<'type'>;
  private readonly dumpMessages: Counter;
  private readonly sent: Counter;
  private readonly dropped: Counter;
  // Label lookups are the expensive part of prom-client; bound children are cached per label set.
  private readonly requestChildren = new Map<number, { inc(): void }>();
  private readonly latencyChildren = new Map<number, { observe(v: number): void }>();

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'rtnld_requests_total', help: 'Netlink requests answered, by message type and errno of the answer (0: success)',
      labelNames: ['type', 'errno'], registers,
    });
    this.latency = new Histogram({
      name: 'rtnld_request_duration_seconds', help: 'Time from handling a request to its answer (to NLMSG_DONE for dumps)',
      labelNames: ['type'], buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2], registers,
    });
    this.dumpMessages = new Counter({ name: 'rtnld_dump_messages_total', help: 'Entries written by dumps', registers });
    this.sent = new Counter({ name: 'rtnld_notifications_sent_total', help: 'Notifications queued to subscribers', registers });
    this.dropped = new Counter({
      name: 'rtnld_notifications_dropped_total', help: 'Notifications dropped because a subscriber fell behind its receive budget (ENOBUFS)', registers,
    });
    new Gauge({
      name: 'rtnld_connections', help: 'Open netlink connections (all sockets)', registers,
      collect() {
        this.set(source.connections.size);
      },
    });
    new Gauge({
      name: 'rtnld_subscribers', help: 'Connections that joined each multicast group', labelNames: ['group'], registers,
      collect() {
        const counts = new Map<number, number>();
        for (const conn of source.connections.all()) for (const g of conn.memberships.groups()) counts.set(g, (counts.get(g) ?? 0) + 1);
        this.reset();
        for (const [g, n] of counts) this.set({ group: GROUP_NAMES.get(g) ?? String(g) }, n);
      },
    });
    new Gauge({
      name: 'rtnld_model_links', help: 'Links in the model', registers,
      collect() {
        this.set(source.model.size);
      },
    });
    new Gauge({
      name: 'rtnld_model_addresses', help: 'IPv4 and IPv6 addresses in the model', registers,
      collect() {
        this.set(source.model.addresses.size);
      },
    });
    new Gauge({
      name: 'rtnld_model_routes', help: 'Routes in the model, per family and table', labelNames: ['family', 'table'], registers,
      collect() {
        this.reset();
        for (const { family, table, routes } of source.model.routes.tables.counts()) this.set({ family, table: String(table) }, routes);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  requestDone(type: number, errno: number, seconds: number): void {
    const key = type * 65536 + errno;
    let counter = this.requestChildren.get(key);
    if (!counter) {
      counter = this.requests.labels(typeLabel(type), errno === 0 ? '0' : errnoName(errno));
      this.requestChildren.set(key, counter);
    }
    counter.inc();
    let histogram = this.latencyChildren.get(type);
    if (!histogram) {
      histogram = this.latency.labels(typeLabel(type));
      this.latencyChildren.set(type, histogram);
    }
    histogram.observe(seconds);
  }

  dumpEntries(count: number): void {
    this.dumpMessages.inc(count);
  }

  notification(dropped: boolean): void {
    if (dropped) this.dropped.inc();
    else this.sent.inc();
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
