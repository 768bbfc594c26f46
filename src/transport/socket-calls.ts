import { writeAck } from '../../protocol/ack.js';
import {
  NETLINK_ADD_MEMBERSHIP, NETLINK_BROADCAST_ERROR, NETLINK_CAP_ACK, NETLINK_DROP_MEMBERSHIP, NETLINK_EXT_ACK,
  NETLINK_GET_STRICT_CHK, NETLINK_LIST_MEMBERSHIPS, NETLINK_LISTEN_ALL_NSID, NETLINK_NO_ENOBUFS, SOCKET_CALL_BIND,
  SOCKET_CALL_GETNS, SOCKET_CALL_GETSOCKNAME, SOCKET_CALL_GETSOCKOPT, SOCKET_CALL_NETNS_ADD, SOCKET_CALL_NETNS_DEL,
  SOCKET_CALL_NETNS_FD, SOCKET_CALL_NETNS_LIST, SOCKET_CALL_SETNS, SOCKET_CALL_SETPID, SOCKET_CALL_SETSOCKOPT,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { nlmsgSeq } from '../../protocol/nlmsg.js';
import { decodeSocketCall, decodeSocketCallName, writeSocketCallNamesReply, writeSocketCallReply } from '../../protocol/socket-call.js';
import type { NlWriter } from '../../protocol/writer.js';
import { ModelError } from '../model/errors.js';
import type { Namespace } from '../model/netns/namespace.js';
import type { Connection } from './connection.js';
import { Memberships } from './memberships.js';
import type { NetnsService } from './netns-service.js';

/** The socket state the in-band calls read and write. */
export interface SocketOptions {
  readonly portid: number;
  readonly memberships: Memberships;
  capAck: boolean;
  extAck: boolean;
  strict: boolean;
  noEnobufs: boolean;
  broadcastError: boolean;
  /** Called when NETLINK_NO_ENOBUFS is set: it also clears the congested state. */
  clearCongestion(): void;
  // Namespace state (TRANSPORT.md, Namespaces); absent fields: a daemon of one namespace.
  readonly readOnly?: boolean;
  readonly dumping?: boolean;
  readonly netns?: Namespace | undefined;
  readonly netnsFds?: Map<number, Namespace>;
  clientPid?: number | undefined;
  listenAllNsid?: boolean;
  readonly netnsService?: NetnsService | undefined;
}

/** Boolean options: getsockopt returns 0/1, setsockopt takes any int as a truth value. */
const BOOLEAN_OPTIONS: Record<number, 'capAck' | 'extAck' | 'strict' | 'noEnobufs' | 'broadcastError'> = {
  [NETLINK_BROADCAST_ERROR]: 'broadcastError',
  [NETLINK_NO_ENOBUFS]: 'noEnobufs',
  [NETLINK_CAP_ACK]: 'capAck',
  [NETLINK_EXT_ACK]: 'extAck',
  [NETLINK_GET_STRICT_CHK]: 'strict',
};

/**
 * Executes one in-band socket call (protocol/TRANSPORT.md): setsockopt and bind answer with
 * NLMSG_ERROR (0 or -errno) whatever NLM_F_ACK says; getsockopt and getsockname answer with a
 * type-15 message. Errors follow net/netlink/af_netlink.c.
 */
export function handleSocketCall(message: Buffer, sock: SocketOptions, out: NlWriter): void | Promise<void> {
  const seq = nlmsgSeq(message);
  const reply = (errno: number) => writeAck(out, message, errno, sock.portid, sock);
  const call = decodeSocketCall(message);
  if (!call) return reply(Errno.EINVAL);
  if (call.call >= SOCKET_CALL_SETNS) return handleNetnsCall(message, call.call, call.name, call.value, sock, out);
  switch (call.call) {
    case SOCKET_CALL_SETSOCKOPT: {
      const { name, value } = call;
      if (name === NETLINK_ADD_MEMBERSHIP || name === NETLINK_DROP_MEMBERSHIP) {
        if (!Memberships.valid(value)) return reply(Errno.EINVAL);
        if (name === NETLINK_ADD_MEMBERSHIP) sock.memberships.add(value);
        else sock.memberships.drop(value);
        return reply(0);
      }
      if (name === NETLINK_LISTEN_ALL_NSID && sock.netnsService) {
        sock.netnsService.listenAllNsid(sock as Connection, value !== 0);
        return reply(0);
      }
      const option = BOOLEAN_OPTIONS[name];
      if (!option) return reply(Errno.ENOPROTOOPT);
      sock[option] = value !== 0;
      if (option === 'noEnobufs' && value !== 0) sock.clearCongestion();
      return reply(0);
    }
    case SOCKET_CALL_GETSOCKOPT: {
      if (call.name === NETLINK_LIST_MEMBERSHIPS) {
        const [first, ...rest] = sock.memberships.list();
        return writeSocketCallReply(out, seq, sock.portid, { ...call, value: first ?? 0 }, rest);
      }
      if (call.name === NETLINK_LISTEN_ALL_NSID && sock.netnsService) {
        return writeSocketCallReply(out, seq, sock.portid, { ...call, value: sock.listenAllNsid ? 1 : 0 });
      }
      const option = BOOLEAN_OPTIONS[call.name];
      if (!option) return reply(Errno.ENOPROTOOPT);
      return writeSocketCallReply(out, seq, sock.portid, { ...call, value: sock[option] ? 1 : 0 });
    }
    case SOCKET_CALL_BIND:
      sock.memberships.setLegacy(call.value);
      return reply(0);
    case SOCKET_CALL_GETSOCKNAME:
      return writeSocketCallReply(out, seq, sock.portid, { call: call.call, name: sock.memberships.legacy, value: sock.portid });
    default:
      return reply(Errno.EINVAL);
  }
}

/** The errno (and text) of a failed namespace operation. */
function failure(e: unknown): { errno: number; text?: string | undefined } {
  if (e instanceof ModelError) return { errno: Errno[e.code], text: e.extMsg };
  throw e;
}

/** Calls 5-12: namespaces (protocol/TRANSPORT.md, Namespaces). */
function handleNetnsCall(message: Buffer, call: number, field: number, value: number, sock: SocketOptions, out: NlWriter): void | Promise<void> {
  const seq = nlmsgSeq(message);
  const reply = (errno: number, text?: string) => writeAck(out, message, errno, sock.portid, sock, text ? { extMsg: text } : undefined);
  const service = sock.netnsService;
  if (!service || !sock.netns) return reply(Errno.EOPNOTSUPP, 'rtnld: this daemon serves no namespaces');
  const conn = sock as Connection;
  const namespaces = service.namespaces;
  switch (call) {
    case SOCKET_CALL_NETNS_LIST: {
      const names = [...namespaces.all()].filter((n) => !n.initial).map((n) => n.name);
      return writeSocketCallNamesReply(out, seq, sock.portid, { call, name: names.length, value: 0 }, names);
    }
    case SOCKET_CALL_GETNS:
      return writeSocketCallNamesReply(out, seq, sock.portid, { call, name: 0, value: 0 }, [sock.netns.name]);
    case SOCKET_CALL_SETPID:
      sock.clientPid = value;
      return reply(0);
  }
  const name = decodeSocketCallName(message);
  if (name === undefined) return reply(Errno.EINVAL, 'rtnld: namespace call without a NUL-terminated name');
  switch (call) {
    case SOCKET_CALL_SETNS: {
      const to = namespaces.get(name);
      if (!to) return reply(Errno.ENOENT, `no namespace "${name}"`);
      if (sock.dumping) return reply(Errno.EBUSY, 'a dump is running on this connection');
      service.setns(conn, to);
      return reply(0);
    }
    case SOCKET_CALL_NETNS_FD: {
      if (value === 1) return reply(sock.netnsFds!.delete(field) ? 0 : Errno.EBADF);
      if (value !== 0) return reply(Errno.EINVAL);
      const ns = namespaces.get(name);
      if (!ns) return reply(Errno.ENOENT, `no namespace "${name}"`);
      sock.netnsFds!.set(field, ns);
      return reply(0);
    }
    case SOCKET_CALL_NETNS_ADD:
    case SOCKET_CALL_NETNS_DEL: {
      if (sock.readOnly) return reply(Errno.EPERM);
      const op = call === SOCKET_CALL_NETNS_ADD ? service.add(name) : service.del(name);
      return op.then(
        () => reply(0),
        (e: unknown) => {
          const f = failure(e);
          reply(f.errno, f.text);
        },
      );
    }
    default:
      return reply(Errno.EINVAL);
  }
}
