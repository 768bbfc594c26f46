import {
  NETNSA_FD, NETNSA_NSID, NETNSA_NSID_NOT_ASSIGNED, NETNSA_PID, NETNSA_TARGET_NSID, NLM_F_ECHO, NLM_F_MULTI, RTM_NEWNSID,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { NlError } from '../../protocol/nl-error.js';
import { NETNSA_POLICY, RTGENMSG_SIZE, writeNsidMessage } from '../../protocol/nsid-message.js';
import { attrS32, attrU32, parseMessage, type AttrTable, type NlAttr } from '../../protocol/policy.js';
import type { Namespace } from '../model/netns/namespace.js';
import { einval } from './errors.js';
import { causeOf, type DumpCursor, type NetnsScope, type Request } from './request.js';

const PEER_INVALID = 'Peer netns reference is invalid';

/** The requester's namespace scope; a daemon of one namespace has no peers at all. */
function scopeOf(req: Request): NetnsScope | undefined {
  return req.netns;
}

/**
 * get_net_ns_by_pid / get_net_ns_by_fd / get_net_ns_by_id for one NETNSA attribute, with the
 * kernel's errno: PID unknown -ESRCH, fd not bound -EBADF, id not assigned -ENOENT.
 */
function peerBy(scope: NetnsScope | undefined, attr: NlAttr, type: number): Namespace {
  const fail = (errno: number) => new NlError(errno, PEER_INVALID, attr.offset);
  if (type === NETNSA_PID) return scope?.byPid(attrU32(attr)) ?? (() => { throw fail(Errno.ESRCH); })();
  if (type === NETNSA_FD) return scope?.byFd(attrU32(attr)) ?? (() => { throw fail(Errno.EBADF); })();
  return scope?.current.nsids.peerOf(attrS32(attr)) ?? (() => { throw fail(Errno.ENOENT); })();
}

/** The peer named by PID, else FD, else (when allowed) NSID: rtnl_net_getid / rtnl_net_newid order. */
function findPeer(scope: NetnsScope | undefined, tb: AttrTable, nsidIsPeer: boolean): { peer: Namespace; attr: NlAttr } | undefined {
  for (const type of nsidIsPeer ? [NETNSA_PID, NETNSA_FD, NETNSA_NSID] : [NETNSA_PID, NETNSA_FD]) {
    const attr = tb.get(type);
    if (attr) return { peer: peerBy(scope, attr, type), attr };
  }
  return undefined;
}

/** rtnl_net_getid(): the peer's id in the requester's namespace (or in TARGET_NSID's, with CURRENT_NSID). */
export function getNsid(req: Request): void {
  const strict = req.session.strict;
  const { attrs: tb } = parseMessage(req.message, RTGENMSG_SIZE, NETNSA_POLICY, strict);
  if (strict) {
    for (const [type, attr] of tb) {
      if (![NETNSA_PID, NETNSA_FD, NETNSA_NSID, NETNSA_TARGET_NSID].includes(type)) {
        throw einval('Unsupported attribute in peer netns getid request', attr.offset);
      }
    }
  }
  const scope = scopeOf(req);
  const found = findPeer(scope, tb, true);
  if (!found) throw einval('Peer netns reference is missing');
  let observer = scope!.current;
  let current: number | undefined;
  const target = tb.get(NETNSA_TARGET_NSID);
  if (target) {
    const t = scope!.current.nsids.peerOf(attrS32(target));
    if (!t) throw einval('Target netns reference is invalid', target.offset);
    current = scope!.current.nsids.idOf(found.peer) ?? NETNSA_NSID_NOT_ASSIGNED;
    observer = t;
  }
  const id = observer.nsids.idOf(found.peer) ?? NETNSA_NSID_NOT_ASSIGNED;
  writeNsidMessage(req.out, RTM_NEWNSID, 0, req.hdr.seq, req.session.portid, id, current);
}

/** rtnl_net_dumpid(): the table in ascending id order; TARGET_NSID only on a strict socket. */
export function dumpNsid(req: Request): DumpCursor {
  const scope = scopeOf(req);
  let table = scope?.current;
  let ref: Namespace | undefined;
  if (req.session.strict && req.message.length > 16) {
    const { attrs: tb } = parseMessage(req.message, RTGENMSG_SIZE, NETNSA_POLICY, true);
    for (const [type, attr] of tb) {
      if (type !== NETNSA_TARGET_NSID) throw einval('Unsupported attribute in dump request', attr.offset);
      const t = scope?.current.nsids.peerOf(attrS32(attr));
      if (!t) throw einval('Invalid target network namespace id', attr.offset);
      ref = scope!.current;
      table = t;
    }
  }
  const entries = table ? table.nsids.entries() : [];
  let i = 0;
  return {
    doneFlags: 0,
    generation: () => req.model.generation.linkDumpSeq,
    next: (w) => {
      const e = entries[i++];
      if (!e) return false;
      const current = ref ? (ref.nsids.idOf(e[1]) ?? NETNSA_NSID_NOT_ASSIGNED) : undefined;
      writeNsidMessage(w, RTM_NEWNSID, NLM_F_MULTI, req.hdr.seq, req.session.portid, e[0], current);
      return true;
    },
  };
}

/** rtnl_net_newid(): assigns an id (the lowest free one when negative) to the peer named by PID or FD. */
export function newNsid(req: Request): void {
  const { attrs: tb } = parseMessage(req.message, RTGENMSG_SIZE, NETNSA_POLICY, false);
  const nsidAttr = tb.get(NETNSA_NSID);
  if (!nsidAttr) throw einval('nsid is missing');
  const scope = scopeOf(req);
  const found = findPeer(scope, tb, false);
  if (!found) throw einval('Peer netns reference is missing');
  const self = scope!.current;
  if (self.nsids.idOf(found.peer) !== undefined) {
    throw new NlError(Errno.EEXIST, 'Peer netns already has a nsid assigned', found.attr.offset);
  }
  const nsid = attrS32(nsidAttr);
  if (nsid >= 0 && self.nsids.peerOf(nsid)) throw new NlError(Errno.EEXIST, 'The specified nsid is already used', nsidAttr.offset);
  scope!.registry.assignNsid(self, found.peer, nsid, causeOf(req, (req.hdr.flags & NLM_F_ECHO) !== 0));
}
