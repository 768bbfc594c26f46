import {
  AF_INET, AF_INET6, AF_UNSPEC, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE,
} from '../../protocol/constants.js';
import { decodeRuleMessage, type RuleMessage } from '../../protocol/rule-message.js';
import { writeRuleRequest, type RuleRequest } from '../../protocol/rule-request.js';
import type { RtnlConnection } from './core.js';
import { Dump, type DumpState } from './dump.js';

/** A FIB rule as RTM_NEWRULE reports it (protocol/rule-message.ts). */
export type Rule = RuleMessage;

export interface RulesFilter {
  /** One family; default every rule family (IPv4, IPMR, IP6MR, IPv6). */
  family?: 'inet' | 'inet6' | undefined;
}

const familyOf = (f: RulesFilter['family']) => (f === 'inet' ? AF_INET : f === 'inet6' ? AF_INET6 : AF_UNSPEC);

/** The typed FIB rule API (RTM_*RULE) on a connection. */
export class RuleService {
  constructor(private readonly core: RtnlConnection) {}

  /** RTM_GETRULE dump (`ip rule show`). */
  rules(filter: RulesFilter = {}): Dump<Rule> {
    return new Dump((state) => this.dumpRules(filter, state));
  }

  private async *dumpRules(filter: RulesFilter, state: DumpState): AsyncGenerator<Rule> {
    const family = familyOf(filter.family);
    for await (const m of this.core.dump((w, seq) => writeRuleRequest(w, RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP, seq, { family }), state)) {
      yield decodeRuleMessage(m);
    }
  }

  /** RTM_NEWRULE with NLM_F_CREATE | NLM_F_EXCL (`ip rule add`). */
  async addRule(r: RuleRequest): Promise<void> {
    await this.core.ack((w, seq) => writeRuleRequest(w, RTM_NEWRULE, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, seq, r));
  }

  /** RTM_DELRULE (`ip rule del`): the first rule every given selector matches. */
  async deleteRule(r: RuleRequest): Promise<void> {
    await this.core.ack((w, seq) => writeRuleRequest(w, RTM_DELRULE, NLM_F_REQUEST, seq, r));
  }
}
