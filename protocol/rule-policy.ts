import {
  FRA_DPORT_MASK, FRA_DPORT_RANGE, FRA_DSCP, FRA_DSCP_MASK, FRA_FLOW, FRA_FLOWLABEL, FRA_FLOWLABEL_MASK, FRA_FWMARK,
  FRA_FWMASK, FRA_GOTO, FRA_IIFNAME, FRA_IP_PROTO, FRA_L3MDEV, FRA_MAX, FRA_OIFNAME, FRA_PRIORITY, FRA_PROTOCOL,
  FRA_SPORT_MASK, FRA_SPORT_RANGE, FRA_SUPPRESS_IFGROUP, FRA_SUPPRESS_PREFIXLEN, FRA_TABLE, FRA_TUN_ID, FRA_UID_RANGE,
  IFNAMSIZ,
} from './constants.js';
import type { Policy } from './policy.js';

/** sizeof(struct fib_rule_uid_range) and sizeof(struct fib_rule_port_range). */
export const FIB_RULE_UID_RANGE_SIZE = 8;
export const FIB_RULE_PORT_RANGE_SIZE = 4;

/**
 * net/core/fib_rules.c: fib_rule_policy[] (FRA_GENERIC_POLICY). FRA_SRC / FRA_DST have no entry:
 * fib_nl2rule checks their length against the family's address size. strict_start_type
 * FRA_DPORT_RANGE + 1: DSCP and the masks are checked strictly even by the deprecated parser.
 */
export const FIB_RULE_POLICY: Policy = {
  name: 'fib_rule',
  maxType: FRA_MAX,
  strictStartType: FRA_DPORT_RANGE + 1,
  attrs: {
    [FRA_IIFNAME]: { kind: 'string', len: IFNAMSIZ - 1 },
    [FRA_OIFNAME]: { kind: 'string', len: IFNAMSIZ - 1 },
    [FRA_PRIORITY]: { kind: 'u32' },
    [FRA_FWMARK]: { kind: 'u32' },
    [FRA_FLOW]: { kind: 'u32' },
    [FRA_TUN_ID]: { kind: 'u64' },
    [FRA_FWMASK]: { kind: 'u32' },
    [FRA_TABLE]: { kind: 'u32' },
    [FRA_SUPPRESS_PREFIXLEN]: { kind: 'u32' },
    [FRA_SUPPRESS_IFGROUP]: { kind: 'u32' },
    [FRA_GOTO]: { kind: 'u32' },
    [FRA_L3MDEV]: { kind: 'u8' },
    [FRA_UID_RANGE]: { kind: 'unspec', len: FIB_RULE_UID_RANGE_SIZE },
    [FRA_PROTOCOL]: { kind: 'u8' },
    [FRA_IP_PROTO]: { kind: 'u8' },
    [FRA_SPORT_RANGE]: { kind: 'unspec', len: FIB_RULE_PORT_RANGE_SIZE },
    [FRA_DPORT_RANGE]: { kind: 'unspec', len: FIB_RULE_PORT_RANGE_SIZE },
    [FRA_DSCP]: { kind: 'u8' },
    [FRA_FLOWLABEL]: { kind: 'u32' },
    [FRA_FLOWLABEL_MASK]: { kind: 'u32' },
    [FRA_SPORT_MASK]: { kind: 'u16' },
    [FRA_DPORT_MASK]: { kind: 'u16' },
    [FRA_DSCP_MASK]: { kind: 'u8' },
  },
};
