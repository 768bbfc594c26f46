"""FIB rule cases (spec linux-routes.md §8): default rules in every dump shape, NEWRULE with
automatic priorities, Linux's loose checks and their errors, DELRULE matching, notifications with
a listener, and `ip route get` answers that change as rules send lookups to other tables.
Registered into cases.CASES on import."""

import struct

from cases import C, EXT, NEW, STRICT, Bind, Events, Settle, addr4, case, in4, in6, ifb, rq, up
from nlharness import AF_INET, AF_INET6, F_DUMP, F_ECHO, F_EXCL, F_REQUEST, RTA, attr
from route_cases import get4, get6, gw4, route4, u32

RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE = 32, 33, 34
RTMGRP_IPV4_RULE = 0x80
FRA = {'DST': 1, 'SRC': 2, 'IIFNAME': 3, 'GOTO': 4, 'PRIORITY': 6, 'FWMARK': 10, 'TUN_ID': 12, 'SUPPRESS_IFGROUP': 13,
       'SUPPRESS_PREFIXLEN': 14, 'TABLE': 15, 'FWMASK': 16, 'OIFNAME': 17, 'L3MDEV': 19, 'UID_RANGE': 20,
       'PROTOCOL': 21, 'IP_PROTO': 22, 'SPORT_RANGE': 23, 'DPORT_RANGE': 24, 'DSCP': 25, 'FLOWLABEL': 26}
TO_TBL, GOTO, NOP, BLACKHOLE, UNREACHABLE, PROHIBIT = 1, 2, 3, 6, 7, 8


def frh(family, dst_len=0, src_len=0, tos=0, table=0, action=0, flags=0):
    return struct.pack('=BBBBBBBBI', family, dst_len, src_len, tos, table, 0, 0, action, flags)


def fra(name, v):
    if isinstance(v, str):
        return attr(FRA[name], v.encode() + b'\0')
    if isinstance(v, bytes):
        return attr(FRA[name], v)
    return attr(FRA[name], struct.pack('=I', v))


def new_rule(label, family, *attrs, flags=C, **h):
    return rq(label, RTM_NEWRULE, flags, frh(family, **h), *attrs)


def del_rule(label, family, *attrs, flags=C, **h):
    return rq(label, RTM_DELRULE, flags, frh(family, **h), *attrs)


def dump_rules(family, label=None, body=None):
    return rq(label or 'dump rules family %d' % family, RTM_GETRULE, F_REQUEST | F_DUMP, body if body is not None else frh(family))


