import { createConnection, type Socket } from 'node:net';
import { decodeAck } from '../../protocol/ack-decode.js';
import {
  AF_INET, AF_INET6, AF_UNSPEC, ETH_P_8021AD, IFNAMSIZ, ETH_P_8021Q, IFF_UP, IFLA_MACVLAN_MODE, IFLA_VLAN_ID,
  IFLA_VLAN_PROTOCOL, MACVLAN_MODES, type MacvlanModeName, NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK,
  NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_ECHO, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REPLACE, NLM_F_REQUEST,
  NLMSG_DONE, NLMSG_ERROR, NLMSG_MIN_TYPE, RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF, RTM_DELADDR, RTM_DELLINK,
  RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK, RTNLD_SOCKET_CALL, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
  RTNLGRP_LINK, SOCKET_CALL_GETSOCKNAME, SOCKET_CALL_GETSOCKOPT, SOCKET_CALL_SETSOCKOPT,
} from '../../protocol/constants.js';
import { Framer } from '../../protocol/framer.js';
import { ipv4Broadcast, ipv4Network, parseInet, parsePrefix } from '../../protocol/inet.js';
import { decodeLinkMessage, type DecodedLink } from '../../protocol/link-decode.js';
import { writeLinkRequest, type LinkRequest } from '../../protocol/link-request.js';
import { decodeSocketCall, writeSocketCall } from '../../protocol/socket-call.js';
import { decodeNlMsgHdr, type NlMsgHdr } from '../../protocol/structs.js';
import type { TypedAttr } from '../../protocol/typed-attrs.js';
import { NlWriter } from '../../protocol/writer.js';
import { decodeAddrMessage, type DecodedAddr } from '../../protocol/addr-decode.js';
import { writeAddrRequest, type AddrRequest } from '../../protocol/addr-request.js';
import { ConnectionClosedError, NetlinkError } from './errors.js';
import { AsyncQueue } from './queue.js';

/** A link as the client returns it: the decoded RTM_NEWLINK. */
export type Link = DecodedLink;
/** An address as the client returns it: the decoded RTM_NEWADDR. */
export type Address = DecodedAddr;
/** A device by name or by ifindex. */
export type LinkRef = string | number;

export interface ConnectOptions {
  /** NETLINK_EXT_ACK (default on): errors carry the kernel's explanation. */
  extAck?: boolean;
  /** NETLINK_GET_STRICT_CHK (default off). */
  strict?: boolean;
  /** Dump entries buffered before the socket is paused (default 1024). */
  dumpHighWaterMark?: number;
}

export type MacAddress = string | Uint8Array;

export interface LinkAttributes {
  mtu?: number;
  address?: MacAddress;
  broadcast?: MacAddress;
  txqlen?: number;
  group?: number;
  /** IFLA_IFALIAS; null or '' removes it. */
  alias?: string | null;
  numTxQueues?: number;
  numRxQueues?: number;
}

export interface CreateLinkOptions extends LinkAttributes {
  name: string;
  kind: string;
  up?: boolean;
  /** Enslave to this device at creation. */
  master?: LinkRef;
  /** The lower device (vlan, macvlan): IFLA_LINK. */
  link?: LinkRef;
  /** veth: the peer's name or its own attributes. */
  peer?: string | (LinkAttributes & { name?: string });
  /** vlan: VLAN id. */
  id?: number;
  /** vlan: '802.1Q' (default) or '802.1ad', or an ethertype. */
  protocol?: '802.1Q' | '802.1ad' | number;
  /** macvlan: private, vepa, bridge, passthru, source. */
  mode?: MacvlanModeName;
  /** Extra IFLA_INFO_DATA attributes, sent as given. */
  infoData?: TypedAttr[];
}

export interface SetLinkOptions extends LinkAttributes {
  up?: boolean;
  /** Rename. */
  name?: string;
  /** A master device, or null to release from the current one. */
  master?: LinkRef | null;
  /** IFLA_CARRIER (dummy and veth in rtnld). */
  carrier?: boolean;
  operstate?: number;
  linkmode?: number;
  /** Raw ifi_flags / ifi_change bits to change. */
  flags?: { set?: number; clear?: number };
}

