import {
  NTF_EXT_EXT_VALIDATED, NTF_EXT_LEARNED, NTF_EXT_MANAGED, NTF_ROUTER, NTF_USE, NUD_CONNECTED, NUD_DELAY, NUD_FAILED,
  NUD_INCOMPLETE, NUD_IN_TIMER, NUD_NOARP, NUD_NONE, NUD_PERMANENT, NUD_PROBE, NUD_REACHABLE, NUD_STALE, NUD_VALID,
  RTN_BROADCAST, RTN_MULTICAST, RTN_UNICAST, RT_TABLE_LOCAL,
} from '../../../protocol/constants.js';
import { MLDV2_REPORTS, type InetFamily } from '../addresses.js';
import type { Clock, Timer } from '../clock.js';
import { ModelError } from '../errors.js';
import type { Cause, ModelEvent } from '../events.js';
import { IFF_LOOPBACK, IFF_NOARP, IFF_UP } from '../flags.js';
import type { InetaddrEvent, McastSendEvent, NetdevEvent, NotifierChain } from '../notifier.js';
import { addrType4 } from '../routes/lookup.js';
import type { RouteTables } from '../routes/tables.js';
import type { Link } from '../types.js';
import { followLinksAndAddresses } from './follow.js';
import { followMulticastSends } from './own-entries.js';
import { dstBytes, dstKey, lladdrNumber, NO_LLADDR, toClockT, type Neighbour, type NeighFamily, type ProxyNeighbour } from './neighbour.js';
import { defaultParams, type NeighParams } from './params.js';
import { NeighTable, ProxyTable } from './table.js';

/** What the neighbour tables read from the rest of the model. */
export interface NeighHost {
  link(index: number): Readonly<Link> | undefined;
  addresses(ifindex: number, family: InetFamily): readonly unknown[];
  /** The route tables: an IPv4 entry's type comes from the local table (inet_addr_type_dev_table). */
  readonly routes: RouteTables;
  readonly clock: Clock;
  emit(event: ModelEvent): void;
  /** A change announced nowhere (proxy entries): still journaled and seen by caches. */
  changed(): void;
  readonly netdevChain: NotifierChain<NetdevEvent>;
  readonly inetaddrChain: NotifierChain<InetaddrEvent>;
  /** The multicast packets the kernel sends by itself (each leaves an entry, own-entries.ts). */
  readonly mcastChain: NotifierChain<McastSendEvent>;
}

/** An RTM_NEWNEIGH for a (non-proxy) entry, after the wire checks of neigh_add(). */
export interface NeighUpdateSpec {
  family: NeighFamily;
  ifindex: number;
  /** 4 or 16 bytes. */
  dst: Uint8Array;
  /** The device's addr_len bytes, when NDA_LLADDR was given. */
  lladdr?: Uint8Array | undefined;
  /** ndm_state (u8). */
  state: number;
  /** ndm_flags. */
  ntf: number;
  /** NDA_FLAGS_EXT. */
  ext: number;
  protocol: number;
  create: boolean;
  excl: boolean;
  replace: boolean;
}

/** Every neighbour as plain values (snapshots and the --state directory). */
export interface NeighbourSnapshot {
  entries: Neighbour[];
  proxies: ProxyNeighbour[];
}

const ADMIN = 1;
const OVERRIDE = 2;

/** The ARP and ND tables of one namespace, their proxy entries, timers and flush rules (net/core/neighbour.c). */
export class Neighbours {
  readonly tables = { inet: new NeighTable('inet'), inet6: new NeighTable('inet6') } as const;
  readonly proxies = { inet: new ProxyTable(), inet6: new ProxyTable() } as const;
  readonly params = { inet: defaultParams('inet'), inet6: defaultParams('inet6') } as const;
  /** Pending state timers of entries in NUD_IN_TIMER states (neigh->timer). */
  private readonly timers = new Map<Neighbour, Timer>();

  constructor(private readonly host: NeighHost) {
    followLinksAndAddresses(host, this);
    followMulticastSends(host.mcastChain, this);
  }

