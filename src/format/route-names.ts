import {
  RTAX_ADVMSS, RTAX_CC_ALGO, RTAX_FEATURES, RTAX_HOPLIMIT, RTAX_MTU, RTN_ANYCAST, RTN_BLACKHOLE, RTN_BROADCAST, RTN_LOCAL,
  RTN_MULTICAST, RTN_NAT, RTN_PROHIBIT, RTN_THROW, RTN_UNICAST, RTN_UNREACHABLE, RTN_UNSPEC, RTN_XRESOLVE,
} from '../../protocol/constants.js';

// iproute2's route number <-> name tables: ip/rtm_map.c and lib/rt_names.c with the files
// Debian's iproute2 6.1 installs in /etc/iproute2 (rt_protos, rt_tables, rt_dsfield, rt_realms).

/** rtnl_rtntype_n2a() */
export function routeTypeName(type: number): string {
  const names: Record<number, string> = {
    [RTN_UNSPEC]: 'none', [RTN_UNICAST]: 'unicast', [RTN_LOCAL]: 'local', [RTN_BROADCAST]: 'broadcast',
    [RTN_ANYCAST]: 'anycast', [RTN_MULTICAST]: 'multicast', [RTN_BLACKHOLE]: 'blackhole', [RTN_UNREACHABLE]: 'unreachable',
    [RTN_PROHIBIT]: 'prohibit', [RTN_THROW]: 'throw', [RTN_NAT]: 'nat', [RTN_XRESOLVE]: 'xresolve',
  };
  return names[type] ?? String(type);
}


/** /etc/iproute2/rt_protos of Debian's iproute2 6.1. */
export const PROTOCOLS: ReadonlyArray<readonly [number, string]> = [
  [0, 'unspec'], [1, 'redirect'], [2, 'kernel'], [3, 'boot'], [4, 'static'], [8, 'gated'], [9, 'ra'], [10, 'mrt'],
  [11, 'zebra'], [12, 'bird'], [13, 'dnrouted'], [14, 'xorp'], [15, 'ntk'], [16, 'dhcp'], [18, 'keepalived'],
  [42, 'babel'], [99, 'openr'], [186, 'bgp'], [187, 'isis'], [188, 'ospf'], [189, 'rip'], [192, 'eigrp'],
];

/** rtnl_rtprot_n2a() */
export function routeProtocolName(proto: number): string {
  return PROTOCOLS.find(([n]) => n === proto)?.[1] ?? String(proto);
}


/** /etc/iproute2/rt_tables */
export const TABLES: ReadonlyArray<readonly [number, string]> = [[255, 'local'], [254, 'main'], [253, 'default'], [0, 'unspec']];

/** rtnl_rttable_n2a() */
export function routeTableName(table: number): string {
  return TABLES.find(([n]) => n === table)?.[1] ?? String(table);
}


/** /etc/iproute2/rt_dsfield */
export const DSFIELDS: ReadonlyArray<readonly [number, string]> = [
  [0x0, 'default'], [0x28, 'AF11'], [0x30, 'AF12'], [0x38, 'AF13'], [0x48, 'AF21'], [0x50, 'AF22'], [0x58, 'AF23'],
  [0x68, 'AF31'], [0x70, 'AF32'], [0x78, 'AF33'], [0x88, 'AF41'], [0x90, 'AF42'], [0x98, 'AF43'], [0x20, 'CS1'],
  [0x40, 'CS2'], [0x60, 'CS3'], [0x80, 'CS4'], [0xa0, 'CS5'], [0xc0, 'CS6'], [0xe0, 'CS7'], [0xb8, 'EF'],
];

/** rtnl_dsfield_n2a(): a name, else "0x%02x". */
export function dsfieldName(tos: number): string {
  return DSFIELDS.find(([n]) => n === tos)?.[1] ?? `0x${tos.toString(16).padStart(2, '0')}`;
}


/** rtnl_rtrealm_n2a(): /etc/iproute2/rt_realms names realm 0 "cosmos". */
export function realmName(realm: number): string {
  return realm === 0 ? 'cosmos' : String(realm);
}


/** mx_names[] of ip/iproute.c: RTAX_* -> the word `ip route` prints and parses. */
export const METRIC_NAMES: Readonly<Record<number, string>> = {
  [RTAX_MTU]: 'mtu', 3: 'window', 4: 'rtt', 5: 'rttvar', 6: 'ssthresh', 7: 'cwnd', [RTAX_ADVMSS]: 'advmss',
  9: 'reordering', [RTAX_HOPLIMIT]: 'hoplimit', 11: 'initcwnd', [RTAX_FEATURES]: 'features', 13: 'rto_min',
  14: 'initrwnd', 15: 'quickack', [RTAX_CC_ALGO]: 'congctl',
};

/** ICMPV6_ROUTER_PREF_*: RTA_PREF values. */
export const ROUTER_PREFS: Readonly<Record<number, string>> = { 3: 'low', 0: 'medium', 1: 'high' };
