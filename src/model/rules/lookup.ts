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
const LOOPBACK_IFINDEX = 1;

/** A rule with its IPv4 prefixes as integers and its goto resolved to a position (compiled once per generation of the rule list). */
interface Compiled {
  rule: FibRule;
  src: number;
  srcMask: number;
  dst: number;
  dstMask: number;
  /** Where a matching goto continues in its plan: its target's position, or the next rule kept after it; -1: unresolved. */
  gotoAt: number;
}

/**
 * A family's rules as lookups walk them: every rule, and the rules that can match a flow whose
 * keys are an `ip route get` without from/iif/mark/uid/tos/ipproto/ports (the common case):
 * with 100 `from PREFIX` rules such a lookup walks only the default rules.
 */
interface Plan {
  all: Compiled[];
  plainFlow: Compiled[];
}

const plans = new WeakMap<FibRules, { generation: number; byFamily: Map<number, Plan> }>();

function planOf(rules: FibRules, family: number): Plan {
  let cached = plans.get(rules);
  if (!cached || cached.generation !== rules.generation) plans.set(rules, (cached = { generation: rules.generation, byFamily: new Map() }));
  let plan = cached.byFamily.get(family);
  if (!plan) cached.byFamily.set(family, (plan = compilePlan(rules, family)));
  return plan;
}

/** The flow keys of a plain output lookup: only the destination (and the output device) vary. */
const PLAIN_KEYS: RuleFlow = { src: 0, dst: 0, hasSrc: false, iif: LOOPBACK_IFINDEX, oif: 0, mark: 0, uid: 0, tos: 0, ipProto: 0, sport: 0, dport: 0, flowlabel: 0 };

function isPlain(flow: RuleFlow): boolean {
  return flow.iif === LOOPBACK_IFINDEX && flow.mark === 0 && flow.uid === 0 && flow.tos === 0 && flow.ipProto === 0 &&
    flow.sport === 0 && flow.dport === 0 && !flow.flowlabel && (typeof flow.src === 'number' ? flow.src === 0 : !flow.hasSrc);
}

function compilePlan(rules: FibRules, family: number): Plan {
  const list = rules.list(family);
  const compiled = list.map((r) => ({ rule: r, srcMask: maskOf(r.srcLen), dstMask: maskOf(r.dstLen), src: toInt(r.src), dst: toInt(r.dst), gotoAt: -1 }));
  const plainKeys = family === AF_INET ? PLAIN_KEYS : { ...PLAIN_KEYS, src: new Uint8Array(16) };
  // A rule whose selectors other than dst and devices refuse the plain keys never matches a plain flow (unless inverted).
  const kept = compiled.map((k) => (k.rule.flags & FIB_RULE_INVERT) !== 0 || keysMatch(k, plainKeys));
  return { all: withGotos(rules, list, compiled, compiled.map(() => true)), plainFlow: withGotos(rules, list, compiled, kept) };
}

/** The entries kept, each a copy with its goto as a position among them: the first kept at or after the target. */
function withGotos(rules: FibRules, list: readonly FibRule[], compiled: Compiled[], kept: boolean[]): Compiled[] {
  const at: number[] = [];
  let n = 0;
  for (let i = 0; i < compiled.length; i++) {
    at.push(n);
    if (kept[i]) n++;
  }
  at.push(n);
  const out: Compiled[] = [];
  compiled.forEach((k, i) => {
    if (!kept[i]) return;
    const target = k.rule.action === FR_ACT_GOTO ? rules.target(k.rule) : undefined;
    // fib_nl2rule() refuses backward gotos: the target lies after the rule.
    const gotoAt = target ? Math.max(at[list.indexOf(target)]!, out.length + 1) : -1;
    out.push({ ...k, gotoAt });
  });
  return out;
}

const toInt = (b: Uint8Array | undefined) => (b ? ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 : 0);
const maskOf = (len: number) => (len ? (0xffffffff << (32 - len)) >>> 0 : 0);

