import type { ServerResponse } from 'node:http';
import type { ModelEvent } from '../model/events.js';
import type { NetworkModel } from '../model/store.js';
import { stringifyJson, type JsonObject } from '../format/json.js';
import { ipAddrJson, ipLinkJson } from './ip-json.js';

/** A client this far behind (unsent bytes) is cut off, as a netlink reader overrunning its buffer. */
const MAX_BACKLOG = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/** The JSON an event carries in its `data:` line. */
export function eventData(model: NetworkModel, e: ModelEvent): Record<string, unknown> {
  switch (e.type) {
    case 'newlink': {
      const out: Record<string, unknown> = { type: e.type, change: e.change, link: ipLinkJson(model, e.link, { mode: 'link' }) };
      if (e.event !== undefined) out.event = e.event;
      return out;
    }
    case 'dellink':
      return { type: e.type, link: ipLinkJson(model, e.link, { mode: 'link' }, true) };
    case 'bridgeport':
      return { type: e.type, action: e.action, link: { ifindex: e.link.index, ifname: e.link.name } };
    case 'newaddr':
    case 'deladdr':
      return { type: e.type, link: { ifindex: e.link.index, ifname: e.link.name }, addr: ipAddrJson(model, e.addr) };
    default: {
      // Event types this stream does not know in detail yet: type and device, when there is one
      // (neighbour, route, rule and FDB events have none: an undefined field cannot be serialised).
      const other = e as { type: string; link?: { index: number; name: string } };
      return other.link ? { type: other.type, link: { ifindex: other.link.index, ifname: other.link.name } } : { type: other.type };
    }
  }
}

/**
 * GET /v1/events: model events as Server-Sent Events (`id`, `event: <type>`, `data: <json>`;
 * types newlink, dellink, bridgeport, newaddr, deladdr), in
 * the order the model emits them, which is the order netlink subscribers get their
 * notifications. The model is watched only while someone listens; each event is serialised
 * once for all listeners. A listener that stops reading gets `event: overflow` and is closed.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private detach: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private nextId = 1;

  constructor(private readonly model: NetworkModel) {}

  get size(): number {
    return this.clients.size;
  }

  /** Takes over a response: writes the SSE headers and keeps it until the client goes. */
  add(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': rtnld model events\nretry: 1000\n\n');
    this.clients.add(res);
    res.on('close', () => this.remove(res));
    if (!this.detach) {
      this.detach = this.model.onEvent((e) => this.broadcast(e));
      this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MS).unref();
    }
  }

  private remove(res: ServerResponse): void {
    this.clients.delete(res);
    if (this.clients.size === 0 && this.detach) {
      this.detach();
      this.detach = undefined;
      clearInterval(this.heartbeat);
    }
  }

  private broadcast(e: ModelEvent): void {
    const data = stringifyJson(eventData(this.model, e) as JsonObject);
    this.write(`id: ${this.nextId++}\nevent: ${e.type}\ndata: ${data}\n\n`);
  }

  private write(chunk: string): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_BACKLOG) {
        res.end('event: overflow\ndata: {"type":"overflow"}\n\n');
        this.remove(res);
        continue;
      }
      res.write(chunk);
    }
  }

  /** Ends every stream (the server is closing). */
  closeAll(): void {
    for (const res of [...this.clients]) {
      // The connection carried nothing but this stream: close it too, so the server's close
      // does not wait for the client to hang up.
      res.end(() => res.socket?.destroy());
      this.remove(res);
    }
  }
}
