"""Debian's python3-pyroute2 IPRoute() against rtnld, run under the LD_PRELOAD adaptor.
Prints one JSON object that test/preload/preload.test.ts checks."""
import json

from pyroute2 import IPRoute

out = {}
with IPRoute() as ipr:
    out["links"] = sorted(link.get_attr("IFLA_IFNAME") for link in ipr.get_links())
    ipr.link("add", ifname="pr0", kind="dummy")
    index = ipr.link_lookup(ifname="pr0")[0]
    ipr.link("set", index=index, state="up", mtu=1300)
    ipr.addr("add", index=index, address="192.0.2.7", prefixlen=24)
    link = ipr.get_links(index)[0]
    out["pr0"] = {"index": index, "mtu": link.get_attr("IFLA_MTU"), "up": bool(link["flags"] & 1)}
    out["pr0_addrs"] = sorted(
        "%s/%d" % (a.get_attr("IFA_ADDRESS"), a["prefixlen"]) for a in ipr.get_addr(index=index, family=2)
    )
print(json.dumps(out))
