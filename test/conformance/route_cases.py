"""Route cases (spec linux-routes.md): user routes with every flag combination, the error rows,
routes the kernel makes following addresses and links, dumps with filters, lookups, and
notifications with a listener. Registered into cases.CASES on import.

Links are ifb devices (carrier at once, no DAD: NOARP) or veth pairs, always with a Settle()
after they come up, so linkwatch and DAD are over before anything is compared. Only one
device per case has IPv6 link-local addresses when the local table is dumped: their order
follows the (random, kernel side) MAC addresses.
"""

import struct

from cases import C, EXT, IFA, IFA_F_NODAD, IFA_F_NOPREFIXROUTE, NEW, STRICT, Bind, Events, Settle, addr4, addr6, cacheinfo, case, del4, del6, dellink, down, ifb, in4, in6, nodad6, promote_secondaries, rq, up, veth
from nlharness import AF_INET, AF_INET6, F_APPEND, F_CREATE, F_DUMP, F_ECHO, F_REPLACE, F_REQUEST, RTA, RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE, attr

RTMGRP_IPV4_ROUTE = 0x40
RTMGRP_IPV6_ROUTE = 0x400
RTNH_F_ONLINK = 4
RTM_F_LOOKUP_TABLE, RTM_F_FIB_MATCH = 0x1000, 0x2000


def rtmsg(family, dst_len=0, src_len=0, tos=0, table=254, protocol=3, scope=0, type_=1, flags=0):
    return struct.pack('=BBBBBBBBI', family, dst_len, src_len, tos, table, protocol, scope, type_, flags)


def dst4(s):
    return attr(RTA['DST'], in4(s))


def gw4(s):
    return attr(RTA['GATEWAY'], in4(s))


def dst6(s):
    return attr(RTA['DST'], in6(s))


def gw6(s):
    return attr(RTA['GATEWAY'], in6(s))


def oif(link):
    return lambda c: attr(RTA['OIF'], c.idx(link))


def u32(name, v):
    return attr(RTA[name], v)


def rtnh(link, gw, family=AF_INET, hops=0, flags=0):
    """One rtnexthop of RTA_MULTIPATH, its device resolved at run time."""
    def build(c):
        g = gw4(gw) if family == AF_INET else gw6(gw)
        return struct.pack('=HBBi', 8 + len(g), flags, hops, c.idx(link)) + g
    return build


def multipath(*hops):
    return lambda c: attr(RTA['MULTIPATH'], b''.join(h(c) for h in hops))


def route4(label, dst, plen, *attrs, flags=NEW, **rtm):
    return rq(label, RTM_NEWROUTE, flags, rtmsg(AF_INET, plen, **rtm), dst4(dst) if dst else b'', *attrs)


def del_route4(label, dst, plen, *attrs, flags=C, **rtm):
    rtm.setdefault('protocol', 0)
    rtm.setdefault('scope', 255)
    rtm.setdefault('type_', 0)
    return rq(label, RTM_DELROUTE, flags, rtmsg(AF_INET, plen, **rtm), dst4(dst) if dst else b'', *attrs)


def route6(label, dst, plen, *attrs, flags=NEW, **rtm):
    return rq(label, RTM_NEWROUTE, flags, rtmsg(AF_INET6, plen, **rtm), dst6(dst) if dst else b'', *attrs)


def del_route6(label, dst, plen, *attrs, flags=C, **rtm):
    rtm.setdefault('protocol', 0)
    rtm.setdefault('type_', 0)
    return rq(label, RTM_DELROUTE, flags, rtmsg(AF_INET6, plen, **rtm), dst6(dst) if dst else b'', *attrs)


def dump_routes(family=0, label=None, flags=F_REQUEST | F_DUMP, **rtm):
    rtm.setdefault('table', 0)
    rtm.setdefault('protocol', 0)
    rtm.setdefault('type_', 0)
    return rq(label or 'dump routes family %d' % family, RTM_GETROUTE, flags, rtmsg(family, **rtm))


def get4(label, dst, *attrs, flags=F_REQUEST, rtm_flags=0):
    return rq(label, RTM_GETROUTE, flags, rtmsg(AF_INET, 32, table=0, protocol=0, type_=0, flags=rtm_flags), dst4(dst), *attrs)


def get6(label, dst, *attrs, flags=F_REQUEST, rtm_flags=0):
    return rq(label, RTM_GETROUTE, flags, rtmsg(AF_INET6, 128, table=0, protocol=0, type_=0, flags=rtm_flags), dst6(dst), *attrs)


def ifb_up(name):
    return [ifb(name), up(name)]


