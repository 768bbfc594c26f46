"""Neighbour cases (spec linux-netns-neigh.md §4): RTM_NEWNEIGH of each state and flag, CREATE/EXCL/REPLACE,
every error row, proxies, RTM_DELNEIGH, GET and dumps with filters, and what flushes entries (admin down,
carrier down, last IPv4 address removed, MAC change, deletion), with a listener on RTNLGRP_NEIGH.
Registered into cases.CASES on import.

Links are veth pairs with fixed MACs (ARP and ND work on them). The kernel's own multicast NOARP entries
(spec §4.3: ff02::16, ff02::2, solicited-node groups, 224.0.0.22 on bridges) are compared like any other, so
cases that dump IPv6 entries first wait 3.5 s after their links come up: by then DAD's neighbour solicitation
and the first router solicitation have gone out (each within 2 s), and the next solicitation (4-4.4 s after
the first) cannot yet recreate an ff02::2 a flush removed. Runs of neighbour messages are compared sorted
(nlharness.sort_neigh_runs): the kernel lists them in hash order.
"""

import struct

from cases import C, EXT, NEW, STRICT, Bind, Events, Settle, addr4, addr6, bridge, case, del4, dellink, down, in4, in6, nodad6, rq, setlink, up, veth
from nlharness import AF_INET, AF_INET6, F_CREATE, F_DUMP, F_EXCL, F_REPLACE, F_REQUEST, IFLA, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH, attr

RTMGRP_NEIGH = 0x4
NDA_DST, NDA_LLADDR, NDA_PROBES, NDA_IFINDEX, NDA_MASTER, NDA_PROTOCOL, NDA_FLAGS_EXT = 1, 2, 4, 8, 9, 12, 15
NTF_USE, NTF_PROXY, NTF_EXT_LEARNED, NTF_ROUTER = 0x01, 0x08, 0x10, 0x80
PERMANENT, NOARP, REACHABLE, STALE, DELAY, PROBE, INCOMPLETE, FAILED = 0x80, 0x40, 0x02, 0x04, 0x08, 0x10, 0x01, 0x20


def ndmsg(family, link=None, state=0, flags=0, type_=0, pad=0):
    def build(c):
        return struct.pack('=BBHiHBB', family, pad, 0, c.idx(link) if isinstance(link, str) else (link or 0), state, flags, type_)
    return build


def dst(s):
    return attr(NDA_DST, in6(s) if ':' in s else in4(s))


def ll(mac):
    return attr(NDA_LLADDR, bytes.fromhex(mac.replace(':', '')))


def u32(t, v):
    return attr(t, struct.pack('=I', v))


def neigh(label, link, addr, *attrs, state=PERMANENT, flags=0, nlflags=NEW, family=None):
    fam = family if family is not None else (AF_INET6 if ':' in addr else AF_INET)
    return rq(label, RTM_NEWNEIGH, nlflags, ndmsg(fam, link, state, flags), dst(addr), *attrs)


def delneigh(label, link, addr, flags=0, family=None):
    fam = family if family is not None else (AF_INET6 if ':' in addr else AF_INET)
    return rq(label, RTM_DELNEIGH, C, ndmsg(fam, link, flags=flags), dst(addr))


def dump(family=0, *attrs, flags=0, label=None, link=None):
    return rq(label or 'dump neighbours family %d' % family, RTM_GETNEIGH, F_REQUEST | F_DUMP, ndmsg(family, link, flags=flags), *attrs)


def get(label, family, link, *attrs, flags=0, state=0, nlflags=F_REQUEST):
    return rq(label, RTM_GETNEIGH, nlflags, ndmsg(family, link, state=state, flags=flags), *attrs)


def mac_of(name):
    """A fixed MAC per link name: the solicited-node groups of link-local addresses (ff02::1:ffXX:XXXX) show its
    last three bytes."""
    return bytes([2, 0x11]) + name.encode()[:4].ljust(4, b'\0')


def pair_up(a, b):
    return [veth(a, b, extra=attr(IFLA['ADDRESS'], mac_of(a)), peer_extra=attr(IFLA['ADDRESS'], mac_of(b))), up(a), up(b)]


def ev(req, wait=0.0, timed=False):
    return Events(req, wait, timed)


