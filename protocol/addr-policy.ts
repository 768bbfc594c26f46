import {
  IFA_ADDRESS, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS, IFA_LABEL, IFA_LOCAL, IFA_MAX, IFA_PROTO, IFA_RT_PRIORITY,
  IFA_TARGET_NETNSID, IFNAMSIZ,
} from './constants.js';
import type { Policy } from './policy.js';
import { IFA_CACHEINFO_SIZE } from './structs.js';

/** sizeof(struct in6_addr) */
const IN6_ADDR_SIZE = 16;

/** net/ipv4/devinet.c: ifa_ipv4_policy[]; addresses are typed u32, so failures carry a POLICY nest. */
export const IFA_IPV4_POLICY: Policy = {
  name: 'ifa_ipv4',
  maxType: IFA_MAX,
  attrs: {
    [IFA_LOCAL]: { kind: 'u32' },
    [IFA_ADDRESS]: { kind: 'u32' },
    [IFA_BROADCAST]: { kind: 'u32' },
    [IFA_LABEL]: { kind: 'string', len: IFNAMSIZ - 1 },
    [IFA_CACHEINFO]: { kind: 'unspec', len: IFA_CACHEINFO_SIZE },
    [IFA_FLAGS]: { kind: 'u32' },
    [IFA_RT_PRIORITY]: { kind: 'u32' },
    [IFA_TARGET_NETNSID]: { kind: 's32' },
    [IFA_PROTO]: { kind: 'u8' },
  },
};

/** net/ipv6/addrconf.c: ifa_ipv6_policy[]; most entries only have a minimum length (no POLICY nest). */
export const IFA_IPV6_POLICY: Policy = {
  name: 'ifa_ipv6',
  maxType: IFA_MAX,
  attrs: {
    [IFA_ADDRESS]: { kind: 'unspec', len: IN6_ADDR_SIZE },
    [IFA_LOCAL]: { kind: 'unspec', len: IN6_ADDR_SIZE },
    [IFA_CACHEINFO]: { kind: 'unspec', len: IFA_CACHEINFO_SIZE },
    [IFA_FLAGS]: { kind: 'unspec', len: 4 },
    [IFA_RT_PRIORITY]: { kind: 'unspec', len: 4 },
    [IFA_TARGET_NETNSID]: { kind: 's32' },
    [IFA_PROTO]: { kind: 'u8' },
  },
};
