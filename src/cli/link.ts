import {
  ETH_P_8021AD, ETH_P_8021Q, IFALIASZ, IFF_ALLMULTI, IFF_DYNAMIC, IFF_MULTICAST, IFF_NOARP, IFF_NOTRAILERS,
  IFF_PROMISC, IFF_UP, IFLA_MACVLAN_FLAGS, IFLA_MACVLAN_MODE, IFLA_VLAN_FLAGS, IFLA_VLAN_ID, IFLA_VLAN_PROTOCOL,
  MACVLAN_MODES, type MacvlanModeName,
  NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, RTM_DELLINK, RTM_NEWLINK,
} from '../../protocol/constants.js';
import { IFLA_MACVLAN_BC_QUEUE_LEN } from '../../protocol/link-decode.js';
import type { LinkRequest } from '../../protocol/link-request.js';
import type { TypedAttr } from '../../protocol/typed-attrs.js';
import { encodeIflaVlanFlags } from '../../protocol/structs.js';
import { OPER_STATES } from '../format/names.js';
import { Args, CommandFailed, duparg, duparg2, ExitNow, invarg, matches, parseOnOff, parseUnsigned } from './args.js';
import { reportChange } from './common.js';
import type { Context } from './context.js';
import { listLinksAndAddresses, parseShowArgs } from './show.js';

const LINK_USAGE = `Usage: rtnl link add [link DEV] [ name ] NAME
\t\t    [ txqueuelen PACKETS ]
\t\t    [ address LLADDR ]
\t\t    [ broadcast LLADDR ]
\t\t    [ mtu MTU ] [index IDX ]
\t\t    [ numtxqueues QUEUE_COUNT ]
\t\t    [ numrxqueues QUEUE_COUNT ]
\t\t    [ master DEVICE ] [ alias NAME ] [ group GROUP ] [ up ]
\t\t    type TYPE [ ARGS ]

\trtnl link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]

\trtnl link set { DEVICE | dev DEVICE | group DEVGROUP }
\t\t\t[ { up | down } ]
\t\t\t[ type TYPE ARGS ]
\t\t[ arp { on | off } ]
\t\t[ dynamic { on | off } ]
\t\t[ multicast { on | off } ]
\t\t[ allmulticast { on | off } ]
\t\t[ promisc { on | off } ]
\t\t[ trailers { on | off } ]
\t\t[ carrier { on | off } ]
\t\t[ txqueuelen PACKETS ]
\t\t[ name NEWNAME ]
\t\t[ address LLADDR ]
\t\t[ broadcast LLADDR ]
\t\t[ mtu MTU ]
\t\t[ alias NAME ]
\t\t[ group GROUP ]
\t\t[ master DEVICE ][ nomaster ]
\t\t[ mode { default | dormant } ]
\t\t[ state { up | down | unknown | ... } ]

\trtnl link show [ DEVICE | group GROUP ] [up] [master DEV] [type TYPE]
\t\t[nomaster]

TYPE := { bridge | dummy | ifb | macvlan | veth | vlan }
`;

export function linkUsage(): never {
  throw new ExitNow(255, LINK_USAGE);
}

/** ll_addr_a2n(): colon-separated hex bytes; failure prints '"ARG" is invalid lladdr.' and returns -1. */
function parseLladdr(text: string): Uint8Array {
  const parts = text.split(/[:.]/);
  if (parts.length === 0 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p)) || parts.length > 32) {
    throw new CommandFailed(`"${text}" is invalid lladdr.\n`, 1);
  }
  return new Uint8Array(parts.map((p) => parseInt(p, 16)));
}

/** check_ifname(): 1-15 bytes, no '/', ':' or blanks. */
function validIfname(name: string): boolean {
  return name.length > 0 && Buffer.byteLength(name) < 16 && !/[/:\s]/.test(name);
}

/** check_altifname(): up to 127 bytes, no '/', ':' or blanks. */
function validAltIfname(name: string): boolean {
  return name.length > 0 && Buffer.byteLength(name) < 128 && !/[/:\s]/.test(name);
}