case('neigh_add_states',
     'RTM_NEWNEIGH: every NUD state at create (notified or not), CREATE/EXCL/REPLACE, a different lladdr '
     'without REPLACE ignored, flags (ROUTER, EXT_LEARNED, FLAGS_EXT), NDA_PROTOCOL, then a dump of both families.',
     EXT,
     *pair_up('na0', 'na1'),
     addr4('10.7.0.1/24 on na0', 'na0', 24, '10.7.0.1'),
     Settle(3.5),
     Bind(RTMGRP_NEIGH),
     ev(neigh('permanent 10.7.0.2', 'na0', '10.7.0.2', ll('02:00:00:00:07:02'))),
     ev(neigh('again with EXCL: EEXIST', 'na0', '10.7.0.2', ll('02:00:00:00:07:02'))),
     ev(neigh('again, CREATE only, same lladdr: ACK, nothing sent', 'na0', '10.7.0.2', ll('02:00:00:00:07:02'), nlflags=C | F_CREATE)),
     ev(neigh('another lladdr without REPLACE: ignored', 'na0', '10.7.0.2', ll('02:00:00:00:07:99'), nlflags=C | F_CREATE)),
     ev(neigh('another lladdr with REPLACE', 'na0', '10.7.0.2', ll('02:00:00:00:07:98'), nlflags=C | F_REPLACE)),
     ev(neigh('REPLACE to STALE keeping the lladdr', 'na0', '10.7.0.2', state=STALE, nlflags=C | F_REPLACE)),
     ev(neigh('missing entry without CREATE: ENOENT', 'na0', '10.7.0.3', ll('02:00:00:00:07:03'), nlflags=C | F_REPLACE)),
     ev(neigh('stale 10.7.0.4', 'na0', '10.7.0.4', ll('02:00:00:00:07:04'), state=STALE)),
     ev(neigh('noarp 10.7.0.5', 'na0', '10.7.0.5', ll('02:00:00:00:07:05'), state=NOARP)),
     ev(neigh('incomplete 10.7.0.6: not announced', 'na0', '10.7.0.6', state=INCOMPLETE)),
     ev(neigh('failed 10.7.0.7: not announced', 'na0', '10.7.0.7', state=FAILED)),
     ev(neigh('none 10.7.0.8: not announced', 'na0', '10.7.0.8', state=0)),
     ev(neigh('router + extern_learn 10.7.0.9, protocol 4', 'na0', '10.7.0.9', ll('02:00:00:00:07:09'), attr(NDA_PROTOCOL, b'\x04'),
              flags=NTF_ROUTER | NTF_EXT_LEARNED)),
     ev(neigh('multicast 224.0.0.5 permanent', 'na0', '224.0.0.5', ll('01:00:5e:00:00:05'))),
     ev(neigh('IPv6 permanent, protocol 3', 'na0', '2001:db8:7::2', ll('02:00:00:00:72:02'), attr(NDA_PROTOCOL, b'\x03'))),
     ev(neigh('IPv6 stale ff02::1 (multicast type)', 'na0', 'ff02::1', ll('33:33:00:00:00:01'), state=STALE)),
     ev(neigh('IPv6 router flag', 'na0', '2001:db8:7::3', ll('02:00:00:00:72:03'), flags=NTF_ROUTER)),
     # REACHABLE entries last: the kernel turns them STALE after a reachable_time drawn from 15-45 s, and
     # the kernel side waits 1.3 s per step, so earlier they could go STALE before the dumps (CI saw it).
     ev(neigh('reachable 10.7.0.3', 'na0', '10.7.0.3', ll('02:00:00:00:07:03'), state=REACHABLE)),
     ev(neigh('FLAGS_EXT externally validated 10.7.0.10', 'na0', '10.7.0.10', ll('02:00:00:00:07:10'), u32(NDA_FLAGS_EXT, 4), state=REACHABLE)),
     dump(AF_INET),
     dump(AF_INET6),
     dump(0))

case('neigh_timers',
     'DELAY and PROBE entries created by netlink: DELAY becomes PROBE at once, PROBE fails after three probes '
     'a second apart; the notifications carry pid 0.',
     EXT,
     *pair_up('nt0', 'nt1'),
     addr4('10.7.2.1/24 on nt0', 'nt0', 24, '10.7.2.1'),
     Settle(),
     Bind(RTMGRP_NEIGH),
     ev(neigh('probe 10.7.2.2, then FAILED', 'nt0', '10.7.2.2', ll('02:00:00:00:72:22'), state=PROBE), wait=4.5, timed=True),
     ev(neigh('delay 10.7.2.3: PROBE, then FAILED', 'nt0', '10.7.2.3', ll('02:00:00:00:72:23'), state=DELAY), wait=4.5, timed=True),
     dump(AF_INET))