  get size(): number {
    return this.tables.inet.size + this.tables.inet6.size;
  }

  private now(): number {
    return toClockT(this.host.clock.now());
  }

  private param(family: NeighFamily): NeighParams {
    return this.params[family];
  }

  // --- lookups ---

  get(family: NeighFamily, ifindex: number, dst: Uint8Array): Neighbour | undefined {
    return this.tables[family].get(ifindex, this.keyOn(family, ifindex, dst));
  }

  getProxy(family: NeighFamily, ifindex: number, dst: Uint8Array): ProxyNeighbour | undefined {
    return this.proxies[family].get(ifindex, dstKey(family, dst));
  }

  /** arp_hashfn keys: an IPv4 entry on a loopback or point-to-point device is stored under 0.0.0.0. */
  private keyOn(family: NeighFamily, ifindex: number, dst: Uint8Array): number | string {
    if (family === 'inet' && (this.host.link(ifindex)?.flags ?? 0) & IFF_LOOPBACK) return 0;
    return dstKey(family, dst);
  }

  // --- RTM_NEWNEIGH ---

  /** neigh_add() from the table lookup on, then __neigh_update(). */
  update(spec: NeighUpdateSpec, cause?: Cause): void {
    const table = this.tables[spec.family];
    const link = this.host.link(spec.ifindex)!;
    const key = this.keyOn(spec.family, spec.ifindex, spec.dst);
    let n = table.get(spec.ifindex, key);
    let flags = ADMIN | OVERRIDE;
    const created = !n;
    if (!n) {
      if (!spec.create) throw new ModelError('ENOENT');
      if (spec.state & NUD_PERMANENT && spec.ext & NTF_EXT_MANAGED) throw new ModelError('EINVAL', 'Invalid NTF_* flag for permanent entry');
      if (spec.ext & NTF_EXT_EXT_VALIDATED && !(spec.state & NUD_VALID)) {
        throw new ModelError('EINVAL', 'Cannot create externally validated neighbor with an invalid state');
      }
      n = this.construct(spec.family, link, key);
    } else {
      if (spec.excl) throw new ModelError('EEXIST');
      if (!spec.replace) flags &= ~OVERRIDE;
    }
    if (spec.protocol) n.protocol = spec.protocol;
    const entryFlags = (spec.ntf & (NTF_EXT_LEARNED | NTF_ROUTER)) | ((spec.ext & (NTF_EXT_MANAGED | NTF_EXT_EXT_VALIDATED)) << 8);
    if (spec.ntf & NTF_USE) {
      this.use(n, entryFlags, cause);
      return;
    }
    const lladdr = spec.lladdr ? lladdrNumber(spec.lladdr) : undefined;
    try {
      this.neighUpdate(n, lladdr, spec.state, entryFlags, flags, created, cause);
    } catch (e) {
      // As the kernel, a new entry whose update failed stays behind in state NONE, unannounced
      // (a "zombie", spec §4.4 and §7.2): dumps and GET show it until it is deleted or flushed.
      if (created) this.host.changed();
      throw e;
    }
  }

  /** arp_constructor / ndisc_constructor: the entry's type and, for NOARP cases, its address. */
  private construct(family: NeighFamily, link: Readonly<Link>, key: number | string): Neighbour {
    const now = this.now();
    const type = family === 'inet' ? this.inetType(key as number) : this.inet6Type(key as string);
    const n: Neighbour = {
      family, ifindex: link.index, dst: key, lladdr: NO_LLADDR, state: NUD_NONE, flags: 0, type, protocol: 0, probes: 0,
      confirmed: now - toClockT(2 * this.param(family).baseReachableTime), used: now, updated: now,
    };
    if (type === RTN_MULTICAST) {
      n.state = NUD_NOARP;
      n.lladdr = multicastMac(key);
    } else if (link.flags & (IFF_NOARP | IFF_LOOPBACK)) {
      n.state = NUD_NOARP;
      n.lladdr = lladdrNumber(link.address);
    } else if (type === RTN_BROADCAST) {
      n.state = NUD_NOARP;
      n.lladdr = lladdrNumber(link.broadcast);
    }
    this.tables[family].insert(n);
    return n;
  }

