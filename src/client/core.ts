import type { Socket } from 'node:net';
import { decodeAck } from '../../protocol/ack-decode.js';
import {
  isGetType, NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NLM_F_ACK, NLM_F_DUMP,
  NLM_F_DUMP_INTR, NLM_F_ECHO, NLM_F_MULTI, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NLMSG_MIN_TYPE, RTNLD_SOCKET_CALL,
  SOCKET_CALL_GETNS, SOCKET_CALL_GETSOCKNAME, SOCKET_CALL_GETSOCKOPT, SOCKET_CALL_NETNS_LIST, SOCKET_CALL_SETSOCKOPT,
} from '../../protocol/constants.js';
import { Framer } from '../../protocol/framer.js';
import { decodeSocketCall, decodeSocketCallNames, writeSocketCall } from '../../protocol/socket-call.js';
import { decodeNlMsgHdr, type NlMsgHdr } from '../../protocol/structs.js';
import { NlWriter } from '../../protocol/writer.js';
import { Dump, type DumpState } from './dump.js';
import { ConnectionClosedError, NetlinkError } from './errors.js';
import { decodeEvent, groupNumbers, groupOf, Subscription, type RtnlEvent, type RtnlGroup, type SubscribeOptions } from './events.js';
import { AsyncQueue } from './queue.js';

export interface ConnectOptions {
  /** NETLINK_EXT_ACK (default on): errors carry the kernel's explanation. */
  extAck?: boolean;
  /** NETLINK_GET_STRICT_CHK (default off). */
  strict?: boolean;
  /** Dump entries buffered before the socket is paused (default 1024). */
  dumpHighWaterMark?: number;
}

/** Writes one request with the given sequence number. */
export type BuildRequest = (w: NlWriter, seq: number) => void;

/** One outstanding request: decides which incoming messages are its replies. */
interface Pending {
  /** Returns true when the message belongs to this request. */
  accept(message: Buffer, hdr: NlMsgHdr): boolean;
  fail(error: unknown): void;
}

/** A request ready to send. */
interface Prepared {
  seq: number;
  message: Buffer;
  /** Its nlmsg_type, for the errors it may get. */
  type: number;
}

/** How a request ends. */
interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

const ENODATA = 61;

/** What an NLMSG_ERROR or NLMSG_DONE says: the request's error, or success with its ext-ack warning. */
export function ackOutcome(message: Buffer, requestType: number): { error?: NetlinkError; warning?: string | undefined } {
  const ack = decodeAck(message);
  return ack.errno ? { error: NetlinkError.fromAck(ack, requestType) } : { warning: ack.extMsg };
}

/** A request built elsewhere, re-sent with each new sequence number. */
function rawBuilder(raw: Buffer | Uint8Array): BuildRequest {
  const template = Buffer.from(raw);
  return (w, seq) => {
    const copy = Buffer.from(template);
    copy.writeUInt32LE(seq, 8);
    w.bytes(copy);
  };
}

/**
 * The connection core of the client: one Unix-socket connection to rtnld (protocol/TRANSPORT.md).
 * Requests are pipelined and matched to their replies by sequence number and port id; the three
 * request kinds are `ack` (a change, NLM_F_ACK), `doit` (a GET for one object) and `dump`
 * (streamed, one at a time on the wire as the daemon requires, queued otherwise); notifications
 * go only to subscriptions, never into replies. The typed services (links.ts, addresses.ts,
 * routes.ts) build their requests on it.
 */
export class RtnlConnection {
  /** Reads the daemon's stream by TRANSPORT.md's framing rule; requests built by NlWriter are always padded. */
  private readonly framer = new Framer(1 << 24);
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly memberships = new Map<number, number>();
  private seq = 0;
  private portId = 0;
  private closed = false;
  private closeError: Error | undefined;
  private dumpChain: Promise<void> = Promise.resolve();
  private pausedBy = new Set<object>();
  private readonly dumpHighWaterMark: number;
  /** Builds every request (a 4 KiB writer per request cost more than the request). */
  private readonly writer = new NlWriter(4096);
  /** The socket is corked until the end of this tick: requests made together go out in one write. */
  private corked = false;

