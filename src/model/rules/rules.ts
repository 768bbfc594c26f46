import type { Cause, ModelEvent } from '../events.js';
import { ModelError } from '../errors.js';
import {
  AF_INET, AF_INET6, FR_ACT_TO_TBL, RT_TABLE_DEFAULT, RT_TABLE_LOCAL, RT_TABLE_MAIN, RTNL_FAMILY_IP6MR, RTNL_FAMILY_IPMR,
  RTPROT_KERNEL,
} from './numbers.js';
import { blankRule, type FibRule } from './rule.js';

/** What the rules need from the route tables: the tables a TO_TBL rule creates (fib_empty_table, fib6_new_table). */
export interface RuleTables {
  hasInet(id: number): boolean;
  newInet(id: number): void;
  newInet6(id: number): void;
}

export interface RulesHost {
  readonly tables: RuleTables;
  /** Announces a rule change (RTM_NEWRULE / RTM_DELRULE) in order with the model's other events. */
  emit(event: ModelEvent): void;
  /** The device of a name (or altname), as rules resolve FRA_IIFNAME / FRA_OIFNAME. */
  linkByName(name: string): { index: number } | undefined;
}

/** The rule sets in registration order (fib_rules_register): what a family-0 dump walks. */
export const RULE_FAMILIES = [AF_INET, RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR, AF_INET6] as const;

/** fib_default_rule_add() calls of each family's *_rules_init: [pref, table]. */
const DEFAULT_RULES: Readonly<Record<number, ReadonlyArray<readonly [number, number]>>> = {
  [AF_INET]: [[0, RT_TABLE_LOCAL], [0x7ffe, RT_TABLE_MAIN], [0x7fff, RT_TABLE_DEFAULT]],
  [RTNL_FAMILY_IPMR]: [[0x7fff, RT_TABLE_DEFAULT]],
  [RTNL_FAMILY_IP6MR]: [[0x7fff, RT_TABLE_MAIN]],
  [AF_INET6]: [[0, RT_TABLE_LOCAL], [0x7ffe, RT_TABLE_MAIN]],
};

function defaultRule(family: number, pref: number, table: number): FibRule {
  return Object.freeze({ ...blankRule(family), pref, table, action: FR_ACT_TO_TBL, protocol: RTPROT_KERNEL });
}

/**
 * The default rules, made once and shared by every namespace (a rule is never changed once
 * listed; removal is by identity from the namespace's own list), so a namespace holding only lo
 * carries no rule objects of its own.
 */
const DEFAULT_RULE_SETS: ReadonlyMap<number, readonly FibRule[]> = new Map(
  RULE_FAMILIES.map((family) => [family, DEFAULT_RULES[family]!.map(([pref, table]) => defaultRule(family, pref, table))]),
);

/** Every rule as plain values (snapshots, the --state directory). */
export interface RuleSnapshot {
  rules: FibRule[];
  /** fib_has_custom_rules of IPv4 / IPv6: lookups walk the rules (and IPv4 local and main are unmerged). */
  customInet: boolean;
  customInet6: boolean;
}

/**
 * The FIB rule lists of one namespace (net/core/fib_rules.c), one per rule family, each kept in
 * priority order. Lookups walk them in rules/lookup.ts.
 */
export class FibRules {
  private readonly sets = new Map<number, FibRule[]>();
  /**
   * net->ipv4.fib_has_custom_rules: set by the first IPv4 rule added or deleted. Until then the
   * kernel looks up the merged local+main trie and then default without walking the rules.
   */
  customInet = false;
  /** net->ipv6.fib6_has_custom_rules: set by the first IPv6 rule added (a delete leaves it). */
  customInet6 = false;
  /** Bumped on every change (dump NLM_F_DUMP_INTR, lookup caches). */
  generation = 0;

  constructor(private readonly host: RulesHost) {
    this.reset();
  }

  /** A rule's device name as an ifindex (rule->iifindex; undefined: detached). */
  readonly ifindexOf = (name: string): number | undefined => this.host.linkByName(name)?.index;

  /** The rules a new namespace has (fib_rules_net_init + each family's default rules). */
  reset(): void {
    this.sets.clear();
    for (const family of RULE_FAMILIES) this.sets.set(family, [...DEFAULT_RULE_SETS.get(family)!]);
    this.customInet = false;
    this.customInet6 = false;
    this.generation++;
  }

  /** lookup_rules_ops(): whether `family` has a rule set. */
  has(family: number): boolean {
    return this.sets.has(family);
  }

  list(family: number): readonly FibRule[] {
    return this.sets.get(family) ?? [];
  }

  /** fib_default_rule_pref(): one below the second rule's priority, or 0. */
  defaultPref(family: number): number {
    const second = this.list(family)[1];
    return second && second.pref ? second.pref - 1 : 0;
  }

  /** The rule a goto jumps to (rule->ctarget): the first with the target's priority. */
  target(rule: FibRule): FibRule | undefined {
    return this.list(rule.family).find((r) => r.pref === rule.goto);
  }

  /**
   * fib_newrule() after the checks: the table a TO_TBL rule without one gets (IPv4
   * fib_empty_table: the first id from 1 with no table; IPv6 creates the named table), then the
   * rule goes after the last rule of lower or equal priority.
   */
  add(rule: FibRule, cause?: Cause): FibRule {
    const list = this.sets.get(rule.family);
    if (!list) throw new ModelError('EAFNOSUPPORT', 'Rule family not supported');
    if (rule.family === AF_INET) {
      if (rule.table === 0 && !rule.l3mdev && rule.action === FR_ACT_TO_TBL) {
        let id = 1;
        while (this.host.tables.hasInet(id)) id++;
        this.host.tables.newInet(id);
        rule.table = id;
      }
      this.customInet = true;
    } else if (rule.family === AF_INET6) {
      if (rule.action === FR_ACT_TO_TBL && !rule.l3mdev) this.host.tables.newInet6(rule.table);
      this.customInet6 = true;
    }
    let at = 0;
    while (at < list.length && list[at]!.pref <= rule.pref) at++;
    list.splice(at, 0, rule);
    this.generation++;
    this.host.emit({ type: 'newrule', rule, cause });
    return rule;
  }

  /** fib_delrule() once rule_find() chose `rule`. */
  remove(rule: FibRule, cause?: Cause): void {
    const list = this.sets.get(rule.family);
    const at = list?.indexOf(rule) ?? -1;
    if (at < 0) throw new ModelError('ENOENT');
    list!.splice(at, 1);
    if (rule.family === AF_INET) this.customInet = true; // fib4_rule_delete() unmerges too
    this.generation++;
    this.host.emit({ type: 'delrule', rule, cause });
  }

  export(): RuleSnapshot {
    const rules = RULE_FAMILIES.flatMap((f) => this.list(f).map((r) => structuredClone(r)));
    return { rules, customInet: this.customInet, customInet6: this.customInet6 };
  }

  /** Replaces every rule, announcing nothing (a restore); without a snapshot a new namespace's rules. */
  import(s?: RuleSnapshot): void {
    this.reset();
    if (!s) return;
    for (const family of RULE_FAMILIES) this.sets.set(family, []);
    for (const r of s.rules) this.sets.get(r.family)?.push(structuredClone(r));
    for (const list of this.sets.values()) list.sort((a, b) => a.pref - b.pref);
    this.customInet = s.customInet;
    this.customInet6 = s.customInet6;
  }
}
