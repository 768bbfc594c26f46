import type { ErrnoName } from '../../protocol/errno.js';

/**
 * A model rule was violated. Carries the errno Linux returns for the same situation and,
 * where Linux gives one, its extended-ack text. Handlers turn it into a netlink error.
 */
export class ModelError extends Error {
  constructor(
    readonly code: ErrnoName,
    readonly extMsg?: string,
  ) {
    super(extMsg ?? code);
    this.name = 'ModelError';
  }
}