case('route4_flags',
     'IPv4 NEWROUTE: new key, duplicates, CREATE prepends, APPEND appends, REPLACE the first alias, '
     'EXCL, no CREATE; DELROUTE by wildcard scope, by gateway, ESRCH; dumps of the kernel routes around them.',
     EXT,
     *ifb_up('rf0'),
     addr4('10.0.0.1/24 on rf0', 'rf0', 24, '10.0.0.1'),
     Settle(),
     dump_routes(AF_INET),
     route4('10.10.0.0/24 via 10.0.0.2', '10.10.0.0', 24, gw4('10.0.0.2')),
     route4('the same again: EEXIST', '10.10.0.0', 24, gw4('10.0.0.2')),
     route4('the same, CREATE only: EEXIST', '10.10.0.0', 24, gw4('10.0.0.2'), flags=C | F_CREATE),
     route4('via 10.0.0.3, CREATE: prepended', '10.10.0.0', 24, gw4('10.0.0.3'), flags=C | F_CREATE),
     route4('via 10.0.0.4, APPEND: after them', '10.10.0.0', 24, gw4('10.0.0.4'), flags=C | F_CREATE | F_APPEND),
     route4('via 10.0.0.5, EXCL on the key: EEXIST', '10.10.0.0', 24, gw4('10.0.0.5')),
     route4('via 10.0.0.6, REPLACE: the first alias', '10.10.0.0', 24, gw4('10.0.0.6'), flags=C | F_REPLACE),
     route4('REPLACE with the first alias itself: nothing', '10.10.0.0', 24, gw4('10.0.0.6'), flags=C | F_REPLACE),
     route4('REPLACE with a later alias: EEXIST', '10.10.0.0', 24, gw4('10.0.0.4'), flags=C | F_REPLACE),
     route4('new key without CREATE: ENOENT', '10.11.0.0', 24, gw4('10.0.0.2'), flags=C),
     route4('new key REPLACE without CREATE: ENOENT', '10.11.0.0', 24, gw4('10.0.0.2'), flags=C | F_REPLACE),
     route4('metric 5: another key', '10.10.0.0', 24, gw4('10.0.0.2'), u32('PRIORITY', 5)),
     route4('table 1000, metric, prefsrc, metrics', '10.12.0.0', 24, gw4('10.0.0.2'), u32('TABLE', 1000), u32('PRIORITY', 9),
            attr(RTA['PREFSRC'], in4('10.0.0.1')), attr(RTA['METRICS'], attr(1, struct.pack('=I', 4)) + attr(2, struct.pack('=I', 0xffffffff)) + attr(10, struct.pack('=I', 300)))),
     route4('multipath with weights', '10.13.0.0', 24, multipath(rtnh('rf0', '10.0.0.2'), rtnh('rf0', '10.0.0.3', hops=2))),
     route4('blackhole', '10.14.0.0', 24, type_=6),
     route4('unreachable in table 100', '10.15.0.0', 24, u32('TABLE', 100), type_=7),
     rq('onlink gateway', RTM_NEWROUTE, NEW, rtmsg(AF_INET, 24, flags=RTNH_F_ONLINK), dst4('192.0.2.0'), gw4('198.51.100.1'), oif('rf0')),
     dump_routes(AF_INET),
     del_route4('delete 10.10.0.0/24 (first alias)', '10.10.0.0', 24),
     del_route4('delete via 10.0.0.4', '10.10.0.0', 24, gw4('10.0.0.4')),
     del_route4('delete via 10.0.0.9: ESRCH', '10.10.0.0', 24, gw4('10.0.0.9')),
     del_route4('delete a missing prefix: ESRCH', '10.99.0.0', 24),
     del_route4('delete in a missing table: ESRCH', '10.10.0.0', 24, u32('TABLE', 4242)),
     del_route4('delete with type UNICAST leaves the blackhole: ESRCH', '10.14.0.0', 24, type_=1),
     del_route4('delete the multipath route by its second hop: ESRCH', '10.13.0.0', 24, gw4('10.0.0.3')),
     del_route4('delete the multipath route by its first hop', '10.13.0.0', 24, gw4('10.0.0.2')),
     dump_routes(AF_INET))

