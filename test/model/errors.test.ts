import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/model/errors.js';

describe('ModelError', () => {
  it('carries errno and ext-ack text but no stack frames (an answer, not a fault), and leaves other errors theirs', () => {
    const limit = Error.stackTraceLimit;
    const e = new ModelError('EEXIST', 'Route exists');
    expect(e).toBeInstanceOf(Error);
    expect([e.code, e.extMsg, e.message, e.name]).toEqual(['EEXIST', 'Route exists', 'Route exists', 'ModelError']);
    expect(new ModelError('ENODEV').message).toBe('ENODEV');
    expect(new ModelError('ENODEV').extMsg).toBeUndefined();
    expect(e.stack).not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('x').stack).toMatch(/\n\s+at /);
  });
});
