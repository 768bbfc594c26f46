import type { AddrMessage } from '../../protocol/addr-message.js';
import { AF_INET, AF_INET6 } from '../../protocol/constants.js';
import type { InetAddress } from '../model/addresses.js';
import type { NetworkModel } from '../model/store.js';

/** Model milliseconds to ifa_cacheinfo's 1/100 s (cstamp_delta); restored addresses may predate the model. */
const centiseconds = (ms: number) => Math.floor(Math.max(ms, 0) / 10) >>> 0;

/** The RTM_NEWADDR content for a model address (inet_fill_ifaddr / inet6_fill_ifaddr's view of it). */
export function addrMessage(model: NetworkModel, a: Readonly<InetAddress>): AddrMessage {
  const { prefered, valid } = model.addresses.remaining(a);
  const common = {
    prefixlen: a.prefixlen, flags: a.flags, scope: a.scope, index: a.ifindex, proto: a.proto, rtPriority: a.rtPriority,
    cacheinfo: { prefered, valid, cstamp: centiseconds(a.cstamp), tstamp: centiseconds(a.tstamp) },
  };
  if (a.family === 'inet') {
    return { ...common, family: AF_INET, address: a.address, local: a.local, broadcast: a.broadcast, label: a.label };
  }
  // With a peer, IFA_LOCAL carries the address and IFA_ADDRESS the peer.
  return a.peer ? { ...common, family: AF_INET6, local: a.address, address: a.peer } : { ...common, family: AF_INET6, address: a.address };
}
