import type { RuleMessage } from '../../protocol/rule-message.js';
import { FIB_RULE_IIF_DETACHED, FIB_RULE_OIF_DETACHED, FIB_RULE_UNRESOLVED, FR_ACT_GOTO } from '../../protocol/constants.js';
import type { FibRule } from '../model/rules/rule.js';
import type { NetworkModel } from '../model/store.js';

/**
 * A rule as fib_nl_fill_rule shows it: the stored flags plus UNRESOLVED for a goto without a
 * target and IIF/OIF_DETACHED while the named device does not exist.
 */
export function ruleMessage(model: NetworkModel, r: Readonly<FibRule>): RuleMessage {
  let flags = r.flags;
  if (r.action === FR_ACT_GOTO && !model.rules.target(r)) flags |= FIB_RULE_UNRESOLVED;
  if (r.iifname !== undefined && !model.byName(r.iifname)) flags |= FIB_RULE_IIF_DETACHED;
  if (r.oifname !== undefined && !model.byName(r.oifname)) flags |= FIB_RULE_OIF_DETACHED;
  return {
    ...r, flags, priority: r.pref, tunId: r.tunId !== undefined ? BigInt(r.tunId) : undefined,
  };
}
