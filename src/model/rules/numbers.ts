// The uapi numbers rules are stored with (fib_rules.h), defined once in protocol/constants.ts.
export {
  AF_INET, AF_INET6, FIB_RULE_INVERT, FR_ACT_BLACKHOLE, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_PROHIBIT, FR_ACT_TO_TBL,
  FR_ACT_UNREACHABLE, RT_TABLE_DEFAULT, RT_TABLE_LOCAL, RT_TABLE_MAIN, RTNL_FAMILY_IP6MR, RTNL_FAMILY_IPMR, RTPROT_KERNEL,
} from '../../../protocol/constants.js';
