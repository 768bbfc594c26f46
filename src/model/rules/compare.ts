import type { FibRule, PortRange } from './rule.js';

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  (a?.length ?? 0) === (b?.length ?? 0) && (!a || a.every((v, i) => v === b![i]));
const sameRange = (a: PortRange | undefined, b: PortRange | undefined) => a?.start === b?.start && a?.end === b?.end;
const sameUid = (a: FibRule['uidRange'], b: FibRule['uidRange']) => a?.start === b?.start && a?.end === b?.end;

/** Which selectors a request named beyond what a non-zero value says (fib_nl2rule's tb[] checks). */
export interface GivenSelectors {
  priority: boolean;
  flow: boolean;
  dscp: boolean;
  flowlabel: boolean;
}

/** ops->compare (fib4_rule_compare / fib6_rule_compare): the family part of a request against a rule. */
function familyMatches(r: FibRule, want: FibRule, given: GivenSelectors): boolean {
  if (want.srcLen && (r.srcLen !== want.srcLen || !sameBytes(r.src, want.src))) return false;
  if (want.dstLen && (r.dstLen !== want.dstLen || !sameBytes(r.dst, want.dst))) return false;
  if (want.tos && r.tos !== want.tos) return false;
  if (given.dscp && (r.dscp !== want.dscp || r.dscpMask !== want.dscpMask)) return false;
  if (given.flow && r.flow !== want.flow) return false;
  if (given.flowlabel && (r.flowlabel !== want.flowlabel || r.flowlabelMask !== want.flowlabelMask)) return false;
  return true;
}

/** rule_exists(): an identical rule is already listed (checked only with NLM_F_EXCL). */
export function ruleExists(list: readonly FibRule[], want: FibRule, given: GivenSelectors): boolean {
  return list.some((r) =>
    r.action === want.action && r.table === want.table && r.pref === want.pref && (r.iifname ?? '') === (want.iifname ?? '') &&
    (r.oifname ?? '') === (want.oifname ?? '') && r.fwmark === want.fwmark && r.suppressIfgroup === want.suppressIfgroup &&
    r.suppressPrefixlen === want.suppressPrefixlen && r.fwmask === want.fwmask && r.tunId === want.tunId &&
    r.l3mdev === want.l3mdev && sameUid(r.uidRange, want.uidRange) && r.ipProto === want.ipProto &&
    r.protocol === want.protocol && sameRange(r.sportRange, want.sportRange) && r.sportMask === want.sportMask &&
    sameRange(r.dportRange, want.dportRange) && r.dportMask === want.dportMask && familyMatches(r, want, given));
}

/** rule_find(): the first rule every selector the request named matches (what RTM_DELRULE deletes). */
export function findRule(list: readonly FibRule[], want: FibRule, given: GivenSelectors): FibRule | undefined {
  return list.find((r) =>
    (!want.action || r.action === want.action) && (!want.table || r.table === want.table) &&
    (!given.priority || r.pref === want.pref) && (!want.iifname || r.iifname === want.iifname) &&
    (!want.oifname || r.oifname === want.oifname) && (!want.fwmark || r.fwmark === want.fwmark) &&
    (want.suppressIfgroup === -1 || r.suppressIfgroup === want.suppressIfgroup) &&
    (want.suppressPrefixlen === -1 || r.suppressPrefixlen === want.suppressPrefixlen) &&
    (!want.fwmask || r.fwmask === want.fwmask) && (!want.tunId || r.tunId === want.tunId) &&
    (!want.l3mdev || r.l3mdev === want.l3mdev) && (!want.uidRange || sameUid(r.uidRange, want.uidRange)) &&
    (!want.ipProto || r.ipProto === want.ipProto) && (!want.protocol || r.protocol === want.protocol) &&
    (!want.sportRange || sameRange(r.sportRange, want.sportRange)) && (!want.sportMask || r.sportMask === want.sportMask) &&
    (!want.dportRange || sameRange(r.dportRange, want.dportRange)) && (!want.dportMask || r.dportMask === want.dportMask) &&
    familyMatches(r, want, given));
}