  /** __inet_dev_addr_type(): broadcast without a local table (a namespace never configured for IPv4). */
  private inetType(dst: number): number {
    if (dst === 0 || dst === 0xffffffff) return RTN_BROADCAST;
    if (dst >>> 28 === 14) return RTN_MULTICAST;
    const local = this.host.routes.inet(RT_TABLE_LOCAL);
    if (!local) return RTN_BROADCAST;
    return addrType4(local, dst | 0) ?? RTN_UNICAST;
  }

  private inet6Type(dst: string): number {
    return dst.charCodeAt(0) === 0xff ? RTN_MULTICAST : RTN_UNICAST;
  }

  /** __neigh_update() with NEIGH_UPDATE_F_ADMIN (and OVERRIDE/OVERRIDE_ISROUTER unless an existing entry without REPLACE). */
  private neighUpdate(n: Neighbour, lladdr: number | undefined, state: number, entryFlags: number, flags: number, created: boolean, cause?: Cause): void {
    const old = n.state;
    let notify = false;
    // neigh_update_flags(): admin updates set EXT_LEARNED, MANAGED and EXT_VALIDATED as asked.
    const adminMask = NTF_EXT_LEARNED | ((NTF_EXT_MANAGED | NTF_EXT_EXT_VALIDATED) << 8);
    if ((n.flags ^ entryFlags) & adminMask) {
      n.flags = (n.flags & ~adminMask) | (entryFlags & adminMask);
      notify = true;
    }
    const now = this.now();
    if (!(state & NUD_VALID)) {
      this.stopTimer(n);
      n.state = state;
      if (state !== old) n.updated = now;
      notify = (old & NUD_VALID) !== 0 || ((old & (NUD_INCOMPLETE | NUD_PROBE)) !== 0 && (state & NUD_FAILED) !== 0);
      if (notify) this.announce(n, 'newneigh', cause);
      else this.changed(created || state !== old);
      return;
    }
    let ha: number;
    if (lladdr !== undefined) ha = lladdr;
    else {
      if (!(old & NUD_VALID)) throw new ModelError('EINVAL', 'No link layer address given');
      ha = n.lladdr;
    }
    if (state & NUD_CONNECTED) n.confirmed = now;
    let updateRouter = (flags & OVERRIDE) !== 0;
    if (old & NUD_VALID && ha !== n.lladdr && !(flags & OVERRIDE)) {
      // A different address without REPLACE: nothing happens, not even the state change.
      updateRouter = false;
      this.finishRouter(n, entryFlags, updateRouter, notify, cause, created);
      return;
    }
    if (state !== old || ha !== n.lladdr) n.updated = now;
    if (state !== old) {
      this.stopTimer(n);
      if (state & NUD_PROBE) n.probes = 0;
      n.state = state;
      if (state & NUD_IN_TIMER) this.startTimer(n, state & NUD_REACHABLE ? this.param(n.family).reachableTime : 0);
      notify = true;
    }
    if (ha !== n.lladdr) {
      n.lladdr = ha;
      if (!(state & NUD_CONNECTED)) n.confirmed = now - toClockT(2 * this.param(n.family).baseReachableTime);
      notify = true;
    }
    this.finishRouter(n, entryFlags, updateRouter, notify, cause, created);
  }

  /**
   * RTM_NEWNEIGH with NTF_USE: __neigh_update(NEIGH_UPDATE_F_USE) sets the admin flags as asked
   * and drops PERMANENT from the state, ignoring the requested state and address (announced, pid
   * R, only if the flags changed), then neigh_event_send() runs as for a packet waiting on the
   * entry (Probe: STALE → DELAY → PROBE → FAILED; PERMANENT, NONE or new → INCOMPLETE → FAILED
   * 3 s later; REACHABLE, NOARP, DELAY, PROBE and INCOMPLETE unchanged).
   */
  private use(n: Neighbour, entryFlags: number, cause?: Cause): void {
    const adminMask = NTF_EXT_LEARNED | ((NTF_EXT_MANAGED | NTF_EXT_EXT_VALIDATED) << 8);
    const flagsChanged = ((n.flags ^ entryFlags) & adminMask) !== 0;
    n.flags = (n.flags & ~adminMask) | (entryFlags & adminMask);
    n.state &= ~NUD_PERMANENT;
    if (flagsChanged) this.announce(n, 'newneigh', cause);
    this.eventSend(n);
    if (!flagsChanged) this.changed(true);
  }

