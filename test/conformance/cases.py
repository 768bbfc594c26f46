"""Conformance cases: the same request scripts run against the real kernel
(fresh network namespace per case) and against rtnld (one daemon, each case
cleaned up by the runner afterwards).

A case is a list of steps.  Request steps build their bytes at run time from
a context `c`: c.seq(n) is the step's n-th sequence number and c.idx(name)
the current ifindex of a link (looked up over a separate helper socket), so
no case depends on concrete ifindex values; replies are normalised with
ifindexes mapped to link names.

Rules the cases follow so that kernel and daemon runs are comparable:
  * no framing errors (nlmsg_len < 16, truncated messages, trailing junk
    after the last message) -- datagram and stream semantics differ (spec s10);
  * type 15 is never sent (it is rtnld's in-band socket call);
  * lo is never brought up and every change to lo is undone in the case;
  * notifications are only subscribed to in cases whose events are all
    synchronous (devices down); asynchronous kernel work (linkwatch, DAD) is
    waited out with Settle() in cases that do not listen to groups;
  * explicit ifindexes are >= 5000 so that dump order (ascending ifindex) is
    the same on both sides.
"""

from nlharness import (
    AF_BRIDGE, AF_INET, AF_PACKET, F_ACK, F_APPEND, F_CREATE, F_DUMP, F_ECHO, F_EXCL,
    F_MATCH, F_REPLACE, F_REQUEST, F_ROOT, IFA, IFF_ALLMULTI, IFF_BROADCAST, IFF_DEBUG,
    IFF_LOOPBACK, IFF_MULTICAST, IFF_NOARP, IFF_PROMISC, IFF_UP, IFLA,
    NETLINK_ADD_MEMBERSHIP, NETLINK_BROADCAST_ERROR, NETLINK_CAP_ACK, NETLINK_DROP_MEMBERSHIP,
    NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_LIST_MEMBERSHIPS, NETLINK_NO_ENOBUFS,
    RTM_DELADDR, RTM_DELLINK, RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK, RTM_SETLINK,
    RTMGRP_IPV4_IFADDR, RTMGRP_LINK, attr, attr_raw, attr_u8, ifaddrmsg,
    ifinfomsg, linkinfo, mac, nlmsg, veth_linkinfo,
)

# --------------------------------------------------------------------------
# step types


class Step:
    label = ''


class Req(Step):
    """Send build(c) (one or more netlink messages), then the fence."""

    def __init__(self, label, build):
        self.label = label
        self.build = build


class SetOpt(Step):
    def __init__(self, name, value):
        self.name, self.value = name, value
        self.label = 'setsockopt %d=%d' % (name, value)


class GetOpt(Step):
    def __init__(self, name):
        self.name = name
        self.label = 'getsockopt %d' % name


class Bind(Step):
    def __init__(self, groups):
        self.groups = groups
        self.label = 'bind groups=%#x' % groups


class GetName(Step):
    label = 'getsockname'


class Settle(Step):
    """Wait for asynchronous kernel work (linkwatch, DAD); unsolicited
    messages received meanwhile are discarded.  Only used in cases that do
    not subscribe to groups.  `seconds` waits at least that long on both
    sides (DAD, address lifetimes)."""
    label = 'settle'

    def __init__(self, seconds=0.0):
        self.seconds = seconds


class Events(Step):
    """Run a request in a case that listens to groups, then wait out asynchronous kernel
    work and record replies (ACK/ERROR/DONE) and notifications separately: the kernel sends
    linkwatch and DAD events after the ACK, rtnld before it, so only the order of the
    notifications among themselves is compared."""

    def __init__(self, req, wait=0.0, timed=False):
        self.req = req
        self.wait = wait
        # timed: the daemon's own timers (the model clock) run during `wait` too.
        self.timed = timed
        self.label = req.label


class Case:
    def __init__(self, name, doc, steps, inet6_flags_mask=0x80000000):
        self.name, self.doc, self.steps = name, doc, steps
        # Which IFLA_INET6_FLAGS bits are compared (nlharness.Normaliser.af_spec_attr).
        self.inet6_flags_mask = inet6_flags_mask


CASES = []


def case(name, doc, *steps, exact_inet6_flags=False):
    assert all(c.name != name for c in CASES), name
    CASES.append(Case(name, doc, list(steps), 0xffffffff if exact_inet6_flags else 0x80000000))


# --------------------------------------------------------------------------
# builders

C = F_REQUEST | F_ACK
NEW = C | F_CREATE | F_EXCL


def _res(part, c):
    if callable(part):
        return part(c)
    return part


def cat(*parts):
    """Concatenate byte strings and callables(c) -> bytes."""
    return lambda c: b''.join(_res(p, c) for p in parts)


def rq(label, type_, flags, *body, seq=1, pid=0, length=None):
    b = cat(*body)
    return Req(label, lambda c: nlmsg(type_, flags, c.seq(seq), b(c), pid=pid, length=length))


def ifi(name=None, index=0, flags=0, change=0, family=0, type_=0, pad=0):
    """ifinfomsg whose index is resolved from a link name at run time."""
    return lambda c: ifinfomsg(family=family, type_=type_, index=c.idx(name) if name else index,
                               flags=flags, change=change, pad=pad)


def a_idx(attr_name, link):
    return lambda c: attr(IFLA[attr_name], c.idx(link))


def ifname(n):
    return attr(IFLA['IFNAME'], n)


def mtu(v):
    return attr(IFLA['MTU'], v)


EXT = SetOpt(NETLINK_EXT_ACK, 1)
STRICT = SetOpt(NETLINK_GET_STRICT_CHK, 1)
CAP = SetOpt(NETLINK_CAP_ACK, 1)


def getlink(name, flags=F_REQUEST):
    return rq('getlink %s' % name, RTM_GETLINK, flags, ifinfomsg(), ifname(name))


def getlink_idx(name, flags=F_REQUEST):
    return rq('getlink index of %s' % name, RTM_GETLINK, flags, ifi(name))


def dump_links(flags=F_REQUEST | F_DUMP, body=None, label='dump links'):
    return rq(label, RTM_GETLINK, flags, ifinfomsg() if body is None else body)


def veth(a, b=None, flags=NEW, extra=b'', peer_extra=b'', peer_ifi=None, index=0, ifi_flags=0,
         ifi_change=0, label=None):
    """Create a veth pair.  b=None and peer_extra=b'' and peer_ifi=None -> no
    peer info (no INFO_DATA).  b=False -> PEER with no IFNAME."""
    if b is None and not peer_extra and peer_ifi is None:
        li = veth_linkinfo(None)
    else:
        pi = peer_ifi if peer_ifi is not None else ifinfomsg()
        li = veth_linkinfo(pi + (ifname(b) if b else b'') + peer_extra)
    name = ifname(a) if a is not None else b''
    if label is None:
        label = 'create veth %s/%s' % (a, b) if b is not None else 'create veth %s (no peer info)' % a
    return rq(label, RTM_NEWLINK, flags,
              ifinfomsg(index=index, flags=ifi_flags, change=ifi_change), name, extra, li)


def bridge(name, flags=NEW, extra=b'', index=0, ifi_flags=0, ifi_change=0, label=None):
    return rq(label or 'create bridge %s' % name, RTM_NEWLINK, flags,
              ifinfomsg(index=index, flags=ifi_flags, change=ifi_change),
              ifname(name) if name is not None else b'', extra, linkinfo('bridge'))


def ifb(name, flags=NEW, extra=b'', label=None):
    return rq(label or 'create ifb %s' % name, RTM_NEWLINK, flags, ifinfomsg(),
              ifname(name) if name is not None else b'', extra, linkinfo('ifb'))


def setlink(label, name, *attrs, flags=0, change=0, nlflags=C, type_=RTM_SETLINK):
    return rq(label, type_, nlflags, ifi(name, flags=flags, change=change), *attrs)


def dellink(name, flags=C):
    return rq('dellink %s' % name, RTM_DELLINK, flags, ifi(name))


def up(name):
    return setlink('%s up' % name, name, flags=IFF_UP, change=IFF_UP)


def down(name):
    return setlink('%s down' % name, name, flags=0, change=IFF_UP)


def enslave(port, master):
    return setlink('%s master %s' % (port, master), port, a_idx('MASTER', master))


def newaddr4(label, link, addr, plen, flags=NEW, extra=b'', local=True):
    a = bytes(int(x) for x in addr.split('.'))
    return rq(label, RTM_NEWADDR, flags, lambda c: ifaddrmsg(AF_INET, plen, 0, 0, c.idx(link)),
              attr(IFA['LOCAL'], a) if local else b'', attr(IFA['ADDRESS'], a), extra)


def dump_addrs(family=0, label=None):
    return rq(label or 'dump addresses family %d' % family, RTM_GETADDR, F_REQUEST | F_DUMP,
              ifaddrmsg(family=family))


# --------------------------------------------------------------------------
# 2.1 header rules

case('hdr_no_request_flag',
     'A message without NLM_F_REQUEST is not executed: ACKed if NLM_F_ACK, else nothing.',
     EXT,
     rq('getlink lo flags=ACK only', RTM_GETLINK, F_ACK, ifinfomsg(index=1)),
     rq('getlink lo flags=0', RTM_GETLINK, 0, ifinfomsg(index=1)),
     rq('create bridge without REQUEST', RTM_NEWLINK, F_ACK | F_CREATE | F_EXCL, ifinfomsg(),
        ifname('nr0'), linkinfo('bridge')),
     dump_links())

case('hdr_control_types',
     'Control types < 0x10 are not dispatched; ACKed only with NLM_F_ACK (type 15 skipped).',
     EXT,
     rq('NOOP REQUEST|ACK', 1, C),
     rq('NOOP REQUEST', 1, F_REQUEST),
     rq('NOOP REQUEST|ACK with payload', 1, C, ifinfomsg(index=1)),
     rq('type 2 REQUEST|ACK', 2, C, ifinfomsg()),
     rq('type 3 REQUEST|ACK', 3, C, ifinfomsg()),
     rq('type 3 REQUEST', 3, F_REQUEST, ifinfomsg()),
     rq('type 4 REQUEST|ACK', 4, C, ifinfomsg()),
     rq('type 14 REQUEST|ACK', 14, C, ifinfomsg()))

case('hdr_unknown_types',
     'Types above RTM_MAX or unassigned -> EOPNOTSUPP, no ext-ack text.',
     rq('type 0x7fff, no ext-ack', 0x7fff, F_REQUEST, ifinfomsg(index=1)),
     EXT,
     rq('type 0x7fff', 0x7fff, F_REQUEST, ifinfomsg(index=1)),
     rq('type 200 with ACK', 200, C, ifinfomsg(index=1)),
     rq('type 23', 23, F_REQUEST, ifinfomsg(index=1)),
     rq('type 23 dump flags', 23, F_REQUEST | F_DUMP, ifinfomsg()),
     rq('GETADDR doit AF_UNSPEC', RTM_GETADDR, F_REQUEST, ifaddrmsg(family=0)))

case('hdr_pid_seq_echo',
     'nlmsg_pid in a request is ignored; replies carry the socket portid; the error echoes the header verbatim.',
     rq('getlink lo pid=12345 ACK', RTM_GETLINK, C, ifinfomsg(index=1), pid=12345, seq=7),
     rq('getlink 4242 pid=12345', RTM_GETLINK, F_REQUEST, ifinfomsg(index=4242), pid=12345, seq=0x55),
     GetName())

case('hdr_batch_and_unaligned',
     'Several messages in one write are processed in order; an unaligned nlmsg_len (33) is followed at ALIGN(33).',
     EXT,
     Req('3 getlinks in one write', lambda c: b''.join(
         nlmsg(RTM_GETLINK, C, c.seq(i), ifinfomsg(index=1)) for i in (1, 2, 3))),
     Req('len 33 + pad + getlink', lambda c: nlmsg(RTM_GETLINK, C, c.seq(1), ifinfomsg(index=1) + b'\0')
         + b'\0' * 3 + nlmsg(RTM_GETLINK, C, c.seq(2), ifinfomsg(index=1))),
     Req('error then success in one write', lambda c: nlmsg(RTM_GETLINK, C, c.seq(1), ifinfomsg(index=4242))
         + nlmsg(RTM_GETLINK, C, c.seq(2), ifinfomsg(index=1))))

case('hdr_no_family_byte',
     'A GET/NEW/SET/DEL with no payload (no family byte) returns 0: ACK only if asked.',
     EXT,
     rq('getlink 16 bytes ACK', RTM_GETLINK, C),
     rq('getlink 16 bytes', RTM_GETLINK, F_REQUEST),
     rq('newlink 16 bytes ACK', RTM_NEWLINK, NEW),
     rq('setlink 16 bytes ACK', RTM_SETLINK, C),
     rq('dellink 16 bytes ACK', RTM_DELLINK, C),
     rq('dump links 16 bytes', RTM_GETLINK, F_REQUEST | F_DUMP))

