import { spawn } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Daemon } from './daemon.js';
import { ListenAddressError, parseListenAddress, type ListenAddress } from './http/listen-address.js';
import { createLogger, LOG_LEVELS } from './logger.js';
import { readSeedDoc, SeedError } from './seed.js';
import { NETNS_LAYOUTS, type NetnsLayout } from './transport/netns-paths.js';
import { packageVersion } from './version.js';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function listenAddress(value: string): ListenAddress {
  try {
    return parseListenAddress(value);
  } catch (e) {
    if (e instanceof ListenAddressError) throw new InvalidArgumentError(e.message);
    throw e;
  }
}

function token(value: string): string {
  if (!/^[\x21-\x7e]{8,}$/.test(value)) throw new InvalidArgumentError('must be at least 8 printable characters without spaces');
  return value;
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of milliseconds, 0 or more');
  return n;
}

function octal(value: string): number {
  if (!/^[0-7]{3,4}$/.test(value)) throw new InvalidArgumentError('must be an octal file mode such as 660');
  return parseInt(value, 8);
}

/** A group name (looked up in /etc/group) or a numeric gid. */
function groupId(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[0] === value);
  if (!line) throw new InvalidArgumentError(`no group named ${value}`);
  return Number(line.split(':')[2]);
}

const program = new Command()
  .name('rtnld')
  .description('A Linux rtnetlink (NETLINK_ROUTE) daemon serving an in-memory network model on a Unix socket')
  .version(`rtnld ${packageVersion()}`, '-V, --version')
  // Checked after parsing, so that a mistyped flag is reported as unknown rather than as a missing --socket.
  .option('-s, --socket <path>', 'Unix socket to listen on (required)')
  .option('--seed <file>', 'start from this topology (YAML or JSON) instead of lo only')
  .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
  .option('--log-file <file>', 'append the JSON log lines to FILE instead of writing them to stderr')
  .option('--pid-file <file>', 'write the process id to FILE once the sockets listen; removed when the daemon stops')
  .option('--no-warm-up', 'do not exercise the encoders on a scratch model after start (first dumps are then several times slower)')
  .option('--background', 'detach: return once the sockets listen, printing the daemon\'s process id', false)
  .option('--strict', 'apply NETLINK_GET_STRICT_CHK checks on every connection', false)
  .addOption(new Option('--socket-mode <mode>', 'file mode of the admin socket, octal').argParser(octal).default(0o660, '660'))
  .option('--socket-group <group>', 'group owning the admin socket (name or gid)', groupId)
  .option('--ro-socket <path>', 'also serve a read-only socket: GETs, dumps and subscriptions only')
  .addOption(new Option('--ro-socket-mode <mode>', 'file mode of the read-only socket, octal').argParser(octal).default(0o666, '666'))
  .option('--netns-dir <dir>', 'serve each named network namespace NAME on DIR/NAME.sock (and DIR/NAME.ro.sock with --ro-socket)')
  .addOption(new Option('--netns-layout <layout>', 'flat: DIR/NAME.sock; dir: DIR/NAME/rtnl.sock (and rtnl.ro.sock), a directory per namespace to mount on its own')
    .choices(NETNS_LAYOUTS).default('flat'))
  .option('--max-connections <n>', 'refuse connections beyond this many', integer, 1024)
  .option('--max-links <n>', 'refuse to create links beyond this many (-ENOSPC)', integer)
  .option('--max-addresses-per-link <n>', 'refuse addresses (per family) beyond this many on one link (-ENOSPC)', integer)
  .option('--state <dir>', 'keep the model in DIR: every acknowledged change survives a crash')
  .option('--max-message <bytes>', 'largest accepted netlink message', integer, 1024 * 1024)
  .option('--rcvbuf <bytes>', 'per-connection notification budget (the kernel default rmem)', integer, 212992)
  .option('--dad-ms <ms>', 'how long a new IPv6 address stays tentative (duplicate address detection); 0 for no wait', milliseconds, 1000)
  .option('--promote-secondaries', 'promote a secondary IPv4 address when its primary goes (net.ipv4.conf.all.promote_secondaries)', false)
  .addOption(new Option('--http <addr>', 'serve the admin HTTP API on HOST:PORT or unix:PATH (e.g. 127.0.0.1:9180)')
    .env('RTNLD_HTTP').argParser(listenAddress))
  .addOption(new Option('--http-token <token>', 'bearer token required by changing admin API requests (required off loopback)')
    .env('RTNLD_HTTP_TOKEN').argParser(token))
  .addOption(new Option('--http-socket-mode <mode>', 'file mode of a unix: admin API socket, octal').argParser(octal).default(0o660, '660'))
  .showHelpAfterError('(rtnld --help lists the options)');

/** Set in the environment of the process --background starts, which reports back once it listens. */
const BACKGROUND_CHILD = 'RTNLD_BACKGROUND_CHILD';

/**
 * --background: runs this same command line, without --background, as a detached process and
 * returns once it listens (printing its pid), or fails with its status if it stops before that.
 */
