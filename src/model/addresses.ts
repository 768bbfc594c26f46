// IPv4 and IPv6 addresses of the model's links, with the rules of net/ipv4/devinet.c and
// net/ipv6/addrconf.c (Linux 6.18). Values only: addresses are byte arrays, never wire messages.
import { addressBytes } from './address-bytes.js';
import { addressKey } from './address-diff.js';
import type { Clock, Timer } from './clock.js';
import { ModelError } from './errors.js';
import type { ModelGeneration } from './generation.js';
import type { Cause, ModelEvent } from './events.js';
import { IFF_LOOPBACK, IFF_NOARP, IFF_UP, operUp } from './flags.js';
import { IFNAMSIZ } from './names.js';
import { CHAIN_PRIORITY, type InetaddrEvent, type McastSendEvent, type NetdevEvent, type NotifierChain } from './notifier.js';
import { RouterSolicitations } from './router-solicitations.js';
import type { Link } from './types.js';

// IFA_F_* (include/uapi/linux/if_addr.h)
export const IFA_F_SECONDARY = 0x01;
export const IFA_F_TEMPORARY = IFA_F_SECONDARY;
export const IFA_F_NODAD = 0x02;
export const IFA_F_OPTIMISTIC = 0x04;
export const IFA_F_DADFAILED = 0x08;
export const IFA_F_HOMEADDRESS = 0x10;
export const IFA_F_DEPRECATED = 0x20;
export const IFA_F_TENTATIVE = 0x40;
export const IFA_F_PERMANENT = 0x80;
export const IFA_F_MANAGETEMPADDR = 0x100;
export const IFA_F_NOPREFIXROUTE = 0x200;
export const IFA_F_MCAUTOJOIN = 0x400;
export const IFA_F_STABLE_PRIVACY = 0x800;

// RT_SCOPE_* and IFAPROT_*
export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_SITE = 200;
export const RT_SCOPE_LINK = 253;
/** inet6_dev if_flags bits (include/net/if_inet6.h). */
export const IF_RS_SENT = 0x10;
export const IF_READY = 0x80000000;
export const RT_SCOPE_HOST = 254;
export const IFAPROT_KERNEL_LO = 1;
export const IFAPROT_KERNEL_LL = 3;

/** INFINITY_LIFE_TIME: a lifetime that never runs out. */
export const INFINITY = 0xffffffff;

/** devinet.c IPV6ONLY_FLAGS: stripped from IPv4 addresses. */
const IPV6ONLY_FLAGS = IFA_F_NODAD | IFA_F_OPTIMISTIC | IFA_F_DADFAILED | IFA_F_HOMEADDRESS | IFA_F_TENTATIVE |
  IFA_F_MANAGETEMPADDR | IFA_F_STABLE_PRIVACY;
/** inet6_rtm_newaddr: "We ignore other flags so far." */
const IPV6_USER_FLAGS = IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN |
  IFA_F_OPTIMISTIC;
/** inet6_addr_modify: the flags a replace recomputes. */
const IPV6_MODIFY_CLEARS = IFA_F_DEPRECATED | IFA_F_PERMANENT | IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR |
  IFA_F_NOPREFIXROUTE;


interface AddressBase {
  readonly ifindex: number;
  prefixlen: number;
  /** IFA_F_*, all 32 bits (ifa_flags in the header carries only the low 8). */
  flags: number;
  /** RT_SCOPE_* as reported in ifa_scope. */
  scope: number;
  /** IFA_PROTO (IFAPROT_*), 0 when unset. */
  proto: number;
  /** IFA_RT_PRIORITY, 0 when unset. */
  rtPriority: number;
  /** Lifetimes in seconds from tstamp; INFINITY when unlimited. */
  validLft: number;
  preferredLft: number;
  /** Creation and last update, in model milliseconds. */
  cstamp: number;
  tstamp: number;
}

/** struct in_ifaddr */
export interface Inet4Address extends AddressBase {
  readonly family: 'inet';
  /** ifa_local: the address itself (IFA_LOCAL). */
  local: Uint8Array;
  /** ifa_address: the prefix address, or the peer on point-to-point links (IFA_ADDRESS). */
  address: Uint8Array;
  broadcast?: Uint8Array | undefined;
  label: string;
}

/** struct inet6_ifaddr */
export interface Inet6Address extends AddressBase {
  readonly family: 'inet6';
  address: Uint8Array;
  peer?: Uint8Array | undefined;
  /** Creation order across devices: ipv6_get_ifaddr finds the newest of equal addresses first. */
  readonly serial: number;
}

export type InetAddress = Inet4Address | Inet6Address;
export type InetFamily = InetAddress['family'];

/** An IPv4 RTM_NEWADDR as values (inet_rtm_to_ifa's inputs). */
export interface Inet4Request {
  ifindex: number;
  prefixlen: number;
  /** IFA_FLAGS if given, else the header's ifa_flags. */
  flags: number;
  scope: number;
  local?: Uint8Array | undefined;
  address?: Uint8Array | undefined;
  broadcast?: Uint8Array | undefined;
  label?: string | undefined;
  /** IFA_CACHEINFO lifetimes, in seconds. */
  lifetimes?: { prefered: number; valid: number } | undefined;
  proto?: number | undefined;
  rtPriority?: number | undefined;
}

/** The fields an IPv4 RTM_DELADDR matches on (inet_rtm_deladdr). */
export interface Inet4Match {
  ifindex: number;
  prefixlen: number;
  local?: Uint8Array | undefined;
  address?: Uint8Array | undefined;
  label?: string | undefined;
}

/** An IPv6 RTM_NEWADDR as values (inet6_rtm_newaddr's ifa6_config). */
export interface Inet6Request {
  ifindex: number;
  prefixlen: number;
  flags: number;
  address?: Uint8Array | undefined;
  local?: Uint8Array | undefined;
  lifetimes?: { prefered: number; valid: number } | undefined;
  proto?: number | undefined;
  rtPriority?: number | undefined;
}

export interface Inet6Match {
  ifindex: number;
  prefixlen: number;
  address?: Uint8Array | undefined;
  local?: Uint8Array | undefined;
}

/** NLM_F_EXCL / NLM_F_REPLACE of a NEWADDR request. */
export interface AddMode {
  excl: boolean;
  replace: boolean;
}

export interface AddressOptions {
  /**
   * How long duplicate address detection keeps a new IPv6 address TENTATIVE, in ms. Linux takes
   * a random delay below rtr_solicit_delay (1 s) plus retrans_time (1 s); rtnld uses a fixed time
   * so runs repeat. 0 completes DAD as soon as the request is answered.
   */
  dadMs?: number | undefined;
  /** net.ipv4.conf.all.promote_secondaries. */
  promoteSecondaries?: boolean | undefined;
  /** Resource limit: more addresses (per family) on one link fail with -ENOSPC. */
  maxPerLink?: number | undefined;
}

