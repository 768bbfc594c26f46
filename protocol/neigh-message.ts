import {
  NDA_CACHEINFO, NDA_DST, NDA_FLAGS_EXT, NDA_IFINDEX, NDA_LLADDR, NDA_MASTER, NDA_PROBES, NDA_PROTOCOL, NDTA_CONFIG, NDTA_GC_INTERVAL,
  NDTA_NAME, NDTA_PARMS, NDTA_STATS, NDTA_THRESH1, NDTA_THRESH2, NDTA_THRESH3, NDTPA_ANYCAST_DELAY, NDTPA_APP_PROBES,
  NDTPA_BASE_REACHABLE_TIME, NDTPA_DELAY_PROBE_TIME, NDTPA_GC_STALETIME, NDTPA_IFINDEX, NDTPA_INTERVAL_PROBE_TIME_MS,
  NDTPA_LOCKTIME, NDTPA_MCAST_PROBES, NDTPA_MCAST_REPROBES, NDTPA_PROXY_DELAY, NDTPA_PROXY_QLEN, NDTPA_QUEUE_LEN,
  NDTPA_QUEUE_LENBYTES, NDTPA_REACHABLE_TIME, NDTPA_REFCNT, NDTPA_RETRANS_TIME, NDTPA_UCAST_PROBES, RTM_NEWNEIGHTBL,
} from './constants.js';
import { attrMap, forEachAttr, readU32, readU8, walkAttrs } from './attr-walk.js';
import { decodeNdMsg, NDMSG_SIZE, NLMSGHDR_SIZE, type NdMsg } from './structs.js';
import { NlWriter } from './writer.js';

/** Everything an RTM_NEWNEIGH / RTM_DELNEIGH message says about one entry, as plain values. */
export interface NeighMessage extends Omit<NdMsg, 'pad1' | 'pad2'> {
  dst: Uint8Array;
  /** Present when the state is NUD_VALID (and for none of the proxy messages). */
  lladdr?: Uint8Array | undefined;
  /** Absent in proxy messages (pneigh_fill_info). */
  probes?: number | undefined;
  /** nda_cacheinfo {confirmed, used, updated, refcnt}; absent in proxy messages. */
  cacheinfo?: readonly [number, number, number, number] | undefined;
  protocol: number;
  /** NDA_FLAGS_EXT (entry flags >> 8). */
  flagsExt: number;
}

export function writeNdmsg(w: NlWriter, m: Omit<NdMsg, 'pad1' | 'pad2'>): void {
  w.u8(m.family).u8(0).u16(0).s32(m.ifindex).u16(m.state).u8(m.flags).u8(m.type);
}

/** __neigh_fill_info() / pneigh_fill_info(): DST, LLADDR, PROBES, CACHEINFO, PROTOCOL, FLAGS_EXT. */
export function writeNeighMessage(w: NlWriter, type: number, flags: number, seq: number, pid: number, m: NeighMessage): void {
  const at = w.msgStart(type, flags, seq, pid);
  writeNdmsg(w, m);
  w.attrBytes(NDA_DST, m.dst);
  if (m.lladdr) w.attrBytes(NDA_LLADDR, m.lladdr);
  if (m.probes !== undefined) w.attrU32(NDA_PROBES, m.probes);
  if (m.cacheinfo) {
    const [confirmed, used, updated, refcnt] = m.cacheinfo;
    const c = w.nestStart(NDA_CACHEINFO);
    w.u32(confirmed >>> 0).u32(used >>> 0).u32(updated >>> 0).u32(refcnt >>> 0);
    w.nestEnd(c);
  }
  if (m.protocol) w.attrU8(NDA_PROTOCOL, m.protocol);
  if (m.flagsExt) w.attrU32(NDA_FLAGS_EXT, m.flagsExt);
  w.msgEnd(at);
}

/**
 * One shape of a neighbour entry's message (a 4- or 16-byte NDA_DST, NDA_LLADDR or not; PROBES and
 * CACHEINFO; no PROTOCOL / FLAGS_EXT) encoded once by writeNeighMessage() itself, with where each
 * varying value lies. A dump of 100,000 entries copies these bytes and patches the values
 * (src/rtnl/neigh-view.ts) instead of writing twenty fields one call at a time: the same bytes.
 */
