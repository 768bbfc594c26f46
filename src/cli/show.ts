import { AF_PACKET, AF_UNSPEC, IFF_UP, NLM_F_DUMP, NLM_F_REQUEST, RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF, RTM_DELADDR, RTM_GETADDR, RTM_GETLINK } from '../../protocol/constants.js';
import type { InetPrefix } from '../../protocol/inet.js';
import { decodeLinkMessage, type DecodedLink } from '../../protocol/link-decode.js';
import { writeLinkRequest } from '../../protocol/link-request.js';
import { NlWriter } from '../../protocol/writer.js';
import { decodeAddrMessage, type DecodedAddr } from '../../protocol/addr-decode.js';
import { writeAddrRequest } from '../../protocol/addr-request.js';
import { NetlinkError } from '../client/errors.js';
import { addressFlagBit, printAddress, printAddressBrief } from '../format/address.js';
import { stringifyJson, type JsonValue } from '../format/json.js';
import { printLink, printLinkBrief, printLinkStats } from '../format/link.js';
import { LinkTable } from '../format/link-table.js';
import { parseScope } from '../format/names.js';
import { Printer } from '../format/printer.js';
import { Args, duparg2, invarg, matches, parseUnsigned } from './args.js';
import type { Context } from './context.js';
import { dumpFailed, getPrefixOrExit } from './common.js';

const IFA_F_SECONDARY = 0x01;
const IFA_F_PERMANENT = 0x80;
const RT_SCOPE_NOWHERE = 255;
const MAX_ROUNDS = 10;

/** iproute2's struct link_filter, as far as rtnl uses it. */
export interface ShowFilter {
  family: number;
  dev?: string | undefined;
  ifindex: number;
  up: boolean;
  /** > 0: ports of this master; -1: devices without a master. */
  master: number;
  kind?: string | undefined;
  slaveKind?: string | undefined;
  group: number;
  label?: string | undefined;
  scope: number;
  scopemask: number;
  flags: number;
  flagmask: number;
  pfx?: InetPrefix | undefined;
}

/** get_filter(): address flag words of `ip address show`. */
function applyFlagFilter(f: ShowFilter, word: string): boolean {
  if (word === 'dynamic') {
    f.flags &= ~IFA_F_PERMANENT;
    f.flagmask |= IFA_F_PERMANENT;
    return true;
  }
  if (word === 'primary') {
    f.flags &= ~IFA_F_SECONDARY;
    f.flagmask |= IFA_F_SECONDARY;
    return true;
  }
  if (word.startsWith('-')) {
    const bit = addressFlagBit(word.slice(1));
    if (bit === undefined) return false;
    f.flags &= bit;
    f.flagmask |= bit;
    return true;
  }
  const bit = addressFlagBit(word);
  if (bit === undefined) return false;
  f.flags |= bit;
  f.flagmask |= bit;
  return true;
}

/** fnmatch() without flags: *, ? and [...] classes. */
export function fnmatch(pattern: string, text: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(text);
}

/** Parses the arguments of `ip link show` / `ip address show|flush`. */
export async function parseShowArgs(ctx: Context, args: Args, usage: () => never): Promise<ShowFilter> {
  const f: ShowFilter = {
    family: ctx.opts.family, ifindex: 0, up: false, master: 0, group: -1, scope: 0, scopemask: 0, flags: 0, flagmask: 0,
  };
  while (args.more) {
    const w = args.cur;
    if (w === 'to') {
      const v = args.next();
      f.pfx = getPrefixOrExit(v, f.family);
      if (f.family === AF_UNSPEC) f.family = f.pfx.family;
    } else if (w === 'scope') {
      const v = args.next();
      f.scopemask = -1;
      const s = parseScope(v);
      if (s === undefined) {
        if (v !== 'all') invarg('invalid "scope"\n', v);
        f.scope = RT_SCOPE_NOWHERE;
        f.scopemask = 0;
      } else {
        f.scope = s;
      }
    } else if (w === 'up') {
      f.up = true;
    } else if (applyFlagFilter(f, w)) {
      // address flag filter
    } else if (w === 'label') {
      f.label = args.next();
    } else if (w === 'group') {
      const v = args.next();
      const g = v === 'default' ? 0 : parseUnsigned(v);
      if (g === undefined) invarg('Invalid "group" value\n', v);
      f.group = g;
    } else if (w === 'master') {
      const v = args.next();
      const index = await ctx.nameToIndex(v);
      if (!index) invarg('Device does not exist\n', v);
      f.master = index;
    } else if (w === 'nomaster') {
      f.master = -1;
    } else if (w === 'type') {
      const v = args.next();
      if (v.endsWith('_slave') && v.length > '_slave'.length) f.slaveKind = v.slice(0, -'_slave'.length);
      else f.kind = v;
    } else if (w === 'vrf') {
      const v = args.next();
      const index = await ctx.nameToIndex(v);
      if (!index) invarg('Not a valid VRF name\n', v);
      f.master = index;
    } else {
      let dev = w;
      if (w === 'dev') dev = args.next();
      else if (matches(w, 'help')) usage();
      if (f.dev !== undefined) duparg2('dev', dev);
      f.dev = dev;
    }
    args.advance();
  }
  return f;
}

