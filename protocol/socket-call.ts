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

/**
 * The namespace name after a namespace call's 12 bytes: up to the first NUL, which must be
 * inside nlmsg_len. undefined when there is none (the caller answers -EINVAL).
 */
export function decodeSocketCallName(message: Buffer): string | undefined {
  const start = NLMSG_HDRLEN + SOCKET_CALL_SIZE;
  const nul = message.indexOf(0, start);
  if (nul < 0 || nul >= message.length) return undefined;
  return message.toString('utf8', start, nul);
}

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

/** A reply carrying names (NETNS_LIST, GETNS): each NUL-terminated, the whole padded to 4. */
export function writeSocketCallNamesReply(w: NlWriter, seq: number, pid: number, reply: SocketCall, names: readonly string[]): void {
  const at = w.msgStart(RTNLD_SOCKET_CALL, 0, seq, pid);
  w.u32(reply.call).u32(reply.name).u32(reply.value);
  for (const n of names) w.bytes(Buffer.from(`${n}\0`));
  w.pad();
  w.msgEnd(at);
}

/** A call from the client; `name` (namespace calls) is sent NUL-terminated and padded to 4. */
export function writeSocketCall(w: NlWriter, seq: number, call: SocketCall, flags = 1, name?: string): void {
  const at = w.msgStart(RTNLD_SOCKET_CALL, flags, seq, 0);
  w.u32(call.call).u32(call.name).u32(call.value);
  if (name !== undefined) w.bytes(Buffer.from(`${name}\0`)).pad();
  w.msgEnd(at);
}

/** The names of a NETNS_LIST / GETNS reply. */
export function decodeSocketCallNames(message: Buffer): string[] {
  const names: string[] = [];
  let at = NLMSG_HDRLEN + SOCKET_CALL_SIZE;
  const end = message.readUInt32LE(0);
  while (at < end) {
    const nul = message.indexOf(0, at);
    if (nul < 0 || nul >= end) break;
    if (nul === at) break; // padding
    names.push(message.toString('utf8', at, nul));
    at = nul + 1;
  }
  return names;
}
