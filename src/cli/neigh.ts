import {
  AF_INET, AF_INET6, AF_PACKET, AF_UNSPEC, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NTF_EXT_LEARNED, NTF_PROXY, NTF_ROUTER,
  NUD_NOARP, NUD_PERMANENT,
} from '../../protocol/constants.js';
import { formatInet, parseInet, parsePrefix } from '../../protocol/inet.js';
import type { NeighMessage } from '../../protocol/neigh-message.js';
import { NetlinkError } from '../client/errors.js';
import type { NeighbourOptions } from '../client/neighbours.js';
import { stringifyJson, type JsonValue } from '../format/json.js';
import { LinkTable } from '../format/link-table.js';
import { NUD_NAMES, printNeigh } from '../format/neigh.js';
import { Printer } from '../format/printer.js';
import { Args, ExitNow, invarg, matches, parseUnsigned } from './args.js';
import { dumpFailed, netlinkErrorText, talkFailed } from './common.js';
import type { Context } from './context.js';
import { dumpLinks } from './show.js';

const NEIGH_USAGE = `Usage: rtnl neigh { add | del | change | replace }
                { ADDR [ lladdr LLADDR ] [ nud STATE ] proxy ADDR }
                [ dev DEV ] [ router ] [ extern_learn ] [ protocol PROTO ]

       rtnl neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]

       rtnl neigh get { ADDR | proxy ADDR } dev DEV

       rtnl neigh learn ADDR lladdr LLADDR dev DEV [ stale ]
                (what ARP/ND traffic from the neighbour would do: REACHABLE, or STALE)

STATE := { delay | failed | incomplete | noarp | none |
           permanent | probe | reachable | stale }
`;

const usage = (): never => {
  throw new ExitNow(255, NEIGH_USAGE);
};

const PROTOCOL_IDS: Readonly<Record<string, number>> = { redirect: 1, kernel: 2, boot: 3, static: 4, ra: 9, dhcp: 16, bgp: 186, isis: 187, ospf: 188, rip: 189 };

/** nud_state_a2n(): a state name (any case, or a number). */
function parseNud(text: string): number {
  if (text.toLowerCase() === 'none') return 0;
  const named = NUD_NAMES.find(([name]) => name.toLowerCase() === text.toLowerCase());
  if (named) return named[1];
  const n = parseUnsigned(text, 0xff);
  if (n === undefined) invarg('nud state is bad', text);
  return n;
}

/** ipneigh_modify(): `rtnl neigh add|change|replace|del`. */
async function modify(ctx: Context, cmd: 'add' | 'change' | 'replace' | 'del', args: Args): Promise<number> {
  let dst: string | undefined;
  let dev: string | undefined;
  let lladdr: string | undefined;
  let state: number | undefined;
  let flags = 0;
  let protocol: number | undefined;
  while (args.more) {
    const w = args.cur;
    if (w === 'lladdr') lladdr = args.next();
    else if (w === 'nud') state = parseNud(args.next());
    else if (w === 'proxy') {
      flags |= NTF_PROXY;
      dst = args.next();
    } else if (w === 'dev') dev = args.next();
    else if (w === 'router') flags |= NTF_ROUTER;
    else if (w === 'extern_learn') flags |= NTF_EXT_LEARNED;
    else if (w === 'protocol') {
      const v = args.next();
      protocol = PROTOCOL_IDS[v] ?? parseUnsigned(v, 0xff) ?? invarg('"protocol" value is invalid\n', v);
    } else if (matches(w, 'help')) usage();
    else {
      if (w === 'to') args.advance();
      if (dst !== undefined) invarg('Too many destinations', args.cur);
      dst = args.cur;
    }
    args.advance();
  }
  if (dst === undefined || dev === undefined) {
    ctx.err('Device and destination are required arguments.\n');
    return 255;
  }
  if (!parseInet(dst)) invarg('invalid address', dst);
  const client = await ctx.client();
  const o: NeighbourOptions = { dst, dev, lladdr, state: state ?? (flags & NTF_PROXY ? 0 : NUD_PERMANENT), flags, protocol };
  try {
    if (cmd === 'add') await client.addNeighbour(o);
    else if (cmd === 'replace') await client.replaceNeighbour(o);
    else if (cmd === 'change') await client.changeNeighbour(o);
    else await client.deleteNeighbour(o);
  } catch (e) {
    talkFailed(e);
  }
  return 0;
}