export interface ParsedLink {
  req: LinkRequest;
  dev?: string | undefined;
  name?: string | undefined;
  link?: string | undefined;
  type?: string | undefined;
  group?: number | undefined;
  index?: number | undefined;
}

function setFlag(req: LinkRequest, bit: number, on: boolean): void {
  req.change = (req.change ?? 0) | bit;
  req.flags = on ? (req.flags ?? 0) | bit : (req.flags ?? 0) & ~bit;
}

/** iplink_parse(): the generic link words, up to "type". */
async function iplinkParse(ctx: Context, args: Args): Promise<ParsedLink> {
  const out: ParsedLink = { req: {} };
  const req = out.req;
  while (args.more) {
    const w = args.cur;
    if (w === 'up') {
      setFlag(req, IFF_UP, true);
    } else if (w === 'down') {
      setFlag(req, IFF_UP, false);
    } else if (w === 'name') {
      const v = args.next();
      if (out.name !== undefined) duparg('name', v);
      if (!validIfname(v)) invarg('"name" not a valid ifname', v);
      out.name = v;
      if (out.dev === undefined) out.dev = v;
    } else if (w === 'index') {
      const v = args.next();
      const n = parseUnsigned(v, 0x7fffffff);
      if (n === undefined) invarg('Invalid "index" value', v);
      out.index = n;
    } else if (matches(w, 'link')) {
      out.link = args.next();
    } else if (matches(w, 'address')) {
      req.address = parseLladdr(args.next());
    } else if (matches(w, 'broadcast') || w === 'brd') {
      req.broadcast = parseLladdr(args.next());
    } else if (matches(w, 'txqueuelen') || w === 'qlen' || matches(w, 'txqlen')) {
      const v = args.next();
      if (req.txqlen !== undefined) duparg('txqueuelen', v);
      const n = parseUnsigned(v, 0x7fffffff);
      if (n === undefined) invarg('Invalid "txqueuelen" value\n', v);
      req.txqlen = n;
    } else if (w === 'mtu') {
      const v = args.next();
      if (req.mtu !== undefined) duparg('mtu', v);
      const n = parseUnsigned(v, 0x7fffffff);
      if (n === undefined) invarg('Invalid "mtu" value\n', v);
      req.mtu = n;
    } else if (w === 'multicast') {
      setFlag(req, IFF_MULTICAST, parseOnOff('multicast', args.next()));
    } else if (w === 'allmulticast') {
      setFlag(req, IFF_ALLMULTI, parseOnOff('allmulticast', args.next()));
    } else if (w === 'promisc') {
      setFlag(req, IFF_PROMISC, parseOnOff('promisc', args.next()));
    } else if (w === 'trailers') {
      setFlag(req, IFF_NOTRAILERS, !parseOnOff('trailers', args.next()));
    } else if (w === 'arp') {
      setFlag(req, IFF_NOARP, !parseOnOff('arp', args.next()));
    } else if (w === 'dynamic') {
      setFlag(req, IFF_DYNAMIC, parseOnOff('dynamic', args.next()));
    } else if (w === 'carrier') {
      const v = args.next();
      if (v !== 'on' && v !== 'off') throw new CommandFailed(`Error: argument of "carrier" must be one of "off", "on", not "${v}"\n`, 22);
      req.carrier = v === 'on';
    } else if (w === 'master') {
      const v = args.next();
      const index = await ctx.nameToIndex(v);
      if (!index) invarg('Device does not exist\n', v);
      req.master = index;
    } else if (w === 'nomaster') {
      req.master = 0;
    } else if (matches(w, 'type')) {
      out.type = args.next();
      args.advance();
      return out;
    } else if (matches(w, 'alias')) {
      const v = args.next();
      if (Buffer.byteLength(v) >= IFALIASZ) invarg('alias too long\n', v);
      req.alias = v;
    } else if (w === 'group') {
      const v = args.next();
      const g = v === 'default' ? 0 : parseUnsigned(v);
      if (g === undefined) invarg('Invalid "group" value\n', v);
      out.group = g;
    } else if (w === 'mode') {
      const v = args.next();
      if (v === 'default') req.linkmode = 0;
      else if (v === 'dormant') req.linkmode = 1;
      else invarg('Invalid link mode\n', v);
    } else if (w === 'state') {
      const v = args.next();
      const s = OPER_STATES.findIndex((x) => x.toLowerCase() === v.toLowerCase());
      if (s < 0) invarg('Invalid operstate\n', v);
      req.operstate = s;
    } else if (matches(w, 'numtxqueues')) {
      const v = args.next();
      const n = parseUnsigned(v, 0x7fffffff);
      if (n === undefined) invarg('Invalid "numtxqueues" value\n', v);
      req.numTxQueues = n;
    } else if (matches(w, 'numrxqueues')) {
      const v = args.next();
      const n = parseUnsigned(v, 0x7fffffff);
      if (n === undefined) invarg('Invalid "numrxqueues" value\n', v);
      req.numRxQueues = n;
    } else {
      if (matches(w, 'help')) linkUsage();
      let dev = w;
      if (w === 'dev') dev = args.next();
      if (out.dev !== undefined && out.dev !== out.name) duparg2('dev', dev);
      if (!validAltIfname(dev)) invarg('"dev" not a valid ifname', dev);
      out.dev = dev;
    }
    args.advance();
  }
  return out;
}

