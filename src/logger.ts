import { pino, type Logger } from 'pino';

/** The daemon's structured logger: JSON lines on stderr (stdout stays free for tools). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { name: 'rtnld' } }, pino.destination(2));
}
