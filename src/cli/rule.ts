import { AF_INET, AF_INET6, FIB_RULE_INVERT, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_TO_TBL, RT_TABLE_MAIN } from '../../protocol/constants.js';
import type { RuleRequest } from '../../protocol/rule-request.js';
import { stringifyJson, type JsonValue } from '../format/json.js';
import { Printer } from '../format/printer.js';
import { parseIpProto, parseProtocol, parseRuleAction, printRule } from '../format/rule.js';
import { Args, ExitNow, invarg, matches, parseUnsigned } from './args.js';
import { dumpFailed, getPrefixOrExit, reportChange } from './common.js';
import type { Context } from './context.js';

const RULE_USAGE = `Usage: rtnl rule [ list [ SELECTOR ]]
       rtnl rule { add | del } SELECTOR ACTION
       rtnl rule { flush }
SELECTOR := [ not ] [ from PREFIX ] [ to PREFIX ] [ tos TOS ] [ fwmark FWMARK[/MASK] ]
            [ iif STRING ] [ oif STRING ] [ pref NUMBER ] [ uidrange NUMBER-NUMBER ]
            [ ipproto PROTOCOL ] [ sport [ NUMBER | NUMBER-NUMBER ] ]
            [ dport [ NUMBER | NUMBER-NUMBER ] ]
ACTION := [ table TABLE_ID ] [ protocol PROTO ] [ goto NUMBER ] [ nop ]
          [ prohibit | blackhole | unreachable ] [ suppress_prefixlength NUMBER ]
          [ suppress_ifgroup DEVGROUP ]
TABLE_ID := [ local | main | default | NUMBER ]
`;

function usage(): never {
  throw new ExitNow(255, RULE_USAGE);
}

/** rtnl_rttable_a2n() */
function parseTable(word: string): number {
  const named: Record<string, number> = { local: 255, main: 254, default: 253 };
  const v = named[word] ?? parseUnsigned(word);
  if (v === undefined) invarg('invalid table ID\n', word);
  return v;
}

function parseRange(word: string, what: string): { start: number; end: number } {
  const m = /^(\d+)(?:-(\d+))?$/.exec(word);
  if (!m) invarg(`invalid ${what}\n`, word);
  return { start: Number(m[1]), end: Number(m[2] ?? m[1]) };
}

/** The family `ip rule` works on: IPv4 unless -6 (iprule_list_flush_or_save / iprule_modify). */
const familyOf = (ctx: Context) => (ctx.opts.family === AF_INET6 ? AF_INET6 : AF_INET);

/** iprule_modify(): `ip rule add|del SELECTOR ACTION`. */
async function ruleModify(ctx: Context, add: boolean, args: Args): Promise<number> {
  if (!add && !args.more) {
    ctx.err('"ip rule del" requires arguments.\n');
    return 255;
  }
  const r = ruleRequest(args, familyOf(ctx), add);
  const client = await ctx.client();
  return reportChange(ctx, add ? client.addRule(r).then(() => ({})) : client.deleteRule(r).then(() => ({})));
}

/**
 * iprule_modify()'s parse: the RTM_NEWRULE / RTM_DELRULE request of SELECTOR ACTION words (also
 * the seed's `rules:`, src/seed-rules.ts). Bad words throw ExitNow with iproute2's message.
 */
