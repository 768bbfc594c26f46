import { describe, expect, it } from 'vitest';
import {
  AF_INET, AF_INET6, FIB_RULE_INVERT, FR_ACT_BLACKHOLE, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_PROHIBIT, FR_ACT_TO_TBL, FR_ACT_UNREACHABLE,
} from '../../../protocol/constants.js';
import { ModelError } from '../../../src/model/errors.js';
import { lookupThroughRules, type RuleFlow } from '../../../src/model/rules/lookup.js';
import { blankRule, type FibRule } from '../../../src/model/rules/rule.js';
import { FibRules } from '../../../src/model/rules/rules.js';
import { mulberry32 } from '../../helpers/prng.js';

// The rule walk (fib_rules_lookup) compiles each family's rules into plans; here it is compared
// with the walk written plainly — every rule, every selector, goto by searching the list — on
// random rule sets and flows, half of them plain `ip route get` flows (the ones the plan prunes for).

const DEVICES: Record<string, number> = { lo: 1, v0: 2, v1: 3 };

function prefixMatches(flowAddr: number | Uint8Array, rule: Uint8Array | undefined, len: number): boolean {
  const a = typeof flowAddr === 'number' ? Uint8Array.of(flowAddr >>> 24, (flowAddr >>> 16) & 255, (flowAddr >>> 8) & 255, flowAddr & 255) : flowAddr;
  for (let bit = 0; bit < len; bit++) {
    const m = 0x80 >> (bit & 7);
    if ((a[bit >> 3]! & m) !== (rule![bit >> 3]! & m)) return false;
  }
  return true;
}

function plainMatch(r: FibRule, f: RuleFlow): boolean {
  const port = (range: FibRule['sportRange'], mask: number, p: number) =>
    !range || (mask ? ((range.start ^ p) & mask) === 0 : p >= range.start && p <= range.end);
  const v4 = r.family === AF_INET;
  let ok = (r.iifname === undefined || (DEVICES[r.iifname] ?? -1) === f.iif) && (r.oifname === undefined || (DEVICES[r.oifname] ?? -1) === f.oif) &&
    ((r.fwmark ^ f.mark) & r.fwmask) === 0 && r.tunId === undefined && !r.l3mdev &&
    (!r.uidRange || (f.uid >= r.uidRange.start && f.uid <= r.uidRange.end)) &&
    prefixMatches(f.dst, r.dst, r.dstLen) && (!r.srcLen || ((v4 || f.hasSrc === true) && prefixMatches(f.src, r.src, r.srcLen))) &&
    (r.dscp !== undefined ? ((f.tos >> 2) & (r.dscpMask ?? 0x3f)) === (r.dscp & (r.dscpMask ?? 0x3f)) : !r.tos || r.tos === (v4 ? f.tos & 0x1c : f.tos)) &&
    (v4 || !r.flowlabelMask || (((f.flowlabel ?? 0) ^ (r.flowlabel ?? 0)) & r.flowlabelMask) === 0) &&
    (!r.ipProto || r.ipProto === f.ipProto) && port(r.sportRange, r.sportMask, f.sport) && port(r.dportRange, r.dportMask, f.dport);
  if (r.flags & FIB_RULE_INVERT) ok = !ok;
  return ok;
}

function plainLookup(list: readonly FibRule[], f: RuleFlow, table: (id: number) => string | ModelError | undefined, suppressed: (r: FibRule) => boolean): string {
  for (let i = 0; i < list.length; i++) {
    let r = list[i]!;
    for (;;) {
      if (!plainMatch(r, f)) break;
      if (r.action === FR_ACT_GOTO) {
        const at = list.findIndex((t) => t.pref === r.goto);
        if (at < 0) break;
        i = at;
        r = list[i]!;
        continue;
      }
      if (r.action === FR_ACT_NOP) break;
      // fib4_rule_action(): unreachable ENETUNREACH, prohibit EACCES, blackhole EINVAL.
      if (r.action !== FR_ACT_TO_TBL) return `error ${r.action === FR_ACT_UNREACHABLE ? 'ENETUNREACH' : r.action === FR_ACT_PROHIBIT ? 'EACCES' : 'EINVAL'}`;
      const hit = table(r.table);
      if (hit instanceof ModelError) {
        if (hit.code === 'EAGAIN') break;
        return `error ${hit.code}`;
      }
      if (hit !== undefined && !suppressed(r)) return hit;
      break;
    }
  }
  return 'error ENETUNREACH';
}

