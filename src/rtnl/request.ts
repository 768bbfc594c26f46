import type { NlError } from '../../protocol/nl-error.js';
import type { NlMsgHdr } from '../../protocol/structs.js';
import type { NlWriter } from '../../protocol/writer.js';
import type { Cause } from '../model/events.js';
import type { Namespace } from '../model/netns/namespace.js';
import type { NamespaceRegistry } from '../model/netns/registry.js';
import type { NetworkModel } from '../model/store.js';
import type { DumpImages } from './dump-image.js';

/** Per-connection settings a handler may consult (the socket's options). */
export interface SessionView {
  readonly portid: number;
  readonly strict: boolean;
  readonly extAck: boolean;
  readonly capAck: boolean;
  /** A read-only socket: requests that change the model get -EPERM. */
  readonly readOnly: boolean;
  /** The connection's namespace and how it names others; absent: the dispatcher's own model, alone. */
  readonly netnsScope?: NetnsScope | undefined;
}

/** A connection's namespace and its ways of naming others (protocol/TRANSPORT.md, Namespaces). */
export interface NetnsScope {
  readonly current: Namespace;
  readonly registry: NamespaceRegistry;
  /** IFLA_NET_NS_FD / NETNSA_FD: the namespace bound to `fd` on this connection (undefined: -EBADF). */
  byFd(fd: number): Namespace | undefined;
  /** IFLA_NET_NS_PID / NETNSA_PID (undefined: -ESRCH). */
  byPid(pid: number): Namespace | undefined;
}

/** One request being handled: its bytes, header, the requesting session and where replies go. */
export interface Request {
  readonly model: NetworkModel;
  /** The whole message, header included, starting at offset 0. */
  readonly message: Buffer;
  readonly hdr: NlMsgHdr;
  readonly session: SessionView;
  /** Replies (not the ACK) are written here, in order. */
  readonly out: NlWriter;
  /** A warning the kernel would attach to a successful ACK (extack message). */
  warning?: string | undefined;
  /** The requester's namespace scope (session.netns), when the daemon has namespaces. */
  readonly netns?: NetnsScope | undefined;
}

export function causeOf(req: Request, echo: boolean): Cause {
  return { portid: req.session.portid, seq: req.hdr.seq, echo };
}

/** A dump in progress: produces entries as the client reads. */
export interface DumpCursor {
  /** Writes the next entry, or several (at least one); false when the dump is complete. */
  next(w: NlWriter): boolean;
  /** cb->answer_flags, carried by NLMSG_DONE too (NLM_F_DUMP_FILTERED for address dumps). */
  readonly doneFlags: number;
  /** Generation of the data walked (dev_base_seq), for NLM_F_DUMP_INTR. */
  generation(): number;
  /** Set when the dump failed after it started: NLMSG_DONE carries it (with doneFlags). */
  readonly error?: NlError | undefined;
  /** Present when the dump may be recorded and replayed while the model is at rest (dump-image.ts). */
  readonly replay?: Replayable | undefined;
}

/** How a dump's output is recorded and resumed (src/rtnl/dump-image.ts). */
export interface Replayable {
  readonly images: DumpImages;
  /** Which dump this is: the variant of the request that changes its output (family, ext mask). */
  readonly key: string;
  /** The cursor's position, to continue live after the last replayed chunk. */
  save(): unknown;
  restore(position: unknown): void;
  /** False once an entry that changes with time alone was written: such a recording is not kept. */
  timeless(): boolean;
}
