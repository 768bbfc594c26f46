"""Bridge FDB cases (spec linux-netns-neigh.md §4.11): the local entries Linux makes for a bridge
and its ports, `bridge fdb add/del/get/show` over AF_BRIDGE neighbour messages with their
errors, entries following a port's address and release, and RTNLGRP_NEIGH notifications.
Devices get fixed indexes and MACs (the messages carry both raw) and stay down (no ND traffic).
Registered into cases.CASES on import."""

import struct

from cases import C, EXT, NEW, STRICT, Bind, Events, bridge, case, enslave, rq, setlink, veth
from nlharness import F_DUMP, F_REQUEST, IFLA, attr, ifinfomsg

RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH = 28, 29, 30
RTMGRP_NEIGH = 0x4
AF_BRIDGE = 7
NDA_LLADDR, NDA_VLAN, NDA_MASTER, NDA_DST = 2, 5, 9, 1
NTF_SELF, NTF_MASTER = 0x02, 0x04
NUD_REACHABLE, NUD_STALE, NUD_NOARP, NUD_PERMANENT = 0x02, 0x04, 0x40, 0x80
BR, X0, X1 = 4100, 4101, 4102


def mac(last):
    return bytes([2, 0, 0, 0, 0, last])


def ndmsg(ifindex, state=0, flags=0, family=AF_BRIDGE):
    return struct.pack('=BBHiHBB', family, 0, 0, ifindex, state, flags, 0)


def fdb(label, type_, ifindex, *attrs, state=NUD_NOARP, flags=NTF_MASTER, nl=C):
    return rq(label, type_, nl, ndmsg(ifindex, state, flags), *attrs)


def lladdr(last):
    return attr(NDA_LLADDR, mac(last))


def dump_fdb(label='bridge fdb show', body=None):
    return rq(label, RTM_GETNEIGH, F_REQUEST | F_DUMP, body if body is not None else ndmsg(0))