case('hdr_short_family_header',
     'A family header shorter than ifinfomsg -> -22 "Invalid header length" (GETLINK has its own message).',
     EXT,
     rq('setlink 8-byte ifinfomsg', RTM_SETLINK, C, ifinfomsg(index=1)[:8]),
     rq('dellink 8-byte ifinfomsg', RTM_DELLINK, C, ifinfomsg(index=1)[:8]),
     rq('newlink 1-byte', RTM_NEWLINK, NEW, b'\0'),
     rq('getlink 4-byte', RTM_GETLINK, F_REQUEST, b'\0' * 4),
     SetOpt(NETLINK_EXT_ACK, 0),
     rq('getlink 4-byte no ext-ack', RTM_GETLINK, F_REQUEST, b'\0' * 4),
     rq('deladdr 1-byte', RTM_DELADDR, C, b'\x02'),
     rq('newaddr 4-byte ifaddrmsg', RTM_NEWADDR, C, b'\x02\x18\0\0'))

# --------------------------------------------------------------------------
# 2.3 / 2.4 NLMSG_ERROR layout and ext-ack

case('err_layout_default',
     'Default socket: error replies copy the request payload (flags 0); success ACK is capped.',
     rq('getlink 4242', RTM_GETLINK, F_REQUEST, ifinfomsg(index=4242)),
     rq('getlink 4242 with ACK', RTM_GETLINK, C, ifinfomsg(index=4242)),
     rq('getlink lo with ACK', RTM_GETLINK, C, ifinfomsg(index=1)),
     rq('newlink lo bad MTU (policy) no ext-ack', RTM_NEWLINK, C, ifinfomsg(index=1),
        attr_raw(IFLA['MTU'], b'\0\5')))

case('err_layout_cap_ack',
     'NETLINK_CAP_ACK: error replies carry only the header, flags NLM_F_CAPPED.',
     CAP,
     GetOpt(NETLINK_CAP_ACK),
     rq('getlink 4242', RTM_GETLINK, F_REQUEST, ifinfomsg(index=4242)),
     rq('getlink lo with ACK', RTM_GETLINK, C, ifinfomsg(index=1)),
     EXT,
     rq('newlink lo bad MTU, CAP+EXT', RTM_NEWLINK, C, ifinfomsg(index=1), attr_raw(IFLA['MTU'], b'\0\5')),
     rq('getlink 4242 CAP+EXT', RTM_GETLINK, F_REQUEST, ifinfomsg(index=4242)))

case('err_layout_ext_ack',
     'NETLINK_EXT_ACK: TLVs after the copied payload; ENODEV has none.',
     EXT,
     rq('getlink 4242', RTM_GETLINK, F_REQUEST, ifinfomsg(index=4242)),
     rq('newlink lo MTU len 2', RTM_NEWLINK, C, ifinfomsg(index=1), attr_raw(IFLA['MTU'], b'\0\5')),
     rq('newlink lo MTU len 2, no ACK flag', RTM_NEWLINK, F_REQUEST, ifinfomsg(index=1),
        attr_raw(IFLA['MTU'], b'\0\5')),
     SetOpt(NETLINK_EXT_ACK, 0),
     rq('newlink lo MTU len 2, ext-ack off again', RTM_NEWLINK, C, ifinfomsg(index=1),
        attr_raw(IFLA['MTU'], b'\0\5')))

case('ack_warning_leftover',
     'Non-strict parse with trailing bytes in the attribute area: executed, ACK carries a MSG warning.',
     EXT,
     veth('lw0', 'lw1'),
     rq('setlink lw0 MTU 1400 + 3 junk bytes', RTM_SETLINK, C, ifi('lw0'), mtu(1400), b'\1\2\3'),
     getlink('lw0'),
     rq('getlink lw0 + junk, ACK', RTM_GETLINK, C, ifinfomsg(), ifname('lw0'), b'\1\2\3'),
     SetOpt(NETLINK_EXT_ACK, 0),
     rq('setlink lw0 MTU 1300 + junk, no ext-ack', RTM_SETLINK, C, ifi('lw0'), mtu(1300), b'\1\2\3'))

case('policy_errors_link',
     'Typed policy failures: -34 with OFFS and POLICY; NLA_REJECT: -22 without POLICY.',
     EXT,
     veth('pe0', 'pe1'),
     rq('setlink IFNAME 16 chars', RTM_SETLINK, C, ifi('pe0'), ifname('a' * 16)),
     rq('setlink ADDRESS 33 bytes', RTM_SETLINK, C, ifi('pe0'), attr(IFLA['ADDRESS'], bytes(33))),
     rq('setlink IFALIAS 256 bytes', RTM_SETLINK, C, ifi('pe0'), attr(IFLA['IFALIAS'], b'x' * 256)),
     rq('setlink MTU len 2 after IFNAME', RTM_SETLINK, C, ifi('pe0'), ifname('pe0'),
        attr_raw(IFLA['MTU'], b'\0\5')),
     rq('setlink TXQLEN len 1', RTM_SETLINK, C, ifi('pe0'), attr_raw(IFLA['TXQLEN'], b'\7')),
     rq('setlink PERM_ADDRESS (reject)', RTM_SETLINK, C, ifi('pe0'), attr(IFLA['PERM_ADDRESS'], mac(1))),
     rq('setlink HEADROOM (reject)', RTM_SETLINK, C, ifi('pe0'), attr(IFLA['HEADROOM'], 0)),
     rq('setlink ALLMULTI (reject)', RTM_SETLINK, C, ifi('pe0'), attr(IFLA['ALLMULTI'], 0)),
     rq('newlink create with IFNAME 16 chars', RTM_NEWLINK, NEW, ifinfomsg(), ifname('b' * 16),
        linkinfo('bridge')),
     getlink('pe0'))

case('policy_lenient',
     'Non-strict parsing: longer fixed-size attrs accepted, NESTED flag on IFNAME ignored, types > IFLA_MAX ignored.',
     EXT,
     veth('pl0', 'pl1'),
     rq('setlink MTU as 8 bytes', RTM_SETLINK, C, ifi('pl0'), attr(IFLA['MTU'], (1400).to_bytes(8, 'little'))),
     rq('getlink IFNAME with NLA_F_NESTED', RTM_GETLINK, F_REQUEST, ifinfomsg(), attr(IFLA['IFNAME'] | 0x8000, 'pl0')),
     rq('setlink unknown attr type 200 + TXQLEN', RTM_SETLINK, C, ifi('pl0'), attr(200, 5), attr(IFLA['TXQLEN'], 77)),
     rq('setlink read-only attrs (MIN_MTU, CARRIER_CHANGES, NUM_TX_QUEUES)', RTM_SETLINK, C, ifi('pl0'),
        attr(IFLA['MIN_MTU'], 100), attr(IFLA['CARRIER_CHANGES'], 9), attr(IFLA['NUM_TX_QUEUES'], 3)),
     getlink('pl0'))

# --------------------------------------------------------------------------
# 3.2 / 4.1 GETLINK

case('getlink_lo',
     'GETLINK lo by index, default socket: one RTM_NEWLINK, flags 0, no ACK.',
     rq('getlink index 1', RTM_GETLINK, F_REQUEST, ifinfomsg(index=1)),
     rq('getlink index 1 family AF_PACKET', RTM_GETLINK, F_REQUEST, ifinfomsg(family=AF_PACKET, index=1)))

case('getlink_by_name',
     'GETLINK by IFNAME / ALT_IFNAME; names without NUL accepted; missing -> ENODEV.',
     EXT,
     getlink('lo'),
     rq('getlink IFNAME "lo" without NUL', RTM_GETLINK, F_REQUEST, ifinfomsg(), attr(IFLA['IFNAME'], b'lo')),
     rq('getlink ALT_IFNAME lo', RTM_GETLINK, F_REQUEST, ifinfomsg(), attr(IFLA['ALT_IFNAME'], 'lo')),
     getlink('nope'),
     rq('getlink ALT_IFNAME nope', RTM_GETLINK, F_REQUEST, ifinfomsg(), attr(IFLA['ALT_IFNAME'], 'nope')),
     rq('getlink no index no name', RTM_GETLINK, F_REQUEST, ifinfomsg()),
     rq('getlink no index no name, ACK', RTM_GETLINK, C, ifinfomsg()))

case('getlink_index_rules',
     'ifi_index > 0 wins over IFNAME; a negative index falls back to the name.',
     EXT,
     veth('ga', 'gb'),
     rq('getlink index=ga IFNAME=gb', RTM_GETLINK, F_REQUEST, ifi('ga'), ifname('gb')),
     rq('getlink index=424242 IFNAME=gb', RTM_GETLINK, F_REQUEST, ifinfomsg(index=424242), ifname('gb')),
     rq('getlink index=-1 IFNAME=gb', RTM_GETLINK, F_REQUEST, ifinfomsg(index=-1), ifname('gb')),
     rq('getlink index=-1 alone', RTM_GETLINK, F_REQUEST, ifinfomsg(index=-1)),
     getlink_idx('gb', flags=C))

case('getlink_policy',
     'GETLINK attribute policy: IFNAME > 15 chars and ALT_IFNAME > 127 -> ERANGE.',
     EXT,
     rq('getlink IFNAME 16 chars', RTM_GETLINK, F_REQUEST, ifinfomsg(), ifname('a' * 16)),
     rq('getlink IFNAME 15 chars (missing)', RTM_GETLINK, F_REQUEST, ifinfomsg(), ifname('a' * 15)),
     rq('getlink ALT_IFNAME 128 chars', RTM_GETLINK, F_REQUEST, ifinfomsg(), attr(IFLA['ALT_IFNAME'], 'a' * 128)),
     rq('getlink EXT_MASK len 2', RTM_GETLINK, F_REQUEST, ifinfomsg(index=1), attr_raw(IFLA['EXT_MASK'], b'\1\0')))

case('strict_getlink',
     'GETLINK doit under NETLINK_GET_STRICT_CHK (spec 3.2).',
     STRICT, EXT,
     GetOpt(NETLINK_GET_STRICT_CHK),
     rq('strict getlink lo ifi_flags=1', RTM_GETLINK, F_REQUEST, ifinfomsg(index=1, flags=1)),
     rq('strict getlink lo ifi_change=1', RTM_GETLINK, F_REQUEST, ifinfomsg(index=1, change=1)),
     rq('strict getlink lo ifi_type=1', RTM_GETLINK, F_REQUEST, ifinfomsg(index=1, type_=1)),
     rq('strict getlink lo pad=1', RTM_GETLINK, F_REQUEST, ifinfomsg(index=1, pad=1)),
     rq('strict getlink lo + MTU attr', RTM_GETLINK, F_REQUEST, ifinfomsg(index=1), mtu(5)),
     rq('strict getlink lo + attr 200', RTM_GETLINK, F_REQUEST, ifinfomsg(index=1), attr(200, 5)),
     rq('strict getlink lo + 3 trailing bytes', RTM_GETLINK, F_REQUEST, ifinfomsg(index=1), b'\1\2\3'),
     rq('strict getlink IFNAME lo + EXT_MASK', RTM_GETLINK, F_REQUEST, ifinfomsg(), ifname('lo'),
        attr(IFLA['EXT_MASK'], 1)),
     rq('strict getlink no index no name', RTM_GETLINK, F_REQUEST, ifinfomsg()),
     rq('strict getlink 4-byte header', RTM_GETLINK, F_REQUEST, b'\0' * 4),
     rq('strict getlink 4242', RTM_GETLINK, F_REQUEST, ifinfomsg(index=4242)))

# --------------------------------------------------------------------------
# 2.6 / 3.1 dumps

case('dump_links_basic',
     'Link dump: entries with NLM_F_MULTI in ascending ifindex, then NLMSG_DONE.',
     veth('da', 'db'),
     bridge('dbr'),
     dump_links(),
     EXT,
     dump_links(label='dump links with ext-ack'))

case('dump_flag_variants',
     'NLM_F_ROOT or NLM_F_MATCH alone dumps; NLM_F_ACK on a dump gives no ACK; legacy 1-byte rtgenmsg; AF_PACKET.',
     bridge('dv0'),
     dump_links(F_REQUEST | F_DUMP | F_ACK, label='dump with ACK flag'),
     dump_links(F_REQUEST | F_ROOT, label='dump ROOT only'),
     dump_links(F_REQUEST | F_MATCH, label='dump MATCH only'),
     dump_links(body=b'\0', label='dump 1-byte rtgenmsg'),
     dump_links(body=b'\x11', label='dump rtgenmsg AF_PACKET'),
     dump_links(body=b'\0\0\0\0' + attr(IFLA['EXT_MASK'], 8),
                label='dump rtgenmsg padded + EXT_MASK SKIP_STATS (as libnl sends; attributes start NLMSG_ALIGNed)'),
     dump_links(body=ifinfomsg(family=AF_PACKET), label='dump ifinfomsg AF_PACKET'))

case('dump_nonstrict_ignores_header',
     'Non-strict link dump ignores header fields and unknown attributes.',
     EXT,
     bridge('dn0'),
     dump_links(body=ifinfomsg(flags=5, index=7, change=3), label='dump junk header'),
     dump_links(body=ifinfomsg() + mtu(5) + attr(200, 1), label='dump with MTU and type-200 attrs'),
     dump_links(body=ifinfomsg() + b'\1\2\3', label='dump with trailing bytes'))

