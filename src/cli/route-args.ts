import { AF_INET, AF_INET6, AF_UNSPEC } from '../../protocol/constants.js';
import { DSFIELDS, PROTOCOLS, TABLES } from '../format/route-names.js';
import { parseScope } from '../format/names.js';
import { ExitNow, matches, parseUnsigned } from './args.js';
import { familyName, parseAddr, parsePrefixLoose } from './common.js';

// The name -> number side of iproute2's route tables (ip/rtm_map.c, lib/rt_names.c) and its
// address readers (lib/utils.c) as `ip route` uses them.

/** rtnl_rtntype_a2n(): names (most may be abbreviated) or a number up to 255. */
export function parseRouteType(text: string): number | undefined {
  const names: ReadonlyArray<readonly [string, number, boolean]> = [
    ['local', 2, true], ['nat', 10, true], ['broadcast', 3, false], ['anycast', 4, false], ['multicast', 5, false],
    ['prohibit', 8, false], ['unreachable', 7, false], ['blackhole', 6, false], ['xresolve', 11, false],
    ['unicast', 1, false], ['throw', 9, true],
  ];
  if (text === 'brd') return 3;
  for (const [name, type, exact] of names) if (exact ? text === name : matches(text, name)) return type;
  return parseUnsigned(text, 255);
}

/** rtnl_rtprot_a2n() */
export function parseRouteProtocol(text: string): number | undefined {
  return PROTOCOLS.find(([, name]) => name === text)?.[0] ?? parseUnsigned(text, 255);
}

/** rtnl_rttable_a2n() */
export function parseRouteTable(text: string): number | undefined {
  return TABLES.find(([, name]) => name === text)?.[0] ?? parseUnsigned(text, 0xffffffff);
}

/** rtnl_dsfield_a2n(): a name, else hexadecimal up to 255. */
export function parseDsfield(text: string): number | undefined {
  const named = DSFIELDS.find(([, name]) => name === text);
  if (named) return named[0];
  const hex = text.replace(/^0[xX]/, '');
  if (!/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  const v = parseInt(hex, 16);
  return v <= 255 ? v : undefined;
}

/** rtnl_rtscope_a2n() */
export const parseRouteScope = parseScope;

/** get_rt_realms_or_raw(): "[FROM/]TO" realms or a raw u32. */
export function parseRealms(text: string): number | undefined {
  const one = (t: string) => (t === 'cosmos' ? 0 : parseUnsigned(t, 255));
  const slash = text.indexOf('/');
  if (slash < 0) return one(text) ?? parseUnsigned(text);
  const from = slash > 0 ? one(text.slice(0, slash)) : 0;
  const to = slash + 1 < text.length ? one(text.slice(slash + 1)) : 0;
  if (from === undefined || to === undefined) return undefined;
  return ((from << 16) | to) >>> 0;
}

/** read_family() */
export function readFamily(word: string): number {
  if (word === 'inet') return AF_INET;
  if (word === 'inet6') return AF_INET6;
  return AF_UNSPEC;
}

/** inet_prefix as get_prefix() fills it: `bytes` is what goes into RTA_DST (empty for "any"). */
export interface RoutePrefix {
  family: number;
  bytes: Uint8Array;
  bitlen: number;
}

const byteLen = (family: number) => (family === AF_INET6 ? 16 : family === AF_INET ? 4 : 0);

/** get_prefix(): "default" (zero bytes of the family), "any"/"all" (none), or ADDR[/LEN]. */
export function getRoutePrefix(text: string, family: number): RoutePrefix {
  if (text === 'default') return { family, bytes: new Uint8Array(byteLen(family)), bitlen: 0 };
  if (text === 'any' || text === 'all') return { family, bytes: new Uint8Array(0), bitlen: 0 };
  const p = parsePrefixLoose(text, family);
  if (!p) throw new ExitNow(1, `Error: ${familyName(family)} prefix is expected rather than "${text}".\n`);
  return { family: p.family, bytes: p.bytes, bitlen: p.prefixlen };
}

/** get_addr(): an address (or "default"/"any"), else 'Error: ... address is expected', exit(1). */
export function getRouteAddr(text: string, family: number): RoutePrefix {
  if (text === 'default') return { family, bytes: new Uint8Array(byteLen(family)), bitlen: 0 };
  if (text === 'any' || text === 'all') return { family, bytes: new Uint8Array(0), bitlen: 0 };
  const a = parseAddr(text, family);
  if (!a) throw new ExitNow(1, `Error: ${familyName(family)} address is expected rather than "${text}".\n`);
  return { family: a.family, bytes: a.bytes, bitlen: byteLen(a.family) * 8 };
}

/** get_time_rtt(): "N" (raw), "Ns"/"Nms" (milliseconds); undefined when invalid. */
export function parseTimeRtt(text: string): { value: number; raw: boolean } | undefined {
  const m = /^(\d+(?:\.\d*)?|0[xX][0-9a-fA-F]+)(.*)$/.exec(text);
  if (!m) return undefined;
  const t = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  if (!unit) return { value: Math.trunc(t), raw: true };
  if (unit === 's' || unit === 'sec' || unit === 'secs') return { value: Math.trunc(t * 1000), raw: false };
  if (unit === 'ms' || unit === 'msec' || unit === 'msecs') return { value: Math.trunc(t), raw: false };
  return undefined;
}
