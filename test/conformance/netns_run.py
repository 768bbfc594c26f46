"""Runner for the conformance cases that span two or three network namespaces (netns_cases.py).

Kernel side: every namespace of a case is a fresh `ip netns add` namespace; the runner holds, per
namespace X, a request socket, a monitor socket (link, IPv4/IPv6 address and NSID groups) and an
fd on /run/netns/X for IFLA_NET_NS_FD / NETNSA_FD, all opened with setns(2) from one thread.
Daemon side: the same namespaces made with NETNS_ADD, connections moved into them with SETNS,
the fd numbers bound with NETNS_FD (protocol/TRANSPORT.md "Namespaces").  Every namespace is
fresh on both sides, so ifindexes are compared as numbers; port ids are compared by whose they
are (the namespace's request socket, "X"), since they differ per side.

After each step, every namespace's monitor is drained and its messages recorded under the
namespace's name: what each side saw is compared, not only the requester's replies.
"""

import ctypes
import os
import select
import socket
import struct
import subprocess
import time

from nlharness import (
    F_ACK, F_REQUEST, NLMSG_INBAND, NETLINK_EXT_ACK, DaemonDriver, DriverError, KernelDriver, _Base,
    Normaliser, errname, nlmsg, split_msgs,
)
from netns_defaults import reset_ipv4_devconf

STEP_SEQ_STRIDE = 1000
# RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_NSID as a bind() mask.
MONITOR_GROUPS = (1 << 0) | (1 << 4) | (1 << 8) | (1 << 27)
NETLINK_LISTEN_ALL_NSID = 8
SOL_NETLINK = 270
# Kernel sockets bind explicit port ids (unique over the case's namespaces, so a port id names
# one socket wherever it appears).
KERNEL_PORTID_BASE = 0x5e000000
# Daemon side: fd numbers bound to the namespaces with NETNS_FD.
DAEMON_FD_BASE = 900
# Daemon side: the process ids announced with SETPID, one per namespace (a daemon has no
# processes: a connection in the namespace announces the id, as the preload adaptor does).
DAEMON_PID_BASE = 3000000
# NETNS_ADD/DEL/SETNS/NETNS_FD/SETPID (TRANSPORT.md), NSID_MARK (daemon -> client).
CALL_SETNS, CALL_NETNS_FD, CALL_NETNS_ADD, CALL_NETNS_DEL, CALL_SETPID, CALL_NSID_MARK = 5, 6, 7, 8, 11, 12


class Ids(dict):
    """ifindex -> itself: namespaces are fresh on both sides, so indexes are compared as numbers."""

    def get(self, k, default=None):
        return k


class NsNormaliser(Normaliser):
    """Port ids by the name of the namespace whose request socket owns them."""

    def __init__(self, owners, base, sent):
        super().__init__(0, base, Ids(), sent, inet6_flags_mask=0)
        self.owners = owners

    def pid(self, p):
        return self.owners.get(p, p)


# --------------------------------------------------------------------------
# drivers

class KernelNsDriver(KernelDriver):
    """A NETLINK_ROUTE socket bound to an explicit port id (created in the thread's namespace)."""

    def __init__(self, portid):
        _Base.__init__(self)
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.s.bind((portid, 0))
        self.portid = portid
        self.buf = bytearray(1 << 18)

    def recv_tagged(self, timeout):
        """[(Msg, nsid or None)]: the NETLINK_LISTEN_ALL_NSID control message of each datagram."""
        out = []
        while True:
            r, _, _ = select.select([self.s], [], [], timeout)
            if not r:
                return out
            data, anc, _flags, _addr = self.s.recvmsg(1 << 18, socket.CMSG_SPACE(4))
            nsid = None
            for level, typ, val in anc:
                if level == SOL_NETLINK and typ == NETLINK_LISTEN_ALL_NSID:
                    nsid = struct.unpack('=i', val[:4])[0]
            out.extend((m, nsid) for m in split_msgs(data)[0])
            timeout = 0.0


class DaemonNsDriver(DaemonDriver):
    """A daemon connection with the namespace calls."""

    def named_call(self, call, name, value, nsname):
        self.call_seq += 1
        seq = self.call_seq
        payload = struct.pack('=III', call, name & 0xffffffff, value & 0xffffffff) + nsname.encode() + b'\0'
        data = nlmsg(NLMSG_INBAND, F_REQUEST, seq, payload)
        self._send(data + b'\0' * (-len(data) % 4))
        deadline = time.monotonic() + self.timeout
        held = []
        try:
            while time.monotonic() < deadline:
                for m in self._recv(deadline - time.monotonic()):
                    if m.seq == seq and m.type == 2:
                        err = struct.unpack_from('=i', m.body)[0]
                        if err:
                            raise DriverError('namespace call %d %r: %s' % (call, nsname, errname(err)))
                        return
                    held.append(m)
        finally:
            self.pending.extend(held)
        raise DriverError('no answer to namespace call %d' % call)

    def recv_tagged(self, timeout):
        """[(Msg, nsid or None)]: a type-15 NSID_MARK tags the notification after it."""
        out, mark = [], None
        for m in self.drain(timeout):
            if m.type == NLMSG_INBAND and struct.unpack_from('=I', m.body)[0] == CALL_NSID_MARK:
                mark = struct.unpack_from('=i', m.body, 4)[0]
                continue
            out.append((m, mark))
            mark = None
        return out