case('dump_filter_master',
     'IFLA_MASTER dump filter: ports of that master (DUMP_FILTERED on entries, not on DONE); -1 = no master.',
     EXT,
     veth('fa', 'fb'),
     bridge('fbr'),
     bridge('fbr2'),
     enslave('fa', 'fbr'),
     dump_links(body=cat(ifinfomsg(), a_idx('MASTER', 'fbr')), label='dump MASTER=fbr'),
     dump_links(body=cat(ifinfomsg(), attr(IFLA['MASTER'], 0xffffffff)), label='dump MASTER=-1'),
     dump_links(body=cat(ifinfomsg(), a_idx('MASTER', 'fbr2')), label='dump MASTER=fbr2 (no ports)'),
     dump_links(body=cat(ifinfomsg(), attr(IFLA['MASTER'], 424242)), label='dump MASTER=424242'),
     dump_links(body=cat(ifinfomsg(), a_idx('MASTER', 'fb')), label='dump MASTER=fb (not a master)'))

case('dump_filter_kind',
     'IFLA_LINKINFO{KIND} dump filter; an unknown kind is no filter.',
     EXT,
     veth('ka', 'kb'),
     bridge('kbr'),
     ifb('kifb'),
     dump_links(body=ifinfomsg() + linkinfo('veth'), label='dump kind veth'),
     dump_links(body=ifinfomsg() + linkinfo('bridge'), label='dump kind bridge'),
     dump_links(body=ifinfomsg() + linkinfo('ifb'), label='dump kind ifb'),
     # "dummy" is a kind rtnld models but this kernel lacks, so an unknown kind here is one neither knows.
     dump_links(body=ifinfomsg() + linkinfo('nosuchkind'), label='dump kind nosuchkind (unknown)'),
     dump_links(body=ifinfomsg() + linkinfo(None), label='dump LINKINFO without KIND'),
     dump_links(body=cat(ifinfomsg(), linkinfo('veth'), a_idx('MASTER', 'kbr')),
                label='dump kind veth + MASTER=kbr'))

case('strict_dump_errors',
     'Strict link dump: header/attribute errors come back in NLMSG_DONE with ext-ack TLVs (spec 3.1).',
     STRICT, EXT,
     bridge('sd0'),
     dump_links(body=ifinfomsg(flags=5), label='strict dump ifi_flags=5'),
     dump_links(body=ifinfomsg(pad=1), label='strict dump pad=1'),
     dump_links(body=ifinfomsg(index=1), label='strict dump ifi_index=1'),
     dump_links(body=ifinfomsg() + mtu(5), label='strict dump MTU attr'),
     dump_links(body=b'\0', label='strict dump 1-byte rtgenmsg'),
     dump_links(body=ifinfomsg() + attr(200, 5), label='strict dump attr type 200'),
     dump_links(body=ifinfomsg() + b'\1\2\3', label='strict dump trailing bytes'),
     dump_links(body=ifinfomsg() + attr(IFLA['TARGET_NETNSID'], 5), label='strict dump TARGET_NETNSID=5'),
     dump_links(body=ifinfomsg() + attr(IFLA['EXT_MASK'], 8), label='strict dump EXT_MASK ok'),
     dump_links(body=ifinfomsg() + linkinfo('bridge'), label='strict dump kind bridge ok'),
     dump_links(body=ifinfomsg() + attr(IFLA['MASTER'], 0xffffffff), label='strict dump MASTER=-1 ok'))

case('strict_dump_no_ext_ack',
     'Strict link dump error without ext-ack: bare NLMSG_DONE -22.',
     STRICT,
     dump_links(body=ifinfomsg(flags=5), label='strict dump ifi_flags=5'),
     dump_links(body=ifinfomsg(index=1), label='strict dump index=1'),
     dump_links(label='strict dump ok'))

# --------------------------------------------------------------------------
# 4.2 / 4.3 NEWLINK create

case('veth_create_with_peer',
     'Create a veth pair with peer info and explicit MACs; the peer is registered first.',
     EXT,
     veth('va', 'vb', extra=attr(IFLA['ADDRESS'], mac(0x0a)), peer_extra=attr(IFLA['ADDRESS'], mac(0x0b))),
     getlink('va'),
     getlink('vb'),
     dump_links())

case('veth_create_no_peer_info',
     'Without VETH_INFO_PEER the peer is named veth%d and inherits MTU/TXQLEN from the main attributes.',
     EXT,
     veth('q0', extra=mtu(1400) + attr(IFLA['TXQLEN'], 7)),
     getlink('q0'),
     getlink('veth0'),
     veth('q1', False, label='create veth q1, PEER with no IFNAME'),
     dump_links())

case('veth_explicit_indexes',
     'Explicit ifi_index on main and peer; index in use -> EEXIST; negative indexes -> EINVAL.',
     EXT,
     veth('xa', 'xb', index=5060, peer_ifi=ifinfomsg(index=5050)),
     rq('getlink index 5050', RTM_GETLINK, F_REQUEST, ifinfomsg(index=5050)),
     rq('getlink index 5060', RTM_GETLINK, F_REQUEST, ifinfomsg(index=5060)),
     bridge('xbr', index=5050, label='create bridge index 5050 (in use)'),
     veth('xc', 'xd', peer_ifi=ifinfomsg(index=-3), label='create veth peer index -3'),
     veth('xe', 'xf', index=-5, label='create veth index -5'),
     bridge('xbr', index=5070, label='create bridge index 5070'),
     dump_links())

case('name_templates',
     'Default names <kind>%d and explicit %d templates take the lowest free unit.',
     EXT,
     veth(None, label='create veth, no names at all'),
     bridge(None, label='create bridge, no name'),
     bridge('br%d', label='create bridge br%d'),
     bridge('br%d', label='create bridge br%d again'),
     ifb(None, label='create ifb, no name'),
     veth('t%d', 't%d', label='create veth t%d/t%d'),
     dump_links())

case('invalid_names',
     'dev_valid_name rejects, template rules; 15 characters work; a name with no NUL is accepted.',
     EXT,
     *[bridge(n, label='create bridge %r' % n) for n in
       ['a/b', 'a:b', 'a b', '.', '..', '', 'tab\tx', 'x%d%d', 'x%s', 'abc%', 'nl\nx', '%d%d']],
     rq('create bridge, zero-length IFNAME', RTM_NEWLINK, NEW, ifinfomsg(), attr(IFLA['IFNAME'], b''),
        linkinfo('bridge')),
     bridge('abcdefghijklmno', label='create bridge 15 chars'),
     rq('create bridge name without NUL', RTM_NEWLINK, NEW, ifinfomsg(), attr(IFLA['IFNAME'], b'brz'),
        linkinfo('bridge')),
     dump_links())

case('duplicate_names',
     'Duplicate names -> EEXIST, and a failed veth create leaves nothing behind.',
     EXT,
     bridge('dup0'),
     bridge('dup0', label='create bridge dup0 again'),
     veth('dup0', 'dq1', label='create veth dup0/dq1'),
     veth('dq2', 'dup0', label='create veth dq2/dup0 (peer name taken)'),
     veth('r0', 'r0', label='create veth r0/r0'),
     veth('dq3', 'dq4'),
     veth('dq4', 'dq5', label='create veth dq4/dq5 (main name taken)'),
     dump_links())

case('newlink_existing_device',
     'NEWLINK on an existing device: EXCL -> EEXIST, REPLACE -> EOPNOTSUPP, otherwise modify.',
     EXT,
     veth('e0', 'e1'),
     rq('newlink e0 EXCL only', RTM_NEWLINK, C | F_EXCL, ifinfomsg(), ifname('e0')),
     rq('newlink e0 REPLACE', RTM_NEWLINK, C | F_REPLACE, ifinfomsg(), ifname('e0')),
     rq('newlink e0 CREATE|EXCL', RTM_NEWLINK, NEW, ifinfomsg(), ifname('e0'), linkinfo('veth')),
     rq('newlink e0 by index EXCL', RTM_NEWLINK, C | F_EXCL, ifi('e0')),
     rq('newlink e0 MTU 1400 (no flags)', RTM_NEWLINK, C, ifinfomsg(), ifname('e0'), mtu(1400)),
     rq('newlink e0 MTU 1400 again', RTM_NEWLINK, C, ifinfomsg(), ifname('e0'), mtu(1400)),
     rq('newlink e1 by index CREATE, TXQLEN 9', RTM_NEWLINK, C | F_CREATE, ifi('e1'), attr(IFLA['TXQLEN'], 9)),
     getlink('e0'),
     getlink('e1'))

case('newlink_infodata_existing',
     'INFO_DATA on an existing veth -> EOPNOTSUPP; a different kind without INFO_DATA is ignored; bridge INFO_DATA ok.',
     EXT,
     veth('i0', 'i1'),
     bridge('ib0'),
     veth('i0', 'i9', flags=C | F_CREATE, label='create veth i0/i9 again, CREATE without EXCL'),
     rq('newlink i0 kind bridge, no INFO_DATA', RTM_NEWLINK, C | F_CREATE, ifinfomsg(), ifname('i0'),
        linkinfo('bridge')),
     rq('newlink ib0 kind bridge, empty INFO_DATA', RTM_NEWLINK, C | F_CREATE, ifinfomsg(), ifname('ib0'),
        linkinfo('bridge', data=b'')),
     rq('newlink ib0 kind veth, INFO_DATA', RTM_NEWLINK, C, ifinfomsg(), ifname('ib0'),
        veth_linkinfo(ifinfomsg())),
     dump_links())

case('veth_peer_up_enotconn',
     'Peer IFF_UP at create -> ENOTCONN and nothing is left behind.',
     EXT,
     veth('pu0', 'pu1', peer_ifi=ifinfomsg(flags=IFF_UP, change=IFF_UP)),
     veth('pu0', 'pu1', peer_ifi=ifinfomsg(flags=IFF_UP), label='create veth, peer flags=UP change=0'),
     dump_links(),
     veth('pu0', 'pu1', peer_ifi=ifinfomsg(flags=IFF_NOARP, change=IFF_NOARP), label='create veth, peer NOARP'),
     getlink('pu1'),
     getlink('pu0'))

case('newlink_unknown_kind',
     'Unknown or missing kind on create -> EOPNOTSUPP "Unknown device type".',
     EXT,
     # Kinds neither side knows (rtnld models dummy and vlan, which this kernel lacks).
     rq('create kind nosuchkind', RTM_NEWLINK, NEW, ifinfomsg(), ifname('u0'), linkinfo('nosuchkind')),
     rq('create kind macsec', RTM_NEWLINK, NEW, ifinfomsg(), ifname('u0'), linkinfo('macsec')),
     rq('create without LINKINFO', RTM_NEWLINK, NEW, ifinfomsg(), ifname('u0')),
     rq('create with LINKINFO but no KIND', RTM_NEWLINK, NEW, ifinfomsg(), ifname('u0'), linkinfo(None)),
     rq('create nothing at all', RTM_NEWLINK, NEW, ifinfomsg()),
     SetOpt(NETLINK_EXT_ACK, 0),
     rq('create kind nosuchkind, no ext-ack', RTM_NEWLINK, NEW, ifinfomsg(), ifname('u0'), linkinfo('nosuchkind')),
     dump_links())

case('newlink_lookup_errors',
     'NEWLINK without CREATE on a missing device -> ENODEV; negative index -> EINVAL.',
     EXT,
     rq('newlink name nope, no CREATE', RTM_NEWLINK, C, ifinfomsg(), ifname('nope')),
     rq('newlink index 5099, no CREATE', RTM_NEWLINK, C, ifinfomsg(index=5099)),
     rq('newlink nothing, no CREATE', RTM_NEWLINK, C, ifinfomsg()),
     rq('newlink index -5', RTM_NEWLINK, C, ifinfomsg(index=-5)),
     rq('newlink index -5 with name lo', RTM_NEWLINK, C, ifinfomsg(index=-5), ifname('lo')),
     rq('newlink lo no changes', RTM_NEWLINK, C, ifinfomsg(index=1)))

case('newlink_create_validation',
     'Create-time validation: MTU range, queue counts, address length/type, MAP; nothing left behind.',
     EXT,
     bridge('cv0', extra=mtu(50), label='create bridge MTU 50'),
     bridge('cv0', extra=mtu(70000), label='create bridge MTU 70000'),
     veth('cv1', 'cv2', extra=mtu(50), label='create veth MTU 50'),
     veth('cv1', 'cv2', peer_extra=mtu(70000), label='create veth peer MTU 70000'),
     bridge('cv0', extra=attr(IFLA['NUM_TX_QUEUES'], 0), label='create bridge NUM_TX_QUEUES 0'),
     bridge('cv0', extra=attr(IFLA['NUM_RX_QUEUES'], 5000), label='create bridge NUM_RX_QUEUES 5000'),
     bridge('cv0', extra=attr(IFLA['ADDRESS'], mac(1)[:5]), label='create bridge ADDRESS 5 bytes'),
     veth('cv1', 'cv2', extra=attr(IFLA['ADDRESS'], bytes.fromhex('01aabb000001')), label='create veth multicast MAC'),
     veth('cv1', 'cv2', peer_extra=attr(IFLA['ADDRESS'], bytes(6)), label='create veth peer zero MAC'),
     bridge('cv0', extra=attr(IFLA['MAP'], bytes(32)), label='create bridge with IFLA_MAP'),
     dump_links())