# First of the rule cases: it needs a daemon whose lookups still take the default rules' fast path.
case('rules_route_get',
     '`ip route get` while rules change which table answers: the merged local table reported as '
     'main until the first rule, from/fwmark/tos selectors, goto and nop, suppress_prefixlength, '
     'and the unreachable/prohibit/blackhole/unknown actions.',
     EXT,
     ifb('rr0'), up('rr0'),
     addr4('10.0.0.1/24 on rr0', 'rr0', 24, '10.0.0.1'),
     Settle(),
     route4('default via 10.0.0.254', '0.0.0.0', 0, gw4('10.0.0.254')),
     route4('192.0.2.0/24 via 10.0.0.100 table 100', '192.0.2.0', 24, gw4('10.0.0.100'), u32('TABLE', 100)),
     route4('default via 10.0.0.200 table 200', '0.0.0.0', 0, gw4('10.0.0.200'), u32('TABLE', 200)),
     route4('192.0.2.128/25 throw table 100', '192.0.2.128', 25, u32('TABLE', 100), type_=9),
     get4('get 10.0.0.1, LOOKUP_TABLE (merged)', '10.0.0.1', rtm_flags=0x1000),
     get4('get 192.0.2.1', '192.0.2.1'),
     new_rule('to 192.0.2.0/24 lookup 100 pref 100', AF_INET, fra('DST', in4('192.0.2.0')), fra('PRIORITY', 100), action=TO_TBL, table=100, dst_len=24),
     get4('get 10.0.0.1, LOOKUP_TABLE (unmerged)', '10.0.0.1', rtm_flags=0x1000),
     get4('get 192.0.2.1 (table 100)', '192.0.2.1', rtm_flags=0x1000),
     get4('get 192.0.2.200 (throw in 100: main)', '192.0.2.200', rtm_flags=0x1000),
     get4('get 198.51.100.1 (main)', '198.51.100.1', rtm_flags=0x1000),
     new_rule('fwmark 7 lookup 200 pref 50', AF_INET, fra('FWMARK', 7), fra('PRIORITY', 50), action=TO_TBL, table=200),
     get4('get 192.0.2.1 mark 7', '192.0.2.1', u32('MARK', 7), rtm_flags=0x1000),
     get4('get 192.0.2.1 mark 8', '192.0.2.1', u32('MARK', 8), rtm_flags=0x1000),
     new_rule('from 10.0.0.1 prohibit pref 40', AF_INET, fra('SRC', in4('10.0.0.1')), fra('PRIORITY', 40), action=PROHIBIT, src_len=32),
     rq('get 192.0.2.1 from 10.0.0.1 (prohibit)', 24 + 2, F_REQUEST, struct.pack('=BBBBBBBBI', AF_INET, 32, 32, 0, 0, 0, 0, 0, 0), attr(RTA['DST'], in4('192.0.2.1')), attr(RTA['SRC'], in4('10.0.0.1'))),
     new_rule('goto 45 pref 30 (unresolved)', AF_INET, fra('GOTO', 45), fra('PRIORITY', 30), action=GOTO),
     rq('get from 10.0.0.1 (unresolved goto: prohibit)', 26, F_REQUEST, struct.pack('=BBBBBBBBI', AF_INET, 32, 32, 0, 0, 0, 0, 0, 0), attr(RTA['DST'], in4('192.0.2.1')), attr(RTA['SRC'], in4('10.0.0.1'))),
     new_rule('nop pref 45', AF_INET, fra('PRIORITY', 45), action=NOP),
     rq('get from 10.0.0.1 (goto over prohibit)', 26, F_REQUEST, struct.pack('=BBBBBBBBI', AF_INET, 32, 32, 0, 0, 0, 0, 0, 0x1000), attr(RTA['DST'], in4('192.0.2.1')), attr(RTA['SRC'], in4('10.0.0.1'))),
     new_rule('tos 0x10 lookup 200 pref 20', AF_INET, fra('PRIORITY', 20), action=TO_TBL, table=200, tos=0x10),
     rq('get tos 0x10', 26, F_REQUEST, struct.pack('=BBBBBBBBI', AF_INET, 32, 0, 0x10, 0, 0, 0, 0, 0x1000), attr(RTA['DST'], in4('192.0.2.1'))),
     del_rule('delete the main rule', AF_INET, fra('PRIORITY', 32766)),
     new_rule('main with suppress_prefixlength 0', AF_INET, fra('PRIORITY', 32766), fra('SUPPRESS_PREFIXLEN', 0), action=TO_TBL, table=254),
     get4('get 198.51.100.1 (default route suppressed: no route)', '198.51.100.1'),
     get4('get 10.0.0.7 (/24 not suppressed)', '10.0.0.7', rtm_flags=0x1000),
     new_rule('unreachable pref 10', AF_INET, fra('PRIORITY', 10), action=UNREACHABLE),
     get4('get via unreachable rule', '198.51.100.1'),
     del_rule('delete it', AF_INET, action=UNREACHABLE),
     new_rule('blackhole pref 10', AF_INET, fra('PRIORITY', 10), action=BLACKHOLE),
     get4('get via blackhole rule', '198.51.100.1'),
     del_rule('delete it', AF_INET, action=BLACKHOLE),
     new_rule('action 99 pref 10', AF_INET, fra('PRIORITY', 10), action=99),
     get4('get via action 99', '198.51.100.1'),
     del_rule('delete it', AF_INET, action=99),
     new_rule('prohibit pref 10', AF_INET, fra('PRIORITY', 10), action=PROHIBIT),
     get4('get via prohibit rule', '198.51.100.1'),
     new_rule('IPv6 unreachable pref 10', AF_INET6, fra('PRIORITY', 10), action=UNREACHABLE),
     get6('IPv6 get via unreachable rule', '2001:db8::5'),
     new_rule('IPv6 nop pref 5', AF_INET6, fra('PRIORITY', 5), action=NOP),
     get6('IPv6 get with a nop first', '::1'))

