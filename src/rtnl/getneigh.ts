import {
  NDA_DST, NDA_IFINDEX, NDA_MASTER, NLM_F_DUMP_FILTERED, NLM_F_MULTI, NTF_PROXY, RTM_NEWNEIGH,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { writeNeighMessage } from '../../protocol/neigh-message.js';
import { NDA_POLICY } from '../../protocol/neigh-policy.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrU32, parseAttrs, type AttrTable } from '../../protocol/policy.js';
import { decodeNdMsg, NDMSG_SIZE, NLMSGHDR_SIZE } from '../../protocol/structs.js';
import type { NlWriter } from '../../protocol/writer.js';
import type { NeighFamily } from '../model/neighbours/neighbour.js';
import { einval, toNlError } from './errors.js';
import { proxyMessage, writeNeighEntry } from './neigh-view.js';
import { toClockT } from '../model/neighbours/neighbour.js';
import { NeighWalk } from '../model/neighbours/table.js';
import { NEIGH_TABLES } from './newneigh.js';
import type { DumpCursor, Request } from './request.js';

const PAYLOAD_START = NLMSGHDR_SIZE + NDMSG_SIZE;

// --- RTM_GETNEIGH doit (neigh_get, neigh_valid_get_req: always strict) ---

export function getNeigh(req: Request): void {
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval('Invalid header for neighbor get request');
  const ndm = decodeNdMsg(msg, NLMSGHDR_SIZE);
  if (ndm.pad1 || ndm.pad2 || ndm.state || ndm.type) throw einval('Invalid values in header for neighbor get request');
  if (ndm.flags & ~NTF_PROXY) throw einval('Invalid flags in header for neighbor get request');
  const proxy = (ndm.flags & NTF_PROXY) !== 0;
  if (!proxy && ndm.ifindex === 0) throw einval('No device specified');
  const tb = parseAttrs(msg, PAYLOAD_START, msg.length, NDA_POLICY, true).attrs;
  const dst = tb.get(NDA_DST);
  if (!dst) throw new NlError(Errno.EINVAL, undefined, undefined, undefined, NDA_DST);
  for (const type of tb.keys()) if (type !== NDA_DST) throw einval('Unsupported attribute in neighbor get request');
  const table = NEIGH_TABLES.get(ndm.family);
  if (!table) throw new NlError(Errno.EAFNOSUPPORT, 'Unsupported family in header for neighbor get request');
  if (dst.data.length !== table.keyLen) throw einval('Invalid network address in neighbor get request');
  if (ndm.ifindex && !req.model.byIndex(ndm.ifindex)) throw new NlError(Errno.ENODEV, 'Unknown device ifindex');
  const neighbours = req.model.neighbours;
  const { seq } = req.hdr;
  const { portid } = req.session;
  if (proxy) {
    const p = neighbours.getProxy(table.family, ndm.ifindex, dst.data);
    if (!p) throw new NlError(Errno.ENOENT, 'Proxy neighbour entry not found');
    writeNeighMessage(req.out, RTM_NEWNEIGH, 0, seq, portid, proxyMessage(p));
    return;
  }
  const n = neighbours.get(table.family, ndm.ifindex, dst.data);
  if (!n) throw new NlError(Errno.ENOENT, 'Neighbour entry not found');
  writeNeighEntry(req.out, RTM_NEWNEIGH, 0, seq, portid, n, toClockT(req.model.now()), neighbours.refcnt(n, 1));
}

// --- RTM_GETNEIGH dump (neigh_dump_info, neigh_valid_dump_req) ---

interface DumpFilter {
  ifindex: number;
  /** 0: any; -1 (0xffffffff): devices without a master. */
  master: number;
}

/** neigh_valid_dump_req(): strict errors end the dump; non-strict ones only leave their message. */
function dumpFilter(req: Request): DumpFilter {
  const msg = req.message;
  const strict = req.session.strict;
  if (msg.length < PAYLOAD_START) {
    throw einval(strict ? 'Invalid header for neighbor dump request' : 'Invalid header length');
  }
  if (strict) {
    const ndm = decodeNdMsg(msg, NLMSGHDR_SIZE);
    if (ndm.pad1 || ndm.pad2 || ndm.ifindex || ndm.state || ndm.type) throw einval('Invalid values in header for neighbor dump request');
    if (ndm.flags & ~NTF_PROXY) throw einval('Invalid flags in header for neighbor dump request');
  }
  const tb: AttrTable = parseAttrs(msg, PAYLOAD_START, msg.length, NDA_POLICY, strict).attrs;
  const filter: DumpFilter = { ifindex: 0, master: 0 };
  for (const type of [...tb.keys()].sort((a, b) => a - b)) {
    if (type === NDA_IFINDEX) filter.ifindex = attrU32(tb.get(type)!);
    else if (type === NDA_MASTER) filter.master = attrU32(tb.get(type)!);
    else if (strict) throw einval('Unsupported attribute in neighbor dump request');
  }
  return filter;
}

export function dumpNeigh(req: Request): DumpCursor {
  const msg = req.message;
  const family = msg[NLMSGHDR_SIZE]!;
  const proxy = msg.length >= PAYLOAD_START && msg[NLMSGHDR_SIZE + 10] === NTF_PROXY;
  let filter: DumpFilter = { ifindex: 0, master: 0 };
  let warning: NlError | undefined;
  try {
    filter = dumpFilter(req);
  } catch (e) {
    const err = toNlError(e);
    if (req.session.strict) return { doneFlags: 0, error: err, generation: () => 0, next: () => false };
    // neigh_dump_info() ignores a non-strict request's errors; the message stays in the extack.
    warning = err.extMsg ? new NlError(0, err.extMsg) : undefined;
  }
  const filtered = filter.ifindex !== 0 || filter.master !== 0;
  const entryFlags = NLM_F_MULTI | (filtered ? NLM_F_DUMP_FILTERED : 0);
  const model = req.model;
  const neighbours = model.neighbours;
  const families: NeighFamily[] = family === 0 ? ['inet', 'inet6'] : NEIGH_TABLES.has(family) ? [NEIGH_TABLES.get(family)!.family] : [];
  const keep = (ifindex: number): boolean => {
    if (filter.ifindex && ifindex !== filter.ifindex) return false;
    if (!filter.master) return true;
    const master = model.byIndex(ifindex)?.master ?? 0;
    return filter.master === 0xffffffff ? master === 0 : master === filter.master;
  };
  const { seq } = req.hdr;
  const { portid } = req.session;
  if (proxy) {
    const it = (function* () {
      for (const f of families) for (const p of neighbours.proxies[f].values()) if (keep(p.ifindex)) yield p;
    })();
    return {
      doneFlags: 0,
      error: warning,
      generation: () => 0,
      next(w: NlWriter): boolean {
        const step = it.next();
        if (step.done) return false;
        writeNeighMessage(w, RTM_NEWNEIGH, entryFlags, seq, portid, proxyMessage(step.value));
        return true;
      },
    };
  }
  // A device filter walks that device only (neigh_ifindex_filtered on every entry otherwise).
  const walk = new NeighWalk(families.map((f) => neighbours.tables[f]), filter.ifindex);
  const now = toClockT(model.now());
  const everyDevice = filter.master === 0;
  return {
    doneFlags: 0,
    error: warning,
    generation: () => 0,
    next(w: NlWriter): boolean {
      for (;;) {
        const n = walk.next();
        if (n === undefined) return false;
        if (!everyDevice && !keep(n.ifindex)) continue;
        writeNeighEntry(w, RTM_NEWNEIGH, entryFlags, seq, portid, n, now, neighbours.refcnt(n, 0));
        return true;
      }
    },
  };
}
