import type { Mutex } from 'async-mutex';
import { writeAck } from '../../protocol/ack.js';
import {
  AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC, isGetType, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_MIN_TYPE,
  RTM_DELADDR, RTM_DELLINK, RTM_DELLINKPROP, RTM_GETADDR, RTM_GETLINK, RTM_MAX, RTM_NEWADDR, RTM_NEWLINK,
  RTM_NEWLINKPROP, RTM_SETLINK, RTM_GETNSID, RTM_NEWNSID, RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE,
  RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE, RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH, RTM_GETNEIGHTBL, RTM_SETNEIGHTBL,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { NlError } from '../../protocol/nl-error.js';
import { decodeNlMsgHdr, NLMSGHDR_SIZE } from '../../protocol/structs.js';
import type { NlWriter } from '../../protocol/writer.js';
import type { NetworkModel } from '../model/store.js';
import { dumpBridgePorts } from './bridge-getlink.js';
import { dumpAllAddr, inet6DumpAddr, inet6GetAddr, inetDumpAddr } from './getaddr.js';
import { inet6DelAddr, inet6NewAddr, inetDelAddr, inetNewAddr } from './newaddr.js';
import { delLink } from './dellink.js';
import { toNlError } from './errors.js';
import { dumpLinks, getLink } from './getlink.js';
import { dumpAllRoute, inet6DumpRoute, inet6GetRoute, inetDumpRoute, inetGetRoute } from './getroute.js';
import { inet6DelRoute, inet6NewRoute, inetDelRoute, inetNewRoute } from './newroute.js';
import { linkProp } from './linkprop.js';
import { delRule, dumpRules, newRule } from './rules.js';
import { fdbAdd, fdbDel, fdbDump, fdbGet } from './fdb.js';
import { dumpNeigh, getNeigh } from './getneigh.js';
import { dumpNeighTables, setNeighTable } from './neightbl.js';
import { delNeigh, newNeigh } from './newneigh.js';
import { newLink, setLink } from './newlink.js';
import { DumpRun } from './dump-run.js';
import { dumpNsid, getNsid, newNsid } from './nsid.js';
import type { DumpCursor, Request, SessionView } from './request.js';
import { TrackedScope } from './netns-refs.js';
import type { RequestNetns } from '../state/record.js';

/** One rtnetlink handler registration, as rtnl_register(family, type, doit, dumpit). */
interface Handler {
  type: number;
  family: number;
  doit?: (req: Request) => void;
  dumpit?: (req: Request) => DumpCursor;
}

/** The handler table (net/core/rtnetlink.c: rtnetlink_init). Lookups fall back to PF_UNSPEC. */
const HANDLERS: readonly Handler[] = [
  { type: RTM_NEWLINK, family: AF_UNSPEC, doit: newLink },
  { type: RTM_DELLINK, family: AF_UNSPEC, doit: delLink },
  { type: RTM_GETLINK, family: AF_UNSPEC, doit: getLink, dumpit: dumpLinks },
  { type: RTM_SETLINK, family: AF_UNSPEC, doit: setLink },
  { type: RTM_GETLINK, family: AF_BRIDGE, dumpit: dumpBridgePorts },
  { type: RTM_NEWLINKPROP, family: AF_UNSPEC, doit: linkProp },
  { type: RTM_DELLINKPROP, family: AF_UNSPEC, doit: linkProp },
  // net_namespace.c: rtnl_net_init(); RTM_DELNSID has no handler (-EOPNOTSUPP).
  { type: RTM_NEWNSID, family: AF_UNSPEC, doit: newNsid },
  { type: RTM_GETNSID, family: AF_UNSPEC, doit: getNsid, dumpit: dumpNsid },
  // devinet_init(): IPv4 GETADDR has a dumpit only, so a GETADDR doit for AF_INET is -EOPNOTSUPP.
  { type: RTM_NEWADDR, family: AF_INET, doit: inetNewAddr },
  { type: RTM_DELADDR, family: AF_INET, doit: inetDelAddr },
  { type: RTM_GETADDR, family: AF_INET, dumpit: inetDumpAddr },
  // addrconf_init()
  { type: RTM_NEWADDR, family: AF_INET6, doit: inet6NewAddr },
  { type: RTM_DELADDR, family: AF_INET6, doit: inet6DelAddr },
  { type: RTM_GETADDR, family: AF_INET6, doit: inet6GetAddr, dumpit: inet6DumpAddr },
  // rtnetlink_init(): rtnl_dump_all for every other family (IPv4, then IPv6).
  { type: RTM_GETADDR, family: AF_UNSPEC, dumpit: dumpAllAddr },
  // ip_fib_init() and ip_rt_init() (IPv4), ip6_route_init() (IPv6)
  { type: RTM_NEWROUTE, family: AF_INET, doit: inetNewRoute },
  { type: RTM_DELROUTE, family: AF_INET, doit: inetDelRoute },
  { type: RTM_GETROUTE, family: AF_INET, doit: inetGetRoute, dumpit: inetDumpRoute },
  { type: RTM_NEWROUTE, family: AF_INET6, doit: inet6NewRoute },
  { type: RTM_DELROUTE, family: AF_INET6, doit: inet6DelRoute },
  { type: RTM_GETROUTE, family: AF_INET6, doit: inet6GetRoute, dumpit: inet6DumpRoute },
  { type: RTM_GETROUTE, family: AF_UNSPEC, dumpit: dumpAllRoute },
  // fib_rules_init(): one registration for every rule family (the family is read from fib_rule_hdr).
  { type: RTM_NEWRULE, family: AF_UNSPEC, doit: newRule },
  { type: RTM_DELRULE, family: AF_UNSPEC, doit: delRule },
  { type: RTM_GETRULE, family: AF_UNSPEC, dumpit: dumpRules },
  // rtnetlink_init(): the bridge FDB over PF_BRIDGE neighbour messages (rtnl_fdb_add/del/get/dump).
  { type: RTM_NEWNEIGH, family: AF_BRIDGE, doit: fdbAdd },
  { type: RTM_DELNEIGH, family: AF_BRIDGE, doit: fdbDel },
  { type: RTM_GETNEIGH, family: AF_BRIDGE, doit: fdbGet, dumpit: fdbDump },
  // neigh_init(): every family but PF_BRIDGE (rtnl_fdb_*) reaches these; they accept AF_INET and AF_INET6.
  { type: RTM_NEWNEIGH, family: AF_UNSPEC, doit: newNeigh },
  { type: RTM_DELNEIGH, family: AF_UNSPEC, doit: delNeigh },
  { type: RTM_GETNEIGH, family: AF_UNSPEC, doit: getNeigh, dumpit: dumpNeigh },
  { type: RTM_GETNEIGHTBL, family: AF_UNSPEC, dumpit: dumpNeighTables },
  { type: RTM_SETNEIGHTBL, family: AF_UNSPEC, doit: setNeighTable },
];

/** Keyed by family << 16 | type: a number, so that a lookup builds no string per request. */
const handlerKey = (family: number, type: number) => (family << 16) | type;
const handlerTable = new Map<number, Handler>(HANDLERS.map((r) => [handlerKey(r.family, r.type), r]));

export function findHandler(family: number, type: number, want: 'doit' | 'dumpit'): Handler | undefined {
  const exact = handlerTable.get(handlerKey(family, type));
  if (exact?.[want]) return exact;
  const fallback = handlerTable.get(handlerKey(AF_UNSPEC, type));
  return fallback?.[want] ? fallback : undefined;
}

export interface SessionState extends SessionView {
  /** A dump is running on this connection (a second one gets -EBUSY). */
  readonly dumping: boolean;
  /**
   * Keeps everything written to this session from here on unsent until `durable` settles (the
   * --state journal's fsync), so the session may go on with its next requests meanwhile: a
   * write of 64 changes then costs one fsync, not 64. Sessions without it wait per request.
   */
  holdOutputUntil?(durable: Promise<void>): void;
}

/**
 * Watches the request path (metrics) without the handlers knowing about any metrics library.
 * Called synchronously; implementations must be cheap.
 */
export interface RequestObserver {
  /**
   * A request was answered: its nlmsg_type, 0 or the positive errno of its answer, and the
   * seconds from handling to answer (to NLMSG_DONE for a dump, backpressure included).
   */
  requestDone(type: number, errno: number, seconds: number, netns: string): void;
  /** A dump wrote `count` more entries. */
  dumpEntries(count: number, netns: string): void;
}

/** A DumpRun that reports its entries and its end (errno from NLMSG_DONE) to a RequestObserver. */
class WatchedDumpRun extends DumpRun {
  constructor(
    cursor: DumpCursor | NlError,
    seq: number,
    session: SessionView,
    private readonly observer: RequestObserver,
    private readonly type: number,
    private readonly started: number,
  ) {
    super(cursor, seq, session);
    this.netns = session.netnsScope?.current.name ?? '';
  }

  /** The requester's namespace, the metrics' label. */
  private readonly netns: string;

  override fill(w: NlWriter, budget: number): boolean {
    const done = super.fill(w, budget);
    if (this.stepEntries) this.observer.dumpEntries(this.stepEntries, this.netns);
    if (done) this.observer.requestDone(this.type, this.errno, (performance.now() - this.started) / 1000, this.netns);
    return done;
  }
}

/**
 * The rtnetlink request path: header rules of netlink_rcv_skb() and rtnetlink_rcv_msg(),
 * handler lookup, ACK/error replies. Requests that change the model run under the mutex.
 */
/** Where requests that changed the model are recorded (the --state journal). */
export interface ChangeRecorder {
  /** Called in the tick of the change; resolves when the record is durable. */
  record(request: Buffer, where?: RequestNetns): Promise<void> | undefined;
}

/** What a change did: its record's durability (undefined when nothing is recorded), and its answer. */
interface Change {
  durable: Promise<void> | undefined;
  error: NlError | undefined;
  warning: string | undefined;
}

export class RtnlDispatcher {
  constructor(
    private readonly model: NetworkModel,
    private readonly mutex: Mutex,
    private readonly recorder?: ChangeRecorder,
    private readonly observer?: RequestObserver,
  ) {}

  /**
   * Handles one complete message. Replies go to `out`; a dump returns its DumpRun for the
   * transport to drive, any other request the errno of its answer (0: success or no answer).
   * Returns a Promise only when the request had to wait for the mutex.
   */
  handle(message: Buffer, session: SessionState, out: NlWriter): DumpRun | number | Promise<number> {
    const hdr = decodeNlMsgHdr(message);
    const observer = this.observer;
    const started = observer ? performance.now() : 0;
    const ack = (err?: NlError, warning?: string) => {
      if (err) writeAck(out, message, err.errno, session.portid, session, err);
      else if (hdr.flags & NLM_F_ACK) writeAck(out, message, 0, session.portid, session, warning ? { extMsg: warning } : undefined);
      observer?.requestDone(hdr.type, err?.errno ?? 0, (performance.now() - started) / 1000, session.netnsScope?.current.name ?? '');
      return err?.errno ?? 0;
    };
    if (!(hdr.flags & NLM_F_REQUEST) || hdr.type < NLMSG_MIN_TYPE) return ack();
    if (hdr.type > RTM_MAX) return ack(new NlError(Errno.EOPNOTSUPP));
    if (message.length - NLMSGHDR_SIZE < 1) return ack();
    const family = message[NLMSGHDR_SIZE]!;
    const isGet = isGetType(hdr.type);
    if (!isGet && session.readOnly) return ack(new NlError(Errno.EPERM));
    // Read once: a connection's scope is a getter (the handlers see it through req.netns).
    const netnsScope = session.netnsScope;
    const model = netnsScope?.current.model ?? this.model;
    // A change is journaled with the namespaces it named (--state replays it without the connection).
    const scope = !isGet && this.recorder && netnsScope ? new TrackedScope(netnsScope) : netnsScope;
    const req: Request = { model, message, hdr, session, out, netns: scope };
    if (isGet && hdr.flags & NLM_F_DUMP) {
      const handler = findHandler(family, hdr.type, 'dumpit');
      if (!handler) return ack(new NlError(Errno.EOPNOTSUPP));
      if (session.dumping) return ack(new NlError(Errno.EBUSY));
      let cursor: DumpCursor | NlError;
      try {
        cursor = handler.dumpit!(req);
      } catch (e) {
        cursor = toNlError(e);
      }
      return observer
        ? new WatchedDumpRun(cursor, hdr.seq, session, observer, hdr.type, started)
        : new DumpRun(cursor, hdr.seq, session);
    }
    const handler = findHandler(family, hdr.type, 'doit');
    if (!handler) return ack(new NlError(Errno.EOPNOTSUPP));
    if (isGet) {
      try {
        handler.doit!(req);
        return ack(undefined, req.warning);
      } catch (e) {
        return ack(toNlError(e));
      }
    }
    const recorder = this.recorder;
    const change = (): Change => {
      // Without a journal nothing is recorded, so the change counts are not read.
      const before = recorder ? model.changeCount + (netnsScope?.registry.changeCount ?? 0) : 0;
      let error: NlError | undefined;
      try {
        handler.doit!(req);
      } catch (e) {
        error = toNlError(e);
      }
      // Even a failed request may have committed changes (do_setlink stops at the first error).
      const durable = recorder && model.changeCount + (netnsScope?.registry.changeCount ?? 0) !== before
        ? recorder.record(message, scope instanceof TrackedScope ? scope.where() : undefined) : undefined;
      return { durable, error, warning: req.warning };
    };
    const answer = ({ durable, error, warning }: Change): number | Promise<number> => {
      if (!durable) return ack(error, warning);
      if (!session.holdOutputUntil) return durable.then(() => ack(error, warning));
      session.holdOutputUntil(durable);
      return ack(error, warning);
    };
    // An unlocked mutex is taken and released within this synchronous call anyway: running the
    // change directly saves runExclusive's promises (a third of a pipelined insert's time).
    if (!this.mutex.isLocked()) return answer(change());
    return this.mutex.runExclusive(change).then(answer);
  }
}
