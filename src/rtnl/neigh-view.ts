import { AF_INET, AF_INET6, NTF_PROXY, NUD_VALID, RTN_UNICAST } from '../../protocol/constants.js';
import type { NeighMessage } from '../../protocol/neigh-message.js';
import { dstBytes, lladdrBytes, toClockT, type Neighbour, type ProxyNeighbour } from '../model/neighbours/neighbour.js';

const FAMILY = { inet: AF_INET, inet6: AF_INET6 } as const;

/**
 * __neigh_fill_info(): an entry as a message shows it now. Cacheinfo times are "how long
 * ago" in clock_t; `refcnt` depends on the message (1 in a requester's notification or a GET
 * reply, 0 in dumps and RTM_DELNEIGH, +1 while a timer holds the entry).
 */
export function neighMessage(n: Readonly<Neighbour>, nowMs: number, refcnt: number): NeighMessage {
  const now = toClockT(nowMs);
  return {
    family: FAMILY[n.family], ifindex: n.ifindex, state: n.state & 0xffff, flags: n.flags & 0xff, type: n.type,
    dst: dstBytes(n.dst), lladdr: n.state & NUD_VALID && n.lladdr >= 0 ? lladdrBytes(n.lladdr) : undefined,
    probes: n.probes, cacheinfo: [now - n.confirmed, now - n.used, now - n.updated, refcnt],
    protocol: n.protocol, flagsExt: n.flags >>> 8,
  };
}

/** pneigh_fill_info(): state 0, the stored flags with NTF_PROXY, type unicast; DST, PROTOCOL. */
export function proxyMessage(p: Readonly<ProxyNeighbour>): NeighMessage {
  return {
    family: FAMILY[p.family], ifindex: p.ifindex, state: 0, flags: p.flags | NTF_PROXY, type: RTN_UNICAST,
    dst: dstBytes(p.dst), protocol: p.protocol, flagsExt: 0,
  };
}
