import {
  AF_INET, AF_PACKET, AF_UNSPEC, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, RTM_DELADDR, RTM_NEWADDR,
} from '../../protocol/constants.js';
import { ipv4Broadcast, ipv4Network, type InetPrefix } from '../../protocol/inet.js';
import type { AddrRequest } from '../../protocol/addr-request.js';
import { parseScope } from '../format/names.js';
import { Args, CommandFailed, duparg, duparg2, ExitNow, invarg, matches, parseUnsigned } from './args.js';
import { getAddrOrExit, getPrefixOrExit, reportChange } from './common.js';
import type { Context } from './context.js';
import { flushAddresses, listLinksAndAddresses, parseShowArgs } from './show.js';

const ADDR_USAGE = `Usage: rtnl address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]
                                                      [ CONFFLAG-LIST ]
       rtnl address del IFADDR dev IFNAME [mngtmpaddr]
       rtnl address flush [ dev IFNAME ] [ scope SCOPE-ID ]
                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]
       rtnl address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]
                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]
                         [ label LABEL ] [up] ]
IFADDR := PREFIX | ADDR peer PREFIX
          [ broadcast ADDR ] [ anycast ADDR ]
          [ label IFNAME ] [ scope SCOPE-ID ] [ metric METRIC ]
SCOPE-ID := [ host | link | global | NUMBER ]
FLAG-LIST := [ FLAG-LIST ] FLAG
FLAG  := [ permanent | dynamic | secondary | primary |
           [-]tentative | [-]deprecated | [-]dadfailed | temporary |
           CONFFLAG-LIST ]
CONFFLAG-LIST := [ CONFFLAG-LIST ] CONFFLAG
CONFFLAG  := [ home | nodad | mngtmpaddr | noprefixroute | autojoin ]
LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]
LFT := forever | SECONDS
TYPE := { bridge | dummy | ifb | macvlan | veth | vlan }
`;

export function addrUsage(): never {
  throw new ExitNow(255, ADDR_USAGE);
}

const INFINITY_LIFE_TIME = 0xffffffff;
const CONF_FLAGS: Readonly<Record<string, number>> = {
  home: 0x10, nodad: 0x02, optimistic: 0x04, mngtmpaddr: 0x100, noprefixroute: 0x200, autojoin: 0x400,
};

