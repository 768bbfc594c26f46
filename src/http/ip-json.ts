import { RTM_DELLINK, RTM_NEWLINK } from '../../protocol/constants.js';
import { decodeLinkMessage, type DecodedLink } from '../../protocol/link-decode.js';
import { writeLinkMessage } from '../../protocol/link-message.js';
import { NlWriter } from '../../protocol/writer.js';
import { addressJson } from '../format/address.js';
import type { JsonObject } from '../format/json.js';
import { linkJson } from '../format/link.js';
import { LinkTable } from '../format/link-table.js';
import type { InetAddress } from '../model/addresses.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';
import { addrMessage } from '../rtnl/addr-view.js';
import { linkMessage } from '../rtnl/link-view.js';

// The model as `ip -j link show` / `ip -j addr show` print it. The JSON comes from src/format/
// (the `rtnl` command's iproute2 printer, checked against iproute2's own output), fed with what
// netlink clients receive: a link's RTM_NEWLINK is encoded and decoded again, an address goes
// through the same AddrMessage view. So the HTTP API, `rtnl -j` and the wire cannot disagree.

export interface IpJsonOptions {
  /** "link": `ip -j link show`; "addr": `ip -j addr show` (no linkmode/ifalias, with addr_info). */
  mode: 'link' | 'addr';
  /** `ip -s`: add stats64. */
  stats?: boolean;
}

/** iproute2's ll_map (names and flags for "@peer", "master", M-DOWN) over the model. */
function linkTable(model: NetworkModel): LinkTable {
  const table = new LinkTable();
  for (const l of model.iterate()) table.remember({ index: l.index, name: l.name, flags: model.reportedFlags(l) } as DecodedLink);
  return table;
}

const writer = new NlWriter(4096);

/** The link as a client decodes it from its RTM_NEWLINK (RTM_DELLINK for a deleted one). */
function decoded(model: NetworkModel, link: Readonly<Link>, deleted: boolean): DecodedLink {
  writeLinkMessage(writer, deleted ? RTM_DELLINK : RTM_NEWLINK, 0, 0, 0, linkMessage(model, link, { deleted }));
  return decodeLinkMessage(writer.take());
}

/** One address as an element of addr_info. */
export function ipAddrJson(model: NetworkModel, a: Readonly<InetAddress>, table = linkTable(model)): JsonObject {
  return addressJson(addrMessage(model, a), table);
}

function one(model: NetworkModel, link: Readonly<Link>, opts: IpJsonOptions, table: LinkTable, deleted = false): JsonObject {
  const json = linkJson(decoded(model, link, deleted), table, { doLink: opts.mode === 'link', stats: opts.stats ? 1 : 0 });
  if (opts.mode === 'addr') {
    // ip address show: IPv4 then IPv6 (the AF_UNSPEC dump order), each in the device's list order.
    const addrs = [...model.addresses.list(link.index, 'inet'), ...model.addresses.list(link.index, 'inet6')];
    json.addr_info = addrs.map((a) => ipAddrJson(model, a, table));
  }
  return json;
}

/** One link as `ip -j link show dev NAME` (or `ip -j addr show dev NAME`) prints its element. */
export function ipLinkJson(model: NetworkModel, link: Readonly<Link>, opts: IpJsonOptions, deleted = false): JsonObject {
  return one(model, link, opts, linkTable(model), deleted);
}

/** Every link in index order, as `ip -j link show` / `ip -j addr show`. */
export function ipLinksJson(model: NetworkModel, opts: IpJsonOptions): JsonObject[] {
  const table = linkTable(model);
  return [...model.iterate()].map((l) => one(model, l, opts, table));
}
