/** A port range selector (struct fib_rule_port_range); unset is absent. */
export interface PortRange {
  start: number;
  end: number;
}

/**
 * One FIB rule (struct fib_rule + fib4_rule / fib6_rule) as plain values. `family` is the
 * rtnetlink family of its rule set: AF_INET, AF_INET6, RTNL_FAMILY_IPMR or RTNL_FAMILY_IP6MR.
 */
export interface FibRule {
  family: number;
  pref: number;
  /** FRA_TABLE (0 for actions other than TO_TBL that named none). */
  table: number;
  action: number;
  /** Stored fib_rule_hdr flags (FIB_RULE_INVERT); UNRESOLVED and *_DETACHED are derived when shown. */
  flags: number;
  protocol: number;
  srcLen: number;
  dstLen: number;
  /** Network-order prefix bytes (4 or 16), present when its length is not 0. */
  src?: Uint8Array | undefined;
  dst?: Uint8Array | undefined;
  /** fib_rule_hdr tos (the DSCP field as a dsfield) when FRA_DSCP was not used. */
  tos: number;
  /** FRA_DSCP and its mask (6-bit values), when given. */
  dscp?: number | undefined;
  dscpMask?: number | undefined;
  /** IPv6 FRA_FLOWLABEL and mask (host order of the 32-bit big-endian value). */
  flowlabel?: number | undefined;
  flowlabelMask?: number | undefined;
  iifname?: string | undefined;
  oifname?: string | undefined;
  fwmark: number;
  fwmask: number;
  /** FRA_GOTO target priority (0: none). */
  goto: number;
  /** -1 = unset. */
  suppressPrefixlen: number;
  suppressIfgroup: number;
  /** FRA_TUN_ID as a decimal string of the u64 (JSON-safe); absent when 0. */
  tunId?: string | undefined;
  l3mdev: number;
  uidRange?: { start: number; end: number } | undefined;
  ipProto: number;
  sportRange?: PortRange | undefined;
  sportMask: number;
  dportRange?: PortRange | undefined;
  dportMask: number;
  /** IPv4 FRA_FLOW (realms). */
  flow: number;
}

/** A rule with every selector unset, as fib_nl2rule starts it. */
export function blankRule(family: number): FibRule {
  return {
    family, pref: 0, table: 0, action: 0, flags: 0, protocol: 0, srcLen: 0, dstLen: 0, tos: 0, fwmark: 0, fwmask: 0,
    goto: 0, suppressPrefixlen: -1, suppressIfgroup: -1, l3mdev: 0, ipProto: 0, sportMask: 0, dportMask: 0, flow: 0,
  };
}
