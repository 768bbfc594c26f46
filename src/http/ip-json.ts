import ipaddr from 'ipaddr.js';
import type { AddrMessage } from '../../protocol/addr-message.js';
import { AF_INET6, ARPHRD_ETHER, ARPHRD_LOOPBACK } from '../../protocol/constants.js';
import type { LinkMessage } from '../../protocol/link-message.js';
import { formatMac } from '../model/mac.js';
import { LINK_STAT_NAMES, type LinkStatName } from '../model/stats.js';

// The JSON iproute2 prints for `ip -j link show` and `ip -j addr show` (ip/ipaddress.c:
// print_linkinfo), built from the same LinkMessage the daemon puts on the wire, so the HTTP
// view and the netlink view cannot disagree. Key order follows iproute2's.
//
// TODO: merge with src/format/ (the `rtnl` command's iproute2 formatting) once that lands; this
// file exists because src/format/ was not in git yet when the HTTP API was written.

export interface IpStats64 {
  rx: { bytes: number; packets: number; errors: number; dropped: number; over_errors: number; multicast: number; compressed?: number; nohandler?: number };
  tx: { bytes: number; packets: number; errors: number; dropped: number; carrier_errors: number; collisions: number; compressed?: number };
}

/** One element of `ip -j link show` (mode "link") or `ip -j addr show` (mode "addr"). */
export interface IpLinkJson {
  ifindex: number;
  /** The lower device (veth peer, vlan/macvlan parent); null when it is gone (`@NONE`). */
  link?: string | null;
  ifname: string;
  flags: string[];
  mtu: number;
  qdisc?: string;
  master?: string;
  operstate: string;
  linkmode?: string;
  group: string;
  txqlen: number;
  link_type: string;
  address: string;
  broadcast: string;
  ifalias?: string;
  stats64?: IpStats64;
  altnames?: string[];
  addr_info?: IpAddrInfoJson[];
}

/** One element of addr_info in `ip -j addr show` (print_addrinfo). */
export interface IpAddrInfoJson {
  family: string;
  local?: string;
  /** The peer, when the address has one. */
  address?: string;
  prefixlen: number;
  broadcast?: string;
  scope: string;
  /** secondary, temporary, dynamic, nodad, ..., each `true` when set. */
  [flag: string]: string | number | boolean | undefined;
  label?: string;
  valid_life_time: number;
  preferred_life_time: number;
}

/** What the formatter needs to know about other devices (iproute2's ll_map). */
export type LinkLookup = (index: number) => { name: string; flags: number } | undefined;

const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;

/** print_link_flags() order. */
const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x8, 'LOOPBACK'], [0x2, 'BROADCAST'], [0x10, 'POINTOPOINT'], [0x1000, 'MULTICAST'], [0x80, 'NOARP'],
  [0x200, 'ALLMULTI'], [0x100, 'PROMISC'], [0x400, 'MASTER'], [0x800, 'SLAVE'], [0x4, 'DEBUG'], [0x8000, 'DYNAMIC'],
  [0x4000, 'AUTOMEDIA'], [0x2000, 'PORTSEL'], [0x20, 'NOTRAILERS'], [0x1, 'UP'], [0x10000, 'LOWER_UP'],
  [0x20000, 'DORMANT'], [0x40000, 'ECHO'],
];

const OPER_STATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];
const LINK_MODES = ['DEFAULT', 'DORMANT'];