const DEFAULT_DAD_MS = 1000;

/** What the table needs from the model that owns it. */
export interface AddressHost {
  readonly clock: Clock;
  link(index: number): Readonly<Link> | undefined;
  emit(event: ModelEvent): void;
  /** Something changed that is announced later or never (it still has to reach the --state journal). */
  changed(): void;
  /** The link events this table follows. */
  readonly netdevChain: NotifierChain<NetdevEvent>;
  /** Where this table announces addresses entering and leaving device lists. */
  readonly inetaddrChain: NotifierChain<InetaddrEvent>;
  /** Where addrconf announces the multicast packets it sends (MLD reports, DAD and router solicitations). */
  readonly mcastChain: NotifierChain<McastSendEvent>;
  readonly generation: ModelGeneration;
}

/** Per-device state: the in_device / inet6_dev address lists and what the table last saw of the link. */
interface Device {
  /** The link itself (still known while it is being unregistered). */
  link: Readonly<Link>;
  v4: Inet4Address[];
  v6: Inet6Address[];
  up: boolean;
  /** inet6_dev IF_READY: configured for IPv6 since the link last became ready. */
  ready: boolean;
  /** inet6_dev IF_RS_SENT: a router solicitation went out when the link-local address became valid. */
  rsSent?: boolean | undefined;
  /** addrconf_dev_config() ran since the link became ready (differs from `ready` only while linkwatch announces it). */
  configured: boolean;
  /** cnf.mtu6: follows the link's MTU once addrconf has seen the change (after rtnetlink announced it). */
  mtu6: number;
  inet: boolean;
  inet6: boolean;
  promoteSecondaries: boolean;
}

/** DAD progress of a tentative address (INET6_IFADDR_STATE_PREDAD / DAD, and the probe in flight). */
type DadState = 'predad' | 'waiting' | 'probing';

export interface AddressSnapshot {
  now: number;
  devices: Array<{ ifindex: number; v4: Inet4Address[]; v6: Inet6Address[]; up: boolean; ready: boolean; rsSent?: boolean | undefined; inet: boolean; inet6: boolean; promoteSecondaries: boolean }>;
}

// --- byte helpers ---

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The first `plen` bits of a and b agree (inet_ifa_match, ipv6_prefix_equal). */
function samePrefix(a: Uint8Array, b: Uint8Array, plen: number): boolean {
  const full = plen >> 3;
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = plen & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[full]! ^ b[full]!) & mask) === 0;
}

/** Multicast scope (low nibble of byte 1) → ifa_scope; other multicast scopes are universe. */
const MC_RT_SCOPE: Readonly<Record<number, number>> = { 1: RT_SCOPE_HOST, 2: RT_SCOPE_LINK, 5: RT_SCOPE_SITE };

const isZero = (a: Uint8Array) => a.every((b) => b === 0);
const finite = (lft: number) => lft !== INFINITY;

/**
 * Whether an address's reported lifetimes stay INFINITY whatever the time: a permanent address,
 * except an IPv6 one with a finite preferred lifetime, which IPv6 keeps counting.
 */
export const isTimeless = (a: Readonly<InetAddress>): boolean =>
  (a.flags & IFA_F_PERMANENT) !== 0 && (a.family === 'inet' || !finite(a.preferredLft));

/**
 * __ipv6_addr_type() reduced to what addresses need: the kind, the source scope that orders a
 * device's list (ipv6_addr_src_scope) and the RT_SCOPE reported in ifa_scope (rt_scope).
 */
export function ipv6AddrType(a: Uint8Array): { kind: 'any' | 'multicast' | 'loopback' | 'unicast'; srcScope: number; rtScope: number } {
  const GLOBAL = { srcScope: 0x0e, rtScope: RT_SCOPE_UNIVERSE };
  const b0 = a[0]!;
  const b1 = a[1]!;
  if ((b0 & 0xe0) !== 0 && (b0 & 0xe0) !== 0xe0) return { kind: 'unicast', ...GLOBAL };
  if (b0 === 0xff) {
    // ipv6_addr_scope2type(): node-local counts as host, link-local as link, site-local as site.
    const scope = b1 & 0x0f;
    const rtScope = MC_RT_SCOPE[scope] ?? RT_SCOPE_UNIVERSE;
    return { kind: 'multicast', srcScope: scope, rtScope };
  }
  if (b0 === 0xfe && (b1 & 0xc0) === 0x80) return { kind: 'unicast', srcScope: 0x02, rtScope: RT_SCOPE_LINK };
  if (b0 === 0xfe && (b1 & 0xc0) === 0xc0) return { kind: 'unicast', srcScope: 0x05, rtScope: RT_SCOPE_SITE };
  if ((b0 & 0xfe) === 0xfc) return { kind: 'unicast', ...GLOBAL };
  if (a.subarray(0, 8).every((x) => x === 0) && a[8] === 0 && a[9] === 0 && a[10] === 0 && a[11] === 0) {
    const last = a.subarray(12);
    if (isZero(last)) return { kind: 'any', srcScope: -1, rtScope: RT_SCOPE_UNIVERSE };
    // ::1 is link scope for source selection (addr-select 3.4) but reported as host.
    if (last[0] === 0 && last[1] === 0 && last[2] === 0 && last[3] === 1) return { kind: 'loopback', srcScope: 0x02, rtScope: RT_SCOPE_HOST };
  }
  return { kind: 'unicast', ...GLOBAL };
}

/** EUI-64 interface identifier from a MAC (addrconf_ifid_eui48): ff:fe in the middle, U/L bit flipped. */
export function linkLocalFromMac(mac: Uint8Array): Uint8Array {
  const a = new Uint8Array(16);
  a[0] = 0xfe;
  a[1] = 0x80;
  a.set([mac[0]! ^ 2, mac[1]!, mac[2]!, 0xff, 0xfe, mac[3]!, mac[4]!, mac[5]!], 8);
  return a;
}

const LOOPBACK4 = new Uint8Array([127, 0, 0, 1]);
const LOOPBACK6 = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
/** ff02::16 (all MLDv2-capable routers: where MLDv2 reports go) and ff02::2 (all routers). */
export const MLDV2_REPORTS = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16);
const ALL_ROUTERS = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);

/** addrconf_addr_solict_mult(): ff02::1:ff00:0/104 with the address's last 24 bits. */
export function solicitedNode(a: Uint8Array): Uint8Array {
  return Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, a[13]!, a[14]!, a[15]!);
}