// --- kind-specific arguments (link_util parse_opt) ---

function vlanUsage(): string {
  return 'Usage: ... vlan id VLANID\n\t\t[ protocol VLANPROTO ]\n\t\t[ reorder_hdr { on | off } ]\n\t\t[ gvrp { on | off } ]\n'
    + '\t\t[ mvrp { on | off } ]\n\t\t[ loose_binding { on | off } ]\n\t\t[ bridge_binding { on | off } ]\n\n'
    + 'VLANID := 0-4095\nVLANPROTO: [ 802.1Q | 802.1ad ]\n';
}

function parseVlan(args: Args): TypedAttr[] {
  const data: TypedAttr[] = [];
  let flags = 0;
  let mask = 0;
  const FLAGS: Record<string, number> = { reorder_hdr: 0x1, gvrp: 0x2, loose_binding: 0x4, mvrp: 0x8, bridge_binding: 0x10 };
  while (args.more) {
    const w = args.cur;
    if (matches(w, 'protocol')) {
      const v = args.next().toLowerCase();
      const p = v === '802.1q' ? ETH_P_8021Q : v === '802.1ad' ? ETH_P_8021AD : undefined;
      if (p === undefined) invarg('protocol is invalid', args.cur);
      data.push([IFLA_VLAN_PROTOCOL, 'be16', p]);
    } else if (matches(w, 'id')) {
      const v = args.next();
      const id = parseUnsigned(v, 0xffff);
      if (id === undefined) invarg('id is invalid', v);
      data.push([IFLA_VLAN_ID, 'u16', id]);
    } else if (w in FLAGS) {
      const on = parseOnOff(w, args.next());
      mask |= FLAGS[w]!;
      if (on) flags |= FLAGS[w]!;
      else flags &= ~FLAGS[w]!;
    } else if (matches(w, 'help')) {
      throw new ExitNow(255, vlanUsage());
    } else {
      throw new CommandFailed(`vlan: unknown command "${w}"?\n${vlanUsage()}`, 1);
    }
    args.advance();
  }
  if (mask) data.push([IFLA_VLAN_FLAGS, 'binary', encodeIflaVlanFlags({ flags, mask })]);
  return data;
}

const MACVLAN_USAGE = 'Usage: ... macvlan mode MODE [flag MODE_FLAG MODE_OPTS] [bcqueuelen BC_QUEUE_LEN]\n\n'
  + 'MODE: private | vepa | bridge | passthru | source\nMODE_FLAG: null | nopromisc\n'
  + 'BC_QUEUE_LEN: Length of the rx queue for broadcast/multicast: [0-4294967295]\n';

