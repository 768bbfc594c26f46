import {
  ARPHRD_ETHER, IFLA_EXT_MASK, NLM_F_MULTI, RTEXT_FILTER_BRVLAN, RTEXT_FILTER_BRVLAN_COMPRESSED, RTEXT_FILTER_CFM_CONFIG,
  RTEXT_FILTER_CFM_STATUS, RTEXT_FILTER_MRP, RTM_NEWLINK,
} from '../../protocol/constants.js';
import { writeBridgePortMessage, type BridgePortMessage } from '../../protocol/bridge-port-message.js';
import { IFLA_POLICY } from '../../protocol/link-policy.js';
import { attrU32, parseMessage } from '../../protocol/policy.js';
import { IFINFOMSG_SIZE, NLMSGHDR_SIZE } from '../../protocol/structs.js';
import type { NetworkModel } from '../model/store.js';
import type { KindName, Link } from '../model/types.js';
import { KIND_WIRE } from './link-kinds.js';
import { linkMessage } from './link-view.js';
import { walkLinks } from './link-walk.js';
import type { DumpCursor, Request } from './request.js';

/** The AF_BRIDGE view of a bridge port (br_fill_ifinfo), or undefined for a device that is not a port. */
export function bridgePortMessage(model: NetworkModel, port: Readonly<Link>, withProtinfo: boolean): BridgePortMessage | undefined {
  const master = port.master ? model.byIndex(port.master) : undefined;
  const fillSlave = master && KIND_WIRE[master.kind].fillSlave;
  if (!master || !fillSlave) return undefined;
  const view = linkMessage(model, port);
  const m: BridgePortMessage = {
    deviceType: ARPHRD_ETHER,
    index: port.index,
    flags: view.flags,
    name: port.name,
    master: master.index,
    mtu: port.mtu,
    operstate: view.operstate,
    address: port.address,
    link: view.link,
  };
  if (withProtinfo) m.protinfo = fillSlave(port, master);
  return m;
}

/**
 * br_getlink() called for the bridge device itself (no port): itself as master, no PROTINFO. Its
 * AF_SPEC would carry the bridge's VLANs, MRP and CFM state; rtnld models none, and neither has a
 * new Linux bridge (no AF_SPEC in the kernel's answer).
 */
function bridgeSelfMessage(model: NetworkModel, bridge: Readonly<Link>): BridgePortMessage {
  const view = linkMessage(model, bridge);
  return {
    deviceType: ARPHRD_ETHER,
    index: bridge.index,
    flags: view.flags,
    name: bridge.name,
    master: bridge.index,
    mtu: bridge.mtu,
    operstate: view.operstate,
    address: bridge.address,
    link: view.link,
  };
}

/** Kinds whose ports have an AF_BRIDGE view (the bridge). */
const PORT_MASTER_KINDS = (Object.keys(KIND_WIRE) as KindName[]).filter((kind) => KIND_WIRE[kind].fillSlave);

/** The IFLA_EXT_MASK bits for which br_getlink() also answers for the bridge device itself. */
const BRIDGE_SELF_FILTERS = RTEXT_FILTER_BRVLAN | RTEXT_FILTER_BRVLAN_COMPRESSED | RTEXT_FILTER_MRP | RTEXT_FILTER_CFM_CONFIG | RTEXT_FILTER_CFM_STATUS;

/** valid_bridge_getlink_req() (non-strict): IFLA_EXT_MASK after a whole ifinfomsg; anything unparsable means 0. */
function bridgeDumpFilterMask(message: Buffer): number {
  const start = NLMSGHDR_SIZE + IFINFOMSG_SIZE;
  if (message.length < start) return 0;
  try {
    const mask = parseMessage(message, IFINFOMSG_SIZE, IFLA_POLICY, false).attrs.get(IFLA_EXT_MASK);
    return mask ? attrU32(mask) : 0;
  } catch {
    return 0;
  }
}

/**
 * rtnl_bridge_getlink() for PF_BRIDGE dumps, in ascending index order: one AF_BRIDGE RTM_NEWLINK
 * per bridge port and, when IFLA_EXT_MASK asks for VLAN, MRP or CFM information, one for each
 * bridge itself. Only those links are visited, not every link.
 */
export function dumpBridgePorts(req: Request): DumpCursor {
  const { model } = req;
  const { seq } = req.hdr;
  const { portid } = req.session;
  const withBridges = (bridgeDumpFilterMask(req.message) & BRIDGE_SELF_FILTERS) !== 0;
  const masters = new Set(PORT_MASTER_KINDS.flatMap((kind) => [...model.linksOfKind(kind)]));
  const ports = [...masters].flatMap((master) => model.portsOf(master.index));
  return walkLinks(req, (w, link) => {
    const m = withBridges && masters.has(link) ? bridgeSelfMessage(model, link) : bridgePortMessage(model, link, true);
    if (m) writeBridgePortMessage(w, RTM_NEWLINK, NLM_F_MULTI, seq, portid, m);
    return m !== undefined;
  }, { only: withBridges ? [...ports, ...masters] : ports });
}
