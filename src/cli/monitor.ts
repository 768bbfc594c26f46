import {
  AF_INET, AF_INET6, NLM_F_DUMP, NLM_F_REQUEST, RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF, RTM_DELADDR,
  RTM_GETLINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_LINK,
  RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE, RTNLGRP_NEIGH, RTM_F_CLONED, AF_PACKET, AF_UNSPEC,
} from '../../protocol/constants.js';
import { decodeLinkMessage, type DecodedLink } from '../../protocol/link-decode.js';
import { writeLinkRequest } from '../../protocol/link-request.js';
import { NlWriter } from '../../protocol/writer.js';
import type { RtnlEvent } from '../client/events.js';
import { printAddress } from '../format/address.js';
import { stringifyJson } from '../format/json.js';
import { printLink } from '../format/link.js';
import { printRule } from '../format/rule.js';
import { printNeigh } from '../format/neigh.js';
import { LinkTable } from '../format/link-table.js';
import { Printer } from '../format/printer.js';
import { printRoute } from '../format/route.js';
import { monitorRouteFilter } from './route.js';
import { Args, ExitNow, invarg, matches } from './args.js';
import { dumpFailed } from './common.js';
import type { Context } from './context.js';

const MONITOR_USAGE = `Usage: rtnl monitor [ all | OBJECTS ] [ label ] [dev DEVICE]
OBJECTS :=  address | link | route | neigh | rule
FILE := file FILENAME
`;

/** Offset of rtm_flags in an RTM_*ROUTE message (nlmsghdr + 8 bytes of rtmsg). */
const NLMSGHDR_RTM_FLAGS = 24;
/** preferred_family, with -0 (link) meaning all. */
const o0 = (family: number) => (family === AF_PACKET ? AF_UNSPEC : family);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** print_timestamp(): "Timestamp: Tue Nov 24 19:39:58 2026 225231 usec", or -tshort's "[2026-11-24T19:39:58.225231]". */
function timestamp(short: boolean): string {
  const now = new Date();
  const usec = now.getMilliseconds() * 1000;
  if (short) {
    return `[${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(usec, 6)}] `;
  }
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const ctime = `${days[now.getDay()]} ${months[now.getMonth()]} ${String(now.getDate()).padStart(2)} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())} ${now.getFullYear()}`;
  return `Timestamp: ${ctime} ${usec} usec\n`;
}

