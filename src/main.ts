import { Command, InvalidArgumentError } from 'commander';
import { Daemon } from './daemon.js';
import { createLogger } from './logger.js';
import { readSeed, SeedError } from './seed.js';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function octal(value: string): number {
  if (!/^[0-7]{3,4}$/.test(value)) throw new InvalidArgumentError('must be an octal file mode such as 660');
  return parseInt(value, 8);
}

const program = new Command()
  .name('rtnld')
  .description('A Linux rtnetlink (NETLINK_ROUTE) daemon serving an in-memory network model on a Unix socket')
  .requiredOption('-s, --socket <path>', 'Unix socket to listen on')
  .option('--seed <file>', 'start from this topology (YAML or JSON) instead of lo only')
  .option('--log-level <level>', 'fatal, error, warn, info, debug or trace', 'info')
  .option('--strict', 'apply NETLINK_GET_STRICT_CHK checks on every connection', false)
  .option('--socket-mode <mode>', 'file mode of the socket, octal', octal)
  .option('--max-message <bytes>', 'largest accepted netlink message', integer, 1024 * 1024)
  .option('--rcvbuf <bytes>', 'per-connection notification budget (the kernel default rmem)', integer, 212992)
  .showHelpAfterError();

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<{
    socket: string; seed?: string; logLevel: string; strict: boolean; socketMode?: number; maxMessage: number; rcvbuf: number;
  }>();
  const log = createLogger(opts.logLevel);
  let daemon: Daemon;
  try {
    daemon = new Daemon({
      socket: opts.socket, socketMode: opts.socketMode, seed: opts.seed ? readSeed(opts.seed) : undefined,
      strict: opts.strict, maxMessage: opts.maxMessage, rcvbuf: opts.rcvbuf, log,
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