case('route4_errors',
     'IPv4 NEWROUTE error rows of spec §4.2: errno and extended-ack text, the table unchanged.',
     EXT,
     *ifb_up('re0'),
     addr4('10.0.0.1/24 on re0', 're0', 24, '10.0.0.1'),
     ifb('re1'),
     Settle(),
     route4('gateway without a route to it', '10.14.0.0', 24, gw4('192.168.99.1')),
     route4('gateway = the subnet broadcast', '10.14.0.0', 24, gw4('10.0.0.255')),
     route4('scope link and a gateway', '10.14.0.0', 24, gw4('10.0.0.2'), scope=253),
     route4('OIF 999', '10.14.0.0', 24, u32('OIF', 999)),
     route4('gateway + OIF 999', '10.14.0.0', 24, gw4('10.0.0.2'), u32('OIF', 999)),
     route4('neither gateway nor device', '10.14.0.0', 24),
     route4('device down', '10.14.0.0', 24, oif('re1'), scope=253),
     route4('dst_len 33', '10.14.0.0', 33, oif('re0')),
     route4('host bits', '10.14.0.1', 24, oif('re0')),
     rq('RTA_DST of 2 bytes', RTM_NEWROUTE, NEW, rtmsg(AF_INET, 24), attr(RTA['DST'], b'\x0a\x0e')),
     route4('RTA_METRICS of 3 bytes', '10.14.0.0', 24, oif('re0'), attr(RTA['METRICS'], b'\x01\x02\x03')),
     route4('empty RTA_MULTIPATH', '10.14.0.0', 24, attr(RTA['MULTIPATH'], b'')),
     route4('type 12', '10.14.0.0', 24, oif('re0'), type_=12),
     route4('type NAT', '10.14.0.0', 24, oif('re0'), type_=10),
     route4('LOCAL with scope 0', '10.14.0.0', 24, oif('re0'), type_=2),
     route4('scope 255', '10.14.0.0', 24, oif('re0'), scope=255),
     route4('scope host with a gateway', '10.14.0.0', 24, gw4('10.0.0.2'), scope=254),
     rq('ONLINK + scope link', RTM_NEWROUTE, NEW, rtmsg(AF_INET, 24, scope=253, flags=RTNH_F_ONLINK), dst4('10.14.0.0'), gw4('10.0.0.2'), oif('re0')),
     rq('ONLINK without OIF', RTM_NEWROUTE, NEW, rtmsg(AF_INET, 24, flags=RTNH_F_ONLINK), dst4('10.14.0.0'), gw4('10.0.0.2')),
     rq('ONLINK on a down device', RTM_NEWROUTE, NEW, rtmsg(AF_INET, 24, flags=RTNH_F_ONLINK), dst4('10.14.0.0'), gw4('10.0.0.2'), oif('re1')),
     rq('ONLINK without gateway', RTM_NEWROUTE, NEW, rtmsg(AF_INET, 24, flags=RTNH_F_ONLINK), dst4('10.14.0.0'), oif('re0')),
     route4('PREFSRC not local', '10.14.0.0', 24, oif('re0'), attr(RTA['PREFSRC'], in4('10.9.9.9')), scope=253),
     route4('blackhole with OIF', '10.14.0.0', 24, oif('re0'), type_=6),
     rq('rtm_flags LINKDOWN', RTM_NEWROUTE, NEW, rtmsg(AF_INET, 24, scope=253, flags=0x10), dst4('10.14.0.0'), oif('re0')),
     route4('tos 1', '10.14.0.0', 24, oif('re0'), tos=1),
     route4('NH_ID 99', '10.14.0.0', 24, u32('NH_ID', 99)),
     route4('NH_ID + OIF', '10.14.0.0', 24, u32('NH_ID', 99), oif('re0')),
     route4('multipath, second gateway unreachable', '10.14.0.0', 24, multipath(rtnh('re0', '10.0.0.2'), rtnh('re0', '192.168.9.9'))),
     route4('multipath + RTA_OIF of another device', '10.14.0.0', 24, oif('re1'), multipath(rtnh('re0', '10.0.0.2'), rtnh('re0', '10.0.0.3'))),
     rq('family 0', RTM_NEWROUTE, NEW, rtmsg(0, 24), dst4('10.14.0.0')),
     rq('rtmsg of 8 bytes', RTM_NEWROUTE, NEW, rtmsg(AF_INET, 24)[:8]),
     dump_routes(AF_INET))

