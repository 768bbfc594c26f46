import type { AddrMessage } from '../../protocol/addr-message.js';
import { AF_INET, AF_INET6 } from '../../protocol/constants.js';
import { INFINITY, isTimeless, type InetAddress } from '../model/addresses.js';
import type { NetworkModel } from '../model/store.js';

/** Model milliseconds to ifa_cacheinfo's 1/100 s (cstamp_delta); restored addresses may predate the model. */
const centiseconds = (ms: number) => Math.floor(Math.max(ms, 0) / 10) >>> 0;

/**
 * The RTM_NEWADDR content for a model address (inet_fill_ifaddr / inet6_fill_ifaddr's view of it).
 * One object shape for both families keeps the dump path monomorphic.
 */
export function addrMessage(model: NetworkModel, a: Readonly<InetAddress>): AddrMessage {
  return fillAddrMessage(emptyAddrMessage(), model, a);
}

/** An AddrMessage to fill (a dump fills one per entry instead of making one). */
export function emptyAddrMessage(): AddrMessage {
  return {
    family: 0, prefixlen: 0, flags: 0, scope: 0, index: 0, address: undefined, local: undefined, broadcast: undefined, label: undefined,
    proto: 0, rtPriority: 0, cacheinfo: { prefered: 0, valid: 0, cstamp: 0, tstamp: 0 },
  };
}

/** Sets every field of `m` (and its cacheinfo) to what addrMessage() would say about `a`. */
export function fillAddrMessage(m: AddrMessage, model: NetworkModel, a: Readonly<InetAddress>): AddrMessage {
  const v4 = a.family === 'inet';
  // IPv6 with a peer: IFA_LOCAL carries the address and IFA_ADDRESS the peer.
  const peer = v4 ? undefined : a.peer;
  m.family = v4 ? AF_INET : AF_INET6;
  m.prefixlen = a.prefixlen;
  m.flags = a.flags;
  m.scope = a.scope;
  m.index = a.ifindex;
  m.address = v4 ? a.address : (peer ?? a.address);
  m.local = v4 ? a.local : peer ? a.address : undefined;
  m.broadcast = v4 ? a.broadcast : undefined;
  m.label = v4 ? a.label : undefined;
  m.proto = a.proto;
  m.rtPriority = a.rtPriority;
  const ci = m.cacheinfo;
  if (isTimeless(a)) {
    ci.prefered = INFINITY;
    ci.valid = INFINITY;
  } else {
    const { prefered, valid } = model.addresses.remaining(a);
    ci.prefered = prefered;
    ci.valid = valid;
  }
  ci.cstamp = centiseconds(a.cstamp);
  ci.tstamp = centiseconds(a.tstamp);
  return m;
}
