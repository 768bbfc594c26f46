import { connect, type RtnlClient } from '../client/client.js';
import { NetlinkError } from '../client/errors.js';
import { strerror } from '../../protocol/errno-names.js';
import { ExitNow } from './args.js';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Reads a -batch file ("-" is standard input). */
  readFile(path: string): Promise<string>;
  /** Aborted to stop `monitor`. */
  signal?: AbortSignal | undefined;
}

/** The global options of `ip` that rtnl understands. */
export interface GlobalOptions {
  json: boolean;
  pretty: boolean;
  details: boolean;
  stats: number;
  /** preferred_family: 0, AF_INET, AF_INET6, AF_PACKET */
  family: number;
  oneline: boolean;
  /** -brief */
  brief: boolean;
  timestamp: boolean;
  tshort: boolean;
  force: boolean;
  batch?: string | undefined;
  socket?: string | undefined;
  /** -n / -netns NAME: work in that namespace of the daemon (a SETNS call once connected). */
  netns?: string | undefined;
}

export function defaultOptions(): GlobalOptions {
  return { json: false, pretty: false, details: false, stats: 0, family: 0, oneline: false, brief: false, timestamp: false, tshort: false, force: false };
}

/** What a command runs with: options, output, and the (lazily opened) connection to rtnld. */
export class Context {
  private conn: Promise<RtnlClient> | undefined;

  constructor(
    readonly opts: GlobalOptions,
    readonly io: CliIO,
  ) {}

  /** iproute2's _SL_: "\n", or "\\" with -oneline. */
  get sl(): string {
    return this.opts.oneline ? '\\' : '\n';
  }

  out(text: string): void {
    this.io.stdout(text);
  }

  err(text: string): void {
    this.io.stderr(text);
  }

  socketPath(): string {
    const path = this.opts.socket ?? this.io.env.RTNL_SOCKET;
    if (!path) throw new ExitNow(1, 'Cannot open netlink socket: no rtnld socket given (use --socket PATH or set RTNL_SOCKET)\n');
    return path;
  }

  /** rtnl_open(): connects on first use; failures end the program as iproute2's do, naming the socket. */
  client(): Promise<RtnlClient> {
    const path = this.socketPath();
    this.conn ??= connect(path).catch((e: unknown) => {
      const code = (e as NodeJS.ErrnoException).code;
      const errno = code === 'ENOENT' ? 2 : code === 'ECONNREFUSED' ? 111 : code === 'EACCES' ? 13 : undefined;
      const why = errno !== undefined ? strerror(errno) : (e as Error).message;
      const from = this.opts.socket !== undefined ? '--socket' : 'RTNL_SOCKET';
      const hint = errno === 2 || errno === 111 ? '; is rtnld running there?' : '';
      throw new ExitNow(1, `Cannot open netlink socket: ${why}: ${path} (from ${from}${hint})\n`);
    }).then(async (client) => {
      const netns = this.opts.netns;
      if (netns === undefined) return client;
      try {
        await client.setns(netns);
      } catch (e) {
        // netns_switch(): iproute2's message when /run/netns/NAME cannot be opened.
        const errno = e instanceof NetlinkError ? e.errno : 2;
        await client.close();
        throw new ExitNow(1, `Cannot open network namespace "${netns}": ${strerror(errno)}\n`);
      }
      return client;
    });
    return this.conn;
  }

  async close(): Promise<void> {
    if (!this.conn) return;
    const c = await this.conn.catch(() => undefined);
    this.conn = undefined;
    await c?.close();
  }

  /**
   * ll_name_to_index(): the device's index, or 0 when it does not exist (long names are looked
   * up as alternative names by the client), and "ifN" means index N, as in iproute2.
   */
  async nameToIndex(name: string): Promise<number> {
    const client = await this.client();
    try {
      return (await client.link(name)).index;
    } catch (e) {
      if (!(e instanceof NetlinkError)) throw e;
      const m = /^if(\d+)$/.exec(name);
      if (m) return Number(m[1]);
      return 0;
    }
  }
}