case('neigh_errors',
     'RTM_NEWNEIGH / RTM_DELNEIGH error rows of spec §4.4 and §4.6 with their ext-ack texts, the table unchanged.',
     EXT,
     *pair_up('ne0', 'ne1'),
     addr4('10.7.1.1/24 on ne0', 'ne0', 24, '10.7.1.1'),
     Settle(3.5),
     rq('header of 8 bytes', RTM_NEWNEIGH, NEW, lambda c: ndmsg(AF_INET, 'ne0')(c)[:8]),
     rq('no NDA_DST', RTM_NEWNEIGH, NEW, ndmsg(AF_INET, 'ne0', PERMANENT), ll('02:00:00:00:00:01')),
     neigh('ifindex 999', 999, '10.7.1.2', ll('02:00:00:00:00:01')),
     neigh('LLADDR of 4 bytes', 'ne0', '10.7.1.2', attr(NDA_LLADDR, b'\x02\x00\x00\x00')),
     neigh('LLADDR of 33 bytes', 'ne0', '10.7.1.2', attr(NDA_LLADDR, bytes(33))),
     neigh('LLADDR of 8 bytes: the first 6 used', 'ne0', '10.7.1.20', attr(NDA_LLADDR, bytes.fromhex('0200000000200102'))),
     neigh('family 0', 'ne0', '10.7.1.2', ll('02:00:00:00:00:01'), family=0),
     neigh('family 7 is the FDB', 'ne0', '10.7.1.2', ll('02:00:00:00:00:01'), family=99),
     rq('DST of 2 bytes', RTM_NEWNEIGH, NEW, ndmsg(AF_INET, 'ne0', PERMANENT), attr(NDA_DST, b'\x0a\x07'), ll('02:00:00:00:00:01')),
     rq('DST of 6 bytes: the first 4 used', RTM_NEWNEIGH, NEW, ndmsg(AF_INET, 'ne0', PERMANENT), attr(NDA_DST, in4('10.7.1.21') + b'\x01\x02'), ll('02:00:00:00:00:21')),
     neigh('ifindex 0', 0, '10.7.1.2', ll('02:00:00:00:00:01')),
     neigh('permanent without LLADDR', 'ne0', '10.7.1.3'),
     neigh('FLAGS_EXT reserved bit', 'ne0', '10.7.1.2', ll('02:00:00:00:00:01'), u32(NDA_FLAGS_EXT, 2)),
     neigh('FLAGS_EXT of 2 bytes', 'ne0', '10.7.1.2', ll('02:00:00:00:00:01'), attr(NDA_FLAGS_EXT, b'\x01\x00')),
     neigh('permanent + MANAGED', 'ne0', '10.7.1.2', ll('02:00:00:00:00:01'), u32(NDA_FLAGS_EXT, 1)),
     neigh('EXT_VALIDATED + INCOMPLETE', 'ne0', '10.7.1.2', u32(NDA_FLAGS_EXT, 4), state=INCOMPLETE),
     neigh('proxy + MANAGED', 'ne0', '10.7.1.2', u32(NDA_FLAGS_EXT, 1), flags=NTF_PROXY),
     neigh('ndm_state 0x100 reads as 0', 'ne0', '10.7.1.22', state=0x100),
     delneigh('DELNEIGH missing', 'ne0', '10.7.1.99'),
     rq('DELNEIGH no DST', RTM_DELNEIGH, C, ndmsg(AF_INET, 'ne0')),
     delneigh('DELNEIGH ifindex 0', 0, '10.7.1.99'),
     delneigh('DELNEIGH ifindex 999', 999, '10.7.1.99'),
     delneigh('DELNEIGH family 0', 'ne0', '10.7.1.99', family=0),
     rq('DELNEIGH DST of 2 bytes', RTM_DELNEIGH, C, ndmsg(AF_INET, 'ne0'), attr(NDA_DST, b'\x0a\x07')),
     rq('DELNEIGH header of 4 bytes', RTM_DELNEIGH, C, lambda c: ndmsg(AF_INET, 'ne0')(c)[:4]),
     dump(0))