case('route6_flags',
     'IPv6 NEWROUTE: gateway routes joining as ECMP siblings, RTA_MULTIPATH, APPEND, REPLACE, no CREATE, '
     'separate device routes; DELROUTE of one hop, of the whole route, ESRCH; dumps of the main table.',
     EXT,
     *ifb_up('r6a'),
     nodad6('2001:db8::1/64 on r6a', 'r6a', '2001:db8::1'),
     Settle(),
     dump_routes(AF_INET6, table=254, label='dump IPv6 main (non-strict: table is ignored)'),
     route6('2001:db8:10::/64 via fe80::2', '2001:db8:10::', 64, gw6('fe80::2'), oif('r6a')),
     route6('the same again: EEXIST', '2001:db8:10::', 64, gw6('fe80::2'), oif('r6a')),
     route6('via fe80::3, CREATE: a sibling', '2001:db8:10::', 64, gw6('fe80::3'), oif('r6a'), flags=C | F_CREATE),
     route6('via fe80::4, APPEND', '2001:db8:10::', 64, gw6('fe80::4'), oif('r6a'), flags=C | F_CREATE | F_APPEND),
     route6('without CREATE: added', '2001:db8:11::', 64, gw6('fe80::2'), oif('r6a'), flags=C),
     route6('REPLACE of a missing route: ENOENT', '2001:db8:12::', 64, gw6('fe80::2'), oif('r6a'), flags=C | F_REPLACE),
     route6('REPLACE the ECMP route', '2001:db8:11::', 64, gw6('fe80::9'), oif('r6a'), flags=C | F_REPLACE),
     route6('multipath', '2001:db8:13::', 64, multipath(rtnh('r6a', 'fe80::2', AF_INET6), rtnh('r6a', 'fe80::3', AF_INET6, hops=1))),
     route6('multipath APPEND', '2001:db8:13::', 64, multipath(rtnh('r6a', 'fe80::5', AF_INET6)), flags=C | F_CREATE | F_APPEND),
     route6('host bits are cleared', '2001:db8:14::1', 64, oif('r6a')),
     route6('metric 7, protocol 0 becomes boot', '2001:db8:15::', 64, oif('r6a'), u32('PRIORITY', 7), protocol=0),
     route6('blackhole with a device', '2001:db8:16::', 64, oif('r6a'), type_=6),
     dump_routes(AF_INET6),
     del_route6('delete one hop by gateway', '2001:db8:10::', 64, gw6('fe80::3')),
     del_route6('delete the rest by device', '2001:db8:10::', 64, oif('r6a')),
     del_route6('delete again: ESRCH', '2001:db8:10::', 64),
     del_route6('delete the multipath route', '2001:db8:13::', 64),
     del_route6('delete 2001:db8:14::1/64 (host bits masked)', '2001:db8:14::1', 64),
     dump_routes(AF_INET6))

case('route6_errors',
     'IPv6 NEWROUTE error rows of spec §4.3.',
     EXT,
     *ifb_up('r6e'),
     nodad6('2001:db8::1/64 on r6e', 'r6e', '2001:db8::1'),
     ifb('r6f'),
     Settle(),
     route6('gateway without an on-link route', '2001:db8:12::', 64, gw6('2001:db8:99::1')),
     route6('link-local gateway without OIF', '2001:db8:12::', 64, gw6('fe80::2')),
     route6('gateway = own address', '2001:db8:12::', 64, gw6('2001:db8::1'), oif('r6e')),
     route6('gateway ff02::1', '2001:db8:12::', 64, gw6('ff02::1'), oif('r6e')),
     route6('RTA_GATEWAY of 4 bytes', '2001:db8:12::', 64, attr(RTA['GATEWAY'], in4('10.0.0.1')), oif('r6e')),
     route6('OIF 999', '2001:db8:12::', 64, u32('OIF', 999)),
     route6('neither gateway nor device', '2001:db8:12::', 64),
     route6('device down', '2001:db8:12::', 64, oif('r6f')),
     route6('dst_len 129 with RTA_DST', '2001:db8:12::', 129, oif('r6e')),
     rq('dst_len 129 without RTA_DST', RTM_NEWROUTE, NEW, rtmsg(AF_INET6, 129), oif('r6e')),
     route6('type 12', '2001:db8:12::', 64, oif('r6e'), type_=12),
     route6('tos 4', '2001:db8:12::', 64, oif('r6e'), tos=4),
     route6('PREFSRC not local', '2001:db8:12::', 64, oif('r6e'), attr(RTA['PREFSRC'], in6('2001:db8:9::9'))),
     route6('RTA_VIA', '2001:db8:12::', 64, oif('r6e'), attr(RTA['VIA'], struct.pack('=H', AF_INET6) + in6('fe80::2'))),
     route6('RTA_FLOWLABEL', '2001:db8:12::', 64, oif('r6e'), attr(RTA['FLOWLABEL'], 5)),
     route6('multipath hop without gateway', '2001:db8:12::', 64, lambda c: attr(RTA['MULTIPATH'], struct.pack('=HBBi', 8, 0, 0, c.idx('r6e')))),
     route6('multipath with one gateway twice', '2001:db8:12::', 64, multipath(rtnh('r6e', 'fe80::2', AF_INET6), rtnh('r6e', 'fe80::2', AF_INET6))),
     route6('metrics: unknown RTAX', '2001:db8:12::', 64, oif('r6e'), attr(RTA['METRICS'], attr(18, struct.pack('=I', 1)))),
     rq('rtmsg of 8 bytes', RTM_NEWROUTE, NEW, rtmsg(AF_INET6, 64)[:8]),
     dump_routes(AF_INET6))