case('rules_defaults_and_priorities',
     'GETRULE dumps (families 2, 10, 0 with the multicast rule sets, 7), automatic priorities '
     'below the second rule, explicit ones, pref 0 after the local rule, table allocation for '
     'TO_TBL table 0, and the IPv6 "Invalid table".',
     EXT,
     dump_rules(AF_INET), dump_rules(AF_INET6), dump_rules(0), dump_rules(7),
     rq('dump with a 1-byte rtgenmsg', RTM_GETRULE, F_REQUEST | F_DUMP, b'\x02'),
     new_rule('auto pref, lookup 100', AF_INET, action=TO_TBL, table=100),
     new_rule('auto pref again, lookup 101', AF_INET, action=TO_TBL, table=101),
     new_rule('pref 100 from 10.1.0.0/16 lookup 100', AF_INET, fra('SRC', in4('10.1.0.0')), fra('PRIORITY', 100), fra('TABLE', 100), action=TO_TBL, src_len=16),
     new_rule('auto pref after pref 100', AF_INET, action=TO_TBL, table=102),
     new_rule('pref 0 lookup 103', AF_INET, fra('PRIORITY', 0), action=TO_TBL, table=103),
     new_rule('auto pref with a pref-0 second rule', AF_INET, action=TO_TBL, table=104),
     new_rule('TO_TBL table 0: a fresh table', AF_INET, fra('PRIORITY', 500), action=TO_TBL),
     new_rule('table 1000 (COMPAT in the header)', AF_INET, fra('PRIORITY', 501), fra('TABLE', 1000), action=TO_TBL),
     new_rule('fwmark 5 lookup 5', AF_INET, fra('PRIORITY', 502), fra('FWMARK', 5), action=TO_TBL, table=5),
     new_rule('fwmark 0x10/0xf0 iif lo oif nothere', AF_INET, fra('PRIORITY', 503), fra('FWMARK', 0x10), fra('FWMASK', 0xf0), fra('IIFNAME', 'lo'), fra('OIFNAME', 'nothere'), action=TO_TBL, table=6),
     new_rule('not to 10.9.0.0/16 blackhole', AF_INET, fra('PRIORITY', 504), fra('DST', in4('10.9.0.0')), action=BLACKHOLE, dst_len=16, flags=C | 0),
     new_rule('uid 100-200 ipproto tcp sport 80 dport 1000-2000 suppress_prefixlength 8 protocol 4', AF_INET, fra('PRIORITY', 505), fra('UID_RANGE', struct.pack('=II', 100, 200)), attr(FRA['IP_PROTO'], b'\x06'), fra('SPORT_RANGE', struct.pack('=HH', 80, 80)), fra('DPORT_RANGE', struct.pack('=HH', 1000, 2000)), fra('SUPPRESS_PREFIXLEN', 8), attr(FRA['PROTOCOL'], b'\x04'), action=TO_TBL, table=7),
     new_rule('goto 900 (unresolved)', AF_INET, fra('PRIORITY', 506), fra('GOTO', 900), action=GOTO),
     new_rule('nop at 900 (resolves it)', AF_INET, fra('PRIORITY', 900), action=NOP),
     new_rule('action 99 accepted', AF_INET, fra('PRIORITY', 901), action=99),
     new_rule('tos 0x10', AF_INET, fra('PRIORITY', 902), action=TO_TBL, table=8, tos=0x10),
     dump_rules(AF_INET, 'dump IPv4 after the adds'),
     new_rule('IPv6 auto pref lookup 100', AF_INET6, action=TO_TBL, table=100),
     new_rule('IPv6 from 2001:db8::/32 pref 10 lookup 100', AF_INET6, fra('SRC', in6('2001:db8::')), fra('PRIORITY', 10), action=TO_TBL, table=100, src_len=32),
     new_rule('IPv6 TO_TBL table 0: Invalid table', AF_INET6, fra('PRIORITY', 11), action=TO_TBL),
     new_rule('IPv6 tos 0x10', AF_INET6, fra('PRIORITY', 12), action=TO_TBL, table=9, tos=0x10),
     dump_rules(AF_INET6, 'dump IPv6 after the adds'),
     dump_rules(0, 'dump all after the adds'),
     STRICT,
     dump_rules(AF_INET, 'strict dump'),
     dump_rules(AF_INET, 'strict dump, table set', frh(AF_INET, table=254)),
     dump_rules(AF_INET, 'strict dump, attribute', frh(AF_INET) + fra('PRIORITY', 1)),
     dump_rules(AF_INET, 'strict dump, short header', b'\x02\x00\x00\x00'))