interface ShowFilter {
  proxy: boolean;
  dev?: string | undefined;
  /** NUD_* bits shown; 0x100 = "none" (state 0). */
  state: number;
  to?: { family: number; bytes: Uint8Array; prefixlen: number } | undefined;
}

function prefixMatches(n: NeighMessage, to: NonNullable<ShowFilter['to']>): boolean {
  if (n.family !== to.family) return false;
  for (let bit = 0; bit < to.prefixlen; bit++) {
    const mask = 0x80 >> bit % 8;
    if ((n.dst[bit >> 3]! & mask) !== (to.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

/** do_show_or_flush(): `rtnl neigh show|flush`. */
async function showOrFlush(ctx: Context, flush: boolean, args: Args): Promise<number> {
  const f: ShowFilter = { proxy: false, state: flush ? ~(NUD_PERMANENT | NUD_NOARP) & 0x1ff : 0xff & ~NUD_NOARP };
  let nudGiven = false;
  while (args.more) {
    const w = args.cur;
    if (w === 'dev') f.dev = args.next();
    else if (w === 'proxy') f.proxy = true;
    else if (w === 'nud') {
      const s = args.next();
      if (!nudGiven) f.state = 0;
      nudGiven = true;
      f.state |= s === 'all' ? 0x1ff : s === 'none' ? 0x100 : parseNud(s);
    } else if (matches(w, 'help')) usage();
    else {
      if (w === 'to') args.advance();
      const p = parsePrefix(args.cur) ?? invarg('to value is invalid\n', args.cur);
      f.to = { family: p.family, bytes: p.bytes, prefixlen: p.prefixlen };
    }
    args.advance();
  }
  if (flush && f.dev === undefined && !f.to) {
    ctx.err('Flush requires arguments.\n');
    return 255;
  }
  const client = await ctx.client();
  const family = ctx.opts.family === AF_INET || ctx.opts.family === AF_INET6 ? ctx.opts.family : AF_UNSPEC;
  let ifindex = 0;
  if (f.dev !== undefined) {
    ifindex = await ctx.nameToIndex(f.dev);
    if (!ifindex) {
      ctx.err(`Cannot find device "${f.dev}"\n`);
      return 1;
    }
  }
  let entries: NeighMessage[];
  try {
    entries = await client.neighbours({ family: family === AF_INET ? 'inet' : family === AF_INET6 ? 'inet6' : undefined, dev: ifindex || undefined, proxy: f.proxy }).toArray();
  } catch (e) {
    dumpFailed(e);
  }
  const shown = entries.filter((n) => {
    if (f.to && !prefixMatches(n, f.to)) return false;
    // print_neigh(): proxies and externally learned entries pass the state filter; NONE needs "nud none|all".
    if (!(f.state & n.state) && !(n.flags & NTF_PROXY) && !(n.flags & NTF_EXT_LEARNED) && (n.state || !(f.state & 0x100))) return false;
    return true;
  });
  if (flush) {
    for (const n of shown) {
      try {
        await client.deleteNeighbour({ dst: formatDst(n), dev: n.ifindex, flags: n.flags & NTF_PROXY });
      } catch (e) {
        if (!(e instanceof NetlinkError)) throw e;
        ctx.err(netlinkErrorText(e));
        return 2;
      }
    }
    return 0;
  }
  const names = new LinkTable(await dumpLinks(ctx, false));
  const records: JsonValue[] = [];
  let text = '';
  for (const n of shown) {
    const p = new Printer(ctx.opts.json, ctx.sl);
    printNeigh(p, n, names, { filteredDev: ifindex !== 0, stats: ctx.opts.stats > 0 });
    records.push(p.root);
    text += p.textOut;
  }
  ctx.out(ctx.opts.json ? stringifyJson(records, ctx.opts.pretty) : text);
  return 0;
}

const formatDst = (n: NeighMessage): string => formatInet(n.dst, n.family);

/** ipneigh_get(): `rtnl neigh get ADDR dev DEV`. */
async function get(ctx: Context, args: Args): Promise<number> {
  let dst: string | undefined;
  let dev: string | undefined;
  let flags = 0;
  while (args.more) {
    const w = args.cur;
    if (w === 'dev') dev = args.next();
    else if (w === 'proxy') {
      flags |= NTF_PROXY;
      dst = args.next();
    } else if (matches(w, 'help')) usage();
    else {
      if (w === 'to') args.advance();
      dst = args.cur;
    }
    args.advance();
  }
  if (dst === undefined || dev === undefined) {
    ctx.err('Device and address are required arguments.\n');
    return 255;
  }
  const client = await ctx.client();
  let n: NeighMessage;
  try {
    n = await client.getNeighbour({ dst, dev, flags });
  } catch (e) {
    talkFailed(e);
  }
  const names = new LinkTable(await dumpLinks(ctx, false));
  const p = new Printer(ctx.opts.json, ctx.sl);
  printNeigh(p, n, names, { filteredDev: false, stats: ctx.opts.stats > 0 });
  ctx.out(ctx.opts.json ? stringifyJson([p.root], ctx.opts.pretty) : p.textOut);
  return 0;
}

/**
 * rtnl only: `rtnl neigh learn ADDR lladdr LLADDR dev DEV [ stale ]`, what an ARP/ND packet
 * from the neighbour would do (the client's learnNeighbour; `rtnl fdb learn` for the FDB).
 */
async function learn(ctx: Context, args: Args): Promise<number> {
  let dst: string | undefined;
  let dev: string | undefined;
  let lladdr: string | undefined;
  let stale = false;
  for (; args.more; args.advance()) {
    const w = args.cur;
    if (w === 'dev') dev = args.next();
    else if (w === 'lladdr') lladdr = args.next();
    else if (w === 'stale' || w === 'reachable') stale = w === 'stale';
    else if (matches(w, 'help')) usage();
    else if (dst === undefined) dst = w;
    else invarg('Too many destinations', w);
  }
  if (dst === undefined || dev === undefined || lladdr === undefined) {
    ctx.err('Device, destination and lladdr are required arguments.\n');
    return 255;
  }
  if (!parseInet(dst)) invarg('invalid address', dst);
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(lladdr)) invarg('invalid lladdr', lladdr);
  const client = await ctx.client();
  try {
    if (!(await client.learnNeighbour({ dst, dev, lladdr, state: stale ? 'stale' : 'reachable' }))) {
      ctx.err(`${dst} dev ${dev} is permanent or noarp: traffic leaves it as it is\n`);
    }
  } catch (e) {
    talkFailed(e);
  }
  return 0;
}

/** do_ipneigh(): the `neigh` object (also `neighbor`, `neighbour`). */
export async function doNeigh(ctx: Context, words: readonly string[]): Promise<number> {
  if (ctx.opts.family === AF_PACKET) ctx.opts.family = AF_UNSPEC;
  const args = new Args(words);
  if (!args.more) return showOrFlush(ctx, false, args);
  const cmd = args.cur;
  args.advance();
  if (matches(cmd, 'add')) return modify(ctx, 'add', args);
  if (matches(cmd, 'change') || cmd === 'chg') return modify(ctx, 'change', args);
  if (matches(cmd, 'replace')) return modify(ctx, 'replace', args);
  if (matches(cmd, 'delete')) return modify(ctx, 'del', args);
  if (matches(cmd, 'get')) return get(ctx, args);
  if (cmd === 'learn') return learn(ctx, args);
  if (matches(cmd, 'show') || matches(cmd, 'list') || matches(cmd, 'lst')) return showOrFlush(ctx, false, args);
  if (matches(cmd, 'flush')) return showOrFlush(ctx, true, args);
  if (matches(cmd, 'help')) usage();
  throw new ExitNow(255, `Command "${cmd}" is unknown, try "rtnl neigh help".\n`);
}
