"""A test rig's first minutes, seen by a raw client: build a topology with netlink requests (as
`ip link add`, `ip link set ... master ... up`, `ip addr add` would), then time the first dumps of
links, addresses and IPv4 routes. Run once against the kernel (in a fresh netns) and once against
a freshly started rtnld; the dumps are read by kdump.py's receive loop, as in the other rows.

  python3 cold.py --groups N (--kernel | --unix PATH) [--dumps link=3,addr=2,route=2]

A group is four devices: bridge brG, veth pair vaG/vbG with vaG a port of brG, and ifbG (this
kernel has no dummy module; ifb is the same plain device with no IFLA_INFO_DATA). Every device is
set up; brG gets 10.(G>>8).(G&255).1/24 and 2001:db8:G::1/64 (nodad), vbG 10.(100+(G>>8)).(G&255).1/24.
Devices get explicit indexes (2 + 4G onwards), so both sides number them the same.

Prints one JSON object: {"buildSeconds": s, "dumps": {"link"|"addr"|"route": [{messages, bytes, seconds}, ...]}}
with the first DUMPS[what] dumps of each, in the order link, addr, route.
"""
import json
import socket
import struct
import sys
import time

import kdump

RTM_NEWLINK, RTM_SETLINK, RTM_NEWADDR = 16, 19, 20
RTM_NEWROUTE, RTM_GETROUTE = 24, 26
NLMSG_ERROR = 2
F_REQUEST, F_ACK, F_EXCL, F_CREATE, F_DUMP = 0x1, 0x4, 0x200, 0x400, 0x300
IFLA_IFNAME, IFLA_MASTER, IFLA_LINKINFO = 3, 10, 18
IFLA_INFO_KIND, IFLA_INFO_DATA, VETH_INFO_PEER = 1, 2, 1
IFA_ADDRESS, IFA_LOCAL, IFA_FLAGS = 1, 2, 8
IFA_F_NODAD = 0x02
IFF_UP = 1
NESTED = 0x8000
AF_INET, AF_INET6 = 2, 10
BATCH = 64
# How many dumps of each kind are timed, in this order.
DUMPS = (('link', 3), ('addr', 2), ('route', 2))
ROUTE_REQ = struct.pack('<IHHII', 28, RTM_GETROUTE, F_REQUEST | F_DUMP, 1, 0) + struct.pack('<BBBBBBBBI', AF_INET, 0, 0, 0, 0, 0, 0, 0, 0)
REQUESTS = {'link': (kdump.REQ, kdump.RTM_NEWLINK), 'addr': (kdump.ADDR_REQ, kdump.RTM_NEWADDR), 'route': (ROUTE_REQ, RTM_NEWROUTE)}


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack('<HH', n, t) + payload + b'\0' * ((4 - n % 4) % 4)


def ifinfo(index, flags=0, change=0):
    return struct.pack('<BxHiII', 0, 0, index, flags, change)


def msg(mtype, flags, body):
    return struct.pack('<IHHII', 16 + len(body), mtype, flags, 0, 0) + body


def name(s):
    return attr(IFLA_IFNAME, s.encode() + b'\0')


def kind(k, data=b''):
    return attr(IFLA_LINKINFO | NESTED, attr(IFLA_INFO_KIND, k.encode() + b'\0') + (attr(IFLA_INFO_DATA | NESTED, data) if data else b''))


def topology(groups):
    """The requests, in the order a rig script sends them: devices, then masters and up, then addresses."""
    create, setup, addrs = [], [], []
    new = F_REQUEST | F_ACK | F_CREATE | F_EXCL
    for g in range(groups):
        b = 2 + 4 * g
        create.append(msg(RTM_NEWLINK, new, ifinfo(b) + name('br%d' % g) + kind('bridge')))
        peer = attr(VETH_INFO_PEER | NESTED, ifinfo(b + 2) + name('vb%d' % g))
        create.append(msg(RTM_NEWLINK, new, ifinfo(b + 1) + name('va%d' % g) + kind('veth', peer)))
        create.append(msg(RTM_NEWLINK, new, ifinfo(b + 3) + name('ifb%d' % g) + kind('ifb')))
        up = F_REQUEST | F_ACK
        setup.append(msg(RTM_SETLINK, up, ifinfo(b + 1, IFF_UP, IFF_UP) + attr(IFLA_MASTER, struct.pack('<I', b))))
        for i in (b, b + 2, b + 3):
            setup.append(msg(RTM_SETLINK, up, ifinfo(i, IFF_UP, IFF_UP)))
        for index, a in ((b, bytes([10, g >> 8, g & 255, 1])), (b + 2, bytes([10, 100 + (g >> 8), g & 255, 1]))):
            addrs.append(msg(RTM_NEWADDR, new, struct.pack('<BBBBi', AF_INET, 24, 0, 0, index) + attr(IFA_LOCAL, a) + attr(IFA_ADDRESS, a)))
        a6 = struct.pack('>HHH', 0x2001, 0xdb8, g) + bytes(9) + b'\x01'
        addrs.append(msg(RTM_NEWADDR, new, struct.pack('<BBBBi', AF_INET6, 64, 0, 0, b)
                         + attr(IFA_ADDRESS, a6) + attr(IFA_FLAGS, struct.pack('<I', IFA_F_NODAD))))
    return create + setup + addrs


def read_acks(sock, want, pending):
    """Reads messages until `want` ACKs arrived (byte stream or datagrams alike); raises on an error."""
    got = 0
    while got < want:
        while len(pending) >= 16:
            length, mtype = struct.unpack_from('<IH', pending, 0)
            if len(pending) < length:
                break
            if mtype == NLMSG_ERROR:
                err = struct.unpack_from('<i', pending, 16)[0]
                if err:
                    raise RuntimeError('request refused: errno %d' % -err)
                got += 1
            del pending[:(length + 3) & ~3]
        if got < want:
            chunk = sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError('connection closed')
            pending += chunk


def main(argv):
    groups = int(argv[argv.index('--groups') + 1])
    if '--kernel' in argv:
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind((0, 0))
        stream = False
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(argv[argv.index('--unix') + 1])
        stream = True
    dumps = DUMPS
    if '--dumps' in argv:
        dumps = [(w, int(n)) for w, n in (x.split('=') for x in argv[argv.index('--dumps') + 1].split(','))]
    reqs = topology(groups)
    pending = bytearray()
    t0 = time.perf_counter()
    for i in range(0, len(reqs), BATCH):
        batch = reqs[i:i + BATCH]
        s.sendall(b''.join(batch))
        read_acks(s, len(batch), pending)
    result = {'buildSeconds': time.perf_counter() - t0, 'dumps': {}, 'mono': []}
    time.sleep(float(__import__("os").environ.get("PAUSE","0")))
    for what, count in dumps:
        req, entry = REQUESTS[what]
        runs = []
        for _ in range(count):
            import os
            dp=os.environ.get('DPID')
            c0=int(open('/proc/%s/schedstat'%dp).read().split()[0]) if dp else 0
            ms0 = time.monotonic()
            m, b, sec = kdump.dump_once(s, stream, req, entry)
            result['mono'].append((what, ms0, time.monotonic(), time.time()*1000))
            c1=int(open('/proc/%s/schedstat'%dp).read().split()[0]) if dp else 0
            runs.append({'messages': m, 'bytes': b, 'seconds': sec, 'cpu': (c1-c0)/1e6})
        result['dumps'][what] = runs
    print(json.dumps(result))


if __name__ == '__main__':
    main(sys.argv[1:])
