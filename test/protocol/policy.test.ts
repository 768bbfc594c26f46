import { describe, expect, it } from 'vitest';
import { IFLA_POLICY } from '../../protocol/link-policy.js';
import { NlError } from '../../protocol/nl-error.js';
import { parseAttrs } from '../../protocol/policy.js';
import { NlWriter } from '../../protocol/writer.js';

function attrs(build: (w: NlWriter) => void): Buffer {
  const w = new NlWriter();
  w.zeros(32);
  build(w);
  return w.take();
}

function failure(buf: Buffer, strict = false): NlError {
  try {
    parseAttrs(buf, 32, buf.length, IFLA_POLICY, strict);
  } catch (e) {
    if (e instanceof NlError) return e;
  }
  throw new Error('expected a policy error');
}

describe('attribute policy (lib/nlattr.c validate_nla)', () => {
  it('a short u32 is -ERANGE with OFFS and the {MIN, MAX, TYPE} policy nest', () => {
    const e = failure(attrs((w) => w.attrU16(4, 0x500)));
    expect([e.errno, e.extMsg, e.offset]).toEqual([34, 'Attribute failed policy validation', 32]);
    expect(e.policy!.entries).toEqual([[4, 'u64', 0n], [5, 'u64', 0xffffffffn], [1, 'u32', 4]]);
  });

  it('an over-long IFLA_IFNAME reports MAX_LENGTH 15', () => {
    const e = failure(attrs((w) => w.attrString(3, 'abcdefghijklmnop')));
    expect(e.errno).toBe(34);
    expect(e.policy!.entries).toEqual([[7, 'u32', 15], [1, 'u32', 11]]);
  });

  it('NLA_REJECT attributes are -EINVAL without a policy nest', () => {
    const e = failure(attrs((w) => w.attrU32(54, 0)));
    expect([e.errno, e.policy]).toEqual([22, undefined]);
  });

  it('accepts longer fixed-size attributes, unknown types and leftovers when not strict, with a warning', () => {
    const buf = Buffer.concat([attrs((w) => w.attrU64(4, 1400).attrU32(200, 1)), Buffer.from([1, 2])]);
    const r = parseAttrs(buf, 32, buf.length, IFLA_POLICY, false);
    expect([...r.attrs.keys()]).toEqual([4]);
    expect(r.warning).toBe('bytes leftover after parsing attributes');
    expect(failure(buf, true).extMsg).toBe('Unknown attribute type');
  });
});
