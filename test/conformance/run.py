#!/usr/bin/env python3
"""Run the conformance cases and print {case: [normalised step results]} as JSON.

  python3 run.py --kernel                 real kernel, a fresh netns per case (root)
  python3 run.py --daemon SOCKETPATH      rtnld on a Unix stream socket
  python3 run.py --list                   case names, one per line
options: --case NAME (repeatable), --jobs N (kernel only, parallel namespaces),
         --perturb-sysctls (kernel only: host-like IPv4 sysctls first, which the harness resets)

Each case runs on a fresh main socket/connection.  A second "helper"
socket/connection is used to look up ifindexes by name while building
requests, to keep the ifindex -> name table used by the normaliser, and to
clean up after the case (delete every link but lo, restore lo's MTU).  The
first recorded step of every case is the link dump taken before it starts,
so state leaking from one case into the next (daemon side) shows up as a
difference.
"""

import argparse
import ctypes
import json
import os
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nlharness import (  # noqa: E402
    F_DUMP, F_REQUEST, F_ACK, IFLA, NLMSG_DONE, NLMSG_ERROR, RTM_DELLINK, RTM_DELROUTE, RTM_GETLINK, RTM_GETROUTE,
    RTM_NEWLINK, RTM_NEWROUTE, RTM_SETLINK, SOCKOPT_NAMES,
    DaemonDriver, DriverError, KernelDriver, Normaliser, attr, errname, ifinfomsg, nlmsg, parse_attrs,
    split_msgs, _str, sort_neigh_runs,
)
from cases import CASES, Bind, Events, GetName, GetOpt, Req, SetOpt, Settle  # noqa: E402
from netns_defaults import SYSCTL, reset_ipv4_devconf, write_sysctl  # noqa: E402
from netns_cases import NS_CASES, NsCase  # noqa: E402
import netns_run  # noqa: E402
from netns_run import setns  # noqa: E402

# Cases in one namespace (cases.py and the files it gathers) and across two or three (netns_cases.py).
ALL_CASES = CASES + NS_CASES

STEP_SEQ_STRIDE = 1000


class Ctx:
    """What request builders see: c.seq(n) and c.idx(name)."""

    def __init__(self, base, lookup):
        self.base = base
        self._lookup = lookup

    def seq(self, n=1):
        return self.base + n

    def idx(self, name):
        return self._lookup(name)


RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE = 32, 33, 34
FRA_PRIORITY = 6
# The rule dump of a namespace no case has touched (taken before the first case, per process).
FRESH_RULES = []


class Helper:
    """Side connection: ifindex lookups, ifindex->name table, cleanup."""

    def __init__(self, drv):
        self.d = drv
        self.seq = 0x10000000
        self.names = {}

    def _q(self, build):
        self.seq += 2
        msgs, problems = self.d.transact(build(self.seq), self.seq + 1)
        if problems:
            raise DriverError('helper: %s' % '; '.join(problems))
        return msgs

    def _learn(self, m):
        idx = int.from_bytes(m.body[4:8], 'little', signed=True)
        for t, v, _ln in parse_attrs(m.body[16:]):
            if t is not None and t & 0x3fff == IFLA['IFNAME']:
                self.names[idx] = _str(v)
                return idx, _str(v)
        return idx, None

    def dump_links(self):
        msgs = self._q(lambda s: nlmsg(RTM_GETLINK, F_REQUEST | F_DUMP, s, ifinfomsg()))
        links = [self._learn(m) for m in msgs if m.type == RTM_NEWLINK]
        return links, msgs, self.seq

    def idx(self, name):
        msgs = self._q(lambda s: nlmsg(RTM_GETLINK, F_REQUEST, s, ifinfomsg() + attr(IFLA['IFNAME'], name)))
        for m in msgs:
            if m.type == RTM_NEWLINK:
                return self._learn(m)[0]
        raise LookupError('no link named %r' % name)

    def cleanup(self):
        links, _msgs, _seq = self.dump_links()
        for idx, name in links:
            if name != 'lo':
                self._q(lambda s, i=idx: nlmsg(RTM_DELLINK, F_REQUEST | F_ACK, s, ifinfomsg(index=i)))
        self._q(lambda s: nlmsg(RTM_SETLINK, F_REQUEST | F_ACK, s,
                                ifinfomsg() + attr(IFLA['IFNAME'], 'lo') + attr(IFLA['MTU'], 65536)))
        # Routes no link took with it (blackhole, unreachable, prohibit): each dump entry,
        # sent back as an RTM_DELROUTE, deletes itself.
        for m in self._q(lambda s: nlmsg(RTM_GETROUTE, F_REQUEST | F_DUMP, s, bytes(12))):
            if m.type == RTM_NEWROUTE:
                self._q(lambda s, body=m.body: nlmsg(RTM_DELROUTE, F_REQUEST | F_ACK, s, body))
        # FIB rules a case changed: every rule deleted (a dump entry sent back deletes itself),
        # then the fresh namespace's rules added back (pref 0 named, else it would be automatic).
        # A daemon keeps walking its rules afterwards (fib_has_custom_rules stays set).
        rules = self.rule_bodies()
        if rules != FRESH_RULES:
            for body in rules:
                self._q(lambda s, b=body: nlmsg(RTM_DELRULE, F_REQUEST | F_ACK, s, b))
            for body in FRESH_RULES:
                if attr(FRA_PRIORITY, 0)[:4] not in body:
                    body = body + attr(FRA_PRIORITY, 0)
                self._q(lambda s, b=body: nlmsg(RTM_NEWRULE, F_REQUEST | F_ACK, s, b))

    def rule_bodies(self):
        return [m.body for m in self._q(lambda s: nlmsg(RTM_GETRULE, F_REQUEST | F_DUMP, s, bytes(12))) if m.type == RTM_NEWRULE]