case('route_links',
     'Kernel routes following addresses and links: a secondary, NOPREFIXROUTE, a user route through a '
     'gateway and one with the address as prefsrc, address delete, admin down (silent IPv4 flush), '
     'admin up (kernel routes back, user routes not), link delete.',
     EXT,
     veth('rl0', 'rl1'),
     up('rl0'),
     up('rl1'),
     addr4('10.0.0.1/24 on rl0', 'rl0', 24, '10.0.0.1'),
     addr4('10.0.0.2/24 (secondary)', 'rl0', 24, '10.0.0.2'),
     addr4('10.0.3.1/24 NOPREFIXROUTE', 'rl0', 24, '10.0.3.1', extra=attr(8, struct.pack('=I', 0x200))),
     addr4('10.0.4.1/32', 'rl0', 32, '10.0.4.1'),
     Settle(),
     route4('10.10.0.0/24 via 10.0.0.9', '10.10.0.0', 24, gw4('10.0.0.9')),
     route4('10.11.0.0/24 dev rl0 src 10.0.3.1', '10.11.0.0', 24, oif('rl0'), attr(RTA['PREFSRC'], in4('10.0.3.1')), scope=253),
     dump_routes(AF_INET),
     del4('delete 10.0.3.1', 'rl0', 24, '10.0.3.1'),
     dump_routes(AF_INET),
     down('rl0'),
     dump_routes(AF_INET),
     up('rl0'),
     Settle(),
     dump_routes(AF_INET),
     dellink('rl0'),
     dump_routes(AF_INET))

case('route_events',
     'Route notifications with a listener bound to the IPv4 and IPv6 route groups: user changes carry '
     'the requester\'s pid/seq (ECHO: a unicast copy instead), kernel ones 0/0; IPv4 address add and '
     'delete, IPv6 address add and delete, admin down (silent for IPv4, announced for IPv6).',
     EXT,
     *ifb_up('rv0'),
     Settle(),
     Bind(RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE),
     Events(addr4('10.0.0.1/24 on rv0', 'rv0', 24, '10.0.0.1')),
     Events(route4('10.10.0.0/24 via 10.0.0.2', '10.10.0.0', 24, gw4('10.0.0.2'))),
     Events(route4('10.10.0.0/24 via 10.0.0.3, ECHO', '10.10.0.0', 24, gw4('10.0.0.3'), flags=C | F_CREATE | F_APPEND | F_ECHO)),
     Events(route4('REPLACE', '10.10.0.0', 24, gw4('10.0.0.4'), flags=C | F_REPLACE)),
     Events(del_route4('delete 10.10.0.0/24', '10.10.0.0', 24)),
     Events(nodad6('2001:db8::1/64 on rv0', 'rv0', '2001:db8::1')),
     Events(route6('2001:db8:10::/64 via fe80::2', '2001:db8:10::', 64, gw6('fe80::2'), oif('rv0'))),
     Events(route6('sibling fe80::3', '2001:db8:10::', 64, gw6('fe80::3'), oif('rv0'), flags=C | F_CREATE)),
     Events(del_route6('delete hop fe80::2', '2001:db8:10::', 64, gw6('fe80::2'))),
     Events(del4('delete 10.0.0.1', 'rv0', 24, '10.0.0.1')),
     Events(down('rv0')))

def metric(v):
    return attr(IFA['RT_PRIORITY'], struct.pack('=I', v))


def flags6(v):
    return attr(IFA['FLAGS'], struct.pack('=I', v))