export interface LinksFilter {
  /** Only ports of this master (IFLA_MASTER dump filter). */
  master?: LinkRef;
  /** Only devices of this kind (IFLA_LINKINFO dump filter). */
  kind?: string;
  /** Ask for statistics (default: skipped, RTEXT_FILTER_SKIP_STATS). */
  stats?: boolean;
}

export interface AddressesFilter {
  /** AF_INET / AF_INET6 or 'inet' / 'inet6'; default both. */
  family?: number | 'inet' | 'inet6';
  /** Only addresses of this device. */
  link?: LinkRef;
}

export interface AddressOptions {
  /** The device. */
  link: LinkRef;
  /** "10.0.0.1/24", "2001:db8::1/64" (a missing length means /32 or /128). */
  address: string;
  /** Point-to-point peer ("ADDR[/LEN]"; its length is the prefix length). */
  peer?: string;
  /** IPv4 broadcast, or '+' / '-' for the prefix's highest / lowest address. */
  broadcast?: string;
  label?: string;
  scope?: number;
  /** Seconds or 'forever'. */
  validLft?: number | 'forever';
  preferredLft?: number | 'forever';
  /** IFA_F_* bits (e.g. IFA_F_NODAD 0x02, IFA_F_NOPREFIXROUTE 0x200). */
  flags?: number;
  metric?: number;
  proto?: number;
}

export type RtnlGroup = 'link' | 'ipv4-ifaddr' | 'ipv6-ifaddr' | number;

export type RtnlEvent =
  | { type: 'newlink' | 'dellink'; header: NlMsgHdr; message: Buffer; link: Link }
  | { type: 'newaddr' | 'deladdr'; header: NlMsgHdr; message: Buffer; address: Address }
  /** The daemon dropped notifications for this connection (ENOBUFS), or this subscription overflowed. */
  | { type: 'overrun'; header?: NlMsgHdr; message?: Buffer; error: NetlinkError }
  | { type: 'other'; header: NlMsgHdr; message: Buffer };

export interface SubscribeOptions {
  /** Events buffered before further ones are dropped and an 'overrun' event is queued (default 100000). */
  highWaterMark?: number;
}

const GROUP_NUMBERS: Readonly<Record<string, number>> = {
  link: RTNLGRP_LINK, 'ipv4-ifaddr': RTNLGRP_IPV4_IFADDR, 'ipv6-ifaddr': RTNLGRP_IPV6_IFADDR,
};


const INFINITY_LIFE_TIME = 0xffffffff;
const ENOBUFS = 105;

/** "aa:bb:cc:dd:ee:ff" (or any colon-separated hex bytes) to bytes. */
export function parseMac(mac: MacAddress): Uint8Array {
  if (typeof mac !== 'string') return mac;
  const parts = mac.split(':');
  if (!parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) throw new TypeError(`"${mac}" is invalid lladdr.`);
  return new Uint8Array(parts.map((p) => parseInt(p, 16)));
}

function kindOfRequest(type: number): 'new' | 'del' | 'get' | 'set' {
  return (['new', 'del', 'get', 'set'] as const)[(type - NLMSG_MIN_TYPE) & 3]!;
}

/** The multicast group a notification travels on (§7.1), or undefined for others. */
function groupOf(hdr: NlMsgHdr, message: Buffer): number | undefined {
  if (hdr.type === RTM_NEWLINK || hdr.type === RTM_DELLINK) return RTNLGRP_LINK;
  if (hdr.type === RTM_NEWADDR || hdr.type === RTM_DELADDR) {
    const family = message.length > 16 ? message[16] : undefined;
    return family === AF_INET ? RTNLGRP_IPV4_IFADDR : family === AF_INET6 ? RTNLGRP_IPV6_IFADDR : undefined;
  }
  return undefined;
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
    case NLMSG_ERROR: {
      const ack = decodeAck(message);
      return { type: 'overrun', header, message, error: NetlinkError.fromAck(ack) };
    }
    default:
      return { type: 'other', header, message };
  }
}