case('neigh_delete_proxy',
     'RTM_DELNEIGH: NEWNEIGH(FAILED, requester) then DELNEIGH (pid 0) for valid, INCOMPLETE entries, only DELNEIGH for '
     'FAILED ones; proxies added (EXCL ignored), dumped, got and deleted without any notification.',
     EXT,
     *pair_up('nd0', 'nd1'),
     addr4('10.7.3.1/24 on nd0', 'nd0', 24, '10.7.3.1'),
     Settle(3.5),
     neigh('permanent 10.7.3.2', 'nd0', '10.7.3.2', ll('02:00:00:00:73:02')),
     neigh('incomplete 10.7.3.3', 'nd0', '10.7.3.3', state=INCOMPLETE),
     neigh('failed 10.7.3.4', 'nd0', '10.7.3.4', state=FAILED),
     neigh('IPv6 stale', 'nd0', '2001:db8:73::2', ll('02:00:00:00:73:12'), state=STALE),
     Bind(RTMGRP_NEIGH),
     ev(delneigh('delete the permanent one', 'nd0', '10.7.3.2')),
     ev(delneigh('delete the incomplete one', 'nd0', '10.7.3.3')),
     ev(delneigh('delete the failed one', 'nd0', '10.7.3.4')),
     ev(delneigh('delete the IPv6 one', 'nd0', '2001:db8:73::2')),
     ev(neigh('proxy 10.7.3.9 on nd0', 'nd0', '10.7.3.9', flags=NTF_PROXY)),
     ev(neigh('the same proxy with EXCL: ACK', 'nd0', '10.7.3.9', flags=NTF_PROXY)),
     ev(neigh('proxy 10.7.3.10 on every device, router', 0, '10.7.3.10', flags=NTF_PROXY | NTF_ROUTER)),
     ev(neigh('IPv6 proxy, protocol 4', 'nd0', '2001:db8:73::9', attr(NDA_PROTOCOL, b'\x04'), flags=NTF_PROXY)),
     dump(0, flags=NTF_PROXY, label='proxy dump'),
     dump(0, flags=NTF_PROXY | NTF_ROUTER, label='PROXY|ROUTER: the normal dump'),
     get('get proxy 10.7.3.9', AF_INET, 'nd0', dst('10.7.3.9'), flags=NTF_PROXY),
     get('get proxy 10.7.3.8: ENOENT', AF_INET, 'nd0', dst('10.7.3.8'), flags=NTF_PROXY),
     ev(delneigh('delete proxy 10.7.3.9', 'nd0', '10.7.3.9', flags=NTF_PROXY)),
     ev(delneigh('again: ENOENT', 'nd0', '10.7.3.9', flags=NTF_PROXY)),
     ev(delneigh('device-less proxy by nd0: ENOENT', 'nd0', '10.7.3.10', flags=NTF_PROXY)),
     ev(delneigh('device-less proxy', 0, '10.7.3.10', flags=NTF_PROXY)),
     dump(0, flags=NTF_PROXY, label='proxy dump'))

