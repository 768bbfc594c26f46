import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { writeAck } from '../../protocol/ack.js';
import { NLMSG_ERROR, RTNLD_SOCKET_CALL } from '../../protocol/constants.js';
import { Errno, errnoName } from '../../protocol/errno.js';
import { Framer } from '../../protocol/framer.js';
import { nlmsgSeq, nlmsgType } from '../../protocol/nlmsg.js';
import { NlWriter } from '../../protocol/writer.js';
import type { Namespace } from '../model/netns/namespace.js';
import type { RtnlDispatcher, SessionState } from '../rtnl/dispatch.js';
import type { NetnsScope } from '../rtnl/request.js';
import type { DumpRun } from '../rtnl/dump-run.js';
import { Memberships } from './memberships.js';
import type { NetnsService } from './netns-service.js';
import { handleSocketCall, type SocketOptions } from './socket-calls.js';

/** Counts notification deliveries (metrics), without the transport knowing any metrics library. */
export interface DeliveryObserver {
  /** One notification was queued for a connection in namespace `netns`, or dropped because its reader is too far behind. */
  notification(dropped: boolean, netns: string): void;
}

export interface ConnectionOptions {
  /** Told about every notification queued or dropped. */
  deliveries?: DeliveryObserver | undefined;
  maxMessage: number;
  /** Receive budget for notifications (the kernel's sk_rcvbuf). */
  rcvbuf: number;
  strict: boolean;
  readOnly: boolean;
  /** The daemon's namespaces (absent: a daemon of one namespace, no namespace calls). */
  netnsService?: NetnsService | undefined;
  /** The namespace a new connection belongs to (the socket it connected to). */
  namespace?: Namespace | undefined;
}

/** Bytes of a dump produced per step; the socket's backpressure decides when the next step runs. */
const DUMP_STEP = 64 * 1024;
/**
 * A dump's first step: the client reads and parses it while the next steps are encoded, as a
 * kernel client gets its first skb at once (netlink_dump fills one at a time). A whole 64 KB
 * first step kept a client waiting ~1 ms with nothing to read; steps double up to DUMP_STEP.
 */
const FIRST_DUMP_STEP = 8 * 1024;
/**
 * Answers already written are sent once this many bytes wait, not only when the pipeline ends:
 * the kernel sends each ACK as its request is done, so a client keeping many requests in flight
 * refills while the rest are processed instead of taking turns with us. Above 64 ACKs (2,304
 * bytes), so a client writing 64 requests at a time still gets its answers in one write.
 */
const ANSWER_FLUSH = 2560;
/** How long one connection's pipeline may run before other connections get a turn. */
const FAIR_SLICE_MS = 1;
/**
 * Requests handled between two looks at the clock: performance.now() per request was ~3% of a
 * route insert's CPU, and a slice may now overrun by up to that many requests.
 */
const CLOCK_EVERY = 8;
/** Stop reading requests while this much of our output is still unsent. */
const WRITE_HIGH_WATER = 1024 * 1024;
/** A dump pauses while this much is unsent, and resumes when the client reads (bounded memory). */
const DUMP_HIGH_WATER = 256 * 1024;

type Item = { kind: 'message'; message: Buffer } | { kind: 'invalid'; header: Buffer; reason: string };

/**
 * One client connection: its netlink socket state (port id, options, groups), request framing,
 * in-order processing, dumps driven by backpressure and notification delivery.
 */
export class Connection implements SessionState, SocketOptions {
  readonly memberships = new Memberships();
  capAck = false;
  extAck = false;
  strict: boolean;
  noEnobufs = false;
  broadcastError = false;
  readonly readOnly: boolean;
  /** The namespace this connection belongs to now (SETNS changes it). */
  netns: Namespace | undefined;
  /** NETNS_FD bindings: fd number → namespace, as fds opened on /run/netns/NAME. */
  readonly netnsFds = new Map<number, Namespace>();
  /** SETPID: the client's process id, if it announced one. */
  clientPid: number | undefined;
  /** NETLINK_LISTEN_ALL_NSID. */
  listenAllNsid = false;
  readonly netnsService: NetnsService | undefined;
  private scope: NetnsScope | undefined;

