import { Errno } from '../../protocol/errno.js';
import { NlError } from '../../protocol/nl-error.js';
import { ModelError } from '../model/errors.js';

/** Maps whatever a handler threw to the netlink error it answers with. */
export function toNlError(err: unknown): NlError {
  if (err instanceof NlError) return err;
  if (err instanceof ModelError) return new NlError(Errno[err.code], err.extMsg);
  throw err;
}

export const einval = (msg?: string, offset?: number) => new NlError(Errno.EINVAL, msg, offset);
