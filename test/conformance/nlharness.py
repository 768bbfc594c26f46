"""rtnld conformance harness: netlink message builders/decoders, the two
drivers (real kernel, rtnld daemon) and the reply normaliser.

python3 standard library only.  Nothing here is imported from outside the
project; the constants follow include/uapi/linux/{netlink,rtnetlink,if_link}.h
as summarised in the project's behaviour spec.

Drivers
-------
KernelDriver()       AF_NETLINK/NETLINK_ROUTE socket in the *current* netns.
DaemonDriver(path)   AF_UNIX stream connection to rtnld.  Socket options
                     travel in-band as type-15 messages (see _call()).

Both expose: portid, send(), recv(), setsockopt(), getsockopt(), bind(),
getsockname(), transact(), close(), settle_time.

transact() sends the request bytes, then a fence (NLMSG_NOOP with
REQUEST|ACK and its own seq) and reads until the fence's ACK has been seen
and every dump in the request has produced its NLMSG_DONE (or an
NLMSG_ERROR for its seq).  The fence ACK is dropped from the result.  The
kernel may deliver the fence ACK in the middle of a dump; only the relative
order of the other messages is kept, so the comparison does not depend on it.
"""

import errno
import json
import select
import socket
import struct
import time

# --------------------------------------------------------------------------
# constants

SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_DROP_MEMBERSHIP = 2
NETLINK_PKTINFO = 3
NETLINK_BROADCAST_ERROR = 4
NETLINK_NO_ENOBUFS = 5
NETLINK_LIST_MEMBERSHIPS = 9
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NETLINK_GET_STRICT_CHK = 12
SOCKOPT_NAMES = {1: 'ADD_MEMBERSHIP', 2: 'DROP_MEMBERSHIP', 3: 'PKTINFO', 4: 'BROADCAST_ERROR',
                 5: 'NO_ENOBUFS', 8: 'LISTEN_ALL_NSID', 9: 'LIST_MEMBERSHIPS', 10: 'CAP_ACK',
                 11: 'EXT_ACK', 12: 'GET_STRICT_CHK'}

NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN = 1, 2, 3, 4
NLMSG_INBAND = 15          # rtnld in-band socket call (daemon side only)
NLMSG_MIN_TYPE = 0x10

F_REQUEST, F_MULTI, F_ACK, F_ECHO, F_DUMP_INTR, F_DUMP_FILTERED = 0x1, 0x2, 0x4, 0x8, 0x10, 0x20
F_ROOT, F_MATCH, F_ATOMIC, F_DUMP = 0x100, 0x200, 0x400, 0x300
F_REPLACE, F_EXCL, F_CREATE, F_APPEND = 0x100, 0x200, 0x400, 0x800
F_CAPPED, F_ACK_TLVS = 0x100, 0x200

RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK = 16, 17, 18, 19
RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR = 20, 21, 22
RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE = 24, 25, 26
RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH = 28, 29, 30
RTM_NEWNEIGHTBL, RTM_GETNEIGHTBL = 64, 66
MSG_NAMES = {28: 'NEWNEIGH', 29: 'DELNEIGH', 30: 'GETNEIGH', 64: 'NEWNEIGHTBL', 66: 'GETNEIGHTBL',
             1: 'NOOP', 2: 'ERROR', 3: 'DONE', 4: 'OVERRUN', 15: 'INBAND',
             16: 'NEWLINK', 17: 'DELLINK', 18: 'GETLINK', 19: 'SETLINK',
             20: 'NEWADDR', 21: 'DELADDR', 22: 'GETADDR',
             24: 'NEWROUTE', 25: 'DELROUTE', 26: 'GETROUTE', 88: 'NEWNSID', 89: 'DELNSID', 90: 'GETNSID'}

AF_UNSPEC, AF_INET, AF_BRIDGE, AF_INET6, AF_PACKET = 0, 2, 7, 10, 17

IFF_UP, IFF_BROADCAST, IFF_DEBUG, IFF_LOOPBACK = 0x1, 0x2, 0x4, 0x8
IFF_RUNNING, IFF_NOARP, IFF_PROMISC, IFF_ALLMULTI = 0x40, 0x80, 0x100, 0x200
IFF_MASTER, IFF_SLAVE, IFF_MULTICAST, IFF_LOWER_UP = 0x400, 0x800, 0x1000, 0x10000

RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR = 1, 5, 9
RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR = 0x1, 0x10, 0x100

