import type { AddrMessage } from '../../protocol/addr-message.js';
import { AF_INET, AF_INET6 } from '../../protocol/constants.js';
import type { InetAddress } from '../model/addresses.js';
import type { NetworkModel } from '../model/store.js';

/** Model milliseconds to ifa_cacheinfo's 1/100 s (cstamp_delta); restored addresses may predate the model. */
const centiseconds = (ms: number) => Math.floor(Math.max(ms, 0) / 10) >>> 0;

/**
 * The RTM_NEWADDR content for a model address (inet_fill_ifaddr / inet6_fill_ifaddr's view of it).
 * One object shape for both families keeps the dump path monomorphic.
 */
export function addrMessage(model: NetworkModel, a: Readonly<InetAddress>): AddrMessage {
  const { prefered, valid } = model.addresses.remaining(a);
  const v4 = a.family === 'inet';
  // IPv6 with a peer: IFA_LOCAL carries the address and IFA_ADDRESS the peer.
  const peer = v4 ? undefined : a.peer;
  return {
    family: v4 ? AF_INET : AF_INET6,
    prefixlen: a.prefixlen,
    flags: a.flags,
    scope: a.scope,
    index: a.ifindex,
    address: v4 ? a.address : (peer ?? a.address),
    local: v4 ? a.local : peer ? a.address : undefined,
    broadcast: v4 ? a.broadcast : undefined,
    label: v4 ? a.label : undefined,
    proto: a.proto,
    rtPriority: a.rtPriority,
    cacheinfo: { prefered, valid, cstamp: centiseconds(a.cstamp), tstamp: centiseconds(a.tstamp) },
  };
}