case('newlink_create_attrs',
     'Attributes applied on create (MTU, TXQLEN, GROUP, ADDRESS, BROADCAST, LINKMODE); IFALIAS ignored.',
     EXT,
     bridge('ca0', extra=mtu(1400) + attr(IFLA['TXQLEN'], 77) + attr(IFLA['GROUP'], 3)
            + attr(IFLA['ADDRESS'], mac(0xca)) + attr(IFLA['IFALIAS'], 'ignored')
            + attr_u8(IFLA['LINKMODE'], 1)),
     getlink('ca0'),
     veth('ca1', 'ca2', extra=attr(IFLA['BROADCAST'], mac(0xff)) + attr(IFLA['GROUP'], 4)
          + attr(IFLA['ADDRESS'], mac(0xc1)), ifi_flags=IFF_NOARP, ifi_change=IFF_NOARP),
     getlink('ca1'),
     getlink('ca2'),
     ifb('ca3', extra=mtu(9000)),
     getlink('ca3'))

case('newlink_create_up',
     'ifi_flags=IFF_UP on create brings the device up (state after linkwatch settles).',
     EXT,
     bridge('cu0', ifi_flags=IFF_UP, ifi_change=IFF_UP),
     veth('cu1', 'cu2', ifi_flags=IFF_UP),
     Settle(),
     getlink('cu0'),
     getlink('cu1'),
     getlink('cu2'))

# --------------------------------------------------------------------------
# bridge / ifb

case('bridge_create',
     'A bridge: LINKINFO with KIND and INFO_DATA; carrier on while down.',
     bridge('bx0'),
     getlink('bx0'),
     rq('dump family AF_BRIDGE (no ports)', RTM_GETLINK, F_REQUEST | F_DUMP, ifinfomsg(family=AF_BRIDGE)))

case('bridge_enslave_release',
     'Enslave a veth to a bridge and release it; AF_BRIDGE dump lists ports only.',
     EXT,
     veth('p0', 'p1'),
     bridge('br0'),
     enslave('p0', 'br0'),
     getlink('p0'),
     getlink('br0'),
     rq('dump family AF_BRIDGE', RTM_GETLINK, F_REQUEST | F_DUMP, ifinfomsg(family=AF_BRIDGE)),
     enslave('p0', 'br0'),
     setlink('p0 master 0', 'p0', attr(IFLA['MASTER'], 0)),
     setlink('p0 master 0 again', 'p0', attr(IFLA['MASTER'], 0)),
     getlink('p0'),
     getlink('br0'))

case('bridge_master_errors',
     'Bad IFLA_MASTER: unknown index -> EINVAL after releasing; non-master target -> EOPNOTSUPP; MASTER on create.',
     EXT,
     veth('m0', 'm1'),
     bridge('mbr'),
     enslave('m0', 'mbr'),
     setlink('m0 master 424242', 'm0', attr(IFLA['MASTER'], 424242)),
     getlink('m0'),
     enslave('m1', 'm0'),
     enslave('mbr', 'mbr'),
     veth('m2', 'm3', extra=a_idx('MASTER', 'mbr'), label='create veth m2/m3 with MASTER=mbr'),
     getlink('m2'),
     getlink('m3'),
     rq('dump family AF_BRIDGE', RTM_GETLINK, F_REQUEST | F_DUMP, ifinfomsg(family=AF_BRIDGE)),
     dellink('mbr'),
     getlink('m2'))

case('bridge_enslave_notifications',
     'Notifications for enslave and release of a down port to a down bridge (RTNLGRP_LINK).',
     EXT,
     veth('n0', 'n1'),
     bridge('nbr'),
     Bind(RTMGRP_LINK),
     enslave('n0', 'nbr'),
     setlink('n0 master 0', 'n0', attr(IFLA['MASTER'], 0)))

case('bridge_carrier',
     # IFLA_CARRIER on a veth is an rtnld extension (test rigs pull the cable), so only the bridge is compared.
     'Bridge carrier and operstate with no ports while up; IFLA_CARRIER unsupported on a bridge.',
     EXT,
     bridge('bc0'),
     veth('bc1', 'bc2'),
     setlink('bc0 carrier 0', 'bc0', attr_u8(IFLA['CARRIER'], 0)),
     up('bc0'),
     Settle(),
     getlink('bc0'),
     down('bc0'),
     Settle(),
     getlink('bc0'))

case('ifb_create',
     'ifb devices: defaults (txqlen 32, MTU bounds 0), default name ifb%d, delete.',
     EXT,
     ifb('if0'),
     getlink('if0'),
     ifb(None, label='create ifb without name'),
     dellink('if0'),
     dump_links())

# --------------------------------------------------------------------------
# 4.4 / 4.5 SETLINK

case('setlink_up_down',
     'veth up/down: flags, operstate and carrier of both ends after linkwatch.',
     EXT,
     veth('s0', 's1'),
     up('s0'),
     Settle(),
     getlink('s0'),
     getlink('s1'),
     up('s1'),
     Settle(),
     getlink('s0'),
     getlink('s1'),
     down('s0'),
     Settle(),
     getlink('s0'),
     getlink('s1'))

case('setlink_inet6_flags',
     'IFLA_INET6_FLAGS: IF_READY once up and running, IF_RS_SENT once the link-local address is valid; both kept through a carrier loss, cleared by down.',
     EXT,
     veth('r0', 'r1'),
     up('r0'),
     Settle(),
     getlink('r0'),
     up('r1'),
     Settle(2.5),
     getlink('r0'),
     down('r1'),
     Settle(),
     getlink('r0'),
     down('r0'),
     Settle(),
     getlink('r0'),
     exact_inet6_flags=True)

case('setlink_ifi_change_zero',
     'ifi_change=0 with ifi_flags!=0 means ~0 (clears MULTICAST); both 0 touches nothing.',
     EXT,
     veth('z0', 'z1'),
     setlink('z0 flags=NOARP change=0', 'z0', flags=IFF_NOARP, change=0),
     getlink('z0'),
     setlink('z0 flags=MULTICAST|BROADCAST change=~0', 'z0', flags=IFF_MULTICAST | IFF_BROADCAST, change=0xffffffff),
     getlink('z0'),
     setlink('z0 flags=0 change=0', 'z0', flags=0, change=0),
     getlink('z0'))

case('setlink_flag_bits',
     'Writable vs ignored flag bits; PROMISC is one user reference.',
     EXT,
     veth('fl0', 'fl1'),
     setlink('set LOOPBACK', 'fl0', flags=IFF_LOOPBACK, change=IFF_LOOPBACK),
     setlink('clear BROADCAST', 'fl0', flags=0, change=IFF_BROADCAST),
     getlink('fl0'),
     setlink('PROMISC on', 'fl0', flags=IFF_PROMISC, change=IFF_PROMISC),
     setlink('PROMISC on again', 'fl0', flags=IFF_PROMISC, change=IFF_PROMISC),
     getlink('fl0'),
     setlink('PROMISC off', 'fl0', flags=0, change=IFF_PROMISC),
     setlink('ALLMULTI|DEBUG|NOARP on', 'fl0', flags=IFF_ALLMULTI | IFF_DEBUG | IFF_NOARP,
             change=IFF_ALLMULTI | IFF_DEBUG | IFF_NOARP),
     getlink('fl0'),
     setlink('MULTICAST off', 'fl0', flags=0, change=IFF_MULTICAST),
     getlink('fl0'))

case('setlink_notifications_down',
     'RTNLGRP_LINK notifications for changes on a down veth (all synchronous).',
     EXT,
     veth('n0', 'n1'),
     Bind(RTMGRP_LINK),
     setlink('NOARP on', 'n0', flags=IFF_NOARP, change=IFF_NOARP),
     setlink('PROMISC on', 'n0', flags=IFF_PROMISC, change=IFF_PROMISC),
     setlink('MTU 1400', 'n0', mtu(1400)),
     setlink('MTU 1400 again', 'n0', mtu(1400)),
     setlink('TXQLEN 500', 'n0', attr(IFLA['TXQLEN'], 500)),
     setlink('GROUP 5 (down: no event)', 'n0', attr(IFLA['GROUP'], 5)),
     setlink('IFALIAS (down: no event)', 'n0', attr(IFLA['IFALIAS'], 'hello')),
     setlink('LINKMODE 1 (down: no event)', 'n0', attr_u8(IFLA['LINKMODE'], 1)),
     setlink('rename n0 -> n2', 'n0', ifname('n2')),
     setlink('ADDRESS', 'n2', attr(IFLA['ADDRESS'], mac(0x20))),
     setlink('same ADDRESS again', 'n2', attr(IFLA['ADDRESS'], mac(0x20))),
     setlink('BROADCAST', 'n2', attr(IFLA['BROADCAST'], mac(0xbb))),
     setlink('MTU + TXQLEN + IFALIAS', 'n2', mtu(1300), attr(IFLA['TXQLEN'], 400), attr(IFLA['IFALIAS'], 'x')),
     setlink('nothing, ECHO', 'n2', nlflags=C | F_ECHO),
     setlink('MTU 1200, ECHO', 'n2', mtu(1200), nlflags=C | F_ECHO),
     setlink('MTU 1100 via NEWLINK, ECHO', 'n2', mtu(1100), nlflags=C | F_ECHO, type_=RTM_NEWLINK))

case('setlink_mtu_bounds',
     'MTU bounds with messages: veth 68..65535; lo has no upper bound; negative -> minimum error.',
     EXT,
     veth('mt0', 'mt1'),
     setlink('mtu 67', 'mt0', mtu(67)),
     setlink('mtu 65536', 'mt0', mtu(65536)),
     setlink('mtu 0xffffffff', 'mt0', mtu(0xffffffff)),
     setlink('mtu 68', 'mt0', mtu(68)),
     getlink('mt0'),
     setlink('mtu 65535', 'mt0', mtu(65535)),
     getlink('mt0'),
     rq('lo mtu 0xffffffff', RTM_SETLINK, C, ifinfomsg(index=1), mtu(0xffffffff)),
     rq('lo mtu 100000', RTM_SETLINK, C, ifinfomsg(index=1), mtu(100000)),
     rq('getlink lo', RTM_GETLINK, F_REQUEST, ifinfomsg(index=1)),
     rq('lo mtu 65536 (restore)', RTM_SETLINK, C, ifinfomsg(index=1), mtu(65536)))

case('setlink_mtu_small',
     'MTU below 1280 drops the IPv6 config; below 68 (bridge) rejected; back up restores.',
     EXT,
     veth('ms0', 'ms1'),
     setlink('mtu 1000', 'ms0', mtu(1000)),
     getlink('ms0'),
     setlink('mtu 1500', 'ms0', mtu(1500)),
     getlink('ms0'))

case('setlink_address',
     'IFLA_ADDRESS / IFLA_BROADCAST on SETLINK: set, multicast/zero -> EADDRNOTAVAIL, short -> EINVAL, long ok.',
     EXT,
     veth('ad0', 'ad1'),
     setlink('ADDRESS test mac', 'ad0', attr(IFLA['ADDRESS'], mac(0x55))),
     getlink('ad0'),
     setlink('ADDRESS multicast', 'ad0', attr(IFLA['ADDRESS'], bytes.fromhex('01aabb000001'))),
     setlink('ADDRESS zero', 'ad0', attr(IFLA['ADDRESS'], bytes(6))),
     setlink('ADDRESS 3 bytes', 'ad0', attr(IFLA['ADDRESS'], mac(1)[:3])),
     setlink('ADDRESS 8 bytes', 'ad0', attr(IFLA['ADDRESS'], mac(0x56) + b'\x77\x88')),
     getlink('ad0'),
     setlink('BROADCAST', 'ad0', attr(IFLA['BROADCAST'], mac(0xfe))),
     setlink('BROADCAST 3 bytes', 'ad0', attr(IFLA['BROADCAST'], mac(1)[:3])),
     getlink('ad0'))

case('setlink_rename',
     'Rename by index: new name visible, old gone; taken -> EEXIST, invalid -> EINVAL; allowed while up.',
     EXT,
     veth('rn0', 'rn1'),
     setlink('rename rn0 -> rn2', 'rn0', ifname('rn2')),
     getlink('rn2'),
     getlink('rn0'),
     setlink('rename rn2 -> rn1 (taken)', 'rn2', ifname('rn1')),
     setlink('rename rn2 -> a/b', 'rn2', ifname('a/b')),
     setlink('rename rn2 -> rn2 (same)', 'rn2', ifname('rn2')),
     setlink('rename rn2 -> rn%d (template)', 'rn2', ifname('rn%d')),
     getlink('rn0'),
     rq('setlink by name rn1 with IFNAME only', RTM_SETLINK, C, ifinfomsg(), ifname('rn1'), mtu(1400)),
     up('rn1'),
     setlink('rename rn1 -> rn3 while up', 'rn1', ifname('rn3')),
     Settle(),
     getlink('rn3'),
     dump_links())

