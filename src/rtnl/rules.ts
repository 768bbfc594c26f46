import {
  AF_INET, AF_UNSPEC, FR_ACT_GOTO, FR_ACT_TO_TBL, FRA_DPORT_MASK, FRA_DPORT_RANGE, FRA_DSCP, FRA_DSCP_MASK, FRA_DST,
  FRA_FLOW, FRA_FLOWLABEL, FRA_FLOWLABEL_MASK, FRA_FWMARK, FRA_FWMASK, FRA_GOTO, FRA_IIFNAME, FRA_IP_PROTO, FRA_L3MDEV,
  FRA_OIFNAME, FRA_PRIORITY, FRA_PROTOCOL, FRA_SPORT_MASK, FRA_SPORT_RANGE, FRA_SRC, FRA_SUPPRESS_IFGROUP,
  FRA_SUPPRESS_PREFIXLEN, FRA_TABLE, FRA_TUN_ID, FRA_UID_RANGE, NLM_F_ECHO, NLM_F_EXCL, NLM_F_MULTI, RTM_NEWRULE,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrString, attrU16, attrU32, attrU8, parseAttrs, type AttrTable, type NlAttr } from '../../protocol/policy.js';
import { decodeBe32, decodePortRange, decodeTunId, decodeUidRange, writeRuleMessage } from '../../protocol/rule-message.js';
import { FIB_RULE_POLICY } from '../../protocol/rule-policy.js';
import { decodeFibRuleHdr, FIB_RULE_HDR_SIZE, NLMSGHDR_SIZE, type FibRuleHdr } from '../../protocol/structs.js';
import type { NlWriter } from '../../protocol/writer.js';
import { findRule, ruleExists, type GivenSelectors } from '../model/rules/compare.js';
import { blankRule, type FibRule, type PortRange } from '../model/rules/rule.js';
import { RULE_FAMILIES } from '../model/rules/rules.js';
import { einval } from './errors.js';
import { causeOf, type DumpCursor, type Request } from './request.js';
import { ruleMessage } from './rule-view.js';

const PAYLOAD_START = NLMSGHDR_SIZE + FIB_RULE_HDR_SIZE;
const IPTOS_TOS_MASK = 0x1e;
const INET_ECN_MASK = 3;
const IPV6_FLOWLABEL_MASK = 0x000fffff;
const UID_INVALID = 0xffffffff;

interface ParsedRule {
  frh: FibRuleHdr;
  tb: AttrTable;
  rule: FibRule;
  given: GivenSelectors;
}

/** fib_rule_port_range_valid(). */
const portRangeValid = (r: PortRange) => r.start !== 0 && r.end !== 0 && r.end < 0xffff && r.start <= r.end;

/** The range and mask of FRA_[SD]PORT_RANGE / _MASK (nla_get_port_range, fib_nl2rule_port_mask). */
function portSelector(tb: AttrTable, rangeType: number, maskType: number, which: 'sport' | 'dport'): { range?: PortRange; mask: number } {
  const out: { range?: PortRange; mask: number } = { mask: 0 };
  const r = tb.get(rangeType);
  if (r) {
    const range = decodePortRange(r.data);
    if (!portRangeValid(range)) throw einval(`Invalid ${which} range`);
    out.range = range;
    if (range.start === range.end) out.mask = 0xffff;
  }
  const m = tb.get(maskType);
  if (m) {
    const mask = attrU16(m);
    if (!out.range) throw einval('Cannot specify port mask without port value');
    if (out.range.start !== out.range.end) throw einval('Cannot specify port mask for port range');
    if (out.range.start & ~mask) throw einval('Invalid port mask');
    out.mask = mask;
  }
  return out;
}

