import {
  IFLA_MASTER, NDA_FLAGS_EXT, NDA_IFINDEX, NDA_LLADDR, NDA_MASTER, NDA_MAX, NDA_VLAN, NDA_VNI, NLM_F_CREATE,
  NLM_F_EXCL, NLM_F_MULTI, NTF_MASTER, NTF_SELF, NTF_STICKY, NUD_NOARP, NUD_PERMANENT, NUD_REACHABLE, RTM_NEWNEIGH,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { writeFdbMessage, type FdbMessage } from '../../protocol/fdb-message.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrU16, attrU32, parseAttrs, type AttrTable, type Policy } from '../../protocol/policy.js';
import { decodeIfInfoMsg, decodeNdMsg, IFINFOMSG_SIZE, NDMSG_SIZE, NLMSGHDR_SIZE, type NdMsg } from '../../protocol/structs.js';
import type { NlWriter } from '../../protocol/writer.js';
import type { FdbState } from '../model/fdb/entry.js';
import { KINDS } from '../model/kinds.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';
import { einval } from './errors.js';
import { deviceAddressList, fdbMessage, selfMessage } from './fdb-view.js';
import type { DumpCursor, Request } from './request.js';

const PAYLOAD_START = NLMSGHDR_SIZE + NDMSG_SIZE;
const ETH_ALEN = 6;
const VLAN_N_VID = 4096;

/** rtnl_fdb_add/del parse with no policy (nlmsg_parse_deprecated(..., NULL, extack)). */
const NO_POLICY: Policy = { name: 'fdb', maxType: NDA_MAX, attrs: {} };

const isEther = (l: Readonly<Link>) => KINDS[l.kind].deviceType === 'ether';

interface FdbRequest {
  ndm: NdMsg;
  tb: AttrTable;
  dev: Link;
  mac: Uint8Array;
  vid: number;
}

/** fdb_vid_parse(). */
function vidOf(tb: AttrTable): number {
  const a = tb.get(NDA_VLAN);
  if (!a) return 0;
  if (a.data.length !== 2) throw einval('invalid vlan attribute size');
  const vid = attrU16(a);
  if (!vid || vid >= VLAN_N_VID - 1) throw einval('invalid vlan id');
  return vid;
}

/** The checks rtnl_fdb_add and rtnl_fdb_del share, in their order. */
function parseFdbRequest(req: Request, what: 'add' | 'delete'): FdbRequest {
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval();
  const parsed = parseAttrs(msg, PAYLOAD_START, msg.length, NO_POLICY, false);
  req.warning = parsed.warning;
  const tb = parsed.attrs;
  const ndm = decodeNdMsg(msg, NLMSGHDR_SIZE);
  if (ndm.ifindex === 0) throw einval('invalid ifindex');
  const dev = req.model.byIndex(ndm.ifindex);
  if (!dev) throw new NlError(Errno.ENODEV, 'unknown ifindex');
  const ll = tb.get(NDA_LLADDR);
  if (!ll || ll.data.length !== ETH_ALEN) throw einval('invalid address');
  if (!isEther(dev)) throw einval(`FDB ${what} only supported for Ethernet devices`);
  return { ndm, tb, dev, mac: new Uint8Array(ll.data), vid: vidOf(tb) };
}

/** fdb_add_entry()'s state: PERMANENT, NOARP or REACHABLE (in that order of precedence). */
function fdbState(state: number): FdbState | undefined {
  if (state & NUD_PERMANENT) return 'permanent';
  if (state & NUD_NOARP) return 'static';
  if (state & NUD_REACHABLE) return 'dynamic';
  return undefined;
}

/** br_fdb_add(): an entry of the bridge on `port` (0: the bridge itself). */
function bridgeAdd(req: Request, r: FdbRequest, bridge: number, port: number): void {
  const state = fdbState(r.ndm.state);
  if (!state) throw new NlError(Errno.EINVAL);
  if (port === 0 && state !== 'permanent') throw new NlError(Errno.EINVAL);
  if (r.mac.every((b) => b === 0)) throw new NlError(Errno.EINVAL);
  if (r.vid) throw new NlError(Errno.EINVAL); // VLAN filtering is not modelled (off)
  const sticky = (r.ndm.flags & NTF_STICKY) !== 0;
  if (sticky && state === 'permanent') throw new NlError(Errno.EINVAL);
  const f = req.hdr.flags;
  req.model.fdb.add({ bridge, port, mac: r.mac, vid: r.vid, state, sticky, create: (f & NLM_F_CREATE) !== 0, excl: (f & NLM_F_EXCL) !== 0 });
}

/** rtnl_fdb_add(): the bridge's entry (flags 0 or MASTER on a port), then the device's own (SELF). */
export function fdbAdd(req: Request): void {
  const r = parseFdbRequest(req, 'add');
  const { ndm, dev } = r;
  let done = false;
  if ((!ndm.flags || ndm.flags & NTF_MASTER) && dev.master) {
    bridgeAdd(req, r, dev.master, dev.index);
    done = true;
  }
  if (ndm.flags & NTF_SELF) {
    // The bridge's own handler announces its entry itself (no rtnl_fdb_notify: `notified`).
    if (dev.kind === 'bridge') bridgeAdd(req, r, dev.index, 0);
    else {
      // ndo_dflt_fdb_add(): only local addresses, no extended flags, no VLANs.
      if (ndm.state && !(ndm.state & NUD_PERMANENT)) throw new NlError(Errno.EINVAL);
      if (r.tb.has(NDA_FLAGS_EXT) || r.vid) throw new NlError(Errno.EINVAL);
      req.model.fdb.addSelf(dev.index, r.mac, (req.hdr.flags & NLM_F_EXCL) !== 0, ndm.state);
    }
    done = true;
  }
  if (!done) throw new NlError(Errno.EOPNOTSUPP);
}

/** rtnl_fdb_del(). NLM_F_BULK flushes are not modelled. */
export function fdbDel(req: Request): void {
  if (req.hdr.flags & 0x200) throw new NlError(Errno.EOPNOTSUPP, 'rtnld: bulk FDB deletes are not modelled');
  const r = parseFdbRequest(req, 'delete');
  const { ndm, dev } = r;
  let done = false;
  if ((!ndm.flags || ndm.flags & NTF_MASTER) && dev.master) {
    req.model.fdb.delete(dev.master, dev.index, r.mac, r.vid);
    done = true;
  }
  if (ndm.flags & NTF_SELF) {
    if (dev.kind === 'bridge') req.model.fdb.delete(dev.index, 0, r.mac, r.vid);
    else {
      if (!(ndm.state & NUD_PERMANENT)) throw new NlError(Errno.EINVAL);
      req.model.fdb.deleteSelf(dev.index, r.mac, ndm.state);
    }
    done = true;
  }
  if (!done) throw new NlError(Errno.EOPNOTSUPP);
}

/** The dump's filters: a port (brport_idx) and a bridge (br_idx). */
function dumpFilter(req: Request): { port: number; bridge: number } {
  const msg = req.message;
  const tail = msg.length - NLMSGHDR_SIZE;
  if (!req.session.strict) {
    // A plain ndmsg (alone or with one u32 attribute) filters nothing; anything else is read as ifinfomsg.
    if (tail === NDMSG_SIZE || tail === NDMSG_SIZE + 8 || tail < IFINFOMSG_SIZE) return { port: 0, bridge: 0 };
    const ifi = decodeIfInfoMsg(msg, NLMSGHDR_SIZE);
    const tb = parseAttrs(msg, NLMSGHDR_SIZE + IFINFOMSG_SIZE, msg.length, { name: 'ifla', maxType: 0xffff, attrs: {} }, false).attrs;
    const master = tb.get(IFLA_MASTER);
    return { port: ifi.index, bridge: master && master.data.length >= 4 ? attrU32(master) : 0 };
  }
  if (tail < NDMSG_SIZE) throw einval('Invalid header for fdb dump request');
  const ndm = decodeNdMsg(msg, NLMSGHDR_SIZE);
  if (ndm.pad1 || ndm.pad2 || ndm.state || ndm.flags || ndm.type) throw einval('Invalid values in header for fdb dump request');
  const tb = parseAttrs(msg, PAYLOAD_START, msg.length, NO_POLICY, true).attrs;
  const f = { port: ndm.ifindex, bridge: 0 };
  for (const [type, a] of tb) {
    if (type === NDA_IFINDEX && a.data.length === 4) f.port = attrU32(a);
    else if (type === NDA_MASTER && a.data.length === 4) f.bridge = attrU32(a);
    else throw einval('Unsupported attribute in fdb dump request');
  }
  return f;
}

/** Everything rtnl_fdb_dump lists for one device, in order. */
function deviceEntries(model: NetworkModel, dev: Readonly<Link>): FdbMessage[] {
  const out: FdbMessage[] = [];
  if (dev.master) for (const e of model.fdb.entries(dev.master)) if (e.port === dev.index) out.push(fdbMessage(model, e));
  if (!isEther(dev)) return out;
  for (const mac of deviceAddressList(model, dev)) out.push(selfMessage(dev.index, mac));
  if (dev.kind === 'bridge') for (const e of model.fdb.entries(dev.index)) if (e.port === 0) out.push(fdbMessage(model, e));
  return out;
}

/** rtnl_fdb_dump(): devices in ifindex order, each one's entries (bridge entries on ports, device lists, the bridge's own). */
export function fdbDump(req: Request): DumpCursor {
  const model = req.model;
  let filter: { port: number; bridge: number };
  try {
    filter = dumpFilter(req);
    if (filter.bridge && !model.byIndex(filter.bridge)) throw new NlError(Errno.ENODEV);
  } catch (e) {
    return { doneFlags: 0, error: e as NlError, generation: () => 0, next: () => false };
  }
  const { seq } = req.hdr;
  const { portid } = req.session;
  let after = 0;
  let pending: FdbMessage[] = [];
  const wanted = (dev: Readonly<Link>) => {
    if (filter.port && dev.index !== filter.port) return false;
    if (!filter.bridge) return true;
    return dev.index === filter.bridge || dev.master === filter.bridge;
  };
  return {
    doneFlags: 0,
    generation: () => model.generation.linkDumpSeq + model.fdb.generation,
    next(w: NlWriter): boolean {
      while (pending.length === 0) {
        const dev = model.linkAfter(after);
        if (!dev) return false;
        after = dev.index;
        if (wanted(dev)) pending = deviceEntries(model, dev);
      }
      writeFdbMessage(w, RTM_NEWNEIGH, NLM_F_MULTI, seq, portid, pending.shift()!);
      return true;
    },
  };
}

/** rtnl_valid_fdb_get_req() and rtnl_fdb_get() (always strict): one master entry. */
export function fdbGet(req: Request): void {
  const msg = req.message;
  const model = req.model;
  if (msg.length < PAYLOAD_START) throw einval('Invalid header for fdb get request');
  const ndm = decodeNdMsg(msg, NLMSGHDR_SIZE);
  if (ndm.pad1 || ndm.pad2 || ndm.state || ndm.type) throw einval('Invalid values in header for fdb get request');
  if (ndm.flags & ~(NTF_MASTER | NTF_SELF)) throw einval('Invalid flags in header for fdb get request');
  const tb = parseAttrs(msg, PAYLOAD_START, msg.length, NO_POLICY, true).attrs;
  for (const type of tb.keys()) {
    if (type !== NDA_MASTER && type !== NDA_LLADDR && type !== NDA_VLAN && type !== NDA_VNI) throw einval('Unsupported attribute in fdb get request');
  }
  const ll = tb.get(NDA_LLADDR);
  if (!ll || ll.data.length !== ETH_ALEN) throw einval('Missing lookup address for fdb get request');
  const vid = vidOf(tb);
  const brIdx = tb.has(NDA_MASTER) ? attrU32(tb.get(NDA_MASTER)!) : 0;
  if (brIdx && ndm.ifindex) throw einval('Master and device are mutually exclusive');
  let bridge: Readonly<Link> | undefined;
  let dev: Readonly<Link> | undefined;
  if (brIdx) {
    bridge = model.byIndex(brIdx);
    if (!bridge) throw new NlError(Errno.ENODEV, 'Invalid master ifindex');
  }
  if (ndm.ifindex) {
    dev = model.byIndex(ndm.ifindex);
    if (!dev) throw new NlError(Errno.ENODEV, 'Unknown device ifindex');
  }
  if (!bridge && !dev) throw new NlError(Errno.ENODEV, 'No device specified');
  let owner: number;
  if (!ndm.flags || ndm.flags & NTF_MASTER) {
    if (bridge) {
      if (bridge.kind !== 'bridge') throw new NlError(Errno.EOPNOTSUPP, 'Fdb get operation not supported by device');
      owner = bridge.index;
    } else {
      if (!dev!.master) throw einval('Device is not a bridge port');
      owner = dev!.master;
    }
  } else {
    if (dev?.kind !== 'bridge') throw new NlError(Errno.EOPNOTSUPP, 'Fdb get operation not supported by device');
    owner = dev.index;
  }
  const e = model.fdb.find(owner, new Uint8Array(ll.data), vid);
  if (!e) throw new NlError(Errno.ENOENT, 'Fdb entry not found');
  writeFdbMessage(req.out, RTM_NEWNEIGH, 0, req.hdr.seq, req.session.portid, fdbMessage(model, e));
}