case('route_addr_metric',
     'A replaced address\'s prefix route follows its metric (IFA_RT_PRIORITY): IPv4 announces the new '
     'route, deletes the old, then NEWADDR; IPv6 NEWADDR, then DELROUTE and NEWROUTE. NOPREFIXROUTE set '
     'by a change: IPv4 keeps the route, IPv6 removes it (a permanent address, no sibling).',
     EXT,
     *ifb_up('rm0'),
     Settle(),
     Bind(RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE | 0x10 | 0x100),
     Events(addr4('10.0.0.1/24 metric 50', 'rm0', 24, '10.0.0.1', extra=metric(50))),
     Events(addr4('replace: metric 88', 'rm0', 24, '10.0.0.1', flags=C | F_REPLACE, extra=metric(88))),
     Events(addr4('replace: the same metric', 'rm0', 24, '10.0.0.1', flags=C | F_REPLACE, extra=metric(88))),
     Events(addr4('replace: no metric (0)', 'rm0', 24, '10.0.0.1', flags=C | F_REPLACE)),
     Events(addr4('replace: NOPREFIXROUTE, metric 7', 'rm0', 24, '10.0.0.1', flags=C | F_REPLACE,
                  extra=metric(7) + flags6(IFA_F_NOPREFIXROUTE))),
     Events(nodad6('2001:db8::1/64 metric 50', 'rm0', '2001:db8::1', extra=metric(50))),
     Events(nodad6('replace: metric 88', 'rm0', '2001:db8::1', flags=C | F_REPLACE, extra=metric(88))),
     Events(nodad6('replace: no metric (kept)', 'rm0', '2001:db8::1', flags=C | F_REPLACE)),
     Events(addr6('replace: NOPREFIXROUTE', 'rm0', 64, '2001:db8::1', flags=C | F_REPLACE,
                  extra=flags6(IFA_F_NODAD | IFA_F_NOPREFIXROUTE))),
     Events(nodad6('replace: prefix route again, metric 9', 'rm0', '2001:db8::1', flags=C | F_REPLACE, extra=metric(9))),
     dump_routes(0))

case('route6_prefix_lifetimes',
     'An IPv6 address with a finite valid lifetime gives its prefix route RTF_EXPIRES (RTA_CACHEINFO expires, '
     'compared as finite or 0); new lifetimes retime it silently; deleting the address leaves the route; '
     'deleting a permanent address hands the route to a dynamic sibling\'s lifetime, or leaves it to a '
     'NOPREFIXROUTE sibling; a dynamic address\'s new metric adds a second route.',
     EXT,
     *ifb_up('rl0'),
     Settle(),
     Bind(RTMGRP_IPV6_ROUTE),
     Events(nodad6('2001:db8:1::1/64 valid 100', 'rl0', '2001:db8:1::1', extra=cacheinfo(100, 100))),
     Events(nodad6('replace: valid 200 (silent)', 'rl0', '2001:db8:1::1', flags=C | F_REPLACE, extra=cacheinfo(200, 200))),
     Events(nodad6('replace: forever (silent)', 'rl0', '2001:db8:1::1', flags=C | F_REPLACE)),
     Events(nodad6('2001:db8:2::1/64 valid 100', 'rl0', '2001:db8:2::1', extra=cacheinfo(100, 100))),
     Events(del6('delete 2001:db8:2::1: its route stays', 'rl0', '2001:db8:2::1')),
     Events(nodad6('2001:db8:3::1/64 permanent', 'rl0', '2001:db8:3::1')),
     Events(nodad6('2001:db8:3::2/64 valid 70', 'rl0', '2001:db8:3::2', extra=cacheinfo(70, 70))),
     Events(del6('delete the permanent one: the route takes 70 s', 'rl0', '2001:db8:3::1')),
     Events(nodad6('2001:db8:4::1/64 permanent', 'rl0', '2001:db8:4::1')),
     Events(addr6('2001:db8:4::2/64 noprefixroute', 'rl0', 64, '2001:db8:4::2', extra=flags6(IFA_F_NODAD | IFA_F_NOPREFIXROUTE))),
     Events(del6('delete the permanent one: the route stays as it is', 'rl0', '2001:db8:4::1')),
     Events(nodad6('2001:db8:5::1/64 valid 100', 'rl0', '2001:db8:5::1', extra=cacheinfo(100, 100))),
     Events(nodad6('replace: metric 300, valid 90: a second route', 'rl0', '2001:db8:5::1', flags=C | F_REPLACE,
                   extra=cacheinfo(90, 90) + metric(300))),
     dump_routes(AF_INET6))