/** ipaddr_modify(): `ip address add|change|replace|del`. */
async function ipaddrModify(ctx: Context, cmd: number, flags: number, args: Args): Promise<number> {
  const req: AddrRequest = { family: ctx.opts.family === AF_PACKET ? AF_UNSPEC : ctx.opts.family };
  let dev: string | undefined;
  let label: string | undefined;
  let local: InetPrefix | undefined;
  let localArg = '';
  let peer: InetPrefix | undefined;
  let brd: 'set' | '+' | '-' | undefined;
  let scoped = false;
  let ifaFlags = 0;
  let validLft = INFINITY_LIFE_TIME;
  let preferredLft = INFINITY_LIFE_TIME;
  let validGiven = false;
  let preferredGiven = false;
  const setLft = (what: string, v: string): number => {
    if (v === 'forever') return INFINITY_LIFE_TIME;
    const n = parseUnsigned(v);
    if (n === undefined) invarg(`${what} value`, v);
    return n;
  };
  while (args.more) {
    const w = args.cur;
    if (w === 'peer' || w === 'remote') {
      const v = args.next();
      if (peer) duparg('peer', v);
      peer = getPrefixOrExit(v, req.family);
      if (req.family === AF_UNSPEC) req.family = peer.family;
      req.address = peer.bytes;
      req.prefixlen = peer.prefixlen;
    } else if (matches(w, 'broadcast') || w === 'brd') {
      const v = args.next();
      if (brd) duparg('broadcast', v);
      if (v === '+' || v === '-') {
        brd = v;
      } else {
        const a = getAddrOrExit(v, req.family);
        if (req.family === AF_UNSPEC) req.family = a.family;
        req.broadcast = a.bytes;
        brd = 'set';
      }
    } else if (w === 'anycast') {
      const v = args.next();
      if (req.anycast) duparg('anycast', v);
      const a = getAddrOrExit(v, req.family);
      if (req.family === AF_UNSPEC) req.family = a.family;
      req.anycast = a.bytes;
    } else if (w === 'scope') {
      const v = args.next();
      const s = parseScope(v);
      if (s === undefined) invarg('invalid scope value.', v);
      req.scope = s;
      scoped = true;
    } else if (w === 'dev') {
      dev = args.next();
    } else if (w === 'label') {
      label = args.next();
      req.label = label;
    } else if (matches(w, 'metric') || matches(w, 'priority') || matches(w, 'preference')) {
      const v = args.next();
      const n = parseUnsigned(v);
      if (n === undefined) invarg('"metric" value is invalid\n', v);
      req.rtPriority = n;
    } else if (matches(w, 'valid_lft')) {
      if (validGiven) duparg('valid_lft', w);
      validLft = setLft('valid_lft', args.next());
      validGiven = true;
    } else if (matches(w, 'preferred_lft')) {
      if (preferredGiven) duparg('preferred_lft', w);
      preferredLft = setLft('preferred_lft', args.next());
      preferredGiven = true;
    } else if (w in CONF_FLAGS) {
      ifaFlags |= CONF_FLAGS[w]!;
    } else if (matches(w, 'proto')) {
      const v = args.next();
      const names: Record<string, number> = { unspec: 0, kernel_lo: 1, kernel_ra: 2, kernel_ll: 3 };
      const n = v in names ? names[v] : parseUnsigned(v, 0xff);
      if (n === undefined) invarg('"proto" value is invalid\n', v);
      req.proto = n;
    } else {
      let v = w;
      if (w === 'local') v = args.next();
      if (matches(v, 'help')) addrUsage();
      if (local) duparg2('local', v);
      localArg = v;
      local = getPrefixOrExit(v, req.family);
      if (req.family === AF_UNSPEC) req.family = local.family;
      req.local = local.bytes;
    }
    args.advance();
  }
  req.flags = ifaFlags;
  if (dev === undefined) {
    ctx.err('Not enough information: "dev" argument is required.\n');
    return 1;
  }
  if (label !== undefined && !matches(dev, label)) {
    ctx.err(`"dev" (${dev}) must match "label" (${label}).\n`);
    return 1;
  }
  if (!peer && local) {
    if (cmd === RTM_DELADDR && local.family === AF_INET && !local.explicitLength) {
      ctx.err(`Warning: Executing wildcard deletion to stay compatible with old scripts.\n`
        + `         Explicitly specify the prefix length (${localArg}/${local.prefixlen}) to avoid this warning.\n`
        + '         This special behaviour is likely to disappear in further releases,\n'
        + '         fix your scripts!\n');
    } else {
      peer = local;
      req.address = local.bytes;
    }
  }
  if (!req.prefixlen && local) req.prefixlen = local.prefixlen;
  if ((brd === '+' || brd === '-') && cmd !== RTM_DELADDR) {
    if (req.family !== AF_INET) {
      ctx.err('Broadcast can be set only for IPv4 addresses\n');
      return 1;
    }
    const base = peer ?? local;
    if (base && base.prefixlen <= 30) {
      req.broadcast = brd === '+' ? ipv4Broadcast(base.bytes, base.prefixlen) : ipv4Network(base.bytes, base.prefixlen);
    }
  }
  if (!scoped && cmd !== RTM_DELADDR) req.scope = local && local.family === AF_INET && local.bytes[0] === 127 ? 254 : 0;
  const index = await ctx.nameToIndex(dev);
  if (!index) throw new CommandFailed(`Cannot find device "${dev}"\n`, 1);
  req.index = index;
  if (validGiven || preferredGiven) {
    if (!validLft) {
      ctx.err('valid_lft is zero\n');
      return 1;
    }
    if (validLft < preferredLft) {
      ctx.err('preferred_lft is greater than valid_lft\n');
      return 1;
    }
    req.lifetimes = { valid: validLft, preferred: preferredLft };
  }
  const client = await ctx.client();
  return reportChange(ctx, client.addressChange(cmd, flags, req));
}

/** do_ipaddr(): the `address` object. */
export async function doAddress(ctx: Context, words: readonly string[]): Promise<number> {
  const args = new Args(words);
  if (!args.more) return listLinksAndAddresses(ctx, await parseShowArgs(ctx, args, addrUsage), false);
  const cmd = args.cur;
  args.advance();
  if (matches(cmd, 'add')) return ipaddrModify(ctx, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, args);
  if (matches(cmd, 'change') || cmd === 'chg') return ipaddrModify(ctx, RTM_NEWADDR, NLM_F_REPLACE, args);
  if (matches(cmd, 'replace')) return ipaddrModify(ctx, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, args);
  if (matches(cmd, 'delete')) return ipaddrModify(ctx, RTM_DELADDR, 0, args);
  if (matches(cmd, 'list') || matches(cmd, 'show') || matches(cmd, 'lst')) {
    return listLinksAndAddresses(ctx, await parseShowArgs(ctx, args, addrUsage), false);
  }
  if (matches(cmd, 'flush')) {
    if (!args.more) {
      ctx.err('Flush requires arguments.\n');
      return 1;
    }
    if (ctx.opts.family === AF_PACKET) {
      ctx.err('Cannot flush link addresses.\n');
      return 1;
    }
    return flushAddresses(ctx, await parseShowArgs(ctx, args, addrUsage));
  }
  if (matches(cmd, 'help')) addrUsage();
  throw new ExitNow(255, `Command "${cmd}" is unknown, try "rtnl address help".\n`);
}