case('setlink_alias',
     'IFLA_IFALIAS: set, 255 ok, 256 -> ERANGE, empty clears.',
     EXT,
     veth('al0', 'al1'),
     setlink('alias hello', 'al0', attr(IFLA['IFALIAS'], 'hello')),
     getlink('al0'),
     setlink('alias 0-length', 'al0', attr(IFLA['IFALIAS'], b'')),
     getlink('al0'),
     setlink('alias 255 bytes', 'al0', attr(IFLA['IFALIAS'], b'y' * 255)),
     getlink('al0'),
     setlink('alias 256 bytes', 'al0', attr(IFLA['IFALIAS'], b'y' * 256)),
     setlink('alias "" (NUL only)', 'al0', attr(IFLA['IFALIAS'], '')),
     getlink('al0'),
     setlink('alias without NUL', 'al0', attr(IFLA['IFALIAS'], b'abc')),
     getlink('al0'))

case('setlink_txqlen_group',
     'TXQLEN accepts any u32; GROUP set.',
     EXT,
     veth('tq0', 'tq1'),
     setlink('txqlen 500', 'tq0', attr(IFLA['TXQLEN'], 500)),
     setlink('txqlen 0xffffffff', 'tq0', attr(IFLA['TXQLEN'], 0xffffffff)),
     getlink('tq0'),
     setlink('txqlen 0', 'tq0', attr(IFLA['TXQLEN'], 0)),
     setlink('group 7', 'tq0', attr(IFLA['GROUP'], 7)),
     getlink('tq0'))

case('link_groups',
     'NEWLINK with only IFLA_GROUP modifies every member; DELLINK by group.',
     EXT,
     veth('g0', 'g1'),
     bridge('gbr'),
     setlink('g0 group 7', 'g0', attr(IFLA['GROUP'], 7)),
     setlink('g1 group 7', 'g1', attr(IFLA['GROUP'], 7)),
     rq('newlink group 7 MTU 1400', RTM_NEWLINK, C, ifinfomsg(), attr(IFLA['GROUP'], 7), mtu(1400)),
     rq('newlink group 9 (empty) MTU 1400', RTM_NEWLINK, C, ifinfomsg(), attr(IFLA['GROUP'], 9), mtu(1400)),
     dump_links(),
     rq('dellink group 0', RTM_DELLINK, C, ifinfomsg(), attr(IFLA['GROUP'], 0)),
     rq('dellink group 9 (empty)', RTM_DELLINK, C, ifinfomsg(), attr(IFLA['GROUP'], 9)),
     rq('dellink group 7', RTM_DELLINK, C, ifinfomsg(), attr(IFLA['GROUP'], 7)),
     dump_links())

case('setlink_lookup',
     'SETLINK device lookup and ignored inputs (CREATE/EXCL flags, LINKINFO).',
     EXT,
     veth('sl0', 'sl1'),
     rq('setlink index 424242', RTM_SETLINK, C, ifinfomsg(index=424242), mtu(1400)),
     rq('setlink no index no name', RTM_SETLINK, C, ifinfomsg(), mtu(1400)),
     rq('setlink name nope', RTM_SETLINK, C, ifinfomsg(), ifname('nope'), mtu(1400)),
     rq('setlink ALT_IFNAME sl0', RTM_SETLINK, C, ifinfomsg(), attr(IFLA['ALT_IFNAME'], 'sl0'), mtu(1450)),
     rq('setlink index -1 name sl1', RTM_SETLINK, C, ifinfomsg(index=-1), ifname('sl1'), mtu(1460)),
     setlink('setlink CREATE|EXCL flags', 'sl0', mtu(1440), nlflags=C | F_CREATE | F_EXCL | F_REPLACE | F_APPEND),
     setlink('setlink with LINKINFO + INFO_DATA', 'sl0', veth_linkinfo(ifinfomsg() + ifname('zz'))),
     setlink('setlink only index', 'sl0'),
     setlink('setlink only index, no ACK', 'sl0', nlflags=F_REQUEST),
     getlink('sl0'),
     getlink('sl1'))

case('setlink_operstate_linkmode',
     'IFLA_LINKMODE dormant + IFLA_OPERSTATE transitions on an up veth pair.',
     EXT,
     veth('o0', 'o1'),
     up('o0'),
     up('o1'),
     Settle(),
     setlink('linkmode 1 + operstate DORMANT', 'o0', attr_u8(IFLA['LINKMODE'], 1), attr_u8(IFLA['OPERSTATE'], 5)),
     Settle(),
     getlink('o0'),
     setlink('operstate UP', 'o0', attr_u8(IFLA['OPERSTATE'], 6)),
     Settle(),
     getlink('o0'),
     setlink('operstate TESTING from UP', 'o0', attr_u8(IFLA['OPERSTATE'], 4)),
     Settle(),
     getlink('o0'))

# --------------------------------------------------------------------------
# 4.7 DELLINK

case('dellink_by_index',
     'DELLINK by index deletes both veth ends.',
     EXT,
     veth('dl0', 'dl1'),
     dellink('dl0'),
     getlink('dl0'),
     getlink('dl1'),
     dump_links())

case('dellink_by_name',
     'DELLINK by IFNAME and ALT_IFNAME; the peer end deletes both; missing -> ENODEV; nothing -> EINVAL.',
     EXT,
     bridge('dn0'),
     bridge('dn1'),
     veth('dn2', 'dn3'),
     rq('dellink IFNAME dn0', RTM_DELLINK, C, ifinfomsg(), ifname('dn0')),
     rq('dellink ALT_IFNAME dn1 + EXT_MASK', RTM_DELLINK, C, ifinfomsg(), attr(IFLA['ALT_IFNAME'], 'dn1'),
        attr(IFLA['EXT_MASK'], 1)),
     rq('dellink IFNAME dn3 (peer end)', RTM_DELLINK, C, ifinfomsg(), ifname('dn3')),
     rq('dellink IFNAME dn0 again', RTM_DELLINK, C, ifinfomsg(), ifname('dn0')),
     rq('dellink index 424242', RTM_DELLINK, C, ifinfomsg(index=424242)),
     rq('dellink nothing', RTM_DELLINK, C, ifinfomsg()),
     rq('dellink index -1 no name', RTM_DELLINK, C, ifinfomsg(index=-1)),
     dump_links())

case('dellink_lo',
     'Deleting lo -> EOPNOTSUPP without a message.',
     EXT,
     rq('dellink lo by index', RTM_DELLINK, C, ifinfomsg(index=1)),
     rq('dellink lo by name', RTM_DELLINK, C, ifinfomsg(), ifname('lo')),
     rq('getlink lo', RTM_GETLINK, F_REQUEST, ifinfomsg(index=1)))

case('dellink_notifications',
     'DELLINK of a down veth: DELLINK for the named end then the peer, before the ACK; ECHO variant.',
     EXT,
     veth('dx0', 'dx1'),
     veth('dx2', 'dx3'),
     Bind(RTMGRP_LINK),
     dellink('dx0'),
     dellink('dx3', flags=C | F_ECHO))

case('newlink_notifications',
     'NEWLINK create notifications: veth peer first; ECHO gives the requester pid/seq.',
     EXT,
     Bind(RTMGRP_LINK),
     veth('nx0', 'nx1'),
     veth('nx2', 'nx3', flags=NEW | F_ECHO),
     bridge('nxb', flags=NEW | F_ECHO),
     ifb('nxi'),
     SetOpt(NETLINK_DROP_MEMBERSHIP, 1),
     dellink('nx0'),
     SetOpt(NETLINK_ADD_MEMBERSHIP, 1),
     dellink('nxb'))

case('echo_without_subscription',
     'NLM_F_ECHO without group membership: unicast copy for create/delete only.',
     EXT,
     bridge('ec0', flags=NEW | F_ECHO),
     setlink('ec0 mtu 1400, ECHO', 'ec0', mtu(1400), nlflags=C | F_ECHO),
     dellink('ec0', flags=C | F_ECHO))

# --------------------------------------------------------------------------
# 2.5 socket options

case('sockopt_values',
     'Default socket option values, set/get round trip, unknown option -> ENOPROTOOPT.',
     *[GetOpt(o) for o in (NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS, NETLINK_CAP_ACK, NETLINK_EXT_ACK,
                           NETLINK_GET_STRICT_CHK, NETLINK_LIST_MEMBERSHIPS)],
     *[SetOpt(o, 1) for o in (NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS, NETLINK_CAP_ACK, NETLINK_EXT_ACK,
                              NETLINK_GET_STRICT_CHK)],
     *[GetOpt(o) for o in (NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS, NETLINK_CAP_ACK, NETLINK_EXT_ACK,
                           NETLINK_GET_STRICT_CHK)],
     SetOpt(NETLINK_EXT_ACK, 7),
     GetOpt(NETLINK_EXT_ACK),
     SetOpt(NETLINK_CAP_ACK, 0),
     GetOpt(NETLINK_CAP_ACK),
     SetOpt(99, 1),
     GetOpt(99))

case('sockopt_memberships',
     'ADD/DROP_MEMBERSHIP range checks, LIST_MEMBERSHIPS word 0, bind() replaces groups 1-32.',
     GetName(),
     *[SetOpt(NETLINK_ADD_MEMBERSHIP, g) for g in (1, 5, 9, 38, 39, 0, 40, 100)],
     GetOpt(NETLINK_LIST_MEMBERSHIPS),
     GetName(),
     SetOpt(NETLINK_DROP_MEMBERSHIP, 5),
     SetOpt(NETLINK_DROP_MEMBERSHIP, 6),
     SetOpt(NETLINK_DROP_MEMBERSHIP, 0),
     GetOpt(NETLINK_LIST_MEMBERSHIPS),
     Bind(0x3),
     GetName(),
     GetOpt(NETLINK_LIST_MEMBERSHIPS),
     Bind(0),
     GetName())

case('membership_delivery',
     'Only subscribed sockets get notifications; bind() and ADD_MEMBERSHIP both subscribe.',
     EXT,
     bridge('mb0'),
     SetOpt(NETLINK_ADD_MEMBERSHIP, 1),
     bridge('mb1'),
     SetOpt(NETLINK_DROP_MEMBERSHIP, 1),
     bridge('mb2'),
     Bind(RTMGRP_LINK),
     setlink('mb2 mtu 1400', 'mb2', mtu(1400)),
     Bind(0),
     setlink('mb2 mtu 1300', 'mb2', mtu(1300)))

# --------------------------------------------------------------------------
# 6 IPv4 addresses (on down devices only; everything synchronous)

case('addr_ipv4_basic',
     'IPv4 address add, dump, duplicate, secondary, delete (primary removes its secondaries first).',
     EXT,
     veth('a0', 'a1'),
     newaddr4('add 192.0.2.1/24', 'a0', '192.0.2.1', 24),
     newaddr4('add 192.0.2.1/24 again', 'a0', '192.0.2.1', 24),
     newaddr4('add 192.0.2.2/24 (secondary)', 'a0', '192.0.2.2', 24),
     newaddr4('add 192.0.2.1/16 (separate primary)', 'a0', '192.0.2.1', 16),
     dump_addrs(AF_INET),
     rq('getaddr doit AF_INET', RTM_GETADDR, F_REQUEST, lambda c: ifaddrmsg(AF_INET, 24, 0, 0, c.idx('a0'))),
     rq('deladdr 192.0.2.1/24', RTM_DELADDR, C, lambda c: ifaddrmsg(AF_INET, 24, 0, 0, c.idx('a0')),
        attr(IFA['LOCAL'], bytes([192, 0, 2, 1])), attr(IFA['ADDRESS'], bytes([192, 0, 2, 1]))),
     dump_addrs(AF_INET),
     rq('deladdr 198.51.100.1 (missing)', RTM_DELADDR, C, lambda c: ifaddrmsg(AF_INET, 24, 0, 0, c.idx('a0')),
        attr(IFA['LOCAL'], bytes([198, 51, 100, 1]))),
     rq('deladdr no attributes (first address)', RTM_DELADDR, C, lambda c: ifaddrmsg(AF_INET, 0, 0, 0, c.idx('a0'))),
     dump_addrs(AF_INET))