export interface NeighMessageShape {
  readonly bytes: Uint8Array;
  /** Payload offsets in `bytes` (lladdr: -1 when the shape has none). */
  readonly dst: number;
  readonly lladdr: number;
  readonly probes: number;
  readonly cacheinfo: number;
}

export function neighMessageShape(type: number, keyLen: 4 | 16, lladdr: boolean): NeighMessageShape {
  const w = new NlWriter(128);
  writeNeighMessage(w, type, 0, 0, 0, {
    family: 0, ifindex: 0, state: 0, flags: 0, type: 0, dst: new Uint8Array(keyLen), lladdr: lladdr ? new Uint8Array(6) : undefined,
    probes: 0, cacheinfo: [0, 0, 0, 0], protocol: 0, flagsExt: 0,
  });
  const bytes = w.take();
  const at = new Map<number, number>();
  forEachAttr(bytes, NLMSGHDR_SIZE + NDMSG_SIZE, bytes.length, (a) => at.set(a.type, a.offset + 4));
  return { bytes, dst: at.get(NDA_DST)!, lladdr: at.get(NDA_LLADDR) ?? -1, probes: at.get(NDA_PROBES)!, cacheinfo: at.get(NDA_CACHEINFO)! };
}

/** struct neigh_parms as RTM_GETNEIGHTBL reports it (milliseconds for the times). */
export interface NeighParmsMessage {
  /** Absent in the table's default parameters. */
  ifindex?: number | undefined;
  refcnt: number;
  queueLenBytes: number;
  queueLen: number;
  proxyQlen: number;
  appProbes: number;
  ucastProbes: number;
  mcastProbes: number;
  mcastReprobes: number;
  reachableTime: number;
  baseReachableTime: number;
  gcStaletime: number;
  delayProbeTime: number;
  retransTime: number;
  anycastDelay: number;
  proxyDelay: number;
  locktime: number;
  intervalProbeTimeMs: number;
}

export interface NeighTableMessage {
  family: number;
  name: string;
  gcInterval: number;
  thresh: readonly [number, number, number];
  /** struct ndt_config: key_len, entry_size, entries, last_flush, last_rand, hash_rnd, hash_mask, hash_chain_gc, proxy_qlen. */
  config: readonly [number, number, number, number, number, number, number, number, number];
  /** struct ndt_stats: 11 u64 counters. */
  stats: readonly number[];
  parms: NeighParmsMessage;
}

/** neightbl_fill_parms(): u32s, then u64 milliseconds (no pad on 64-bit). */
function writeParms(w: NlWriter, p: NeighParmsMessage): void {
  const at = w.nestStart(NDTA_PARMS);
  if (p.ifindex !== undefined) w.attrU32(NDTPA_IFINDEX, p.ifindex);
  w.attrU32(NDTPA_REFCNT, p.refcnt).attrU32(NDTPA_QUEUE_LENBYTES, p.queueLenBytes).attrU32(NDTPA_QUEUE_LEN, p.queueLen)
    .attrU32(NDTPA_PROXY_QLEN, p.proxyQlen).attrU32(NDTPA_APP_PROBES, p.appProbes).attrU32(NDTPA_UCAST_PROBES, p.ucastProbes)
    .attrU32(NDTPA_MCAST_PROBES, p.mcastProbes).attrU32(NDTPA_MCAST_REPROBES, p.mcastReprobes)
    .attrU64(NDTPA_REACHABLE_TIME, p.reachableTime).attrU64(NDTPA_BASE_REACHABLE_TIME, p.baseReachableTime)
    .attrU64(NDTPA_GC_STALETIME, p.gcStaletime).attrU64(NDTPA_DELAY_PROBE_TIME, p.delayProbeTime)
    .attrU64(NDTPA_RETRANS_TIME, p.retransTime).attrU64(NDTPA_ANYCAST_DELAY, p.anycastDelay)
    .attrU64(NDTPA_PROXY_DELAY, p.proxyDelay).attrU64(NDTPA_LOCKTIME, p.locktime)
    .attrU64(NDTPA_INTERVAL_PROBE_TIME_MS, p.intervalProbeTimeMs);
  w.nestEnd(at);
}

function writeNdtmsg(w: NlWriter, family: number): void {
  w.u8(family).u8(0).u16(0);
}

