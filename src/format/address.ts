import { AF_INET, AF_INET6, RTM_DELADDR } from '../../protocol/constants.js';
import { formatInet } from '../../protocol/inet.js';
import type { JsonObject } from './json.js';
import type { LinkTable } from './link-table.js';
import { scopeName } from './names.js';
import { Printer } from './printer.js';

/**
 * What the iproute2 address printer needs from an RTM_NEWADDR / RTM_DELADDR message: the
 * daemon's AddrMessage (protocol/addr-message.ts) and a decoded one (addr-decode.ts) both fit.
 */
export interface AddressView {
  family: number;
  prefixlen: number;
  /** IFA_FLAGS when present, else ifa_flags (get_ifa_flags()). */
  flags: number;
  scope: number;
  index: number;
  address?: Uint8Array | undefined;
  local?: Uint8Array | undefined;
  broadcast?: Uint8Array | undefined;
  anycast?: Uint8Array | undefined;
  label?: string | undefined;
  /** IFA_RT_PRIORITY ("metric"); 0 means none (the kernel leaves the attribute out). */
  rtPriority?: number | undefined;
  cacheinfo?: { prefered: number; valid: number; cstamp: number; tstamp: number } | undefined;
}

export interface AddressPrintOptions {
  /** Prefix "N: dev" (iproute2's filter.oneline: -o, and ip monitor). */
  withIndex: boolean;
  /** RTM_NEWADDR or RTM_DELADDR ("Deleted "). */
  msgType?: number;
}

const INFINITY_LIFE_TIME = 0xffffffff;
const IFA_F_SECONDARY = 0x01;
const IFA_F_PERMANENT = 0x80;
const IFA_F_DEPRECATED = 0x20;

/** ifa_flag_names[] of ip/ipaddress.c, in its order. */
const IFA_FLAG_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['secondary', IFA_F_SECONDARY], ['temporary', IFA_F_SECONDARY], ['nodad', 0x02], ['optimistic', 0x04],
  ['dadfailed', 0x08], ['home', 0x10], ['deprecated', IFA_F_DEPRECATED], ['tentative', 0x40],
  ['permanent', IFA_F_PERMANENT], ['mngtmpaddr', 0x100], ['noprefixroute', 0x200], ['autojoin', 0x400],
  ['stable-privacy', 0x800],
];

/** Parses an iproute2 address flag name (for `ip address add ... nodad`): its bit, or undefined. */
export function addressFlagBit(name: string): number | undefined {
  return IFA_FLAG_NAMES.find(([n]) => n === name)?.[1];
}

function printFlags(p: Printer, a: AddressView): void {
  let flags = a.flags;
  for (const [name, mask] of IFA_FLAG_NAMES) {
    if (mask === IFA_F_PERMANENT) {
      if (!(flags & mask)) p.any('dynamic', 'dynamic ', true);
    } else if (flags & mask) {
      if (mask === IFA_F_SECONDARY && a.family === AF_INET6) {
        p.any('temporary', 'temporary ', true);
      } else {
        p.text(`${name} `);
        p.json(name, true);
      }
    }
    flags &= ~mask;
  }
  if (flags) {
    const hex = flags.toString(16).padStart(2, '0');
    if (p.isJson) p.json('ifa_flags', hex);
    else p.text(`flags ${hex} `);
  }
}

const same = (x: Uint8Array, y: Uint8Array, n: number) => Buffer.compare(Buffer.from(x.subarray(0, n)), Buffer.from(y.subarray(0, n))) === 0;

/** print_addrinfo() of iproute2 6.1 for one address. Text ends with a newline. */
export function printAddress(p: Printer, a: AddressView, names: LinkTable, o: AddressPrintOptions): void {
  if (o.msgType === RTM_DELADDR) p.any('deleted', 'Deleted ', true);
  if (o.withIndex) {
    const dev = names.name(a.index);
    if (p.isJson) {
      p.json('index', a.index);
      p.json('dev', dev);
    } else {
      p.text(`${a.index}: ${dev}`);
    }
  }
  if (a.family === AF_INET) p.any('family', '    inet ', 'inet');
  else if (a.family === AF_INET6) p.any('family', '    inet6 ', 'inet6');
  else p.any('family_index', `    family ${a.family} `, a.family);
  printLocal(p, a);
  if (a.broadcast) {
    const b = formatInet(a.broadcast, a.family);
    p.text('brd ');
    p.any('broadcast', `${b} `, b);
  }
  if (a.anycast) {
    const any = formatInet(a.anycast, a.family);
    p.text('any ');
    p.any('anycast', `${any} `, any);
  }
  const scope = scopeName(a.scope);
  p.any('scope', `scope ${scope} `, scope);
  printFlags(p, a);
  if (a.label !== undefined) p.any('label', a.label, a.label);
  const ci = a.cacheinfo;
  if (ci) {
    p.text(p.sl);
    p.text('       valid_lft ');
    if (ci.valid === INFINITY_LIFE_TIME) {
      p.json('valid_life_time', INFINITY_LIFE_TIME);
      p.text('forever');
    } else {
      p.any('valid_life_time', `${ci.valid}sec`, ci.valid);
    }
    p.text(' preferred_lft ');
    if (ci.prefered === INFINITY_LIFE_TIME) {
      p.json('preferred_life_time', INFINITY_LIFE_TIME);
      p.text('forever');
    } else {
      const v = a.flags & IFA_F_DEPRECATED ? ci.prefered | 0 : ci.prefered;
      p.any('preferred_life_time', `${v}sec`, v);
    }
  }
  p.text('\n');
}

/** print_addrinfo() in brief mode (`ip -br address`): "LOCAL[ peer ADDRESS]/LEN [metric N ]" only. */
export function printAddressBrief(p: Printer, a: AddressView): void {
  printLocal(p, a);
}

/** "LOCAL[ peer ADDRESS]/LEN [metric N ]": IFA_LOCAL (or IFA_ADDRESS), the peer when they differ. */
function printLocal(p: Printer, a: AddressView): void {
  const local = a.local ?? a.address;
  const address = a.address ?? a.local;
  if (!local) return;
  const l = formatInet(local, a.family);
  p.any('local', l, l);
  if (address && !same(address, local, a.family === AF_INET ? 4 : 16)) {
    const peer = formatInet(address, a.family);
    p.text(' peer ');
    p.any('address', peer, peer);
  }
  p.any('prefixlen', `/${a.prefixlen} `, a.prefixlen);
  if (a.rtPriority) p.any('metric', `metric ${a.rtPriority} `, a.rtPriority);
}

/** An address as an element of `ip -j address show`'s "addr_info". */
export function addressJson(a: AddressView, names: LinkTable, o: Partial<AddressPrintOptions> = {}): JsonObject {
  const p = new Printer(true);
  printAddress(p, a, names, { withIndex: false, ...o });
  return p.root;
}

/** An address as its `ip address show` lines. */
export function addressText(a: AddressView, names: LinkTable, o: Partial<AddressPrintOptions> = {}): string {
  const p = new Printer(false);
  printAddress(p, a, names, { withIndex: false, ...o });
  return p.textOut;
}
