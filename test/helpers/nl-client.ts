import { createConnection, type Socket } from 'node:net';
import {
  IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR,
  RTM_NEWLINK, RTNLD_SOCKET_CALL, SOCKET_CALL_SETSOCKOPT, VETH_INFO_PEER,
} from '../../protocol/constants.js';
import { Framer } from '../../protocol/framer.js';
import { writeSocketCall } from '../../protocol/socket-call.js';
import { NlWriter } from '../../protocol/writer.js';

/** A decoded reply header plus the raw message. */
export interface Reply {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  raw: Buffer;
  /** NLMSG_ERROR / NLMSG_DONE: the (negative) error. */
  error?: number;
}

/** Builds a request message: header + body bytes. */
export function message(type: number, flags: number, seq: number, body: (w: NlWriter) => void): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(type, flags, seq, 0);
  body(w);
  w.msgEnd(at);
  return w.take();
}

/** struct ifinfomsg */
export function ifinfomsg(w: NlWriter, index = 0, flags = 0, change = 0, family = 0): NlWriter {
  return w.u8(family).u8(0).u16(0).s32(index).u32(flags).u32(change);
}

/** RTM_NEWLINK (CREATE|EXCL) of a veth pair; `peerAttrs` adds attributes to the peer's ifinfomsg (e.g. IFLA_NET_NS_FD). */
export function newVeth(seq: number, name: string, peer: string, peerAttrs?: (w: NlWriter) => void): Buffer {
  return message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq, (w) => {
    ifinfomsg(w).attrString(IFLA_IFNAME, name);
    const li = w.nestStart(IFLA_LINKINFO);
    w.attrString(IFLA_INFO_KIND, 'veth');
    const data = w.nestStart(IFLA_INFO_DATA);
    const p = w.nestStart(VETH_INFO_PEER);
    ifinfomsg(w).attrString(IFLA_IFNAME, peer);
    peerAttrs?.(w);
    w.nestEnd(p);
    w.nestEnd(data);
    w.nestEnd(li);
  });
}

/** A minimal raw netlink client over rtnld's Unix socket, for tests. */
export class TestClient {
  private readonly framer = new Framer(1 << 24);
  readonly received: Reply[] = [];
  private waiters: Array<() => void> = [];
  private seq = 1000;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const r of this.framer.push(chunk)) {
        if (r.kind !== 'message') continue;
        const raw = Buffer.from(r.message);
        const reply: Reply = { type: raw.readUInt16LE(4), flags: raw.readUInt16LE(6), seq: raw.readUInt32LE(8), pid: raw.readUInt32LE(12), raw };
        if (reply.type === NLMSG_ERROR || reply.type === NLMSG_DONE) reply.error = raw.length >= 20 ? raw.readInt32LE(16) : 0;
        this.received.push(reply);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(path: string): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const s = createConnection(path);
      s.once('connect', () => resolve(new TestClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  nextSeq(): number {
    return ++this.seq;
  }

  send(raw: Buffer): void {
    this.socket.write(raw);
  }

  /** Waits until `pred` holds over everything received, or fails after `ms`. */
  async waitFor(pred: (received: Reply[]) => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred(this.received)) {
      if (this.closed) throw new Error('connection closed while waiting');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for replies');
      // Wake on data, or poll: the predicate may depend on state outside this connection.
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a request and returns the replies for its seq, up to its ACK/error or DONE (waiting at most `ms`). */
  async request(raw: Buffer, ms?: number): Promise<Reply[]> {
    const seq = raw.readUInt32LE(8);
    const start = this.received.length;
    this.send(raw);
    const mine = () => this.received.slice(start).filter((r) => r.seq === seq);
    await this.waitFor(() => mine().some((r) => r.type === NLMSG_ERROR || r.type === NLMSG_DONE || r.type === RTNLD_SOCKET_CALL), ms);
    return mine();
  }

  /** In-band setsockopt(SOL_NETLINK, name, value); resolves to the errno (0 on success). */
  async setsockopt(name: number, value: number): Promise<number> {
    const w = new NlWriter();
    writeSocketCall(w, this.nextSeq(), { call: SOCKET_CALL_SETSOCKOPT, name, value });
    const [ack] = await this.request(w.take());
    return ack!.error!;
  }

  /** A namespace call (protocol/TRANSPORT.md, Namespaces); resolves to its replies. */
  async netnsCall(call: number, name?: string, field = 0, value = 0): Promise<Reply[]> {
    const w = new NlWriter();
    writeSocketCall(w, this.nextSeq(), { call, name: field, value }, 1, name);
    return this.request(w.take());
  }

  close(): void {
    this.socket.destroy();
  }
}