/** A copy for snapshots: byte fields become arrays of their own (not views into a shared slab). */
function copyAddress<T extends InetAddress>(a: T): T {
  const copy: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(copy)) if (value instanceof Uint8Array) copy[key] = value.slice();
  return copy as T;
}

/**
 * The addresses of every link: per-device lists in Linux's order, the secondary and promotion
 * rules, lifetimes that run out on the model clock, timed DAD, and the link events Linux reacts
 * to (up, down, ready, MTU, rename, unregister). Changes are announced through the host's events.
 */
export class AddressTable {
  private readonly devices = new Map<number, Device>();
  private readonly dad = new Map<Inet6Address, { state: DadState; timer?: Timer | undefined }>();
  private readonly lifetimeTimers = new Map<InetAddress, Timer>();
  private serial = 0;
  /** Multicast groups joined for IFA_F_MCAUTOJOIN addresses (the kernel's mc_autojoin_sk memberships). */
  private readonly autojoined = new Set<string>();
  private readonly dadMs: number;
  /** net.ipv4.conf.all.promote_secondaries */
  promoteSecondaries: boolean;
  /** The model's generation, which every address change advances (dev_addr_genid with it). */
  private get generation(): ModelGeneration {
    return this.host.generation;
  }

  constructor(
    private readonly host: AddressHost,
    options: AddressOptions = {},
  ) {
    this.dadMs = options.dadMs ?? DEFAULT_DAD_MS;
    this.promoteSecondaries = options.promoteSecondaries ?? false;
    this.maxPerLink = options.maxPerLink ?? Number.MAX_SAFE_INTEGER;
    this.rs = new RouterSolicitations(host.clock, (ifindex) => this.sendRs(ifindex));
    host.netdevChain.register((e) => this.netdevEvent(e), CHAIN_PRIORITY.addresses);
  }

  /** Each device's router solicitations (inet6_dev rs_timer). */
  private readonly rs: RouterSolicitations;

  /** inetdev_event() and addrconf_notify(): what addresses do when their link changes. */
  private netdevEvent(e: NetdevEvent): void {
    switch (e.type) {
      case 'register':
        this.device(e.link);
        break;
      case 'change':
        this.linkStateChanging(e.link);
        break;
      case 'up':
      case 'down':
      case 'linkwatch':
      case 'changemtu':
        this.sync(e.link);
        break;
      case 'changename':
        this.renamed(e.link);
        break;
      case 'unregister':
        this.unregister(e.link);
        break;
      case 'changeaddr':
        break; // the link-local address keeps the old MAC, as addrconf does
    }
  }

  private readonly maxPerLink: number;

  /** rtnld's resource limit, checked before a new address is inserted. */
  private checkLimit(list: readonly unknown[]): void {
    if (list.length >= this.maxPerLink) {
      throw new ModelError('ENOSPC', `rtnld: address limit per link (${this.maxPerLink}) reached`);
    }
  }

  private get now(): number {
    return this.host.clock.now();
  }

  /** A new address's cstamp and tstamp, from one clock read (as ipv4/ipv6 set both from one jiffies). */
  private createdNow(): { cstamp: number; tstamp: number } {
    const now = this.now;
    return { cstamp: now, tstamp: now };
  }

  private device(link: Readonly<Link>): Device {
    let d = this.devices.get(link.index);
    if (!d) {
      d = { link, v4: [], v6: [], up: false, ready: false, configured: false, mtu6: link.mtu, inet: link.inet, inet6: link.inet6, promoteSecondaries: false };
      this.devices.set(link.index, d);
    }
    d.link = link;
    return d;
  }

  private emit(type: 'newaddr' | 'deladdr', addr: InetAddress, cause?: Cause): void {
    this.generation.advance('addresses');
    const link = this.devices.get(addr.ifindex)!.link;
    this.host.emit({ type, link, addr, cause });
    if (type === 'deladdr') this.host.inetaddrChain.call({ type: 'down', addr, link });
  }

  /** The address entered its device's list (inetaddr_chain / inet6addr_chain NETDEV_UP). */
  private entered(addr: InetAddress): void {
    this.host.inetaddrChain.call({ type: 'up', addr, link: this.devices.get(addr.ifindex)!.link });
  }

  /**
   * A change to `addr` with no notification now (a NODAD address is announced after DAD's work
   * runs, a tentative one's change once DAD ends): caches of its message still hear of it.
   */
  private quietly(addr: InetAddress): void {
    this.host.changed();
    this.generation.addressChanged(addr);
  }

  // --- queries ---

  /** A device's addresses of one family, in list (dump) order. */
  list(ifindex: number, family: InetFamily): readonly InetAddress[] {
    const d = this.devices.get(ifindex);
    if (!d) return [];
    return family === 'inet' ? d.v4 : d.v6;
  }

  /**
   * netdev_state_change() runs the NETDEV_CHANGE notifiers before rtnetlink announces the change,
   * so addrconf has marked a link that now runs IF_READY by then; sync() configures it after.
   */
  private linkStateChanging(link: Readonly<Link>): void {
    if (!(link.flags & IFF_UP && link.inet6 && operUp(link.operstate))) return;
    const d = this.device(link);
    // addrconf_notify(NETDEV_CHANGE) on a device still IF_READY (its carrier came back): "resend
    // MLD reports, we might have roamed" (ipv6_mc_up). A first-time ready device reports in sync().
    if (d.ready && d.configured) this.mldReport(d);
    d.ready = true;
  }

  /** The IPv6 MTU (cnf.mtu6): the link's MTU, except inside the announcement of its change. */
  ipv6Mtu(link: Readonly<Link>): number {
    return this.devices.get(link.index)?.mtu6 ?? link.mtu;
  }

  /**
   * inet6_dev if_flags (IFLA_INET6_FLAGS): IF_READY once the link is up and running
   * (addrconf_link_ready), IF_RS_SENT once its link-local address is valid; both kept through a
   * carrier loss and cleared when the link goes down.
   */
  ipv6Flags(ifindex: number): number {
    const d = this.devices.get(ifindex);
    if (!d) return 0;
    return ((d.ready ? IF_READY : 0) | (d.rsSent ? IF_RS_SENT : 0)) >>> 0;
  }

  /** How many addresses there are, all devices and families together. */
  get size(): number {
    let n = 0;
    for (const d of this.devices.values()) n += d.v4.length + d.v6.length;
    return n;
  }

