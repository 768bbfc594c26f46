"""Linux's own IPv4 sysctl defaults for a throwaway network namespace.

Run inside a namespace (`ip netns exec NS python3 netns_defaults.py`) or imported by the
conformance runner: kernel-comparison tests must not depend on the host's settings.
"""

import os
import sys

# A new namespace copies net.ipv4.conf.{all,default} -- and so lo's IPv4 devconf, ip_forward
# included -- from the host's (net.core.devconf_inherit_init_net = 0, Linux's default); IPv6
# starts from Linux's defaults.  A Docker host (ip_forward=1) or a distribution's sysctl.d
# (rp_filter, promote_secondaries, ...) would then show up in every IFLA_INET_CONF, so each
# case's namespace is first put back to Linux's own defaults (net/ipv4/devinet.c:
# ipv4_devconf and ipv4_devconf_dflt; every value not listed is 0).
IPV4_DEVCONF_NONZERO = {
    'accept_redirects': 1, 'send_redirects': 1, 'secure_redirects': 1, 'shared_media': 1,
    'igmpv2_unsolicited_report_interval': 10000, 'igmpv3_unsolicited_report_interval': 1000,
    'arp_evict_nocarrier': 1,
}
IPV4_DEVCONF_DEFAULTS = {
    'all': IPV4_DEVCONF_NONZERO,
    'default': dict(IPV4_DEVCONF_NONZERO, accept_source_route=1),
    # inetdev_init(): lo copies `default`, then gets NOXFRM and NOPOLICY.
    'lo': dict(IPV4_DEVCONF_NONZERO, accept_source_route=1, disable_xfrm=1, disable_policy=1),
}
SYSCTL = '/proc/sys/net/ipv4'


def write_sysctl(path, value):
    with open(path, 'w') as f:
        f.write('%d\n' % value)


def reset_ipv4_devconf():
    """Puts the current namespace's IPv4 devconf (all, default, lo) and ip_forward back to
    Linux's defaults, writing only values that differ.  Returns what it changed."""
    changed = []
    if int(open(SYSCTL + '/ip_forward').read()) != 0:
        write_sysctl(SYSCTL + '/ip_forward', 0)  # also clears all/default/lo forwarding
        changed.append('ip_forward')
    for conf, nonzero in IPV4_DEVCONF_DEFAULTS.items():
        d = '%s/conf/%s' % (SYSCTL, conf)
        for key in sorted(os.listdir(d)):
            if key == 'mc_forwarding':
                continue  # read-only (set by a multicast routing daemon only)
            want = nonzero.get(key, 0)
            if int(open('%s/%s' % (d, key)).read()) != want:
                write_sysctl('%s/%s' % (d, key), want)
                changed.append('%s.%s' % (conf, key))
    return changed


if __name__ == '__main__':
    changed = reset_ipv4_devconf()
    if changed:
        print('reset to Linux defaults: %s' % ', '.join(changed), file=sys.stderr)