export function ruleRequest(args: Args, family: number, add: boolean): RuleRequest {
  const r: RuleRequest = { family, action: add ? FR_ACT_TO_TBL : 0 };
  let tableGiven = false;
  for (; args.more; args.advance()) {
    const w = args.cur;
    if (w === 'not') r.flags = (r.flags ?? 0) | FIB_RULE_INVERT;
    else if (w === 'from') {
      if (args.next() === 'all') continue;
      const p = getPrefixOrExit(args.cur, family);
      r.src = p.bytes;
      r.srcLen = p.prefixlen;
    } else if (w === 'to') {
      if (args.next() === 'all') continue;
      const p = getPrefixOrExit(args.cur, family);
      r.dst = p.bytes;
      r.dstLen = p.prefixlen;
    } else if (matches(w, 'preference') || matches(w, 'order') || matches(w, 'priority')) {
      const v = parseUnsigned(args.next());
      if (v === undefined) invarg('preference value is invalid\n', args.cur);
      r.priority = v;
    } else if (w === 'tos' || matches(w, 'dsfield')) {
      const v = parseUnsigned(args.next(), 255);
      if (v === undefined) invarg('TOS value is invalid\n', args.cur);
      r.tos = v;
    } else if (matches(w, 'fwmark')) {
      const [mark, mask] = args.next().split('/');
      const m = parseUnsigned(mark!);
      if (m === undefined) invarg('fwmark value is invalid\n', args.cur);
      r.fwmark = m;
      if (mask !== undefined) {
        const k = parseUnsigned(mask);
        if (k === undefined) invarg('fwmask value is invalid\n', mask);
        r.fwmask = k;
      }
    } else if (matches(w, 'table') || w === 'lookup') {
      r.table = parseTable(args.next());
      tableGiven = true;
    } else if (w === 'suppress_prefixlength' || w === 'sup_pl') {
      const v = Number(args.next());
      if (!Number.isInteger(v) || v < -1) invarg('suppress_prefixlength value is invalid\n', args.cur);
      r.suppressPrefixlen = v;
    } else if (w === 'suppress_ifgroup' || w === 'sup_group') {
      const v = parseUnsigned(args.next());
      if (v === undefined) invarg('Invalid "suppress_ifgroup" value\n', args.cur);
      r.suppressIfgroup = v;
    } else if (w === 'dev' || w === 'iif') r.iifname = args.next();
    else if (w === 'oif') r.oifname = args.next();
    else if (w === 'uidrange') r.uidRange = parseRange(args.next(), 'UID range');
    else if (w === 'ipproto') {
      const v = parseIpProto(args.next());
      if (v === undefined) invarg('Invalid "ipproto" value\n', args.cur);
      r.ipProto = v;
    } else if (w === 'sport') r.sportRange = parseRange(args.next(), 'sport range');
    else if (w === 'dport') r.dportRange = parseRange(args.next(), 'dport range');
    else if (matches(w, 'protocol')) {
      const v = parseProtocol(args.next());
      if (v === undefined) invarg('"protocol" value is invalid\n', args.cur);
      r.protocol = v;
    } else if (w === 'goto') {
      const v = parseUnsigned(args.next());
      if (v === undefined) invarg('invalid target\n', args.cur);
      r.goto = v;
      r.action = FR_ACT_GOTO;
    } else if (w === 'nop') r.action = FR_ACT_NOP;
    else if (w === 'help') usage();
    else {
      const word = w === 'type' ? args.next() : w;
      const action = parseRuleAction(word);
      if (action === undefined) invarg('Failed to parse rule type', word);
      r.action = action;
    }
  }
  if (!tableGiven && add && r.action === FR_ACT_TO_TBL) r.table = RT_TABLE_MAIN;
  return r;
}

/** iprule_list_flush_or_save(): `ip rule show` (IPv4 unless -6) and `ip rule flush` (every rule but pref 0). */
async function ruleList(ctx: Context, flush: boolean): Promise<number> {
  const client = await ctx.client();
  const family = familyOf(ctx) === AF_INET6 ? 'inet6' : 'inet';
  let rules;
  try {
    rules = await client.rules({ family }).toArray();
  } catch (e) {
    dumpFailed(e);
  }
  if (flush) {
    for (const r of rules) {
      if (!r.priority) continue;
      const status = await reportChange(ctx, client.deleteRule({
        family: r.family, priority: r.priority, table: r.table, action: r.action, srcLen: r.srcLen, dstLen: r.dstLen, src: r.src,
        dst: r.dst, tos: r.tos,
      }).then(() => ({})));
      if (status) return status;
    }
    return 0;
  }
  const records: JsonValue[] = [];
  let text = '';
  for (const r of rules) {
    const p = new Printer(ctx.opts.json, ctx.sl);
    printRule(p, r, ctx.opts.details);
    if (ctx.opts.json) records.push(p.root);
    else text += p.textOut;
  }
  ctx.out(ctx.opts.json ? stringifyJson(records, ctx.opts.pretty) : text);
  return 0;
}

/** do_iprule() */
export async function doRule(ctx: Context, argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || matches(cmd, 'list') || matches(cmd, 'show') || matches(cmd, 'lst')) return ruleList(ctx, false);
  if (matches(cmd, 'add')) return ruleModify(ctx, true, new Args(rest));
  if (matches(cmd, 'delete')) return ruleModify(ctx, false, new Args(rest));
  if (matches(cmd, 'flush')) return ruleList(ctx, true);
  if (matches(cmd, 'help')) usage();
  throw new ExitNow(255, `Command "${cmd}" is unknown, try "ip rule help".\n`);
}
