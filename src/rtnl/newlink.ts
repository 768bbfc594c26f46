import {
  IFLA_ADDRESS, IFLA_BROADCAST, IFLA_GROUP, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_INFO_SLAVE_DATA,
  IFLA_LINK, IFLA_LINKINFO, IFLA_LINKMODE, IFLA_MAP, IFLA_MASTER, IFLA_MTU, IFLA_NET_NS_FD, IFLA_NET_NS_PID,
  IFLA_NUM_RX_QUEUES, IFLA_NUM_TX_QUEUES, IFLA_OPERSTATE, IFLA_PROTINFO, IFLA_TARGET_NETNSID, IFLA_TXQLEN,
  NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REPLACE, VETH_INFO_PEER,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { IFLA_INFO_POLICY, IFLA_POLICY } from '../../protocol/link-policy.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrString, attrU32, attrU8, parseMessage, parseNested, parseNestedAttrs, type AttrTable, type NlAttr } from '../../protocol/policy.js';
import { decodeIfInfoMsg, IFINFOMSG_SIZE, NLMSGHDR_SIZE, type IfInfoMsg } from '../../protocol/structs.js';
import { KINDS } from '../model/kinds.js';
import type { NewLinkSpec } from '../model/store.js';
import type { KindName } from '../model/types.js';
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
  const found = lookupLink(model, ifm.index, tb);
  const link = found === 'unidentified' ? undefined : found;
  const flags = req.hdr.flags;
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
    doSetLink(model, link, ifm, tb, notify);
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
  if (kind === 'veth') {
    const peer = data?.get(VETH_INFO_PEER);
    if (peer) spec.peer = vethPeerSpec(peer);
  } else {
    wire.parse?.(data, spec);
  }
  if (KINDS[kind].needsParent && !model.byIndex(spec.parent ?? 0)) throw new NlError(Errno.ENODEV, wire.missingParentMsg);
  model.createLink(spec, causeOf(req, (flags & NLM_F_ECHO) !== 0));
}

/** rtnl_setlink(): the device must exist; CREATE/EXCL/REPLACE and IFLA_LINKINFO are ignored. */
export function setLink(req: Request): void {
  const { ifm, tb } = parseLinkRequest(req);
  ensureUniqueNetns(tb);
  const link = lookupLink(req.model, ifm.index, tb);
  if (link === 'unidentified') throw einval();
  if (!link) throw new NlError(Errno.ENODEV);
  req.warning = validateLinkMsg(link, tb) ?? req.warning;
  doSetLink(req.model, link, ifm, tb);
}