case('route_promote_secondaries',
     'Deleting a primary IPv4 address with promote_secondaries on: the promoted secondary\'s routes '
     '(prefix, broadcast, local with its own prefsrc) and a user route using the old primary as prefsrc; '
     'with it off, the secondaries and their routes go with the primary.',
     EXT,
     *ifb_up('rp0'),
     *ifb_up('rp1'),
     promote_secondaries('rp0', 1),
     addr4('10.0.0.1/24 on rp0', 'rp0', 24, '10.0.0.1'),
     addr4('10.0.0.2/24 (secondary)', 'rp0', 24, '10.0.0.2'),
     addr4('10.0.0.3/24 (secondary)', 'rp0', 24, '10.0.0.3'),
     route4('10.10.0.0/24 via 10.0.0.9 src 10.0.0.1', '10.10.0.0', 24, gw4('10.0.0.9'), attr(RTA['PREFSRC'], in4('10.0.0.1'))),
     route4('10.11.0.0/24 via 10.0.0.9 src 10.0.0.2', '10.11.0.0', 24, gw4('10.0.0.9'), attr(RTA['PREFSRC'], in4('10.0.0.2'))),
     addr4('10.1.0.1/24 on rp1', 'rp1', 24, '10.1.0.1'),
     addr4('10.1.0.2/24 on rp1 (secondary)', 'rp1', 24, '10.1.0.2'),
     Settle(),
     Bind(RTMGRP_IPV4_ROUTE | 0x10),
     Events(del4('delete the primary 10.0.0.1 (promotes 10.0.0.2)', 'rp0', 24, '10.0.0.1')),
     Events(del4('delete the primary 10.1.0.1 (no promotion)', 'rp1', 24, '10.1.0.1')),
     dump_routes(AF_INET))

case('route_dumps',
     'Route dumps: family 0 (IPv4 then IPv6), strict filters by table, protocol, type and device with '
     'NLM_F_DUMP_FILTERED, and the errors strict dumps put in NLMSG_DONE.',
     EXT,
     *ifb_up('rd0'),
     addr4('10.0.0.1/24 on rd0', 'rd0', 24, '10.0.0.1'),
     Settle(),
     route4('10.10.0.0/24 via 10.0.0.2 table 100', '10.10.0.0', 24, gw4('10.0.0.2'), u32('TABLE', 100)),
     route4('10.11.0.0/24 blackhole proto 4', '10.11.0.0', 24, protocol=4, type_=6),
     route4('table 356', '10.12.0.0', 24, gw4('10.0.0.2'), u32('TABLE', 356)),
     dump_routes(AF_INET, label='dump IPv4'),
     rq('dump with a 1-byte rtgenmsg', RTM_GETROUTE, F_REQUEST | F_DUMP, b'\x02'),
     STRICT,
     dump_routes(AF_INET, table=100, label='strict: table 100'),
     rq('strict: RTA_TABLE 356', RTM_GETROUTE, F_REQUEST | F_DUMP, rtmsg(AF_INET, table=0, protocol=0, type_=0), u32('TABLE', 356)),
     dump_routes(AF_INET, protocol=4, label='strict: protocol 4'),
     dump_routes(AF_INET, type_=6, label='strict: type blackhole'),
     rq('strict: device rd0', RTM_GETROUTE, F_REQUEST | F_DUMP, rtmsg(AF_INET, table=0, protocol=0, type_=0), oif('rd0')),
     dump_routes(AF_INET, table=200, label='strict: missing table (family 2)'),
     dump_routes(AF_INET6, table=200, label='strict: missing table (family 10)'),
     dump_routes(0, table=200, label='strict: missing table (family 0)'),
     rq('strict: 1-byte rtgenmsg', RTM_GETROUTE, F_REQUEST | F_DUMP, b'\x02'),
     dump_routes(AF_INET, dst_len=24, label='strict: dst_len'),
     rq('strict: rtm_flags NOTIFY', RTM_GETROUTE, F_REQUEST | F_DUMP, rtmsg(AF_INET, table=0, protocol=0, type_=0, flags=0x100)),
     rq('strict: RTA_DST', RTM_GETROUTE, F_REQUEST | F_DUMP, rtmsg(AF_INET, table=0, protocol=0, type_=0), dst4('10.0.0.0')),
     rq('strict: RTA_OIF 999', RTM_GETROUTE, F_REQUEST | F_DUMP, rtmsg(AF_INET, table=0, protocol=0, type_=0), u32('OIF', 999)))