def _sockopt_name(n):
    return SOCKOPT_NAMES.get(n, str(n))


def run_case(case, main, helper, out):
    """Run the steps of one case, appending one record per step to out."""
    if not FRESH_RULES:
        FRESH_RULES.extend(helper.rule_bodies())
    _links, msgs, seq = helper.dump_links()
    norm = Normaliser(helper.d.portid, seq, helper.names, {}, case.inet6_flags_mask)
    out.append({'step': 'initial links', 'out': [norm.msg(m) for m in msgs]})
    for i, st in enumerate(case.steps):
        base = (i + 1) * STEP_SEQ_STRIDE
        rec = {'step': st.label}
        out.append(rec)
        if isinstance(st, Req):
            try:
                data = st.build(Ctx(base, helper.idx))
            except LookupError as e:
                rec['build_error'] = str(e)
                continue
            sent = {m.seq: m for m in split_msgs(data)[0]}
            msgs, problems = main.transact(data, base + STEP_SEQ_STRIDE - 1)
            helper.dump_links()           # learn names of links created by this step
            norm = Normaliser(main.portid, base, helper.names, sent, case.inet6_flags_mask)
            rec['out'] = sort_neigh_runs([norm.msg(m) for m in msgs])
            if problems:
                rec['problems'] = problems
        elif isinstance(st, SetOpt):
            rec['step'] = 'setsockopt %s=%d' % (_sockopt_name(st.name), st.value)
            rec['result'] = errname(main.setsockopt(st.name, st.value))
        elif isinstance(st, GetOpt):
            rec['step'] = 'getsockopt %s' % _sockopt_name(st.name)
            v = main.getsockopt(st.name)
            rec['value'] = errname(v) if v < 0 else v
        elif isinstance(st, Bind):
            rec['result'] = errname(main.bind(st.groups))
        elif isinstance(st, GetName):
            groups, portid = main.getsockname()
            rec['groups'] = '0x%x' % groups
            rec['portid_matches'] = portid == main.portid and portid != 0
        elif isinstance(st, Events):
            req = st.req
            try:
                data = req.build(Ctx(base, helper.idx))
            except LookupError as e:
                rec['build_error'] = str(e)
                continue
            sent = {m.seq: m for m in split_msgs(data)[0]}
            msgs, problems = main.transact(data, base + STEP_SEQ_STRIDE - 1)
            time.sleep(max(main.settle_time, st.wait if main.settle_time > 0.5 or st.timed else 0.05))
            msgs += main.drain(0.0)
            helper.dump_links()
            norm = Normaliser(main.portid, base, helper.names, sent, case.inet6_flags_mask)
            rec['replies'] = [norm.msg(m) for m in msgs if m.type in (NLMSG_ERROR, NLMSG_DONE)]
            rec['events'] = sort_neigh_runs([norm.msg(m) for m in msgs if m.type not in (NLMSG_ERROR, NLMSG_DONE)])
            if problems:
                rec['problems'] = problems
        elif isinstance(st, Settle):
            time.sleep(max(main.settle_time, st.seconds))
            main.drain(0.0)
        else:
            raise TypeError(st)


FATAL = (DriverError, OSError, EOFError)


def run_one(case, connect):
    """connect() -> driver.  Returns the case's result list.  A broken
    connection ends the case with a "fatal" record; cleanup always runs
    (on a fresh helper connection if needed)."""
    out = []
    main = helper = None
    try:
        helper = Helper(connect())
        main = connect()
        run_case(case, main, helper, out)
    except FATAL as e:
        out.append({'fatal': '%s: %s' % (type(e).__name__, e)})
    finally:
        if main is not None:
            main.close()
    for attempt in (1, 2):
        try:
            if helper is None or attempt == 2:
                if helper is not None:
                    helper.d.close()
                helper = Helper(connect())
            helper.cleanup()
            break
        except FATAL as e:
            if attempt == 2:
                out.append({'fatal': 'cleanup: %s: %s' % (type(e).__name__, e)})
    if helper is not None:
        helper.d.close()
    return out


