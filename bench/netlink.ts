// A small netlink-over-Unix-socket client for the benchmarks: request builders, a streaming
// message counter that never allocates per message, and a connection that reads into one
// preallocated buffer (net.connect's `onread`). Standard library only; it does not use src/.
import { connect, type Socket } from 'node:net';

export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const RTNLD_SOCKET_CALL = 15;
export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_SETLINK = 19;
export const RTM_NEWADDR = 20;
export const RTM_GETADDR = 22;

export const NLM_F_REQUEST = 0x01;
export const NLM_F_ACK = 0x04;
export const NLM_F_DUMP = 0x300;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;

const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_LINKINFO = 18;
const IFLA_EXT_MASK = 29;
const IFLA_INFO_KIND = 1;
const NLA_F_NESTED = 0x8000;
const RTEXT_FILTER_VF = 1;

const NLMSGHDR = 16;
const IFINFOMSG = 16;

const align4 = (n: number) => (n + 3) & ~3;

/** Builds one message: nlmsghdr + ifinfomsg(index) + attributes (already encoded). */
function linkRequest(type: number, flags: number, seq: number, index: number, attrs: Buffer[] = []): Buffer {
  const body = Buffer.concat(attrs);
  const len = NLMSGHDR + IFINFOMSG + body.length;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(len, 0);
  b.writeUInt16LE(type, 4);
  b.writeUInt16LE(flags, 6);
  b.writeUInt32LE(seq, 8);
  b.writeUInt32LE(0, 12); // nlmsg_pid: the daemon fills in the connection's port id
  b.writeUInt8(0, 16); // ifi_family AF_UNSPEC
  b.writeInt32LE(index, 20);
  body.copy(b, NLMSGHDR + IFINFOMSG);
  return b;
}

function attr(type: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(align4(4 + payload.length));
  b.writeUInt16LE(4 + payload.length, 0);
  b.writeUInt16LE(type, 2);
  payload.copy(b, 4);
  return b;
}

const strz = (s: string) => Buffer.from(`${s}\0`, 'utf8');
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v, 0);
  return b;
};

/** RTM_GETLINK by index: the 32-byte request (header + ifinfomsg, no attributes). */
export function getLinkByIndex(index: number, seq = 1): Buffer {
  return linkRequest(RTM_GETLINK, NLM_F_REQUEST, seq, index);
}

/** RTM_GETLINK dump with IFLA_EXT_MASK = RTEXT_FILTER_VF, as `ip link show` sends it. */
export function linkDumpRequest(seq = 1): Buffer {
  return linkRequest(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq, 0, [attr(IFLA_EXT_MASK, u32(RTEXT_FILTER_VF))]);
}

/** RTM_GETADDR dump of every family (ifaddrmsg with AF_UNSPEC), as `ip address show` sends it. */
export function addrDumpRequest(seq = 1): Buffer {
  const b = Buffer.alloc(NLMSGHDR + 8);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(RTM_GETADDR, 4);
  b.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  b.writeUInt32LE(seq, 8);
  return b;
}

/** RTM_NEWLINK creating a dummy (CREATE|EXCL|ACK). */
export function newDummy(name: string, seq = 1): Buffer {
  const linkinfo = attr(IFLA_LINKINFO | NLA_F_NESTED, attr(IFLA_INFO_KIND, strz('dummy')));
  return linkRequest(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq, 0,
    [attr(IFLA_IFNAME, strz(name)), linkinfo]);
}

/** RTM_SETLINK by name setting IFLA_MTU, no ACK (a change that notifies every RTNLGRP_LINK member). */
export function setMtuByName(name: string, mtu: number, seq = 1): Buffer {
  return linkRequest(RTM_SETLINK, NLM_F_REQUEST, seq, 0, [attr(IFLA_IFNAME, strz(name)), attr(IFLA_MTU, u32(mtu))]);
}

/** RTM_DELLINK by name (ACK). */
export function delLinkByName(name: string, seq = 1): Buffer {
  return linkRequest(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 0, [attr(IFLA_IFNAME, strz(name))]);
}