case('fdb_bridge',
     'Bridge FDB: local entries of a bridge and its port, add (master static, dynamic, permanent, '
     'self on a veth and on the bridge), EXCL duplicates, replace, errors in the kernel\'s order, '
     'get, delete, a port address change and release, dumps with filters, notifications.',
     EXT,
     Bind(RTMGRP_NEIGH),
     Events(bridge('fb0', index=BR, extra=attr(IFLA['ADDRESS'], mac(0xb0)))),
     Events(veth('fx0', 'fx1', index=X0, extra=attr(IFLA['ADDRESS'], mac(0x10)), peer_ifi=ifinfomsg(index=X1),
                 peer_extra=attr(IFLA['ADDRESS'], mac(0x11)))),
     dump_fdb('dump before enslaving'),
     Events(enslave('fx0', 'fb0')),
     dump_fdb('dump after enslaving'),
     Events(fdb('add 02:..:20 dev fx0 master static', RTM_NEWNEIGH, X0, lladdr(0x20), nl=NEW)),
     Events(fdb('again, EXCL: EEXIST', RTM_NEWNEIGH, X0, lladdr(0x20), nl=NEW)),
     Events(fdb('again, CREATE only: no change, no notification', RTM_NEWNEIGH, X0, lladdr(0x20), nl=C | 0x400)),
     Events(fdb('replace as dynamic', RTM_NEWNEIGH, X0, lladdr(0x20), state=NUD_REACHABLE, nl=C | 0x500)),
     Events(fdb('add 02:..:21 permanent, flags 0', RTM_NEWNEIGH, X0, lladdr(0x21), state=NUD_PERMANENT, flags=0, nl=NEW)),
     Events(fdb('add 02:..:30 dev fx1 self', RTM_NEWNEIGH, X1, lladdr(0x30), state=NUD_PERMANENT, flags=NTF_SELF, nl=NEW)),
     Events(fdb('self again without EXCL: ACK and a notification', RTM_NEWNEIGH, X1, lladdr(0x30), state=NUD_PERMANENT, flags=NTF_SELF, nl=C | 0x400)),
     Events(fdb('add 02:..:31 dev fb0 self permanent', RTM_NEWNEIGH, BR, lladdr(0x31), state=NUD_PERMANENT, flags=NTF_SELF, nl=NEW)),
     fdb('ifindex 0', RTM_NEWNEIGH, 0, lladdr(0x22), nl=NEW),
     fdb('unknown ifindex', RTM_NEWNEIGH, 9999, lladdr(0x22), nl=NEW),
     fdb('no LLADDR', RTM_NEWNEIGH, X0, nl=NEW),
     fdb('LLADDR of 5 bytes', RTM_NEWNEIGH, X0, attr(NDA_LLADDR, mac(1)[:5]), nl=NEW),
     fdb('on lo', RTM_NEWNEIGH, 1, lladdr(0x22), nl=NEW),
     fdb('NDA_VLAN of 4 bytes', RTM_NEWNEIGH, X0, lladdr(0x22), attr(NDA_VLAN, struct.pack('=I', 5)), nl=NEW),
     fdb('vlan 0', RTM_NEWNEIGH, X0, lladdr(0x22), attr(NDA_VLAN, struct.pack('=H', 0)), nl=NEW),
     fdb('vlan 10 with filtering off', RTM_NEWNEIGH, X0, lladdr(0x22), attr(NDA_VLAN, struct.pack('=H', 10)), nl=NEW),
     fdb('state STALE', RTM_NEWNEIGH, X0, lladdr(0x22), state=NUD_STALE, nl=NEW),
     fdb('zero MAC', RTM_NEWNEIGH, X0, attr(NDA_LLADDR, bytes(6)), nl=NEW),
     fdb('flags 0 on a non-port', RTM_NEWNEIGH, X1, lladdr(0x22), flags=0, nl=NEW),
     fdb('self on a veth, state NOARP', RTM_NEWNEIGH, X1, lladdr(0x22), state=NUD_NOARP, flags=NTF_SELF, nl=NEW),
     fdb('on the bridge itself, static (needs permanent)', RTM_NEWNEIGH, BR, lladdr(0x22), state=NUD_NOARP, flags=NTF_SELF, nl=NEW),
     dump_fdb('dump after the adds'),
     rq('dump filtered by ifinfomsg + IFLA_MASTER', RTM_GETNEIGH, F_REQUEST | F_DUMP, ifinfomsg(family=AF_BRIDGE) + attr(IFLA['MASTER'], struct.pack('=I', BR))),
     rq('get 02:..:20 on fx0', RTM_GETNEIGH, F_REQUEST, ndmsg(X0), lladdr(0x20)),
     rq('get 02:..:20 by master', RTM_GETNEIGH, F_REQUEST, ndmsg(0), lladdr(0x20), attr(NDA_MASTER, struct.pack('=I', BR))),
     rq('get an unknown MAC', RTM_GETNEIGH, F_REQUEST, ndmsg(X0), lladdr(0x77)),
     rq('get without LLADDR', RTM_GETNEIGH, F_REQUEST, ndmsg(X0)),
     rq('get with NDA_DST', RTM_GETNEIGH, F_REQUEST, ndmsg(X0), lladdr(0x20), attr(NDA_DST, bytes(4))),
     rq('get on a non-port', RTM_GETNEIGH, F_REQUEST, ndmsg(X1), lladdr(0x20)),
     rq('get with no device', RTM_GETNEIGH, F_REQUEST, ndmsg(0), lladdr(0x20)),
     Events(fdb('del 02:..:20 dev fx0 master', RTM_DELNEIGH, X0, lladdr(0x20), state=0)),
     Events(fdb('del it again: ENOENT', RTM_DELNEIGH, X0, lladdr(0x20), state=0)),
     Events(fdb('del 02:..:30 dev fx1 self', RTM_DELNEIGH, X1, lladdr(0x30), state=NUD_PERMANENT, flags=NTF_SELF)),
     Events(fdb('del 02:..:31 dev fb0 self', RTM_DELNEIGH, BR, lladdr(0x31), state=NUD_PERMANENT, flags=NTF_SELF)),
     Events(setlink('fx0 address 02:..:12', 'fx0', attr(IFLA['ADDRESS'], mac(0x12)))),
     dump_fdb('dump after the port\'s address changed'),
     Events(setlink('fx0 nomaster', 'fx0', attr(IFLA['MASTER'], struct.pack('=I', 0)))),
     dump_fdb('dump after release'),
     STRICT,
     dump_fdb('strict dump'),
     dump_fdb('strict dump, port filter in the header', ndmsg(X0)),
     dump_fdb('strict dump, state set', ndmsg(0, state=NUD_NOARP)),
     dump_fdb('strict dump, NDA_MASTER', ndmsg(0) + attr(NDA_MASTER, struct.pack('=I', BR))),
     dump_fdb('strict dump, NDA_LLADDR', ndmsg(0) + lladdr(1)))