function startInBackground(): void {
  const args = process.argv.slice(2).filter((a) => a !== '--background');
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...args], {
    detached: true, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, [BACKGROUND_CHILD]: '1' },
  });
  child.once('message', () => {
    process.stdout.write(`${child.pid}\n`);
    child.disconnect();
    child.unref();
    process.exit(0);
  });
  child.once('exit', (code, signal) => {
    process.stderr.write(`rtnld: the daemon stopped (${signal ?? `status ${code}`}) before it listened\n`);
    process.exit(1);
  });
}

/** The pid file names this process (until it stops). */
function writePidFile(path: string): void {
  writeFileSync(path, `${process.pid}\n`);
}

function removePidFile(path: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
  } catch {
    // already gone
  }
}

async function main(): Promise<void> {
  // An empty variable (e.g. `RTNLD_HTTP_TOKEN: ""` in a compose file) means unset.
  for (const name of ['RTNLD_HTTP', 'RTNLD_HTTP_TOKEN']) if (process.env[name] === '') delete process.env[name];
  program.parse();
  const opts = program.opts<{
    socket?: string; seed?: string; logLevel: string; logFile?: string; pidFile?: string; background: boolean;
    strict: boolean; socketMode: number; socketGroup?: number;
    roSocket?: string; roSocketMode: number; netnsDir?: string; netnsLayout: NetnsLayout; state?: string; maxConnections: number; maxLinks?: number; maxMessage: number; rcvbuf: number;
    dadMs: number; promoteSecondaries: boolean; maxAddressesPerLink?: number; warmUp: boolean;
    http?: ListenAddress; httpToken?: string; httpSocketMode: number;
  }>();
  if (opts.socket === undefined) return program.error("error: required option '-s, --socket <path>' not specified");
  for (const [flag, file] of [['--log-file', opts.logFile], ['--pid-file', opts.pidFile]] as const) {
    if (file !== undefined && !existsSync(dirname(file))) return program.error(`error: ${flag} ${file}: directory ${dirname(file)} does not exist`);
  }
  if (opts.background) return startInBackground();
  const log = createLogger(opts.logLevel, opts.logFile);
  let stopping = false;
  let daemon: Daemon | undefined;
  const stop = (why: Record<string, string>) => {
    if (stopping) return;
    stopping = true;
    log.info(why, 'stopping');
    if (!daemon) process.exit(0); // nothing listens yet
    daemon.stop().then(
      () => {
        if (opts.pidFile) removePidFile(opts.pidFile);
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  // Installed before the start-up, which takes seconds with a big seed: a signal meanwhile stops
  // the daemon cleanly (the sockets that listen already are closed and removed) once the start-up
  // yields, instead of killing it with socket files left behind.
  process.on('SIGTERM', () => stop({ signal: 'SIGTERM' }));
  process.on('SIGINT', () => stop({ signal: 'SIGINT' }));
  process.on('SIGHUP', () => stop({ signal: 'SIGHUP' }));
  // A fresh daemon's first requests (issue 21): every function gets Sparkplug's baseline code when
  // it is first compiled, instead of running in the interpreter until V8 finds it hot; and code
  // TurboFan throws away (a deoptimisation) falls back to that baseline code, not the interpreter.
  if (opts.warmUp) setFlagsFromString('--always-sparkplug');
  try {
    const seedDoc = opts.seed ? readSeedDoc(opts.seed) : undefined;
    // The initial namespace's seed and the other namespaces' apart (DaemonOptions.seed / seedNetns).
    const { netns: seedNetns, ...seed } = seedDoc ?? { netns: undefined, links: [], routes: [] };
    daemon = new Daemon({
      socket: opts.socket, socketMode: opts.socketMode, socketGroup: opts.socketGroup, roSocket: opts.roSocket, netnsDir: opts.netnsDir, netnsLayout: opts.netnsLayout,
      roSocketMode: opts.roSocketMode, maxConnections: opts.maxConnections, maxLinks: opts.maxLinks, stateDir: opts.state,
      seed: seedDoc ? seed : undefined, seedNetns,
      strict: opts.strict, maxMessage: opts.maxMessage, rcvbuf: opts.rcvbuf, log,
      addresses: { dadMs: opts.dadMs, promoteSecondaries: opts.promoteSecondaries, maxPerLink: opts.maxAddressesPerLink },
      http: opts.http, httpToken: opts.httpToken, httpSocketMode: opts.httpSocketMode, warmUp: opts.warmUp,
      // `rm` of the socket stops the daemon: nothing could reach it any more.
      onSocketRemoved: (path) => stop({ reason: 'socket file removed or replaced', path }),
    });
    await daemon.start();
    if (daemon.stopped) return; // a signal came during the start-up: stop() exits
    if (opts.pidFile) writePidFile(opts.pidFile);
  } catch (e) {
    const message = e instanceof SeedError ? e.message : `cannot start: ${(e as Error).message}`;
    log.fatal(message);
    process.stderr.write(`rtnld: ${message}\n`);
    process.exit(1);
  }
  if (process.env[BACKGROUND_CHILD] && process.send) {
    process.send('listening');
    process.disconnect();
  }
}

void main();
