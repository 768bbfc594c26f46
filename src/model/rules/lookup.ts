import { ModelError } from '../errors.js';
import { AF_INET, FIB_RULE_INVERT, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_PROHIBIT, FR_ACT_TO_TBL, FR_ACT_UNREACHABLE } from './numbers.js';
import type { FibRule, PortRange } from './rule.js';
import type { FibRules } from './rules.js';

/**
 * The flow a lookup matches rules against (struct flowi): an IPv4 flow's addresses as host-order
 * integers, an IPv6 flow's as 16 bytes (`hasSrc`: RT6_LOOKUP_F_HAS_SADDR).
 */
export interface RuleFlow {
  src: number | Uint8Array;
  dst: number | Uint8Array;
  hasSrc?: boolean | undefined;
  /** flowi_iif: LOOPBACK_IFINDEX for locally generated (output) lookups. */
  iif: number;
  oif: number;
  mark: number;
  uid: number;
  /** The dsfield (IPv4 tos / IPv6 traffic class). */
  tos: number;
  ipProto: number;
  sport: number;
  dport: number;
  flowlabel?: number | undefined;
}

/** A table lookup's outcome for a rule: a result, a reject error, or undefined (-EAGAIN: try the next rule). */
export type TableOutcome<R> = R | ModelError | undefined;

const IPTOS_RT_MASK = 0x1c;

/** A rule with its IPv4 prefixes as integers (compiled once per generation of the rule list). */
interface Compiled {
  rule: FibRule;
  src: number;
  srcMask: number;
  dst: number;
  dstMask: number;
}

const compiledLists = new WeakMap<FibRules, Map<number, { generation: number; list: Compiled[] }>>();

function compiled(rules: FibRules, family: number): Compiled[] {
  let byFamily = compiledLists.get(rules);
  if (!byFamily) compiledLists.set(rules, (byFamily = new Map()));
  const hit = byFamily.get(family);
  if (hit && hit.generation === rules.generation) return hit.list;
  const list = rules.list(family).map((r) => ({ rule: r, srcMask: maskOf(r.srcLen), dstMask: maskOf(r.dstLen), src: toInt(r.src), dst: toInt(r.dst) }));
  byFamily.set(family, { generation: rules.generation, list });
  return list;
}

const toInt = (b: Uint8Array | undefined) => (b ? ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 : 0);
const maskOf = (len: number) => (len ? (0xffffffff << (32 - len)) >>> 0 : 0);

function inet4Match(k: Compiled, flow: RuleFlow): boolean {
  const r = k.rule;
  if ((((flow.src as number) ^ k.src) & k.srcMask) !== 0 || (((flow.dst as number) ^ k.dst) & k.dstMask) !== 0) return false;
  if (r.dscp !== undefined) return ((flow.tos >> 2) & (r.dscpMask ?? 0x3f)) === (r.dscp & (r.dscpMask ?? 0x3f));
  return !r.tos || r.tos === (flow.tos & IPTOS_RT_MASK);
}

function prefixEqual(a: Uint8Array, b: Uint8Array | undefined, len: number): boolean {
  if (!b) return len === 0;
  const bytes = len >> 3;
  for (let i = 0; i < bytes; i++) if (a[i] !== b[i]) return false;
  const bits = len & 7;
  return !bits || ((a[bytes]! ^ b[bytes]!) & (0xff << (8 - bits)) & 0xff) === 0;
}

function inet6Match(r: FibRule, flow: RuleFlow): boolean {
  if (r.dstLen && !prefixEqual(flow.dst as Uint8Array, r.dst, r.dstLen)) return false;
  if (r.srcLen && (!flow.hasSrc || !prefixEqual(flow.src as Uint8Array, r.src, r.srcLen))) return false;
  if (r.dscp !== undefined) {
    if (((flow.tos >> 2) & (r.dscpMask ?? 0x3f)) !== (r.dscp & (r.dscpMask ?? 0x3f))) return false;
  } else if (r.tos && r.tos !== flow.tos) return false;
  return !r.flowlabelMask || (((flow.flowlabel ?? 0) ^ (r.flowlabel ?? 0)) & r.flowlabelMask) === 0;
}

/** fib_rule_port_match(). */
function portMatches(range: PortRange | undefined, mask: number, port: number): boolean {
  if (!range) return true;
  if ((range.start ^ port) & mask) return false;
  return !!mask || (port >= range.start && port <= range.end);
}

/** fib_rule_match(): the common selectors, then the family's (fib4_rule_match / fib6_rule_match). */
function ruleMatches(k: Compiled, flow: RuleFlow, ifindexOf: (name: string) => number | undefined): boolean {
  const r = k.rule;
  let ok = true;
  if (r.iifname !== undefined && (ifindexOf(r.iifname) ?? -1) !== flow.iif) ok = false;
  else if (r.oifname !== undefined && (ifindexOf(r.oifname) ?? -1) !== flow.oif) ok = false;
  else if (((r.fwmark ^ flow.mark) & r.fwmask) !== 0) ok = false;
  else if (r.tunId !== undefined || r.l3mdev) ok = false; // no tunnel metadata, no l3mdev devices
  else if (r.uidRange && (flow.uid < r.uidRange.start || flow.uid > r.uidRange.end)) ok = false;
  else if (!(r.family === AF_INET ? inet4Match(k, flow) : inet6Match(r, flow))) ok = false;
  else if (r.ipProto && r.ipProto !== flow.ipProto) ok = false;
  else if (!portMatches(r.sportRange, r.sportMask, flow.sport) || !portMatches(r.dportRange, r.dportMask, flow.dport)) ok = false;
  return r.flags & FIB_RULE_INVERT ? !ok : ok;
}

/** The action of a non-table rule as a lookup sees it (fib4_rule_action / __fib6_rule_action). */
function actionError(action: number): ModelError {
  if (action === FR_ACT_UNREACHABLE) return new ModelError('ENETUNREACH');
  if (action === FR_ACT_PROHIBIT) return new ModelError('EACCES');
  return new ModelError('EINVAL'); // blackhole, and any action the kernel stored without checking
}

/**
 * fib_rules_lookup(): the family's rules in order; goto jumps forward to its target's position,
 * nop continues, TO_TBL looks up its table (a miss or a throw route continues), a result the
 * rule's suppressor refuses continues. No rule decided: ENETUNREACH (-ESRCH as __fib_lookup maps it).
 */
export function lookupThroughRules<R>(
  rules: FibRules,
  family: number,
  flow: RuleFlow,
  ifindexOf: (name: string) => number | undefined,
  table: (id: number) => TableOutcome<R>,
  suppressed: (rule: FibRule, result: R) => boolean,
): R {
  const list = compiled(rules, family);
  for (let i = 0; i < list.length; i++) {
    let entry = list[i]!;
    for (;;) {
      const rule = entry.rule;
      if (!ruleMatches(entry, flow, ifindexOf)) break;
      if (rule.action === FR_ACT_GOTO) {
        const target = rules.target(rule);
        if (!target) break;
        i = list.findIndex((c) => c.rule === target);
        entry = list[i]!;
        continue;
      }
      if (rule.action === FR_ACT_NOP) break;
      if (rule.action !== FR_ACT_TO_TBL) throw actionError(rule.action);
      const hit = table(rule.table);
      if (hit instanceof ModelError) {
        if (hit.code === 'EAGAIN') break;
        throw hit;
      }
      if (hit !== undefined && !suppressed(rule, hit)) return hit;
      break;
    }
  }
  throw new ModelError('ENETUNREACH');
}
