/**
 * A failed request as netlink reports it: a positive errno plus the extended-ack
 * payload the kernel would attach (message, offset of the offending attribute, policy).
 * Thrown by parsers and handlers, turned into NLMSG_ERROR or NLMSG_DONE by the ack encoder.
 */
export interface PolicyInfo {
  /** NL_POLICY_TYPE_ATTR_* entries in emission order: [attrType, kind, value]. */
  entries: Array<[number, 'u32' | 'u64' | 's64', number | bigint]>;
}

export class NlError extends Error {
  constructor(
    readonly errno: number,
    readonly extMsg?: string,
    /** Byte offset of the offending attribute from the start of the request's nlmsghdr. */
    readonly offset?: number,
    readonly policy?: PolicyInfo,
    /** NLMSGERR_ATTR_MISS_TYPE: the attribute a request lacked (NL_SET_ERR_ATTR_MISS). */
    readonly missType?: number,
  ) {
    super(extMsg ? `errno ${errno}: ${extMsg}` : `errno ${errno}`);
    this.name = 'NlError';
  }
}
