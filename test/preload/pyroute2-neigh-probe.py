"""pyroute2 (Debian python3-pyroute2) reading neighbours under the LD_PRELOAD adaptor: IPRoute's
neigh('dump') and get_neighbours(), then an NDB started on the same (adapted) netlink, listing
interfaces, addresses, routes and neighbours. Prints one JSON object."""
import json
import sys

from pyroute2 import IPRoute

out = {}
with IPRoute() as ipr:
    def row(m):
        return {'dst': m.get_attr('NDA_DST'), 'lladdr': m.get_attr('NDA_LLADDR'), 'ifindex': m['ifindex'], 'state': m['state']}
    out['dump'] = sorted((row(m) for m in ipr.neigh('dump')), key=lambda r: r['dst'])
    out['get_neighbours'] = sorted((row(m) for m in ipr.get_neighbours()), key=lambda r: r['dst'])
    out['get_neighbours_inet6'] = [row(m)['dst'] for m in ipr.get_neighbours(family=10)]

if len(sys.argv) > 1 and sys.argv[1] == 'ndb':
    from pyroute2 import NDB
    with NDB(log='off') as ndb:
        out['ndb'] = {
            'interfaces': sorted(r.ifname for r in ndb.interfaces.summary()),
            'addresses': sorted('%s/%s' % (r.address, r.prefixlen) for r in ndb.addresses.summary()),
            'routes': sorted('%s/%s' % (r.dst, r.dst_len) for r in ndb.routes.summary()),
            'neighbours': sorted(r.dst for r in ndb.neighbours.summary()),
        }
print(json.dumps(out))
