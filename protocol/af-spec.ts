import {
  AF_INET, AF_INET6, IFLA_AF_SPEC, IFLA_INET6_ADDR_GEN_MODE, IFLA_INET6_CACHEINFO, IFLA_INET6_CONF,
  IFLA_INET6_FLAGS, IFLA_INET6_ICMP6STATS, IFLA_INET6_STATS, IFLA_INET6_TOKEN, IFLA_INET_CONF,
} from './constants.js';
import { NlWriter } from './writer.js';

/**
 * IFLA_AF_SPEC as Linux 6.18 fills it (devinet.c inet_fill_link_af, addrconf.c
 * inet6_fill_ifla6_attrs): AF_INET's 33 devconf values, then AF_INET6's flags, cacheinfo,
 * 60 devconf values, stats and token. Values are the defaults captured from a 6.18 kernel.
 */
export interface AfSpecView {
  loopback: boolean;
  /** Devices registered with IFF_NOARP (ifb) do no DAD: accept_dad -1. */
  noarp: boolean;
  /** The IPv6 devconf MTU (cnf.mtu6). */
  mtu: number;
  /** IPv6 is configured on the device (absent after MTU < 1280). */
  inet6: boolean;
  /** IPv4 is configured on the device (absent after MTU < 68). */
  inet: boolean;
  /** IFLA_INET6_FLAGS: the inet6_dev's if_flags (IF_READY, IF_RS_SENT). */
  inet6Flags: number;
  /** Creation time in 1/100 s (IFLA_INET6_CACHEINFO tstamp). */
  tstamp: number;
  skipStats: boolean;
}

// IPV4_DEVCONF_* defaults (index = devconf id - 1). lo additionally has NOXFRM and NOPOLICY set.
const INET_CONF = [0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10000, 1000, 0, 0, 0, 0, 1];
const INET_CONF_LO = INET_CONF.map((v, i) => (i === 14 || i === 15 ? 1 : v));
// DEVCONF_* for IPv6; index 2 is the MTU, 10 use_tempaddr, 27 accept_dad (both -1 on lo).
const INET6_CONF = [
  0, 64, 1500, 1, 1, 1, 1, -1, 4000, 1000, 0, 604800, 86400, 3, 600, 16, 0, 1, 1, 1, 60000, 0, 0, 0, 0, 0, 0, 1, 0, 0,
  10000, 1000, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 3600000, 0, 0, 1, 0, 0, 0, 0, 0, 1024, 0, 65535, -1, 1, 0, 0, 0,
];
const IPSTATS_MIB_NUM = 38;
const ICMP6_MIB_NUM = 7;
const REACHABLE_TIME_MS = 30000;
const RETRANS_TIME_MS = 1000;

function buildAfSpec(w: NlWriter, v: AfSpecView): void {
  const spec = w.nestStart(IFLA_AF_SPEC);
  if (v.inet) {
    const inet = w.nestStart(AF_INET);
    const conf = w.nestStart(IFLA_INET_CONF);
    for (const x of v.loopback ? INET_CONF_LO : INET_CONF) w.u32(x);
    w.nestEnd(conf);
    w.nestEnd(inet);
  }
  if (v.inet6) {
    const inet6 = w.nestStart(AF_INET6);
    w.attrU32(IFLA_INET6_FLAGS, v.inet6Flags);
    const ci = w.nestStart(IFLA_INET6_CACHEINFO);
    w.u32(65535).u32(v.tstamp).u32(REACHABLE_TIME_MS).u32(RETRANS_TIME_MS);
    w.nestEnd(ci);
    const conf = w.nestStart(IFLA_INET6_CONF);
    for (let i = 0; i < INET6_CONF.length; i++) {
      let x = INET6_CONF[i]!;
      if (i === 2) x = v.mtu;
      else if (v.loopback && (i === 10 || i === 27)) x = -1;
      else if (v.noarp && i === 27) x = -1;
      w.s32(x);
    }
    w.nestEnd(conf);
    if (!v.skipStats) {
      const stats = w.nestStart(IFLA_INET6_STATS);
      w.u64(IPSTATS_MIB_NUM).zeros(8 * (IPSTATS_MIB_NUM - 1));
      w.nestEnd(stats);
      const icmp = w.nestStart(IFLA_INET6_ICMP6STATS);
      w.u64(ICMP6_MIB_NUM).zeros(8 * (ICMP6_MIB_NUM - 1));
      w.nestEnd(icmp);
    }
    w.attrBytes(IFLA_INET6_TOKEN, new Uint8Array(16));
    w.attrU8(IFLA_INET6_ADDR_GEN_MODE, 0);
    w.nestEnd(inet6);
  }
  w.nestEnd(spec);
}

/**
 * The nest is ~800 bytes of mostly constant devconf values, written for every link of every
 * dump; so each shape is encoded once and copied, with the per-link values patched in.
 */
interface Template {
  bytes: Buffer;
  /** Offsets (within the nest) of IFLA_INET6_FLAGS, the cacheinfo tstamp and the IPv6 MTU; -1 if absent. */
  flagsAt: number;
  tstampAt: number;
  mtuAt: number;
}

/** By shape: the five booleans of the view as bits (a string key cost more than the copy itself). */
const templates: (Template | undefined)[] = [];
const MARK_FLAGS = 0x7e5a5a01;
const MARK_TSTAMP = 0x7e5a5a02;
const MARK_MTU = 0x7e5a5a03;

function template(v: AfSpecView): Template {
  const key = (v.loopback ? 1 : 0) | (v.noarp ? 2 : 0) | (v.inet ? 4 : 0) | (v.inet6 ? 8 : 0) | (v.skipStats ? 16 : 0);
  let t = templates[key];
  if (!t) {
    const w = new NlWriter(1024);
    buildAfSpec(w, { ...v, inet6Flags: MARK_FLAGS, tstamp: MARK_TSTAMP, mtu: MARK_MTU });
    const bytes = w.take();
    const find = (mark: number) => {
      const m = Buffer.alloc(4);
      m.writeUInt32LE(mark);
      return bytes.indexOf(m);
    };
    t = { bytes, flagsAt: find(MARK_FLAGS), tstampAt: find(MARK_TSTAMP), mtuAt: find(MARK_MTU) };
    templates[key] = t;
  }
  return t;
}

/** Writes IFLA_AF_SPEC; `undefined` writes the empty nest of RTM_DELLINK. */
export function writeAfSpec(w: NlWriter, v: AfSpecView | undefined): void {
  if (!v) {
    w.nestEnd(w.nestStart(IFLA_AF_SPEC));
    return;
  }
  const t = template(v);
  const at = w.length;
  w.bytes(t.bytes);
  if (t.flagsAt >= 0) w.patchU32(at + t.flagsAt, v.inet6Flags);
  if (t.tstampAt >= 0) w.patchU32(at + t.tstampAt, v.tstamp);
  if (t.mtuAt >= 0) w.patchU32(at + t.mtuAt, v.mtu);
}
