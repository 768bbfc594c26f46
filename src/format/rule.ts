import {
  FIB_RULE_IIF_DETACHED, FIB_RULE_INVERT, FIB_RULE_OIF_DETACHED, FIB_RULE_UNRESOLVED, FR_ACT_GOTO, FR_ACT_NOP,
  FR_ACT_TO_TBL, RTPROT_KERNEL,
} from '../../protocol/constants.js';
import { formatInet } from '../../protocol/inet.js';
import type { RuleMessage } from '../../protocol/rule-message.js';
import type { Printer } from './printer.js';

/** rtnl_rttable_n2a() */
export const tableName = (t: number) => (t === 255 ? 'local' : t === 254 ? 'main' : t === 253 ? 'default' : String(t));

/** rtnl_rtntype_n2a() for the actions iproute2 prints by name. */
const ACTION_NAMES: Readonly<Record<number, string>> = {
  0: 'none', 1: 'unicast', 2: 'local', 3: 'broadcast', 4: 'anycast', 5: 'multicast', 6: 'blackhole', 7: 'unreachable',
  8: 'prohibit', 9: 'throw', 10: 'nat', 11: 'xresolve',
};

/** rtnl_rtprot_n2a() */
const PROTOCOLS: Readonly<Record<number, string>> = {
  0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 8: 'gated', 9: 'ra', 10: 'mrt', 11: 'zebra', 12: 'bird',
  13: 'dnrouted', 14: 'xorp', 15: 'ntk', 16: 'dhcp', 17: 'mrouted', 18: 'keepalived', 42: 'babel', 99: 'openr', 186: 'bgp',
  187: 'isis', 188: 'ospf', 189: 'rip', 192: 'eigrp',
};

const IP_PROTOS: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp', 132: 'sctp' };

const hex = (v: number) => (v ? `0x${v.toString(16)}` : '0');

/** iprule.c: print_rule(), in its order (text and JSON keys). */
export function printRule(p: Printer, r: RuleMessage, details = false): void {
  const hostLen = r.family === 10 ? 128 : 32;
  p.any('priority', `${r.priority}:\t`, r.priority);
  if (r.flags & FIB_RULE_INVERT) p.any('not', 'not ', null);
  if (r.src) {
    p.text('from ').any('src', formatInet(r.src), formatInet(r.src));
    if (r.srcLen !== hostLen) p.any('srclen', `/${r.srcLen}`, r.srcLen);
  } else if (r.srcLen) {
    p.any('src', 'from 0', '0').any('srclen', `/${r.srcLen}`, r.srcLen);
  } else p.any('src', 'from all', 'all');
  if (r.dst) {
    p.text(' to ').any('dst', formatInet(r.dst), formatInet(r.dst));
    if (r.dstLen !== hostLen) p.any('dstlen', `/${r.dstLen}`, r.dstLen);
  } else if (r.dstLen) {
    p.any('dst', ' to 0', '0').any('dstlen', `/${r.dstLen}`, r.dstLen);
  }
  if (r.tos) p.any('tos', ` tos ${hex(r.tos)}`, hex(r.tos));
  if (r.fwmark || r.fwmask) {
    p.any('fwmark', ` fwmark ${hex(r.fwmark)}`, hex(r.fwmark));
    if (r.fwmask !== 0xffffffff) p.any('fwmask', `/${hex(r.fwmask)}`, hex(r.fwmask));
  }
  if (r.iifname !== undefined) {
    p.text(' iif ').any('iif', r.iifname, r.iifname);
    if (r.flags & FIB_RULE_IIF_DETACHED) p.any('iif_detached', ' [detached]', null);
  }
  if (r.oifname !== undefined) {
    p.text(' oif ').any('oif', r.oifname, r.oifname);
    if (r.flags & FIB_RULE_OIF_DETACHED) p.any('oif_detached', ' [detached]', null);
  }
  if (r.l3mdev) p.any('l3mdev', ' lookup [l3mdev-table]', null);
  if (r.uidRange) p.any('uid_start', ` uidrange ${r.uidRange.start}`, r.uidRange.start).any('uid_end', `-${r.uidRange.end}`, r.uidRange.end);
  if (r.ipProto) {
    const name = IP_PROTOS[r.ipProto] ?? `ipproto-${r.ipProto}`;
    p.any('ipproto', ` ipproto ${name}`, name);
  }
  for (const [key, range] of [['sport', r.sportRange], ['dport', r.dportRange]] as const) {
    if (!range) continue;
    if (range.start === range.end) p.any(key, ` ${key} ${range.start}`, range.start);
    else p.any(`${key}_start`, ` ${key} ${range.start}`, range.start).any(`${key}_end`, `-${range.end}`, range.end);
  }
  if (r.tunId) p.any('tun_id', ` tun_id ${r.tunId}`, r.tunId);
  if (r.table) {
    p.any('table', ` lookup ${tableName(r.table)}`, tableName(r.table));
    if (r.suppressPrefixlen !== -1) p.any('suppress_prefixlen', ` suppress_prefixlength ${r.suppressPrefixlen}`, r.suppressPrefixlen);
    if (r.suppressIfgroup !== -1) p.any('suppress_ifgroup', ` suppress_ifgroup ${r.suppressIfgroup}`, String(r.suppressIfgroup));
  }
  if (r.action === FR_ACT_GOTO) {
    if (r.goto) p.any('goto', ` goto ${r.goto}`, r.goto);
    else p.any('goto', ' goto none', 'none');
    if (r.flags & FIB_RULE_UNRESOLVED) p.any('unresolved', ' [unresolved]', null);
  } else if (r.action === FR_ACT_NOP) p.any('nop', ' nop', null);
  else if (r.action !== FR_ACT_TO_TBL) {
    const name = ACTION_NAMES[r.action] ?? String(r.action);
    p.any('action', ` ${name}`, name);
  }
  if ((r.protocol && r.protocol !== RTPROT_KERNEL) || details) {
    const name = PROTOCOLS[r.protocol] ?? String(r.protocol);
    p.any('protocol', ` proto ${name}`, name);
  }
  p.text('\n');
}

/** rtnl_rtntype_a2n() for `ip rule add ... ACTION`. */
export function parseRuleAction(word: string): number | undefined {
  for (const [n, name] of Object.entries(ACTION_NAMES)) if (name === word) return Number(n);
  return undefined;
}

/** rtnl_rtprot_a2n() */
export function parseProtocol(word: string): number | undefined {
  for (const [n, name] of Object.entries(PROTOCOLS)) if (name === word) return Number(n);
  return /^\d+$/.test(word) && Number(word) < 256 ? Number(word) : undefined;
}

/** inet_proto_a2n() */
export function parseIpProto(word: string): number | undefined {
  for (const [n, name] of Object.entries(IP_PROTOS)) if (name === word) return Number(n);
  return /^\d+$/.test(word) && Number(word) < 256 ? Number(word) : undefined;
}