/** neightbl_fill_info(): NAME, GC_INTERVAL, THRESH1-3, CONFIG, STATS, PARMS (376 bytes). */
export function writeNeighTableMessage(w: NlWriter, flags: number, seq: number, pid: number, m: NeighTableMessage): void {
  const at = w.msgStart(RTM_NEWNEIGHTBL, flags, seq, pid);
  writeNdtmsg(w, m.family);
  w.attrString(NDTA_NAME, m.name).attrU64(NDTA_GC_INTERVAL, m.gcInterval)
    .attrU32(NDTA_THRESH1, m.thresh[0]).attrU32(NDTA_THRESH2, m.thresh[1]).attrU32(NDTA_THRESH3, m.thresh[2]);
  const c = w.nestStart(NDTA_CONFIG);
  const [keyLen, entrySize, ...rest] = m.config;
  w.u16(keyLen).u16(entrySize);
  for (const v of rest) w.u32(v >>> 0);
  w.nestEnd(c);
  const s = w.nestStart(NDTA_STATS);
  for (const v of m.stats) w.u64(v);
  w.nestEnd(s);
  writeParms(w, m.parms);
  w.msgEnd(at);
}

/** neightbl_fill_param_info(): NAME, then one device's PARMS (220 bytes). */
export function writeNeighParmsMessage(w: NlWriter, flags: number, seq: number, pid: number, family: number, name: string, p: NeighParmsMessage): void {
  const at = w.msgStart(RTM_NEWNEIGHTBL, flags, seq, pid);
  writeNdtmsg(w, family);
  w.attrString(NDTA_NAME, name);
  writeParms(w, p);
  w.msgEnd(at);
}

/** An RTM_NEWNEIGH / DELNEIGH / GETNEIGH request (what `ip neigh` sends). */
export interface NeighRequest extends Omit<NdMsg, 'pad1' | 'pad2'> {
  dst?: Uint8Array | undefined;
  lladdr?: Uint8Array | undefined;
  protocol?: number | undefined;
  flagsExt?: number | undefined;
  /** Dump filters. */
  filterIfindex?: number | undefined;
  filterMaster?: number | undefined;
}

export function writeNeighRequest(w: NlWriter, type: number, flags: number, seq: number, r: NeighRequest): void {
  const at = w.msgStart(type, flags, seq, 0);
  writeNdmsg(w, r);
  if (r.dst) w.attrBytes(NDA_DST, r.dst);
  if (r.lladdr) w.attrBytes(NDA_LLADDR, r.lladdr);
  if (r.protocol) w.attrU8(NDA_PROTOCOL, r.protocol);
  if (r.flagsExt) w.attrU32(NDA_FLAGS_EXT, r.flagsExt);
  if (r.filterIfindex) w.attrU32(NDA_IFINDEX, r.filterIfindex);
  if (r.filterMaster) w.attrU32(NDA_MASTER, r.filterMaster);
  w.msgEnd(at);
}

/** An RTM_NEWNEIGH / DELNEIGH message back as values (the client's and the CLI's reading). */
export function decodeNeighMessage(msg: Buffer): NeighMessage {
  const len = Math.min(msg.length, msg.readUInt32LE(0));
  const ndm = decodeNdMsg(msg.subarray(0, len), NLMSGHDR_SIZE);
  const tb = attrMap(walkAttrs(msg, NLMSGHDR_SIZE + NDMSG_SIZE, len));
  const ci = tb.get(NDA_CACHEINFO);
  return {
    family: ndm.family, ifindex: ndm.ifindex, state: ndm.state, flags: ndm.flags, type: ndm.type,
    dst: new Uint8Array(tb.get(NDA_DST) ?? []), lladdr: tb.has(NDA_LLADDR) ? new Uint8Array(tb.get(NDA_LLADDR)!) : undefined,
    probes: readU32(tb.get(NDA_PROBES)),
    cacheinfo: ci && ci.length >= 16 ? [ci.readUInt32LE(0), ci.readUInt32LE(4), ci.readUInt32LE(8), ci.readUInt32LE(12)] : undefined,
    protocol: readU8(tb.get(NDA_PROTOCOL)) ?? 0, flagsExt: readU32(tb.get(NDA_FLAGS_EXT)) ?? 0,
  };
}