case('addr_ipv4_errors',
     'IPv4 NEWADDR validation errors and the 0.0.0.0 no-op.',
     EXT,
     veth('ae0', 'ae1'),
     rq('newaddr family 0', RTM_NEWADDR, NEW, lambda c: ifaddrmsg(0, 24, 0, 0, c.idx('ae0')),
        attr(IFA['LOCAL'], bytes([192, 0, 2, 1]))),
     newaddr4('prefixlen 33', 'ae0', '192.0.2.1', 33),
     newaddr4('no LOCAL', 'ae0', '192.0.2.1', 24, local=False),
     rq('missing device', RTM_NEWADDR, NEW, ifaddrmsg(AF_INET, 24, 0, 0, 424242),
        attr(IFA['LOCAL'], bytes([192, 0, 2, 1]))),
     rq('LOCAL 2 bytes', RTM_NEWADDR, NEW, lambda c: ifaddrmsg(AF_INET, 24, 0, 0, c.idx('ae0')),
        attr(IFA['LOCAL'], b'\xc0\x00')),
     newaddr4('LOCAL 0.0.0.0', 'ae0', '0.0.0.0', 24),
     rq('LABEL 16 bytes', RTM_NEWADDR, NEW, lambda c: ifaddrmsg(AF_INET, 24, 0, 0, c.idx('ae0')),
        attr(IFA['LOCAL'], bytes([192, 0, 2, 1])), attr(IFA['LABEL'], 'l' * 16)),
     dump_addrs(AF_INET))

case('addr_ipv4_notifications',
     'IPv4 address notifications carry the requester pid/seq and precede the ACK.',
     EXT,
     veth('an0', 'an1'),
     Bind(RTMGRP_IPV4_IFADDR),
     newaddr4('add 192.0.2.1/24', 'an0', '192.0.2.1', 24),
     newaddr4('add 192.0.2.2/24 ECHO', 'an0', '192.0.2.2', 24, flags=NEW | F_ECHO),
     rq('deladdr 192.0.2.1/24', RTM_DELADDR, C, lambda c: ifaddrmsg(AF_INET, 24, 0, 0, c.idx('an0')),
        attr(IFA['LOCAL'], bytes([192, 0, 2, 1]))),
     newaddr4('add 198.51.100.1/24', 'an0', '198.51.100.1', 24),
     newaddr4('add 198.51.100.2/24', 'an0', '198.51.100.2', 24),
     dellink('an0'))


# --------------------------------------------------------------------------
# 6 addresses: IPv4 secondaries, promotion, delete matching and replace; IPv6; dumps;
# lifetimes and DAD (waited out with Settle(seconds) in cases that do not listen)

import socket  # noqa: E402
import struct  # noqa: E402

from nlharness import AF_INET6, RTMGRP_IPV6_IFADDR  # noqa: E402

IFLA_INET_CONF = 1
IPV4_DEVCONF_PROMOTE_SECONDARIES = 20
IFA_F_NODAD, IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR = 0x02, 0x10, 0x100
IFA_F_NOPREFIXROUTE, IFA_F_MCAUTOJOIN, IFA_F_OPTIMISTIC = 0x200, 0x400, 0x04
INFINITY = 0xffffffff


def in4(s):
    return bytes(int(x) for x in s.split('.'))


def in6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def ifa(family, link=None, plen=0, flags=0, scope=0, index=0):
    """ifaddrmsg whose index is resolved from a link name at run time."""
    return lambda c: ifaddrmsg(family, plen, flags, scope, c.idx(link) if link else index)


def addr4(label, link, plen, local=None, address=None, flags=NEW, type_=RTM_NEWADDR, ifa_flags=0, scope=0,
          extra=b'', index=0):
    return rq(label, type_, flags, ifa(AF_INET, link, plen, ifa_flags, scope, index),
              attr(IFA['LOCAL'], in4(local)) if local else b'',
              attr(IFA['ADDRESS'], in4(address)) if address else b'', extra)


def del4(label, link, plen=0, local=None, address=None, extra=b'', flags=C, index=0):
    return addr4(label, link, plen, local, address, flags=flags, type_=RTM_DELADDR, extra=extra, index=index)


def addr6(label, link, plen, address=None, local=None, flags=NEW, type_=RTM_NEWADDR, ifa_flags=0, extra=b'',
          index=0):
    return rq(label, type_, flags, ifa(AF_INET6, link, plen, ifa_flags, 0, index),
              attr(IFA['ADDRESS'], in6(address)) if address else b'',
              attr(IFA['LOCAL'], in6(local)) if local else b'', extra)


def nodad6(label, link, address, plen=64, **kw):
    return addr6(label, link, plen, address, ifa_flags=IFA_F_NODAD, **kw)


def del6(label, link, address, plen=64, flags=C, **kw):
    return addr6(label, link, plen, address, flags=flags, type_=RTM_DELADDR, **kw)


def get6(label, link, address=None, local=None, plen=0, extra=b'', index=0, flags=F_REQUEST):
    return addr6(label, link, plen, address, local, flags=flags, type_=RTM_GETADDR, extra=extra, index=index)


def cacheinfo(prefered, valid):
    return attr(IFA['CACHEINFO'], struct.pack('=IIII', prefered, valid, 0, 0))


def addr_dump(family=0, body=None, label=None, flags=F_REQUEST | F_DUMP):
    return rq(label or 'dump addresses family %d' % family, RTM_GETADDR, flags,
              ifaddrmsg(family=family) if body is None else body)


def promote_secondaries(link, on):
    """net.ipv4.conf.<link>.promote_secondaries through IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF."""
    conf = attr(IFLA_INET_CONF, attr(IPV4_DEVCONF_PROMOTE_SECONDARIES, on))
    return setlink('%s promote_secondaries=%d' % (link, on), link, attr(IFLA['AF_SPEC'], attr(AF_INET, conf)))


case('addr_ipv4_secondaries',
     'IPv4 list order (primaries by scope, secondaries last), the same-subnet secondary rule, attributes kept as '
     'given, and deleting a primary deletes its secondaries first.',
     EXT,
     veth('s0', 's1'),
     addr4('add 10.1.0.1/24', 's0', 24, local='10.1.0.1'),
     addr4('add 10.2.0.1/24', 's0', 24, local='10.2.0.1'),
     addr4('add 10.1.0.2/24 (secondary)', 's0', 24, local='10.1.0.2'),
     addr4('add 10.2.0.2/24 (secondary)', 's0', 24, local='10.2.0.2'),
     addr4('add 10.1.0.3/24 (secondary)', 's0', 24, local='10.1.0.3'),
     addr4('add 10.1.0.9/24 scope link (same subnet, other scope)', 's0', 24, local='10.1.0.9', scope=253),
     addr4('add 10.3.0.1/24 scope link', 's0', 24, local='10.3.0.1', scope=253),
     addr4('add 10.4.0.1/24 scope host', 's0', 24, local='10.4.0.1', scope=254),
     addr4('add 10.1.0.1/16 (same local, other mask: a primary)', 's0', 16, local='10.1.0.1'),
     addr4('add 10.5.0.1 peer 10.5.0.2/32', 's0', 32, local='10.5.0.1', address='10.5.0.2'),
     addr4('add 10.6.0.1/24 label, broadcast, IFA_FLAGS over header flags, proto, metric', 's0', 24,
           local='10.6.0.1', ifa_flags=IFA_F_NODAD,
           extra=attr(IFA['LABEL'], 's0:x') + attr(IFA['BROADCAST'], in4('10.6.0.255')) + attr(IFA['FLAGS'], 0x10200)
           + attr_u8(IFA['PROTO'], 4) + attr(IFA['RT_PRIORITY'], 55)),
     addr4('add 10.7.0.1/24 header flags NODAD|SECONDARY (stripped)', 's0', 24, local='10.7.0.1', ifa_flags=0x03),
     addr4('add 10.8.0.1/24 without NLM_F_CREATE', 's0', 24, local='10.8.0.1', flags=C),
     addr_dump(AF_INET),
     Bind(RTMGRP_IPV4_IFADDR),
     del4('del 10.1.0.1/24 (primary with secondaries)', 's0', 24, local='10.1.0.1', address='10.1.0.1'),
     del4('del 10.2.0.2 (a secondary alone)', 's0', 24, local='10.2.0.2'),
     addr_dump(AF_INET))

case('addr_ipv4_promote',
     'promote_secondaries (per device, through IFLA_AF_SPEC/AF_INET): deleting a primary promotes the first '
     'secondary (DELADDR, then NEWADDR without SECONDARY), which moves after the last primary.',
     EXT,
     veth('p0', 'p1'),
     promote_secondaries('p0', 1),
     addr4('add 10.1.0.1/24', 'p0', 24, local='10.1.0.1'),
     addr4('add 10.2.0.1/24', 'p0', 24, local='10.2.0.1'),
     addr4('add 10.1.0.2/24', 'p0', 24, local='10.1.0.2'),
     addr4('add 10.2.0.2/24', 'p0', 24, local='10.2.0.2'),
     addr4('add 10.1.0.3/24', 'p0', 24, local='10.1.0.3'),
     Bind(RTMGRP_IPV4_IFADDR),
     del4('del 10.1.0.1 (promotes 10.1.0.2)', 'p0', 24, local='10.1.0.1'),
     addr_dump(AF_INET),
     del4('del 10.2.0.1 with ECHO (promotes 10.2.0.2)', 'p0', 24, local='10.2.0.1', flags=C | F_ECHO),
     addr_dump(AF_INET),
     promote_secondaries('p0', 0),
     del4('del 10.1.0.2 (promotion off again: 10.1.0.3 goes)', 'p0', 24, local='10.1.0.2'),
     addr_dump(AF_INET),
     setlink('AF_INET conf id 0 (invalid)', 'p0', attr(IFLA['AF_SPEC'], attr(AF_INET, attr(IFLA_INET_CONF, attr(0, 1))))),
     setlink('AF_INET conf id 34 (above IPV4_DEVCONF_MAX)', 'p0',
             attr(IFLA['AF_SPEC'], attr(AF_INET, attr(IFLA_INET_CONF, attr(34, 1))))))

case('addr_ipv4_delete_matching',
     'IPv4 DELADDR matching: first address in list order matching LOCAL, LABEL and (only with IFA_ADDRESS) '
     'prefix length and subnet.',
     EXT,
     veth('m0', 'm1'),
     addr4('add 10.1.0.1/24', 'm0', 24, local='10.1.0.1'),
     addr4('add 10.1.0.2/24', 'm0', 24, local='10.1.0.2'),
     addr4('add 10.2.0.1/24 label m0:lbl', 'm0', 24, local='10.2.0.1', extra=attr(IFA['LABEL'], 'm0:lbl')),
     addr4('add 10.3.0.1/24', 'm0', 24, local='10.3.0.1'),
     addr4('add 10.4.0.1/24', 'm0', 24, local='10.4.0.1'),
     Bind(RTMGRP_IPV4_IFADDR),
     del4('del LOCAL 10.2.0.1, wrong prefixlen 8 (ignored without ADDRESS)', 'm0', 8, local='10.2.0.1'),
     del4('del ADDRESS 10.3.0.1, wrong prefixlen 8', 'm0', 8, address='10.3.0.1'),
     del4('del ADDRESS 10.3.0.0/24 (subnet match)', 'm0', 24, address='10.3.0.0'),
     del4('del LOCAL 10.4.0.1 + LABEL nope', 'm0', 24, local='10.4.0.1', extra=attr(IFA['LABEL'], 'nope')),
     del4('del LABEL m0 only (first address)', 'm0', extra=attr(IFA['LABEL'], 'm0')),
     del4('del index 424242', None, 24, local='10.4.0.1', index=424242),
     del4('del index 0', None, 24, local='10.4.0.1'),
     del4('del no attributes (first address)', 'm0'),
     del4('del no attributes, nothing left', 'm0'),
     addr_dump(AF_INET))

case('addr_ipv4_replace',
     'NLM_F_REPLACE updates metric, protocol and lifetimes of the matching address (not flags, label or scope); '
     'EXCL wins; lifetime validation; a zero preferred lifetime deprecates.',
     EXT,
     veth('r0', 'r1'),
     Bind(RTMGRP_IPV4_IFADDR),
     addr4('add 10.1.0.1/24', 'r0', 24, local='10.1.0.1'),
     addr4('replace with lifetimes, proto, label, flags, scope', 'r0', 24, local='10.1.0.1', flags=C | F_REPLACE,
           scope=200, extra=cacheinfo(100, 200) + attr_u8(IFA['PROTO'], 5) + attr(IFA['LABEL'], 'zz')
           + attr(IFA['FLAGS'], IFA_F_NOPREFIXROUTE)),
     addr4('replace with nothing (permanent again, proto 0)', 'r0', 24, local='10.1.0.1', flags=C | F_REPLACE),
     addr4('replace|excl', 'r0', 24, local='10.1.0.1', flags=C | F_REPLACE | F_EXCL),
     addr4('replace of a new address creates it', 'r0', 24, local='10.9.0.1', flags=C | F_REPLACE),
     addr4('valid lifetime 0', 'r0', 24, local='10.2.0.1', extra=cacheinfo(0, 0)),
     addr4('preferred > valid', 'r0', 24, local='10.2.0.1', extra=cacheinfo(20, 10)),
     addr4('preferred 0 (deprecated at once)', 'r0', 24, local='10.2.0.1', extra=cacheinfo(0, 60)),
     addr4('valid forever, preferred 30 (stays permanent)', 'r0', 24, local='10.3.0.1', extra=cacheinfo(30, INFINITY)),
     addr_dump(AF_INET))