/** fib_newrule/fib_delrule's common start and fib_nl2rule(): the request as a rule, with Linux's loose checks. */
function parseRule(req: Request): ParsedRule {
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval('Invalid msg length');
  const frh = decodeFibRuleHdr(msg, NLMSGHDR_SIZE);
  if (!req.model.rules.has(frh.family)) throw new NlError(Errno.EAFNOSUPPORT, 'Rule family not supported');
  let tb: AttrTable;
  try {
    const parsed = parseAttrs(msg, PAYLOAD_START, msg.length, FIB_RULE_POLICY, false);
    req.warning = parsed.warning;
    tb = parsed.attrs;
  } catch (e) {
    // fib_newrule overwrites the policy's message and keeps its offset and policy.
    if (e instanceof NlError) throw new NlError(e.errno, 'Error parsing msg', e.offset, e.policy);
    throw e;
  }
  const addrSize = frh.family === AF_INET ? 4 : 16;
  const prefix = (len: number, a: NlAttr | undefined, what: string) => {
    if (len && (!a || len > addrSize * 8 || a.data.length !== addrSize)) throw einval(what);
    return len ? new Uint8Array(a!.data) : undefined;
  };
  const rule = blankRule(frh.family);
  rule.src = prefix(frh.srcLen, tb.get(FRA_SRC), 'Invalid source address');
  rule.dst = prefix(frh.dstLen, tb.get(FRA_DST), 'Invalid dst address');
  rule.srcLen = frh.srcLen;
  rule.dstLen = frh.dstLen;
  rule.tos = frh.tos;
  const given: GivenSelectors = {
    priority: tb.has(FRA_PRIORITY), flow: tb.has(FRA_FLOW), dscp: tb.has(FRA_DSCP), flowlabel: tb.has(FRA_FLOWLABEL),
  };
  const u32 = (type: number) => attrU32(tb.get(type)!);
  if (given.priority) rule.pref = u32(FRA_PRIORITY);
  if (tb.has(FRA_PROTOCOL)) rule.protocol = attrU8(tb.get(FRA_PROTOCOL)!);
  if (tb.has(FRA_IIFNAME)) rule.iifname = attrString(tb.get(FRA_IIFNAME)!);
  if (tb.has(FRA_OIFNAME)) rule.oifname = attrString(tb.get(FRA_OIFNAME)!);
  if (tb.has(FRA_FWMARK)) {
    rule.fwmark = u32(FRA_FWMARK);
    if (rule.fwmark) rule.fwmask = 0xffffffff; // a mark alone compares every bit
  }
  if (tb.has(FRA_FWMASK)) rule.fwmask = u32(FRA_FWMASK);
  if (tb.has(FRA_TUN_ID)) {
    const id = decodeTunId(tb.get(FRA_TUN_ID)!.data);
    if (id !== '0') rule.tunId = id;
  }
  if (tb.has(FRA_L3MDEV)) {
    rule.l3mdev = attrU8(tb.get(FRA_L3MDEV)!);
    if (rule.l3mdev !== 1) throw einval('Invalid l3mdev attribute');
  }
  rule.action = frh.action;
  rule.flags = frh.flags;
  rule.table = tb.has(FRA_TABLE) ? u32(FRA_TABLE) : frh.table;
  if (tb.has(FRA_SUPPRESS_PREFIXLEN)) rule.suppressPrefixlen = attrU32(tb.get(FRA_SUPPRESS_PREFIXLEN)!) | 0;
  if (tb.has(FRA_SUPPRESS_IFGROUP)) rule.suppressIfgroup = u32(FRA_SUPPRESS_IFGROUP) | 0;
  if (tb.has(FRA_GOTO)) {
    if (rule.action !== FR_ACT_GOTO) throw einval('Unexpected goto');
    rule.goto = u32(FRA_GOTO);
  } else if (rule.action === FR_ACT_GOTO) throw einval('Missing goto target for action goto');
  if (rule.l3mdev && rule.table) throw einval('l3mdev and table are mutually exclusive');
  if (tb.has(FRA_UID_RANGE)) {
    const range = decodeUidRange(tb.get(FRA_UID_RANGE)!.data);
    if (range.start === UID_INVALID || range.end === UID_INVALID || range.start > range.end) throw einval('Invalid uid range');
    rule.uidRange = range;
  }
  if (tb.has(FRA_IP_PROTO)) rule.ipProto = attrU8(tb.get(FRA_IP_PROTO)!);
  const sport = portSelector(tb, FRA_SPORT_RANGE, FRA_SPORT_MASK, 'sport');
  const dport = portSelector(tb, FRA_DPORT_RANGE, FRA_DPORT_MASK, 'dport');
  rule.sportRange = sport.range;
  rule.sportMask = sport.mask;
  rule.dportRange = dport.range;
  rule.dportMask = dport.mask;
  if (tb.has(FRA_FLOW)) rule.flow = u32(FRA_FLOW);
  if (tb.has(FRA_DSCP)) {
    rule.dscp = attrU8(tb.get(FRA_DSCP)!);
    rule.dscpMask = tb.has(FRA_DSCP_MASK) ? attrU8(tb.get(FRA_DSCP_MASK)!) : 0x3f;
  }
  if (tb.has(FRA_FLOWLABEL)) rule.flowlabel = decodeBe32(tb.get(FRA_FLOWLABEL)!.data);
  if (tb.has(FRA_FLOWLABEL_MASK)) rule.flowlabelMask = decodeBe32(tb.get(FRA_FLOWLABEL_MASK)!.data);
  return { frh, tb, rule, given };
}