function parseMacvlan(args: Args): TypedAttr[] {
  const data: TypedAttr[] = [];
  let mode: number | undefined;
  let flags: number | undefined;
  while (args.more) {
    const w = args.cur;
    if (matches(w, 'mode')) {
      const v = args.next();
      mode = MACVLAN_MODES[v as MacvlanModeName];
      if (mode === undefined) {
        throw new CommandFailed(`Error: argument of "mode" must be "private", "vepa", "bridge", "passthru" or "source", not "${v}"\n`, 1);
      }
    } else if (matches(w, 'nopromisc')) {
      flags = (flags ?? 0) | 1;
    } else if (matches(w, 'bcqueuelen')) {
      const v = args.next();
      const n = parseUnsigned(v);
      if (n === undefined) throw new CommandFailed(`Error: argument of "bcqueuelen" must be a positive integer [0-4294967295], not "${v}"\n`, 1);
      data.push([IFLA_MACVLAN_BC_QUEUE_LEN, 'u32', n]);
    } else if (matches(w, 'help')) {
      throw new ExitNow(255, MACVLAN_USAGE);
    } else {
      throw new CommandFailed(`macvlan: unknown command "${w}"?\n${MACVLAN_USAGE}`, 1);
    }
    args.advance();
  }
  if (mode !== undefined) data.unshift([IFLA_MACVLAN_MODE, 'u32', mode]);
  if (flags !== undefined) data.push([IFLA_MACVLAN_FLAGS, 'u16', flags]);
  return data;
}

/** The bridge options rtnl passes on (IFLA_BR_*: type, attribute, encoding). */
const BRIDGE_OPTIONS: Readonly<Record<string, readonly [number, 'u8' | 'u16' | 'u32']>> = {
  forward_delay: [1, 'u32'], hello_time: [2, 'u32'], max_age: [3, 'u32'], ageing_time: [4, 'u32'], stp_state: [5, 'u32'],
  priority: [6, 'u16'], vlan_filtering: [7, 'u8'], group_fwd_mask: [9, 'u16'], mcast_router: [22, 'u8'],
  mcast_snooping: [23, 'u8'], mcast_query_use_ifaddr: [24, 'u8'], mcast_querier: [25, 'u8'],
  mcast_hash_elasticity: [26, 'u32'], mcast_hash_max: [27, 'u32'], mcast_last_member_count: [28, 'u32'],
  mcast_startup_query_count: [29, 'u32'], nf_call_iptables: [36, 'u8'], nf_call_ip6tables: [37, 'u8'],
  nf_call_arptables: [38, 'u8'], vlan_default_pvid: [39, 'u16'], vlan_stats_enabled: [41, 'u8'],
  mcast_stats_enabled: [42, 'u8'], mcast_igmp_version: [43, 'u8'], mcast_mld_version: [44, 'u8'], vlan_stats_per_port: [45, 'u8'],
};

function bridgeUsage(): string {
  return `Usage: ... bridge ${Object.keys(BRIDGE_OPTIONS).map((k) => `[ ${k} ${k.toUpperCase()} ]`).join('\n\t\t  ')}\n`;
}

function parseBridge(args: Args): TypedAttr[] {
  const data: TypedAttr[] = [];
  const MAX = { u8: 0xff, u16: 0xffff, u32: 0xffffffff };
  while (args.more) {
    const w = args.cur;
    const opt = BRIDGE_OPTIONS[w];
    if (opt) {
      const v = args.next();
      const n = parseUnsigned(v, MAX[opt[1]]);
      if (n === undefined) invarg(`invalid ${w}`, v);
      data.push([opt[0], opt[1], n]);
    } else if (matches(w, 'help')) {
      throw new ExitNow(255, bridgeUsage());
    } else {
      throw new CommandFailed(`bridge: unknown command "${w}"?\n${bridgeUsage()}`, 1);
    }
    args.advance();
  }
  return data;
}

const VETH_USAGE = "Usage: rtnl link <options> type veth [peer <options>]\nTo get <options> type 'rtnl link add help'\n";