  /**
   * __neigh_event_send(): an entry a packet waits on starts resolving, silently. A STALE one is
   * delayed (DELAY for delay_probe_time, then the timer probes); one without a usable state becomes
   * INCOMPLETE with the unicast probes counted as spent and its first multicast probe sent at once,
   * the next ones retrans_time apart (FAILED after mcast_probes); connected and probing entries
   * are left alone.
   */
  private eventSend(n: Neighbour): void {
    if (n.state & (NUD_CONNECTED | NUD_DELAY | NUD_PROBE)) return;
    const p = this.param(n.family);
    if (!(n.state & (NUD_STALE | NUD_INCOMPLETE))) {
      this.stopTimer(n);
      n.updated = this.now();
      if (p.mcastProbes + p.appProbes === 0) {
        n.state = NUD_FAILED;
        return;
      }
      n.state = NUD_INCOMPLETE;
      n.probes = p.ucastProbes + 1; // neigh_probe(): the first solicitation goes out now
      this.startTimer(n, Math.max(p.retransTime, 10));
    } else if (n.state & NUD_STALE) {
      this.stopTimer(n);
      n.state = NUD_DELAY;
      n.updated = this.now();
      this.startTimer(n, p.delayProbeTime);
    }
  }

  /** The `out:` part of __neigh_update(): NTF_ROUTER (neigh_update_is_router), then the notification. */
  private finishRouter(n: Neighbour, entryFlags: number, updateRouter: boolean, notify: boolean, cause: Cause | undefined, created: boolean): void {
    if (updateRouter && (n.flags ^ entryFlags) & NTF_ROUTER) {
      n.flags ^= NTF_ROUTER;
      notify = true;
    }
    if (notify) this.announce(n, 'newneigh', cause);
    else this.changed(created);
  }

  private changed(really: boolean): void {
    if (really) this.host.changed();
  }

  /** nda_cacheinfo.ndm_refcnt of a message: the holder's `base` references, plus the timer's. */
  refcnt(n: Neighbour, base: number): number {
    return base + (this.timers.has(n) ? 1 : 0);
  }

  /** neigh_update_notify() / __neigh_notify(): refcnt as the kernel reports it (updater's and timer's references). */
  private announce(n: Neighbour, type: 'newneigh' | 'delneigh', cause?: Cause, fromTimer = false): void {
    // The updater (a request, or the timer handler itself) holds one reference while it notifies.
    const base = type === 'newneigh' && (cause || fromTimer) ? 1 : 0;
    this.host.emit({ type, neigh: n, refcnt: base + (this.timers.has(n) ? 1 : 0), cause });
  }

  // --- timers (neigh_timer_handler), on the model clock ---

  private startTimer(n: Neighbour, delay: number): void {
    const timer = this.host.clock.schedule(this.host.clock.now() + delay, () => {
      this.timers.delete(n);
      this.timerFired(n);
    });
    this.timers.set(n, timer);
  }

  private stopTimer(n: Neighbour): void {
    this.timers.get(n)?.cancel();
    this.timers.delete(n);
  }

