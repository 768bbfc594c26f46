import {
  AF_INET, AF_INET6, NDA_FLAGS_EXT, NDA_PROTOCOL, NTF_PROXY, NUD_VALID, RTM_NEWNEIGH, RTN_UNICAST,
} from '../../protocol/constants.js';
import { neighMessageShape, type NeighMessage } from '../../protocol/neigh-message.js';
import type { NlWriter } from '../../protocol/writer.js';
import { dstBytes, type Neighbour, type ProxyNeighbour } from '../model/neighbours/neighbour.js';

const FAMILY = { inet: AF_INET, inet6: AF_INET6 } as const;

/** The four shapes of an entry's message: [IPv4, IPv4 + LLADDR, IPv6, IPv6 + LLADDR]. */
const SHAPES = [
  neighMessageShape(RTM_NEWNEIGH, 4, false), neighMessageShape(RTM_NEWNEIGH, 4, true),
  neighMessageShape(RTM_NEWNEIGH, 16, false), neighMessageShape(RTM_NEWNEIGH, 16, true),
];

function u32(b: Buffer, at: number, v: number): void {
  b[at] = v;
  b[at + 1] = v >>> 8;
  b[at + 2] = v >>> 16;
  b[at + 3] = v >>> 24;
}

/**
 * __neigh_fill_info(): an entry's RTM_NEWNEIGH / RTM_DELNEIGH as it shows now — ndmsg, DST,
 * LLADDR while the state is NUD_VALID, PROBES, CACHEINFO ("how long ago", in clock_t, of
 * `now`), PROTOCOL and FLAGS_EXT when set. `refcnt` depends on the message (1 in a requester's
 * notification or a GET reply, 0 in dumps and RTM_DELNEIGH, +1 while a timer holds the entry).
 * A dump writes 100,000 of these: the shape's bytes are copied and patched, nothing is allocated.
 */
export function writeNeighEntry(
  w: NlWriter, type: number, flags: number, seq: number, pid: number, n: Readonly<Neighbour>, now: number, refcnt: number,
): void {
  const v6 = typeof n.dst !== 'number';
  const ll = (n.state & NUD_VALID) !== 0 && n.lladdr >= 0;
  const shape = SHAPES[(v6 ? 2 : 0) + (ll ? 1 : 0)]!;
  const start = w.claim(shape.bytes.length);
  const b = w.buffer;
  b.set(shape.bytes, start);
  b[start + 4] = type;
  b[start + 5] = type >>> 8;
  b[start + 6] = flags;
  b[start + 7] = flags >>> 8;
  u32(b, start + 8, seq);
  u32(b, start + 12, pid);
  // struct ndmsg: family, pad, pad, ifindex, state, flags, type
  b[start + 16] = v6 ? AF_INET6 : AF_INET;
  u32(b, start + 20, n.ifindex);
  b[start + 24] = n.state;
  b[start + 25] = n.state >>> 8;
  b[start + 26] = n.flags;
  b[start + 27] = n.type;
  let at = start + shape.dst;
  if (v6) {
    const s = n.dst as string;
    for (let i = 0; i < 16; i++) b[at + i] = s.charCodeAt(i);
  } else {
    const d = n.dst as number;
    b[at] = d >>> 24;
    b[at + 1] = d >>> 16;
    b[at + 2] = d >>> 8;
    b[at + 3] = d;
  }
  if (ll) {
    // 48 bits in a double: the high 16 and the low 32.
    const hi = Math.floor(n.lladdr / 0x100000000);
    const lo = n.lladdr >>> 0;
    at = start + shape.lladdr;
    b[at] = hi >>> 8;
    b[at + 1] = hi;
    b[at + 2] = lo >>> 24;
    b[at + 3] = lo >>> 16;
    b[at + 4] = lo >>> 8;
    b[at + 5] = lo;
  }
  u32(b, start + shape.probes, n.probes);
  at = start + shape.cacheinfo;
  u32(b, at, now - n.confirmed);
  u32(b, at + 4, now - n.used);
  u32(b, at + 8, now - n.updated);
  u32(b, at + 12, refcnt);
  const ext = n.flags >>> 8;
  if (n.protocol || ext) {
    if (n.protocol) w.attrU8(NDA_PROTOCOL, n.protocol);
    if (ext) w.attrU32(NDA_FLAGS_EXT, ext);
    w.patchU32(start, w.length - start);
  }
}

/** pneigh_fill_info(): state 0, the stored flags with NTF_PROXY, type unicast; DST, PROTOCOL. */
export function proxyMessage(p: Readonly<ProxyNeighbour>): NeighMessage {
  return {
    family: FAMILY[p.family], ifindex: p.ifindex, state: 0, flags: p.flags | NTF_PROXY, type: RTN_UNICAST,
    dst: dstBytes(p.dst), protocol: p.protocol, flagsExt: 0,
  };
}
