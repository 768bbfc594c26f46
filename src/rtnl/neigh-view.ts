import { AF_INET, AF_INET6, NTF_PROXY, NUD_VALID, RTN_UNICAST } from '../../protocol/constants.js';
import type { NeighMessage } from '../../protocol/neigh-message.js';
import { dstBytes, toClockT, type Neighbour, type ProxyNeighbour } from '../model/neighbours/neighbour.js';

const FAMILY = { inet: AF_INET, inet6: AF_INET6 } as const;

/**
 * __neigh_fill_info(): an entry as a message shows it now. Cacheinfo times are "how long
 * ago" in clock_t; `refcnt` depends on the message (1 in a requester's notification or a GET
 * reply, 0 in dumps and RTM_DELNEIGH, +1 while a timer holds the entry).
 */
export function neighMessage(n: Readonly<Neighbour>, nowMs: number, refcnt: number): NeighMessage {
  return new NeighMessageScratch().fill(n, toClockT(nowMs), refcnt);
}

/**
 * neighMessage() into a reused message: a dump writes 100,000 entries, so their bytes go through
 * one scratch object and three scratch arrays instead of four allocations each.
 */
export class NeighMessageScratch {
  private readonly dst4 = new Uint8Array(4);
  private readonly dst6 = new Uint8Array(16);
  private readonly ll = new Uint8Array(6);
  private readonly ci: [number, number, number, number] = [0, 0, 0, 0];
  readonly m: NeighMessage = { family: 0, ifindex: 0, state: 0, flags: 0, type: 0, dst: this.dst4, probes: 0, protocol: 0, flagsExt: 0 };

  fill(n: Readonly<Neighbour>, now: number, refcnt: number): NeighMessage {
    const m = this.m;
    m.family = FAMILY[n.family];
    m.ifindex = n.ifindex;
    m.state = n.state & 0xffff;
    m.flags = n.flags & 0xff;
    m.type = n.type;
    if (typeof n.dst === 'number') {
      const d = this.dst4;
      d[0] = n.dst >>> 24;
      d[1] = (n.dst >>> 16) & 255;
      d[2] = (n.dst >>> 8) & 255;
      d[3] = n.dst & 255;
      m.dst = d;
    } else {
      for (let i = 0; i < 16; i++) this.dst6[i] = n.dst.charCodeAt(i);
      m.dst = this.dst6;
    }
    if (n.state & NUD_VALID && n.lladdr >= 0) {
      let v = n.lladdr;
      for (let i = 5; i >= 0; i--) {
        const b = v % 256;
        this.ll[i] = b;
        v = (v - b) / 256;
      }
      m.lladdr = this.ll;
    } else m.lladdr = undefined;
    m.probes = n.probes;
    const ci = this.ci;
    ci[0] = now - n.confirmed;
    ci[1] = now - n.used;
    ci[2] = now - n.updated;
    ci[3] = refcnt;
    m.cacheinfo = ci;
    m.protocol = n.protocol;
    m.flagsExt = n.flags >>> 8;
    return m;
  }
}

/** pneigh_fill_info(): state 0, the stored flags with NTF_PROXY, type unicast; DST, PROTOCOL. */
export function proxyMessage(p: Readonly<ProxyNeighbour>): NeighMessage {
  return {
    family: FAMILY[p.family], ifindex: p.ifindex, state: 0, flags: p.flags | NTF_PROXY, type: RTN_UNICAST,
    dst: dstBytes(p.dst), protocol: p.protocol, flagsExt: 0,
  };
}
