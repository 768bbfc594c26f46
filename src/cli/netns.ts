import { NetlinkError } from '../client/errors.js';
import { strerror } from '../../protocol/errno-names.js';
import { CommandFailed, ExitNow, matches } from './args.js';
import type { Context } from './context.js';

const USAGE = `Usage:\trtnl netns list
\trtnl netns add NAME
\trtnl netns del NAME
\trtnl -n NAME OBJECT COMMAND   (run a command in namespace NAME)
`;

/** ip netns list/add/del against the daemon's namespaces (ipnetns.c messages). */
export async function doNetns(ctx: Context, args: readonly string[]): Promise<number> {
  const [cmd = 'list', name, ...rest] = args;
  if (matches(cmd, 'help')) throw new ExitNow(255, USAGE);
  const client = await ctx.client();
  if (matches(cmd, 'list') || cmd === 'show') {
    const names = await client.listNetns();
    if (ctx.opts.json) ctx.out(`${JSON.stringify(names.reverse().map((n) => ({ name: n })))}\n`);
    else for (const n of names.reverse()) ctx.out(`${n}\n`); // ip netns list: newest first
    return 0;
  }
  const add = matches(cmd, 'add');
  const del = matches(cmd, 'delete');
  if (!add && !del) throw new ExitNow(255, `Command "${cmd}" is unknown, try "rtnl netns help".\n`);
  if (!name || rest.length > 0) throw new ExitNow(255, 'No netns name specified\n');
  try {
    if (add) await client.addNetns(name);
    else await client.deleteNetns(name);
  } catch (e) {
    if (!(e instanceof NetlinkError)) throw e;
    const why = strerror(e.errno);
    throw new CommandFailed(add ? `Cannot create namespace file "/run/netns/${name}": ${why}\n` : `Cannot remove namespace file "/run/netns/${name}": ${why}\n`);
  }
  return 0;
}
