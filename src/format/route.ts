import { attrMap, readString, readU32, readU8, walkAttrs } from '../../protocol/attr-walk.js';
import {
  AF_INET, AF_INET6, RTA_CACHEINFO, RTA_DST, RTA_FLOW, RTA_GATEWAY, RTA_IIF, RTA_MARK, RTA_METRICS, RTA_MULTIPATH, RTA_NH_ID,
  RTA_OIF, RTA_PREF, RTA_PREFSRC, RTA_PRIORITY, RTA_SRC, RTA_TABLE, RTA_UID, RTA_VIA, RTAX_CC_ALGO, RTAX_FEATURES,
  RTAX_HOPLIMIT, RTAX_LOCK, RTAX_MAX, RTM_DELROUTE, RTM_F_CLONED, RTN_UNICAST, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RT_TABLE_MAIN,
} from '../../protocol/constants.js';
import { formatInet } from '../../protocol/inet.js';
import { NLMSGHDR_SIZE, RTMSG_SIZE, RTNEXTHOP_SIZE, decodeRtMsg, decodeRtNexthop } from '../../protocol/structs.js';
import type { LinkTable } from './link-table.js';
import { scopeName } from './names.js';
import type { Printer } from './printer.js';
import { METRIC_NAMES, ROUTER_PREFS, dsfieldName, realmName, routeProtocolName, routeTableName, routeTypeName } from './route-names.js';

/** What of iproute2's route filter changes how a route prints (a field the filter pins is left out). */
export interface RoutePrintFilter {
  /** Table filter: 0 shows "table X" for tables other than main. */
  tb: number;
  /** Bit per RTN_* type selected by `type T` (0: none). */
  typemask: number;
  hideTos: boolean;
  hideDev: boolean;
  hideProtocol: boolean;
  hideScope: boolean;
  hideMetric: boolean;
  hideIif: boolean;
  hideRealm: boolean;
  /** `via` / `src` filters with a full-length address hide those fields. */
  hideGateway: boolean;
  hidePrefsrc: boolean;
}

export const NO_ROUTE_FILTER: RoutePrintFilter = {
  tb: 0, typemask: 0, hideTos: false, hideDev: false, hideProtocol: false, hideScope: false, hideMetric: false,
  hideIif: false, hideRealm: false, hideGateway: false, hidePrefsrc: false,
};

export interface RoutePrintOptions {
  details: boolean;
  stats: number;
  filter: RoutePrintFilter;
}

/** sysconf(_SC_CLK_TCK): rta_expires is in clock ticks. */
const USER_HZ = 100;
const RTNH_F_DEAD = 0x1;
const RTNH_F_ONLINK = 0x4;
const RTNH_F_PERVASIVE = 0x2;
const RTNH_F_OFFLOAD = 0x8;
const RTNH_F_TRAP = 0x40;
const RTM_F_NOTIFY = 0x100;
const RTNH_F_LINKDOWN = 0x10;
const RTNH_F_UNRESOLVED = 0x20;
const RTM_F_OFFLOAD = 0x4000;
const RTM_F_TRAP = 0x8000;
const RTM_F_OFFLOAD_FAILED = 0x20000000;

/** print_rt_flags() */
const RT_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [RTNH_F_DEAD, 'dead'], [RTNH_F_ONLINK, 'onlink'], [RTNH_F_PERVASIVE, 'pervasive'], [RTNH_F_OFFLOAD, 'offload'],
  [RTNH_F_TRAP, 'trap'], [RTM_F_NOTIFY, 'notify'], [RTNH_F_LINKDOWN, 'linkdown'], [RTNH_F_UNRESOLVED, 'unresolved'],
  [RTM_F_OFFLOAD, 'rt_offload'], [RTM_F_TRAP, 'rt_trap'], [RTM_F_OFFLOAD_FAILED, 'rt_offload_failed'],
];

/** print_cache_flags(): the RTCF_* bits above 0xffff of a cached IPv4 route. */
const RTCF_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x80000000, 'local'], [0x00000200, 'reject'], [0x20000000, 'mc'], [0x10000000, 'brd'], [0x00008000, 'dst-nat'],
  [0x00010000, 'src-nat'], [0x00800000, 'masq'], [0x04000000, 'dst-direct'], [0x00040000, 'src-direct'],
  [0x01000000, 'redirected'], [0x02000000, 'redirect'], [0x00200000, 'fastroute'], [0x00400000, 'notify'],
  [0x00080000, 'proxy'],
];

