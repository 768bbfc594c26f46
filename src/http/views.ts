import type { InetAddress } from '../model/addresses.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';
import { addrMessage } from '../rtnl/addr-view.js';
import { linkMessage } from '../rtnl/link-view.js';
import { ipAddrInfoJson, ipLinkJson, type IpAddrInfoJson, type IpJsonOptions, type IpLinkJson, type LinkLookup } from './ip-json.js';

/** iproute2's ll_map over the model: names and reported flags of other devices. */
export function modelLookup(model: NetworkModel): LinkLookup {
  return (index) => {
    const l = model.byIndex(index);
    return l && { name: l.name, flags: model.reportedFlags(l) };
  };
}

/** One address as addr_info prints it, through the same AddrMessage netlink clients receive. */
export function addrJson(model: NetworkModel, a: Readonly<InetAddress>): IpAddrInfoJson {
  return ipAddrInfoJson(addrMessage(model, a));
}

/** A device's addresses as `ip -j addr show` lists them: IPv4, then IPv6, each in dump order. */
function addrInfo(model: NetworkModel, index: number): IpAddrInfoJson[] {
  return [...model.addresses.list(index, 'inet'), ...model.addresses.list(index, 'inet6')].map((a) => addrJson(model, a));
}

/** A model link as `ip -j` prints it, through the same LinkMessage netlink clients receive. */
export function linkJson(model: NetworkModel, link: Readonly<Link>, opts: IpJsonOptions, deleted = false): IpLinkJson {
  const o = opts.mode === 'addr' ? { ...opts, addrInfo: addrInfo(model, link.index) } : opts;
  return ipLinkJson(linkMessage(model, link, { deleted }), modelLookup(model), o);
}

/** Every link in index order, as `ip -j link show` / `ip -j addr show`. */
export function allLinksJson(model: NetworkModel, opts: IpJsonOptions): IpLinkJson[] {
  const lookup = modelLookup(model);
  return [...model.iterate()].map((l) => {
    const o = opts.mode === 'addr' ? { ...opts, addrInfo: addrInfo(model, l.index) } : opts;
    return ipLinkJson(linkMessage(model, l), lookup, o);
  });
}
