"""Route rows of `npm run bench` (issue 15), as a raw client sees them: the Linux kernel
(AF_NETLINK, in the netns this runs in) or an rtnld Unix socket, with the same requests and the
same receive loop. Standard library only.

  python3 kroutes.py insert --count N [--batch 64] (--kernel | --unix PATH)
      RTM_NEWROUTE of N distinct IPv4 /24s via 100.0.0.2 (table main), --batch per write with
      NLM_F_ACK, every ACK read (and checked to be 0) before the next write.
      Prints {"routesPerSecond": r, "seconds": s}.
  python3 kroutes.py dump --runs N [--warmup N] (--kernel | --unix PATH)
      RTM_GETROUTE dumps of AF_INET. Prints {"runs": [messages/s...], "messages": m, "bytes": b}.
  python3 kroutes.py subscribe --subscribers K --unix PATH
      K connections joined to RTNLGRP_IPV4_ROUTE, read until SIGTERM; prints "ready" when joined,
      then {"bytes": b} at the end.
"""
import json
import os
import select
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kdump import dump_once  # noqa: E402  (the dump receive loop shared with the link rows)

NETLINK_ROUTE = 0
RTM_NEWROUTE, RTM_GETROUTE = 24, 26
NLMSG_ERROR = 2
F_REQUEST, F_ACK, F_EXCL, F_CREATE, F_DUMP = 0x1, 0x4, 0x200, 0x400, 0x300
AF_INET = 2
RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_UNIVERSE, RTN_UNICAST = 254, 4, 0, 1
RTA_DST, RTA_GATEWAY = 1, 5
RTNLGRP_IPV4_ROUTE = 7
GATEWAY = bytes([100, 0, 0, 2])
ROUTE_LEN = 16 + 12 + 8 + 8
ROUTE_DUMP = struct.pack('<IHHII', 28, RTM_GETROUTE, F_REQUEST | F_DUMP, 1, 0) + struct.pack('<BBBBBBBBI', AF_INET, 0, 0, 0, 0, 0, 0, 0, 0)


def route_messages(count):
    """count RTM_NEWROUTE requests for 1.0.0.0/24, 1.0.1.0/24, ... (clear of 100/8 and 127/8 below 1M)."""
    out = bytearray(ROUTE_LEN * count)
    head = struct.Struct('<IHHII' + 'BBBBBBBBI' + 'HH4s' + 'HH4s')
    for i in range(count):
        dst = (1 << 24) + (i << 8)
        head.pack_into(out, i * ROUTE_LEN, ROUTE_LEN, RTM_NEWROUTE, F_REQUEST | F_ACK | F_EXCL | F_CREATE, i + 1, 0,
                       AF_INET, 24, 0, 0, RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0,
                       8, RTA_DST, dst.to_bytes(4, 'big'), 8, RTA_GATEWAY, GATEWAY)
    return out


def open_target(argv):
    if '--kernel' in argv:
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind((0, 0))
        return s, False
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(argv[argv.index('--unix') + 1])
    return s, True


def read_acks(sock, want, pending):
    """Reads until `want` NLMSG_ERROR messages arrived; raises on a non-zero error. Returns leftover bytes."""
    buf = pending
    got = 0
    while got < want:
        chunk = sock.recv(1 << 16)
        if not chunk:
            raise RuntimeError('connection closed')
        buf += chunk
        p = 0
        while len(buf) - p >= 20:
            length, mtype = struct.unpack_from('<IH', buf, p)
            if len(buf) - p < length:
                break
            if mtype != NLMSG_ERROR:
                raise RuntimeError('unexpected message type %d' % mtype)
            err = struct.unpack_from('<i', buf, p + 16)[0]
            if err != 0:
                raise RuntimeError('route add failed: errno %d (seq %d)' % (-err, struct.unpack_from('<I', buf, p + 8)[0]))
            got += 1
            p += (length + 3) & ~3
        buf = buf[p:]
    return buf


def insert(argv):
    count = int(argv[argv.index('--count') + 1])
    batch = int(argv[argv.index('--batch') + 1]) if '--batch' in argv else 64
    sock, _ = open_target(argv)
    msgs = route_messages(count)
    view = memoryview(msgs)
    pending = b''
    t0 = time.perf_counter()
    for start in range(0, count, batch):
        n = min(batch, count - start)
        sock.sendall(view[start * ROUTE_LEN:(start + n) * ROUTE_LEN])
        pending = read_acks(sock, n, pending)
    seconds = time.perf_counter() - t0
    print(json.dumps({'routesPerSecond': count / seconds, 'seconds': seconds}))


def dump(argv):
    runs = int(argv[argv.index('--runs') + 1])
    warmup = int(argv[argv.index('--warmup') + 1]) if '--warmup' in argv else 1
    sock, stream = open_target(argv)
    for _ in range(warmup):
        dump_once(sock, stream, ROUTE_DUMP, RTM_NEWROUTE)
    result = {'runs': []}
    for _ in range(runs):
        m, b, sec = dump_once(sock, stream, ROUTE_DUMP, RTM_NEWROUTE)
        result['runs'].append(m / sec)
        result['messages'], result['bytes'] = m, b
    print(json.dumps(result))


def subscribe(argv):
    k = int(argv[argv.index('--subscribers') + 1])
    path = argv[argv.index('--unix') + 1]
    socks = []
    for _ in range(k):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        # In-band setsockopt(NETLINK_ADD_MEMBERSHIP) (protocol/TRANSPORT.md), answered by an NLMSG_ERROR.
        s.sendall(struct.pack('<IHHII', 28, 15, F_REQUEST, 1, 0) + struct.pack('<III', 1, 1, RTNLGRP_IPV4_ROUTE))
        read_acks(s, 1, b'')
        socks.append(s)
    total = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    print('ready', flush=True)
    buf = bytearray(1 << 20)
    while not stop:
        try:
            ready, _, _ = select.select(socks, [], [], 0.2)
        except InterruptedError:
            continue
        for s in ready:
            n = s.recv_into(buf)
            if n == 0:
                stop.append(1)
            total += n
    print(json.dumps({'bytes': total}), flush=True)


if __name__ == '__main__':
    {'insert': insert, 'dump': dump, 'subscribe': subscribe}[sys.argv[1]](sys.argv[2:])
