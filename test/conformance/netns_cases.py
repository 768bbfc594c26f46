"""Conformance cases with two and three network namespaces (linux-netns-neigh.md Part A §2-§3),
run by netns_run.py: every step names the namespace whose request socket sends it, and records
the replies and what the monitor of every namespace saw (link, address and NSID groups).

Namespaces are fresh on both sides, so ifindexes are compared as numbers. Devices stay down
unless a step brings one up whose peer is down (no carrier: no IPv6 link-local address, no
DAD), so every event is synchronous on both sides, but one: Linux settles a new veth's
operstate in linkwatch (up to 1 s later), so a device brought up soon after it is made waits
for that first (Settle).
"""

import socket
import struct

from nlharness import (
    AF_INET, AF_INET6, F_ACK, F_CREATE, F_DUMP, F_ECHO, F_EXCL, F_REQUEST, IFA, IFF_UP, IFLA, NETLINK_GET_STRICT_CHK,
    attr, ifaddrmsg, ifinfomsg, linkinfo, nlmsg, veth_linkinfo,
)

RTM_NEWNSID, RTM_DELNSID, RTM_GETNSID = 88, 89, 90
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK, RTM_NEWADDR, RTM_GETADDR = 16, 17, 18, 19, 20, 22
NETNSA_NSID, NETNSA_PID, NETNSA_FD, NETNSA_TARGET_NSID = 1, 2, 3, 4
IFA_F_NODAD = 0x02
C = F_REQUEST | F_ACK
CE = C | F_CREATE | F_EXCL


class Step:
    def __init__(self, kind, ns, label, build=None, name=None, value=None):
        self.kind, self.ns, self.label, self.build, self.name, self.value = kind, ns, label, build, name, value


def Do(ns, label, build):
    """build(c) -> request bytes, sent on ns's request socket."""
    return Step('req', ns, '%s: %s' % (ns, label), build)


def DelNs(ns):
    return Step('delns', ns, 'delete namespace %s' % ns)


def Settle(why):
    """Wait until the kernel's linkwatch has run (rtnld runs it at once): a device made up to 1 s
    earlier has its operstate only then, and coming up before that is announced twice."""
    return Step('settle', None, 'settle: %s' % why)


def Opt(ns, name, value):
    return Step('setopt', ns, '%s: setsockopt %d=%d' % (ns, name, value), name=name, value=value)


def ListenAll(ns):
    """A monitor in ns with NETLINK_LISTEN_ALL_NSID."""
    return Step('listen_all', ns, '%s: monitor with LISTEN_ALL_NSID' % ns)


def HeardAll(ns):
    """What ns's LISTEN_ALL_NSID monitor received so far, each message with its nsid mark."""
    return Step('heard_all', ns, '%s: LISTEN_ALL_NSID monitor heard' % ns)


class NsCase:
    """unmonitored: namespaces without a monitor socket (nothing listens there)."""

    def __init__(self, name, doc, namespaces, steps, unmonitored=()):
        self.name, self.doc, self.namespaces, self.steps = name, doc, namespaces, steps
        self.unmonitored = set(unmonitored)


# --------------------------------------------------------------------------
# request builders

def s32(v):
    return struct.pack('=i', v)


def rtgen():
    return b'\0\0\0\0'


def name(n):
    return attr(IFLA['IFNAME'], n)


def veth(main_name, peer_name, peer_ns=None, top_ns=None, index=0, peer_index=0, flags=CE, by_pid=False):
    """`ip link add MAIN type veth peer name PEER [netns PEER_NS]`, optionally created in TOP_NS;
    the namespaces named by fd, or by the pid of a process in them (by_pid)."""
    def ns_attr(c, ns):
        return attr(IFLA['NET_NS_PID'], c.pid(ns)) if by_pid else attr(IFLA['NET_NS_FD'], c.fd(ns))

    def build(c):
        peer = ifinfomsg(index=peer_index) + name(peer_name)
        if peer_ns is not None:
            peer += ns_attr(c, peer_ns)
        body = ifinfomsg(index=index) + name(main_name)
        if top_ns is not None:
            body += ns_attr(c, top_ns)
        return nlmsg(RTM_NEWLINK, flags, c.seq(), body + veth_linkinfo(peer))
    return build