  /**
   * REACHABLE → STALE after reachable_time (no traffic confirmed it); DELAY → PROBE at once;
   * PROBE → FAILED after ucast+app+mcast_reprobes probes one retrans_time apart. Each
   * announced with pid 0, as the kernel's timer does.
   */
  private timerFired(n: Neighbour): void {
    if (this.tables[n.family].get(n.ifindex, n.dst) !== n) return;
    const p = this.param(n.family);
    const now = this.now();
    let notify = false;
    if (n.state & NUD_REACHABLE) {
      n.state = NUD_STALE;
      n.updated = now;
      this.announce(n, 'newneigh', undefined, true);
      return;
    }
    if (n.state & NUD_DELAY) {
      n.state = NUD_PROBE;
      n.updated = now;
      n.probes = 0;
      notify = true;
    }
    if (n.state & (NUD_PROBE | NUD_INCOMPLETE)) {
      const max = p.ucastProbes + p.appProbes + (n.state & NUD_PROBE ? p.mcastReprobes : p.mcastProbes);
      if (n.probes >= max) {
        n.state = NUD_FAILED;
        n.updated = now;
        this.announce(n, 'newneigh', undefined, true);
        return;
      }
      n.probes++; // neigh_probe(): a solicitation goes out, the next one retrans_time later
      this.startTimer(n, p.retransTime);
    }
    if (notify) this.announce(n, 'newneigh', undefined, true);
    else this.host.changed();
  }

  // --- RTM_DELNEIGH ---

  /** neigh_delete(): __neigh_update(FAILED) (NEWNEIGH(FAILED) if it was valid), then neigh_remove_one() (DELNEIGH, pid 0). */
  delete(family: NeighFamily, ifindex: number, dst: Uint8Array, cause?: Cause): void {
    const n = this.get(family, ifindex, dst);
    if (!n) throw new ModelError('ENOENT');
    this.neighUpdate(n, undefined, NUD_FAILED, 0, ADMIN | OVERRIDE, false, cause);
    this.removeEntry(n);
  }

  private removeEntry(n: Neighbour): void {
    this.stopTimer(n);
    this.tables[n.family].remove(n);
    this.announce(n, 'delneigh');
  }

  // --- proxies (pneigh_create / pneigh_delete): never announced ---

  addProxy(family: NeighFamily, ifindex: number, dst: Uint8Array, ntf: number, state: number, protocol: number): void {
    const key = dstKey(family, dst);
    const existing = this.proxies[family].get(ifindex, key);
    const p: ProxyNeighbour = existing ?? { family, ifindex, dst: key, flags: 0, protocol: 0, permanent: false };
    p.flags = ntf & NTF_ROUTER;
    if (protocol) p.protocol = protocol;
    p.permanent = (state & NUD_PERMANENT) !== 0;
    this.proxies[family].set(p);
    this.host.changed();
    if (!existing) this.proxyGroupChanged(family, ifindex);
  }

  deleteProxy(family: NeighFamily, ifindex: number, dst: Uint8Array): void {
    const p = this.getProxy(family, ifindex, dst);
    if (!p) throw new ModelError('ENOENT');
    this.proxies[family].delete(p);
    this.host.changed();
    this.proxyGroupChanged(family, ifindex);
  }

  /**
   * pndisc_constructor / pndisc_destructor: an IPv6 proxy joins (leaves) its address's
   * solicited-node group on its device, and an up device reports the change with MLDv2 (to
   * ff02::16), carrier or not (Probe: the carrier-loss flush of a proxy recreates the ff02::16 entry
   * the same flush had just removed).
   */
  private proxyGroupChanged(family: NeighFamily, ifindex: number): void {
    const link = family === 'inet6' && ifindex ? this.host.link(ifindex) : undefined;
    if (link && link.flags & IFF_UP && link.inet6) this.host.mcastChain.call({ link, family, group: MLDV2_REPORTS, why: 'mld' });
  }

  // --- flushes (neigh_flush_dev, neigh_changeaddr, neigh_carrier_down, neigh_ifdown) ---

  /**
   * Removes a device's entries of `family` (newest first), each announced with RTM_DELNEIGH
   * pid 0; `keepPermanent` keeps PERMANENT and EXT_VALIDATED ones (carrier loss). Proxies go
   * too when `proxies` says so (silently).
   */
  flushDevice(family: NeighFamily, ifindex: number, how: { keepPermanent: boolean; proxies: boolean }): void {
    for (const n of this.tables[family].ofDevice(ifindex)) {
      if (how.keepPermanent && (n.state & NUD_PERMANENT || n.flags & (NTF_EXT_EXT_VALIDATED << 8))) continue;
      this.removeEntry(n);
    }
    if (how.proxies && this.proxies[family].flushDevice(ifindex, how.keepPermanent)) {
      this.host.changed();
      this.proxyGroupChanged(family, ifindex);
    }
  }

