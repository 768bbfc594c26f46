import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Daemon } from './daemon.js';
import { ListenAddressError, parseListenAddress, type ListenAddress } from './http/listen-address.js';
import { createLogger } from './logger.js';
import { readSeed, SeedError } from './seed.js';

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
  .requiredOption('-s, --socket <path>', 'Unix socket to listen on')
  .option('--seed <file>', 'start from this topology (YAML or JSON) instead of lo only')
  .option('--log-level <level>', 'fatal, error, warn, info, debug or trace', 'info')
  .option('--strict', 'apply NETLINK_GET_STRICT_CHK checks on every connection', false)
  .option('--socket-mode <mode>', 'file mode of the admin socket, octal', octal, 0o660)
  .option('--socket-group <group>', 'group owning the admin socket (name or gid)', groupId)
  .option('--ro-socket <path>', 'also serve a read-only socket: GETs, dumps and subscriptions only')
  .option('--ro-socket-mode <mode>', 'file mode of the read-only socket, octal', octal, 0o666)
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
  .option('--http-socket-mode <mode>', 'file mode of a unix: admin API socket, octal', octal, 0o660)
  .showHelpAfterError();

async function main(): Promise<void> {
  // An empty variable (e.g. `RTNLD_HTTP_TOKEN: ""` in a compose file) means unset.
  for (const name of ['RTNLD_HTTP', 'RTNLD_HTTP_TOKEN']) if (process.env[name] === '') delete process.env[name];
  program.parse();
  const opts = program.opts<{
    socket: string; seed?: string; logLevel: string; strict: boolean; socketMode: number; socketGroup?: number;
    roSocket?: string; roSocketMode: number; state?: string; maxConnections: number; maxLinks?: number; maxMessage: number; rcvbuf: number;
    dadMs: number; promoteSecondaries: boolean; maxAddressesPerLink?: number;
    http?: ListenAddress; httpToken?: string; httpSocketMode: number;
  }>();
  const log = createLogger(opts.logLevel);
  let daemon: Daemon;
  try {
    daemon = new Daemon({
      socket: opts.socket, socketMode: opts.socketMode, socketGroup: opts.socketGroup, roSocket: opts.roSocket,
      roSocketMode: opts.roSocketMode, maxConnections: opts.maxConnections, maxLinks: opts.maxLinks, stateDir: opts.state,
      seed: opts.seed ? readSeed(opts.seed) : undefined,
      strict: opts.strict, maxMessage: opts.maxMessage, rcvbuf: opts.rcvbuf, log,
      addresses: { dadMs: opts.dadMs, promoteSecondaries: opts.promoteSecondaries, maxPerLink: opts.maxAddressesPerLink },
      http: opts.http, httpToken: opts.httpToken, httpSocketMode: opts.httpSocketMode,
    });
    await daemon.start();
  } catch (e) {
    const message = e instanceof SeedError ? e.message : `cannot start: ${(e as Error).message}`;
    log.fatal(message);
    process.stderr.write(`rtnld: ${message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
