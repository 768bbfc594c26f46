"""Link dump rate seen by a raw client: the Linux kernel (AF_NETLINK, in the netns this runs in)
and rtnld-compatible Unix sockets (the daemon, the raw replay server), measured in turn, run
after run, with the same request and the same receive loop. Standard library only.

  python3 kdump.py --warmup N --runs N [--dumps-per-run N] [--addr] [--change-first] [--kernel] [--unix NAME=PATH ...]

--addr dumps addresses (RTM_GETADDR, every family) instead of links; --neigh neighbours (RTM_GETNEIGH, family 0).
--change-first changes lo's MTU (RTM_SETLINK, no ACK) before every dump, so no dump finds the
model as the previous one left it (nothing recorded or cached can serve it).

A run is --dumps-per-run dumps back to back (messages / total time).

Prints one JSON object: {"runs": {name: [messages/s, ...]}, "shape": {name: {messages, bytes}}}.
"""
import json
import socket
import struct
import sys
import time

NETLINK_ROUTE = 0
RTM_NEWLINK, RTM_GETLINK, RTM_NEWADDR, RTM_GETADDR = 16, 18, 20, 22
NLMSG_ERROR, NLMSG_DONE = 2, 3
F_REQUEST, F_DUMP = 0x1, 0x300
IFLA_EXT_MASK, RTEXT_FILTER_VF = 29, 1

# nlmsghdr + ifinfomsg + IFLA_EXT_MASK(RTEXT_FILTER_VF): what `ip link show` sends (bench/netlink.ts too).
REQ = struct.pack('<IHHII', 40, RTM_GETLINK, F_REQUEST | F_DUMP, 1, 0) + struct.pack('<BxHiII', 0, 0, 0, 0, 0) \
    + struct.pack('<HHI', 8, IFLA_EXT_MASK, RTEXT_FILTER_VF)
# nlmsghdr + ifaddrmsg (AF_UNSPEC): what `ip address show` sends.
ADDR_REQ = struct.pack('<IHHII', 24, RTM_GETADDR, F_REQUEST | F_DUMP, 1, 0) + bytes(8)
# nlmsghdr + ndmsg (AF_UNSPEC): what `ip neigh show` sends.
RTM_NEWNEIGH, RTM_GETNEIGH = 28, 30
NEIGH_REQ = struct.pack('<IHHII', 28, RTM_GETNEIGH, F_REQUEST | F_DUMP, 1, 0) + bytes(12)
RTM_SETLINK, IFLA_IFNAME, IFLA_MTU = 19, 3, 4
BUF = bytearray(1 << 20)
VIEW = memoryview(BUF)
HDR = struct.Struct('<IH')


def setlink_lo_mtu(mtu):
    """RTM_SETLINK for lo with IFLA_MTU, no ACK requested."""
    body = struct.pack('<BxHiII', 0, 0, 0, 0, 0) + struct.pack('<HH', 7, IFLA_IFNAME) + b'lo\0\0' \
        + struct.pack('<HHI', 8, IFLA_MTU, mtu)
    return struct.pack('<IHHII', 16 + len(body), RTM_SETLINK, F_REQUEST, 2, 0) + body


CHANGES = [setlink_lo_mtu(65535), setlink_lo_mtu(65536)]


def drain(sock, rest):
    """Reads the part of NLMSG_DONE that has not arrived yet (stream sockets)."""
    while rest > 0:
        k = sock.recv_into(BUF, rest)
        if k == 0:
            raise RuntimeError('connection closed inside NLMSG_DONE')
        rest -= k


def dump_once(sock, stream, req=REQ, entry=RTM_NEWLINK, change=None):
    """Sends the dump request (after `change`, if any) and reads to NLMSG_DONE; returns (entries, bytes, seconds)."""
    messages = nbytes = 0
    skip = 0          # bytes of the current message still to come (stream sockets only)
    carry = b''       # a header split across reads
    t0 = time.perf_counter()
    if change:
        sock.send(change)
    sock.send(req)
    while True:
        n = sock.recv_into(BUF)
        if n == 0:
            raise RuntimeError('connection closed during dump')
        p = 0
        if carry:
            need = 16 - len(carry)
            data = carry + bytes(VIEW[:need])
            carry = b''
            length, mtype = HDR.unpack_from(data, 0)
            if mtype == NLMSG_DONE:
                drain(sock, ((length + 3) & ~3) - 16 - (n - need))
                return messages, nbytes, time.perf_counter() - t0
            if mtype != entry:
                raise RuntimeError('unexpected message type %d' % mtype)
            messages += 1
            nbytes += length
            p = need
            skip = ((length + 3) & ~3) - 16
        while p < n:
            if skip:
                k = min(skip, n - p)
                skip -= k
                p += k
                continue
            if n - p < 16:
                carry = bytes(VIEW[p:n])
                break
            length, mtype = HDR.unpack_from(BUF, p)
            if mtype == NLMSG_DONE:
                drain(sock, p + ((length + 3) & ~3) - n)
                return messages, nbytes, time.perf_counter() - t0
            if mtype != entry:
                raise RuntimeError('unexpected message type %d' % mtype)
            messages += 1
            nbytes += length
            end = p + ((length + 3) & ~3)
            if end > n:
                if not stream:
                    raise RuntimeError('datagram cut inside a message')
                skip = end - n
                p = n
            else:
                p = end


def main(argv):
    warmup, runs, per_run, targets, what, change_first = 2, 5, 1, [], (REQ, RTM_NEWLINK), False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == '--warmup':
            warmup = int(argv[i + 1]); i += 1
        elif a == '--runs':
            runs = int(argv[i + 1]); i += 1
        elif a == '--dumps-per-run':
            per_run = int(argv[i + 1]); i += 1
        elif a == '--addr':
            what = (ADDR_REQ, RTM_NEWADDR)
        elif a == '--neigh':
            what = (NEIGH_REQ, RTM_NEWNEIGH)
        elif a == '--change-first':
            change_first = True
        elif a == '--kernel':
            s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            s.bind((0, 0))
            targets.append(('kernel', s, False))
        elif a == '--unix':
            name, path = argv[i + 1].split('=', 1); i += 1
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            targets.append((name, s, True))
        i += 1
    count = 0

    def change():
        nonlocal count
        count += 1
        return CHANGES[count % 2] if change_first else None

    for _, s, stream in targets:
        for _ in range(warmup):
            dump_once(s, stream, *what, change())
    result = {'runs': {t[0]: [] for t in targets}, 'shape': {}}
    for _ in range(runs):
        for name, s, stream in targets:
            total_m = total_sec = 0
            for _ in range(per_run):
                m, b, sec = dump_once(s, stream, *what, change())
                total_m += m
                total_sec += sec
            result['runs'][name].append(total_m / total_sec)
            result['shape'][name] = {'messages': m, 'bytes': b}
    print(json.dumps(result))


if __name__ == '__main__':
    main(sys.argv[1:])