/** In-band socket call (protocol/TRANSPORT.md): type 15, payload call, name, value (host order u32). */
export function socketCall(call: number, name: number, value: number, seq = 1): Buffer {
  const b = Buffer.alloc(NLMSGHDR + 12);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(RTNLD_SOCKET_CALL, 4);
  b.writeUInt16LE(NLM_F_REQUEST, 6);
  b.writeUInt32LE(seq, 8);
  b.writeUInt32LE(call, 16);
  b.writeUInt32LE(name, 20);
  b.writeUInt32LE(value, 24);
  return b;
}

/** setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group). */
export const addMembership = (group: number, seq = 1) => socketCall(1, 1, group, seq);

/** What the counter knows about one message: its header and, for NLMSG_ERROR, the error code. */
export interface MessageInfo {
  len: number;
  type: number;
  flags: number;
  seq: number;
  /** NLMSG_ERROR's error field (0 = ACK); 0 for other types. */
  error: number;
}

/**
 * Cuts a byte stream at nlmsg_len (messages start at NLMSG_ALIGN of the previous length) and
 * calls `onMessage` with each header. Only the first 20 bytes of each message are looked at;
 * they are copied into a fixed scratch buffer only when a read split them.
 */
export class MessageCounter {
  messages = 0;
  bytes = 0;
  private readonly head = Buffer.alloc(20);
  private headFill = 0;
  private skip = 0;
  private readonly info: MessageInfo = { len: 0, type: 0, flags: 0, seq: 0, error: 0 };

  constructor(private readonly onMessage: (m: MessageInfo) => void) {}

  reset(): void {
    this.messages = 0;
    this.bytes = 0;
  }

  feed(buf: Buffer, end: number): void {
    this.bytes += end;
    let p = 0;
    while (p < end) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, end - p);
        this.skip -= n;
        p += n;
        continue;
      }
      if (this.headFill === 0 && end - p >= 20) {
        this.emit(buf, p);
        continue;
      }
      // A header split across reads: gather it in the scratch buffer.
      const want = this.headFill < NLMSGHDR ? NLMSGHDR : Math.min(20, this.head.readUInt32LE(0));
      const n = Math.min(want - this.headFill, end - p);
      buf.copy(this.head, this.headFill, p, p + n);
      this.headFill += n;
      p += n;
      if (this.headFill === NLMSGHDR && this.head.readUInt32LE(0) > NLMSGHDR) continue;
      if (this.headFill >= NLMSGHDR && this.headFill === Math.min(20, this.head.readUInt32LE(0))) {
        const len = this.head.readUInt32LE(0);
        this.headFill = 0;
        this.emitHead(this.head, 0, len);
        this.skip = align4(len) - Math.min(20, len);
      }
    }
  }

  /** A message whose first 20 bytes are all in `buf` at `p`; advances via skip. */
  private emit(buf: Buffer, p: number): void {
    const len = buf.readUInt32LE(p);
    if (len < NLMSGHDR) throw new Error(`bad nlmsg_len ${len}`);
    this.emitHead(buf, p, len);
    this.skip = align4(len);
  }

  private emitHead(buf: Buffer, p: number, len: number): void {
    const m = this.info;
    m.len = len;
    m.type = buf.readUInt16LE(p + 4);
    m.flags = buf.readUInt16LE(p + 6);
    m.seq = buf.readUInt32LE(p + 8);
    m.error = m.type === NLMSG_ERROR && len >= 20 ? buf.readInt32LE(p + 16) : 0;
    this.messages++;
    this.onMessage(m);
  }
}

/** A connection that reads into one preallocated buffer and feeds a MessageCounter. */
export interface NlConnection {
  socket: Socket;
  counter: MessageCounter;
  send(b: Buffer): void;
  close(): void;
}

export function nlConnect(path: string, onMessage: (m: MessageInfo) => void, readBuffer = 256 * 1024): Promise<NlConnection> {
  const counter = new MessageCounter(onMessage);
  return new Promise((resolve, reject) => {
    const socket = connect({
      path,
      onread: {
        buffer: Buffer.allocUnsafe(readBuffer),
        callback: (nread: number, buf: Uint8Array) => {
          counter.feed(buf as Buffer, nread);
          return true;
        },
      },
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve({
        socket,
        counter,
        send: (b) => void socket.write(b),
        close: () => socket.destroy(),
      });
    });
  });
}
