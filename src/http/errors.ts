import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ModelError } from '../model/errors.js';

/**
 * Every error answer is JSON: `{statusCode, error, message, field?, errno?}`. `field` names the
 * offending input (`carrier`, `model.links[3].mtu`, `name`, `authorization`); `errno` is the
 * errno a netlink request would have got for the same refusal (e.g. EOPNOTSUPP).
 */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  field?: string;
  errno?: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function noSuchLink(name: string): HttpError {
  return new HttpError(404, `no link named "${name}"`, 'name', 'ENODEV');
}

/** A model rule refused the change: 409, with the errno netlink would have answered. */
export function refused(e: unknown, field?: string): unknown {
  if (e instanceof ModelError) return new HttpError(409, `refused by the model: ${e.message}`, field, e.code);
  return e;
}

/** `/model/links/3/mtu` (a JSON pointer) -> `model.links[3].mtu`. */
export function fieldPath(pointer: string, last?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (last !== undefined) parts.push(last);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** One schema violation as `{field, message}`, naming the field even when it is missing or unknown. */
export function describeValidation(err: AjvError, context: string): { field: string; message: string } {
  if (err.keyword === 'required') {
    const field = fieldPath(err.instancePath, String(err.params.missingProperty));
    return { field, message: `${context} field "${field}" is required` };
  }
  if (err.keyword === 'additionalProperties') {
    const field = fieldPath(err.instancePath, String(err.params.additionalProperty));
    return { field, message: `${context} field "${field}" is not allowed here` };
  }
  const field = fieldPath(err.instancePath) || context;
  let message = `${context} field "${field}" ${err.message ?? 'is invalid'}`;
  if (err.keyword === 'enum' && Array.isArray(err.params.allowedValues)) message += `: ${err.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return { field, message };
}

function body(statusCode: number, message: string, field?: string, errno?: string): ErrorBody {
  const out: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
  if (field !== undefined) out.field = field;
  if (errno !== undefined) out.errno = errno;
  return out;
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError | Error, req, reply) => {
    if (error instanceof HttpError) return reply.code(error.statusCode).send(body(error.statusCode, error.message, error.field, error.errno));
    const fe = error as FastifyError;
    if (fe.validation && fe.validation.length > 0) {
      const { field, message } = describeValidation(fe.validation[0] as AjvError, fe.validationContext ?? 'body');
      return reply.code(400).send(body(400, message, field));
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send(body(status, fe.message, 'body'));
    req.log.error({ err: error }, 'admin API request failed');
    return reply.code(500).send(body(500, 'internal error'));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(body(404, `no such endpoint: ${req.method} ${req.url.split('?')[0]}`)));
}
