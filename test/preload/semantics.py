"""Socket semantics of the LD_PRELOAD adaptor, seen from an unmodified Python program.

Run under LD_PRELOAD with RTNL_SOCKET set; prints one JSON object of observations, which
test/preload/preload.test.ts checks. Uses only the standard library and raw netlink.
"""
import errno
import json
import os
import select
import socket
import struct
import sys

SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_LIST_MEMBERSHIPS = 9
RTMGRP_LINK = 1
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK = 16, 17, 18
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE, NLM_F_DUMP = 1, 4, 0x200, 0x400, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
IFLA_IFNAME, IFLA_LINKINFO, IFLA_INFO_KIND = 3, 18, 1
IFF_UP = 1

out = {}


def attr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * ((4 - len(a) % 4) % 4)


def msg(t, flags, seq, body):
    return struct.pack("=IHHII", 16 + len(body), t, flags, seq, 0) + body


def ifinfo(index=0, flags=0, change=0):
    return struct.pack("=BBHiII", 0, 0, 0, index, flags, change)


def messages(data):
    off = 0
    while off + 16 <= len(data):
        l, t, f, seq, pid = struct.unpack_from("=IHHII", data, off)
        yield t, f, seq, pid, data[off:off + l]
        off += (l + 3) & ~3


def talk(s, m):
    """Sends a request with NLM_F_ACK and returns its errno (0 on success)."""
    seq = struct.unpack_from("=I", m, 8)[0]
    s.send(m)
    while True:
        for t, f, sq, pid, raw in messages(s.recv(65536)):
            if sq == seq and t == NLMSG_ERROR:
                return -struct.unpack_from("=i", raw, 16)[0]


def dump_links(s, seq):
    s.send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq, ifinfo()))
    n = 0
    while True:
        data = s.recv(65536)
        for t, f, sq, pid, raw in messages(data):
            if sq != seq:
                continue
            if t == NLMSG_DONE:
                return n
            if t == RTM_NEWLINK:
                n += 1


ctl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC, socket.NETLINK_ROUTE)
out["so_type_dgram"] = s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_DGRAM
out["so_type_raw"] = ctl.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_RAW
out["so_rcvbuf_set"] = s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20) is None
pid1, _ = s.getsockname()
pid2, _ = ctl.getsockname()
out["portids_distinct_nonzero"] = pid1 != 0 and pid2 != 0 and pid1 != pid2
s.bind((0, RTMGRP_LINK))
out["bound_groups"] = s.getsockname()[1]
out["bound_pid_kept"] = s.getsockname()[0] == pid1
out["memberships"] = list(struct.unpack("=II", s.getsockopt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, 8)))
try:
    s.setsockopt(SOL_NETLINK, 1, 1000)  # NETLINK_ADD_MEMBERSHIP, bad group
    out["bad_group"] = "ok"
except OSError as e:
    out["bad_group"] = errno.errorcode[e.errno]

# Make notifications arrive, then an in-band call whose answer comes after them: the adaptor
# must hold them back and still report the socket readable.
create = msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 1,
             ifinfo() + attr(IFLA_IFNAME, b"sem0\0") + attr(IFLA_LINKINFO, attr(IFLA_INFO_KIND, b"dummy")))
out["create"] = talk(ctl, create)
index = socket.if_nametoindex("sem0")
out["up"] = talk(ctl, msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 2, ifinfo(index, IFF_UP, IFF_UP)))
s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
out["ext_ack"] = s.getsockopt(SOL_NETLINK, NETLINK_EXT_ACK)
out["select_held"] = bool(select.select([s], [], [], 0)[0])
p = select.poll()
p.register(s, select.POLLIN)
out["poll_held"] = bool(p.poll(0))
ep = select.epoll()
ep.register(s.fileno(), select.EPOLLIN)
out["epoll_held"] = bool(ep.poll(0))

# iproute2's sizing idiom: MSG_PEEK|MSG_TRUNC with an empty buffer returns the full length.
peeked = s.recv_into(bytearray(4), 4, socket.MSG_PEEK | socket.MSG_TRUNC)
data, addr = s.recvfrom(65536)
out["peek_trunc_is_full_length"] = peeked == len(data)
out["from_kernel"] = list(addr)
out["first_notification"] = [t for t, *_ in messages(data)][0]
s.setblocking(False)
count = 1
while True:
    try:
        s.recv(65536)
        count += 1
    except BlockingIOError:
        break
out["notifications"] = count
out["select_after_drain"] = bool(select.select([s], [], [], 0)[0])
s.setblocking(True)

# A buffer smaller than the message: truncated, MSG_TRUNC, the rest discarded (datagram semantics).
s.send(msg(RTM_GETLINK, NLM_F_REQUEST, 3, ifinfo(1)))
d, _, flags, _ = s.recvmsg(20)
out["truncated_len"] = len(d)
out["truncated_flag"] = bool(flags & socket.MSG_TRUNC)
s.send(msg(RTM_GETLINK, NLM_F_REQUEST, 4, ifinfo(1)))
out["next_after_truncation_seq"] = struct.unpack_from("=I", s.recv(65536), 8)[0]

# One send is one datagram, handled as netlink_rcv_skb does: a zeroed tail (iproute2 sends its
# dump requests so) is ignored, a last message may lack its padding, and a program's own type 15
# is a control message, not an in-band call.
s.send(msg(RTM_GETLINK, NLM_F_REQUEST, 9, ifinfo(1)) + bytes(128))
out["zero_tail_ignored"] = struct.unpack_from("=I", s.recv(65536), 8)[0]
name_attr = struct.pack("=HH", 7, IFLA_IFNAME) + b"lo\0"
s.send(struct.pack("=IHHII", 16 + 16 + 7, RTM_GETLINK, NLM_F_REQUEST, 10, 0) + ifinfo() + name_attr)
s.send(msg(RTM_GETLINK, NLM_F_REQUEST, 11, ifinfo(1)))
out["unpadded_then_next"] = [struct.unpack_from("=I", s.recv(65536), 8)[0] for _ in range(2)]
s.send(msg(15, NLM_F_REQUEST | NLM_F_ACK, 12, struct.pack("=III", 1, NETLINK_EXT_ACK, 0)))
ack = s.recv(65536)
out["own_type15"] = [struct.unpack_from("=H", ack, 4)[0], struct.unpack_from("=I", ack, 8)[0], struct.unpack_from("=i", ack, 16)[0]]
out["ext_ack_unchanged"] = s.getsockopt(SOL_NETLINK, NETLINK_EXT_ACK)

# A dump over a dup'd descriptor, and from a forked child.
total = dump_links(s, 5)
out["dump_links"] = total
dup = socket.socket(fileno=os.dup(s.fileno()))
out["dump_via_dup"] = dump_links(dup, 6)
child = os.fork()
if child == 0:
    os._exit(0 if dump_links(s, 7) == total else 1)
out["dump_in_child"] = os.waitpid(child, 0)[1] == 0

try:
    s.bind((12345, 0))
    out["rebind"] = "ok"
except OSError as e:
    out["rebind"] = errno.errorcode[e.errno]
out["delete"] = talk(ctl, msg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 8, ifinfo(index)))
dup.close()
s.close()
ctl.close()

# Other sockets are not intercepted.
u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
out["unix_socket_untouched"] = u.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN) == socket.AF_UNIX
u.close()

# No daemon: a clear error and ECONNREFUSED.
os.environ["RTNL_SOCKET"] = "/nonexistent/rtnl.sock"
try:
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    out["absent"] = "ok"
except OSError as e:
    out["absent"] = errno.errorcode[e.errno]

print(json.dumps(out))