  /**
   * The lifetimes reported in IFA_CACHEINFO: what remains of each, in whole seconds
   * (inet_fill_ifaddr / inet6_fill_ifaddr). Permanent addresses report INFINITY for both.
   */
  remaining(a: Readonly<InetAddress>): { prefered: number; valid: number } {
    if (isTimeless(a)) return { prefered: INFINITY, valid: INFINITY };
    let prefered = a.preferredLft;
    let valid = a.validLft;
    if (finite(prefered)) {
      const tval = Math.floor((this.now - a.tstamp) / 1000);
      prefered = Math.max(0, prefered - tval);
      if (finite(valid)) valid = Math.max(0, valid - tval);
    }
    return { prefered, valid };
  }

  /** IN_DEV_PROMOTE_SECONDARIES: the "all" setting or the device's own. */
  private promotes(d: Device): boolean {
    return this.promoteSecondaries || d.promoteSecondaries;
  }

  /** net.ipv4.conf.<dev>.promote_secondaries */
  setPromoteSecondaries(link: Readonly<Link>, on: boolean): void {
    this.device(link).promoteSecondaries = on;
    this.host.changed();
  }

  /**
   * ip_mc_autojoin_config() / ipv6_mc_config(): join the address as a multicast group on the
   * device. Only multicast addresses can be joined, and only once per device.
   */
  private autojoin(family: InetFamily, ifindex: number, group: Uint8Array): void {
    const msg = family === 'inet' ? 'ipv4: Multicast auto join failed' : 'ipv6: Multicast auto join failed';
    const multicast = family === 'inet' ? (group[0]! & 0xf0) === 0xe0 : group[0] === 0xff;
    if (!multicast) throw new ModelError('EINVAL', msg);
    const key = `${family}/${ifindex}/${group.join('.')}`;
    if (this.autojoined.has(key)) throw new ModelError('EADDRINUSE', msg);
    this.autojoined.add(key);
  }

  /** Leaving the group when the address is deleted by request (a group never joined is no error). */
  private autoleave(family: InetFamily, ifindex: number, group: Uint8Array): void {
    this.autojoined.delete(`${family}/${ifindex}/${group.join('.')}`);
  }

  // --- IPv4 (devinet.c) ---

  /** inet_rtm_newaddr(): validation, then a new address or (NLM_F_REPLACE) an update of the matching one. */
  newInet4(r: Inet4Request, mode: AddMode, cause?: Cause): void {
    // inet_validate_rtm()
    if (r.prefixlen > 32) throw new ModelError('EINVAL', 'ipv4: Invalid prefix length');
    if (!r.local) throw new ModelError('EINVAL', 'ipv4: Local address is not supplied');
    let valid = INFINITY;
    let prefered = INFINITY;
    if (r.lifetimes) {
      if (!r.lifetimes.valid || r.lifetimes.prefered > r.lifetimes.valid) throw new ModelError('EINVAL', 'ipv4: address lifetime invalid');
      ({ valid, prefered } = r.lifetimes);
    }
    // 0.0.0.0 is "nothing to do": an ACK, no address.
    if (isZero(r.local)) return;
    // inet_rtm_to_ifa()
    const link = this.host.link(r.ifindex);
    if (!link) throw new ModelError('ENODEV', 'ipv4: Device not found');
    if (!link.inet) throw new ModelError('ENOBUFS'); // no in_device (MTU below 68)
    const d = this.device(link);
    // ifa_address is ifa_local unless a peer is given: one array serves both (addresses are never changed in place).
    const local = addressBytes(r.local);
    const ifa: Inet4Address = {
      family: 'inet', ifindex: link.index, prefixlen: r.prefixlen, flags: r.flags >>> 0, scope: r.scope,
      local, address: r.address && !equal(r.address, r.local) ? addressBytes(r.address) : local,
      broadcast: r.broadcast ? addressBytes(r.broadcast) : undefined,
      label: (r.label ?? link.name).slice(0, IFNAMSIZ - 1), proto: r.proto ?? 0, rtPriority: r.rtPriority ?? 0,
      validLft: 0, preferredLft: 0, cstamp: 0, tstamp: 0, // set by setInet4Lifetime(..., created)
    };
    // find_matching_ifa(): same mask, IFA_ADDRESS in the same subnet, same local address.
    const existing = d.v4.find((e) => e.prefixlen === ifa.prefixlen && samePrefix(e.address, ifa.address, ifa.prefixlen) && equal(e.local, ifa.local));
    if (!existing) {
      this.checkLimit(d.v4);
      this.setInet4Lifetime(ifa, valid, prefered, true);
      // The group stays joined even if the insert then fails, as in inet_rtm_newaddr().
      if (ifa.flags & IFA_F_MCAUTOJOIN) this.autojoin('inet', link.index, ifa.address);
      this.insertInet4(d, ifa, cause);
      return;
    }
    if (mode.excl || !mode.replace) throw new ModelError('EEXIST', 'ipv4: Address already assigned');
    // A replace updates only the metric, protocol and lifetimes; the prefix route follows a new
    // metric before the RTM_NEWADDR (inet_rtm_newaddr → fib_modify_prefix_metric).
    const oldMetric = existing.rtPriority;
    existing.rtPriority = ifa.rtPriority;
    if (oldMetric !== ifa.rtPriority) this.host.inetaddrChain.call({ type: 'modify', addr: existing, link, oldMetric });
    existing.proto = ifa.proto;
    this.setInet4Lifetime(existing, valid, prefered);
    this.scheduleLifetime(existing);
    this.emit('newaddr', existing, cause);
  }

  /**
   * set_ifa_lifetime(): finite valid clears PERMANENT, a zero preferred lifetime sets DEPRECATED;
   * tstamp is now, and a new (`created`) address's cstamp the same reading.
   */
  private setInet4Lifetime(a: Inet4Address, valid: number, prefered: number, created = false): void {
    let flags = a.flags & ~(IFA_F_PERMANENT | IFA_F_DEPRECATED);
    if (finite(valid)) a.validLft = valid;
    else flags |= IFA_F_PERMANENT;
    if (finite(prefered)) {
      if (prefered === 0) flags |= IFA_F_DEPRECATED;
      a.preferredLft = prefered;
    }
    a.flags = flags >>> 0;
    a.tstamp = this.now;
    if (created) a.cstamp = a.tstamp;
  }

  /**
   * __inet_insert_ifa(): an address in the subnet of one already there (same mask) becomes its
   * SECONDARY and goes to the end; a primary goes after the last primary of wider or equal scope.
   */
  private insertInet4(d: Device, ifa: Inet4Address, cause?: Cause): void {
    ifa.flags &= ~(IFA_F_SECONDARY | IPV6ONLY_FLAGS);
    let lastPrimary = 0;
    for (const [i, e] of d.v4.entries()) {
      if (!(e.flags & IFA_F_SECONDARY) && ifa.scope <= e.scope) lastPrimary = i + 1;
      if (e.prefixlen === ifa.prefixlen && samePrefix(e.address, ifa.address, ifa.prefixlen)) {
        if (equal(e.local, ifa.local)) throw new ModelError('EEXIST');
        if (e.scope !== ifa.scope) throw new ModelError('EINVAL', 'ipv4: Invalid scope value');
        ifa.flags |= IFA_F_SECONDARY;
      }
    }
    d.v4.splice(ifa.flags & IFA_F_SECONDARY ? d.v4.length : lastPrimary, 0, ifa);
    this.scheduleLifetime(ifa);
    this.emit('newaddr', ifa, cause);
    this.entered(ifa);
  }