case('addr_ipv6_basic',
     'IPv6 add (NODAD, and DAD pending on a down link), peers, scopes and list order, GET, replace, exact delete.',
     EXT,
     veth('x0', 'x1'),
     nodad6('add 2001:db8::1/64 nodad', 'x0', '2001:db8::1'),
     nodad6('add 2001:db8::1 again', 'x0', '2001:db8::1'),
     nodad6('add 2001:db8::1/48 (same address, other prefix)', 'x0', '2001:db8::1', 48),
     nodad6('add 2001:db8::2/64 nodad', 'x0', '2001:db8::2'),
     addr6('add 2001:db8:1::1 peer 2001:db8:1::2/128', 'x0', 128, address='2001:db8:1::2', local='2001:db8:1::1',
           ifa_flags=IFA_F_NODAD),
     addr6('add 2001:db8:2::1 with LOCAL = ADDRESS (no peer)', 'x0', 64, address='2001:db8:2::1',
           local='2001:db8:2::1', ifa_flags=IFA_F_NODAD),
     nodad6('add fe80::5/64', 'x0', 'fe80::5'),
     nodad6('add fec0::5/64 (site-local)', 'x0', 'fec0::5'),
     nodad6('add fc00::5/64 (ULA)', 'x0', 'fc00::5'),
     nodad6('add ::ffff:192.0.2.1/96', 'x0', '::ffff:192.0.2.1', 96),
     addr6('add ff02::5 MCAUTOJOIN', 'x0', 64, 'ff02::5', extra=attr(IFA['FLAGS'], IFA_F_NODAD | IFA_F_MCAUTOJOIN)),
     nodad6('add 2001:db8:9::1 proto 7, metric 9', 'x0', '2001:db8:9::1',
            extra=attr_u8(IFA['PROTO'], 7) + attr(IFA['RT_PRIORITY'], 9)),
     addr6('add 2001:db8:a::1 IFA_FLAGS homeaddress|noprefixroute|mngtmpaddr and more', 'x0', 64, '2001:db8:a::1',
           extra=attr(IFA['FLAGS'], 0xfff)),
     addr6('add 2001:db8::3/64 with DAD (down link: stays tentative)', 'x0', 64, '2001:db8::3'),
     addr6('add 2001:db8::4/64 OPTIMISTIC (dropped: optimistic DAD off)', 'x0', 64, '2001:db8::4',
           ifa_flags=IFA_F_OPTIMISTIC),
     nodad6('add 2001:db8::1/64 nodad on x1 (same address, other device)', 'x1', '2001:db8::1'),
     Settle(),
     addr_dump(AF_INET6),
     get6('get 2001:db8::1 on x0', 'x0', '2001:db8::1'),
     get6('get 2001:db8::1, index 0 (newest wins)', None, '2001:db8::1'),
     get6('get 2001:db8::1, index 424242', None, '2001:db8::1', index=424242),
     get6('get by LOCAL of the peer address', 'x0', local='2001:db8:1::1'),
     get6('get the peer (not an address)', 'x0', '2001:db8:1::2'),
     get6('get missing', 'x0', '2001:db8::77'),
     get6('get without address', 'x0'),
     rq('get 4-byte header', RTM_GETADDR, F_REQUEST, b'\x0a\0\0\0'),
     get6('get with ACK', 'x0', '2001:db8::2', flags=C),
     addr6('replace 2001:db8::2 with /48, lifetimes, no NODAD', 'x0', 48, '2001:db8::2', flags=C | F_REPLACE,
           extra=cacheinfo(100, 200)),
     addr6('replace 2001:db8::3 (tentative) with NODAD', 'x0', 64, '2001:db8::3', flags=C | F_REPLACE,
           ifa_flags=IFA_F_NODAD),
     addr6('replace 2001:db8::2 mngtmpaddr (its prefix stayed 64)', 'x0', 64, '2001:db8::2',
           flags=C | F_REPLACE, extra=attr(IFA['FLAGS'], IFA_F_MANAGETEMPADDR)),
     addr6('replace fe80::5 mngtmpaddr on /64', 'x0', 64, 'fe80::5', flags=C | F_REPLACE,
           extra=attr(IFA['FLAGS'], IFA_F_MANAGETEMPADDR)),
     addr6('replace|excl', 'x0', 64, '2001:db8::1', flags=C | F_REPLACE | F_EXCL),
     addr_dump(AF_INET6),
     del6('del 2001:db8::1/48 (wrong prefix)', 'x0', '2001:db8::1', 48),
     del6('del 2001:db8::1/64', 'x0', '2001:db8::1'),
     addr6('del 2001:db8:1::1/128 by LOCAL', 'x0', 128, local='2001:db8:1::1', flags=C, type_=RTM_DELADDR),
     addr_dump(AF_INET6),
     addr_dump(0))

case('addr_ipv6_errors',
     'IPv6 NEWADDR/DELADDR/GETADDR errors: errno, extended-ack text and policy offsets.',
     EXT,
     veth('y0', 'y1'),
     addr6('newaddr without address', 'y0', 64),
     addr6('prefixlen 129', 'y0', 129, '2001:db8::1'),
     addr6('::', 'y0', 64, '::'),
     addr6('ff02::1 without MCAUTOJOIN', 'y0', 64, 'ff02::1'),
     addr6('::1 on a veth', 'y0', 128, '::1'),
     addr6('mngtmpaddr with /48', 'y0', 48, '2001:db8::1', extra=attr(IFA['FLAGS'], IFA_F_MANAGETEMPADDR)),
     addr6('valid lifetime 0', 'y0', 64, '2001:db8::1', extra=cacheinfo(0, 0)),
     addr6('preferred > valid', 'y0', 64, '2001:db8::1', extra=cacheinfo(20, 10)),
     addr6('missing device', None, 64, '2001:db8::1', index=424242),
     rq('ADDRESS of 4 bytes', RTM_NEWADDR, NEW, ifa(AF_INET6, 'y0', 64), attr(IFA['ADDRESS'], in4('192.0.2.1'))),
     rq('LOCAL of 15 bytes', RTM_NEWADDR, NEW, ifa(AF_INET6, 'y0', 64), attr(IFA['LOCAL'], bytes(15))),
     rq('newaddr 4-byte header', RTM_NEWADDR, NEW, b'\x0a\x40\0\0'),
     rq('newaddr family 7', RTM_NEWADDR, NEW, ifa(AF_BRIDGE, 'y0', 64), attr(IFA['ADDRESS'], in6('2001:db8::1'))),
     setlink('y0 mtu 1000', 'y0', mtu(1000)),
     nodad6('add with MTU 1000', 'y0', '2001:db8::1'),
     del6('del with MTU 1000', 'y0', '2001:db8::1'),
     setlink('y0 mtu 1500', 'y0', mtu(1500)),
     addr6('deladdr without address', 'y0', 64, flags=C, type_=RTM_DELADDR),
     del6('deladdr prefixlen 129', 'y0', '2001:db8::1', 129),
     del6('deladdr missing device', None, '2001:db8::1', index=424242),
     del6('deladdr missing address', 'y0', '2001:db8::1'),
     rq('deladdr 1-byte', RTM_DELADDR, C, b'\x0a'),
     get6('get ADDRESS of 4 bytes', 'y0', extra=attr(IFA['ADDRESS'], in4('192.0.2.1'))),
     get6('get with TARGET_NETNSID', 'y0', '2001:db8::1', extra=attr(IFA['TARGET_NETNSID'], 5)),
     addr_dump(AF_INET6))

case('addr_ipv6_notifications',
     'IPv6 notifications carry pid/seq 0 and ignore NLM_F_ECHO; a tentative address is announced before the ACK '
     'and a replace of it is not; IPv4 ones on their own group; unregister order (IPv4, IPv6, per device).',
     EXT,
     veth('z0', 'z1'),
     Bind(RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_IFADDR),
     addr6('add 2001:db8::1/64 (tentative)', 'z0', 64, '2001:db8::1'),
     addr6('add 2001:db8::2/64 ECHO', 'z0', 64, '2001:db8::2', flags=NEW | F_ECHO),
     addr6('replace 2001:db8::1 (tentative: no notification)', 'z0', 64, '2001:db8::1', flags=C | F_REPLACE),
     addr4('add 192.0.2.1/24', 'z0', 24, local='192.0.2.1'),
     addr4('add 192.0.2.9/24 on z1', 'z1', 24, local='192.0.2.9'),
     addr6('add 2001:db8::9/64 on z1', 'z1', 64, '2001:db8::9'),
     del6('del 2001:db8::2', 'z0', '2001:db8::2'),
     del6('del 2001:db8::2 again', 'z0', '2001:db8::2'),
     dellink('z0'))

case('addr_dump_strict',
     'Strict address dumps: header and attribute checks in NLMSG_DONE, ifa_index filter with NLM_F_DUMP_FILTERED '
     '(set before later checks fail), IPv4 before IPv6 for family 0; strict IPv6 GET.',
     STRICT, EXT,
     veth('d0', 'd1'),
     addr4('add 10.0.0.1/24 d0', 'd0', 24, local='10.0.0.1'),
     addr4('add 10.1.0.1/24 d1', 'd1', 24, local='10.1.0.1'),
     nodad6('add 2001:db8::1 d0', 'd0', '2001:db8::1'),
     nodad6('add 2001:db8::2 d1', 'd1', '2001:db8::2'),
     Settle(),
     *[s for fam in (0, AF_INET, AF_INET6) for s in (
         addr_dump(fam, label='family %d' % fam),
         addr_dump(fam, body=ifa(fam, 'd1'), label='family %d index d1' % fam),
         addr_dump(fam, body=ifa(fam, index=424242), label='family %d index 424242' % fam),
         addr_dump(fam, body=ifa(fam, 'd1', plen=1), label='family %d prefixlen 1' % fam),
         addr_dump(fam, body=cat(ifa(fam, 'd1'), attr(IFA['LOCAL'], 5)), label='family %d index d1 + LOCAL' % fam),
         addr_dump(fam, body=cat(ifa(fam), attr(IFA['LOCAL'], 5)), label='family %d LOCAL' % fam),
         addr_dump(fam, body=cat(ifa(fam), attr(IFA['TARGET_NETNSID'], 5)), label='family %d TARGET_NETNSID' % fam),
         addr_dump(fam, body=cat(ifa(fam, 'd1'), attr(200, 5)), label='family %d index d1 + attr 200' % fam),
         addr_dump(fam, body=cat(ifa(fam), b'\1\2\3'), label='family %d trailing bytes' % fam),
         addr_dump(fam, body=bytes([fam]), label='family %d 1-byte rtgenmsg' % fam))],
     get6('strict get with prefixlen', 'd0', '2001:db8::1', plen=64),
     get6('strict get with LABEL', 'd0', '2001:db8::1', extra=attr(IFA['LABEL'], 'x')),
     get6('strict get + trailing bytes', 'd0', '2001:db8::1', extra=b'\1\2\3'),
     get6('strict get ok', 'd0', '2001:db8::1'),
     rq('strict get 4-byte header', RTM_GETADDR, F_REQUEST, b'\x0a\0\0\0'))

case('addr_dump_nonstrict',
     'Non-strict address dumps ignore the header (index, prefixlen) and attributes; 1-byte rtgenmsg; other '
     'families fall back to rtnl_dump_all; NLM_F_ACK gives no ACK; GETADDR doit AF_INET is EOPNOTSUPP.',
     EXT,
     veth('n0', 'n1'),
     addr4('add 10.0.0.1/24 n0', 'n0', 24, local='10.0.0.1'),
     addr4('add 10.1.0.1/24 n1', 'n1', 24, local='10.1.0.1'),
     nodad6('add 2001:db8::1 n0', 'n0', '2001:db8::1'),
     Settle(),
     addr_dump(AF_INET, body=ifaddrmsg(AF_INET, 9, 0, 0, 424242), label='AF_INET prefixlen 9 index 424242'),
     addr_dump(AF_INET6, body=cat(ifa(AF_INET6, 'n1'), attr(200, 1), b'\1\2\3'), label='AF_INET6 index n1 + junk'),
     addr_dump(body=b'\0', label='1-byte rtgenmsg family 0'),
     addr_dump(body=b'\x02', label='1-byte rtgenmsg AF_INET'),
     addr_dump(body=b'\x0a', label='1-byte rtgenmsg AF_INET6'),
     addr_dump(AF_PACKET, label='AF_PACKET'),
     addr_dump(AF_BRIDGE, label='AF_BRIDGE'),
     addr_dump(AF_INET, flags=F_REQUEST | F_DUMP | F_ACK, label='AF_INET with ACK flag'),
     rq('getaddr doit AF_INET', RTM_GETADDR, F_REQUEST, ifa(AF_INET, 'n0', 24), attr(IFA['LOCAL'], in4('10.0.0.1'))),
     get6('get 2001:db8::1 + trailing bytes, ACK', 'n0', '2001:db8::1', extra=b'\1\2\3', flags=C))

