import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  RTM_DELADDR, RTM_DELLINK, RTM_DELLINKPROP, RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWLINKPROP,
  RTM_SETLINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_LINK,
} from '../../protocol/constants.js';
import { errnoName } from '../../protocol/errno.js';
import type { NamespaceRegistry } from '../model/netns/registry.js';
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
  readonly namespaces: NamespaceRegistry;
  readonly connections: ConnectionRegistry;
}

/** Children of one labelled metric, cached per namespace then per key (prom-client's label lookup is the expensive part). */
class PerNetns<T> {
  private readonly byNetns = new Map<string, Map<number, T>>();

  constructor(private readonly make: (netns: string, key: number) => T) {}

  get(netns: string, key: number): T {
    let m = this.byNetns.get(netns);
    if (!m) this.byNetns.set(netns, (m = new Map()));
    let child = m.get(key);
    if (!child) m.set(key, (child = this.make(netns, key)));
    return child;
  }
}

/**
 * The daemon's Prometheus metrics (prom-client, one registry per daemon). It observes the
 * request path and notification delivery through the small observer interfaces the
 * dispatcher and connections offer, and reads gauges from the model and the connection
 * registry when scraped.
 */
export class Metrics implements RequestObserver, DeliveryObserver {
  readonly registry = new Registry();
  private readonly requests: PerNetns<{ inc(): void }>;
  private readonly latency: PerNetns<{ observe(v: number): void }>;
  private readonly dumpMessages: PerNetns<{ inc(n: number): void }>;
  /** Key 1: dropped, 0: sent. */
  private readonly deliveries: PerNetns<{ inc(): void }>;

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    // Every series carries `netns`, the namespace's name ("" for the initial one).
    const requests = new Counter({
      name: 'rtnld_requests_total', help: 'Netlink requests answered, by namespace, message type and errno of the answer (0: success)',
      labelNames: ['netns', 'type', 'errno'], registers,
    });
    this.requests = new PerNetns((netns, key) => requests.labels(netns, typeLabel(key >>> 16), key & 0xffff ? errnoName(key & 0xffff) : '0'));
    const latency = new Histogram({
      name: 'rtnld_request_duration_seconds', help: 'Time from handling a request to its answer (to NLMSG_DONE for dumps)',
      labelNames: ['netns', 'type'], buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2], registers,
    });
    this.latency = new PerNetns((netns, type) => latency.labels(netns, typeLabel(type)));
    const dumpMessages = new Counter({ name: 'rtnld_dump_messages_total', help: 'Entries written by dumps', labelNames: ['netns'], registers });
    this.dumpMessages = new PerNetns((netns) => dumpMessages.labels(netns));
    const sent = new Counter({ name: 'rtnld_notifications_sent_total', help: 'Notifications queued to subscribers', labelNames: ['netns'], registers });
    const dropped = new Counter({
      name: 'rtnld_notifications_dropped_total', help: 'Notifications dropped because a subscriber fell behind its receive budget (ENOBUFS)',
      labelNames: ['netns'], registers,
    });
    this.deliveries = new PerNetns((netns, isDropped) => (isDropped ? dropped : sent).labels(netns));
    new Gauge({
      name: 'rtnld_namespaces', help: 'Network namespaces, the initial one included', registers,
      collect() {
        this.set(source.namespaces.size);
      },
    });
    new Gauge({
      name: 'rtnld_connections', help: 'Open netlink connections (all sockets), by the namespace they belong to', labelNames: ['netns'], registers,
      collect() {
        const counts = new Map<string, number>();
        for (const conn of source.connections.all()) counts.set(conn.netns?.name ?? '', (counts.get(conn.netns?.name ?? '') ?? 0) + 1);
        this.reset();
        for (const [netns, n] of counts) this.set({ netns }, n);
      },
    });
    new Gauge({
      name: 'rtnld_subscribers', help: 'Connections that joined each multicast group', labelNames: ['netns', 'group'], registers,
      collect() {
        const counts = new Map<string, number>();
        for (const conn of source.connections.all()) {
          for (const g of conn.memberships.groups()) {
            const key = JSON.stringify([conn.netns?.name ?? '', GROUP_NAMES.get(g) ?? String(g)]);
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
        }
        this.reset();
        for (const [key, n] of counts) {
          const [netns, group] = JSON.parse(key) as [string, string];
          this.set({ netns, group }, n);
        }
      },
    });
    new Gauge({
      name: 'rtnld_model_links', help: 'Links in the model', labelNames: ['netns'], registers,
      collect() {
        this.reset();
        for (const ns of source.namespaces.all()) this.set({ netns: ns.name }, ns.model.size);
      },
    });
    new Gauge({
      name: 'rtnld_model_addresses', help: 'IPv4 and IPv6 addresses in the model', labelNames: ['netns'], registers,
      collect() {
        this.reset();
        for (const ns of source.namespaces.all()) this.set({ netns: ns.name }, ns.model.addresses.size);
      },
    });
    new Gauge({
      name: 'rtnld_model_routes', help: 'Routes in the model, per namespace, family and table', labelNames: ['netns', 'family', 'table'], registers,
      collect() {
        this.reset();
        for (const ns of source.namespaces.all()) {
          for (const { family, table, routes } of ns.model.routes.tables.counts()) this.set({ netns: ns.name, family, table: String(table) }, routes);
        }
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  requestDone(type: number, errno: number, seconds: number, netns: string): void {
    this.requests.get(netns, type * 65536 + errno).inc();
    this.latency.get(netns, type).observe(seconds);
  }

  dumpEntries(count: number, netns: string): void {
    this.dumpMessages.get(netns, 0).inc(count);
  }

  notification(dropped: boolean, netns: string): void {
    this.deliveries.get(netns, dropped ? 1 : 0).inc();
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