def getlink(dev=None, index=0, extra=b'', dump=False):
    def build(c):
        body = ifinfomsg(index=index) + (name(dev) if dev else b'') + extra
        return nlmsg(RTM_GETLINK, F_REQUEST | (F_DUMP if dump else 0), c.seq(), body)
    return build


def move(index, to_ns=None, nsid=None, pid=None, extra=b'', msg_type=RTM_NEWLINK, flags=C):
    """`ip link set DEV netns NS` (RTM_NEWLINK, ifi_index + IFLA_NET_NS_FD), or by TARGET_NETNSID."""
    def build(c):
        body = ifinfomsg(index=index)
        if to_ns is not None:
            body += attr(IFLA['NET_NS_FD'], c.fd(to_ns))
        if nsid is not None:
            body += attr(IFLA['TARGET_NETNSID'], s32(nsid))
        if pid is not None:
            body += attr(IFLA['NET_NS_PID'], c.pid(pid) if isinstance(pid, str) else pid)
        return nlmsg(msg_type, flags, c.seq(), body + extra)
    return build


def setlink(index, flags=0, change=0, extra=b''):
    return lambda c: nlmsg(RTM_NEWLINK, C, c.seq(), ifinfomsg(index=index, flags=flags, change=change) + extra)


def dellink(index=0, extra=b'', flags=C):
    return lambda c: nlmsg(RTM_DELLINK, flags, c.seq(), ifinfomsg(index=index) + extra)


def addr4(index, a, plen=24):
    def build(c):
        ip = bytes(int(x) for x in a.split('.'))
        return nlmsg(RTM_NEWADDR, CE, c.seq(), ifaddrmsg(AF_INET, plen, index=index) + attr(IFA['LOCAL'], ip)
                     + attr(IFA['ADDRESS'], ip))
    return build


def addr_dump(family=0, index=0, extra=b''):
    return lambda c: nlmsg(RTM_GETADDR, F_REQUEST | F_DUMP, c.seq(), ifaddrmsg(family, index=index) + extra)


def addr6(index, a, plen=64):
    """`ip -6 addr add A/PLEN dev INDEX nodad`."""
    def build(c):
        ip = socket.inet_pton(socket.AF_INET6, a)
        return nlmsg(RTM_NEWADDR, CE, c.seq(), ifaddrmsg(AF_INET6, plen, flags=IFA_F_NODAD, index=index) + attr(IFA['ADDRESS'], ip))
    return build


def getaddr6(index, a, extra=b''):
    return lambda c: nlmsg(RTM_GETADDR, F_REQUEST, c.seq(), ifaddrmsg(AF_INET6, index=index)
                           + attr(IFA['ADDRESS'], socket.inet_pton(socket.AF_INET6, a)) + extra)


def ifa_target(nsid):
    return attr(IFA['TARGET_NETNSID'], s32(nsid))


def nsid_req(msg_type, fd_ns=None, nsid=None, pid=None, target=None, flags=C, dump=False):
    """pid: a namespace name (the pid of a process in it) or a number."""
    def build(c):
        body = rtgen()
        if pid is not None:
            body += attr(NETNSA_PID, c.pid(pid) if isinstance(pid, str) else pid)
        if fd_ns is not None:
            body += attr(NETNSA_FD, c.fd(fd_ns))
        if nsid is not None:
            body += attr(NETNSA_NSID, s32(nsid))
        if target is not None:
            body += attr(NETNSA_TARGET_NSID, s32(target))
        return nlmsg(msg_type, flags | (F_DUMP if dump else 0), c.seq(), body)
    return build


