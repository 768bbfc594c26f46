import { Parser } from 'binary-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNlMsgHdr, decodeRtMsg, NLMSGHDR_SIZE, RTMSG_SIZE } from '../../protocol/structs.js';

// nlmsghdr and rtmsg are read by hand on the request path; they must equal the binary-parser
// declaration of the same uapi struct for any bytes at any offset.
const nlmsghdr = new Parser().endianness('little').uint32('len').uint16('type').uint16('flags').uint32('seq').uint32('pid');
const rtmsg = new Parser().endianness('little').uint8('family').uint8('dstLen').uint8('srcLen').uint8('tos').uint8('table')
  .uint8('protocol').uint8('scope').uint8('type').uint32('flags');

describe('hand-read structs', () => {
  it('decodeNlMsgHdr and decodeRtMsg equal binary-parser at any offset', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 28, maxLength: 64 }), fc.nat(36), (bytes, at) => {
      const buf = Buffer.from(bytes);
      const offset = Math.min(at, buf.length - NLMSGHDR_SIZE - RTMSG_SIZE);
      expect(decodeNlMsgHdr(buf, offset)).toEqual(nlmsghdr.parse(buf.subarray(offset)));
      expect(decodeRtMsg(buf, offset + NLMSGHDR_SIZE)).toEqual(rtmsg.parse(buf.subarray(offset + NLMSGHDR_SIZE)));
    }));
  });

  it('refuse a short buffer', () => {
    expect(() => decodeNlMsgHdr(Buffer.alloc(15))).toThrow(RangeError);
    expect(() => decodeRtMsg(Buffer.alloc(20), 9)).toThrow('rtmsg needs 12 bytes at offset 9, have 11');
  });
});