/** print_link_flags(): NO-CARRIER first, the named bits, leftovers in hex, M-DOWN last. */
export function flagNames(flags: number, lowerDown: boolean): string[] {
  const out: string[] = [];
  if (flags & IFF_UP && !(flags & IFF_RUNNING)) out.push('NO-CARRIER');
  let rest = (flags & ~IFF_RUNNING) >>> 0;
  for (const [bit, name] of FLAG_NAMES) {
    if (rest & bit) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  if (lowerDown) out.push('M-DOWN');
  return out;
}

function linkType(deviceType: number): string {
  if (deviceType === ARPHRD_ETHER) return 'ether';
  if (deviceType === ARPHRD_LOOPBACK) return 'loopback';
  return `[${deviceType}]`;
}

/** print_link_stats64() at one -s: the summary counters, compressed/nohandler only when non-zero. */
function stats64(values: readonly number[] | undefined): IpStats64 {
  const s = Object.fromEntries(LINK_STAT_NAMES.map((n, i) => [n, values?.[i] ?? 0])) as Record<LinkStatName, number>;
  const rx: IpStats64['rx'] = {
    bytes: s.rxBytes, packets: s.rxPackets, errors: s.rxErrors, dropped: s.rxDropped, over_errors: s.rxOverErrors, multicast: s.multicast,
  };
  if (s.rxCompressed) rx.compressed = s.rxCompressed;
  if (s.rxNohandler) rx.nohandler = s.rxNohandler;
  const tx: IpStats64['tx'] = {
    bytes: s.txBytes, packets: s.txPackets, errors: s.txErrors, dropped: s.txDropped, carrier_errors: s.txCarrierErrors, collisions: s.collisions,
  };
  if (s.txCompressed) tx.compressed = s.txCompressed;
  return { rx, tx };
}

export interface IpJsonOptions {
  /** "link": `ip -j link show`; "addr": `ip -j addr show` (no linkmode/ifalias, with addr_info). */
  mode: 'link' | 'addr';
  /** `ip -s`: add stats64. */
  stats?: boolean;
  /** addr mode: the device's addr_info entries (IPv4 first, then IPv6, each in dump order). */
  addrInfo?: IpAddrInfoJson[];
}

/** One device as iproute2 prints it with -j (print_linkinfo). */
export function ipLinkJson(m: LinkMessage, lookup: LinkLookup, opts: IpJsonOptions): IpLinkJson {
  const out: Partial<IpLinkJson> = { ifindex: m.index };
  let lowerDown = false;
  if (m.link !== m.index) {
    if (m.link === 0) out.link = null;
    else {
      const lower = lookup(m.link);
      out.link = lower?.name ?? `if${m.link}`;
      lowerDown = !((lower?.flags ?? 0) & IFF_UP);
    }
  }
  out.ifname = m.name;
  out.flags = flagNames(m.flags, lowerDown);
  out.mtu = m.mtu;
  if (m.qdisc) out.qdisc = m.qdisc;
  if (m.master) out.master = lookup(m.master)?.name ?? `if${m.master}`;
  out.operstate = OPER_STATES[m.operstate] ?? String(m.operstate);
  if (opts.mode === 'link') out.linkmode = LINK_MODES[m.linkmode] ?? `mode ${m.linkmode}`;
  out.group = m.group === 0 ? 'default' : String(m.group);
  out.txqlen = m.txqlen;
  out.link_type = linkType(m.deviceType);
  out.address = formatMac(m.address);
  out.broadcast = formatMac(m.broadcast);
  if (opts.mode === 'link' && m.alias) out.ifalias = m.alias;
  if (opts.mode === 'link' && opts.stats) out.stats64 = stats64(m.stats);
  if (m.altnames.length) out.altnames = [...m.altnames];
  if (opts.mode === 'addr') out.addr_info = opts.addrInfo ?? [];
  return out as IpLinkJson;
}

/** inet_ntop(): IPv4 dotted quad; IPv6 compressed, with glibc's dotted tail for mapped and compatible addresses. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 16) {
    const zeros = (n: number) => bytes.subarray(0, n).every((b) => b === 0);
    const v4 = Array.from(bytes.subarray(12)).join('.');
    if (zeros(10) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${v4}`;
    if (zeros(12) && (bytes[12] !== 0 || bytes[13] !== 0)) return `::${v4}`;
  }
  return ipaddr.fromByteArray(Array.from(bytes)).toString();
}

/** rtnl_rtscope_n2a() */
function scopeName(scope: number): string {
  return ({ 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' } as Record<number, string>)[scope] ?? String(scope);
}

const IFA_F_SECONDARY = 0x01;
const IFA_F_PERMANENT = 0x80;

/** ifa_flag_data[] of ip/ipaddress.c, in its order. */
const IFA_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [IFA_F_SECONDARY, 'secondary'], [0x02, 'nodad'], [0x04, 'optimistic'], [0x08, 'dadfailed'], [0x10, 'home'],
  [0x20, 'deprecated'], [0x40, 'tentative'], [IFA_F_PERMANENT, 'permanent'], [0x100, 'mngtmpaddr'],
  [0x200, 'noprefixroute'], [0x400, 'autojoin'], [0x800, 'stable-privacy'],
];

/** One address as print_addrinfo() prints it with -j. */
export function ipAddrInfoJson(m: AddrMessage): IpAddrInfoJson {
  const v6 = m.family === AF_INET6;
  const out: Record<string, string | number | boolean> = { family: v6 ? 'inet6' : 'inet' };
  const local = m.local ?? m.address;
  if (local) out.local = formatIp(local);
  if (m.local && m.address && Buffer.compare(m.local, m.address) !== 0) out.address = formatIp(m.address);
  out.prefixlen = m.prefixlen;
  if (m.broadcast && m.broadcast.some((b) => b !== 0)) out.broadcast = formatIp(m.broadcast);
  out.scope = scopeName(m.scope);
  let flags = m.flags >>> 0;
  for (const [bit, name] of IFA_FLAG_NAMES) {
    if (bit === IFA_F_PERMANENT) {
      if (!(flags & bit)) out.dynamic = true;
    } else if (flags & bit) {
      out[bit === IFA_F_SECONDARY && v6 ? 'temporary' : name] = true;
    }
    flags = (flags & ~bit) >>> 0;
  }
  if (flags) out.flags = `0x${flags.toString(16).padStart(2, '0')}`;
  if (m.label) out.label = m.label;
  out.valid_life_time = m.cacheinfo.valid;
  out.preferred_life_time = m.cacheinfo.prefered;
  return out as IpAddrInfoJson;
}