def nsid_dump(target=None):
    return nsid_req(RTM_GETNSID, target=target, flags=F_REQUEST, dump=True)


# --------------------------------------------------------------------------
# cases

NS_CASES = [
    NsCase('netns2_veth_peer_elsewhere', 'A veth made in A with its peer in B (§3.1-§3.2, captures A.3/A.4): '
           'RTM_NEWNSID in A before the NEWLINK, the peer announced in B with LINK=0, B allocates its id '
           'for A lazily at the first message it builds about vb.', ['A', 'B'], [
        Do('A', 'ip link add va type veth peer name vb netns B', veth('va', 'vb', peer_ns='B')),
        Do('A', 'GETLINK va', getlink('va')),
        Do('B', 'GETLINK vb (allocates A\'s id in B)', getlink('vb')),
        Do('B', 'link dump', getlink(dump=True)),
        Do('A', 'GETNSID by FD of B', nsid_req(RTM_GETNSID, fd_ns='B', flags=F_REQUEST)),
        Do('B', 'GETNSID dump', nsid_dump()),
        Do('A', 'peer name taken in the peer namespace', veth('vc', 'lo', peer_ns='B')),
        Do('A', 'peer name taken only here', veth('vd', 'va', peer_ns='B')),
        Do('A', 'top-level NET_NS_FD=B, peer without netns (peer stays here)', veth('ve', 've1', top_ns='B')),
        Do('A', 'explicit indexes 60 (main) and 41 (peer in B)', veth('vf', 'vf1', peer_ns='B', index=60, peer_index=41)),
        Do('A', 'peer index without a main index', veth('vg', 'vg1', peer_ns='B', peer_index=40)),
        Do('A', 'link dump', getlink(dump=True)),
        Do('B', 'link dump', getlink(dump=True)),
        Do('A', 'delete va (the peer in B goes too)', dellink(index=2)),
    ]),
    NsCase('netns2_move', 'Moving links from A to B (§3.4, capture A.6): close, address deletions, '
           'DELLINK with NEW_NETNSID/NEW_IFINDEX in A, one NEWLINK in B; indexes, names, errors.', ['A', 'B'], [
        Do('A', 'veth m0/m1', veth('m0', 'm1')),
        Do('A', 'veth x0/x1', veth('x0', 'x1')),
        Do('A', 'addr 10.1.0.1/24 on m0', addr4(2, '10.1.0.1')),
        Do('A', 'm0 up (no carrier)', setlink(2, IFF_UP, IFF_UP)),
        Do('A', 'ip link set m0 netns B', move(2, to_ns='B')),
        Do('B', 'GETLINK m0', getlink('m0')),
        Do('A', 'GETLINK m1 (peer now elsewhere)', getlink('m1')),
        Do('B', 'veth b0/b1 in B (takes index 3)', veth('b0', 'b1')),
        Do('A', 'move m1 to B: index 3 taken there', move(3, to_ns='B')),
        Do('A', 'move x0 to B with NEW_IFINDEX 9', move(4, to_ns='B', extra=attr(IFLA['NEW_IFINDEX'], s32(9)))),
        Do('A', 'move x1 to B with NEW_IFINDEX 9 (taken)', move(5, to_ns='B', extra=attr(IFLA['NEW_IFINDEX'], s32(9)))),
        Do('A', 'move x1 to B with NEW_IFINDEX 0', move(5, to_ns='B', extra=attr(IFLA['NEW_IFINDEX'], s32(0)))),
        Do('A', 'veth b0/y0 here: name b0 taken in B', veth('b0', 'y0')),
        Do('A', 'move b0 to B (name taken)', move(6, to_ns='B')),
        Do('A', 'move b0 to B as n%d', move(6, to_ns='B', extra=name('n%d'))),
        Do('A', 'move y0 to B renamed yy', move(7, to_ns='B', extra=name('yy'))),
        Do('A', 'move lo', move(1, to_ns='B')),
        Do('A', 'bridge br0', lambda c: nlmsg(RTM_NEWLINK, CE, c.seq(), ifinfomsg() + name('br0') + linkinfo('bridge'))),
        Do('A', 'move br0', move(8, to_ns='B')),
        Do('A', 'move to B with two netns attributes', move(5, to_ns='B', pid=1)),
        Do('A', 'SETLINK with TARGET_NETNSID 0 (B): moves x1', move(5, nsid=0, msg_type=RTM_SETLINK)),
        Do('A', 'move with an unknown TARGET_NETNSID', move(3, nsid=7)),
        Do('A', 'DELLINK with NET_NS_FD', dellink(index=3, extra=attr(IFLA['NET_NS_FD'], 0))),
        Do('A', 'link dump', getlink(dump=True)),
        Do('B', 'link dump', getlink(dump=True)),
    ]),
    NsCase('netns2_move_by_pid', 'Naming a namespace by the pid of a process in it (IFLA_NET_NS_PID, NETNSA_PID; '
           '§3.4): moves, a veth made there or with its peer there, the NSID of a pid\'s namespace, '
           'a pid of nobody (-ESRCH), a move to the requester\'s own namespace.', ['A', 'B'], [
        Do('A', 'veth m0/m1', veth('m0', 'm1')),
        Do('A', 'addr 10.8.0.1/24 on 2', addr4(2, '10.8.0.1')),
        Do('A', 'ip link set 2 netns PID-of-B', move(2, pid='B')),
        Do('B', 'GETLINK 2', getlink(index=2)),
        Do('A', 'move 3 to PID-of-A (its own namespace)', move(3, pid='A')),
        Do('A', 'move 3 to a pid of nobody', move(3, pid=0x7ffffff0)),
        Do('A', 'move 3 to B by pid with NEW_IFINDEX 7 and a name template', move(3, pid='B', extra=attr(IFLA['NEW_IFINDEX'], s32(7)) + name('mv%d'))),
        Do('A', 'veth made in PID-of-B (top level), peer here', veth('t0', 't1', top_ns='B', by_pid=True)),
        Do('A', 'veth here, peer in PID-of-B', veth('u0', 'u1', peer_ns='B', by_pid=True)),
        Do('A', 'veth with its peer at a pid of nobody', lambda c: nlmsg(RTM_NEWLINK, CE, c.seq(), ifinfomsg() + name('w0')
           + veth_linkinfo(ifinfomsg() + name('w1') + attr(IFLA['NET_NS_PID'], 0x7ffffff0)))),
        Do('A', 'GETNSID PID=PID-of-B', nsid_req(RTM_GETNSID, pid='B', flags=F_REQUEST)),
        Do('B', 'GETNSID PID=PID-of-A', nsid_req(RTM_GETNSID, pid='A', flags=F_REQUEST)),
        Do('A', 'GETNSID PID=nobody', nsid_req(RTM_GETNSID, pid=0x7ffffff0, flags=F_REQUEST)),
        Do('B', 'NEWNSID PID=PID-of-A NSID=6 (A already has an id in B)', nsid_req(RTM_NEWNSID, pid='A', nsid=6)),
        Do('A', 'link dump', getlink(dump=True)),
        Do('B', 'link dump', getlink(dump=True)),
    ]),
    NsCase('netns3_veth_between_others', 'From A, a veth with one end in B and the other in C (§3.2); '
           'A names B by an id it assigns (RTM_NEWNSID), reads and deletes B\'s devices with '
           'IFLA_TARGET_NETNSID (§3.5): replies relative to A, the ids A needs allocated and announced.',
           ['A', 'B', 'C'], [
        Do('A', 'veth bc (in B) peer cb (in C)', lambda c: veth('bc', 'cb', peer_ns='C', top_ns='B')(c)),
        Do('A', 'NEWNSID FD=B NSID=5', nsid_req(RTM_NEWNSID, fd_ns='B', nsid=5)),
        Do('A', 'NEWNSID FD=C NSID=-1 (lowest free)', nsid_req(RTM_NEWNSID, fd_ns='C', nsid=-1)),
        Do('A', 'GETLINK bc in 5', getlink('bc', extra=attr(IFLA['TARGET_NETNSID'], s32(5)))),
        Do('A', 'link dump of 5', getlink(dump=True, extra=attr(IFLA['TARGET_NETNSID'], s32(5)))),
        Do('A', 'link dump of 0 (C)', getlink(dump=True, extra=attr(IFLA['TARGET_NETNSID'], s32(0)))),
        Do('A', 'GETLINK in unknown 3', getlink('bc', extra=attr(IFLA['TARGET_NETNSID'], s32(3)))),
        Do('A', 'link dump of unknown 3', getlink(dump=True, extra=attr(IFLA['TARGET_NETNSID'], s32(3)))),
        Do('B', 'GETNSID dump', nsid_dump()),
        Do('C', 'GETNSID dump', nsid_dump()),
        Do('A', 'veth ab here, peer ba in B', veth('ab', 'ba', peer_ns='B')),
        Do('A', 'GETLINK ba in 5 (its peer is in A: A\'s self id)', getlink('ba', extra=attr(IFLA['TARGET_NETNSID'], s32(5)))),
        Do('A', 'GETNSID dump', nsid_dump()),
        Do('A', 'DELLINK bc in 5 (ECHO)', dellink(index=2, flags=C | F_ECHO, extra=attr(IFLA['TARGET_NETNSID'], s32(5)))),
        Do('A', 'DELLINK in unknown 3', dellink(index=2, extra=attr(IFLA['TARGET_NETNSID'], s32(3)))),
        Do('B', 'link dump', getlink(dump=True)),
        Do('C', 'link dump', getlink(dump=True)),
    ]),
    NsCase('netns3_delete', 'Deleting a namespace that veth pairs span (§2.7, §3.6, capture A.8): '
           'RTM_DELNSID first wherever it had an id, then the other ends go.', ['A', 'B', 'C'], [
        Do('A', 'veth a0 peer b0 in B', veth('a0', 'b0', peer_ns='B')),
        Do('C', 'veth c0 peer b1 in B', veth('c0', 'b1', peer_ns='B')),
        Do('A', 'veth a1 peer c1 in C', veth('a1', 'c1', peer_ns='C')),
        Do('A', 'addr 10.2.0.1/24 on a0', addr4(2, '10.2.0.1')),
        Do('A', 'a0 up', setlink(2, IFF_UP, IFF_UP)),
        Do('C', 'GETNSID dump', nsid_dump()),
        DelNs('B'),
        Do('A', 'link dump', getlink(dump=True)),
        Do('C', 'link dump', getlink(dump=True)),
        Do('A', 'GETNSID dump', nsid_dump()),
        Do('C', 'GETNSID dump', nsid_dump()),
        Do('A', 'NEWNSID FD=C NSID=-1 (C already has 1)', nsid_req(RTM_NEWNSID, fd_ns='C', nsid=-1)),
        Do('A', 'veth a2 peer c2 in C', veth('a2', 'c2', peer_ns='C')),
        Do('A', 'a1 up', setlink(3, IFF_UP, IFF_UP)),
        Settle("a2's operstate after its creation"),
        Do('A', 'a2 up', setlink(4, IFF_UP, IFF_UP)),
        Do('A', 'addr 10.3.0.1/24 on a1', addr4(3, '10.3.0.1')),
        Do('A', 'addr 10.4.0.1/24 on a2', addr4(4, '10.4.0.1')),
        DelNs('C'),
        Do('A', 'link dump', getlink(dump=True)),
        Do('A', 'GETNSID dump', nsid_dump()),
    ]),
    NsCase('netns_nsid_requests', 'RTM_NEWNSID/GETNSID between three namespaces (§2.3-§2.5, capture A.1/A.2): '
           'explicit and lowest-free ids, self ids, TARGET_NSID with CURRENT_NSID, every error.', ['A', 'B', 'C'], [
        Do('A', 'GETNSID FD=B before any id', nsid_req(RTM_GETNSID, fd_ns='B', flags=F_REQUEST)),
        Do('A', 'NEWNSID FD=C NSID=7', nsid_req(RTM_NEWNSID, fd_ns='C', nsid=7)),
        Do('A', 'NEWNSID FD=B NSID=-5 (lowest free)', nsid_req(RTM_NEWNSID, fd_ns='B', nsid=-5)),
        Do('A', 'NEWNSID FD=A NSID=20 (self), ECHO', nsid_req(RTM_NEWNSID, fd_ns='A', nsid=20, flags=C | F_ECHO)),
        Do('A', 'NEWNSID FD=B again', nsid_req(RTM_NEWNSID, fd_ns='B', nsid=3)),
        Do('B', 'NEWNSID FD=A NSID=7 ... then FD=C NSID=7', lambda c: nsid_req(RTM_NEWNSID, fd_ns='A', nsid=7)(c)
           + nsid_req(RTM_NEWNSID, fd_ns='C', nsid=7)(c)),
        Do('A', 'NEWNSID without NSID', nsid_req(RTM_NEWNSID, fd_ns='B')),
        Do('A', 'NEWNSID without a peer', nsid_req(RTM_NEWNSID, nsid=4)),
        Do('A', 'NEWNSID with a closed fd', lambda c: nlmsg(RTM_NEWNSID, C, c.seq(), rtgen() + attr(NETNSA_FD, 999)
                                                           + attr(NETNSA_NSID, s32(4)))),
        Do('A', 'GETNSID NSID=7', nsid_req(RTM_GETNSID, nsid=7, flags=F_REQUEST)),
        Do('A', 'GETNSID NSID=9 (unassigned)', nsid_req(RTM_GETNSID, nsid=9, flags=F_REQUEST)),
        Do('A', 'GETNSID without a peer', nsid_req(RTM_GETNSID, flags=F_REQUEST)),
        Do('A', 'GETNSID FD=C TARGET_NSID=0 (B)', nsid_req(RTM_GETNSID, fd_ns='C', target=0, flags=F_REQUEST)),
        Do('A', 'GETNSID FD=A TARGET_NSID=0 (B)', nsid_req(RTM_GETNSID, fd_ns='A', target=0, flags=F_REQUEST)),
        Do('A', 'GETNSID TARGET_NSID unknown', nsid_req(RTM_GETNSID, fd_ns='C', target=11, flags=F_REQUEST)),
        Do('A', 'GETNSID dump', nsid_dump()),
        Do('A', 'GETNSID dump TARGET_NSID=0, not strict (ignored)', nsid_dump(target=0)),
        Opt('A', NETLINK_GET_STRICT_CHK, 1),
        Do('A', 'GETNSID dump TARGET_NSID=0, strict', nsid_dump(target=0)),
        Do('A', 'GETNSID dump TARGET_NSID=11, strict', nsid_dump(target=11)),
        Do('A', 'DELNSID', nsid_req(RTM_DELNSID, nsid=7)),
    ]),
    NsCase('netns_listen_all_nsid', 'NETLINK_LISTEN_ALL_NSID (§2.9): a monitor in A hears B\'s notifications '
           'once A has an id for B, each marked with that id; its own namespace\'s unmarked.', ['A', 'B'], [
        ListenAll('A'),
        Do('B', 'veth q0/q1 in B (A has no id for B)', veth('q0', 'q1')),
        HeardAll('A'),
        Do('A', 'NEWNSID FD=B NSID=4', nsid_req(RTM_NEWNSID, fd_ns='B', nsid=4)),
        Do('B', 'q0 mtu 1400', setlink(2, extra=attr(IFLA['MTU'], 1400))),
        Do('A', 'veth r0/r1 in A', veth('r0', 'r1')),
        HeardAll('A'),
    ]),
    NsCase('netns_nsid_without_listeners', 'Nobody listens in A or B: a move still gives A an id for B and B one '
           'for A (the kernel builds the DELLINK/NEWLINK messages whoever listens, §2.6); a veth made with its '
           'peer elsewhere gives the creator\'s namespace an id, not the peer\'s.', ['A', 'B', 'C'], [
        Do('A', 'veth x0/x1', veth('x0', 'x1')),
        Do('A', 'ip link set x1 netns B', move(2, to_ns='B')),
        Do('A', 'GETNSID dump', nsid_dump()),
        Do('B', 'GETNSID dump', nsid_dump()),
        Do('C', 'veth y0 peer y1 in A', veth('y0', 'y1', peer_ns='A')),
        Do('C', 'GETNSID dump', nsid_dump()),
        Do('A', 'GETNSID dump', nsid_dump()),
    ], unmonitored=['A', 'B', 'C']),
    NsCase('netns_addr_target_nsid', 'IFA_TARGET_NETNSID on RTM_GETADDR (§3.5): on a strict socket A dumps B\'s '
           'addresses by B\'s id, each reply with the id first; a non-strict socket ignores it; the IPv6 doit too.',
           ['A', 'B'], [
        Do('B', 'veth b0/b1', veth('b0', 'b1')),
        Do('B', 'addr 10.5.0.1/24 on b1', addr4(2, '10.5.0.1')),
        Do('B', 'addr 10.6.0.1/24 on b0', addr4(3, '10.6.0.1')),
        Do('B', 'addr 2001:db8::1/64 nodad on b0', addr6(3, '2001:db8::1')),
        Do('A', 'NEWNSID FD=B NSID=3', nsid_req(RTM_NEWNSID, fd_ns='B', nsid=3)),
        Do('A', 'dump TARGET_NETNSID=3, not strict (ignored)', addr_dump(extra=ifa_target(3))),
        Opt('A', NETLINK_GET_STRICT_CHK, 1),
        Do('A', 'dump all TARGET_NETNSID=3', addr_dump(extra=ifa_target(3))),
        Do('A', 'dump inet TARGET_NETNSID=3', addr_dump(AF_INET, extra=ifa_target(3))),
        Do('A', 'dump inet6 TARGET_NETNSID=3', addr_dump(AF_INET6, extra=ifa_target(3))),
        Do('A', 'dump inet index 3 TARGET_NETNSID=3', addr_dump(AF_INET, index=3, extra=ifa_target(3))),
        Do('A', 'dump inet index 9 TARGET_NETNSID=3', addr_dump(AF_INET, index=9, extra=ifa_target(3))),
        Do('A', 'dump TARGET_NETNSID=4 (unknown)', addr_dump(AF_INET, extra=ifa_target(4))),
        Do('A', 'dump TARGET_NETNSID=-1', addr_dump(AF_INET6, extra=ifa_target(-1))),
        # The reply is unicast to A's portid in B, where no such socket is: ECONNREFUSED (probe).
        Do('A', 'get 2001:db8::1 on 3 in 3', getaddr6(3, '2001:db8::1', ifa_target(3))),
        Do('A', 'get 2001:db8::9 on 3 in 3 (no such address)', getaddr6(3, '2001:db8::9', ifa_target(3))),
        Do('A', 'NEWNSID FD=A NSID=8 (self)', nsid_req(RTM_NEWNSID, fd_ns='A', nsid=8)),
        Do('A', 'dump inet TARGET_NETNSID=8 (self)', addr_dump(AF_INET, extra=ifa_target(8))),
        Do('A', 'get 2001:db8::1 on 3 in 4 (unknown)', getaddr6(3, '2001:db8::1', ifa_target(4))),
        Do('A', 'get 2001:db8::1 on 3 here', getaddr6(3, '2001:db8::1')),
    ]),
]