describe('lookupThroughRules', () => {
  it('decides as the plain walk of every rule does, for random rules and flows (plain and not)', () => {
    const rnd = mulberry32(16);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const chance = (p: number) => rnd() < p;
    const addr = (family: number) => (family === AF_INET ? Uint8Array.of(10, pick([0, 1]), pick([0, 1, 2]), pick([0, 7])) : Uint8Array.of(0x20, 1, pick([0, 1]), ...new Array<number>(13).fill(pick([0, 7]))));
    let checked = 0;
    let plainFlows = 0;
    for (let round = 0; round < 300; round++) {
      const family = chance(0.5) ? AF_INET : AF_INET6;
      const rules = new FibRules({ tables: { hasInet: () => true, newInet: () => {}, newInet6: () => {} }, emit: () => {}, linkByName: (n) => (DEVICES[n] ? { index: DEVICES[n]! } : undefined) });
      const count = 1 + Math.floor(rnd() * 30);
      for (let i = 0; i < count; i++) {
        const r = blankRule(family);
        r.pref = 1 + Math.floor(rnd() * 200);
        r.action = pick([FR_ACT_TO_TBL, FR_ACT_TO_TBL, FR_ACT_TO_TBL, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_UNREACHABLE, FR_ACT_PROHIBIT, FR_ACT_BLACKHOLE]);
        r.table = r.action === FR_ACT_TO_TBL ? 100 + Math.floor(rnd() * 6) : 0;
        if (r.action === FR_ACT_GOTO) r.goto = r.pref + 1 + Math.floor(rnd() * 40);
        if (chance(0.4)) {
          r.src = addr(family);
          r.srcLen = pick(family === AF_INET ? [8, 16, 24, 31] : [16, 32, 64]);
        }
        if (chance(0.3)) {
          r.dst = addr(family);
          r.dstLen = pick(family === AF_INET ? [8, 16, 24, 32] : [16, 32, 64, 128]);
        }
        if (chance(0.15)) [r.fwmark, r.fwmask] = [pick([0, 1, 2]), pick([0xffffffff, 1])];
        if (chance(0.1)) r.iifname = pick(['lo', 'v0', 'gone']);
        if (chance(0.1)) r.oifname = pick(['v0', 'v1', 'gone']);
        if (chance(0.1)) r.uidRange = pick([{ start: 0, end: 0 }, { start: 1000, end: 2000 }]);
        if (chance(0.1)) r.tos = pick([0x04, 0x10]);
        if (chance(0.05)) [r.dscp, r.dscpMask] = [pick([0, 4]), 0x3f];
        if (chance(0.1)) r.ipProto = pick([6, 17]);
        if (chance(0.08)) r.dportRange = pick([{ start: 0, end: 0 }, { start: 53, end: 53 }, { start: 1, end: 100 }]);
        if (chance(0.05)) r.l3mdev = 1;
        if (chance(0.05)) r.tunId = '7';
        if (family === AF_INET6 && chance(0.05)) [r.flowlabel, r.flowlabelMask] = [pick([0, 5]), 0xfffff];
        if (chance(0.15)) r.flags |= FIB_RULE_INVERT;
        if (chance(0.2)) r.suppressPrefixlen = pick([0, 8]);
        rules.add(r);
      }
      const outcome = new Map<number, string | ModelError | undefined>();
      for (let id = 100; id < 106; id++) outcome.set(id, pick<string | ModelError | undefined>([`table ${id}`, `table ${id}`, undefined, new ModelError('EAGAIN'), new ModelError('EACCES')]));
      const table = (id: number) => outcome.get(id);
      const suppressed = (r: FibRule) => r.suppressPrefixlen === 8;
      for (let k = 0; k < 40; k++) {
        const plain = chance(0.5);
        const flow: RuleFlow = {
          dst: family === AF_INET ? new DataView(addr(family).buffer).getUint32(0) : addr(family),
          src: family === AF_INET ? (plain ? 0 : new DataView(addr(family).buffer).getUint32(0)) : plain ? new Uint8Array(16) : addr(family),
          hasSrc: family === AF_INET ? true : !plain, iif: plain ? 1 : pick([1, 2, 3]), oif: pick([0, 2, 3]),
          mark: plain ? 0 : pick([0, 1, 2]), uid: plain ? 0 : pick([0, 1500]), tos: plain ? 0 : pick([0, 0x04, 0x10]),
          ipProto: plain ? 0 : pick([0, 6, 17]), sport: 0, dport: plain ? 0 : pick([0, 53, 80]), flowlabel: plain ? 0 : pick([0, 5]),
        };
        if (plain) plainFlows++;
        const expected = plainLookup(rules.list(family), flow, table, suppressed);
        let got: string;
        try {
          got = lookupThroughRules(rules, family, flow, (n) => DEVICES[n], table, suppressed) as string;
        } catch (e) {
          got = `error ${(e as ModelError).code}`;
        }
        expect(got).toBe(expected);
        checked++;
      }
    }
    expect(checked).toBe(12_000);
    expect(plainFlows).toBeGreaterThan(5000);
  });
});