case('addr_link_events',
     'Addresses follow the link: fe80::/64 EUI-64 (PROTO 3) once a veth pair runs and DAD is over; DAD of a '
     'pending address; MTU < 1280 drops IPv6 and brings it back; IPv4 survives down; IPv6 does not.',
     EXT,
     veth('l0', 'l1', extra=attr(IFLA['ADDRESS'], mac(0x10)), peer_extra=attr(IFLA['ADDRESS'], mac(0x11))),
     addr4('add 10.0.0.1/24 l0', 'l0', 24, local='10.0.0.1'),
     addr6('add 2001:db8::1/64 l0 (DAD pending while down)', 'l0', 64, '2001:db8::1'),
     up('l0'),
     up('l1'),
     Settle(seconds=4.0),
     addr_dump(AF_INET6, label='after DAD'),
     setlink('l0 mtu 1000', 'l0', mtu(1000)),
     addr_dump(0, label='mtu 1000'),
     setlink('l0 mtu 1500', 'l0', mtu(1500)),
     Settle(seconds=4.0),
     addr_dump(0, label='mtu 1500 again'),
     down('l0'),
     Settle(),
     addr_dump(0, label='l0 down'))

case('addr_lifetimes',
     'Finite lifetimes run out: deprecated when the preferred one ends, deleted (IPv4 with its secondaries) '
     'when the valid one ends; remaining seconds in IFA_CACHEINFO.',
     EXT,
     veth('t0', 't1'),
     addr4('add 10.1.0.1/24 valid 3 preferred 1', 't0', 24, local='10.1.0.1', extra=cacheinfo(1, 3)),
     addr4('add 10.1.0.2/24 secondary, permanent', 't0', 24, local='10.1.0.2'),
     addr4('add 10.2.0.1/24 valid 100 preferred 1', 't0', 24, local='10.2.0.1', extra=cacheinfo(1, 100)),
     nodad6('add 2001:db8::1 valid 3 preferred 1', 't0', '2001:db8::1', extra=cacheinfo(1, 3)),
     nodad6('add 2001:db8::2 valid forever preferred 1', 't0', '2001:db8::2', extra=cacheinfo(1, INFINITY)),
     nodad6('add 2001:db8::3 valid 100 preferred 0', 't0', '2001:db8::3', extra=cacheinfo(0, 100)),
     addr_dump(0, label='at once'),
     Settle(seconds=4.5),
     addr_dump(0, label='after 4.5 s'))


# --------------------------------------------------------------------------
# altnames (RTM_NEWLINKPROP / RTM_DELLINKPROP)

RTM_NEWLINKPROP, RTM_DELLINKPROP = 108, 109


def altname(label, type_, link, *names):
    props = attr(IFLA['PROP_LIST'] | 0x8000, b''.join(attr(IFLA['ALT_IFNAME'], n) for n in names))
    return rq(label, type_, C, ifi(link), props)


case('altnames',
     'Altnames: add, look up by IFLA_ALT_IFNAME and IFLA_IFNAME, clash with names, remove.',
     EXT,
     veth('an0', 'an1'),
     altname('add altname', RTM_NEWLINKPROP, 'an0', 'an0-long-alternative-name'),
     rq('getlink by ALT_IFNAME', RTM_GETLINK, F_REQUEST, ifinfomsg(), attr(IFLA['ALT_IFNAME'], 'an0-long-alternative-name')),
     rq('getlink by IFNAME = altname', RTM_GETLINK, F_REQUEST, ifinfomsg(), ifname('an0-long-altern')),
     altname('add a second one', RTM_NEWLINKPROP, 'an0', 'an0b'),
     getlink('an0b'),
     altname('add an existing name', RTM_NEWLINKPROP, 'an0', 'an1'),
     veth('an0b', 'an2', label='create with a name that is an altname'),
     altname('delete one', RTM_DELLINKPROP, 'an0', 'an0b'),
     altname('delete it again', RTM_DELLINKPROP, 'an0', 'an0b'),
     altname('delete the primary name', RTM_DELLINKPROP, 'an0', 'an0'),
     dump_links())


case('nested_attribute_walks',
     'Nested attributes walk as nla_for_each_nested (nla_ok): a nested attribute longer than its nest ends the walk; '
     'IFLA_AF_SPEC families are looked up and validated one by one; AF_INET is parsed with inet_af_policy.',
     EXT,
     veth('nw0', 'nw1'),
     setlink('AF_SPEC: family 99 claiming more than the nest (not walked)', 'nw0',
             attr(IFLA['AF_SPEC'], attr_raw(99, b'', nla_len=12))),
     setlink('AF_SPEC: AF_INET with a bad conf id before family 99', 'nw0',
             attr(IFLA['AF_SPEC'], attr(AF_INET, attr(IFLA_INET_CONF, attr(0, 1))) + attr(99))),
     setlink('AF_INET: IFLA_INET_CONF of 2 bytes (inet_af_policy NLA_NESTED)', 'nw0',
             attr(IFLA['AF_SPEC'], attr(AF_INET, attr(IFLA_INET_CONF, b'\1\0')))),
     setlink('AF_INET: 2 trailing bytes (warning)', 'nw0', attr(IFLA['AF_SPEC'], attr(AF_INET, b'\1\0'))),
     rq('altname claiming more than PROP_LIST (not walked)', RTM_NEWLINKPROP, C, ifi('nw0'),
        attr(IFLA['PROP_LIST'] | 0x8000, attr_raw(IFLA['ALT_IFNAME'], b'ab\0\0', nla_len=20))),
     getlink('nw0'))

# --------------------------------------------------------------------------
# event scripts: a subscribed listener sees what Linux multicasts, step by step

case('events_link',
     'RTNLGRP_LINK events for a veth pair brought up end by end, MTU, unchanged write, alias, down, rename, bridge, delete.',
     EXT,
     Bind(RTMGRP_LINK),
     Events(veth('ev0', 'ev1')),
     Events(up('ev0')),
     Events(up('ev1')),
     Events(setlink('ev0 mtu 1400', 'ev0', mtu(1400))),
     Events(setlink('ev0 mtu 1400 again (no change)', 'ev0', mtu(1400))),
     Events(setlink('ev0 alias', 'ev0', attr(IFLA['IFALIAS'], 'uplink'))),
     Events(down('ev1')),
     Events(setlink('ev0 rename to ev9', 'ev0', ifname('ev9'))),
     Events(bridge('evbr')),
     Events(dellink('ev9')),
     Events(dellink('evbr')))

case('events_addresses',
     'RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR events on a down veth: NODAD announced once (after the ACK on '
     'Linux), tentative at once, promotion, replace, rename relabelling, MTU below 1280, and the unregister cascade.',
     EXT,
     Bind(RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR),
     Events(veth('ea0', 'ea1')),
     Events(nodad6('add 2001:db8::1/64 nodad', 'ea0', '2001:db8::1')),
     Events(addr6('add 2001:db8::2/64 (tentative: the link is down)', 'ea0', 64, '2001:db8::2')),
     Events(addr6('replace 2001:db8::1 with lifetimes', 'ea0', 64, '2001:db8::1', flags=C | F_REPLACE,
                  ifa_flags=IFA_F_NODAD, extra=cacheinfo(100, 200))),
     Events(promote_secondaries('ea0', 1)),
     Events(addr4('add 10.0.0.1/24', 'ea0', 24, local='10.0.0.1')),
     Events(addr4('add 10.0.0.2/24', 'ea0', 24, local='10.0.0.2', extra=attr(IFA['LABEL'], 'ea0:two'))),
     Events(addr4('add 10.0.0.3/24', 'ea0', 24, local='10.0.0.3')),
     Events(del4('del 10.0.0.1 (promotes 10.0.0.2)', 'ea0', 24, local='10.0.0.1')),
     Events(setlink('rename ea0 -> ea9', 'ea0', ifname('ea9'))),
     Events(setlink('ea9 mtu 1000 (IPv6 goes)', 'ea9', mtu(1000))),
     Events(setlink('ea9 mtu 1500', 'ea9', mtu(1500))),
     Events(nodad6('add 2001:db8::3/64 nodad on ea1', 'ea1', '2001:db8::3')),
     Events(dellink('ea9')))

case('events_bridge_port',
     'RTNLGRP_LINK events as a bridge port comes up and goes down under an up bridge.',
     EXT,
     veth('bp0', 'bp1'),
     bridge('bpbr'),
     up('bpbr'),
     up('bp1'),
     Settle(),
     Bind(RTMGRP_LINK),
     Events(enslave('bp0', 'bpbr')),
     Events(up('bp0')),
     Events(down('bp0')),
     Events(setlink('bp0 nomaster', 'bp0', attr(IFLA['MASTER'], 0))))


case('events_bridge_up_down',
     'A bridge with two up+running ports and a down port goes up, down and up again: br_stp_enable_bridge / '
     'br_stp_disable_bridge (STP off) set the ports forwarding / disabled, with their notifications.',
     EXT,
     veth('bu0', 'bu1'),
     veth('bu2', 'bu3'),
     veth('bu4', 'bu5'),
     bridge('bubr'),
     enslave('bu0', 'bubr'),
     enslave('bu2', 'bubr'),
     enslave('bu4', 'bubr'),
     up('bu1'),
     up('bu0'),
     up('bu5'),
     up('bu4'),
     Settle(),
     Bind(RTMGRP_LINK),
     Events(up('bubr')),
     rq('dump family AF_BRIDGE (bubr up)', RTM_GETLINK, F_REQUEST | F_DUMP, ifinfomsg(family=AF_BRIDGE)),
     getlink('bu0'),
     Events(down('bubr')),
     rq('dump family AF_BRIDGE (bubr down)', RTM_GETLINK, F_REQUEST | F_DUMP, ifinfomsg(family=AF_BRIDGE)),
     getlink('bu0'),
     Events(up('bubr')),
     getlink('bu0'))

# AF_BRIDGE dumps for every RTEXT_FILTER_* bit (uapi rtnetlink.h): VF 1, BRVLAN 2, BRVLAN_COMPRESSED 4,
# SKIP_STATS 8, MRP 16, CFM_CONFIG 32, CFM_STATUS 64, MST 128, and combinations.
EXT_MASKS = [0, 1, 2, 3, 4, 6, 8, 16, 32, 64, 128, 130, 255]

case('bridge_dump_ext_mask',
     'AF_BRIDGE link dumps with every IFLA_EXT_MASK bit: VLAN, MRP and CFM filters also list the bridge itself.',
     EXT,
     veth('bm0', 'bm1'),
     bridge('bmbr'),
     bridge('bmbr2'),
     enslave('bm0', 'bmbr'),
     *[rq('dump family AF_BRIDGE EXT_MASK %d' % m, RTM_GETLINK, F_REQUEST | F_DUMP,
          ifinfomsg(family=AF_BRIDGE), attr(IFLA['EXT_MASK'], m)) for m in EXT_MASKS],
     *[rq('getlink AF_BRIDGE bmbr EXT_MASK %d' % m, RTM_GETLINK, F_REQUEST,
          ifi('bmbr', family=AF_BRIDGE), attr(IFLA['EXT_MASK'], m)) for m in (0, 2, 4)])

# --------------------------------------------------------------------------
# macvlan (this kernel has it; vlan and dummy are tested against the spec in test/rtnl)

def macvlan(name, parent, mode=None, label=None, extra=b''):
    data = attr(1, mode) if mode is not None else None  # IFLA_MACVLAN_MODE
    return rq(label or 'create macvlan %s on %s' % (name, parent), RTM_NEWLINK, NEW, ifinfomsg(),
              ifname(name), (a_idx('LINK', parent) if parent else b''), extra, linkinfo('macvlan', data))


case('macvlan',
     'macvlan on a veth: modes, MTU bounds, carrier following the parent, errors, delete with the parent.',
     EXT,
     veth('mp0', 'mp1'),
     macvlan('mv0', 'mp0', mode=4),
     macvlan('mv1', 'mp0'),
     getlink('mv0'),
     getlink('mv1'),
     macvlan('mv2', 'mp0', mode=3, label='create with an invalid mode'),
     macvlan('mv3', None, label='create without IFLA_LINK'),
     rq('create on a missing parent', RTM_NEWLINK, NEW, ifinfomsg(), ifname('mv4'), attr(IFLA['LINK'], 4999), linkinfo('macvlan')),
     setlink('mv0 mtu 1400', 'mv0', mtu(1400)),
     setlink('mv0 mtu 9000 (above the parent)', 'mv0', mtu(9000)),
     up('mp0'),
     up('mp1'),
     up('mv0'),
     Settle(),
     getlink('mv0'),
     down('mp1'),
     Settle(),
     getlink('mv0'),
     dellink('mp0'),
     dump_links())


import route_cases  # noqa: E402,F401  (registers the route cases: linux-routes.md)
import rule_cases  # noqa: E402,F401  (registers the FIB rule cases: linux-routes.md §8)
import fdb_cases  # noqa: E402,F401  (registers the bridge FDB cases: linux-netns-neigh.md §4.11)
import neigh_cases  # noqa: E402,F401  (registers the neighbour cases: linux-netns-neigh.md §4)