# --------------------------------------------------------------------------
# the two worlds: namespaces with a request socket, a monitor and a namespace fd each

class World:
    settle = 0.05
    # How long a Settle step waits: the kernel's linkwatch batches events up to 1 s apart.
    linkwatch = 0.0

    def __init__(self, names):
        self.names = list(names)
        self.main = {}
        self.mon = {}
        self.fds = {}
        self.pids = {}
        self.alive = list(names)

    def owners(self):
        return {d.portid: n for n, d in self.main.items()}

    def close(self):
        for d in list(self.main.values()) + list(self.mon.values()):
            try:
                d.close()
            except OSError:
                pass


CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    """setns(2) for the calling thread (os.setns is Python 3.12+)."""
    if hasattr(os, 'setns'):
        os.setns(fd, CLONE_NEWNET)
        return
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


class KernelWorld(World):
    settle = 0.4
    linkwatch = 1.3

    def __init__(self, names, tag, unmonitored=()):
        super().__init__(names)
        self.real = {n: 'rtnlns-%d-%s-%s' % (os.getpid(), tag, n) for n in names}
        self.orig = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
        self.extra = []
        try:
            for i, n in enumerate(names):
                subprocess.run(['ip', 'netns', 'add', self.real[n]], check=True, stdout=subprocess.DEVNULL)
                self.fds[n] = os.open('/run/netns/' + self.real[n], os.O_RDONLY)
                with self.inside(n):
                    reset_ipv4_devconf()
                    self.main[n] = KernelNsDriver(KERNEL_PORTID_BASE + 2 * i)
                    if n not in unmonitored:
                        self.mon[n] = KernelNsDriver(KERNEL_PORTID_BASE + 2 * i + 1)
                        self.mon[n].bind(MONITOR_GROUPS)
                self.main[n].setsockopt(NETLINK_EXT_ACK, 1)
        except BaseException:
            self.close()
            raise

    class _Inside:
        def __init__(self, w, n):
            self.w, self.n = w, n

        def __enter__(self):
            setns(self.w.fds[self.n])

        def __exit__(self, *a):
            setns(self.w.orig)

    def inside(self, n):
        return self._Inside(self, n)

    def extra_socket(self, n, portid):
        with self.inside(n):
            d = KernelNsDriver(portid)
        self.extra.append(d)
        return d

    def fd(self, n):
        return self.fds[n]

    def pid(self, n):
        """The pid of a process living in n (made on first use): what IFLA_NET_NS_PID / NETNSA_PID name."""
        if n not in self.pids:
            fd = self.fds[n]
            # setns before exec: once Popen returns, the process is in n.
            self.pids[n] = subprocess.Popen(['sleep', '600'], preexec_fn=lambda: setns(fd), pass_fds=(fd,),
                                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        return self.pids[n].pid

    def delete(self, n):
        """ip netns del once nothing of ours holds the namespace: the kernel then destroys it (cleanup_net)."""
        for d in (self.main.pop(n), self.mon.pop(n, None)):
            if d is not None:
                d.close()
        os.close(self.fds.pop(n))
        if n in self.pids:
            self.pids.pop(n).kill()
        subprocess.run(['ip', 'netns', 'del', self.real[n]], check=True)
        self.alive.remove(n)

    def wait_teardown(self, drain):
        """cleanup_net runs on a work queue: wait for the survivors' messages, then for quiet."""
        got, deadline, quiet = [], time.monotonic() + 8.0, None
        while time.monotonic() < deadline:
            batch = drain(0.2)
            got.append(batch)
            if any(batch.values()):
                quiet = time.monotonic() + 0.8
            elif quiet is not None and time.monotonic() > quiet:
                break
        return got

    def close(self):
        super().close()
        for d in self.extra:
            d.close()
        for p in self.pids.values():
            p.kill()
            p.wait()
        for fd in self.fds.values():
            os.close(fd)
        for n in self.names:
            subprocess.run(['ip', 'netns', 'del', self.real[n]], check=False, stderr=subprocess.DEVNULL)
        os.close(self.orig)


class DaemonWorld(World):
    def __init__(self, names, tag, path, unmonitored=()):
        super().__init__(names)
        self.path = path
        self.real = {n: 'rtnlns-%s-%s' % (tag, n) for n in names}
        self.extra = []
        self.ctl = DaemonNsDriver(path)
        try:
            for i, n in enumerate(names):
                self.ctl.named_call(CALL_NETNS_ADD, 0, 0, self.real[n])
                self.fds[n] = DAEMON_FD_BASE + i
            for n in names:
                self.main[n] = self.connect(n)
                if n not in unmonitored:
                    self.mon[n] = self.connect(n)
                    self.mon[n].bind(MONITOR_GROUPS)
                self.main[n].setsockopt(NETLINK_EXT_ACK, 1)
        except BaseException:
            self.close()
            raise

    def connect(self, n):
        d = DaemonNsDriver(self.path)
        d.named_call(CALL_SETNS, 0, 0, self.real[n])
        for m in self.names:
            d.named_call(CALL_NETNS_FD, self.fds[m], 0, self.real[m])
        return d

    def extra_socket(self, n, _portid):
        d = self.connect(n)
        self.extra.append(d)
        return d

    def fd(self, n):
        return self.fds[n]

    def pid(self, n):
        """An id announced with SETPID by a connection of its own in n (made on first use)."""
        if n not in self.pids:
            d = self.connect(n)
            self.extra.append(d)
            self.pids[n] = DAEMON_PID_BASE + self.names.index(n)
            d.named_call(CALL_SETPID, 0, self.pids[n], '')
        return self.pids[n]

    def delete(self, n):
        self.main.pop(n).close()
        if n in self.mon:
            self.mon.pop(n).close()
        self.ctl.named_call(CALL_NETNS_DEL, 0, 0, self.real[n])
        self.alive.remove(n)

    def wait_teardown(self, drain):
        time.sleep(self.settle)
        return [drain(0.0)]

    def close(self):
        super().close()
        for d in self.extra:
            d.close()
        for n in self.alive:
            try:
                self.ctl.named_call(CALL_NETNS_DEL, 0, 0, self.real[n])
            except (DriverError, OSError):
                pass
        self.ctl.close()


# --------------------------------------------------------------------------
# running a case

class Ctx:
    """What request builders see: c.seq(n), c.fd(NS) (an fd on that namespace, as the requester holds it),
    c.pid(NS) (a process living in it)."""

    def __init__(self, base, world):
        self.base = base
        self.world = world

    def seq(self, n=1):
        return self.base + n

    def fd(self, n):
        return self.world.fd(n)

    def pid(self, n):
        """The pid of a process in n, as the requester would name it."""
        return self.world.pid(n)


def _norm(world, base, sent, msgs):
    norm = NsNormaliser(world.owners(), base, sent)
    return [norm.msg(m) for m in msgs]


def _drain_monitors(world):
    def drain(timeout):
        return {n: world.mon[n].drain(timeout) for n in world.alive if n in world.mon}
    return drain


def _events(world, base, sent, batches):
    merged = {}
    for b in batches:
        for n, msgs in b.items():
            merged.setdefault(n, []).extend(msgs)
    return {n: _norm(world, base, sent, merged.get(n, [])) for n in world.alive if n in world.mon}


def run_case(case, world):
    out = []
    drain = _drain_monitors(world)
    drain(world.settle)
    listeners = {}
    for i, st in enumerate(case.steps):
        base = (i + 1) * STEP_SEQ_STRIDE
        rec = {'step': st.label}
        out.append(rec)
        kind = st.kind
        if kind == 'req':
            data = st.build(Ctx(base, world))
            sent = {m.seq: m for m in split_msgs(data)[0]}
            conn = world.main[st.ns]
            msgs, problems = conn.transact(data, base + STEP_SEQ_STRIDE - 1)
            time.sleep(world.settle)
            rec['replies'] = _norm(world, base, sent, msgs)
            rec['events'] = _events(world, base, sent, [drain(0.0)])
            if problems:
                rec['problems'] = problems
        elif kind == 'setopt':
            rec['result'] = errname(world.main[st.ns].setsockopt(st.name, st.value))
        elif kind == 'delns':
            world.delete(st.ns)
            rec['events'] = _events(world, base, {}, world.wait_teardown(drain))
        elif kind == 'settle':
            time.sleep(world.linkwatch)
            rec['events'] = _events(world, base, {}, [drain(0.0)])
        elif kind == 'listen_all':
            d = world.extra_socket(st.ns, KERNEL_PORTID_BASE + 0x100 + i)
            d.bind(MONITOR_GROUPS)
            rec['result'] = errname(d.setsockopt(NETLINK_LISTEN_ALL_NSID, 1))
            listeners[st.ns] = d
        elif kind == 'heard_all':
            tagged = listeners[st.ns].recv_tagged(world.settle)
            norm = NsNormaliser(world.owners(), 0, {})
            rec['heard'] = [dict(norm.msg(m), nsid=nsid) for m, nsid in tagged]
        else:
            raise TypeError(kind)
    return out


FATAL = (DriverError, OSError, EOFError, subprocess.SubprocessError)


def run_world(case, make_world):
    try:
        world = make_world(case.namespaces)
    except FATAL as e:
        return [{'fatal': 'namespace setup: %s: %s' % (type(e).__name__, e)}]
    try:
        return run_case(case, world)
    except FATAL as e:
        return [{'fatal': '%s: %s' % (type(e).__name__, e)}]
    finally:
        world.close()


def kernel_case(case, tag):
    return run_world(case, lambda names: KernelWorld(names, tag, case.unmonitored))


def daemon_case(case, tag, path):
    return run_world(case, lambda names: DaemonWorld(names, tag, path, case.unmonitored))