case('neigh_get_dump',
     'RTM_GETNEIGH doit (always strict: every check and ext-ack) and dumps: families, NDA_IFINDEX and NDA_MASTER '
     'filters (DUMP_FILTERED on entries, not on DONE), the strict dump checks.',
     EXT,
     *pair_up('ng0', 'ng1'),
     *pair_up('ng2', 'ng3'),
     rq('bridge ngbr', 16, NEW, lambda c: struct.pack('=BBHiII', 0, 0, 0, 0, 0, 0), attr(IFLA['IFNAME'], b'ngbr\x00'),
        attr(IFLA['LINKINFO'], attr(1, b'bridge\x00'))),
     setlink('ng2 master ngbr', 'ng2', lambda c: attr(IFLA['MASTER'], struct.pack('=I', c.idx('ngbr')))),
     addr4('10.7.4.1/24 on ng0', 'ng0', 24, '10.7.4.1'),
     Settle(3.5),
     neigh('10.7.4.2 on ng0', 'ng0', '10.7.4.2', ll('02:00:00:00:74:02')),
     neigh('10.7.4.3 on ng2', 'ng2', '10.7.4.3', ll('02:00:00:00:74:03')),
     neigh('2001:db8:74::2 on ng0', 'ng0', '2001:db8:74::2', ll('02:00:00:00:74:12'), state=REACHABLE),
     get('get 10.7.4.2', AF_INET, 'ng0', dst('10.7.4.2')),
     get('get 10.7.4.2 with ACK', AF_INET, 'ng0', dst('10.7.4.2'), nlflags=F_REQUEST | 4),
     get('get IPv6', AF_INET6, 'ng0', dst('2001:db8:74::2')),
     rq('get with an 8-byte header', RTM_GETNEIGH, F_REQUEST, lambda c: ndmsg(AF_INET, 'ng0')(c)[:8]),
     get('get with state set', AF_INET, 'ng0', dst('10.7.4.2'), state=2),
     get('get with flags ROUTER', AF_INET, 'ng0', dst('10.7.4.2'), flags=NTF_ROUTER),
     get('get without device', AF_INET, None, dst('10.7.4.2')),
     get('get without DST', AF_INET, 'ng0'),
     get('get with LLADDR too', AF_INET, 'ng0', dst('10.7.4.2'), ll('02:00:00:00:74:02')),
     get('get with type 99 attribute', AF_INET, 'ng0', dst('10.7.4.2'), attr(99, b'\x00\x00\x00\x00')),
     get('get family 0', 0, 'ng0', dst('10.7.4.2')),
     get('get DST of 6 bytes', AF_INET, 'ng0', attr(NDA_DST, in4('10.7.4.2') + b'\x00\x00')),
     get('get ifindex 999', AF_INET, 999, dst('10.7.4.2')),
     get('get missing', AF_INET, 'ng0', dst('10.7.4.9')),
     get('get on another device', AF_INET, 'ng2', dst('10.7.4.2')),
     dump(0),
     dump(AF_INET, lambda c: u32(NDA_IFINDEX, c.idx('ng0')), label='dump NDA_IFINDEX ng0'),
     dump(0, u32(NDA_IFINDEX, 999), label='dump NDA_IFINDEX 999: empty'),
     dump(0, lambda c: u32(NDA_MASTER, c.idx('ngbr')), label='dump NDA_MASTER ngbr'),
     dump(0, u32(NDA_MASTER, 0xffffffff), label='dump NDA_MASTER -1 (no master)'),
     dump(0, attr(NDA_IFINDEX, b'\x01\x00'), label='non-strict: short NDA_IFINDEX'),
     dump(0, link='ng0', label='non-strict: ndm_ifindex ignored'),
     dump(99, label='family 99: nothing'),
     rq('1-byte rtgenmsg dump (non-strict)', RTM_GETNEIGH, F_REQUEST | F_DUMP, b'\x00'),
     STRICT,
     rq('strict: 1-byte rtgenmsg dump', RTM_GETNEIGH, F_REQUEST | F_DUMP, b'\x00'),
     dump(0, link='ng0', label='strict: ndm_ifindex set'),
     dump(0, flags=NTF_ROUTER, label='strict: flags ROUTER'),
     dump(0, attr(99, b'\x00\x00\x00\x00'), label='strict: attribute 99'),
     dump(0, attr(NDA_IFINDEX, b'\x01\x00'), label='strict: short NDA_IFINDEX'),
     dump(0, dst('10.7.4.2'), label='strict: NDA_DST'),
     dump(0, lambda c: u32(NDA_IFINDEX, c.idx('ng2')), label='strict: NDA_IFINDEX ng2'))


def flush_case(name, doc, *event):
    case(name, doc,
         EXT,
         *pair_up('nf0', 'nf1'),
         addr4('10.7.5.1/24 on nf0', 'nf0', 24, '10.7.5.1'),
         neigh('permanent 10.7.5.2', 'nf0', '10.7.5.2', ll('02:00:00:00:75:02')),
         neigh('reachable 10.7.5.3', 'nf0', '10.7.5.3', ll('02:00:00:00:75:03'), state=REACHABLE),
         neigh('stale 10.7.5.4', 'nf0', '10.7.5.4', ll('02:00:00:00:75:04'), state=STALE),
         neigh('noarp 10.7.5.5', 'nf0', '10.7.5.5', ll('02:00:00:00:75:05'), state=NOARP),
         neigh('externally validated 10.7.5.6', 'nf0', '10.7.5.6', ll('02:00:00:00:75:06'), u32(NDA_FLAGS_EXT, 4), state=STALE),
         neigh('IPv6 permanent', 'nf0', '2001:db8:75::2', ll('02:00:00:00:75:12')),
         neigh('IPv6 stale', 'nf0', '2001:db8:75::3', ll('02:00:00:00:75:13'), state=STALE),
         neigh('proxy 10.7.5.9', 'nf0', '10.7.5.9', flags=NTF_PROXY),
         neigh('proxy 10.7.5.10 added permanent', 'nf0', '10.7.5.10', state=PERMANENT, flags=NTF_PROXY),
         neigh('IPv6 proxy', 'nf0', '2001:db8:75::9', flags=NTF_PROXY),
         # After the second router solicitation (4.6-6.4 s after up), which would recreate a flushed ff02::2,
         # and the second MLD report of the IPv6 proxy's group (within 1 s), which would recreate ff02::16.
         Settle(6.5),
         Bind(RTMGRP_NEIGH),
         *[ev(e, wait=0.3) for e in event],
         dump(0),
         dump(0, flags=NTF_PROXY, label='proxy dump'))


