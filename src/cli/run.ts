import { AF_INET, AF_INET6, AF_PACKET } from '../../protocol/constants.js';
import { doAddress } from './address.js';
import { doNeigh } from './neigh.js';
import { CommandFailed, ExitNow, matches, splitLine } from './args.js';
import { Context, defaultOptions, type CliIO, type GlobalOptions } from './context.js';
import { doLink } from './link.js';
import { doMonitor } from './monitor.js';
import { doRule } from './rule.js';
import { doBridge, doFdb } from './fdb.js';
import { doNetns } from './netns.js';
import { doRoute } from './route.js';
import { packageVersion } from '../version.js';


const USAGE = `Usage: rtnl [ OPTIONS ] OBJECT { COMMAND | help }
       rtnl [ -force ] -batch filename
where  OBJECT := { address | link | neighbour | route | rule | fdb | bridge fdb | monitor | netns }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -o[neline] | -br[ief] |
                    -f[amily] { inet | inet6 | link } | -4 | -6 | -0 |
                    -t[imestamp] | -ts[hort] | -b[atch] [filename] | -force |
                    -j[son] | -p[retty] | -n[etns] name | --socket PATH }
The socket defaults to $RTNL_SOCKET.
`;

type ObjectHandler = (ctx: Context, args: readonly string[]) => Promise<number>;

const unsupported = (name: string): ObjectHandler => async (ctx) => {
  ctx.err(`Object "${name}" is not supported by rtnl (rtnld serves links, addresses, routes, rules, neighbours and the bridge FDB).\n`);
  return 1;
};

/** ip.c's cmds[] in its order, so that abbreviations resolve as in iproute2 ("a" address, "l" link, "m" maddress). */
const OBJECTS: ReadonlyArray<readonly [string, ObjectHandler]> = [
  ['address', doAddress],
  ['addrlabel', unsupported('addrlabel')],
  ['maddress', unsupported('maddress')],
  ['route', doRoute],
  ['rule', doRule],
  ['neighbor', doNeigh],
  ['neighbour', doNeigh],
  ['ntable', unsupported('ntable')],
  ['ntbl', unsupported('ntbl')],
  ['link', doLink],
  ['l2tp', unsupported('l2tp')],
  ['fou', unsupported('fou')],
  ['ila', unsupported('ila')],
  ['macsec', unsupported('macsec')],
  ['tunnel', unsupported('tunnel')],
  ['tunl', unsupported('tunl')],
  ['tuntap', unsupported('tuntap')],
  ['tap', unsupported('tap')],
  ['token', unsupported('token')],
  ['tcpmetrics', unsupported('tcpmetrics')],
  ['tcp_metrics', unsupported('tcp_metrics')],
  ['monitor', doMonitor],
  ['xfrm', unsupported('xfrm')],
  ['mroute', unsupported('mroute')],
  ['mrule', unsupported('mrule')],
  ['netns', doNetns],
  ['netconf', unsupported('netconf')],
  ['vrf', unsupported('vrf')],
  ['sr', unsupported('sr')],
  ['nexthop', unsupported('nexthop')],
  ['mptcp', unsupported('mptcp')],
  ['ioam', unsupported('ioam')],
  ['stats', unsupported('stats')],
  // rtnl extras: iproute2's `bridge fdb` (the bridge command's FDB object).
  ['fdb', doFdb],
  ['bridge', doBridge],
  ['help', async () => {
    throw new ExitNow(255, USAGE);
  }],
];

/** do_cmd(): runs one command line; returns its exit status (ExitNow ends the program). */
async function doCmd(ctx: Context, argv: readonly string[]): Promise<number> {
  const [object, ...rest] = argv;
  for (const [name, handler] of OBJECTS) {
    if (matches(object!, name)) {
      try {
        return await handler(ctx, rest);
      } catch (e) {
        if (e instanceof CommandFailed) {
          ctx.err(e.stderr);
          return e.status;
        }
        throw e;
      }
    }
  }
  ctx.err(`Object "${object}" is unknown, try "rtnl help".\n`);
  return 1;
}

