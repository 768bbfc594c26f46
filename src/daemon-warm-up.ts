import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import {
  AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC, IFF_UP, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST,
  NLMSG_DONE, NLMSG_ERROR, RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF, RTM_DELADDR, RTM_GETADDR, RTM_GETLINK, RTM_GETROUTE,
  RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE, RTM_SETLINK,
} from '../protocol/constants.js';
import { writeAddrRequest } from '../protocol/addr-request.js';
import { Framer } from '../protocol/framer.js';
import { writeLinkRequest, type LinkRequest } from '../protocol/link-request.js';
import { writeRouteRequest } from '../protocol/route-request.js';
import { NlWriter } from '../protocol/writer.js';
import { IFA_F_NODAD } from './model/addresses.js';

/** How much synthetic work the warm-up does. */
export interface WarmUpOptions {
  /** Groups of devices in the scratch daemon (a bridge, a veth pair with one end its port, ifb, dummy, vlan, macvlan). */
  groups: number;
  /** IPv4 routes added beside the groups' own, so a route dump takes several steps as a rig's does. */
  routes: number;
  /** Times each kind of dump is run over them. */
  rounds: number;
  /** Times, after those, the dumps a rig sends first (links, addresses, IPv4 routes) are run again. */
  focusRounds: number;
}

export const WARM_UP_DEFAULTS: WarmUpOptions = { groups: 24, routes: 1200, rounds: 8, focusRounds: 32 };

/** What the warm-up drives: a daemon built as the real one is, listening on `socket`. */
export interface ScratchDaemon {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A socket name of the abstract namespace (nothing on disk to clean up, nobody else can guess it). */
export function warmUpSocketName(): string {
  return `\0rtnld-warm-up-${process.pid}-${randomBytes(6).toString('hex')}`;
}

const CHANGE = NLM_F_REQUEST | NLM_F_ACK;
const CREATE = CHANGE | NLM_F_CREATE | NLM_F_EXCL;
const DUMP = NLM_F_REQUEST | NLM_F_DUMP;
/**
 * Requests per write while building. The event loop takes turns between the warm-up's writes and
 * a real client's, so this sets the warm-up's share while a rig builds its topology: with a rig's
 * 64 the warm-up was still running when the rig's first dumps came. At 256 it ends sooner, and a
 * cold step (~30 ms) is as long as a real request ever waits for it.
 */
const BATCH = 256;

/** What the warm-up asks of the daemon it warms. */
export interface WarmUpControl {
  /** The daemon is stopping: end now. */
  stopped(): boolean;
  /** A real client's dump is under way or just ended: wait, since the warm-up must never slow a dump down. */
  busy(): boolean;
}

class WarmUpStopped extends Error {}

/** A daemon nobody else talks to. */
const IDLE: WarmUpControl = { stopped: () => false, busy: () => false };

/**
 * A minimal netlink client over the scratch daemon's socket: writes a batch of requests and
 * reads until each has its answer (an ACK or NLMSG_DONE); any error fails the warm-up, since a
 * refused request would leave its path cold.
 */
class Client {
  private readonly framer = new Framer(1 << 24);
  private waiting: { left: number; resolve: () => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('warm-up connection closed')));
  }

  static open(path: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('error', reject);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(new Client(s));
      });
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(this.failure);
  }

  private onData(chunk: Buffer): void {
    for (const r of this.framer.push(chunk)) {
      if (r.kind === 'invalid') return this.fail(new Error(`warm-up: ${r.reason}`));
      const m = r.message;
      const type = m.readUInt16LE(4);
      if (type !== NLMSG_ERROR && type !== NLMSG_DONE) continue;
      const errno = m.length >= 20 ? -m.readInt32LE(16) : 0;
      if (errno) return this.fail(new Error(`warm-up request ${m.readUInt32LE(8)} refused: errno ${errno}`));
      if (this.waiting && --this.waiting.left === 0) {
        const w = this.waiting;
        this.waiting = undefined;
        w.resolve();
      }
    }
  }

  /** Sends `messages` in one write; resolves once every one is answered. */
  send(messages: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    let count = 0;
    for (let p = 0; p < messages.length; p += (messages.readUInt32LE(p) + 3) & ~3) count++;
    return new Promise((resolve, reject) => {
      this.waiting = { left: count, resolve, reject };
      this.socket.write(messages);
    });
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }
}