const hostLen = (family: number) => (family === AF_INET6 ? 128 : family === AF_INET ? 32 : 0);

function printRtFlags(p: Printer, flags: number): void {
  p.openArray('flags');
  for (const [bit, name] of RT_FLAG_NAMES) if (flags & bit) p.any(null, `${name} `, name);
  p.close();
}

function printGateway(p: Printer, family: number, gw: Buffer): void {
  const g = formatInet(gw, family);
  p.any('gateway', `via ${g} `, g);
}

/** print_rta_via(): "via inet6 ADDR" for a gateway of another family. */
function printVia(p: Printer, via: Buffer): void {
  const family = via.readUInt16LE(0);
  const host = formatInet(via.subarray(2), family);
  const fam = family === AF_INET ? 'inet' : family === AF_INET6 ? 'inet6' : String(family);
  p.text(`via ${fam} ${host} `);
  p.openObject('via').json('family', fam).json('host', host).close();
}

/** print_rta_flow() */
function printFlow(p: Printer, flow: number): void {
  const from = flow >>> 16;
  const to = flow & 0xffff;
  if (p.isJson) {
    p.openObject('flow');
    if (from) p.json('from', realmName(from));
    p.json('to', realmName(to));
    p.close();
  } else {
    p.text(`realm${from ? 's' : ''} ${from ? `${realmName(from)}/` : ''}${realmName(to)} `);
  }
}

/** %g of printf for the metrics' seconds. */
const printfG = (v: number) => String(Number(v.toPrecision(6)));

/** print_rta_metrics() */
function printMetrics(p: Printer, mx: Buffer): void {
  const tb = attrMap(walkAttrs(mx));
  const lock = readU32(tb.get(RTAX_LOCK)) ?? 0;
  p.openArray('metrics').openObject(null);
  for (let i = 2; i <= RTAX_MAX; i++) {
    const attr = tb.get(i);
    if (!attr && !(lock & (1 << i))) continue;
    let val = attr && i !== RTAX_CC_ALGO ? (readU32(attr) ?? 0) : 0;
    if (i === RTAX_HOPLIMIT && (val | 0) === -1) continue;
    const name = METRIC_NAMES[i];
    p.text(name ? `${name} ` : `metric ${i} `);
    if (lock & (1 << i)) p.text('lock ');
    if (i === RTAX_FEATURES) {
      let rest = val;
      if (val & 1) {
        p.any('ecn', 'ecn ', null);
        rest &= ~1;
      }
      if (rest) p.any('features', `0x${val.toString(16)} `, `0x${val.toString(16)}`);
    } else if (i === 4 || i === 5 || i === 13) {
      if (i === 4) val = Math.floor(val / 8);
      else if (i === 5) val = Math.floor(val / 4);
      if (p.isJson) p.json(name!, val);
      else p.text(val >= 1000 ? `${printfG(val / 1e3)}s ` : `${val}ms `);
    } else if (i === RTAX_CC_ALGO) {
      const cc = readString(attr) ?? '';
      p.any('congestion', `${cc} `, cc);
    } else {
      p.any(name ?? String(i), `${val} `, val);
    }
  }
  p.close().close();
}