/** batch(): one command a line; stops at the first failure unless -force. */
async function batch(ctx: Context, file: string): Promise<number> {
  let content: string;
  try {
    content = await ctx.io.readFile(file);
  } catch (e) {
    ctx.err(`Cannot open file "${file}" for reading: ${(e as Error).message}\n`);
    return 1;
  }
  let status = 0;
  const lines = content.split('\n');
  // A trailing backslash continues a line (getcmdline()).
  let lineno = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    lineno = i + 1;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i];
    const words = splitLine(line);
    if (words.length === 0) continue;
    const rc = await doCmd(ctx, words);
    if (rc !== 0) {
      ctx.err(`Command failed ${file}:${lineno}\n`);
      status = 1;
      if (!ctx.opts.force) break;
    }
  }
  return status;
}

/** Parses ip's global options; returns the index of the first non-option word. */
function parseOptions(argv: readonly string[], o: GlobalOptions): number {
  let i = 0;
  for (; i < argv.length; i++) {
    let opt = argv[i]!;
    if (opt === '--') {
      i++;
      break;
    }
    if (!opt.startsWith('-') || opt === '-') break;
    if (opt.startsWith('--')) opt = opt.slice(1);
    const value = (): string => {
      const eq = opt.indexOf('=');
      if (eq >= 0) return opt.slice(eq + 1);
      i++;
      if (i >= argv.length) throw new ExitNow(255, `Option "${argv[i - 1]}" requires an argument\n`);
      return argv[i]!;
    };
    const name = opt.includes('=') ? opt.slice(0, opt.indexOf('=')) : opt;
    if (matches(name, '-loops')) {
      value();
    } else if (matches(name, '-family')) {
      const f = value();
      if (f === 'inet') o.family = AF_INET;
      else if (f === 'inet6') o.family = AF_INET6;
      else if (f === 'link') o.family = AF_PACKET;
      else if (f === 'help') throw new ExitNow(255, USAGE);
      else throw new ExitNow(255, `Unknown family ${f}\n`);
    } else if (name === '-4') {
      o.family = AF_INET;
    } else if (name === '-6') {
      o.family = AF_INET6;
    } else if (name === '-0') {
      o.family = AF_PACKET;
    } else if (matches(name, '-human') || matches(name, '-human-readable') || matches(name, '-iec')) {
      // Counters are zero in rtnld; human-readable units change nothing visible.
    } else if (matches(name, '-stats') || matches(name, '-statistics')) {
      o.stats++;
    } else if (matches(name, '-details')) {
      o.details = true;
    } else if (matches(name, '-resolve')) {
      // No addresses to resolve to names here.
    } else if (matches(name, '-oneline')) {
      o.oneline = true;
    } else if (matches(name, '-timestamp')) {
      o.timestamp = true;
    } else if (matches(name, '-tshort')) {
      o.timestamp = true;
      o.tshort = true;
    } else if (matches(name, '-Version')) {
      throw new ExitNow(0, '', `rtnl (rtnld ${packageVersion()}), iproute2 6.x compatible output\n`);
    } else if (name === '-n' || matches(name, '-netns')) {
      o.netns = value();
    } else if (matches(name, '-force')) {
      o.force = true;
    } else if (matches(name, '-batch')) {
      o.batch = value();
    } else if (matches(name, '-brief')) {
      o.brief = true;
    } else if (matches(name, '-json')) {
      o.json = true;
    } else if (matches(name, '-pretty')) {
      o.pretty = true;
    } else if (matches(name, '-help')) {
      throw new ExitNow(255, USAGE);
    } else if (name.length > 2 && matches(name, '-socket')) {
      o.socket = value();
    } else {
      throw new ExitNow(255, `Option "${argv[i]}" is unknown, try "rtnl -help".\n`);
    }
  }
  return i;
}

/**
 * Runs the `rtnl` command line (iproute2's `ip` for links, addresses and monitor) and resolves
 * with the exit status. Output goes through `io`, so tests can run it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const opts = defaultOptions();
  const ctx = new Context(opts, io);
  try {
    const first = parseOptions(argv, opts);
    if (opts.batch !== undefined) return await batch(ctx, opts.batch);
    const rest = argv.slice(first);
    if (rest.length === 0) throw new ExitNow(255, USAGE);
    return await doCmd(ctx, rest);
  } catch (e) {
    if (e instanceof ExitNow) {
      if (e.stdout) io.stdout(e.stdout);
      io.stderr(e.stderr);
      return e.code;
    }
    io.stderr(`rtnl: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    await ctx.close();
  }
}