IFLA_NAMES = (
    'UNSPEC ADDRESS BROADCAST IFNAME MTU LINK QDISC STATS COST PRIORITY MASTER WIRELESS PROTINFO '
    'TXQLEN MAP WEIGHT OPERSTATE LINKMODE LINKINFO NET_NS_PID IFALIAS NUM_VF VFINFO_LIST STATS64 '
    'VF_PORTS PORT_SELF AF_SPEC GROUP NET_NS_FD EXT_MASK PROMISCUITY NUM_TX_QUEUES NUM_RX_QUEUES '
    'CARRIER PHYS_PORT_ID CARRIER_CHANGES PHYS_SWITCH_ID LINK_NETNSID PHYS_PORT_NAME PROTO_DOWN '
    'GSO_MAX_SEGS GSO_MAX_SIZE PAD XDP EVENT NEW_NETNSID TARGET_NETNSID CARRIER_UP_COUNT '
    'CARRIER_DOWN_COUNT NEW_IFINDEX MIN_MTU MAX_MTU PROP_LIST ALT_IFNAME PERM_ADDRESS '
    'PROTO_DOWN_REASON PARENT_DEV_NAME PARENT_DEV_BUS_NAME GRO_MAX_SIZE TSO_MAX_SIZE TSO_MAX_SEGS '
    'ALLMULTI DEVLINK_PORT GSO_IPV4_MAX_SIZE GRO_IPV4_MAX_SIZE DPLL_PIN MAX_PACING_OFFLOAD_HORIZON '
    'NETNS_IMMUTABLE HEADROOM TAILROOM').split()
IFLA = {n: i for i, n in enumerate(IFLA_NAMES)}
RTA_NAMES = {1: 'DST', 2: 'SRC', 3: 'IIF', 4: 'OIF', 5: 'GATEWAY', 6: 'PRIORITY', 7: 'PREFSRC', 8: 'METRICS',
             9: 'MULTIPATH', 11: 'FLOW', 12: 'CACHEINFO', 15: 'TABLE', 16: 'MARK', 18: 'VIA', 20: 'PREF',
             21: 'ENCAP_TYPE', 22: 'ENCAP', 23: 'EXPIRES', 25: 'UID', 27: 'IP_PROTO', 28: 'SPORT', 29: 'DPORT',
             30: 'NH_ID', 31: 'FLOWLABEL'}
RTA = {n: i for i, n in RTA_NAMES.items()}
IFA_NAMES = 'UNSPEC ADDRESS LOCAL LABEL BROADCAST ANYCAST CACHEINFO MULTICAST FLAGS RT_PRIORITY TARGET_NETNSID PROTO'.split()
IFA = {n: i for i, n in enumerate(IFA_NAMES)}
INFO_NAMES = {1: 'KIND', 2: 'DATA', 3: 'XSTATS', 4: 'SLAVE_KIND', 5: 'SLAVE_DATA'}
IFLA_INFO_KIND, IFLA_INFO_DATA, IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA = 1, 2, 4, 5
VETH_INFO_PEER = 1
XDP_NAMES = {1: 'FD', 2: 'ATTACHED', 3: 'FLAGS', 4: 'PROG_ID'}
ERR_ATTR_NAMES = {1: 'MSG', 2: 'OFFS', 3: 'COOKIE', 4: 'POLICY', 5: 'MISS_TYPE', 6: 'MISS_NEST'}
POLICY_ATTR_NAMES = {1: 'TYPE', 2: 'MIN_VALUE_S', 3: 'MAX_VALUE_S', 4: 'MIN_VALUE_U', 5: 'MAX_VALUE_U',
                     6: 'MIN_LENGTH', 7: 'MAX_LENGTH', 8: 'POLICY_IDX', 9: 'POLICY_MAXTYPE',
                     10: 'BITFIELD32_MASK', 11: 'PAD', 12: 'MASK'}

# Test-chosen MAC addresses all start with this prefix; any other non-trivial
# MAC is treated as randomly generated and reduced to its length.
TEST_MAC_PREFIX = bytes.fromhex('02aabb')


def mac(suffix):
    """A deterministic test MAC 02:aa:bb:xx:yy:zz (suffix: int < 2**24)."""
    return TEST_MAC_PREFIX + suffix.to_bytes(3, 'big')


# --------------------------------------------------------------------------
# builders

def align(n):
    return (n + 3) & ~3


def attr(t, payload=b''):
    """One netlink attribute.  str -> NUL-terminated, int -> u32, bytes as is."""
    if isinstance(payload, str):
        payload = payload.encode() + b'\0'
    elif isinstance(payload, int):
        payload = struct.pack('=I', payload & 0xffffffff)
    return struct.pack('=HH', 4 + len(payload), t) + payload + b'\0' * (align(len(payload)) - len(payload))


def attr_u8(t, v):
    return attr(t, struct.pack('=B', v))


def attr_u16(t, v):
    return attr(t, struct.pack('=H', v))


def attr_u64(t, v):
    return attr(t, struct.pack('=Q', v))


def attr_raw(t, payload, nla_len=None):
    """Attribute with an explicit (possibly lying) nla_len; padded to 4."""
    n = 4 + len(payload) if nla_len is None else nla_len
    return struct.pack('=HH', n, t) + payload + b'\0' * (align(len(payload)) - len(payload))


def nest(t, *attrs):
    return attr(t, b''.join(attrs))


def ifinfomsg(family=0, type_=0, index=0, flags=0, change=0, pad=0):
    return struct.pack('=BBHiII', family, pad, type_, index, flags & 0xffffffff, change & 0xffffffff)


def ifaddrmsg(family=AF_INET, prefixlen=0, flags=0, scope=0, index=0):
    return struct.pack('=BBBBI', family, prefixlen, flags, scope, index)