  /** inet_rtm_deladdr(): the first address (in list order) that every given field matches. */
  delInet4(m: Inet4Match, cause?: Cause): void {
    const link = this.host.link(m.ifindex);
    if (!link || !link.inet) throw new ModelError('ENODEV', 'ipv4: Device not found');
    const d = this.device(link);
    const ifa = d.v4.find((a) =>
      (!m.local || equal(a.local, m.local)) &&
      (m.label === undefined || a.label === m.label) &&
      // The prefix length only counts when IFA_ADDRESS is given.
      (!m.address || (m.prefixlen === a.prefixlen && samePrefix(m.address, a.address, a.prefixlen))));
    if (!ifa) throw new ModelError('EADDRNOTAVAIL', 'ipv4: Address not found');
    this.autoleave('inet', link.index, ifa.address);
    this.deleteInet4(d, ifa, cause);
  }

  /**
   * __inet_del_ifa(): deleting a primary first deletes the secondaries of its subnet, or with
   * promote_secondaries promotes the first of them (moved after the last primary of its scope).
   */
  private deleteInet4(d: Device, ifa1: Inet4Address, cause?: Cause): void {
    const list = d.v4;
    const at = list.indexOf(ifa1);
    let promote: Inet4Address | undefined;
    let anchor: Inet4Address | undefined;
    let movePromoted = false;
    if (!(ifa1.flags & IFA_F_SECONDARY)) {
      for (let j = at + 1; j < list.length;) {
        const e = list[j]!;
        if (!(e.flags & IFA_F_SECONDARY) && ifa1.scope <= e.scope) anchor = e;
        if (!(e.flags & IFA_F_SECONDARY) || e.prefixlen !== ifa1.prefixlen || !samePrefix(ifa1.address, e.address, e.prefixlen)) {
          movePromoted = true;
          j++;
          continue;
        }
        if (this.promotes(d)) {
          promote = e;
          break;
        }
        list.splice(j, 1);
        this.forget(e);
        this.emit('deladdr', e, cause);
      }
    }
    // The secondaries changing primary, from the promoted one on, in list order.
    const moving = promote ? list.slice(list.indexOf(promote)).filter((e) => e.prefixlen === ifa1.prefixlen && samePrefix(ifa1.address, e.address, e.prefixlen)) : [];
    for (const e of moving) this.host.inetaddrChain.call({ type: 'promote', stage: 'withdraw', addr: e, link: d.link });
    list.splice(list.indexOf(ifa1), 1);
    this.forget(ifa1);
    this.emit('deladdr', ifa1, cause);
    if (promote) {
      if (movePromoted) {
        list.splice(list.indexOf(promote), 1);
        list.splice(anchor ? list.indexOf(anchor) + 1 : at, 0, promote);
      }
      promote.flags &= ~IFA_F_SECONDARY;
      this.emit('newaddr', promote, cause);
      this.entered(promote);
      for (const e of moving.slice(1)) this.host.inetaddrChain.call({ type: 'promote', stage: 'restore', addr: e, link: d.link });
    }
  }

  /** inetdev_destroy(): every address goes, in list order, without promotion (the device is dead). */
  private destroyInet4(d: Device): void {
    for (const a of d.v4.splice(0)) {
      this.forget(a);
      this.emit('deladdr', a);
    }
  }

  // --- IPv6 (addrconf.c) ---

  /** extract_addr(): IFA_LOCAL is the address when given; a different IFA_ADDRESS is then the peer. */
  private static extract(r: { address?: Uint8Array | undefined; local?: Uint8Array | undefined }): { pfx?: Uint8Array; peer?: Uint8Array } {
    if (!r.local) return r.address ? { pfx: r.address } : {};
    return r.address && !equal(r.local, r.address) ? { pfx: r.local, peer: r.address } : { pfx: r.local };
  }

  /** inet6_rtm_newaddr(): validation, then inet6_addr_add() or (NLM_F_REPLACE) inet6_addr_modify(). */
  newInet6(r: Inet6Request, mode: AddMode): void {
    const { pfx, peer } = AddressTable.extract(r);
    if (!pfx) throw new ModelError('EINVAL');
    let flags = (r.flags & IPV6_USER_FLAGS) | IFA_F_PERMANENT;
    let valid = INFINITY;
    let prefered = INFINITY;
    if (r.lifetimes) {
      if (!r.lifetimes.valid || r.lifetimes.prefered > r.lifetimes.valid) throw new ModelError('EINVAL', 'ipv6: address lifetime invalid');
      ({ valid, prefered } = r.lifetimes);
      if (finite(valid)) flags &= ~IFA_F_PERMANENT;
      if (prefered === 0) flags |= IFA_F_DEPRECATED;
    }
    const link = this.host.link(r.ifindex);
    if (!link) throw new ModelError('ENODEV', 'ipv6: Unable to find the interface');
    if (!link.inet6) throw new ModelError('EINVAL'); // ipv6_find_idev(): no inet6_dev below 1280 bytes
    // ipv6_allow_optimistic_dad() is false (optimistic_dad 0), so OPTIMISTIC is dropped before
    // the "IFA_F_NODAD and IFA_F_OPTIMISTIC are mutually exclusive" check can see it.
    flags &= ~IFA_F_OPTIMISTIC;
    const d = this.device(link);
    const cfg = { pfx, peer, plen: r.prefixlen, flags, valid, prefered, proto: r.proto ?? 0, rtPriority: r.rtPriority ?? 0 };
    // ipv6_get_ifaddr(): the same address on this device, whatever its prefix length.
    const existing = d.v6.find((a) => equal(a.address, pfx));
    if (!existing) return this.addInet6(link, d, cfg);
    if (mode.excl || !mode.replace) throw new ModelError('EEXIST', 'ipv6: address already assigned');
    this.modifyInet6(existing, cfg);
  }

