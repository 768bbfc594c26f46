import type { FastifyInstance } from 'fastify';
import { Printer } from '../format/printer.js';
import { printRule } from '../format/rule.js';
import { RULE_FAMILIES } from '../model/rules/rules.js';
import { ruleMessage } from '../rtnl/rule-view.js';
import type { AdminContext } from './context.js';
import { errors } from './schemas.js';

const ruleListSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['family', 'priority', 'src'],
    additionalProperties: true,
    properties: { family: { type: 'integer', description: '2, 10, 128 (IPMR) or 129 (IP6MR)' }, priority: { type: 'integer' } },
  },
} as const;

/** GET /v1/rules: every FIB rule, families in registration order, each as `ip -j rule` prints it plus its family. */
export function ruleRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/v1/rules', {
    schema: {
      tags: ['rules'],
      summary: 'Every FIB rule (IPv4, IPMR, IP6MR, IPv6 in list order), in `ip -j rule show` form plus "family"',
      response: { 200: ruleListSchema, ...errors(503) },
    },
  }, async () => RULE_FAMILIES.flatMap((family) => ctx.model.rules.list(family).map((r) => {
    const p = new Printer(true);
    printRule(p, ruleMessage(ctx.model, r));
    return { family, ...p.root };
  })));
}
