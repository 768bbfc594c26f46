import {
  IFLA_ALT_IFNAME, IFLA_EXT_MASK, IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MASTER, IFLA_TARGET_NETNSID,
  NLM_F_DUMP_FILTERED, NLM_F_MULTI, RTEXT_FILTER_SKIP_STATS, RTM_NEWLINK,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { IFLA_INFO_POLICY, IFLA_POLICY } from '../../protocol/link-policy.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrS32, attrString, attrU32, parseMessage, parseNested, type AttrTable } from '../../protocol/policy.js';
import { decodeIfInfoMsg, IFINFOMSG_SIZE, NLMSGHDR_SIZE, RTGENMSG_SIZE } from '../../protocol/structs.js';
import type { NetworkModel } from '../model/store.js';
import type { KindName, Link } from '../model/types.js';
import { einval } from './errors.js';
import { KIND_WIRE } from './link-kinds.js';
import { lookupLink } from './link-lookup.js';
import { writeCachedLink } from './link-cache.js';
import { linkMessage } from './link-view.js';
import { writeLinkMessage } from '../../protocol/link-message.js';
import type { NlWriter } from '../../protocol/writer.js';
import type { Namespace } from '../model/netns/namespace.js';
import { walkLinks, type LinkEntryWriter } from './link-walk.js';
import type { DumpCursor, Request } from './request.js';

const PAYLOAD_START = NLMSGHDR_SIZE + IFINFOMSG_SIZE;
const INVALID_NETNSID = 'Invalid target network namespace id';

function headerFieldsSet(req: Request): boolean {
  const ifm = decodeIfInfoMsg(req.message, NLMSGHDR_SIZE);
  return ifm.pad !== 0 || ifm.type !== 0 || ifm.flags !== 0 || ifm.change !== 0;
}

function skipStats(tb: AttrTable): boolean {
  const mask = tb.get(IFLA_EXT_MASK);
  return mask ? (attrU32(mask) & RTEXT_FILTER_SKIP_STATS) !== 0 : false;
}

/** rtnl_getlink() with rtnl_valid_getlink_req(). */
export function getLink(req: Request): void {
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval('Invalid header for get link');
  const strict = req.session.strict;
  if (strict && headerFieldsSet(req)) throw einval('Invalid values in header for get link request');
  const parsed = parseMessage(msg, IFINFOMSG_SIZE, IFLA_POLICY, strict);
  const tb = parsed.attrs;
  if (strict) {
    for (const attr of tb.values()) {
      if (![IFLA_IFNAME, IFLA_ALT_IFNAME, IFLA_EXT_MASK, IFLA_TARGET_NETNSID].includes(attr.type)) {
        throw einval('Unsupported attribute in get link request');
      }
    }
  }
  const target = targetNetns(req, tb);
  const model = target?.ns.model ?? req.model;
  const ifm = decodeIfInfoMsg(msg, NLMSGHDR_SIZE);
  const link = lookupLink(model, ifm.index, tb);
  if (link === 'unidentified') throw einval();
  if (!link) throw new NlError(Errno.ENODEV);
  req.warning = parsed.warning;
  if (target) writeTargetLink(req.out, req, target, link, 0, skipStats(tb));
  else writeCachedLink(req.out, req.model, link, 0, req.hdr.seq, req.session.portid, skipStats(tb));
}

/** IFLA_TARGET_NETNSID: the namespace with that id in the requester's table (unknown: -EINVAL, no message). */
function targetNetns(req: Request, tb: AttrTable, msg?: string): { ns: Namespace; nsid: number } | undefined {
  const attr = tb.get(IFLA_TARGET_NETNSID);
  if (!attr) return undefined;
  const nsid = attrS32(attr);
  const ns = req.netns?.current.nsids.peerOf(nsid);
  if (!ns) throw einval(msg);
  return { ns, nsid };
}

/** A device of another namespace: TARGET_NETNSID first, LINK_NETNSID in the requester's ids (rtnl_fill_ifinfo with tgt_netnsid). */
function writeTargetLink(w: NlWriter, req: Request, target: { ns: Namespace; nsid: number }, link: Link, flags: number, skip: boolean): void {
  const m = linkMessage(target.ns.model, link, { skipStats: skip, observer: req.netns!.current.name });
  m.targetNetnsid = target.nsid;
  writeLinkMessage(w, RTM_NEWLINK, flags, req.hdr.seq, req.session.portid, m);
}

interface LinkDumpFilter {
  /** IFLA_MASTER: 0 none, 0xffffffff devices without a master, else that master's ports. */
  master: number;
  kind?: string | undefined;
}

function filteredOut(link: Link, f: LinkDumpFilter): boolean {
  if (f.master) {
    if (f.master === 0xffffffff) return link.master !== 0;
    if (link.master !== f.master) return true;
  }
  return f.kind !== undefined && link.kind !== f.kind;
}

/** The smallest set of links a filter can match (a master's ports, a kind's links); undefined: every link. */
function candidates(model: NetworkModel, f: LinkDumpFilter): Iterable<Link> | undefined {
  const ports = f.master && f.master !== 0xffffffff ? model.portsOf(f.master) : undefined;
  const ofKind = f.kind !== undefined ? model.linksOfKind(f.kind as KindName) : undefined;
  if (ports && ofKind) return ports.length <= ofKind.size ? ports : ofKind;
  return ports ?? ofKind;
}

/** linkinfo_to_kind_ops(): the kind named in IFLA_LINKINFO, if rtnld knows it. */
function kindFilter(tb: AttrTable): string | undefined {
  const linkinfo = tb.get(IFLA_LINKINFO);
  if (!linkinfo) return undefined;
  try {
    const kind = parseNested(linkinfo, IFLA_INFO_POLICY).get(IFLA_INFO_KIND);
    const name = kind ? attrString(kind) : undefined;
    return name !== undefined && name !== 'lo' && Object.hasOwn(KIND_WIRE, name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** rtnl_dump_ifinfo() with rtnl_valid_dump_ifinfo_req(). Errors end the dump inside NLMSG_DONE. */
export function dumpLinks(req: Request): DumpCursor {
  const msg = req.message;
  const strict = req.session.strict;
  let tb: AttrTable | undefined;
  if (strict) {
    if (msg.length < PAYLOAD_START) throw einval('Invalid header for link dump');
    if (headerFieldsSet(req)) throw einval('Invalid values in header for link dump request');
    if (decodeIfInfoMsg(msg, NLMSGHDR_SIZE).index !== 0) throw einval('Filter by device index not supported for link dumps');
    tb = parseMessage(msg, IFINFOMSG_SIZE, IFLA_POLICY, true).attrs;
  } else {
    // Old clients send a 1-byte rtgenmsg (its attributes start NLMSG_ALIGNed); a parse failure dumps everything.
    const hdrlen = msg.length < PAYLOAD_START ? RTGENMSG_SIZE : IFINFOMSG_SIZE;
    try {
      tb = parseMessage(msg, hdrlen, IFLA_POLICY, false).attrs;
    } catch {
      tb = undefined;
    }
  }
  const filter: LinkDumpFilter = { master: 0 };
  let skip = false;
  let target: { ns: Namespace; nsid: number } | undefined;
  if (tb) {
    for (const attr of tb.values()) {
      switch (attr.type) {
        case IFLA_TARGET_NETNSID:
          target = targetNetns(req, tb, INVALID_NETNSID);
          break;
        case IFLA_EXT_MASK:
          skip = skipStats(tb);
          break;
        case IFLA_MASTER:
          filter.master = attrU32(attr);
          break;
        case IFLA_LINKINFO:
          filter.kind = kindFilter(tb);
          break;
        default:
          if (strict) throw einval('Unsupported attribute in link dump request');
      }
    }
  }
  const { seq } = req.hdr;
  const { portid } = req.session;
  const filtered = filter.master !== 0 || filter.kind !== undefined;
  const entryFlags = NLM_F_MULTI | (filtered ? NLM_F_DUMP_FILTERED : 0);
  if (target) {
    const t = target;
    return walkLinks({ ...req, model: t.ns.model }, (w, link) => {
      if (filteredOut(link, filter)) return false;
      writeTargetLink(w, req, t, link, entryFlags, skip);
      return true;
    }, { only: filtered ? candidates(t.ns.model, filter) : undefined });
  }
  const { model } = req;
  return walkLinks(req, new LinkDumpEntries(model, filter, entryFlags, seq, portid, skip),
    filtered ? { only: candidates(model, filter) } : { replayKey: `link/${skip ? 'skip-stats' : 'stats'}` });
}

/** A link dump's entries in the requester's own namespace (a class: link-walk.ts says why). */
class LinkDumpEntries implements LinkEntryWriter {
  constructor(
    private readonly model: NetworkModel,
    private readonly filter: LinkDumpFilter,
    private readonly entryFlags: number,
    private readonly seq: number,
    private readonly portid: number,
    private readonly skip: boolean,
  ) {}

  write(w: NlWriter, link: Link): boolean {
    if (filteredOut(link, this.filter)) return false;
    writeCachedLink(w, this.model, link, this.entryFlags, this.seq, this.portid, this.skip, false);
    return true;
  }
}