/**
 * A freshly started Node process runs rtnld's code in V8's interpreter until it has run it often
 * enough to optimise it: the first dumps after start-up encoded a link in ~35–50 µs instead of a
 * few (issue 21). The warm-up starts a scratch daemon built exactly as the real one (`scratch`:
 * its own model, namespaces, notifiers, dispatcher and a Unix server on an abstract socket), and
 * talks to it over a real connection, as a client would: it builds a topology of every link kind
 * (NEWLINK, SETLINK, NEWADDR, NEWROUTE, pipelined), then dumps links, addresses and
 * routes several times. So the transport's Connection, the dispatcher, the dump driver and the
 * encoders all get type feedback and optimised code for the very objects a client's requests
 * reach: a session that is not a Connection, or a model outside a namespace, made V8 throw the
 * optimised code away at the first real dump ("wrong map"). The scratch daemon is stopped
 * afterwards; nothing of it reaches the real one (its own connection registry: no notification
 * crosses). Every step waits on the socket, so the event loop answers real clients meanwhile, and
 * no step starts while `control.busy()` (a real client's dump under way or just ended): a rig's
 * first dumps, sent while the warm-up still ran, were slowed by its steps. `control.stopped()`
 * ends it early (the daemon stops).
 */
export async function warmUp(
  scratch: ScratchDaemon, socket: string, control: WarmUpControl = IDLE, options: WarmUpOptions = WARM_UP_DEFAULTS,
): Promise<void> {
  await scratch.start();
  let client: Client | undefined;
  try {
    client = await Client.open(socket);
    await drive(client, control, options);
  } finally {
    client?.close();
    await scratch.stop();
  }
}