/** print_rta_cacheinfo() */
function printCacheinfo(p: Printer, ci: Buffer, stats: number): void {
  if (ci.length < 20) return;
  const clntref = ci.readUInt32LE(0);
  const lastuse = ci.readUInt32LE(4);
  const expires = ci.readInt32LE(8);
  const error = ci.readUInt32LE(12);
  const used = ci.readUInt32LE(16);
  const id = ci.length >= 24 ? ci.readUInt32LE(20) : 0;
  const ts = ci.length >= 28 ? ci.readUInt32LE(24) : 0;
  const tsage = ci.length >= 32 ? ci.readUInt32LE(28) : 0;
  if (expires !== 0) {
    const s = Math.trunc(expires / USER_HZ);
    p.any('expires', `expires ${s}sec `, s);
  }
  if (error !== 0) p.any('error', `error ${error} `, error);
  if (stats) {
    if (clntref) p.any('users', `users ${clntref} `, clntref);
    if (used) p.any('used', `used ${used} `, used);
    if (lastuse) p.any('age', `age ${Math.floor(lastuse / USER_HZ)}sec `, Math.floor(lastuse / USER_HZ));
  }
  if (id) p.any('ipid', `ipid 0x${id.toString(16).padStart(4, '0')} `, `0x${id.toString(16).padStart(4, '0')}`);
  if (ts || tsage) {
    p.any('ts', `ts 0x${ts.toString(16)}`, `0x${ts.toString(16)}`);
    p.any('tsage', `tsage ${tsage}sec `, tsage);
  }
}

/** print_cache_flags(): "\n    cache <local,...> " of a cached IPv4 route (`ip route get`). */
function printCacheFlags(p: Printer, rtmFlags: number): void {
  let flags = (rtmFlags & ~0xffff) >>> 0;
  p.openArray('cache');
  p.text(`${p.sl}    cache `);
  if (!p.isJson && flags === 0) {
    p.close();
    return;
  }
  p.text('<');
  for (const [bit, name] of RTCF_NAMES) {
    if (!(flags & bit)) continue;
    flags = (flags & ~bit) >>> 0;
    p.any(null, `${name}${flags ? ',' : '> '}`, name);
  }
  if (flags) p.any('flags', `${flags.toString(16)}>`, flags);
  p.close();
}

/** print_rta_multipath() */
function printMultipath(p: Printer, family: number, mp: Buffer, names: LinkTable): void {
  p.openArray('nexthops');
  for (let at = 0; mp.length - at >= RTNEXTHOP_SIZE;) {
    const nh = decodeRtNexthop(mp, at);
    if (nh.len > mp.length - at) break;
    p.openObject(null);
    p.text(`${p.sl}\tnexthop `);
    if (nh.len > RTNEXTHOP_SIZE) {
      const tb = attrMap(walkAttrs(mp, at + RTNEXTHOP_SIZE, at + nh.len));
      const gw = tb.get(RTA_GATEWAY);
      if (gw) printGateway(p, family, gw);
      const via = tb.get(RTA_VIA);
      if (via) printVia(p, via);
      const flow = readU32(tb.get(RTA_FLOW));
      if (flow !== undefined) printFlow(p, flow);
    }
    const dev = names.name(nh.ifindex);
    p.any('dev', `dev ${dev} `, dev);
    p.any('weight', `weight ${nh.hops + 1} `, nh.hops + 1);
    printRtFlags(p, nh.flags);
    p.close();
    if (nh.len < RTNEXTHOP_SIZE) break;
    at += (nh.len + 3) & ~3;
  }
  p.close();
}

/** The route's table: RTA_TABLE, else rtm_table (rtm_get_table()). */
export function routeTable(msg: Buffer): number {
  const rtm = decodeRtMsg(msg, NLMSGHDR_SIZE);
  const tb = attrMap(walkAttrs(msg, NLMSGHDR_SIZE + RTMSG_SIZE, msg.readUInt32LE(0)));
  return readU32(tb.get(RTA_TABLE)) ?? rtm.table;
}

/**
 * print_route() of iproute2 6.1 (ip/iproute.c) for one RTM_NEWROUTE / RTM_DELROUTE message
 * (header included), after the filter chose it. Text ends with a newline.
 */
