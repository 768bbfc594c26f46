import {
  AF_INET, AF_INET6, IFLA_ADDRESS, IFLA_AF_SPEC, IFLA_BROADCAST, IFLA_CARRIER, IFLA_GROUP, IFLA_IFALIAS,
  IFLA_IFNAME, IFLA_LINKMODE, IFLA_MAP, IFLA_MASTER, IFLA_MTU, IFLA_OPERSTATE, IFLA_PROTO_DOWN, IFLA_TXQLEN,
} from '../../protocol/constants.js';
import { nestedAttrs } from '../../protocol/attr-walk.js';
import { Errno } from '../../protocol/errno.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrString, attrU32, attrU8, type AttrTable } from '../../protocol/policy.js';
import type { IfInfoMsg } from '../../protocol/structs.js';
import { KINDS } from '../model/kinds.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';
import { setInetLinkAf, validateInetLinkAf } from './inet-link-af.js';

/** Ethernet and loopback devices both have 6-byte hardware addresses (dev->addr_len). */
const ADDR_LEN = 6;

/**
 * validate_linkmsg(): address lengths and IFLA_AF_SPEC families, before anything changes.
 * Returns an extack warning a nested parse left (trailing bytes), for a successful ACK.
 */
export function validateLinkMsg(link: Link | undefined, tb: AttrTable): string | undefined {
  if (link) {
    for (const type of [IFLA_ADDRESS, IFLA_BROADCAST]) {
      const a = tb.get(type);
      if (a && a.data.length < ADDR_LEN) throw new NlError(Errno.EINVAL);
    }
  }
  const afSpec = tb.get(IFLA_AF_SPEC);
  let warning: string | undefined;
  // Each family nest in order: rtnl_af_lookup(), then its validate_link_af (AF_INET6 has none here).
  for (const af of afSpec ? nestedAttrs(afSpec) : []) {
    if (af.type !== AF_INET && af.type !== AF_INET6) throw new NlError(Errno.EAFNOSUPPORT);
    if (af.type === AF_INET) warning = validateInetLinkAf(link, af) ?? warning;
  }
  return warning;
}

/**
 * do_setlink(): applies the attributes in the kernel's order. The first error stops, and what
 * was already applied stays applied (Linux only logs "some changes committed already").
 * `notify` says a state-change notification is already due (e.g. changelink data).
 */
export function doSetLink(model: NetworkModel, link: Link, ifm: IfInfoMsg, tb: AttrTable, notify = false): void {
  const kind = KINDS[link.kind];
  if (tb.has(IFLA_MAP)) throw new NlError(Errno.EOPNOTSUPP);
  const address = tb.get(IFLA_ADDRESS);
  if (address) {
    if (!kind.macSettable) throw new NlError(Errno.EOPNOTSUPP);
    const mac = address.data.subarray(0, ADDR_LEN);
    if (mac[0]! & 1 || mac.every((b) => b === 0)) throw new NlError(Errno.EADDRNOTAVAIL);
    model.setAddress(link, mac);
  }
  const mtu = tb.get(IFLA_MTU);
  if (mtu) model.setMtu(link, attrU32(mtu));
  const group = tb.get(IFLA_GROUP);
  if (group) {
    model.setGroup(link, attrU32(group));
    notify = true;
  }
  const ifname = tb.get(IFLA_IFNAME);
  if (ifm.index > 0 && ifname && attrString(ifname) !== '') model.rename(link, attrString(ifname));
  const alias = tb.get(IFLA_IFALIAS);
  if (alias) {
    model.setAlias(link, attrString(alias));
    notify = true;
  }
  const broadcast = tb.get(IFLA_BROADCAST);
  if (broadcast) model.setBroadcast(link, broadcast.data.subarray(0, ADDR_LEN));
  if (ifm.flags || ifm.change) model.changeFlags(link, ifm.flags, ifm.change);
  const master = tb.get(IFLA_MASTER);
  if (master) model.setMaster(link, attrU32(master));
  const carrier = tb.get(IFLA_CARRIER);
  if (carrier) model.setCarrier(link, attrU8(carrier) !== 0);
  const txqlen = tb.get(IFLA_TXQLEN);
  if (txqlen) model.setTxqlen(link, attrU32(txqlen));
  const operstate = tb.get(IFLA_OPERSTATE);
  if (operstate) model.setOperstate(link, attrU8(operstate));
  const linkmode = tb.get(IFLA_LINKMODE);
  if (linkmode && model.setLinkmode(link, attrU8(linkmode))) notify = true;
  const afSpec = tb.get(IFLA_AF_SPEC);
  for (const af of afSpec ? nestedAttrs(afSpec) : []) {
    if (af.type !== AF_INET) continue;
    setInetLinkAf(model, link, af);
    notify = true;
  }
  const protoDown = tb.get(IFLA_PROTO_DOWN);
  if (protoDown) throw new NlError(Errno.EOPNOTSUPP, 'Protodown not supported by device');
  if (notify) model.stateChanged(link);
}