  constructor(private readonly socket: Socket, options: ConnectOptions = {}) {
    this.dumpHighWaterMark = options.dumpHighWaterMark ?? 1024;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.shutdown(new ConnectionClosedError(`rtnetlink connection failed: ${e.message}`)));
    socket.on('close', () => this.shutdown(new ConnectionClosedError()));
  }

  /** The port id the daemon gave this connection (getsockname). */
  get pid(): number {
    return this.portId;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sets the connection's options and learns its port id. */
  async init(options: ConnectOptions): Promise<void> {
    const calls: Promise<unknown>[] = [];
    if (options.extAck ?? true) calls.push(this.setOption(NETLINK_EXT_ACK, 1));
    if (options.strict) calls.push(this.setOption(NETLINK_GET_STRICT_CHK, 1));
    const [, name] = await Promise.all([Promise.all(calls), this.socketCall(SOCKET_CALL_GETSOCKNAME, 0, 0)]);
    this.portId = name.value;
  }

  private nextSeq(): number {
    do {
      this.seq = (this.seq + 1) >>> 0;
    } while (this.seq === 0 || this.pending.has(this.seq));
    return this.seq;
  }

  private onData(chunk: Buffer): void {
    for (const r of this.framer.push(chunk)) {
      if (r.kind !== 'message') {
        this.shutdown(new ConnectionClosedError(`unframeable message from the daemon: ${r.reason}`));
        return;
      }
      const message = Buffer.from(r.message);
      const hdr = decodeNlMsgHdr(message);
      const p = hdr.seq !== 0 && (this.portId === 0 || hdr.pid === this.portId) ? this.pending.get(hdr.seq) : undefined;
      if (p && p.accept(message, hdr)) continue;
      this.notify(message, hdr);
    }
  }

  private notify(message: Buffer, hdr: NlMsgHdr): void {
    if (this.subscriptions.size === 0) return;
    const group = groupOf(hdr, message);
    let event: RtnlEvent;
    try {
      event = decodeEvent(message);
    } catch {
      event = { type: 'other', header: hdr, message };
    }
    for (const s of this.subscriptions) {
      if (group === undefined || s.groups.has(group)) s.deliver(event);
    }
  }

  private shutdown(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.closeError = error;
    for (const p of [...this.pending.values()]) p.fail(error);
    this.pending.clear();
    for (const s of this.subscriptions) s.terminate();
    this.subscriptions.clear();
    this.socket.destroy();
  }

  private pause(owner: object): void {
    if (this.pausedBy.size === 0) this.socket.pause();
    this.pausedBy.add(owner);
  }

  private resume(owner: object): void {
    if (this.pausedBy.delete(owner) && this.pausedBy.size === 0) this.socket.resume();
  }

  /** Builds a request under a fresh sequence number, with `addFlags` set in its header. */
  private prepare(build: BuildRequest, addFlags = 0): Prepared {
    if (this.closed) throw this.closeError ?? new ConnectionClosedError();
    const seq = this.nextSeq();
    const w = this.writer;
    w.truncate(0);
    build(w, seq);
    const message = w.take();
    if (addFlags) message.writeUInt16LE(message.readUInt16LE(6) | addFlags, 6);
    return { seq, message, type: message.readUInt16LE(4) };
  }

  /**
   * Sends a one-reply-set request: `reader` gets the sent message and returns the matcher of its
   * replies, which settles the request (and so stops matching) when it has seen the last one.
   */
  private exchange<T>(build: BuildRequest, reader: (settle: Settle<T>, request: Buffer, type: number) => Pending['accept'], addFlags = 0): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { seq, message, type } = this.prepare(build, addFlags);
      const settle: Settle<T> = {
        resolve: (v) => {
          this.pending.delete(seq);
          resolve(v);
        },
        reject: (e) => {
          this.pending.delete(seq);
          reject(e);
        },
      };
      this.pending.set(seq, { accept: reader(settle, message, type), fail: reject });
      this.send(message);
    });
  }

  /**
   * Writes a request. Requests made in one tick (a pipeline: many calls, then one await) leave
   * in one write() at its end instead of one system call each, as the kernel's sendmsg would
   * take them one by one but a stream can take them all at once.
   */
  private send(message: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(message);
  }

  // --- request kinds ---

  /** A change: sends `build(seq)` with NLM_F_ACK and resolves with the messages echoed before the ACK. */
  ack(build: BuildRequest): Promise<{ echoed: Buffer[]; warning?: string | undefined }> {
    return this.exchange(build, (settle, request, type) => {
      const echo = (request.readUInt16LE(6) & NLM_F_ECHO) !== 0;
      const echoed: Buffer[] = [];
      return (msg, hdr) => {
        if (hdr.type === NLMSG_ERROR) {
          const { error, warning } = ackOutcome(msg, type);
          if (error) settle.reject(error);
          else settle.resolve({ echoed, warning });
          return true;
        }
        if (echo && hdr.type >= NLMSG_MIN_TYPE) {
          echoed.push(msg);
          // An echoed notification is also the multicast copy this connection will not get.
          this.notify(msg, hdr);
          return true;
        }
        return false;
      };
    }, NLM_F_ACK | NLM_F_REQUEST);
  }

  /** A GET without NLM_F_DUMP: one reply message, or an error. */
  doit(build: BuildRequest): Promise<Buffer> {
    return this.exchange(build, (settle, request, type) => {
      const acked = (request.readUInt16LE(6) & NLM_F_ACK) !== 0;
      let reply: Buffer | undefined;
      return (msg, hdr) => {
        if (hdr.type === NLMSG_ERROR) {
          const { error } = ackOutcome(msg, type);
          if (error) settle.reject(error);
          else if (reply) settle.resolve(reply);
          else settle.reject(new NetlinkError(ENODATA, 'no reply'));
          return true;
        }
        if (hdr.flags & NLM_F_MULTI || reply) return false;
        reply = msg;
        if (!acked) settle.resolve(msg);
        return true;
      };
    });
  }

  /** Runs `fn` when no other dump is on the wire (the daemon answers a second one with EBUSY). */
  private async withDumpSlot<T>(fn: (release: () => void) => Promise<T>): Promise<T> {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const before = this.dumpChain;
    this.dumpChain = before.then(() => mine);
    await before;
    return fn(release);
  }

  /**
   * A dump: yields every NLM_F_MULTI entry until NLMSG_DONE; errors reject the iteration. An
   * entry flagged NLM_F_DUMP_INTR sets `state.interrupted`.
   */
  dump(build: BuildRequest, state?: DumpState): AsyncGenerator<Buffer> {
    const self = this;
    return (async function* () {
      let release!: () => void;
      await self.withDumpSlot(async (r) => {
        release = r;
      });
      const queue = new AsyncQueue<Buffer>();
      const owner = {};
      let finished = false;
      let request: Prepared;
      try {
        request = self.prepare(build);
      } catch (e) {
        release();
        throw e;
      }
      const { seq, message, type } = request;
      const finish = () => {
        finished = true;
        self.pending.delete(seq);
        self.resume(owner);
        release();
      };
      self.pending.set(seq, {
        accept: (msg, hdr) => {
          if (hdr.type === NLMSG_DONE || hdr.type === NLMSG_ERROR) {
            finish();
            queue.end(ackOutcome(msg, type).error);
            return true;
          }
          if (!(hdr.flags & NLM_F_MULTI)) return false;
          if (hdr.flags & NLM_F_DUMP_INTR && state) state.interrupted = true;
          queue.push(msg);
          if (queue.length >= self.dumpHighWaterMark) self.pause(owner);
          return true;
        },
        fail: (e) => {
          finish();
          queue.end(e);
        },
      });
      self.send(message);
      try {
        for (;;) {
          const r = await queue.next();
          if (r.done) return;
          if (queue.length < self.dumpHighWaterMark / 2) self.resume(owner);
          yield r.value;
        }
      } finally {
        if (!finished) {
          // Abandoned: keep reading (and discarding) until DONE, then free the slot.
          self.resume(owner);
          if (self.pending.has(seq)) {
            self.pending.set(seq, {
              accept: (msg, hdr) => {
                if (hdr.type === NLMSG_DONE || hdr.type === NLMSG_ERROR) {
                  finish();
                  return true;
                }
                return (hdr.flags & NLM_F_MULTI) !== 0;
              },
              fail: () => finish(),
            });
          }
        }
      }
    })();
  }

  /** rtnld's in-band socket call (protocol/TRANSPORT.md): its answer, or the ACK's values. */
  private socketCall(call: number, name: number, value: number, netns?: string): Promise<{ name: number; value: number; extra: number[]; names: string[] }> {
    return this.exchange((w, seq) => writeSocketCall(w, seq, { call, name, value }, 1, netns), (settle) => (msg, hdr) => {
      if (hdr.type === NLMSG_ERROR) {
        const { error } = ackOutcome(msg, RTNLD_SOCKET_CALL);
        if (error) settle.reject(error);
        else settle.resolve({ name, value, extra: [], names: [] });
        return true;
      }
      if (hdr.type === RTNLD_SOCKET_CALL) {
        const c = decodeSocketCall(msg);
        const extra: number[] = [];
        for (let at = 28; at + 4 <= msg.length; at += 4) extra.push(msg.readUInt32LE(at));
        const names = call === SOCKET_CALL_NETNS_LIST || call === SOCKET_CALL_GETNS ? decodeSocketCallNames(msg) : [];
        settle.resolve({ name: c?.name ?? 0, value: c?.value ?? 0, extra, names });
        return true;
      }
      return false;
    });
  }

  // --- socket options ---

  /** setsockopt(SOL_NETLINK, name, value) through the daemon's in-band call. */
  async setOption(name: number, value: number | boolean): Promise<void> {
    await this.socketCall(SOCKET_CALL_SETSOCKOPT, name, typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }

  // --- namespaces (protocol/TRANSPORT.md, Namespaces) ---

  /** A namespace call: SETNS, NETNS_ADD, NETNS_DEL (rejects with the daemon's errno). */
  async netnsCall(call: number, name: string): Promise<void> {
    await this.socketCall(call, 0, 0, name);
  }

  /** NETNS_LIST: the names of the namespaces other than the initial one. */
  async netnsList(): Promise<string[]> {
    return (await this.socketCall(SOCKET_CALL_NETNS_LIST, 0, 0)).names;
  }

  /** getsockopt(SOL_NETLINK, name); NETLINK_LIST_MEMBERSHIPS returns the first word (groups 1-32). */
  async getOption(name: number): Promise<number> {
    return (await this.socketCall(SOCKET_CALL_GETSOCKOPT, name, 0)).value;
  }

  // --- raw requests ---

  /**
   * Sends a request built elsewhere (its seq is replaced) and resolves with its reply messages:
   * the entries of a dump, the answer to a GET, or the echoed messages of a change. NLM_F_ACK
   * is added to non-dump requests so that every request ends with an ACK or an error.
   */
  async request(raw: Buffer | Uint8Array): Promise<Buffer[]> {
    const build = rawBuilder(raw);
    const header = decodeNlMsgHdr(Buffer.from(raw));
    const get = isGetType(header.type);
    if (get && (header.flags & NLM_F_DUMP) === NLM_F_DUMP) {
      const out: Buffer[] = [];
      for await (const m of this.dump(build)) out.push(m);
      return out;
    }
    if (get) return [await this.doit(build)];
    return (await this.ack(build)).echoed;
  }

  /** A raw dump request (NLM_F_DUMP set by the caller) as an async iterable of messages. */
  rawDump(raw: Buffer | Uint8Array): Dump<Buffer> {
    const build = rawBuilder(raw);
    return new Dump((state) => this.dump(build, state));
  }

  // --- notifications ---

  /**
   * Joins multicast groups and returns an async iterator of their events. Await `ready` before
   * making changes whose events must not be missed.
   */
  subscribe(groups: readonly RtnlGroup[], options: SubscribeOptions = {}): Subscription {
    const numbers = groupNumbers(groups);
    const join = Promise.all([...numbers].map((g) => {
      const count = this.memberships.get(g) ?? 0;
      this.memberships.set(g, count + 1);
      return count === 0 ? this.setOption(NETLINK_ADD_MEMBERSHIP, g) : Promise.resolve();
    })).then(() => undefined);
    const sub = new Subscription((s) => this.unsubscribe(s), numbers, options.highWaterMark ?? 100000, join);
    this.subscriptions.add(sub);
    return sub;
  }

  /** Drops a closed subscription; leaves the groups no other subscription needs. */
  private async unsubscribe(sub: Subscription): Promise<void> {
    if (!this.subscriptions.delete(sub)) return;
    const drops: Promise<void>[] = [];
    for (const g of sub.groups) {
      const count = (this.memberships.get(g) ?? 1) - 1;
      if (count > 0) {
        this.memberships.set(g, count);
      } else {
        this.memberships.delete(g);
        if (!this.closed) drops.push(this.setOption(NETLINK_DROP_MEMBERSHIP, g));
      }
    }
    await Promise.all(drops);
  }

  /** Closes the connection; outstanding requests reject, subscriptions end. */
  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
    this.shutdown(new ConnectionClosedError());
  }
}