async function drive(client: Client, control: WarmUpControl, options: WarmUpOptions): Promise<void> {
  const w = new NlWriter(64 * 1024);
  let seq = 0;
  let queued = 0;
  const flush = async () => {
    if (queued === 0) return;
    while (control.busy() && !control.stopped()) await new Promise((resolve) => setTimeout(resolve, 1));
    if (control.stopped()) throw new WarmUpStopped();
    queued = 0;
    await client.send(w.take());
  };
  const add = async (write: (w: NlWriter, seq: number) => void) => {
    write(w, ++seq);
    if (++queued === BATCH) await flush();
  };
  /** One request on its own (a dump: one at a time on a connection). */
  const one = async (write: (w: NlWriter, seq: number) => void) => {
    await flush();
    await add(write);
    await flush();
  };
  const link = (type: number, flags: number, r: LinkRequest) => (w: NlWriter, s: number) => writeLinkRequest(w, type, flags, s, r);
  const ipv4 = (g: number, i: number) => new Uint8Array([10, 100 + i, g, 1]);
  const ipv6 = (g: number, i: number) => new Uint8Array([0x20, 0x01, 0x0d, 0xb8, i, g, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

  // Devices first, then masters and up, then addresses and routes: the order a rig's script uses.
  // Two groups to a block of 64 ifindexes (addr-cache.ts), so an address dump copies blocks.
  const groups = Array.from({ length: options.groups }, (_, g) => ({ g, base: 2 + 64 * (g >> 1) + 7 * (g & 1) }));
  const timed = (g: number) => g % 6 === 0;
  const route = (r: number, flags: number, host: number) => (w: NlWriter, s: number) => writeRouteRequest(w, RTM_NEWROUTE, flags, s, {
    family: AF_INET, dstLen: 24, table: 254, protocol: 3, scope: 0, type: 1, dst: new Uint8Array([11 + (r >> 16), (r >> 8) & 255, r & 255, 0]),
    gateway: new Uint8Array([10, 100, r % options.groups, host]),
  });
  // A route changed: its block is made anew by the next dump (route-cache.ts).
  const replaceRoute = (r: number) => route((r * 37) % options.routes, CHANGE | NLM_F_CREATE | NLM_F_REPLACE, 2 + (r & 1));
  // An address announced again (its block is made anew by the next dump, as after a rig's DAD completions).
  const replaceAddress = (r: number) => {
    const { g, base } = groups[(r * 5) % groups.length]!;
    return (w: NlWriter, s: number) => writeAddrRequest(w, RTM_NEWADDR, CHANGE | NLM_F_CREATE | NLM_F_REPLACE, s, { family: AF_INET, prefixlen: 24, index: base, local: ipv4(g, 0), address: ipv4(g, 0) });
  };
  for (const { g, base } of groups) {
    await add(link(RTM_NEWLINK, CREATE, { index: base, name: `br${g}`, kind: 'bridge' }));
    await add(link(RTM_NEWLINK, CREATE, { index: base + 1, name: `va${g}`, kind: 'veth', peer: { index: base + 2, name: `vb${g}` } }));
    await add(link(RTM_NEWLINK, CREATE, { index: base + 3, name: `ifb${g}`, kind: 'ifb' }));
    await add(link(RTM_NEWLINK, CREATE, { index: base + 4, name: `d${g}`, kind: 'dummy' }));
    await add(link(RTM_NEWLINK, CREATE, { index: base + 5, name: `d${g}.7`, kind: 'vlan', link: base + 4, infoData: [[1, 'u16', 7]] }));
    await add(link(RTM_NEWLINK, CREATE, { index: base + 6, name: `mv${g}`, kind: 'macvlan', link: base + 4 }));
  }
  for (const { base } of groups) {
    await add(link(RTM_SETLINK, CHANGE, { index: base + 1, master: base, flags: IFF_UP, change: IFF_UP }));
    for (let i = 0; i < 7; i++) if (i !== 1) await add(link(RTM_SETLINK, CHANGE, { index: base + i, flags: IFF_UP, change: IFF_UP }));
  }
  for (const { g, base } of groups) {
    for (const [i, dev] of [[0, base], [1, base + 2], [2, base + 4]] as const) {
      // Some with lifetimes: their entries are encoded in the dump itself (addr-cache.ts keeps
      // only timeless ones, and no block of them), and an address dump showing them is not
      // recorded (dump-image.ts).
      const lifetimes = i === 2 && timed(g) ? { valid: 3600, preferred: 3600 } : undefined;
      await add((w, s) => writeAddrRequest(w, RTM_NEWADDR, CREATE, s, { family: AF_INET, prefixlen: 24, index: dev, local: ipv4(g, i), address: ipv4(g, i), lifetimes }));
      await add((w, s) => writeAddrRequest(w, RTM_NEWADDR, CREATE, s, { family: AF_INET6, prefixlen: 64, index: dev, address: ipv6(g, i), flags: IFA_F_NODAD, lifetimes }));
    }
  }
  for (let r = 0; r < options.routes; r++) await add(route(r, CREATE, 2));
  await flush();
  await new Promise((resolve) => setTimeout(resolve, 1)); // DAD ends (a scratch daemon with dadMs 0)

  for (let r = 0; r < options.rounds; r++) {
    // Halfway, the addresses with lifetimes go: address dumps are recorded from then on (a
    // recording's path first taken by a real client threw the dump driver's optimised code away).
    if (r === options.rounds >> 1) {
      for (const { g, base } of groups) {
        if (!timed(g)) continue;
        await add((w, s) => writeAddrRequest(w, RTM_DELADDR, CHANGE, s, { family: AF_INET, prefixlen: 24, index: base + 4, local: ipv4(g, 2), address: ipv4(g, 2) }));
        await add((w, s) => writeAddrRequest(w, RTM_DELADDR, CHANGE, s, { family: AF_INET6, prefixlen: 64, index: base + 4, address: ipv6(g, 2) }));
      }
    }
    // The first dump of each kind after a change encodes, the second also records, the third
    // replays (dump-image.ts): a rig polling a topology reaches all three, and a path first taken
    // by a real client (the first replay made DumpRun.fill's fields mutable) threw away the
    // dump driver's optimised code in the middle of its first dumps.
    for (let pass = 0; pass < 3; pass++) {
      await one(link(RTM_GETLINK, DUMP, { extMask: RTEXT_FILTER_VF }));
      await one((w, s) => writeAddrRequest(w, RTM_GETADDR, DUMP, s, { family: AF_UNSPEC }));
      await one((w, s) => writeRouteRequest(w, RTM_GETROUTE, DUMP, s, { family: AF_INET }));
    }
    await one(link(RTM_GETLINK, DUMP, { extMask: RTEXT_FILTER_SKIP_STATS }));
    await one(link(RTM_GETLINK, DUMP, { family: AF_BRIDGE, extMask: RTEXT_FILTER_VF }));
    for (const family of [AF_INET, AF_INET6]) {
      await one((w, s) => writeAddrRequest(w, RTM_GETADDR, DUMP, s, { family }));
      await one((w, s) => writeRouteRequest(w, RTM_GETROUTE, DUMP, s, { family: family === AF_INET ? AF_UNSPEC : family }));
    }
    for (const { base } of groups) await add(link(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, { index: base + (r % 7) }));
    // A change between rounds: the next dumps cannot be served from a recording (dump-image.ts).
    await add(link(RTM_SETLINK, CHANGE, { index: 1, mtu: 65536 - (r & 1) }));
    await add(replaceAddress(r));
    await add(replaceRoute(r));
    await flush();
  }
  // V8 goes on improving the encoders' optimised code over tens of dumps (a first address dump
  // after 12 rounds took ~2.5 us an entry, after 60 ~0.6): more of the dumps a rig waits on first.
  for (let r = 0; r < options.focusRounds; r++) {
    await one(link(RTM_GETLINK, DUMP, { extMask: RTEXT_FILTER_VF }));
    await one((w, s) => writeAddrRequest(w, RTM_GETADDR, DUMP, s, { family: AF_UNSPEC }));
    await one((w, s) => writeRouteRequest(w, RTM_GETROUTE, DUMP, s, { family: AF_INET }));
    await add(link(RTM_SETLINK, CHANGE, { index: 1, mtu: 65536 - (r & 1) }));
    await add(replaceAddress(r));
    await add(replaceRoute(r));
    await flush();
  }
}

/** Runs warmUp() in the background; resolves when it ends, stopped or not (a failure is reported, not thrown). */
export function warmUpInBackground(scratch: ScratchDaemon, socket: string, control: WarmUpControl, onError: (e: unknown) => void): Promise<void> {
  return warmUp(scratch, socket, control).catch((e: unknown) => {
    if (!(e instanceof WarmUpStopped)) onError(e);
  });
}