/** One outstanding request: decides which incoming messages are its replies. */
interface Pending {
  /** Returns true when the message belongs to this request. */
  accept(message: Buffer, hdr: NlMsgHdr): boolean;
  fail(error: unknown): void;
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
    private readonly client: RtnlClient,
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
    await this.client.unsubscribe(this);
  }

  async return(): Promise<IteratorResult<RtnlEvent>> {
    await this.close();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** What a dump learns while it runs. */
export interface DumpState {
  /** An entry carried NLM_F_DUMP_INTR: the model changed during the dump. */
  interrupted: boolean;
}

/** An async iterable of dump entries with a convenience collector. */
export class Dump<T> implements AsyncIterable<T> {
  /**
   * True when an entry of the last iteration carried NLM_F_DUMP_INTR: devices or addresses
   * changed while the dump ran, so its entries may not be one consistent view. Dump again for
   * one (as libnl and iproute2 do).
   */
  interrupted = false;

  constructor(private readonly source: (state: DumpState) => AsyncGenerator<T>) {}

  [Symbol.asyncIterator](): AsyncGenerator<T> {
    this.interrupted = false;
    return this.source(this);
  }

  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const x of this) out.push(x);
    return out;
  }
}

/**
 * A typed rtnetlink client for rtnld's Unix socket (protocol/TRANSPORT.md). Requests are
 * pipelined and matched to their replies by sequence number and port id; dumps stream as async
 * iterables (one at a time on the wire, as the daemon requires, queued otherwise); notifications
 * go only to subscriptions, never into replies.
 */
export class RtnlClient {
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

  /** @internal use connect() */
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

  /** @internal */
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
    const group = hdr.type === NLMSG_ERROR ? undefined : groupOf(hdr, message);
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

  private send(message: Buffer): void {
    if (this.closed) throw this.closeError ?? new ConnectionClosedError();
    this.socket.write(message);
  }

  private pause(owner: object): void {
    if (this.pausedBy.size === 0) this.socket.pause();
    this.pausedBy.add(owner);
  }

  private resume(owner: object): void {
    if (this.pausedBy.delete(owner) && this.pausedBy.size === 0) this.socket.resume();
  }

  // --- request kinds ---

  /** Sends `build(seq)` and resolves with the messages echoed before the ACK (NLM_F_ACK is added). */
  private ackRequest(build: (w: NlWriter, seq: number) => void): Promise<{ echoed: Buffer[]; warning?: string | undefined }> {
    if (this.closed) return Promise.reject(this.closeError ?? new ConnectionClosedError());
    const seq = this.nextSeq();
    const w = new NlWriter();
    build(w, seq);
    const message = w.take();
    message.writeUInt16LE(message.readUInt16LE(6) | NLM_F_ACK | NLM_F_REQUEST, 6);
    const echo = (message.readUInt16LE(6) & NLM_F_ECHO) !== 0;
    const type = message.readUInt16LE(4);
    return new Promise((resolve, reject) => {
      const echoed: Buffer[] = [];
      this.pending.set(seq, {
        accept: (msg, hdr) => {
          if (hdr.type === NLMSG_ERROR) {
            this.pending.delete(seq);
            const ack = decodeAck(msg);
            if (ack.errno) reject(NetlinkError.fromAck(ack, type));
            else resolve({ echoed, warning: ack.extMsg });
            return true;
          }
          if (echo && hdr.type >= NLMSG_MIN_TYPE) {
            echoed.push(msg);
            // An echoed notification is also the multicast copy this connection will not get.
            this.notify(msg, hdr);
            return true;
          }
          return false;
        },
        fail: reject,
      });
      this.send(message);
    });
  }

