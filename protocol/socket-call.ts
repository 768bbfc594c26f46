import { NLMSG_HDRLEN } from './align.js';
import { RTNLD_SOCKET_CALL } from './constants.js';
import type { NlWriter } from './writer.js';

/**
 * rtnld's in-band socket calls (protocol/TRANSPORT.md): nlmsg_type 15, payload host-order
 * u32 `call, name, value`, standing in for setsockopt/getsockopt/bind/getsockname, which a
 * Unix stream socket cannot carry to the daemon.
 */
export interface SocketCall {
  call: number;
  name: number;
  value: number;
}

export const SOCKET_CALL_SIZE = 12;

export function decodeSocketCall(message: Buffer): SocketCall | undefined {
  if (message.length < NLMSG_HDRLEN + SOCKET_CALL_SIZE) return undefined;
  return {
    call: message.readUInt32LE(NLMSG_HDRLEN),
    name: message.readUInt32LE(NLMSG_HDRLEN + 4),
    value: message.readUInt32LE(NLMSG_HDRLEN + 8),
  };
}

/** A reply to getsockopt / getsockname; `extra` carries further u32 words (LIST_MEMBERSHIPS past group 32). */
export function writeSocketCallReply(w: NlWriter, seq: number, pid: number, reply: SocketCall, extra: readonly number[] = []): void {
  const at = w.msgStart(RTNLD_SOCKET_CALL, 0, seq, pid);
  w.u32(reply.call).u32(reply.name).u32(reply.value);
  for (const word of extra) w.u32(word);
  w.msgEnd(at);
}

export function writeSocketCall(w: NlWriter, seq: number, call: SocketCall, flags = 1): void {
  const at = w.msgStart(RTNLD_SOCKET_CALL, flags, seq, 0);
  w.u32(call.call).u32(call.name).u32(call.value);
  w.msgEnd(at);
}