flush_case('neigh_flush_admin_down', 'Admin down flushes every entry (permanent included) and every proxy of the device.',
           down('nf0'))
flush_case('neigh_flush_carrier_down', 'Carrier loss (the peer goes down) keeps PERMANENT and EXT_VALIDATED entries and '
           'proxies added permanent.', down('nf1'))
flush_case('neigh_flush_last_address', 'Removing the last IPv4 address flushes the IPv4 table and IPv4 proxies only; '
           'removing one of two does nothing.',
           addr4('a second address 10.7.6.1/24', 'nf0', 24, '10.7.6.1'),
           del4('remove 10.7.6.1 (not the last)', 'nf0', 24, '10.7.6.1'),
           del4('remove 10.7.5.1 (the last)', 'nf0', 24, '10.7.5.1'))
flush_case('neigh_flush_mac_change', 'A MAC change flushes every entry, proxies stay; an MTU change flushes nothing.',
           setlink('nf0 mtu 1400', 'nf0', attr(IFLA['MTU'], struct.pack('=I', 1400))),
           setlink('nf0 address 02:00:00:00:75:ff', 'nf0', attr(IFLA['ADDRESS'], bytes.fromhex('0200000075ff'))))
flush_case('neigh_flush_delete', 'Deleting the device flushes everything.', dellink('nf0'))


case('neigh_own_entries',
     'The entries the kernel makes by itself (spec §4.3), silently: ff02::16 (MLDv2 reports) once a link is up with a '
     'carrier, the solicited-node group of each address DAD probes (not of a NODAD one), ff02::2 (router '
     'solicitations), 224.0.0.22 (IGMPv3) on a bridge when it comes up (here without IPv6). Each is announced when '
     'deleted: an MTU below 1280 flushes the IPv6 table (permanent entries too, IPv4 kept), admin and carrier down '
     'flush both ends and the bridge.',
     EXT,
     *pair_up('no0', 'no1'),
     # A bridge without IPv6 (MTU below 1280): whether addrconf sees a port-less bridge given a MAC as ready is a race
     # in the kernel (its carrier goes off when it opens), so only its IPv4 entry is compared.
     bridge('nobr', extra=attr(IFLA['ADDRESS'], mac_of('nobr')) + attr(IFLA['MTU'], struct.pack('=I', 1000))),
     up('nobr'),
     addr4('10.7.6.1/24 on no0', 'no0', 24, '10.7.6.1'),
     Settle(3.5),
     dump(0, label='3.5 s after up: MLD, DAD and router solicitation entries'),
     addr6('2001:db8:76::1/64 on no0 (DAD)', 'no0', 64, '2001:db8:76::1'),
     nodad6('2001:db8:76::2/64 on no0 (NODAD)', 'no0', '2001:db8:76::2'),
     neigh('user entry 10.7.6.2 on no0', 'no0', '10.7.6.2', ll('02:00:00:00:76:02')),
     neigh('user entry 2001:db8:76::9 on no0', 'no0', '2001:db8:76::9', ll('02:00:00:00:76:09')),
     Settle(3.0),
     dump(0, lambda c: u32(NDA_IFINDEX, c.idx('no0')), label='no0 after DAD of 2001:db8:76::1'),
     Bind(RTMGRP_NEIGH),
     ev(setlink('no0 mtu 1200: IPv6 off', 'no0', attr(IFLA['MTU'], struct.pack('=I', 1200))), wait=0.3),
     ev(down('no1'), wait=0.3),
     dump(0),
     ev(down('nobr'), wait=0.3),
     dump(0))


