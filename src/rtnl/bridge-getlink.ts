import { ARPHRD_ETHER, NLM_F_MULTI, RTM_NEWLINK } from '../../protocol/constants.js';
import { writeBridgePortMessage, type BridgePortMessage } from '../../protocol/bridge-port-message.js';
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

/** Kinds whose ports have an AF_BRIDGE view (the bridge). */
const PORT_MASTER_KINDS = (Object.keys(KIND_WIRE) as KindName[]).filter((kind) => KIND_WIRE[kind].fillSlave);

/**
 * rtnl_bridge_getlink() for PF_BRIDGE dumps: one AF_BRIDGE RTM_NEWLINK per bridge port, in
 * ascending index order. Only the ports of such masters are visited, not every link.
 */
export function dumpBridgePorts(req: Request): DumpCursor {
  const { model } = req;
  const { seq } = req.hdr;
  const { portid } = req.session;
  const ports = PORT_MASTER_KINDS.flatMap((kind) => [...model.linksOfKind(kind)].flatMap((master) => model.portsOf(master.index)));
  return walkLinks(req, (w, link) => {
    const m = bridgePortMessage(model, link, true);
    if (m) writeBridgePortMessage(w, RTM_NEWLINK, NLM_F_MULTI, seq, portid, m);
    return m !== undefined;
  }, { only: ports });
}
