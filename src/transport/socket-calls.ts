import { writeAck } from '../../protocol/ack.js';
import {
  NETLINK_ADD_MEMBERSHIP, NETLINK_BROADCAST_ERROR, NETLINK_CAP_ACK, NETLINK_DROP_MEMBERSHIP, NETLINK_EXT_ACK,
  NETLINK_GET_STRICT_CHK, NETLINK_LIST_MEMBERSHIPS, NETLINK_NO_ENOBUFS, SOCKET_CALL_BIND, SOCKET_CALL_GETSOCKNAME,
  SOCKET_CALL_GETSOCKOPT, SOCKET_CALL_SETSOCKOPT,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { nlmsgSeq } from '../../protocol/nlmsg.js';
import { decodeSocketCall, writeSocketCallReply } from '../../protocol/socket-call.js';
import type { NlWriter } from '../../protocol/writer.js';
import { Memberships } from './memberships.js';

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
export function handleSocketCall(message: Buffer, sock: SocketOptions, out: NlWriter): void {
  const seq = nlmsgSeq(message);
  const reply = (errno: number) => writeAck(out, message, errno, sock.portid, sock);
  const call = decodeSocketCall(message);
  if (!call) return reply(Errno.EINVAL);
  switch (call.call) {
    case SOCKET_CALL_SETSOCKOPT: {
      const { name, value } = call;
      if (name === NETLINK_ADD_MEMBERSHIP || name === NETLINK_DROP_MEMBERSHIP) {
        if (!Memberships.valid(value)) return reply(Errno.EINVAL);
        if (name === NETLINK_ADD_MEMBERSHIP) sock.memberships.add(value);
        else sock.memberships.drop(value);
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
