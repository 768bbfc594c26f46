// The uapi numbers routes are stored with (rtm_type, rtm_scope, rtm_protocol, table ids, hop
// flags) and the nlmsg_flags their announcements carry: values of the model, defined once in
// protocol/constants.ts.
export {
  RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RT_TABLE_DEFAULT, RT_TABLE_LOCAL, RT_TABLE_MAIN,
  RTN_ANYCAST, RTN_BLACKHOLE, RTN_BROADCAST, RTN_LOCAL, RTN_MULTICAST, RTN_NAT, RTN_PROHIBIT, RTN_THROW, RTN_UNICAST,
  RTN_UNREACHABLE, RTN_UNSPEC, RTN_XRESOLVE, RTNH_F_DEAD, RTNH_F_LINKDOWN, RTNH_F_ONLINK, RTNH_F_PERVASIVE, RTPROT_BOOT,
  RTPROT_KERNEL, ICMPV6_ROUTER_PREF_HIGH, ICMPV6_ROUTER_PREF_LOW, ICMPV6_ROUTER_PREF_MEDIUM,
  NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE,
} from '../../../protocol/constants.js';