  private readonly framer: Framer;
  private readonly queue: Item[] = [];
  private head = 0;
  private get queued(): number {
    return this.queue.length - this.head;
  }
  private readonly out = new NlWriter(16 * 1024);
  private processing = false;
  private dump: DumpRun | undefined;
  /** The budget of the dump's next step (FIRST_DUMP_STEP, doubling up to DUMP_STEP). */
  private dumpStep = FIRST_DUMP_STEP;
  /** Told when a dump starts and when it ends (ConnectionRegistry.dumping()). */
  dumpListener: ((underWay: boolean) => void) | undefined;
  private closing = false;
  /** Notifications were dropped since the client last caught up (kernel: congested + sk_err). */
  private congested = false;
  private flushScheduled = false;
  /** Changes whose journal records are not yet on disk: output stays unsent while > 0 (holdOutputUntil). */
  private held = 0;
  /** close() or a bad frame came while output was held: end the socket once it is sent. */
  private endWhenReleased = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly portid: number,
    private readonly socket: Socket,
    private readonly dispatcher: RtnlDispatcher,
    private readonly options: ConnectionOptions,
    private readonly log: Logger,
  ) {
    this.framer = new Framer(options.maxMessage);
    this.strict = options.strict;
    this.readOnly = options.readOnly;
    this.netns = options.namespace;
    this.netnsService = options.netnsService;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
  }

  /** The session's namespace scope, for the handlers (undefined without namespaces). */
  get netnsScope(): NetnsScope | undefined {
    const service = this.netnsService;
    if (!service || !this.netns) return undefined;
    if (!this.scope) {
      const conn = this;
      this.scope = {
        get current() {
          return conn.netns!;
        },
        registry: service.namespaces,
        byFd: (fd) => {
          const ns = conn.netnsFds.get(fd);
          return ns?.alive ? ns : undefined;
        },
        byPid: (pid) => service.byPid(pid),
      };
    }
    return this.scope;
  }

  get dumping(): boolean {
    return this.dump !== undefined;
  }

  /** No request is being processed and none is queued. */
  get idle(): boolean {
    return !this.processing && this.queued === 0 && this.held === 0;
  }

  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private onData(chunk: Buffer): void {
    // Requests wait in an array consumed from `head` (shift() would make a long pipeline quadratic).
    if (this.head > 0 && (this.head === this.queue.length || (this.head > 4096 && this.head * 2 > this.queue.length))) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    for (const r of this.framer.push(chunk)) this.queue.push(r);
    void this.pump();
  }

  private onDrain(): void {
    if (this.congested && !this.noEnobufs) {
      // Once the reader caught up, tell it what it missed: one NLMSG_ERROR -ENOBUFS, pid/seq 0.
      const w = this.out;
      const at = w.msgStart(NLMSG_ERROR, 0, 0, 0);
      w.s32(-Errno.ENOBUFS).zeros(16);
      w.msgEnd(at);
      this.congested = false;
    }
    this.driveDump();
    void this.pump();
  }

  private writeBlocked(): boolean {
    return this.socket.writableLength > WRITE_HIGH_WATER || (this.held > 0 && this.out.length > WRITE_HIGH_WATER);
  }

  holdOutputUntil(durable: Promise<void>): void {
    this.held++;
    durable.then(() => {
      if (--this.held > 0) return;
      this.flush();
      if (this.endWhenReleased) {
        this.socket.end();
        return;
      }
      this.driveDump();
      if (this.queued > 0) void this.pump();
      else if (this.idle) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }, (err: unknown) => {
      // The change is in the model but not on disk: its ACK must never leave (as a failed await did before).
      this.log.error({ err, portid: this.portid }, 'journal write failed; closing connection');
      this.socket.destroy();
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  /** Half-closes once any held output has been sent. */
  private endSoon(): void {
    if (this.held > 0) this.endWhenReleased = true;
    else this.socket.end();
  }

  /** Processes queued requests in order; mutating ones wait for the model mutex. */
  private async pump(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      let sliceStart = performance.now();
      let sinceClock = 0;
      while (this.queued > 0 && !this.closing) {
        if (this.writeBlocked()) break;
        if (++sinceClock === CLOCK_EVERY) {
          sinceClock = 0;
          if (performance.now() - sliceStart > FAIR_SLICE_MS) {
            // A long pipeline must not hold the event loop: let other connections' I/O in.
            this.flush();
            await new Promise<void>((resolve) => setImmediate(resolve));
            sliceStart = performance.now();
            continue;
          }
        }
        const item = this.queue[this.head]!;
        this.queue[this.head++] = undefined as never;
        if (item.kind === 'invalid') {
          this.rejectStream(item.header, item.reason);
          break;
        }
        const message = item.message;
        if (nlmsgType(message) === RTNLD_SOCKET_CALL) {
          const done = handleSocketCall(message, this, this.out);
          if (done) await done;
          continue;
        }
        let result = this.dispatcher.handle(message, this, this.out);
        if (result instanceof Promise) result = await result;
        if (typeof result === 'number') {
          this.logRequest(message, result);
          if (this.out.length >= ANSWER_FLUSH) this.flush();
        } else {
          this.logRequest(message, 0);
          this.dump = result;
          this.dumpListener?.(true);
          this.dumpStep = FIRST_DUMP_STEP;
          this.driveDump();
        }
      }
    } catch (err) {
      this.log.error({ err, portid: this.portid, netns: this.netns?.name }, 'request processing failed; closing connection');
      this.socket.destroy();
    } finally {
      this.processing = false;
      this.flush();
      if (this.idle) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /**
   * One log line per request: `errno` is what the dispatcher answered (0: success). The line's
   * object is built only when its level is on (a pipelined insert would build one per route).
   */
  private logRequest(message: Buffer, errno: number): void {
    if (errno) {
      if (!this.log.isLevelEnabled('info')) return;
      this.log.info({ portid: this.portid, netns: this.netns?.name, type: nlmsgType(message), seq: nlmsgSeq(message), errno: errnoName(errno) }, 'request failed');
      return;
    }
    if (!this.log.isLevelEnabled('debug')) return;
    this.log.debug({ portid: this.portid, netns: this.netns?.name, type: nlmsgType(message), seq: nlmsgSeq(message), len: message.length }, 'request');
  }

  /** A frame that cannot be delimited: answer -EINVAL and close, since a stream cannot resynchronise. */
  private rejectStream(header: Buffer, reason: string): void {
    this.log.warn({ portid: this.portid, netns: this.netns?.name, reason }, 'invalid netlink frame; closing connection');
    writeAck(this.out, header, Errno.EINVAL, this.portid, { capAck: true, extAck: true }, { extMsg: reason });
    this.closing = true;
    this.queue.length = 0;
    this.head = 0;
    this.flush();
    this.endSoon();
  }

  private driveDump(): void {
    while (this.dump && this.held === 0 && this.socket.writableLength < DUMP_HIGH_WATER && !this.socket.destroyed) {
      const done = this.dump.fill(this.out, this.dumpStep);
      this.dumpStep = Math.min(this.dumpStep * 2, DUMP_STEP);
      if (done) {
        this.dump = undefined;
        this.dumpListener?.(false);
      }
      this.flush();
    }
  }

  /**
   * Writes everything produced so far in one write() (batching matters for throughput), straight
   * from the writer's buffer. When the kernel took it at once the buffer is free again and is
   * reused, so a large dump allocates nothing per chunk (a fresh buffer per chunk made V8 run full
   * collections over the whole model). Output queued behind earlier output is handed over.
   */
  flush(): void {
    if (this.out.length === 0 || this.held > 0 || this.socket.destroyed) return;
    if (this.socket.writableLength > 0) {
      this.socket.write(this.out.take());
      return;
    }
    this.socket.write(this.out.peek(0, this.out.length));
    if (this.socket.writableLength === 0) this.out.truncate(0);
    else this.out.detach();
  }

  /** Notifications are flushed once per event-loop turn, so a burst costs one write(), not one per message. */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.processing) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * Queues a notification. A reader that lets more than its receive budget pile up loses
   * notifications (never replies) until it catches up, then gets one -ENOBUFS.
   */
  deliver(message: Buffer): void {
    if (this.socket.destroyed || this.closing) return;
    if (this.socket.writableLength + this.out.length + message.length > this.options.rcvbuf) {
      if (!this.noEnobufs) this.congested = true;
      this.options.deliveries?.notification(true, this.netns?.name ?? '');
      return;
    }
    this.options.deliveries?.notification(false, this.netns?.name ?? '');
    this.out.bytes(message);
    this.scheduleFlush();
  }

  clearCongestion(): void {
    this.congested = false;
  }

  /** Graceful close: flush, half-close, and drop the socket if the client does not close its side. */
  close(): void {
    this.closing = true;
    this.flush();
    this.endSoon();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }
}