def nlmsg(type_, flags, seq, body=b'', pid=0, length=None):
    """One netlink message.  length overrides nlmsg_len (not the bytes); no
    padding is added after the body."""
    n = 16 + len(body) if length is None else length
    return struct.pack('=IHHII', n, type_, flags, seq & 0xffffffff, pid) + body


def linkinfo(kind, data=None, slave_kind=None, slave_data=None):
    parts = [attr(IFLA_INFO_KIND, kind)] if kind is not None else []
    if data is not None:
        parts.append(attr(IFLA_INFO_DATA, data))
    if slave_kind is not None:
        parts.append(attr(IFLA_INFO_SLAVE_KIND, slave_kind))
    if slave_data is not None:
        parts.append(attr(IFLA_INFO_SLAVE_DATA, slave_data))
    return attr(IFLA['LINKINFO'], b''.join(parts))


def veth_linkinfo(peer=None):
    """IFLA_LINKINFO{KIND veth[, DATA{PEER{ifinfomsg + attrs}}]}.  peer: bytes
    (ifinfomsg + attributes) or None for no INFO_DATA at all."""
    if peer is None:
        return linkinfo('veth')
    return linkinfo('veth', data=attr(VETH_INFO_PEER, peer))


# --------------------------------------------------------------------------
# decoders

class Msg:
    __slots__ = ('raw', 'len', 'type', 'flags', 'seq', 'pid', 'body')

    def __init__(self, raw):
        self.raw = raw
        self.len, self.type, self.flags, self.seq, self.pid = struct.unpack_from('=IHHII', raw)
        self.body = raw[16:self.len]

    def __repr__(self):
        return 'Msg(type=%d flags=%#x seq=%d pid=%d len=%d)' % (self.type, self.flags, self.seq, self.pid, self.len)


def split_msgs(buf):
    """Split a buffer into Msg objects the way netlink_rcv_skb walks it.
    Returns (msgs, clean) where clean is False if a malformed header stopped
    the walk."""
    out, off = [], 0
    while len(buf) - off >= 16:
        ln = struct.unpack_from('=I', buf, off)[0]
        if ln < 16 or ln > len(buf) - off:
            return out, False
        out.append(Msg(bytes(buf[off:off + ln])))
        off += min(align(ln), len(buf) - off)
    return out, off == len(buf)


def parse_attrs(buf):
    """[(type_with_flags, payload, nla_len)] ; stops at a malformed attribute."""
    out, off = [], 0
    while off + 4 <= len(buf):
        ln, t = struct.unpack_from('=HH', buf, off)
        if ln < 4 or off + ln > len(buf):
            out.append((None, bytes(buf[off:]), len(buf) - off))
            break
        out.append((t, bytes(buf[off + 4:off + ln]), ln))
        off += align(ln)
    return out


def is_dump_request(m):
    if not (m.flags & F_REQUEST) or m.type < NLMSG_MIN_TYPE or m.len < 17:
        return False
    return (m.type - 16) & 3 == 2 and (m.flags & F_DUMP) != 0


def errname(e):
    if e == 0:
        return 'OK'
    if e == -errno.EOPNOTSUPP:
        return 'EOPNOTSUPP'     # Python's errorcode table says ENOTSUP
    return errno.errorcode.get(-e, str(e))


# --------------------------------------------------------------------------
# drivers

class DriverError(Exception):
    pass


class _Base:
    settle_time = 0.0
    portid = 0

    def __init__(self):
        self.pending = []

    # transport primitives supplied by subclasses: _send(data), _recv(timeout) -> [Msg]
    def send(self, data):
        self._send(data)

    def recv(self, timeout):
        """Messages available within timeout (possibly []). EOFError on close."""
        if self.pending:
            out, self.pending = self.pending, []
            return out
        return self._recv(timeout)

    def transact(self, data, fence_seq, timeout=5.0):
        """Send data + fence; return (messages, problems)."""
        if len(data) % 4:
            # A stream is framed at NLMSG_ALIGN(nlmsg_len): pad the last message
            # (the kernel ignores trailing bytes after the last message).
            data = data + b'\0' * (4 - len(data) % 4)
        sent, _clean = split_msgs(data)
        dumps = {m.seq for m in sent if is_dump_request(m)}
        self.send(data)
        self.send(nlmsg(NLMSG_NOOP, F_REQUEST | F_ACK, fence_seq))
        out, problems, fence_seen = [], [], False
        deadline = time.monotonic() + timeout
        while not fence_seen or dumps:
            rem = deadline - time.monotonic()
            if rem <= 0:
                problems.append('timeout waiting for %s' % ('fence ACK' if not fence_seen else
                                                            'NLMSG_DONE of seq %s' % sorted(dumps)))
                break
            try:
                msgs = self.recv(rem)
            except EOFError:
                problems.append('connection closed')
                break
            except OSError as e:
                problems.append('recv error %s' % errno.errorcode.get(e.errno, e.errno))
                continue
            for m in msgs:
                if (m.type == NLMSG_ERROR and m.seq == fence_seq and len(m.body) >= 20
                        and struct.unpack_from('=H', m.body, 8)[0] == NLMSG_NOOP):
                    fence_seen = True
                    continue
                if m.seq in dumps and m.type in (NLMSG_DONE, NLMSG_ERROR):
                    dumps.discard(m.seq)
                out.append(m)
        return out, problems

    def drain(self, timeout=0.0):
        out = []
        while True:
            try:
                msgs = self.recv(timeout)
            except EOFError:
                break
            if not msgs:
                break
            out.extend(msgs)
        return out


