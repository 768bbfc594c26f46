import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NTF_MASTER, NTF_SELF, NTF_STICKY, NUD_NOARP, NUD_PERMANENT, NUD_REACHABLE } from '../../protocol/constants.js';
import type { FdbRequest } from '../client/fdb.js';
import { parseMac } from '../client/links.js';
import { printFdb } from '../format/fdb.js';
import { stringifyJson, type JsonValue } from '../format/json.js';
import { Printer } from '../format/printer.js';
import { Args, ExitNow, invarg, matches, parseUnsigned } from './args.js';
import { dumpFailed, reportChange } from './common.js';
import type { Context } from './context.js';

const FDB_USAGE = `Usage: rtnl fdb { add | append | del | replace } ADDR dev DEV
              [ self ] [ master ] [ local | static | dynamic ] [ sticky ] [ vlan VID ]
       rtnl fdb [ show [ br BRDEV ] [ brport DEV ] ]
       rtnl fdb learn ADDR dev PORT   (a learned entry, as traffic would make; ages out after 300 s)
(also as \`rtnl bridge fdb ...\`, iproute2's \`bridge fdb\`)
`;

function usage(): never {
  throw new ExitNow(255, FDB_USAGE);
}

/** fdb_modify(): `bridge fdb add|append|replace|del`. */
async function fdbModify(ctx: Context, del: boolean, nlflags: number, args: Args): Promise<number> {
  const { dev, ...entry } = fdbRequest(args);
  const ifindex = await ctx.nameToIndex(dev);
  if (!ifindex) throw new ExitNow(1, `Cannot find device "${dev}"\n`);
  const client = await ctx.client();
  const req = { ifindex, ...entry };
  return reportChange(ctx, (del ? client.deleteFdb(req) : client.addFdb(req, nlflags)).then(() => ({})));
}

/**
 * fdb_modify()'s parse: ADDR dev DEV and the entry's state and flags, as `bridge fdb` would send
 * them (also the seed's `fdb:`, src/seed-fdb.ts). Bad words throw ExitNow with iproute2's message.
 */
export function fdbRequest(args: Args): Omit<FdbRequest, 'ifindex'> & { dev: string } {
  let dev: string | undefined;
  let mac: Uint8Array | undefined;
  let state = 0;
  let flags = 0;
  let vid = 0;
  for (; args.more; args.advance()) {
    const w = args.cur;
    if (w === 'dev') dev = args.next();
    else if (w === 'self') flags |= NTF_SELF;
    else if (w === 'master') flags |= NTF_MASTER;
    else if (w === 'local' || w === 'permanent') state |= NUD_PERMANENT;
    else if (w === 'temp' || w === 'static') state |= NUD_NOARP;
    else if (w === 'dynamic') state |= NUD_REACHABLE;
    else if (w === 'sticky') flags |= NTF_STICKY;
    else if (w === 'vlan') {
      const v = parseUnsigned(args.next(), 0xffff);
      if (v === undefined) invarg('invalid VLAN\n', args.cur);
      vid = v;
    } else if (w === 'help') usage();
    else {
      if (mac) throw new ExitNow(255, `Error: either "dev" is duplicate, or "${w}" is garbage\n`);
      try {
        mac = parseMac(w);
      } catch {
        throw new ExitNow(255, `Invalid mac address ${w}\n`);
      }
    }
  }
  if (!dev || !mac) throw new ExitNow(255, 'Device and address are required arguments.\n');
  // iproute2: assume self, and permanent when no state was named.
  if (!(flags & (NTF_SELF | NTF_MASTER))) flags |= NTF_SELF;
  if (!(state & (NUD_PERMANENT | NUD_REACHABLE | NUD_NOARP))) state |= NUD_PERMANENT;
  return { dev, lladdr: mac, state, flags, vid };
}

/** fdb_show(): every entry, or those of one bridge (`br`) or one port (`brport`/`dev`). */
async function fdbShow(ctx: Context, args: Args): Promise<number> {
  let br: string | undefined;
  let port: string | undefined;
  for (; args.more; args.advance()) {
    const w = args.cur;
    if (w === 'br' || w === 'brport' || w === 'dev') {
      const v = args.next();
      if (w === 'br') br = v;
      else port = v;
    } else if (w === 'help') usage();
  }
  const client = await ctx.client();
  const links = await client.links().toArray();
  const byIndex = new Map(links.map((l) => [l.index, l]));
  const name = (i: number) => byIndex.get(i)?.name ?? `if${i}`;
  const brIndex = br !== undefined ? await ctx.nameToIndex(br) : 0;
  const portIndex = port !== undefined ? await ctx.nameToIndex(port) : 0;
  if (br !== undefined && !brIndex) throw new ExitNow(1, `Cannot find bridge device "${br}"\n`);
  if (port !== undefined && !portIndex) throw new ExitNow(1, `Cannot find device "${port}"\n`);
  let entries;
  try {
    entries = await client.fdb().toArray();
  } catch (e) {
    dumpFailed(e);
  }
  const records: JsonValue[] = [];
  let text = '';
  for (const m of entries) {
    const dev = byIndex.get(m.ifindex);
    if (portIndex && m.ifindex !== portIndex) continue;
    if (brIndex && m.ifindex !== brIndex && dev?.master !== brIndex) continue;
    const p = new Printer(ctx.opts.json, ctx.sl);
    printFdb(p, m, name, { stats: ctx.opts.stats > 0, showDev: !portIndex });
    if (ctx.opts.json) records.push(p.root);
    else text += p.textOut;
  }
  ctx.out(ctx.opts.json ? stringifyJson(records, ctx.opts.pretty) : text);
  return 0;
}

/** do_fdb() */
export async function doFdb(ctx: Context, argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const args = new Args(rest);
  if (cmd === undefined || matches(cmd, 'show') || matches(cmd, 'list') || matches(cmd, 'lst')) return fdbShow(ctx, args);
  if (matches(cmd, 'add')) return fdbModify(ctx, false, NLM_F_CREATE | NLM_F_EXCL, args);
  if (matches(cmd, 'append')) return fdbModify(ctx, false, NLM_F_CREATE | NLM_F_APPEND, args);
  if (matches(cmd, 'replace')) return fdbModify(ctx, false, NLM_F_CREATE | NLM_F_REPLACE, args);
  if (matches(cmd, 'delete')) return fdbModify(ctx, true, 0, args);
  // rtnl only: what a frame from ADDR arriving on port DEV would do (a dynamic entry that ages out).
  if (cmd === 'learn') return fdbModify(ctx, false, NLM_F_CREATE | NLM_F_REPLACE, new Args([...rest, 'master', 'dynamic']));
  if (matches(cmd, 'help')) usage();
  throw new ExitNow(255, `Command "${cmd}" is unknown, try "bridge fdb help".\n`);
}

/** `rtnl bridge fdb ...`: iproute2's `bridge` command, of which only fdb is served. */
export async function doBridge(ctx: Context, argv: readonly string[]): Promise<number> {
  const [object, ...rest] = argv;
  if (object !== undefined && matches(object, 'fdb')) return doFdb(ctx, rest);
  throw new ExitNow(255, `Object "${object ?? ''}" is not supported by rtnl bridge (only fdb is).\n`);
}