export function printRoute(p: Printer, msg: Buffer, names: LinkTable, o: RoutePrintOptions): void {
  const f = o.filter;
  const len = Math.min(msg.length, msg.readUInt32LE(0));
  const r = decodeRtMsg(msg, NLMSGHDR_SIZE);
  const tb = attrMap(walkAttrs(msg, NLMSGHDR_SIZE + RTMSG_SIZE, len));
  const table = readU32(tb.get(RTA_TABLE)) ?? r.table;
  const host = hostLen(r.family);
  if (msg.readUInt16LE(4) === RTM_DELROUTE) p.any('deleted', 'Deleted ', true);
  if ((r.type !== RTN_UNICAST || o.details) && (!f.typemask || f.typemask & (1 << r.type))) {
    const t = routeTypeName(r.type);
    p.any('type', `${t} `, t);
  }
  const addrText = (b: Buffer, bits: number) => (bits !== host ? `${formatInet(b, r.family)}/${bits}` : formatInet(b, r.family));
  const dst = tb.get(RTA_DST);
  const d = dst ? addrText(dst, r.dstLen) : r.dstLen ? `0/${r.dstLen} ` : 'default';
  p.any('dst', `${d} `, d);
  const src = tb.get(RTA_SRC);
  if (src) {
    const s = addrText(src, r.srcLen);
    p.any('from', `from ${s} `, s);
  } else if (r.srcLen) {
    p.any('src', `from 0/${r.srcLen} `, `0/${r.srcLen}`);
  }
  const nhid = readU32(tb.get(RTA_NH_ID));
  if (nhid !== undefined) p.any('nhid', `nhid ${nhid} `, nhid);
  if (r.tos && !f.hideTos) {
    const t = dsfieldName(r.tos);
    p.any('tos', `tos ${t} `, t);
  }
  const gw = tb.get(RTA_GATEWAY);
  if (gw && !f.hideGateway) printGateway(p, r.family, gw);
  const via = tb.get(RTA_VIA);
  if (via) printVia(p, via);
  const oif = readU32(tb.get(RTA_OIF));
  if (oif !== undefined && !f.hideDev) {
    const dev = names.name(oif);
    p.any('dev', `dev ${dev} `, dev);
  }
  if (table && (table !== RT_TABLE_MAIN || o.details) && !f.tb) {
    const t = routeTableName(table);
    p.any('table', `table ${t} `, t);
  }
  if (!(r.flags & RTM_F_CLONED)) {
    if ((r.protocol !== RTPROT_BOOT || o.details) && !f.hideProtocol) {
      const pr = routeProtocolName(r.protocol);
      p.any('protocol', `proto ${pr} `, pr);
    }
    if ((r.scope !== RT_SCOPE_UNIVERSE || o.details) && !f.hideScope) {
      const sc = scopeName(r.scope);
      p.any('scope', `scope ${sc} `, sc);
    }
  }
  const prefsrc = tb.get(RTA_PREFSRC);
  if (prefsrc && !f.hidePrefsrc) {
    const ps = formatInet(prefsrc, r.family);
    p.any('prefsrc', `src ${ps} `, ps);
  }
  const priority = readU32(tb.get(RTA_PRIORITY));
  if (priority !== undefined && !f.hideMetric) p.any('metric', `metric ${priority} `, priority);
  printRtFlags(p, r.flags);
  const mark = readU32(tb.get(RTA_MARK));
  if (mark) {
    if (p.isJson) p.json('mark', mark);
    else p.text(mark >= 16 ? `mark 0x${mark.toString(16)} ` : `mark ${mark} `);
  }
  const flow = readU32(tb.get(RTA_FLOW));
  if (flow !== undefined && !f.hideRealm) printFlow(p, flow);
  const uid = readU32(tb.get(RTA_UID));
  if (uid !== undefined) p.any('uid', `uid ${uid} `, uid);
  const ci = tb.get(RTA_CACHEINFO);
  if (r.family === AF_INET) {
    if (r.flags & RTM_F_CLONED) printCacheFlags(p, r.flags);
    if (ci) printCacheinfo(p, ci, o.stats);
  } else if (r.family === AF_INET6 && ci) {
    printCacheinfo(p, ci, o.stats);
  }
  const mx = tb.get(RTA_METRICS);
  if (mx) printMetrics(p, mx);
  const iif = readU32(tb.get(RTA_IIF));
  if (iif !== undefined && !f.hideIif) {
    const dev = names.name(iif);
    p.any('iif', `iif ${dev} `, dev);
  }
  const pref = readU8(tb.get(RTA_PREF));
  if (pref !== undefined) {
    const name = ROUTER_PREFS[pref];
    p.any('pref', name !== undefined ? `pref ${name}` : String(pref), name ?? pref);
  }
  const mp = tb.get(RTA_MULTIPATH);
  if (mp) printMultipath(p, r.family, mp, names);
  p.text('\n');
}