class KernelDriver(_Base):
    """NETLINK_ROUTE socket in the calling thread's network namespace."""
    settle_time = 1.3  # linkwatch batches carrier/operstate events up to 1 s apart

    def __init__(self, rcvbuf=1 << 20):
        super().__init__()
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        try:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        except OSError:
            pass
        self.s.bind((0, 0))
        self.portid = self.s.getsockname()[0]
        self.buf = bytearray(1 << 18)

    def _send(self, data):
        self.s.send(data)

    def _recv(self, timeout):
        r, _, _ = select.select([self.s], [], [], max(0.0, timeout))
        if not r:
            return []
        n = self.s.recv_into(self.buf, len(self.buf))
        msgs, _ = split_msgs(memoryview(self.buf)[:n])
        return msgs

    def setsockopt(self, name, value):
        try:
            self.s.setsockopt(SOL_NETLINK, name, value)
            return 0
        except OSError as e:
            return -e.errno

    def getsockopt(self, name):
        try:
            if name == NETLINK_LIST_MEMBERSHIPS:
                b = self.s.getsockopt(SOL_NETLINK, name, 64)
                return struct.unpack_from('=I', b + b'\0' * 4)[0]
            return self.s.getsockopt(SOL_NETLINK, name)
        except OSError as e:
            return -e.errno

    def bind(self, groups):
        try:
            self.s.bind((self.portid, groups))
            return 0
        except OSError as e:
            return -e.errno

    def getsockname(self):
        pid, groups = self.s.getsockname()
        return groups, pid

    def close(self):
        self.s.close()


class DaemonDriver(_Base):
    """Stream connection to rtnld.  Messages are framed by nlmsg_len (aligned
    to 4).  Socket calls are in-band: type 15, NLM_F_REQUEST, payload
    u32 call, name, value (1 setsockopt, 2 getsockopt, 3 bind, 4 getsockname)."""
    settle_time = 0.05
    CALL_SEQ_BASE = 0xC0000000

    def __init__(self, path, timeout=5.0):
        super().__init__()
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.rbuf = bytearray()
        self.timeout = timeout
        self.call_seq = self.CALL_SEQ_BASE
        self.closed = False
        _groups, self.portid = self.getsockname()

    def _send(self, data):
        try:
            self.s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            self.closed = True

    def _recv(self, timeout):
        msgs = self._take()
        if msgs:
            return msgs
        if self.closed:
            raise EOFError
        r, _, _ = select.select([self.s], [], [], max(0.0, timeout))
        if not r:
            return []
        try:
            d = self.s.recv(1 << 18)
        except ConnectionResetError:
            d = b''
        if not d:
            self.closed = True
            msgs = self._take()
            if msgs:
                return msgs
            raise EOFError
        self.rbuf += d
        return self._take()

    def _take(self):
        out = []
        while len(self.rbuf) >= 16:
            ln = struct.unpack_from('=I', self.rbuf, 0)[0]
            if ln < 16:
                raise DriverError('daemon sent nlmsg_len %d' % ln)
            if len(self.rbuf) < ln:
                break
            out.append(Msg(bytes(self.rbuf[:ln])))
            del self.rbuf[:min(align(ln), len(self.rbuf))]
        return out

    def _call(self, call, name, value):
        self.call_seq += 1
        seq = self.call_seq
        self._send(nlmsg(NLMSG_INBAND, F_REQUEST, seq, struct.pack('=III', call, name & 0xffffffff,
                                                                     value & 0xffffffff)))
        deadline = time.monotonic() + self.timeout
        held = []
        try:
            while True:
                rem = deadline - time.monotonic()
                if rem <= 0:
                    raise DriverError('no answer to in-band call %d' % call)
                for m in self._recv(rem):
                    if m.seq == seq and m.type in (NLMSG_ERROR, NLMSG_INBAND):
                        return m
                    held.append(m)
        finally:
            self.pending.extend(held)

    def setsockopt(self, name, value):
        m = self._call(1, name, value)
        return struct.unpack_from('=i', m.body)[0]

    def getsockopt(self, name):
        m = self._call(2, name, 0)
        if m.type == NLMSG_ERROR:
            return struct.unpack_from('=i', m.body)[0]
        return struct.unpack_from('=III', m.body)[2]

    def bind(self, groups):
        m = self._call(3, 0, groups)
        return struct.unpack_from('=i', m.body)[0]

    def getsockname(self):
        m = self._call(4, 0, 0)
        if m.type != NLMSG_INBAND:
            raise DriverError('getsockname answered with type %d' % m.type)
        _call, groups, portid = struct.unpack_from('=III', m.body)
        return groups, portid

    def close(self):
        self.s.close()


# --------------------------------------------------------------------------
# normaliser

def _hex(v):
    return '0x%x' % v