  /** inet6_addr_add() and ipv6_add_addr(). */
  private addInet6(
    link: Readonly<Link>, d: Device,
    cfg: { pfx: Uint8Array; peer?: Uint8Array | undefined; plen: number; flags: number; valid: number; prefered: number; proto: number; rtPriority: number },
  ): void {
    if (cfg.plen > 128) throw new ModelError('EINVAL', 'ipv6: Invalid prefix length');
    if (cfg.flags & IFA_F_MANAGETEMPADDR && cfg.plen !== 64) {
      throw new ModelError('EINVAL', 'ipv6: address with "mngtmpaddr" flag must have a prefix length of 64');
    }
    this.checkLimit(d.v6);
    if (cfg.flags & IFA_F_MCAUTOJOIN) this.autojoin('inet6', link.index, cfg.pfx);
    const type = ipv6AddrType(cfg.pfx);
    if (type.kind === 'any') throw new ModelError('EADDRNOTAVAIL', 'ipv6: Invalid address');
    if (type.kind === 'multicast' && !(cfg.flags & IFA_F_MCAUTOJOIN)) {
      throw new ModelError('EADDRNOTAVAIL', 'ipv6: Cannot assign multicast address without "IFA_F_MCAUTOJOIN" flag');
    }
    if (type.kind === 'loopback' && !(link.flags & IFF_LOOPBACK)) {
      throw new ModelError('EADDRNOTAVAIL', 'ipv6: Cannot assign loopback address on this device');
    }
    const a = this.linkInet6(d, {
      family: 'inet6', ifindex: link.index, prefixlen: cfg.plen, scope: type.rtScope, address: addressBytes(cfg.pfx),
      peer: cfg.peer ? addressBytes(cfg.peer) : undefined,
      // No TENTATIVE phase for NODAD addresses.
      flags: cfg.flags | (cfg.flags & IFA_F_NODAD ? 0 : IFA_F_TENTATIVE),
      proto: cfg.proto, rtPriority: cfg.rtPriority, validLft: cfg.valid, preferredLft: cfg.prefered,
      ...this.createdNow(), serial: ++this.serial,
    });
    // inet6_addr_add(): announced now while tentative; a NODAD address only once DAD "completes".
    if (!(a.flags & (IFA_F_OPTIMISTIC | IFA_F_NODAD))) this.emit('newaddr', a);
    else this.quietly(a);
    this.dadStart(a);
    this.scheduleLifetime(a);
  }

  /** ipv6_link_dev_addr(): sorted by scope, widest first; the newest first within a scope. */
  private linkInet6(d: Device, a: Inet6Address): Inet6Address {
    const scope = ipv6AddrType(a.address).srcScope;
    const at = d.v6.findIndex((e) => scope >= ipv6AddrType(e.address).srcScope);
    d.v6.splice(at < 0 ? d.v6.length : at, 0, a);
    this.entered(a);
    return a;
  }

  /** inet6_addr_modify(): flags, lifetimes, peer, metric and protocol; the prefix length stays. */
  private modifyInet6(ifp: Inet6Address, cfg: { peer?: Uint8Array | undefined; plen: number; flags: number; valid: number; prefered: number; proto: number; rtPriority: number }): void {
    if (cfg.flags & IFA_F_MANAGETEMPADDR && (ifp.flags & IFA_F_TEMPORARY || ifp.prefixlen !== 64)) throw new ModelError('EINVAL');
    const hadPrefixRoute = (ifp.flags & IFA_F_PERMANENT) !== 0 && !(ifp.flags & IFA_F_NOPREFIXROUTE);
    const oldMetric = ifp.rtPriority;
    let flags = cfg.flags;
    if (!(ifp.flags & IFA_F_TENTATIVE) || ifp.flags & IFA_F_DADFAILED) flags &= ~IFA_F_OPTIMISTIC;
    ifp.flags = ((ifp.flags & ~IPV6_MODIFY_CLEARS) | flags) >>> 0;
    ifp.tstamp = this.now;
    ifp.validLft = cfg.valid;
    ifp.preferredLft = cfg.prefered;
    ifp.proto = cfg.proto;
    if (cfg.rtPriority) ifp.rtPriority = cfg.rtPriority;
    if (cfg.peer) ifp.peer = addressBytes(cfg.peer);
    this.scheduleLifetime(ifp);
    if (ifp.flags & IFA_F_TENTATIVE) this.quietly(ifp);
    else this.emit('newaddr', ifp);
    // After the RTM_NEWADDR: the prefix route follows (modify_prefix_route / cleanup_prefix_route).
    this.host.inetaddrChain.call({ type: 'modify', addr: ifp, link: this.devices.get(ifp.ifindex)!.link, oldMetric, hadPrefixRoute });
  }

  /** inet6_rtm_deladdr() → inet6_addr_del(): the exact address and prefix length. */
  delInet6(m: Inet6Match): void {
    const { pfx } = AddressTable.extract(m);
    if (!pfx) throw new ModelError('EINVAL');
    if (m.prefixlen > 128) throw new ModelError('EINVAL', 'ipv6: Invalid prefix length');
    const link = this.host.link(m.ifindex);
    if (!link) throw new ModelError('ENODEV', 'ipv6: Unable to find the interface');
    if (!link.inet6) throw new ModelError('ENXIO', 'ipv6: IPv6 is disabled on this device');
    const d = this.device(link);
    const a = d.v6.find((e) => e.prefixlen === m.prefixlen && equal(e.address, pfx));
    if (!a) throw new ModelError('EADDRNOTAVAIL', 'ipv6: address not found');
    this.autoleave('inet6', link.index, a.address);
    this.deleteInet6(d, a);
  }

  /** ipv6_del_addr() */
  private deleteInet6(d: Device, a: Inet6Address): void {
    d.v6.splice(d.v6.indexOf(a), 1);
    this.forget(a);
    this.emit('deladdr', a);
  }

  /**
   * inet6_rtm_getaddr() → ipv6_get_ifaddr(): the address on the given device, or on any device
   * when ifa_index is 0 or names no device (the most recently added one first).
   */
  getInet6(r: { ifindex: number; address?: Uint8Array | undefined; local?: Uint8Array | undefined }): Inet6Address {
    const { pfx } = AddressTable.extract(r);
    if (!pfx) throw new ModelError('EINVAL');
    const dev = r.ifindex ? this.devices.get(r.ifindex) : undefined;
    const onDev = r.ifindex && this.host.link(r.ifindex) ? (dev ? [dev] : []) : [...this.devices.values()];
    let found: Inet6Address | undefined;
    for (const d of onDev) for (const a of d.v6) if (equal(a.address, pfx) && (!found || a.serial > found.serial)) found = a;
    if (!found) throw new ModelError('EADDRNOTAVAIL');
    return found;
  }

  /** addrconf_ifdown(): every IPv6 address goes, in list order (keep_addr_on_down is 0). */
  private ifdown6(d: Device): void {
    for (const a of d.v6.splice(0)) {
      this.forget(a);
      this.emit('deladdr', a);
    }
  }

