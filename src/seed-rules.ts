import { AF_INET, AF_INET6, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, RTM_NEWRULE } from '../protocol/constants.js';
import { writeRuleRequest } from '../protocol/rule-request.js';
import { NlWriter } from '../protocol/writer.js';
import { Args } from './cli/args.js';
import { ruleRequest } from './cli/rule.js';
import type { NetworkModel } from './model/store.js';
import { handleSeedRequest, parseRefusal, seedWords } from './seed-request.js';

/**
 * The seed file's `rules:`: each entry is what follows `ip rule add` ("from 10.1.0.0/16 lookup
 * 100 pref 1000", "fwmark 7 table 200", "not to 10.9.0.0/16 prohibit"), IPv4 unless it starts
 * with `-6` (as `ip -6 rule add`). The words become the RTM_NEWRULE (NLM_F_CREATE | NLM_F_EXCL)
 * `ip rule add` would send, handled as that request (src/seed-request.ts).
 */
function request(text: string): Buffer {
  const words = seedWords(text);
  const family = words[0] === '-6' ? AF_INET6 : AF_INET;
  if (words[0] === '-6' || words[0] === '-4') words.shift();
  try {
    const w = new NlWriter();
    writeRuleRequest(w, RTM_NEWRULE, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 0, ruleRequest(new Args(words), family, true));
    return w.take();
  } catch (e) {
    throw parseRefusal(e, 'incomplete rule');
  }
}

/** Checks a rule's words (before any link exists): throws an Error naming the problem. */
export function checkSeedRule(text: string): void {
  request(text);
}

/** Adds a seed rule through the RTM_NEWRULE handler; throws an Error with the kernel's message. */
export function addSeedRule(model: NetworkModel, text: string): void {
  handleSeedRequest(model, request(text), 'rules');
}
