import type { DecodedAck } from '../../protocol/ack-decode.js';
import { errnoSymbol, strerror } from '../../protocol/errno-names.js';

/**
 * A request the daemon (or kernel) refused: the errno of its NLMSG_ERROR / NLMSG_DONE, the
 * errno's symbolic name in `name` and `code` ("EEXIST"), and the extended-ack text if any.
 */
export class NetlinkError extends Error {
  /** Positive errno, e.g. 17. */
  readonly errno: number;
  /** The errno's symbol, e.g. "EEXIST" (also in `name`). */
  readonly code: string;
  /** NLMSGERR_ATTR_MSG, e.g. "ipv4: Address already assigned". */
  readonly extAck: string | undefined;
  /** NLMSGERR_ATTR_OFFS: offset of the offending attribute in the request. */
  readonly offset: number | undefined;
  /** nlmsg_type of the request that failed. */
  readonly requestType: number | undefined;

  constructor(errno: number, extAck?: string, offset?: number, requestType?: number) {
    const code = errnoSymbol(errno);
    super(extAck ? `${code}: ${extAck}` : `${code}: ${strerror(errno)}`);
    this.errno = Math.abs(errno);
    this.code = code;
    this.name = code;
    this.extAck = extAck;
    this.offset = offset;
    this.requestType = requestType;
  }

  /** The C library's text for the errno ("File exists"), as "RTNETLINK answers: ..." prints it. */
  get strerror(): string {
    return strerror(this.errno);
  }

  static fromAck(ack: DecodedAck, requestType?: number): NetlinkError {
    return new NetlinkError(ack.errno, ack.extMsg, ack.offset, ack.requestType ?? requestType);
  }
}

/** The connection closed (or failed) while requests were outstanding. */
export class ConnectionClosedError extends Error {
  constructor(message = 'rtnetlink connection closed') {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}