  // --- DAD (addrconf_dad_start / _begin / _kick / _completed) ---

  private dadStart(a: Inet6Address): void {
    const entry: { state: DadState; timer?: Timer | undefined } = { state: 'predad' };
    this.dad.set(a, entry);
    entry.timer = this.host.clock.schedule(this.now, () => this.dadBegin(a));
  }

  /** addrconf_dad_begin(): no DAD on NOARP/loopback devices or for NODAD; wait while the link is not ready. */
  private dadBegin(a: Inet6Address): void {
    const entry = this.dad.get(a);
    const link = this.host.link(a.ifindex);
    const d = this.devices.get(a.ifindex);
    if (!entry || !link || !d) return;
    if (link.flags & (IFF_NOARP | IFF_LOOPBACK) || a.flags & IFA_F_NODAD || !(a.flags & IFA_F_TENTATIVE)) {
      this.dadCompleted(a);
      return;
    }
    if (!d.ready) {
      entry.state = 'waiting';
      return;
    }
    this.dadKick(a);
  }

  private dadKick(a: Inet6Address): void {
    const entry = this.dad.get(a);
    if (!entry) return;
    entry.timer?.cancel();
    entry.state = 'probing';
    // addrconf_dad_work() → ndisc_send_ns(): the probe goes to the address's solicited-node group
    // (Linux sends it after a random delay below 1 s; rtnld at once).
    const link = this.devices.get(a.ifindex)?.link;
    if (link) this.host.mcastChain.call({ link, family: 'inet6', group: solicitedNode(a.address), why: 'dad' });
    if (this.dadMs === 0) this.dadCompleted(a);
    else entry.timer = this.host.clock.schedule(this.now + this.dadMs, () => this.dadCompleted(a));
  }

  /**
   * addrconf_dad_completed(): the address is valid now, and announced. A link-local address on a
   * host (accept_ra, not forwarding: the defaults) also sends the first router solicitation.
   */
  private dadCompleted(a: Inet6Address): void {
    if (!this.dad.delete(a)) return;
    a.flags &= ~(IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED);
    const d = this.devices.get(a.ifindex);
    const solicit = d !== undefined && a.scope === RT_SCOPE_LINK && !(d.link.flags & IFF_LOOPBACK);
    if (solicit) d.rsSent = true;
    this.emit('newaddr', a);
    if (solicit) this.rs.start(a.ifindex);
  }

  /**
   * ipv6_mc_up() → MLDv2 reports to ff02::16 for the groups the device joined. Only solicited-node
   * groups are reported, and addrconf_join_solict() joins none on NOARP or loopback devices (the
   * all-nodes group is never reported), so those send nothing.
   */
  private mldReport(d: Device): void {
    if (d.link.flags & (IFF_NOARP | IFF_LOOPBACK)) return;
    this.host.mcastChain.call({ link: d.link, family: 'inet6', group: MLDV2_REPORTS, why: 'mld' });
  }

  /** One router solicitation from `ifindex` (addrconf_rs_timer): while IF_READY, from a valid link-local address. */
  private sendRs(ifindex: number): void {
    const d = this.devices.get(ifindex);
    if (!d?.ready || !d.v6.some((a) => a.scope === RT_SCOPE_LINK && !(a.flags & IFA_F_TENTATIVE))) return;
    this.host.mcastChain.call({ link: d.link, family: 'inet6', group: ALL_ROUTERS, why: 'rs' });
  }

  /** addrconf_dad_run(): the link became ready, so tentative addresses waiting for it start DAD. */
  private dadRun(d: Device): void {
    for (const a of d.v6) if (a.flags & IFA_F_TENTATIVE && this.dad.get(a)?.state === 'waiting') this.dadKick(a);
  }

  // --- lifetimes (check_lifetime, addrconf_verify_rtnl) ---

  /** When the address next deprecates or expires, if ever. */
  private nextLifetimeEvent(a: InetAddress): number | undefined {
    if (a.flags & IFA_F_PERMANENT && (a.family === 'inet' || !finite(a.preferredLft))) return undefined;
    let due: number | undefined;
    if (finite(a.validLft)) due = a.tstamp + a.validLft * 1000;
    if (finite(a.preferredLft) && !(a.flags & IFA_F_DEPRECATED)) {
      const t = a.tstamp + a.preferredLft * 1000;
      due = due === undefined ? t : Math.min(due, t);
    }
    return due;
  }

  private scheduleLifetime(a: InetAddress): void {
    this.lifetimeTimers.get(a)?.cancel();
    this.lifetimeTimers.delete(a);
    const due = this.nextLifetimeEvent(a);
    if (due !== undefined) this.lifetimeTimers.set(a, this.host.clock.schedule(due, () => this.checkLifetime(a)));
  }

  /** The valid lifetime ran out: deleted (IPv4 with its secondaries); the preferred one: DEPRECATED. */
  private checkLifetime(a: InetAddress): void {
    this.lifetimeTimers.delete(a);
    const d = this.devices.get(a.ifindex);
    if (!d || !(a.family === 'inet' ? d.v4 : d.v6).includes(a as never)) return;
    const age = this.now - a.tstamp;
    if (finite(a.validLft) && age >= a.validLft * 1000) {
      if (a.family === 'inet') this.deleteInet4(d, a);
      else this.deleteInet6(d, a);
      return;
    }
    if (finite(a.preferredLft) && age >= a.preferredLft * 1000 && !(a.flags & IFA_F_DEPRECATED)) {
      a.flags |= IFA_F_DEPRECATED;
      this.emit('newaddr', a);
    }
    this.scheduleLifetime(a);
  }

  /** Drops an address's pending timers. */
  private forget(a: InetAddress): void {
    this.lifetimeTimers.get(a)?.cancel();
    this.lifetimeTimers.delete(a);
    if (a.family === 'inet6') {
      this.dad.get(a)?.timer?.cancel();
      this.dad.delete(a);
    }
  }

  // --- link events (inetdev_event, addrconf_notify) ---

