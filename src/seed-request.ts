import { strerror } from '../protocol/errno-names.js';
import { decodeNlMsgHdr, NLMSGHDR_SIZE } from '../protocol/structs.js';
import { NlWriter } from '../protocol/writer.js';
import { CommandFailed, ExitNow } from './cli/args.js';
import type { NetworkModel } from './model/store.js';
import { findHandler } from './rtnl/dispatch.js';
import { toNlError } from './rtnl/errors.js';

/**
 * Seed entries written as command words (`routes:`, `rules:`, `fdb:`) become the request the
 * command would send, parsed by rtnl's own parser, and go through the handler a netlink request
 * reaches: a seed entry is checked exactly as the request would be and fails with the kernel's
 * message.
 */

/** The words of one seed entry. */
export const seedWords = (text: string): string[] => text.trim().split(/\s+/).filter(Boolean);

/** The parser's refusal as an Error: iproute2's message (usage text reduced to `usage`). */
export function parseRefusal(e: unknown, usage: string): unknown {
  if (!(e instanceof ExitNow || e instanceof CommandFailed)) return e;
  const text = e.stderr.split('\n')[0]!.replace(/^Error: /, '').replace(/^Usage: .*/, usage);
  return new Error(text.trim());
}

/** Where a seed request's handler writes (nothing but echoes, which seeds never ask for): one for all, reset after each. */
const out = new NlWriter(256);

/** Hands `message` to its doit handler; throws an Error with the kernel's ext-ack text and errno. */
export function handleSeedRequest(model: NetworkModel, message: Buffer, what: string): void {
  const type = message.readUInt16LE(4);
  const handler = findHandler(message[NLMSGHDR_SIZE]!, type, 'doit');
  if (!handler?.doit) throw new Error(`${what} of this family are not modelled`);
  const session = { portid: 0, strict: false, extAck: true, capAck: false, readOnly: false };
  try {
    handler.doit({ model, message, hdr: decodeNlMsgHdr(message), session, out });
  } catch (e) {
    const err = toNlError(e);
    throw new Error(err.extMsg ? `${err.extMsg} (${strerror(err.errno)})` : strerror(err.errno));
  } finally {
    out.truncate(0);
  }
}