/** ops->configure: fib4_rule_configure / fib6_rule_configure's checks (the table part is in the model). */
function configureChecks({ frh, tb, rule }: ParsedRule): void {
  if (frh.family !== AF_INET && frh.family !== 10) return; // IPMR / IP6MR configure nothing
  if (frh.tos & INET_ECN_MASK) throw einval('Invalid dsfield (tos): ECN bits must be 0');
  if (frh.family === AF_INET) {
    if (frh.tos & ~IPTOS_TOS_MASK) throw einval('Invalid tos');
    if (tb.has(FRA_FLOWLABEL) || tb.has(FRA_FLOWLABEL_MASK)) throw einval('Flow label cannot be specified for IPv4 FIB rules');
  }
  if (tb.has(FRA_DSCP) && frh.tos) throw einval('Cannot specify both TOS and DSCP');
  if (tb.has(FRA_DSCP_MASK) && !tb.has(FRA_DSCP)) throw einval('Cannot specify DSCP mask without DSCP value');
  if (frh.family !== AF_INET) {
    if (tb.has(FRA_FLOWLABEL_MASK) !== tb.has(FRA_FLOWLABEL)) throw einval('Flow label and mask must be specified together');
    if (rule.flowlabelMask !== undefined) {
      if (rule.flowlabelMask & ~IPV6_FLOWLABEL_MASK) throw einval('Invalid flow label mask');
      if ((rule.flowlabel ?? 0) & ~rule.flowlabelMask) throw einval('Flow label and mask do not match');
    }
    if (rule.action === FR_ACT_TO_TBL && !rule.l3mdev && rule.table === 0) throw einval('Invalid table');
  }
}

const requester = (req: Request) => causeOf(req, (req.hdr.flags & NLM_F_ECHO) !== 0);

/** fib_newrule(): RTM_NEWRULE for any rule family (registered for PF_UNSPEC). */
export function newRule(req: Request): void {
  const parsed = parseRule(req);
  const { rule, given } = parsed;
  const rules = req.model.rules;
  if (!given.priority) rule.pref = rules.defaultPref(rule.family);
  if (rule.action === FR_ACT_GOTO && rule.goto <= rule.pref) throw einval('Backward goto not supported');
  if (req.hdr.flags & NLM_F_EXCL && ruleExists(rules.list(rule.family), rule, given)) throw new NlError(Errno.EEXIST);
  configureChecks(parsed);
  rules.add(rule, requester(req));
}

/** fib_delrule(): the first rule the request's selectors match. */
export function delRule(req: Request): void {
  const { rule, given } = parseRule(req);
  const rules = req.model.rules;
  const found = findRule(rules.list(rule.family), rule, given);
  if (!found) throw new NlError(Errno.ENOENT);
  rules.remove(found, requester(req));
}

/** fib_valid_dumprule_req() on a strict socket. */
function checkDumpRequest(req: Request): void {
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval('Invalid header for fib rule dump request');
  const h = decodeFibRuleHdr(msg, NLMSGHDR_SIZE);
  if (h.dstLen || h.srcLen || h.tos || h.table || h.res1 || h.res2 || h.action || h.flags) {
    throw einval('Invalid values in header for fib rule dump request');
  }
  if (msg.length > PAYLOAD_START) throw einval('Invalid data after header in fib rule dump request');
}

/** fib_nl_dumprule(): one family's rules in order, or every family in registration order for AF_UNSPEC. */
export function dumpRules(req: Request): DumpCursor {
  const model = req.model;
  const fail = (e: NlError): DumpCursor => ({ doneFlags: 0, error: e, generation: () => 0, next: () => false });
  if (req.session.strict) {
    try {
      checkDumpRequest(req);
    } catch (e) {
      return fail(e as NlError);
    }
  }
  const family = req.message[NLMSGHDR_SIZE]!;
  if (family !== AF_UNSPEC && !model.rules.has(family)) return fail(new NlError(Errno.EAFNOSUPPORT));
  const families = family === AF_UNSPEC ? RULE_FAMILIES : [family];
  const list = families.flatMap((f) => [...model.rules.list(f)]);
  const { seq } = req.hdr;
  const { portid } = req.session;
  let i = 0;
  return {
    doneFlags: 0,
    generation: () => model.rules.generation,
    next(w: NlWriter): boolean {
      const r = list[i++];
      if (!r) return false;
      writeRuleMessage(w, RTM_NEWRULE, NLM_F_MULTI, seq, portid, ruleMessage(model, r));
      return true;
    },
  };
}
