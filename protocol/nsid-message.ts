import { NETNSA_CURRENT_NSID, NETNSA_FD, NETNSA_MAX, NETNSA_NSID, NETNSA_PID, NETNSA_TARGET_NSID } from './constants.js';
import type { Policy } from './policy.js';
import type { NlWriter } from './writer.js';

/** net_namespace.c: rtnl_net_policy[]. */
export const NETNSA_POLICY: Policy = {
  name: 'rtnl_net',
  maxType: NETNSA_MAX,
  attrs: {
    [NETNSA_NSID]: { kind: 's32' },
    [NETNSA_PID]: { kind: 'u32' },
    [NETNSA_FD]: { kind: 'u32' },
    [NETNSA_TARGET_NSID]: { kind: 's32' },
  },
};

/** The size of struct rtgenmsg (1 byte, padded to 4 on the wire). */
export const RTGENMSG_SIZE = 1;

/** rtnl_net_fill(): rtgenmsg{0} padded to 4, NETNSA_NSID, and NETNSA_CURRENT_NSID when a target was asked. */
export function writeNsidMessage(w: NlWriter, type: number, flags: number, seq: number, pid: number, nsid: number, currentNsid?: number): void {
  const at = w.msgStart(type, flags, seq, pid);
  w.u8(0).pad();
  w.attrS32(NETNSA_NSID, nsid);
  if (currentNsid !== undefined) w.attrS32(NETNSA_CURRENT_NSID, currentNsid);
  w.msgEnd(at);
}