# --------------------------------------------------------------------------
# kernel side: one network namespace per case

# What a Docker host or a distribution leaves in a new namespace (--perturb-sysctls: the harness
# must compare the same with these as without them).
HOST_LIKE_SYSCTLS = [
    ('ip_forward', 1),
    ('conf/all/rp_filter', 2), ('conf/default/rp_filter', 2), ('conf/lo/rp_filter', 2),
    ('conf/default/promote_secondaries', 1), ('conf/all/promote_secondaries', 1),
    ('conf/default/accept_source_route', 0), ('conf/lo/arp_ignore', 1),
]


def perturb_sysctls():
    for key, value in HOST_LIKE_SYSCTLS:
        write_sysctl('%s/%s' % (SYSCTL, key), value)


PERTURB = False


def kernel_case(case, tag):
    if isinstance(case, NsCase):
        return netns_run.kernel_case(case, tag)
    try:
        return _kernel_case(case, tag)
    except (OSError, subprocess.SubprocessError) as e:
        return [{'fatal': 'netns setup: %s: %s' % (type(e).__name__, e)}]


def _kernel_case(case, tag):
    ns = 'rtnlconf-%d-%s' % (os.getpid(), tag)
    orig = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
    try:
        subprocess.run(['ip', 'netns', 'add', ns], check=True, stdout=subprocess.DEVNULL)
        fd = os.open('/run/netns/' + ns, os.O_RDONLY)
        try:
            setns(fd)
        finally:
            os.close(fd)
        try:
            if PERTURB:
                perturb_sysctls()
            reset_ipv4_devconf()
            return run_one(case, KernelDriver)
        finally:
            setns(orig)
    finally:
        os.close(orig)
        subprocess.run(['ip', 'netns', 'del', ns], check=False, stderr=subprocess.DEVNULL)


def run_kernel(cases, jobs):
    results = {}
    if jobs <= 1:
        for i, c in enumerate(cases):
            results[c.name] = kernel_case(c, str(i))
        return results
    lock = threading.Lock()
    todo = list(enumerate(cases))

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                i, c = todo.pop(0)
            r = kernel_case(c, str(i))
            with lock:
                results[c.name] = r

    threads = [threading.Thread(target=worker) for _ in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {c.name: results[c.name] for c in cases}


def run_daemon(cases, path):
    return {c.name: netns_run.daemon_case(c, '%d-%d' % (os.getpid(), i), path) if isinstance(c, NsCase)
            else run_one(c, lambda: DaemonDriver(path)) for i, c in enumerate(cases)}


def dump_json(results):
    """JSON with one case step per block and one message per line."""
    j = lambda v: json.dumps(v, separators=(',', ':'))  # noqa: E731
    cases = []
    for name, steps in results.items():
        blocks = []
        for st in steps:
            if isinstance(st.get('out'), list) and st['out']:
                head = {k: v for k, v in st.items() if k != 'out'}
                inner = ',\n'.join('    ' + j(m) for m in st['out'])
                blocks.append('  ' + j(head)[:-1] + ',"out":[\n' + inner + '\n  ]}')
            else:
                blocks.append('  ' + j(st))
        cases.append(j(name) + ': [\n' + ',\n'.join(blocks) + '\n ]')
    return '{\n ' + ',\n '.join(cases) + '\n}\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument('--kernel', action='store_true')
    g.add_argument('--daemon', metavar='SOCKETPATH')
    g.add_argument('--list', action='store_true')
    ap.add_argument('--case', action='append', default=[])
    ap.add_argument('--jobs', type=int, default=4)
    ap.add_argument('--perturb-sysctls', action='store_true',
                    help='kernel only: first give each namespace host-like IPv4 sysctls (ip_forward=1, ...)')
    args = ap.parse_args()
    global PERTURB
    PERTURB = args.perturb_sysctls

    if args.list:
        for c in ALL_CASES:
            print(c.name)
        return 0
    cases = ALL_CASES
    if args.case:
        known = {c.name for c in ALL_CASES}
        bad = [n for n in args.case if n not in known]
        if bad:
            print('unknown case(s): %s' % ', '.join(bad), file=sys.stderr)
            return 2
        cases = [c for c in ALL_CASES if c.name in args.case]
    t0 = time.monotonic()
    if args.kernel:
        if os.geteuid() != 0:
            print('--kernel needs root (ip netns add)', file=sys.stderr)
            return 2
        results = run_kernel(cases, args.jobs)
    else:
        results = run_daemon(cases, args.daemon)
    sys.stdout.write(dump_json(results))
    print('%d cases in %.1f s' % (len(cases), time.monotonic() - t0), file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