function prefixEqual(a: Uint8Array, b: Uint8Array | undefined, len: number): boolean {
  if (!b) return len === 0;
  const bytes = len >> 3;
  for (let i = 0; i < bytes; i++) if (a[i] !== b[i]) return false;
  const bits = len & 7;
  return !bits || ((a[bytes]! ^ b[bytes]!) & (0xff << (8 - bits)) & 0xff) === 0;
}

/** fib4_rule_match / fib6_rule_match on the destination. */
function dstMatches(k: Compiled, flow: RuleFlow): boolean {
  const r = k.rule;
  if (r.family === AF_INET) return (((flow.dst as number) ^ k.dst) & k.dstMask) === 0;
  return !r.dstLen || prefixEqual(flow.dst as Uint8Array, r.dst, r.dstLen);
}

/** fib_rule_port_match(). */
function portMatches(range: PortRange | undefined, mask: number, port: number): boolean {
  if (!range) return true;
  if ((range.start ^ port) & mask) return false;
  return !!mask || (port >= range.start && port <= range.end);
}

/** fib_rule_match() and the family's match on every selector but the destination and the devices. */
function keysMatch(k: Compiled, flow: RuleFlow): boolean {
  const r = k.rule;
  if (((r.fwmark ^ flow.mark) & r.fwmask) !== 0) return false;
  if (r.tunId !== undefined || r.l3mdev) return false; // no tunnel metadata, no l3mdev devices
  if (r.uidRange && (flow.uid < r.uidRange.start || flow.uid > r.uidRange.end)) return false;
  if (r.family === AF_INET) {
    if ((((flow.src as number) ^ k.src) & k.srcMask) !== 0) return false;
    if (r.dscp !== undefined) {
      if (((flow.tos >> 2) & (r.dscpMask ?? 0x3f)) !== (r.dscp & (r.dscpMask ?? 0x3f))) return false;
    } else if (r.tos && r.tos !== (flow.tos & IPTOS_RT_MASK)) return false;
  } else {
    if (r.srcLen && (!flow.hasSrc || !prefixEqual(flow.src as Uint8Array, r.src, r.srcLen))) return false;
    if (r.dscp !== undefined) {
      if (((flow.tos >> 2) & (r.dscpMask ?? 0x3f)) !== (r.dscp & (r.dscpMask ?? 0x3f))) return false;
    } else if (r.tos && r.tos !== flow.tos) return false;
    if (r.flowlabelMask && (((flow.flowlabel ?? 0) ^ (r.flowlabel ?? 0)) & r.flowlabelMask) !== 0) return false;
  }
  if (r.ipProto && r.ipProto !== flow.ipProto) return false;
  return portMatches(r.sportRange, r.sportMask, flow.sport) && portMatches(r.dportRange, r.dportMask, flow.dport);
}

/** fib_rule_match(): devices (resolved now: a rule follows its device's name), the keys, the destination; then INVERT. */
function ruleMatches(k: Compiled, flow: RuleFlow, ifindexOf: (name: string) => number | undefined): boolean {
  const r = k.rule;
  const ok = (r.iifname === undefined || (ifindexOf(r.iifname) ?? -1) === flow.iif) &&
    (r.oifname === undefined || (ifindexOf(r.oifname) ?? -1) === flow.oif) && keysMatch(k, flow) && dstMatches(k, flow);
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
  const plan = planOf(rules, family);
  const list = isPlain(flow) ? plan.plainFlow : plan.all;
  for (let i = 0; i < list.length;) {
    const entry = list[i]!;
    if (!ruleMatches(entry, flow, ifindexOf)) {
      i++;
      continue;
    }
    const rule = entry.rule;
    if (rule.action === FR_ACT_GOTO) {
      i = entry.gotoAt < 0 ? i + 1 : entry.gotoAt;
      continue;
    }
    i++;
    if (rule.action === FR_ACT_NOP) continue;
    if (rule.action !== FR_ACT_TO_TBL) throw actionError(rule.action);
    const hit = table(rule.table);
    if (hit instanceof ModelError) {
      if (hit.code === 'EAGAIN') continue;
      throw hit;
    }
    if (hit !== undefined && !suppressed(rule, hit)) return hit;
  }
  throw new ModelError('ENETUNREACH');
}