def _aname(names, t):
    """Attribute type name with |N (NLA_F_NESTED) and |B (NET_BYTEORDER)."""
    if t is None:
        return 'MALFORMED'
    base = t & 0x3fff
    if isinstance(names, dict):
        n = names.get(base, str(base))
    else:
        n = names[base] if base < len(names) else str(base)
    if t & 0x8000:
        n += '|N'
    if t & 0x4000:
        n += '|B'
    return n


def _u(v):
    """Little/host-endian unsigned int of 1, 2, 4 or 8 bytes; else hex."""
    if len(v) in (1, 2, 4, 8):
        return int.from_bytes(v, 'little')
    return 'bytes:' + v.hex()


def _str(v):
    return v.split(b'\0', 1)[0].decode('utf-8', 'replace') + ('' if b'\0' in v else '<noNUL>')


def _mac(v):
    if not v or v == b'\0' * len(v) or v == b'\xff' * len(v) or v.startswith(TEST_MAC_PREFIX):
        return ':'.join('%02x' % c for c in v)
    return 'random'


def _ip(v, family):
    try:
        if family == AF_INET and len(v) == 4:
            return socket.inet_ntop(socket.AF_INET, v)
        if family == AF_INET6 and len(v) == 16:
            if v[:2] == b'\xfe\x80':
                return 'fe80::(lladdr)'
            return socket.inet_ntop(socket.AF_INET6, v)
    except ValueError:
        pass
    return 'bytes:' + v.hex()


U_VALUE_ATTRS = {'MTU', 'MIN_MTU', 'MAX_MTU', 'TXQLEN', 'OPERSTATE', 'CARRIER', 'LINKMODE', 'GROUP',
                 'PROMISCUITY', 'ALLMULTI', 'NETNS_IMMUTABLE', 'PROTO_DOWN', 'HEADROOM', 'TAILROOM',
                 'CARRIER_CHANGES', 'CARRIER_UP_COUNT', 'CARRIER_DOWN_COUNT', 'GSO_MAX_SEGS',
                 'GSO_MAX_SIZE', 'GRO_MAX_SIZE', 'GSO_IPV4_MAX_SIZE', 'GRO_IPV4_MAX_SIZE',
                 'TSO_MAX_SIZE', 'TSO_MAX_SEGS', 'MAX_PACING_OFFLOAD_HORIZON', 'EVENT', 'EXT_MASK',
                 'NEW_IFINDEX', 'LINK_NETNSID', 'TARGET_NETNSID', 'NUM_TX_QUEUES', 'NUM_RX_QUEUES'}
STR_VALUE_ATTRS = {'IFNAME', 'IFALIAS', 'QDISC', 'ALT_IFNAME', 'PHYS_PORT_NAME', 'PARENT_DEV_NAME',
                   'PARENT_DEV_BUS_NAME'}
IDX_VALUE_ATTRS = {'MASTER', 'LINK'}
MAC_VALUE_ATTRS = {'ADDRESS', 'BROADCAST', 'PERM_ADDRESS'}
# MAP by value, PROTINFO as bridge data; everything else (STATS, STATS64, ...) -> length only


def fdb_timeless(m):
    """An AF_BRIDGE neighbour (bridge FDB entry) with NDA_CACHEINFO's used/updated ages (clock_t
    since the entry was used/updated: wall time, not comparable) zeroed."""
    b = bytearray(m.body)
    if m.type not in (28, 29) or len(b) < 12 or b[0] != 7:
        return m.body
    off = 12
    while off + 4 <= len(b):
        ln, t = struct.unpack_from('=HH', b, off)
        if ln < 4:
            break
        if t & 0x3fff == 3 and ln >= 20:
            for f in (off + 8, off + 12):
                b[f:f + 4] = bytes(4)
        off += (ln + 3) & ~3
    return bytes(b)


