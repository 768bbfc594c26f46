import ipaddr from 'ipaddr.js';
import {
  IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR, IFA_F_MCAUTOJOIN, IFA_F_NODAD, IFA_F_NOPREFIXROUTE, INFINITY,
  RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_SITE, RT_SCOPE_UNIVERSE, type Inet4Request, type Inet6Request,
} from './model/addresses.js';
import type { NetworkModel } from './model/store.js';
import type { Link } from './model/types.js';

/** A seed address, ready for the model (the ifindex is added when it is applied). */
export type SeedAddress =
  | { family: 'inet'; request: Omit<Inet4Request, 'ifindex'> }
  | { family: 'inet6'; request: Omit<Inet6Request, 'ifindex'> };

interface Parsed {
  local: ipaddr.IPv4 | ipaddr.IPv6;
  prefixlen: number;
  peer?: ipaddr.IPv4 | ipaddr.IPv6;
  broadcast?: string;
  label?: string;
  scope: number;
  flags: number;
  valid?: number;
  preferred?: number;
  metric?: number;
  proto?: number;
}

const SCOPES: Readonly<Record<string, number>> = {
  host: RT_SCOPE_HOST, link: RT_SCOPE_LINK, site: RT_SCOPE_SITE, global: RT_SCOPE_UNIVERSE, universe: RT_SCOPE_UNIVERSE,
};

const FLAG_WORDS: Readonly<Record<string, number>> = {
  nodad: IFA_F_NODAD, noprefixroute: IFA_F_NOPREFIXROUTE, home: IFA_F_HOMEADDRESS, mngtmpaddr: IFA_F_MANAGETEMPADDR,
  autojoin: IFA_F_MCAUTOJOIN,
};

function lifetime(v: string): number {
  if (v === 'forever') return INFINITY;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n >= INFINITY) throw new Error(`"${v}" is not a lifetime (seconds or "forever")`);
  return n;
}

function number(v: string, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`"${v}" is not a number from 0 to ${max}`);
  return n;
}

function address(text: string): { ip: ipaddr.IPv4 | ipaddr.IPv6; prefixlen?: number } {
  const [addr, plen] = text.split('/');
  if (!addr || !ipaddr.isValid(addr) || (addr.includes(':') ? !ipaddr.IPv6.isValid(addr) : !ipaddr.IPv4.isValidFourPartDecimal(addr))) {
    throw new Error(`"${text}" is not an IPv4 or IPv6 address`);
  }
  const ip = ipaddr.parse(addr);
  if (plen === undefined) return { ip };
  return { ip, prefixlen: number(plen, ip.kind() === 'ipv4' ? 32 : 128) };
}

/** Keywords that take a value, as `ip address add` reads them. */
const VALUE_WORDS: Readonly<Record<string, (p: Parsed, v: string) => void>> = {
  peer: (p, v) => {
    const { ip, prefixlen } = address(v);
    p.peer = ip;
    if (prefixlen !== undefined) p.prefixlen = prefixlen;
  },
  brd: (p, v) => void (p.broadcast = v),
  broadcast: (p, v) => void (p.broadcast = v),
  label: (p, v) => void (p.label = v),
  scope: (p, v) => void (p.scope = SCOPES[v] ?? number(v, 255)),
  valid_lft: (p, v) => void (p.valid = lifetime(v)),
  preferred_lft: (p, v) => void (p.preferred = lifetime(v)),
  metric: (p, v) => void (p.metric = number(v, 0xffffffff)),
  priority: (p, v) => void (p.metric = number(v, 0xffffffff)),
  proto: (p, v) => void (p.proto = number(v, 255)),
};