case('route_get',
     '`ip route get`: IPv4 and IPv6 lookups through the default rules, RTM_F_LOOKUP_TABLE and '
     'RTM_F_FIB_MATCH, reject routes, no route, and the strict request checks.',
     EXT,
     *ifb_up('rg0'),
     addr4('10.0.0.1/24 on rg0', 'rg0', 24, '10.0.0.1'),
     nodad6('2001:db8::1/64 on rg0', 'rg0', '2001:db8::1'),
     Settle(),
     route4('10.10.0.0/16 via 10.0.0.2', '10.10.0.0', 16, gw4('10.0.0.2')),
     route4('10.10.5.0/24 via 10.0.0.3', '10.10.5.0', 24, gw4('10.0.0.3')),
     route4('10.20.0.0/24 unreachable', '10.20.0.0', 24, type_=7),
     route4('10.21.0.0/24 prohibit', '10.21.0.0', 24, type_=8),
     route4('10.22.0.0/24 blackhole', '10.22.0.0', 24, type_=6),
     route4('10.23.0.0/24 in table 100', '10.23.0.0', 24, gw4('10.0.0.2'), u32('TABLE', 100)),
     route6('2001:db8:10::/64 via fe80::2', '2001:db8:10::', 64, gw6('fe80::2'), oif('rg0')),
     route6('2001:db8:20::/64 unreachable', '2001:db8:20::', 64, type_=7),
     get4('get 10.10.1.1', '10.10.1.1'),
     get4('get 10.10.5.1 (longer prefix)', '10.10.5.1'),
     get4('get 10.0.0.7 (on link)', '10.0.0.7'),
     get4('get 10.0.0.255 (broadcast)', '10.0.0.255'),
     get4('get 10.10.5.1, FIB_MATCH', '10.10.5.1', rtm_flags=RTM_F_FIB_MATCH),
     get4('get 10.10.5.1, LOOKUP_TABLE', '10.10.5.1', rtm_flags=RTM_F_LOOKUP_TABLE),
     get4('get 10.20.0.1 (unreachable)', '10.20.0.1'),
     get4('get 10.21.0.1 (prohibit)', '10.21.0.1'),
     get4('get 10.22.0.1 (blackhole)', '10.22.0.1'),
     get4('get 10.23.0.1 (only in table 100)', '10.23.0.1'),
     get4('get 8.8.8.8 (no route)', '8.8.8.8'),
     get4('get with RTA_IP_PROTO 47', '10.10.1.1', attr(RTA['IP_PROTO'], b'\x2f')),
     get6('get 2001:db8:10::5', '2001:db8:10::5'),
     get6('get 2001:db8::7 (on link)', '2001:db8::7'),
     get6('get 2001:db8:10::5, FIB_MATCH', '2001:db8:10::5', rtm_flags=RTM_F_FIB_MATCH),
     get6('get 2001:db8:20::1 (unreachable)', '2001:db8:20::1'),
     get6('get 2001:db8:99::1 (no route)', '2001:db8:99::1'),
     rq('get, family 0', RTM_GETROUTE, F_REQUEST, rtmsg(0, 32, table=0, protocol=0, type_=0), dst4('10.10.1.1')),
     rq('get with an 8-byte rtmsg', RTM_GETROUTE, F_REQUEST, rtmsg(AF_INET, 32)[:8]),
     rq('get, dst_len 0 with RTA_DST', RTM_GETROUTE, F_REQUEST, rtmsg(AF_INET, 0, table=0, protocol=0, type_=0), dst4('10.10.5.1')),
     STRICT,
     get4('strict get 10.10.5.1', '10.10.5.1'),
     get4('strict get 10.0.0.7, FIB_MATCH', '10.0.0.7', rtm_flags=RTM_F_FIB_MATCH),
     get4('strict get 10.20.0.1 (unreachable)', '10.20.0.1'),
     rq('strict get: table set', RTM_GETROUTE, F_REQUEST, rtmsg(AF_INET, 32, table=254, protocol=0, type_=0), dst4('10.10.1.1')),
     rq('strict get: dst_len 0 with RTA_DST', RTM_GETROUTE, F_REQUEST, rtmsg(AF_INET, 0, table=0, protocol=0, type_=0), dst4('10.10.1.1')),
     rq('strict get: RTA_TABLE', RTM_GETROUTE, F_REQUEST, rtmsg(AF_INET, 32, table=0, protocol=0, type_=0), dst4('10.10.1.1'), u32('TABLE', 254)),
     rq('strict get: rtm_flags 0x200', RTM_GETROUTE, F_REQUEST, rtmsg(AF_INET, 32, table=0, protocol=0, type_=0, flags=0x200), dst4('10.10.1.1')),
     rq('strict get IPv6: dst_len 64', RTM_GETROUTE, F_REQUEST, rtmsg(AF_INET6, 64, table=0, protocol=0, type_=0), dst6('2001:db8:10::5')),
     rq('strict get IPv6: LOOKUP_TABLE', RTM_GETROUTE, F_REQUEST, rtmsg(AF_INET6, 128, table=0, protocol=0, type_=0, flags=RTM_F_LOOKUP_TABLE), dst6('2001:db8:10::5')))