class Normaliser:
    """Turns Msg objects into JSON-able data.

    portid:   the requesting socket's port id (replaced by "PID")
    base:     seq base of the step (seqs in [base, base+1000) become relative)
    ifnames:  dict ifindex -> name (kept by the runner)
    sent:     dict seq -> Msg of the requests sent in this step
    """

    def __init__(self, portid, base, ifnames, sent, inet6_flags_mask=0x80000000):
        self.inet6_flags_mask = inet6_flags_mask
        self.portid = portid
        self.base = base
        self.ifnames = ifnames
        self.sent = sent

    def seq(self, s):
        if self.base <= s < self.base + 1000:
            return s - self.base
        return s

    def pid(self, p):
        return 'PID' if p == self.portid and p != 0 else p

    def ifname(self, idx):
        if idx == 0:
            return 0
        n = self.ifnames.get(idx)
        return n if n is not None else '?unknown'

    def header(self, m):
        return {'msg': MSG_NAMES.get(m.type, m.type), 'flags': _hex(m.flags),
                'seq': self.seq(m.seq), 'pid': self.pid(m.pid)}

    def msg(self, m):
        d = self.header(m)
        try:
            if m.type == NLMSG_ERROR:
                d.update(self.error(m))
            elif m.type == NLMSG_DONE:
                d.update(self.done(m))
            elif m.type in (RTM_NEWLINK, RTM_DELLINK):
                d.update(self.link(m))
            elif m.type in (RTM_NEWADDR, RTM_DELADDR):
                d.update(self.addr(m))
            elif m.type in (RTM_NEWROUTE, RTM_DELROUTE):
                d.update(self.route(m))
            elif m.type in (RTM_NEWNEIGH, RTM_DELNEIGH) and m.body[0] != AF_BRIDGE:
                d.update(self.neigh(m))
            elif m.type == RTM_NEWNEIGHTBL:
                d.update(self.neightbl(m))
            else:
                d['len'] = m.len
                d['body'] = fdb_timeless(m).hex()
        except (struct.error, IndexError, ValueError) as e:
            d['decode_error'] = str(e)
            d['len'] = m.len
            d['body'] = m.body.hex()
        return d

    # -- NLMSG_ERROR / NLMSG_DONE
    def error(self, m):
        b = m.body
        err = struct.unpack_from('=i', b)[0]
        d = {'error': err, 'errno': errname(err)}
        if len(b) < 20:
            d['short_body'] = b.hex()
            return d
        rlen, rtype, rflags, rseq, rpid = struct.unpack_from('=IHHII', b, 4)
        d['req'] = {'len': rlen, 'type': MSG_NAMES.get(rtype, rtype), 'flags': _hex(rflags),
                    'seq': self.seq(rseq), 'pid': self.pid(rpid)}
        if m.flags & F_ACK_TLVS:
            tlv_off = 20 if m.flags & F_CAPPED else 20 + align(rlen) - 16
        else:
            tlv_off = len(b)
        payload = b[20:tlv_off]
        if payload:
            req = self.sent.get(rseq)
            match = None
            if req is not None:
                rb = req.body
                match = payload[:len(rb)] == rb and payload[len(rb):] == b'\0' * (len(payload) - len(rb))
            d['payload'] = {'len': len(payload), 'matches_request': match}
        else:
            d['payload'] = None
        if m.flags & F_ACK_TLVS or tlv_off < len(b):
            d['tlvs'] = self.tlvs(b[tlv_off:])
        return d

    def done(self, m):
        b = m.body
        if len(b) < 4:
            return {'error': None, 'short_body': b.hex()}
        err = struct.unpack_from('=i', b)[0]
        d = {'error': err, 'errno': errname(err)}
        if len(b) > 4:
            d['tlvs'] = self.tlvs(b[4:])
        return d

    def tlvs(self, buf):
        out = []
        for t, v, ln in parse_attrs(buf):
            n = _aname(ERR_ATTR_NAMES, t)
            base = n.split('|')[0]
            if base == 'MSG':
                val = _str(v)
            elif base in ('OFFS', 'MISS_TYPE', 'MISS_NEST'):
                val = _u(v)
            elif base == 'POLICY':
                val = [[_aname(POLICY_ATTR_NAMES, pt), ln2, _u(pv)] for pt, pv, ln2 in parse_attrs(v)]
            else:
                val = v.hex()
            out.append([n, ln, val])
        return out

    # -- links
    def link(self, m):
        b = m.body
        fam, pad, typ, idx, flags, change = struct.unpack_from('=BBHiII', b)
        attrs = parse_attrs(b[16:])
        own = None
        for t, v, ln in attrs:
            if t is not None and t & 0x3fff == IFLA['IFNAME']:
                own = _str(v)
        ifi = {'family': fam, 'pad': pad, 'type': typ,
               'index': own if own is not None else self.ifname(idx),
               'flags': _hex(flags), 'change': _hex(change)}
        return {'ifi': ifi, 'attrs': [self.link_attr(t, v, ln) for t, v, ln in attrs]}

    def link_attr(self, t, v, ln):
        n = _aname(IFLA_NAMES, t)
        base = n.split('|')[0]
        if base in U_VALUE_ATTRS:
            return [n, ln, _u(v)]
        if base in STR_VALUE_ATTRS:
            return [n, ln, _str(v)]
        if base in IDX_VALUE_ATTRS:
            return [n, ln, self.ifname(_u(v)) if len(v) == 4 else _u(v)]
        if base in MAC_VALUE_ATTRS:
            return [n, ln, _mac(v)]
        if base == 'LINKINFO':
            sub = []
            kinds = {}
            for st, sv, sl in parse_attrs(v):
                sn = _aname(INFO_NAMES, st)
                sbase = sn.split('|')[0]
                if sbase in ('KIND', 'SLAVE_KIND'):
                    sub.append([sn, sl, _str(sv)])
                    kinds[sbase] = _str(sv)
                elif sbase in ('DATA', 'SLAVE_DATA') and kinds.get(sbase.replace('DATA', 'KIND')) == 'bridge':
                    sub.append([sn, sl, self.bridge_data(sbase, sv)])
                elif sbase == 'DATA':
                    # Other kinds' data (macvlan) holds no timers or MACs: compared by value.
                    sub.append([sn, sl, [[tt, tl, bytes(tv).hex()] for tt, tv, tl in parse_attrs(sv)]])
                else:
                    sub.append([sn, sl])
            return [n, ln, sub]
        if base == 'XDP':
            return [n, ln, [[_aname(XDP_NAMES, st), sl, _u(sv)] for st, sv, sl in parse_attrs(v)]]
        if base == 'AF_SPEC':
            return [n, ln, [[_aname({}, st), sl, [self.af_spec_attr(st, tt, tv, tl) for tt, tv, tl in parse_attrs(sv)]]
                            for st, sv, sl in parse_attrs(v)]]
        if base == 'MAP':
            return [n, ln, bytes(v).hex()]
        if base == 'PROTINFO' and t & 0x8000:
            return [n, ln, self.bridge_data('SLAVE_DATA', v)]
        if base == 'PROP_LIST':
            return [n, ln, [[_aname(IFLA_NAMES, st), sl, _str(sv)] for st, sv, sl in parse_attrs(v)]]
        return [n, ln]

    # Bridge and bridge-port data (LINKINFO, and a port's AF_BRIDGE PROTINFO): the bridge ids
    # (IFLA_BR_ROOT_ID/BRIDGE_ID, IFLA_BRPORT_ROOT_ID/BRIDGE_ID) by priority and MAC (zero, or
    # random like other MACs); the rest by type and length (STP timers run, and port states move
    # with them inside an event window).
    BRIDGE_ID_TYPES = {'DATA': (10, 11), 'SLAVE_DATA': (13, 14)}
    IFLA_BRPORT_STATE = 1

    def bridge_data(self, which, v):
        out = []
        for t, tv, tl in parse_attrs(v):
            if t in self.BRIDGE_ID_TYPES[which] and len(tv) == 8:
                out.append([t, tl, '%02x%02x.%s' % (tv[0], tv[1], _mac(tv[2:8]))])
            elif which == 'SLAVE_DATA' and t == self.IFLA_BRPORT_STATE:
                out.append([t, tl, _u(tv)])
            else:
                out.append([t, tl])
        return out

    # IFLA_AF_SPEC values compared: the IPv4 and IPv6 devconf arrays, the IPv6 token, address
    # generation mode and flags (cacheinfo and the statistics by type and length only: timestamps,
    # counters). Of the flags only IF_READY by default: the kernel sets IF_RS_SENT when DAD of the
    # link-local address ends, 1-2 s after the link became ready (a random delay), so only cases
    # that wait that out compare every bit (exact_inet6_flags).
    IFLA_INET_CONF = 1
    IFLA_INET6_FLAGS, IFLA_INET6_CONF, IFLA_INET6_TOKEN, IFLA_INET6_ADDR_GEN_MODE = 1, 2, 7, 8

    def af_spec_attr(self, family, t, v, ln):
        name = _aname({}, t)
        if family == AF_INET6 and t == self.IFLA_INET6_FLAGS and len(v) == 4:
            return [name, ln, _hex(_u(v) & self.inet6_flags_mask)]
        if family == AF_INET6 and t == self.IFLA_INET6_ADDR_GEN_MODE and len(v) == 1:
            return [name, ln, _u(v)]
        if (family == AF_INET and t == self.IFLA_INET_CONF) or \
                (family == AF_INET6 and t in (self.IFLA_INET6_CONF, self.IFLA_INET6_TOKEN)):
            return [name, ln, bytes(v).hex()]
        return [name, ln]

    # -- routes: addresses by value except EUI-64 link-local ones (random MACs), devices by name,
    # CACHEINFO by its expiry and error (the reference count and ages differ run to run).
    def route(self, m):
        b = m.body
        fam, dlen, slen, tos, table, proto, scope, typ, flags = struct.unpack_from('=BBBBBBBBI', b)
        return {'rtm': {'family': fam, 'dst_len': dlen, 'src_len': slen, 'tos': tos, 'table': table, 'protocol': proto,
                        'scope': scope, 'type': typ, 'flags': _hex(flags)},
                'attrs': [self.route_attr(t, v, ln, fam) for t, v, ln in parse_attrs(b[12:])]}

    def route_ip(self, v, fam):
        if fam == AF_INET6 and len(v) == 16 and v[:2] == b'\xfe\x80' and v[11:13] == b'\xff\xfe':
            return 'fe80::(eui64)'
        return _ip(v, fam) if not (fam == AF_INET6 and v[:2] == b'\xfe\x80' and len(v) == 16) else socket.inet_ntop(socket.AF_INET6, v)

    def route_attr(self, t, v, ln, fam):
        n = _aname(RTA_NAMES, t)
        base = n.split('|')[0]
        if base in ('DST', 'SRC', 'GATEWAY', 'PREFSRC'):
            return [n, ln, self.route_ip(v, fam)]
        if base in ('OIF', 'IIF') and len(v) == 4:
            return [n, ln, self.ifname(_u(v))]
        if base in ('TABLE', 'PRIORITY', 'PREF', 'UID', 'MARK', 'FLOW', 'NH_ID'):
            return [n, ln, _u(v)]
        if base == 'METRICS':
            return [n, ln, [[mt, ml, _str(mv) if mt == 16 else _u(mv)] for mt, mv, ml in parse_attrs(v)]]
        if base == 'MULTIPATH':
            hops, off = [], 0
            while off + 8 <= len(v):
                hlen, hflags, hhops, hidx = struct.unpack_from('=HBBi', v, off)
                if hlen < 8 or off + hlen > len(v):
                    break
                hops.append({'len': hlen, 'flags': _hex(hflags), 'hops': hhops, 'dev': self.ifname(hidx),
                             'attrs': [self.route_attr(ht, hv, hl, fam) for ht, hv, hl in parse_attrs(v[off + 8:off + hlen])]})
                off += align(hlen)
            return [n, ln, hops]
        if base == 'CACHEINFO' and len(v) == 32:
            _ref, _last, expires, error = struct.unpack_from('=IIiI', v)
            # rta_expires counts down on both sides: whether there is one, not its value.
            return [n, ln, {'expires': 'finite' if expires else 0, 'error': error}]
        if base == 'VIA':
            return [n, ln, v.hex()]
        return [n, ln]

    # -- addresses
    def addr(self, m):
        b = m.body
        fam, plen, flags, scope, idx = struct.unpack_from('=BBBBI', b)
        attrs = parse_attrs(b[8:])
        out = []
        for t, v, ln in attrs:
            n = _aname(IFA_NAMES, t)
            base = n.split('|')[0]
            if base in ('ADDRESS', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST'):
                out.append([n, ln, _ip(v, fam)])
            elif base == 'LABEL':
                out.append([n, ln, _str(v)])
            elif base == 'FLAGS':
                out.append([n, ln, _hex(_u(v)) if len(v) == 4 else _u(v)])
            elif base in ('PROTO', 'RT_PRIORITY', 'TARGET_NETNSID'):
                out.append([n, ln, _u(v)])
            elif base == 'CACHEINFO' and len(v) == 16:
                pref, valid, _c, _t = struct.unpack('=IIII', v)
                out.append([n, ln, {'prefered': pref if pref == 0xffffffff else 'finite',
                                    'valid': valid if valid == 0xffffffff else 'finite'}])
            else:
                out.append([n, ln])
        return {'ifa': {'family': fam, 'prefixlen': plen, 'flags': _hex(flags), 'scope': scope,
                        'index': self.ifname(idx)}, 'attrs': out}


# -- neighbours (linux-netns-neigh.md §4): devices by name, CACHEINFO by its reference count only
# (the ages are times), everything else by value.
NDA_NAMES = {1: 'DST', 2: 'LLADDR', 3: 'CACHEINFO', 4: 'PROBES', 12: 'PROTOCOL', 15: 'FLAGS_EXT'}


def _neigh(self, m):
    b = m.body
    fam, _p1, _p2, idx, state, flags, typ = struct.unpack_from('=BBHiHBB', b)
    out = []
    for t, v, ln in parse_attrs(b[12:]):
        n = _aname(NDA_NAMES, t)
        if n == 'DST':
            out.append([n, ln, _ip(v, fam)])
        elif n == 'LLADDR':
            out.append([n, ln, v.hex()])
        elif n == 'CACHEINFO' and len(v) == 16:
            out.append([n, ln, {'refcnt': struct.unpack_from('=I', v, 12)[0]}])
        elif n == 'PROBES' and state == 0x10 and _u(v) <= 1:
            # An entry set to PROBE gets its first probe from a timer armed for "now": whether it
            # has fired when the kernel fills this message (0 or 1) is a race between CPUs.
            out.append([n, ln, '0 or 1'])
        elif n in ('PROBES', 'PROTOCOL', 'FLAGS_EXT'):
            out.append([n, ln, _u(v)])
        else:
            out.append([n, ln])
    return {'ndm': {'family': fam, 'pads': _p1 | _p2, 'ifindex': self.ifname(idx), 'state': _hex(state), 'flags': _hex(flags),
                    'type': typ}, 'attrs': out}


Normaliser.neigh = _neigh


def sort_neigh_runs(out):
    """Neighbour tables are hash tables: dumps and flushes list entries in a per-namespace pseudo-random
    order, so consecutive neighbour messages are compared as a sorted run."""
    res, run = [], []
    for d in out:
        if d.get('msg') in ('NEWNEIGH', 'DELNEIGH') and 'ndm' in d:
            run.append(d)
            continue
        res.extend(sorted(run, key=lambda x: json.dumps(x, sort_keys=True)))
        run = []
        res.append(d)
    res.extend(sorted(run, key=lambda x: json.dumps(x, sort_keys=True)))
    return res


def _neightbl(self, m):
    """RTM_GETNEIGHTBL entries: attribute types and sizes, names and parameters by value; CONFIG and STATS only by
    size (the kernel's are global counters), REACHABLE_TIME (3) not at all (drawn at random) and REFCNT (2) not
    by value: entries hold references, and the kernel's tables are shared by every namespace of the host."""
    b = m.body
    out = []
    for t, v, ln in parse_attrs(b[4:]):
        if t == 1:
            out.append(['NAME', ln, _str(v)])
        elif t == 6:
            out.append(['PARMS', ln, [[pt, pl] if pt in (2, 3) else [pt, pl, self.ifname(_u(pv)) if pt == 1 else _u(pv)]
                                      for pt, pv, pl in parse_attrs(v)]])
        elif t in (5, 7):
            out.append([t, ln])
        else:
            out.append([t, ln, _u(v)])
    return {'ndtm': {'family': b[0], 'pads': b[1] | b[2] | b[3]}, 'attrs': out}


Normaliser.neightbl = _neightbl