/** The kind's own words after "type KIND": IFLA_INFO_DATA, or the veth peer. */
async function parseKindArgs(ctx: Context, kind: string, args: Args, parsed: ParsedLink): Promise<void> {
  const req = parsed.req;
  req.kind = kind;
  switch (kind) {
    case 'veth': {
      if (!args.more) return;
      if (args.cur !== 'peer') throw new CommandFailed(VETH_USAGE, 1);
      args.advance();
      const peer = await iplinkParse(ctx, args);
      const peerName = peer.name ?? peer.dev;
      req.peer = { ...peer.req, name: peerName, index: peer.index };
      if (peer.group !== undefined) req.peer.group = peer.group;
      return;
    }
    case 'vlan':
      req.infoData = parseVlan(args);
      return;
    case 'macvlan':
    case 'macvtap':
      req.infoData = parseMacvlan(args);
      return;
    case 'bridge':
      req.infoData = parseBridge(args);
      return;
    default:
      // Kinds without options of their own (dummy, ifb, ...) ignore extra words, as iproute2 does.
      return;
  }
}

async function talk(ctx: Context, type: number, flags: number, req: LinkRequest): Promise<number> {
  const client = await ctx.client();
  return reportChange(ctx, client.linkChange(type, flags, req));
}

/** iplink_modify(): `ip link add`, `ip link set`, `ip link delete`. */
async function iplinkModify(ctx: Context, cmd: number, flags: number, args: Args): Promise<number> {
  const parsed = await iplinkParse(ctx, args);
  const req = parsed.req;
  const create = (flags & NLM_F_CREATE) !== 0;
  if (parsed.type !== undefined) {
    await parseKindArgs(ctx, parsed.type, args, parsed);
  } else if (create) {
    ctx.err('Not enough information: "type" argument is required\n');
    return 1;
  }
  let { name, dev } = parsed;
  if (name === undefined) name = dev;
  else if (dev === undefined) dev = name;
  if (parsed.group !== undefined) {
    if (dev !== undefined) {
      req.group = parsed.group;
    } else {
      if (create) {
        ctx.err('group cannot be used when creating devices.\n');
        return 1;
      }
      req.index = 0;
      req.group = parsed.group;
      return talk(ctx, cmd, flags, req);
    }
  }
  if (!create) {
    if (dev === undefined) throw new ExitNow(255, 'Not enough information: "dev" argument is required.\n');
    const index = await ctx.nameToIndex(dev);
    if (!index) throw new CommandFailed(`Cannot find device "${dev}"\n`, 1);
    req.index = index;
    if (cmd !== RTM_DELLINK && name !== undefined && name !== dev) req.name = name;
  } else {
    if (parsed.name !== undefined && parsed.dev !== undefined && parsed.name !== parsed.dev) {
      throw new ExitNow(255, 'both "name" and "dev" cannot be used when creating devices.\n');
    }
    if (parsed.link !== undefined) {
      const index = await ctx.nameToIndex(parsed.link);
      if (!index) throw new CommandFailed(`Cannot find device "${parsed.link}"\n`, 1);
      req.link = index;
    }
    req.index = parsed.index ?? 0;
    if (name !== undefined) req.name = name;
  }
  return talk(ctx, cmd, flags, req);
}

/** do_iplink(): the `link` object. */
export async function doLink(ctx: Context, words: readonly string[]): Promise<number> {
  const args = new Args(words);
  if (!args.more) return listLinksAndAddresses(ctx, await parseShowArgs(ctx, args, linkUsage), true);
  const cmd = args.cur;
  args.advance();
  if (matches(cmd, 'add')) return iplinkModify(ctx, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, args);
  if (matches(cmd, 'set') || matches(cmd, 'change')) return iplinkModify(ctx, RTM_NEWLINK, 0, args);
  if (matches(cmd, 'replace')) return iplinkModify(ctx, RTM_NEWLINK, NLM_F_CREATE | NLM_F_REPLACE, args);
  if (matches(cmd, 'delete')) return iplinkModify(ctx, RTM_DELLINK, 0, args);
  if (matches(cmd, 'show') || matches(cmd, 'lst') || matches(cmd, 'list')) {
    return listLinksAndAddresses(ctx, await parseShowArgs(ctx, args, linkUsage), true);
  }
  if (matches(cmd, 'help')) linkUsage();
  throw new ExitNow(255, `Command "${cmd}" is unknown, try "rtnl link help".\n`);
}