  /** A GET without NLM_F_DUMP: one reply message, or an error. */
  private getRequest(build: (w: NlWriter, seq: number) => void): Promise<Buffer> {
    if (this.closed) return Promise.reject(this.closeError ?? new ConnectionClosedError());
    const seq = this.nextSeq();
    const w = new NlWriter();
    build(w, seq);
    const message = w.take();
    const type = message.readUInt16LE(4);
    return new Promise((resolve, reject) => {
      let reply: Buffer | undefined;
      this.pending.set(seq, {
        accept: (msg, hdr) => {
          if (hdr.type === NLMSG_ERROR) {
            this.pending.delete(seq);
            const ack = decodeAck(msg);
            if (ack.errno) reject(NetlinkError.fromAck(ack, type));
            else if (reply) resolve(reply);
            else reject(new NetlinkError(61, 'no reply'));
            return true;
          }
          if (hdr.flags & NLM_F_MULTI || reply) return false;
          reply = msg;
          if (!(message.readUInt16LE(6) & NLM_F_ACK)) {
            this.pending.delete(seq);
            resolve(msg);
          }
          return true;
        },
        fail: reject,
      });
      this.send(message);
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

  /** A dump: yields every NLM_F_MULTI entry until NLMSG_DONE; errors reject the iteration. */
  private dumpRequest(build: (w: NlWriter, seq: number) => void, state?: DumpState): AsyncGenerator<Buffer> {
    const self = this;
    return (async function* () {
      let release!: () => void;
      await self.withDumpSlot(async (r) => {
        release = r;
      });
      const queue = new AsyncQueue<Buffer>();
      const owner = {};
      let finished = false;
      const seq = self.nextSeq();
      const w = new NlWriter();
      build(w, seq);
      const message = w.take();
      const type = message.readUInt16LE(4);
      const finish = () => {
        finished = true;
        self.pending.delete(seq);
        self.resume(owner);
        release();
      };
      self.pending.set(seq, {
        accept: (msg, hdr) => {
          if (hdr.type === NLMSG_DONE || hdr.type === NLMSG_ERROR) {
            const ack = decodeAck(msg);
            finish();
            queue.end(ack.errno ? NetlinkError.fromAck(ack, type) : undefined);
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
      try {
        self.send(message);
      } catch (e) {
        finish();
        throw e;
      }
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
          const p = self.pending.get(seq);
          if (p) {
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

  private socketCall(call: number, name: number, value: number): Promise<{ name: number; value: number; extra: number[] }> {
    if (this.closed) return Promise.reject(this.closeError ?? new ConnectionClosedError());
    const seq = this.nextSeq();
    const w = new NlWriter();
    writeSocketCall(w, seq, { call, name, value });
    return new Promise((resolve, reject) => {
      this.pending.set(seq, {
        accept: (msg, hdr) => {
          if (hdr.type === NLMSG_ERROR) {
            this.pending.delete(seq);
            const ack = decodeAck(msg);
            if (ack.errno) reject(NetlinkError.fromAck(ack, RTNLD_SOCKET_CALL));
            else resolve({ name, value, extra: [] });
            return true;
          }
          if (hdr.type === RTNLD_SOCKET_CALL) {
            this.pending.delete(seq);
            const c = decodeSocketCall(msg);
            const extra: number[] = [];
            for (let at = 28; at + 4 <= msg.length; at += 4) extra.push(msg.readUInt32LE(at));
            resolve({ name: c?.name ?? 0, value: c?.value ?? 0, extra });
            return true;
          }
          return false;
        },
        fail: reject,
      });
      this.send(w.take());
    });
  }

  // --- socket options ---

  /** setsockopt(SOL_NETLINK, name, value) through the daemon's in-band call. */
  async setOption(name: number, value: number | boolean): Promise<void> {
    await this.socketCall(SOCKET_CALL_SETSOCKOPT, name, typeof value === 'boolean' ? (value ? 1 : 0) : value);
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
    const template = Buffer.from(raw);
    const flags = template.readUInt16LE(6);
    const type = template.readUInt16LE(4);
    const build = (w: NlWriter, seq: number) => {
      const copy = Buffer.from(template);
      copy.writeUInt32LE(seq, 8);
      w.bytes(copy);
    };
    if (type >= NLMSG_MIN_TYPE && kindOfRequest(type) === 'get' && (flags & NLM_F_DUMP) === NLM_F_DUMP) {
      const out: Buffer[] = [];
      for await (const m of this.dumpRequest(build)) out.push(m);
      return out;
    }
    if (type >= NLMSG_MIN_TYPE && kindOfRequest(type) === 'get') {
      return [await this.getRequest((w, seq) => {
        build(w, seq);
      })];
    }
    return (await this.ackRequest(build)).echoed;
  }

  /** A raw dump request (NLM_F_DUMP set by the caller) as an async iterable of messages. */
  dump(raw: Buffer | Uint8Array): Dump<Buffer> {
    const template = Buffer.from(raw);
    return new Dump((state) => this.dumpRequest((w, seq) => {
      const copy = Buffer.from(template);
      copy.writeUInt32LE(seq, 8);
      w.bytes(copy);
    }, state));
  }

  // --- links ---

  /** RTM_GETLINK dump. */
  links(filter: LinksFilter = {}): Dump<Link> {
    return new Dump(async function* (this: RtnlClient, state: DumpState) {
      const req: LinkRequest = { extMask: RTEXT_FILTER_VF | (filter.stats ? 0 : RTEXT_FILTER_SKIP_STATS) };
      if (filter.master !== undefined) req.master = await this.indexOf(filter.master);
      if (filter.kind !== undefined) req.kind = filter.kind;
      for await (const m of this.dumpRequest((w, seq) => writeLinkRequest(w, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq, req), state)) {
        yield decodeLinkMessage(m);
      }
    }.bind(this));
  }

  /** RTM_GETLINK for one device, by name (or altname) or index; rejects ENODEV. */
  async link(ref: LinkRef, options: { stats?: boolean } = {}): Promise<Link> {
    const req: LinkRequest = { ...this.refRequest(ref), extMask: RTEXT_FILTER_VF | (options.stats ? 0 : RTEXT_FILTER_SKIP_STATS) };
    const reply = await this.getRequest((w, seq) => writeLinkRequest(w, RTM_GETLINK, NLM_F_REQUEST, seq, req));
    return decodeLinkMessage(reply);
  }

  /** The ifindex of a device (a number is returned as is). */
  async indexOf(ref: LinkRef): Promise<number> {
    return typeof ref === 'number' ? ref : (await this.link(ref)).index;
  }

  private refRequest(ref: LinkRef): LinkRequest {
    if (typeof ref === 'number') return { index: ref };
    // Names that do not fit IFLA_IFNAME can only be alternative names (as iproute2 sends them).
    return Buffer.byteLength(ref) >= IFNAMSIZ ? { altName: ref } : { name: ref };
  }

  private attributes(a: LinkAttributes): LinkRequest {
    return {
      mtu: a.mtu,
      address: a.address !== undefined ? parseMac(a.address) : undefined,
      broadcast: a.broadcast !== undefined ? parseMac(a.broadcast) : undefined,
      txqlen: a.txqlen,
      group: a.group,
      alias: a.alias === null ? '' : a.alias,
      numTxQueues: a.numTxQueues,
      numRxQueues: a.numRxQueues,
    };
  }

  /** RTM_NEWLINK with NLM_F_CREATE | NLM_F_EXCL; resolves with the new device as announced. */
  async createLink(o: CreateLinkOptions): Promise<Link> {
    const req: LinkRequest = { ...this.attributes(o), name: o.name, kind: o.kind };
    if (o.up) {
      req.flags = IFF_UP;
      req.change = IFF_UP;
    }
    const [master, parent] = await Promise.all([
      o.master !== undefined ? this.indexOf(o.master) : undefined,
      o.link !== undefined ? this.indexOf(o.link) : undefined,
    ]);
    req.master = master;
    req.link = parent;
    const data: TypedAttr[] = [];
    if (o.kind === 'vlan') {
      if (o.id !== undefined) data.push([IFLA_VLAN_ID, 'u16', o.id]);
      if (o.protocol !== undefined) {
        const proto = o.protocol === '802.1Q' ? ETH_P_8021Q : o.protocol === '802.1ad' ? ETH_P_8021AD : o.protocol;
        data.push([IFLA_VLAN_PROTOCOL, 'be16', proto]);
      }
    }
    if (o.mode !== undefined) {
      const mode = MACVLAN_MODES[o.mode];
      if (mode === undefined) throw new TypeError(`unknown macvlan mode "${o.mode}"`);
      data.push([IFLA_MACVLAN_MODE, 'u32', mode]);
    }
    if (o.infoData) data.push(...o.infoData);
    if (data.length) req.infoData = data;
    if (o.peer !== undefined) {
      const peer = typeof o.peer === 'string' ? { name: o.peer } : o.peer;
      req.peer = { ...this.attributes(peer), name: peer.name };
    }
    const { echoed } = await this.ackRequest((w, seq) => writeLinkRequest(w, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, seq, req));
    const mine = echoed.find((m) => m.readUInt16LE(4) === RTM_NEWLINK && m[16] === AF_UNSPEC);
    return mine ? decodeLinkMessage(mine) : this.link(o.name);
  }

  /** RTM_NEWLINK on an existing device (as `ip link set` sends it). */
  async setLink(ref: LinkRef, o: SetLinkOptions): Promise<void> {
    const needsIndex = typeof ref === 'string' && o.name !== undefined;
    const [index, master] = await Promise.all([
      needsIndex ? this.indexOf(ref) : undefined,
      o.master !== undefined && o.master !== null ? this.indexOf(o.master) : undefined,
    ]);
    const req: LinkRequest = { ...this.attributes(o), ...(index !== undefined ? { index } : this.refRequest(ref)) };
    if (o.name !== undefined) req.name = o.name;
    if (o.master === null) req.master = 0;
    else if (master !== undefined) req.master = master;
    req.carrier = o.carrier;
    req.operstate = o.operstate;
    req.linkmode = o.linkmode;
    let flags = 0;
    let change = 0;
    if (o.up !== undefined) {
      change |= IFF_UP;
      if (o.up) flags |= IFF_UP;
    }
    if (o.flags) {
      flags |= o.flags.set ?? 0;
      change |= (o.flags.set ?? 0) | (o.flags.clear ?? 0);
    }
    if (change) {
      req.flags = flags;
      req.change = change;
    }
    await this.ackRequest((w, seq) => writeLinkRequest(w, RTM_NEWLINK, NLM_F_REQUEST, seq, req));
  }

  /** RTM_DELLINK. */
  async deleteLink(ref: LinkRef): Promise<void> {
    const req = this.refRequest(ref);
    await this.ackRequest((w, seq) => writeLinkRequest(w, RTM_DELLINK, NLM_F_REQUEST, seq, req));
  }

  // --- addresses ---

  /** RTM_GETADDR dump, filtered by family and device. */
  addresses(filter: AddressesFilter = {}): Dump<Address> {
    const family = filter.family === 'inet' ? AF_INET : filter.family === 'inet6' ? AF_INET6 : (filter.family ?? AF_UNSPEC);
    return new Dump(async function* (this: RtnlClient, state: DumpState) {
      const index = filter.link !== undefined ? await this.indexOf(filter.link) : 0;
      const req: AddrRequest = { family };
      for await (const m of this.dumpRequest((w, seq) => writeAddrRequest(w, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq, req), state)) {
        const a = decodeAddrMessage(m);
        if (index && a.index !== index) continue;
        if (family && a.family !== family) continue;
        yield a;
      }
    }.bind(this));
  }

  private async addressRequest(o: AddressOptions, forDelete: boolean): Promise<AddrRequest> {
    const prefix = parsePrefix(o.address);
    if (!prefix) throw new TypeError(`invalid address "${o.address}"`);
    const req: AddrRequest = {
      family: prefix.family, prefixlen: prefix.prefixlen, index: await this.indexOf(o.link), local: prefix.bytes,
      flags: o.flags, scope: o.scope, label: o.label, rtPriority: o.metric, proto: o.proto,
    };
    if (o.peer !== undefined) {
      const peer = parsePrefix(o.peer);
      if (!peer || peer.family !== prefix.family) throw new TypeError(`invalid peer "${o.peer}"`);
      req.address = peer.bytes;
      if (peer.explicitLength) req.prefixlen = peer.prefixlen;
    } else if (!forDelete || prefix.family === AF_INET) {
      req.address = prefix.bytes;
    }
    if (o.broadcast !== undefined && prefix.family === AF_INET) {
      if (o.broadcast === '+' || o.broadcast === '-') {
        req.broadcast = o.broadcast === '+' ? ipv4Broadcast(prefix.bytes, req.prefixlen!) : ipv4Network(prefix.bytes, req.prefixlen!);
      } else {
        const b = parseInet(o.broadcast);
        if (!b || b.family !== AF_INET) throw new TypeError(`invalid broadcast "${o.broadcast}"`);
        req.broadcast = b.bytes;
      }
    }
    if (o.validLft !== undefined || o.preferredLft !== undefined) {
      const lft = (v: number | 'forever' | undefined) => (v === undefined || v === 'forever' ? INFINITY_LIFE_TIME : v);
      req.lifetimes = { valid: lft(o.validLft), preferred: lft(o.preferredLft) };
    }
    return req;
  }

  /** RTM_NEWADDR with NLM_F_CREATE | NLM_F_EXCL (`ip address add`). */
  async addAddress(o: AddressOptions): Promise<void> {
    const req = await this.addressRequest(o, false);
    await this.ackRequest((w, seq) => writeAddrRequest(w, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, seq, req));
  }

  /** RTM_NEWADDR with NLM_F_CREATE | NLM_F_REPLACE (`ip address replace`). */
  async replaceAddress(o: AddressOptions): Promise<void> {
    const req = await this.addressRequest(o, false);
    await this.ackRequest((w, seq) => writeAddrRequest(w, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE, seq, req));
  }

  /** RTM_DELADDR (`ip address del`). */
  async deleteAddress(o: Pick<AddressOptions, 'link' | 'address' | 'peer' | 'label'> & Partial<AddressOptions>): Promise<void> {
    const req = await this.addressRequest(o, true);
    await this.ackRequest((w, seq) => writeAddrRequest(w, RTM_DELADDR, NLM_F_REQUEST, seq, req));
  }

  /** Sends a prepared RTM_NEWADDR / RTM_DELADDR (the CLI's flush); resolves on its ACK. */
  async addressChange(type: number, flags: number, req: AddrRequest): Promise<{ warning?: string | undefined }> {
    const r = await this.ackRequest((w, seq) => writeAddrRequest(w, type, NLM_F_REQUEST | flags, seq, req));
    return { warning: r.warning };
  }

  /** Sends a prepared link request (RTM_NEWLINK / SETLINK / DELLINK); resolves on its ACK. */
  async linkChange(type: number, flags: number, req: LinkRequest): Promise<{ warning?: string | undefined }> {
    const r = await this.ackRequest((w, seq) => writeLinkRequest(w, type, NLM_F_REQUEST | flags, seq, req));
    return { warning: r.warning };
  }

  // --- notifications ---

  /**
   * Joins multicast groups and returns an async iterator of their events. Await `ready` before
   * making changes whose events must not be missed.
   */
  subscribe(groups: readonly RtnlGroup[], options: SubscribeOptions = {}): Subscription {
    const numbers = new Set<number>();
    for (const g of groups) {
      const n = typeof g === 'number' ? g : GROUP_NUMBERS[g];
      if (n === undefined) throw new TypeError(`unknown rtnetlink group "${String(g)}"`);
      numbers.add(n);
    }
    const join = Promise.all([...numbers].map((g) => {
      const count = this.memberships.get(g) ?? 0;
      this.memberships.set(g, count + 1);
      return count === 0 ? this.setOption(NETLINK_ADD_MEMBERSHIP, g) : Promise.resolve();
    })).then(() => undefined);
    const sub = new Subscription(this, numbers, options.highWaterMark ?? 100000, join);
    this.subscriptions.add(sub);
    return sub;
  }

  /** @internal */
  async unsubscribe(sub: Subscription): Promise<void> {
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