/**
 * The link-level filters of print_linkinfo(). A label matches link names only for `ip link`;
 * `ip address` matches it against address labels (and prints no link lines then).
 */
function linkPasses(l: DecodedLink, f: ShowFilter, doLink = true): boolean {
  if (f.ifindex && l.index !== f.ifindex) return false;
  if (f.up && !(l.flags & IFF_UP)) return false;
  if (doLink && f.label && (!f.family || f.family === AF_PACKET) && !fnmatch(f.label, l.name ?? '')) return false;
  if (l.group !== undefined && f.group !== -1 && l.group !== f.group) return false;
  if (f.master > 0 && l.master !== f.master) return false;
  if (f.master === -1 && l.master) return false;
  if (f.kind !== undefined && l.kind !== f.kind) return false;
  if (f.slaveKind !== undefined && l.slaveKind !== f.slaveKind) return false;
  return true;
}

function prefixMatch(addr: Uint8Array, pfx: InetPrefix): boolean {
  let bits = pfx.prefixlen;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((addr[i] ?? 0) & mask) !== ((pfx.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** The address filters of print_addrinfo() (and ipaddr_filter()). */
function addressPasses(a: DecodedAddr, f: ShowFilter, names: LinkTable): boolean {
  if (f.ifindex && a.index !== f.ifindex) return false;
  if ((f.scope ^ a.scope) & f.scopemask) return false;
  if ((f.flags ^ a.flags) & f.flagmask) return false;
  if (f.label !== undefined && !fnmatch(f.label, a.label ?? names.name(a.index))) return false;
  const local = a.local ?? a.address;
  if (f.pfx && local && (a.family !== f.pfx.family || !prefixMatch(local, f.pfx))) return false;
  if (f.family && f.family !== a.family) return false;
  return true;
}

export async function dumpLinks(ctx: Context, withStats: boolean): Promise<DecodedLink[]> {
  const client = await ctx.client();
  const w = new NlWriter();
  writeLinkRequest(w, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 0, { extMask: RTEXT_FILTER_VF | (withStats ? 0 : RTEXT_FILTER_SKIP_STATS) });
  try {
    return (await client.dump(w.take()).toArray()).map(decodeLinkMessage);
  } catch (e) {
    return dumpFailed(e);
  }
}

async function dumpAddresses(ctx: Context, family: number): Promise<Array<{ raw: Buffer; addr: DecodedAddr }>> {
  const client = await ctx.client();
  const w = new NlWriter();
  writeAddrRequest(w, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 0, { family: family === AF_PACKET ? AF_UNSPEC : family });
  try {
    return (await client.dump(w.take()).toArray()).map((raw) => ({ raw, addr: decodeAddrMessage(raw) }));
  } catch (e) {
    return dumpFailed(e);
  }
}

/** ipaddr_list_flush_or_save(): `ip link show` (doLink) and `ip address show`. */
export async function listLinksAndAddresses(ctx: Context, f: ShowFilter, doLink: boolean): Promise<number> {
  const o = ctx.opts;
  // ipaddr_list_link(): `ip link show` is an AF_PACKET listing whatever -4/-6 say.
  if (doLink) f.family = AF_PACKET;
  if (f.dev !== undefined) {
    f.ifindex = await ctx.nameToIndex(f.dev);
    if (!f.ifindex) {
      ctx.err(`Device "${f.dev}" does not exist.\n`);
      return 1;
    }
  }
  const links = await dumpLinks(ctx, o.stats > 0);
  const names = new LinkTable(links);
  const showAddrs = !doLink && f.family !== AF_PACKET;
  const addrs = showAddrs ? await dumpAddresses(ctx, f.family) : [];
  let selected = links.filter((l) => linkPasses(l, f, doLink));
  if (showAddrs) {
    // ipaddr_filter(): with an address-level filter, only links with a matching address remain.
    selected = selected.filter((l) => {
      const own = addrs.filter((a) => a.addr.index === l.index);
      const match = own.some(({ addr: a }) => (!f.family || f.family === a.family) && !((f.scope ^ a.scope) & f.scopemask)
        && !((f.flags ^ a.flags) & f.flagmask) && (f.label === undefined || fnmatch(f.label, a.label ?? names.name(a.index)))
        && (!f.pfx || prefixMatch(a.local ?? a.address ?? new Uint8Array(16), f.pfx)));
      return match || (own.length === 0 && (f.family === AF_UNSPEC || f.family === AF_PACKET));
    });
  }
  const records: JsonValue[] = [];
  let text = '';
  const oneline = o.oneline && !doLink;
  // iproute2 leaves the link lines out for -oneline and for a label filter (addresses only).
  const noLink = !doLink && (o.oneline || f.label !== undefined);
  for (const l of selected) {
    const p = new Printer(o.json, ctx.sl);
    if (o.brief) {
      printLinkBrief(p, l, names, { family: f.family });
      if (showAddrs) {
        p.openArray('addr_info');
        for (const { addr } of addrs) {
          if (addr.index !== l.index || (f.family && f.family !== addr.family) || !addressPasses(addr, f, names)) continue;
          p.openObject(null);
          printAddressBrief(p, addr);
          p.close();
        }
        p.close();
      }
      p.text('\n');
    } else if (!noLink) {
      printLink(p, l, names, { doLink, showQueue: true, details: o.details, stats: o.stats, family: f.family });
    }
    if (showAddrs && !o.brief) {
      p.openArray('addr_info');
      for (const { addr } of addrs) {
        if (addr.index !== l.index || (f.family && f.family !== addr.family)) continue;
        if (f.up && !(l.flags & IFF_UP)) continue;
        if (!addressPasses(addr, f, names)) continue;
        p.openObject(null);
        printAddress(p, addr, names, { withIndex: oneline });
        p.close();
      }
      p.close();
      if (o.stats && !noLink && !o.brief) {
        printLinkStats(p, l, o.stats);
        p.text('\n');
      }
    }
    if (o.json) records.push(p.root);
    else text += p.textOut;
  }
  ctx.out(o.json ? stringifyJson(records, o.pretty) : text);
  return 0;
}

/** ipaddr_flush(): deletes every matching address, in rounds, as `ip address flush` does. */
export async function flushAddresses(ctx: Context, f: ShowFilter): Promise<number> {
  if (f.dev !== undefined) {
    f.ifindex = await ctx.nameToIndex(f.dev);
    if (!f.ifindex) {
      ctx.err(`Device "${f.dev}" does not exist.\n`);
      return 1;
    }
  }
  const client = await ctx.client();
  const stats = ctx.opts.stats;
  let round = 0;
  for (;;) {
    const links = f.up || f.master || f.kind || f.group !== -1 ? await dumpLinks(ctx, false) : [];
    const names = new LinkTable(links);
    const linkOk = (index: number) => {
      if (!links.length) return true;
      const l = links.find((x) => x.index === index);
      return l !== undefined && linkPasses(l, { ...f, ifindex: 0 }, false);
    };
    const victims = (await dumpAddresses(ctx, f.family)).filter(({ addr }) => linkOk(addr.index) && addressPasses(addr, f, names));
    if (victims.length === 0) {
      if (stats) {
        if (round === 0) ctx.out('Nothing to flush.\n');
        else ctx.out(`*** Flush is complete after ${round} round${round > 1 ? 's' : ''} ***\n`);
      }
      return 0;
    }
    round++;
    const results = await Promise.allSettled(victims.map(({ raw }) => {
      const del = Buffer.from(raw);
      del.writeUInt16LE(RTM_DELADDR, 4);
      del.writeUInt16LE(NLM_F_REQUEST, 6);
      return client.request(del);
    }));
    for (const r of results) {
      if (r.status === 'rejected') {
        const e = r.reason as unknown;
        // The kernel deletes secondaries with their primary: EADDRNOTAVAIL is expected.
        if (e instanceof NetlinkError && e.errno === 99) continue;
        ctx.err(`Failed to send flush request: ${e instanceof NetlinkError ? e.strerror : String(e)}\n`);
        return 1;
      }
    }
    if (stats) ctx.out(`\n*** Round ${round}, deleting ${victims.length} addresses ***\n`);
    if (f.flagmask & IFA_F_SECONDARY && !(f.flags & IFA_F_SECONDARY)) return 0;
    if (round >= MAX_ROUNDS) {
      ctx.err(`*** Flush remains incomplete after ${round} rounds. ***\n`);
      return 1;
    }
  }
}

