import type { ErrnoName } from '../../protocol/errno.js';

/**
 * A model rule was violated. Carries the errno Linux returns for the same situation and,
 * where Linux gives one, its extended-ack text. Handlers turn it into a netlink error.
 *
 * No stack trace: a ModelError is an answer, not a fault (the kernel's -EEXIST of a duplicate
 * route is a return value), and capturing the stack was most of its cost (Error.captureStackTrace:
 * 7% of a 10,000-namespace seed's start-up, where every duplicate kernel route throws one).
 */
export class ModelError extends Error {
  readonly code: ErrnoName;
  readonly extMsg?: string;

  constructor(code: ErrnoName, extMsg?: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(extMsg ?? code);
    Error.stackTraceLimit = limit;
    this.code = code;
    if (extMsg !== undefined) this.extMsg = extMsg;
    this.name = 'ModelError';
  }
}
