import {
  IFLA_ADDRESS, IFLA_BROADCAST, IFLA_GROUP, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA,
  IFLA_LINK, IFLA_LINKINFO, IFLA_LINKMODE, IFLA_MAP, IFLA_MASTER, IFLA_MTU, IFLA_NET_NS_FD, IFLA_NET_NS_PID, IFLA_NEW_IFINDEX,
  IFLA_NUM_RX_QUEUES, IFLA_NUM_TX_QUEUES, IFLA_OPERSTATE, IFLA_PROTINFO, IFLA_TARGET_NETNSID, IFLA_TXQLEN,
  NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REPLACE, VETH_INFO_PEER,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { IFLA_INFO_POLICY, IFLA_POLICY } from '../../protocol/link-policy.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrS32, attrString, attrU32, attrU8, parseMessage, parseNested, parseNestedAttrs, type AttrTable, type NlAttr } from '../../protocol/policy.js';
import { decodeIfInfoMsg, IFINFOMSG_SIZE, NLMSGHDR_SIZE, type IfInfoMsg } from '../../protocol/structs.js';
import { KINDS } from '../model/kinds.js';
import { moveLink } from '../model/netns/move.js';
import type { Namespace } from '../model/netns/namespace.js';
import type { NetworkModel, NewLinkSpec } from '../model/store.js';
import type { KindName, Link } from '../model/types.js';
import { einval } from './errors.js';
import { creatableKind, KIND_WIRE } from './link-kinds.js';
import { lookupLink, namesDevice } from './link-lookup.js';
import { causeOf, type Request } from './request.js';
import { doSetLink, validateLinkMsg } from './setlink.js';

const PAYLOAD_START = NLMSGHDR_SIZE + IFINFOMSG_SIZE;

/** nlmsg_parse_deprecated() of an ifinfomsg request. */
export function parseLinkRequest(req: Request): { ifm: IfInfoMsg; tb: AttrTable } {
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval('Invalid header length');
  const parsed = parseMessage(msg, IFINFOMSG_SIZE, IFLA_POLICY, false);
  req.warning = parsed.warning;
  return { ifm: decodeIfInfoMsg(msg, NLMSGHDR_SIZE), tb: parsed.attrs };
}

/** rtnl_ensure_unique_netns(): at most one of NET_NS_PID, NET_NS_FD, TARGET_NETNSID. */
function ensureUniqueNetns(tb: AttrTable): void {
  const n = [IFLA_NET_NS_PID, IFLA_NET_NS_FD, IFLA_TARGET_NETNSID].filter((t) => tb.has(t)).length;
  if (n > 1) throw einval('multiple netns identifying attributes specified');
}

/**
 * rtnl_link_get_net_capable() / rtnl_link_get_net_by_nlattr(): the namespace a request names,
 * PID first, then FD (and TARGET_NETNSID, an id in the requester's table, where allowed);
 * undefined when it names none. Unknown: -ESRCH, -EBADF, -EINVAL, without a message.
 */
export function requestedNetns(req: Request, tb: AttrTable, withTarget: boolean): Namespace | undefined {
  const scope = req.netns;
  const pid = tb.get(IFLA_NET_NS_PID);
  if (pid) return scope?.byPid(attrU32(pid)) ?? fail(Errno.ESRCH);
  const fd = tb.get(IFLA_NET_NS_FD);
  if (fd) return scope?.byFd(attrU32(fd)) ?? fail(Errno.EBADF);
  const target = withTarget ? tb.get(IFLA_TARGET_NETNSID) : undefined;
  if (target) return scope?.current.nsids.peerOf(attrS32(target)) ?? fail(Errno.EINVAL);
  return undefined;
}

function fail(errno: number): never {
  throw new NlError(errno);
}

/** do_setlink() step 1: a netns attribute moves the device; the rest of the request applies in the destination. */
function moveIfAsked(req: Request, link: Link, dest: Namespace | undefined, tb: AttrTable): NetworkModel {
  if (!dest || !req.netns) return req.model;
  const newIndex = tb.get(IFLA_NEW_IFINDEX);
  const name = tb.get(IFLA_IFNAME);
  moveLink(req.netns.registry, req.netns.current, link, dest, {
    newIndex: newIndex ? attrS32(newIndex) : undefined, name: name ? attrString(name) || undefined : undefined,
  });
  return dest.model;
}

/** rtnl_create_link(): the IFLA_* attributes that configure a new device. */
function createSpec(kind: KindName, ifm: IfInfoMsg, tb: AttrTable): NewLinkSpec {
  const u32 = (t: number) => (tb.has(t) ? attrU32(tb.get(t)!) : undefined);
  const spec: NewLinkSpec = {
    kind,
    index: ifm.index > 0 ? ifm.index : undefined,
    name: tb.has(IFLA_IFNAME) ? attrString(tb.get(IFLA_IFNAME)!) : undefined,
    mtu: u32(IFLA_MTU),
    txqlen: u32(IFLA_TXQLEN),
    group: u32(IFLA_GROUP),
    numTxQueues: u32(IFLA_NUM_TX_QUEUES),
    numRxQueues: u32(IFLA_NUM_RX_QUEUES),
    operstate: tb.has(IFLA_OPERSTATE) ? attrU8(tb.get(IFLA_OPERSTATE)!) : undefined,
    linkmode: tb.has(IFLA_LINKMODE) ? attrU8(tb.get(IFLA_LINKMODE)!) : undefined,
    address: tb.get(IFLA_ADDRESS)?.data,
    broadcast: tb.get(IFLA_BROADCAST)?.data,
    flags: ifm.flags,
    change: ifm.change,
  };
  if (spec.numTxQueues !== undefined && (spec.numTxQueues < 1 || spec.numTxQueues > 4096)) {
    throw einval('Invalid number of transmit queues');
  }
  if (spec.numRxQueues !== undefined && (spec.numRxQueues < 1 || spec.numRxQueues > 4096)) {
    throw einval('Invalid number of receive queues');
  }
  return spec;
}

/** veth_newlink(): VETH_INFO_PEER is an ifinfomsg followed by the peer's own IFLA_* attributes. */
function vethPeerSpec(peerAttr: NlAttr): NewLinkSpec {
  const ifm = decodeIfInfoMsg(peerAttr.data);
  const tb = parseNestedAttrs(peerAttr, IFLA_POLICY, false, IFINFOMSG_SIZE).attrs;
  if (ifm.index < 0) throw new NlError(Errno.EINVAL, "ifindex can't be negative", peerAttr.offset);
  KIND_WIRE.veth.validate!(tb, undefined);
  return createSpec('veth', ifm, tb);
}

/** rtnl_newlink → __rtnl_newlink → rtnl_changelink | rtnl_newlink_create. */
export function newLink(req: Request): void {
  const { ifm, tb } = parseLinkRequest(req);
  ensureUniqueNetns(tb);
  const model = req.model;
  const linkinfoAttr = tb.get(IFLA_LINKINFO);
  const linkinfo = linkinfoAttr ? parseNested(linkinfoAttr, IFLA_INFO_POLICY) : new Map() as AttrTable;
  const kindName = linkinfo.has(IFLA_INFO_KIND) ? attrString(linkinfo.get(IFLA_INFO_KIND)!) : undefined;
  const kind = kindName !== undefined ? creatableKind(kindName) : undefined;
  const wire = kind ? KIND_WIRE[kind] : undefined;
  let data: AttrTable | undefined;
  const dataAttr = linkinfo.get(IFLA_INFO_DATA);
  if (wire?.policy && dataAttr) data = parseNested(dataAttr, wire.policy);
  wire?.validate?.(tb, data);

  if (ifm.index < 0) throw einval("ifindex can't be negative");
  const flags = req.hdr.flags;
  const dest = requestedNetns(req, tb, true);
  // __rtnl_newlink's device_net quirk: with CREATE|EXCL the device is looked for in the target namespace.
  const lookupIn = dest && (flags & (NLM_F_CREATE | NLM_F_EXCL)) === (NLM_F_CREATE | NLM_F_EXCL) ? dest.model : model;
  const found = lookupLink(lookupIn, ifm.index, tb);
  const link = found === 'unidentified' ? undefined : found;
  if (link) {
    // rtnl_changelink()
    if (flags & NLM_F_EXCL) throw new NlError(Errno.EEXIST);
    if (flags & NLM_F_REPLACE) throw new NlError(Errno.EOPNOTSUPP);
    req.warning = validateLinkMsg(link, tb) ?? req.warning;
    let notify = false;
    if (dataAttr) {
      if (!kind || kind !== link.kind || !wire?.changelink) throw new NlError(Errno.EOPNOTSUPP);
      notify = true;
    }
    if (linkinfo.has(IFLA_INFO_SLAVE_DATA)) {
      const master = link.master ? model.byIndex(link.master) : undefined;
      if (!master || !KIND_WIRE[master.kind].fillSlave) throw new NlError(Errno.EOPNOTSUPP);
    }
    doSetLink(lookupIn === model ? moveIfAsked(req, link, dest, tb) : lookupIn, link, ifm, tb, notify);
    return;
  }
  if (!(flags & NLM_F_CREATE)) {
    if (!namesDevice(ifm.index, tb) && tb.has(IFLA_GROUP)) {
      // rtnl_group_changelink(): modify every device of the group.
      const group = attrU32(tb.get(IFLA_GROUP)!);
      for (const l of [...model.iterate()]) if (l.group === group) doSetLink(model, l, ifm, tb);
      return;
    }
    throw new NlError(Errno.ENODEV);
  }
  if (tb.has(IFLA_MAP) || tb.has(IFLA_PROTINFO)) throw new NlError(Errno.EOPNOTSUPP);
  if (!kind || !wire) throw new NlError(Errno.EOPNOTSUPP, 'Unknown device type');
  req.warning = validateLinkMsg(undefined, tb) ?? req.warning;
  const spec = createSpec(kind, ifm, tb);
  if (tb.has(IFLA_LINK)) spec.parent = attrU32(tb.get(IFLA_LINK)!);
  if (tb.has(IFLA_MASTER)) spec.master = attrU32(tb.get(IFLA_MASTER)!);
  // rtnl_get_peer_net(): the peer goes where VETH_INFO_PEER's own PID/FD say, else to the requester's namespace.
  let peerModel = model;
  if (kind === 'veth') {
    const peer = data?.get(VETH_INFO_PEER);
    if (peer) {
      spec.peer = vethPeerSpec(peer);
      const peerTb = parseNestedAttrs(peer, IFLA_POLICY, false, IFINFOMSG_SIZE).attrs;
      peerModel = requestedNetns(req, peerTb, false)?.model ?? model;
    }
    // The peer's ifindex is honoured only when the main device's is given too.
    if (spec.peer && !spec.index) spec.peer.index = undefined;
  } else {
    wire.parse?.(data, spec);
  }
  const target = dest?.model ?? model;
  if (KINDS[kind].needsParent && !target.byIndex(spec.parent ?? 0)) throw new NlError(Errno.ENODEV, wire.missingParentMsg);
  target.createLink(spec, causeOf(req, (flags & NLM_F_ECHO) !== 0), peerModel);
}

/** rtnl_setlink(): the device must exist; CREATE/EXCL/REPLACE and IFLA_LINKINFO are ignored. */
export function setLink(req: Request): void {
  const { ifm, tb } = parseLinkRequest(req);
  ensureUniqueNetns(tb);
  const dest = requestedNetns(req, tb, true);
  const link = lookupLink(req.model, ifm.index, tb);
  if (link === 'unidentified') throw einval();
  if (!link) throw new NlError(Errno.ENODEV);
  req.warning = validateLinkMsg(link, tb) ?? req.warning;
  doSetLink(moveIfAsked(req, link, dest, tb), link, ifm, tb);
}
