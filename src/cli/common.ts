import { AF_INET, AF_INET6, AF_PACKET, AF_UNSPEC } from '../../protocol/constants.js';
import { parseIpv6, type InetPrefix } from '../../protocol/inet.js';
import { NetlinkError } from '../client/errors.js';
import { CommandFailed, ExitNow } from './args.js';
import type { Context } from './context.js';

/** family_name() */
export function familyName(family: number): string {
  switch (family) {
    case AF_INET: return 'inet';
    case AF_INET6: return 'inet6';
    case AF_PACKET: return 'link';
    default: return 'any valid';
  }
}

/**
 * get_addr_ipv4(): one to four dot-separated numbers (decimal, 0x hex or 0 octal), missing
 * trailing parts are zero ("10" is 10.0.0.0), as iproute2 accepts them.
 */
export function parseIpv4Loose(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    let v: number;
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) v = parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) v = parseInt(p, 8);
    else if (/^[1-9]\d*$/.test(p)) v = Number(p);
    else return undefined;
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

/** get_addr_1() for inet / inet6 (and "any"): an address, or undefined. */
export function parseAddr(text: string, family: number): { family: number; bytes: Uint8Array } | undefined {
  if (text.includes(':')) {
    if (family !== AF_UNSPEC && family !== AF_INET6) return undefined;
    const b = parseIpv6(text);
    return b ? { family: AF_INET6, bytes: b } : undefined;
  }
  if (family !== AF_UNSPEC && family !== AF_INET) return undefined;
  const b = parseIpv4Loose(text);
  return b ? { family: AF_INET, bytes: b } : undefined;
}

/** get_prefix_1(): "ADDR[/LEN]". */
export function parsePrefixLoose(text: string, family: number): InetPrefix | undefined {
  const slash = text.indexOf('/');
  const addr = parseAddr(slash < 0 ? text : text.slice(0, slash), family);
  if (!addr) return undefined;
  const max = addr.family === AF_INET ? 32 : 128;
  if (slash < 0) return { family: addr.family as typeof AF_INET, bytes: addr.bytes, prefixlen: max, explicitLength: false };
  const len = text.slice(slash + 1);
  if (!/^\d+$/.test(len) || Number(len) > max) return undefined;
  return { family: addr.family as typeof AF_INET, bytes: addr.bytes, prefixlen: Number(len), explicitLength: true };
}

/** get_prefix(): on failure 'Error: FAMILY prefix is expected rather than "ARG".', exit(1). */
export function getPrefixOrExit(text: string, family: number): InetPrefix {
  const p = parsePrefixLoose(text, family);
  if (!p) throw new ExitNow(1, `Error: ${familyName(family)} prefix is expected rather than "${text}".\n`);
  return p;
}

/** get_addr(): on failure 'Error: FAMILY address is expected rather than "ARG".', exit(1). */
export function getAddrOrExit(text: string, family: number): { family: number; bytes: Uint8Array } {
  const a = parseAddr(text, family);
  if (!a) throw new ExitNow(1, `Error: ${familyName(family)} address is expected rather than "${text}".\n`);
  return a;
}

/**
 * How iproute2 reports a refused request (lib/libnetlink.c): the extended-ack text as
 * "Error: TEXT." when there is one, else "RTNETLINK answers: STRERROR".
 */
export function netlinkErrorText(e: NetlinkError): string {
  if (e.extAck) return `Error: ${e.extAck}${e.extAck.endsWith('.') ? '' : '.'}\n`;
  return `RTNETLINK answers: ${e.strerror}\n`;
}

/** A warning attached to a successful ACK: "Warning: TEXT." */
export function netlinkWarningText(text: string): string {
  return `Warning: ${text}${text.endsWith('.') ? '' : '.'}\n`;
}

/** rtnl_talk() for a change: prints the ACK's warning, or the error with exit status 2. */
export async function reportChange(ctx: Context, change: Promise<{ warning?: string | undefined }>): Promise<number> {
  try {
    const { warning } = await change;
    if (warning) ctx.err(netlinkWarningText(warning));
    return 0;
  } catch (e) {
    if (e instanceof NetlinkError) {
      ctx.err(netlinkErrorText(e));
      return 2;
    }
    throw e;
  }
}

/** rtnl_talk() failed: the command returns -2 (exit status 2). */
export function talkFailed(e: unknown): never {
  if (e instanceof NetlinkError) throw new CommandFailed(netlinkErrorText(e), 2);
  throw e;
}

/** rtnl_dump_filter() failed: "Dump terminated", exit(1). */
export function dumpFailed(e: unknown): never {
  if (e instanceof NetlinkError) {
    throw new ExitNow(1, `${netlinkErrorText(e)}Dump terminated\n`);
  }
  throw e;
}
