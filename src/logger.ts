import { pino, type Logger } from 'pino';

/** pino's levels, which `--log-level` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The daemon's structured logger: JSON lines on stderr (stdout stays free for tools), or appended
 * to `file` (--log-file).
 */
export function createLogger(level: string, file?: string): Logger {
  return pino({ level, base: { name: 'rtnld' } }, pino.destination(file === undefined ? 2 : { dest: file, append: true, sync: true }));
}