case('rules_errors',
     'NEWRULE/DELRULE errors in the kernel\'s order with their ext-ack texts; EXCL duplicates; '
     'DELRULE matching (first match, an empty request deletes the local rule).',
     EXT,
     new_rule('family 0', 0, action=TO_TBL, table=100),
     new_rule('family 7', 7, action=TO_TBL, table=100),
     rq('short header', RTM_NEWRULE, C, b'\x02\x00\x00\x00'),
     new_rule('src_len 16 without FRA_SRC', AF_INET, action=TO_TBL, table=100, src_len=16),
     new_rule('dst_len 33', AF_INET, fra('DST', in4('10.0.0.0')), action=TO_TBL, table=100, dst_len=33),
     new_rule('IPv6 FRA_SRC of 4 bytes', AF_INET6, fra('SRC', in4('10.0.0.0')), action=TO_TBL, table=100, src_len=8),
     new_rule('16-char IIFNAME', AF_INET, fra('IIFNAME', 'abcdefghijklmnop'), action=TO_TBL, table=100),
     new_rule('FRA_PRIORITY of 2 bytes', AF_INET, attr(FRA['PRIORITY'], b'\x01\x00'), action=TO_TBL, table=100),
     new_rule('goto without target', AF_INET, fra('PRIORITY', 10), action=GOTO),
     new_rule('FRA_GOTO with TO_TBL', AF_INET, fra('PRIORITY', 10), fra('GOTO', 20), action=TO_TBL, table=100),
     new_rule('backward goto', AF_INET, fra('PRIORITY', 10), fra('GOTO', 10), action=GOTO),
     new_rule('tos 0x20', AF_INET, action=TO_TBL, table=100, tos=0x20),
     new_rule('tos 0x01 (ECN)', AF_INET, action=TO_TBL, table=100, tos=0x01),
     new_rule('DSCP with tos', AF_INET, attr(FRA['DSCP'], b'\x04'), action=TO_TBL, table=100, tos=0x10),
     new_rule('flow label for IPv4', AF_INET, attr(FRA['FLOWLABEL'], b'\x00\x00\x00\x01'), action=TO_TBL, table=100),
     new_rule('uid range 5-4', AF_INET, fra('UID_RANGE', struct.pack('=II', 5, 4)), action=TO_TBL, table=100),
     new_rule('l3mdev 2', AF_INET, attr(FRA['L3MDEV'], b'\x02'), action=TO_TBL),
     new_rule('pref 100 lookup 100, EXCL', AF_INET, fra('PRIORITY', 100), action=TO_TBL, table=100, flags=NEW),
     new_rule('the same, EXCL: EEXIST', AF_INET, fra('PRIORITY', 100), action=TO_TBL, table=100, flags=NEW),
     new_rule('the same without EXCL: added again', AF_INET, fra('PRIORITY', 100), action=TO_TBL, table=100),
     dump_rules(AF_INET, 'dump: two identical rules'),
     del_rule('delete table 100', AF_INET, table=100),
     del_rule('delete table 100 again', AF_INET, table=100),
     del_rule('delete table 100 a third time: ENOENT', AF_INET, table=100),
     del_rule('delete pref 32767 table 254: ENOENT', AF_INET, fra('PRIORITY', 32767), table=254),
     del_rule('empty DELRULE: the local rule', AF_INET),
     del_rule('delete the main rule by pref', AF_INET, fra('PRIORITY', 32766)),
     dump_rules(AF_INET, 'dump: only the default table rule left'),
     del_rule('IPv6 delete table 254 action TO_TBL', AF_INET6, action=TO_TBL, table=254),
     dump_rules(AF_INET6, 'dump IPv6'))

case('rules_events',
     'Rule notifications with a listener on RTNLGRP_IPV4_RULE: NEWRULE and DELRULE with the '
     'requester\'s pid and seq, ECHO.',
     EXT,
     Bind(RTMGRP_IPV4_RULE),
     Events(new_rule('pref 100 from 10.1.0.0/16 lookup 100', AF_INET, fra('SRC', in4('10.1.0.0')), fra('PRIORITY', 100), fra('TABLE', 100), action=TO_TBL, src_len=16)),
     Events(new_rule('auto pref lookup 7, ECHO', AF_INET, action=TO_TBL, table=7, flags=C | F_ECHO)),
     Events(new_rule('IPv6 rule (other group)', AF_INET6, fra('PRIORITY', 5), action=TO_TBL, table=100)),
     Events(del_rule('delete table 100', AF_INET, table=100)),
     Events(del_rule('delete table 7', AF_INET, table=7)))
