import {
  RTA_DPORT, RTA_DST, RTA_ENCAP, RTA_ENCAP_TYPE, RTA_EXPIRES, RTA_FLOW, RTA_FLOWLABEL, RTA_GATEWAY, RTA_IIF, RTA_IP_PROTO,
  RTA_MARK, RTA_MAX, RTA_METRICS, RTA_MULTIPATH, RTA_NH_ID, RTA_OIF, RTA_PREF, RTA_PREFSRC, RTA_PRIORITY, RTA_SPORT,
  RTA_SRC, RTA_TABLE, RTA_UID,
} from './constants.js';
import type { Policy } from './policy.js';
import { RTNEXTHOP_SIZE } from './structs.js';

/** sizeof(struct in6_addr) */
const IN6_ADDR_SIZE = 16;

/**
 * net/ipv4/fib_frontend.c: rtm_ipv4_policy[]. Addresses are typed u32, so a short one fails
 * with a POLICY nest; RTA_MULTIPATH only has a minimum length (no nest). strict_start_type
 * RTA_DPORT + 1: NH_ID and FLOWLABEL are checked strictly even by the deprecated parser.
 */
export const RTM_IPV4_POLICY: Policy = {
  name: 'rtm_ipv4',
  maxType: RTA_MAX,
  strictStartType: RTA_DPORT + 1,
  attrs: {
    [RTA_DST]: { kind: 'u32' },
    [RTA_SRC]: { kind: 'u32' },
    [RTA_IIF]: { kind: 'u32' },
    [RTA_OIF]: { kind: 'u32' },
    [RTA_GATEWAY]: { kind: 'u32' },
    [RTA_PRIORITY]: { kind: 'u32' },
    [RTA_PREFSRC]: { kind: 'u32' },
    [RTA_METRICS]: { kind: 'nested' },
    [RTA_MULTIPATH]: { kind: 'unspec', len: RTNEXTHOP_SIZE },
    [RTA_FLOW]: { kind: 'u32' },
    [RTA_ENCAP_TYPE]: { kind: 'u16' },
    [RTA_ENCAP]: { kind: 'nested' },
    [RTA_UID]: { kind: 'u32' },
    [RTA_MARK]: { kind: 'u32' },
    [RTA_TABLE]: { kind: 'u32' },
    [RTA_IP_PROTO]: { kind: 'u8' },
    [RTA_SPORT]: { kind: 'u16' },
    [RTA_DPORT]: { kind: 'u16' },
    [RTA_NH_ID]: { kind: 'u32' },
  },
};

/**
 * net/ipv6/route.c: rtm_ipv6_policy[]. RTA_DST and RTA_SRC have no entry (their length is
 * checked against rtm_dst_len by rtm_to_fib6_config); gateway and prefsrc only a minimum length.
 */
export const RTM_IPV6_POLICY: Policy = {
  name: 'rtm_ipv6',
  maxType: RTA_MAX,
  strictStartType: RTA_DPORT + 1,
  attrs: {
    [RTA_GATEWAY]: { kind: 'unspec', len: IN6_ADDR_SIZE },
    [RTA_PREFSRC]: { kind: 'unspec', len: IN6_ADDR_SIZE },
    [RTA_OIF]: { kind: 'u32' },
    [RTA_IIF]: { kind: 'u32' },
    [RTA_PRIORITY]: { kind: 'u32' },
    [RTA_METRICS]: { kind: 'nested' },
    [RTA_MULTIPATH]: { kind: 'unspec', len: RTNEXTHOP_SIZE },
    [RTA_PREF]: { kind: 'u8' },
    [RTA_ENCAP_TYPE]: { kind: 'u16' },
    [RTA_ENCAP]: { kind: 'nested' },
    [RTA_EXPIRES]: { kind: 'u32' },
    [RTA_UID]: { kind: 'u32' },
    [RTA_MARK]: { kind: 'u32' },
    [RTA_TABLE]: { kind: 'u32' },
    [RTA_IP_PROTO]: { kind: 'u8' },
    [RTA_SPORT]: { kind: 'u16' },
    [RTA_DPORT]: { kind: 'u16' },
    [RTA_NH_ID]: { kind: 'u32' },
    [RTA_FLOWLABEL]: { kind: 'u32' }, // NLA_BE32
  },
};