  /**
   * Follows the link's state after a change announced for it: down drops the IPv6 addresses,
   * an MTU below 68 / 1280 destroys the IPv4 / IPv6 configuration, and a link that is up and
   * operationally up gets configured (lo: 127.0.0.1 and ::1; Ethernet: fe80::/64 EUI-64 after DAD).
   */
  private sync(link: Readonly<Link>): void {
    const d = this.device(link);
    const up = (link.flags & IFF_UP) !== 0;
    // inetdev_event(NETDEV_CHANGEMTU)
    if (d.inet && !link.inet) this.destroyInet4(d);
    d.inet = link.inet;
    // addrconf_notify(NETDEV_CHANGEMTU below IPV6_MIN_MTU, NETDEV_DOWN) → addrconf_ifdown()
    if ((d.inet6 && !link.inet6) || (d.up && !up)) {
      this.ifdown6(d);
      // addrconf_ifdown(): if_flags &= ~(IF_RS_SENT | IF_RA_RCVD | IF_READY)
      d.ready = false;
      d.configured = false;
      d.rsSent = false;
      this.rs.stop(link.index);
    }
    d.inet6 = link.inet6;
    if (link.inet6) d.mtu6 = link.mtu;
    const cameUp = up && !d.up;
    d.up = up;
    // inetdev_event(NETDEV_UP): the loopback device gets 127.0.0.1/8.
    if (cameUp && link.inet && link.flags & IFF_LOOPBACK) {
      const a: Inet4Address = {
        family: 'inet', ifindex: link.index, prefixlen: 8, flags: 0, scope: RT_SCOPE_HOST, local: LOOPBACK4.slice(),
        address: LOOPBACK4.slice(), label: link.name, proto: 0, rtPriority: 0, validLft: 0, preferredLft: 0,
        cstamp: 0, tstamp: 0, // set by setInet4Lifetime(..., created)
      };
      this.setInet4Lifetime(a, INFINITY, INFINITY, true);
      try {
        this.insertInet4(d, a);
      } catch (e) {
        if (!(e instanceof ModelError)) throw e; // inet_insert_ifa() fails quietly (e.g. 127.0.0.1/8 already there)
      }
    }
    // addrconf_notify(NETDEV_UP / NETDEV_CHANGE): once the link is running (addrconf_link_ready).
    if (up && link.inet6 && operUp(link.operstate)) d.ready = true;
    if (d.ready && !d.configured) {
      d.configured = true;
      this.devConfig(link, d);
      this.mldReport(d);
      this.dadRun(d);
    }
  }

  /** addrconf_dev_config() / init_loopback(): ::1 on lo at once, fe80::EUI-64 elsewhere after DAD. */
  private devConfig(link: Readonly<Link>, d: Device): void {
    const loopback = (link.flags & IFF_LOOPBACK) !== 0;
    const address = addressBytes(loopback ? LOOPBACK6 : linkLocalFromMac(link.address));
    if (!loopback && link.address.length !== 6) return;
    if (d.v6.some((a) => equal(a.address, address))) return; // ipv6_add_addr_hash(): -EEXIST, quietly
    const a = this.linkInet6(d, {
      family: 'inet6', ifindex: link.index, prefixlen: loopback ? 128 : 64, scope: ipv6AddrType(address).rtScope, address,
      flags: IFA_F_PERMANENT | (loopback ? 0 : IFA_F_TENTATIVE), proto: loopback ? IFAPROT_KERNEL_LO : IFAPROT_KERNEL_LL,
      rtPriority: 0, validLft: INFINITY, preferredLft: INFINITY, ...this.createdNow(), serial: ++this.serial,
    });
    if (loopback) {
      this.emit('newaddr', a); // add_addr(): no DAD, announced at once
      return;
    }
    this.quietly(a); // addrconf_add_linklocal(): announced when DAD completes
    this.dadStart(a);
  }

  /**
   * inetdev_changename(): IPv4 labels follow a rename. The first address takes the new name; the
   * others keep their ":suffix" (or get ":N"), cut to fit IFNAMSIZ. Each is announced.
   */
  private renamed(link: Readonly<Link>): void {
    const d = this.devices.get(link.index);
    if (!d) return;
    for (const [i, a] of d.v4.entries()) {
      const old = a.label;
      a.label = link.name;
      if (i > 0) {
        const colon = old.indexOf(':');
        const dot = colon >= 0 ? old.slice(colon) : `:${i + 1}`;
        a.label = dot.length + link.name.length < IFNAMSIZ ? link.name + dot : link.name.slice(0, IFNAMSIZ - dot.length - 1) + dot;
      }
      this.emit('newaddr', a);
    }
  }

  /** NETDEV_UNREGISTER: inetdev_destroy() then addrconf_ifdown(); the device's state is gone. */
  private unregister(link: Readonly<Link>): void {
    const d = this.devices.get(link.index);
    if (!d) return;
    this.destroyInet4(d);
    this.ifdown6(d);
    this.rs.stop(link.index);
    this.devices.delete(link.index);
    for (const key of this.autojoined) if (key.split('/')[1] === String(link.index)) this.autojoined.delete(key);
  }

  // --- snapshots ---

  /** Every device's addresses and state, plain values. */
  export(): AddressSnapshot {
    const devices = [...this.devices.entries()].map(([ifindex, d]) => ({
      ifindex, v4: d.v4.map(copyAddress), v6: d.v6.map(copyAddress),
      up: d.up, ready: d.ready, rsSent: d.rsSent, inet: d.inet, inet6: d.inet6, promoteSecondaries: d.promoteSecondaries,
    }));
    return { now: this.now, devices };
  }

  /**
   * Replaces every address with a snapshot's (announcing nothing). Ages are kept relative to the
   * snapshot's clock; tentative addresses start DAD again, lifetimes are rescheduled. Addresses
   * in `unchanged` (by addressKey) are the ones this table already holds: they keep their times.
   */
  import(s: AddressSnapshot, unchanged: ReadonlyMap<string, Readonly<InetAddress>> = new Map()): void {
    for (const a of [...this.lifetimeTimers.keys(), ...this.dad.keys()]) this.forget(a);
    this.rs.clear();
    this.devices.clear();
    const shift = this.now - s.now;
    for (const { ifindex, ...dev } of s.devices) {
      const link = this.host.link(ifindex);
      if (!link) continue;
      // Ages carry over exactly; times before this model's start are negative.
      const rebase = <T extends InetAddress>(a: T): T => {
        const kept = unchanged.get(addressKey(a));
        return kept ? { ...a, cstamp: kept.cstamp, tstamp: kept.tstamp } : { ...a, cstamp: a.cstamp + shift, tstamp: a.tstamp + shift };
      };
      const d: Device = { ...dev, link, v4: dev.v4.map(rebase), v6: dev.v6.map(rebase), configured: dev.ready, mtu6: link.mtu };
      this.devices.set(ifindex, d);
      for (const a of d.v6) this.serial = Math.max(this.serial, a.serial);
      for (const a of [...d.v4, ...d.v6]) this.scheduleLifetime(a);
      for (const a of d.v6) if (a.flags & IFA_F_TENTATIVE) this.dadStart(a);
      // A soliciting device goes on soliciting (the first solicitation went out before the snapshot).
      if (d.rsSent && d.ready) this.rs.start(ifindex, false);
    }
    this.generation.advance('addresses');
  }
}