/** `brd +` / `brd -`: iproute2 computes the broadcast (all host bits set) or network address itself. */
function broadcastOf(p: Parsed): Uint8Array {
  const cidr = `${p.local.toString()}/${p.prefixlen}`;
  if (p.broadcast === '+') return new Uint8Array(ipaddr.IPv4.broadcastAddressFromCIDR(cidr).toByteArray());
  if (p.broadcast === '-') return new Uint8Array(ipaddr.IPv4.networkAddressFromCIDR(cidr).toByteArray());
  const { ip } = address(p.broadcast!);
  if (ip.kind() !== 'ipv4') throw new Error(`broadcast "${p.broadcast}" is not an IPv4 address`);
  return new Uint8Array(ip.toByteArray());
}

/**
 * Parses an address the way `ip address add` takes it:
 *   ADDR[/PLEN] [peer ADDR[/PLEN]] [brd ADDR|+|-] [label NAME] [scope host|link|site|global|N]
 *   [valid_lft SECS|forever] [preferred_lft SECS|forever] [metric N] [proto N]
 *   [nodad] [noprefixroute] [home] [mngtmpaddr] [autojoin]
 * The prefix length defaults to the full address (/32, /128). Throws an Error naming the problem.
 */
export function parseSeedAddress(text: string): SeedAddress {
  let parsed = parsedAddresses.get(text);
  if (parsed === undefined) {
    parsed = parseAddress(text);
    if (parsedAddresses.size >= PARSED_MAX) parsedAddresses.clear();
    parsedAddresses.set(text, parsed);
  }
  return parsed;
}

/**
 * Parsed seed addresses by text: a rig repeats the same few addresses in every namespace, and a
 * seed's addresses are parsed twice (checked when read, parsed again when applied). The model
 * copies what it keeps (addSeedAddress spreads the request; address bytes are never written to).
 */
const parsedAddresses = new Map<string, SeedAddress>();
const PARSED_MAX = 4096;

function parseAddress(text: string): SeedAddress {
  const words = text.trim().split(/\s+/);
  const first = address(words.shift() ?? '');
  const v4 = first.ip.kind() === 'ipv4';
  const p: Parsed = { local: first.ip, prefixlen: first.prefixlen ?? (v4 ? 32 : 128), scope: RT_SCOPE_UNIVERSE, flags: 0 };
  while (words.length > 0) {
    const word = words.shift()!;
    const flag = FLAG_WORDS[word];
    const setter = VALUE_WORDS[word];
    if (flag !== undefined) p.flags |= flag;
    else if (setter) {
      const value = words.shift();
      if (value === undefined) throw new Error(`"${word}" needs a value`);
      setter(p, value);
    } else throw new Error(`unknown word "${word}"`);
  }
  if (p.peer && p.peer.kind() !== p.local.kind()) throw new Error('the peer is not of the same family as the address');
  const lifetimes = p.valid !== undefined || p.preferred !== undefined
    ? { valid: p.valid ?? INFINITY, prefered: p.preferred ?? INFINITY } : undefined;
  const local = new Uint8Array(p.local.toByteArray());
  const peer = p.peer ? new Uint8Array(p.peer.toByteArray()) : undefined;
  const common = { prefixlen: p.prefixlen, flags: p.flags, lifetimes, proto: p.proto, rtPriority: p.metric };
  if (v4) {
    return {
      family: 'inet',
      request: {
        ...common, scope: p.scope, local, address: peer ?? local, label: p.label,
        broadcast: p.broadcast !== undefined ? broadcastOf(p) : undefined,
      },
    };
  }
  if (p.broadcast !== undefined || p.label !== undefined) throw new Error('IPv6 addresses have no broadcast or label');
  return { family: 'inet6', request: { ...common, local, address: peer } };
}

/** Adds a seed address to `link` as `ip address add` would (NLM_F_CREATE|NLM_F_EXCL). */
export function addSeedAddress(model: NetworkModel, link: Readonly<Link>, a: SeedAddress): void {
  const mode = { excl: true, replace: false };
  if (a.family === 'inet') model.addresses.newInet4({ ...a.request, ifindex: link.index }, mode);
  else model.addresses.newInet6({ ...a.request, ifindex: link.index }, mode);
}