case('neigh_use',
     'RTM_NEWNEIGH with NTF_USE (`ip neigh replace ... use`): the requested state and address are ignored, PERMANENT is '
     'dropped and resolution starts as for a waiting packet (neigh_event_send), silently: STALE becomes DELAY, then '
     'PROBE after 5 s and FAILED 3 s later; PERMANENT, new and FAILED entries become INCOMPLETE and FAILED after 3 s; '
     'REACHABLE, NOARP and INCOMPLETE ones stay. Only a change of the admin flags (EXT_LEARNED) is announced at once.',
     EXT,
     *pair_up('nu0', 'nu1'),
     addr4('10.7.7.1/24 on nu0', 'nu0', 24, '10.7.7.1'),
     Settle(),
     neigh('stale 10.7.7.2', 'nu0', '10.7.7.2', ll('02:00:00:00:77:02'), state=STALE),
     neigh('permanent 10.7.7.4', 'nu0', '10.7.7.4', ll('02:00:00:00:77:04')),
     neigh('reachable 10.7.7.5', 'nu0', '10.7.7.5', ll('02:00:00:00:77:05'), state=REACHABLE),
     neigh('noarp 10.7.7.6', 'nu0', '10.7.7.6', ll('02:00:00:00:77:06'), state=NOARP),
     neigh('incomplete 10.7.7.7', 'nu0', '10.7.7.7', state=INCOMPLETE),
     neigh('failed 10.7.7.8', 'nu0', '10.7.7.8', state=FAILED),
     neigh('stale 10.7.7.9', 'nu0', '10.7.7.9', ll('02:00:00:00:77:09'), state=STALE),
     Bind(RTMGRP_NEIGH),
     neigh('use stale 10.7.7.2: DELAY', 'nu0', '10.7.7.2', ll('02:00:00:00:77:02'), flags=NTF_USE, nlflags=C | F_REPLACE),
     neigh('use a new 10.7.7.3 with an lladdr: INCOMPLETE', 'nu0', '10.7.7.3', ll('02:00:00:00:77:03'), flags=NTF_USE),
     neigh('use permanent 10.7.7.4: INCOMPLETE', 'nu0', '10.7.7.4', ll('02:00:00:00:77:04'), flags=NTF_USE, nlflags=C | F_REPLACE),
     neigh('use reachable 10.7.7.5: unchanged', 'nu0', '10.7.7.5', flags=NTF_USE, nlflags=C | F_REPLACE),
     neigh('use noarp 10.7.7.6: unchanged', 'nu0', '10.7.7.6', flags=NTF_USE, nlflags=C | F_REPLACE),
     neigh('use incomplete 10.7.7.7: unchanged, no timer', 'nu0', '10.7.7.7', flags=NTF_USE, nlflags=C | F_REPLACE),
     neigh('use failed 10.7.7.8: INCOMPLETE', 'nu0', '10.7.7.8', flags=NTF_USE, nlflags=C | F_REPLACE),
     neigh('use stale 10.7.7.9 with EXT_LEARNED: announced, then DELAY', 'nu0', '10.7.7.9', flags=NTF_USE | NTF_EXT_LEARNED,
           nlflags=C | F_REPLACE),
     dump(AF_INET, label='right after: DELAY and INCOMPLETE entries'),
     ev(rq('3.5 s later: the INCOMPLETE ones failed', 1, C), wait=3.5, timed=True),
     ev(rq('6 s later: DELAY went PROBE, then FAILED', 1, C), wait=6.0, timed=True),
     dump(AF_INET))


RTM_GETNEIGHTBL = 66


def ntable(label, body, flags=F_REQUEST | F_DUMP):
    return rq(label, RTM_GETNEIGHTBL, flags, body)


case('neigh_tables',
     'RTM_GETNEIGHTBL dumps (what `ip ntable show` reads): one table message then one parameter message per device, '
     'per family; the strict checks.',
     EXT,
     *pair_up('nn0', 'nn1'),
     Settle(),
     ntable('family 0', b'\x00\x00\x00\x00'),
     ntable('family 2', b'\x02\x00\x00\x00'),
     ntable('family 10, 1-byte header', b'\x0a'),
     ntable('family 7: nothing', b'\x07\x00\x00\x00'),
     STRICT,
     ntable('strict: 1-byte header', b'\x00'),
     ntable('strict: pad set', b'\x00\x01\x00\x00'),
     ntable('strict: an attribute', b'\x00\x00\x00\x00' + attr(1, b'arp_cache\x00')),
     ntable('strict: family 2', b'\x02\x00\x00\x00'))