/** do_ipmonitor(): prints link and address events as they arrive, until aborted or the daemon goes away. */
export async function doMonitor(ctx: Context, words: readonly string[]): Promise<number> {
  const args = new Args(words);
  let link = false;
  let addr = false;
  let route = false;
  let rule = false;
  let neigh = false;
  let banner = false;
  let dev: string | undefined;
  while (args.more) {
    const w = args.cur;
    if (matches(w, 'label')) banner = true;
    else if (matches(w, 'link')) link = true;
    else if (matches(w, 'address')) addr = true;
    else if (matches(w, 'route')) route = true;
    else if (matches(w, 'neigh')) neigh = true;
    else if (w === 'rule') rule = true;
    else if (w === 'all') banner = true;
    else if (matches(w, 'help')) throw new ExitNow(255, MONITOR_USAGE);
    else if (w === 'dev') dev = args.next();
    else if (['mroute', 'prefix', 'netconf', 'nsid', 'nexthop', 'stats', 'maddress', 'acaddress'].some((o) => matches(w, o))) {
      // Objects rtnld does not model: nothing to listen to.
    } else throw new ExitNow(255, `Argument "${w}" is unknown, try "rtnl monitor help".\n`);
    args.advance();
  }
  if (!link && !addr && !route && !neigh && !rule) {
    link = true;
    addr = true;
    route = true;
    neigh = true;
    rule = true;
  }
  const client = await ctx.client();
  let ifindex = 0;
  if (dev !== undefined) {
    ifindex = await ctx.nameToIndex(dev);
    if (!ifindex) invarg('Device does not exist\n', dev);
  }
  const groups: number[] = [];
  if (link) groups.push(RTNLGRP_LINK);
  const family = o0(ctx.opts.family);
  if (addr) {
    if (!family || family === AF_INET) groups.push(RTNLGRP_IPV4_IFADDR);
    if (!family || family === AF_INET6) groups.push(RTNLGRP_IPV6_IFADDR);
  }
  if (route) {
    if (!family || family === AF_INET) groups.push(RTNLGRP_IPV4_ROUTE);
    if (!family || family === AF_INET6) groups.push(RTNLGRP_IPV6_ROUTE);
  }
  if (rule) {
    if (!family || family === AF_INET) groups.push(RTNLGRP_IPV4_RULE);
    if (!family || family === AF_INET6) groups.push(RTNLGRP_IPV6_RULE);
  }
  if (neigh) groups.push(RTNLGRP_NEIGH);
  const routeFilter = monitorRouteFilter(ifindex, family);
  const sub = client.subscribe(groups);
  await sub.ready;
  // ll_init_map(): the names of the links that exist now.
  const w = new NlWriter();
  writeLinkRequest(w, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 0, { extMask: RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS });
  let names: LinkTable;
  try {
    names = new LinkTable((await client.dump(w.take()).toArray()).map(decodeLinkMessage));
  } catch (e) {
    dumpFailed(e);
  }
  const o = ctx.opts;
  const onAbort = () => void sub.close();
  ctx.io.signal?.addEventListener('abort', onAbort, { once: true });
  if (ctx.io.signal?.aborted) onAbort();
  /** ll_index_to_name() asks the kernel for a device it has not seen (a route-only monitor hears no link events). */
  const learnRouteDevices = async (indexes: readonly number[]) => {
    for (const index of indexes) {
      if (!index || names.indexOf(names.name(index)) === index) continue;
      const link = await client.link(index).catch(() => undefined);
      if (link?.name !== undefined) names.remember({ index, name: link.name, flags: link.flags } as DecodedLink);
    }
  };
  const print = (ev: RtnlEvent) => {
    const p = new Printer(o.json, ctx.sl);
    let prefix = '';
    if (ev.type === 'newlink' || ev.type === 'dellink') {
      // ll_remember_index() before printing, as ip monitor does: NEWLINK (re)names, DELLINK (of any family) forgets.
      if (ev.type === 'newlink') names.remember(ev.link);
      else names.forget(ev.link.index);
      if (ifindex && ev.link.index !== ifindex) return;
      if (banner) prefix = '[LINK]';
      printLink(p, ev.link, names, { doLink: false, showQueue: false, details: o.details, stats: 0, family: 0, msgType: ev.header.type });
    } else if (ev.type === 'newaddr' || ev.type === 'deladdr') {
      if (ifindex && ev.address.index !== ifindex) return;
      if (ev.address.family !== AF_INET && ev.address.family !== AF_INET6) return;
      if (banner) prefix = '[ADDR]';
      printAddress(p, ev.address, names, { withIndex: true, msgType: ev.header.type === RTM_DELADDR ? RTM_DELADDR : undefined });
    } else if (ev.type === 'newroute' || ev.type === 'delroute') {
      // accept_msg(): cached clones are not shown; print_route() applies the reset filter.
      if (ev.message.readUInt32LE(NLMSGHDR_RTM_FLAGS) & RTM_F_CLONED) return;
      if (!routeFilter.passes(ev.message)) return;
      if (banner) prefix = '[ROUTE]';
      printRoute(p, ev.message, names, { details: o.details, stats: o.stats, filter: routeFilter.print });
    } else if (ev.type === 'newrule' || ev.type === 'delrule') {
      if (banner) prefix = '[RULE]';
      // print_rule(): "Deleted " first for RTM_DELRULE.
      if (ev.type === 'delrule') p.any('deleted', 'Deleted ', true);
      printRule(p, ev.rule, o.details);
    } else if (ev.type === 'newneigh' || ev.type === 'delneigh') {
      if (ifindex && ev.neighbour.ifindex !== ifindex) return;
      if (banner) prefix = '[NEIGH]';
      printNeigh(p, ev.neighbour, names, { filteredDev: false, stats: o.stats > 0, msgType: ev.header.type });
    } else if (ev.type === 'overrun') {
      ctx.err(`${ev.error.strerror}\n`);
      return;
    } else {
      return;
    }
    if (o.json) {
      ctx.out(stringifyJson(p.root, o.pretty));
      return;
    }
    let text = '';
    if (o.timestamp || o.tshort) text += timestamp(o.tshort);
    text += prefix;
    ctx.out(text + p.textOut);
  };
  try {
    for await (const ev of sub) {
      if (ev.type === 'newroute' || ev.type === 'delroute') await learnRouteDevices(ev.route.nexthops.map((h) => h.ifindex));
      print(ev);
    }
  } finally {
    ctx.io.signal?.removeEventListener('abort', onAbort);
  }
  return 0;
}

