import { describe, expect, it } from 'vitest';
import { forEachAttr, nestedAttrs, walkAttrs } from '../../protocol/attr-walk.js';
import { IFLA_ALT_IFNAME, IFLA_MTU, IFLA_PROP_LIST } from '../../protocol/constants.js';
import { IFLA_POLICY } from '../../protocol/link-policy.js';
import { NlError } from '../../protocol/nl-error.js';
import { eachMessage, nlmsgSeq, nlmsgType } from '../../protocol/nlmsg.js';
import { parseMessage, parseNestedAttrs, validateOne } from '../../protocol/policy.js';
import { NlWriter } from '../../protocol/writer.js';

/** A message: header, a 16-byte ifinfomsg of zeros, then `body`'s attributes. */
function linkMessage(seq: number, body: (w: NlWriter) => void): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(16, 1, seq, 0);
  w.zeros(16);
  body(w);
  w.msgEnd(at);
  return w.take();
}

describe('eachMessage (NLMSG_OK / NLMSG_NEXT)', () => {
  it('yields each whole message, aligned, and stops at a malformed tail', () => {
    const a = linkMessage(1, (w) => w.attrString(3, 'ab'));
    const b = linkMessage(2, (w) => w.attrU32(IFLA_MTU, 1400));
    const tail = Buffer.alloc(20);
    tail.writeUInt32LE(64, 0); // claims more than is there
    const seen = [...eachMessage(Buffer.concat([a, b, tail]))];
    expect(seen.map(nlmsgSeq)).toEqual([1, 2]);
    expect(seen.map(nlmsgType)).toEqual([16, 16]);
    expect(seen[1]!.equals(b)).toBe(true);
  });
});

describe('attribute toolkit', () => {
  it('forEachAttr stops where nla_ok fails and reports the position', () => {
    const buf = Buffer.from([8, 0, 4, 0, 1, 2, 3, 4, 12, 0, 5, 0, 9, 9]);
    const seen: number[] = [];
    expect(forEachAttr(buf, 0, buf.length, (a) => seen.push(a.type))).toBe(8);
    expect(seen).toEqual([4]);
  });

  it('nested attributes keep request offsets, for extack', () => {
    const msg = linkMessage(1, (w) => {
      const at = w.nestStart(IFLA_PROP_LIST);
      w.attrString(IFLA_ALT_IFNAME, 'x'.repeat(128)); // ALTIFNAMSIZ - 1 is 127
      w.nestEnd(at);
    });
    const list = parseMessage(msg, 16, IFLA_POLICY, false).attrs.get(IFLA_PROP_LIST)!;
    const [entry] = nestedAttrs(list);
    expect(entry!.offset).toBe(32 + 4);
    const err = (() => {
      try {
        validateOne(entry!, IFLA_POLICY);
      } catch (e) {
        return e as NlError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(NlError);
    expect(err!.offset).toBe(36);
  });

  it('parseNestedAttrs skips a fixed header and reports trailing bytes as a warning', () => {
    const msg = linkMessage(1, (w) => {
      const at = w.nestStart(1);
      w.zeros(16).attrU32(IFLA_MTU, 1280).zeros(2);
      w.nestEnd(at);
    });
    const outer = walkAttrs(msg, 32)[0]!;
    const r = parseNestedAttrs(outer, IFLA_POLICY, false, 16);
    expect(r.attrs.get(IFLA_MTU)!.data.readUInt32LE(0)).toBe(1280);
    expect(r.attrs.get(IFLA_MTU)!.offset).toBe(32 + 4 + 16);
    expect(r.warning).toBe('bytes leftover after parsing attributes');
  });
});
