import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Daemon, type DaemonOptions } from '../../src/daemon.js';

/** An in-process daemon on a temporary socket, with logging off. */
export async function startDaemon(options: Partial<DaemonOptions> = {}): Promise<{ daemon: Daemon; path: string; roPath: string | undefined; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'rtnld-test-'));
  const path = join(dir, 'rtnl.sock');
  // A relative read-only socket path is placed beside the admin socket.
  const roSocket = options.roSocket && !options.roSocket.startsWith('/') ? join(dir, options.roSocket) : options.roSocket;
  const daemon = new Daemon({
    socket: path, strict: false, maxMessage: 1024 * 1024, rcvbuf: 212992, log: pino({ level: 'silent' }), ...options, roSocket,
  });
  await daemon.start();
  return {
    daemon,
    path,
    roPath: roSocket,
    async stop() {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