  // --- the kernel's own traffic ---

  /**
   * The entry a packet the kernel sends to `dst` on `ifindex` goes through (__neigh_lookup with
   * creat, as ip6_finish_output2 does): created if absent, silently (no update, so no
   * notification); an existing entry is left as it is.
   */
  output(family: NeighFamily, ifindex: number, dst: Uint8Array): void {
    const link = this.host.link(ifindex);
    if (!link) return;
    const key = this.keyOn(family, ifindex, dst);
    if (this.tables[family].get(ifindex, key)) return;
    this.construct(family, link, key);
    this.host.changed();
  }

  // --- traffic a test rig simulates ---

  /**
   * What an ARP reply or neighbour advertisement would do (neigh_update without ADMIN): the
   * entry is created if needed and becomes REACHABLE (a reply to our request) or STALE (a
   * request from the neighbour), announced with pid 0; timers then run as usual.
   */
  learn(family: NeighFamily, ifindex: number, dst: Uint8Array, lladdr: Uint8Array, state: typeof NUD_REACHABLE | typeof NUD_STALE): Neighbour {
    const link = this.host.link(ifindex);
    if (!link) throw new ModelError('ENODEV');
    const key = this.keyOn(family, ifindex, dst);
    const n = this.tables[family].get(ifindex, key) ?? this.construct(family, link, key);
    if (n.state & (NUD_PERMANENT | NUD_NOARP)) return n; // the kernel ignores traffic for these
    this.neighUpdate(n, lladdrNumber(lladdr), state, n.flags, OVERRIDE, true);
    return n;
  }

  // --- export / import ---

  export(): NeighbourSnapshot {
    // IPv6 keys leave as hex (snapshot.json is read by people too) and come back as keys on import.
    const out = <T extends { dst: number | string }>(x: T): T => ({ ...x, dst: typeof x.dst === 'string' ? Buffer.from(x.dst, 'latin1').toString('hex') : x.dst });
    return {
      entries: [...this.tables.inet.entries(), ...this.tables.inet6.entries()].map(out),
      proxies: [...this.proxies.inet.values(), ...this.proxies.inet6.values()].map(out),
    };
  }

  /** Replaces every entry, announcing nothing (a restore); timers restart for entries that had one. */
  import(s?: NeighbourSnapshot): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    for (const f of ['inet', 'inet6'] as const) {
      this.tables[f].clear();
      this.proxies[f].clear();
    }
    if (!s) return;
    // Times were taken on another run's clock: none may lie in this clock's future (ages would wrap).
    const now = this.now();
    for (const n of s.entries) {
      const copy = { ...n, dst: keyIn(n.dst), confirmed: Math.min(n.confirmed, now), used: Math.min(n.used, now), updated: Math.min(n.updated, now) };
      this.tables[copy.family].insert(copy);
      if (copy.state & NUD_IN_TIMER) this.startTimer(copy, copy.state & NUD_REACHABLE ? this.param(copy.family).reachableTime : 0);
    }
    for (const p of s.proxies) this.proxies[p.family].set({ ...p, dst: keyIn(p.dst) });
  }
}

/** An exported key back: IPv6 keys were written as hex. */
const keyIn = (dst: number | string): number | string => (typeof dst === 'string' ? Buffer.from(dst, 'hex').toString('latin1') : dst);

/** arp_mc_map / ndisc_mc_map: 01:00:5e + low 23 bits, or 33:33 + low 32 bits. */
function multicastMac(key: number | string): number {
  if (typeof key === 'number') return lladdrNumber(Uint8Array.of(0x01, 0x00, 0x5e, (key >>> 16) & 0x7f, (key >>> 8) & 255, key & 255));
  const b = dstBytes(key);
  return lladdrNumber(Uint8Array.of(0x33, 0x33, b[12]!, b[13]!, b[14]!, b[15]!));
}

