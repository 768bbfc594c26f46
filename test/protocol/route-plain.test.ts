import { describe, expect, it } from 'vitest';
import { NLA_F_NESTED, RTA_DST, RTA_GATEWAY, RTA_METRICS, RTA_OIF, RTA_PREFSRC, RTA_PRIORITY, RTA_TABLE } from '../../protocol/constants.js';
import { PLAIN_ROUTE4_ATTRS, readPlainRoute4, type PlainRoute4 } from '../../protocol/route-plain.js';
import { RTM_IPV4_POLICY } from '../../protocol/route-policy.js';
import { NlWriter } from '../../protocol/writer.js';

const fresh = (): PlainRoute4 => ({ dstLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0, dst: 0, gateway: 0, oif: 0, priority: 0, prefsrc: 0, rtaTable: -1 });

function request(attrs: (w: NlWriter) => void, rtm = [2, 24, 0, 4, 254, 186, 0, 1], flags = 0x104): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(24, 0x605, 7, 0);
  for (const b of rtm) w.u8(b);
  w.u32(flags);
  attrs(w);
  w.msgEnd(at);
  return w.take();
}

describe('readPlainRoute4', () => {
  it('reads the rtmsg and each plain attribute (addresses big-endian, the rest host order)', () => {
    const out = fresh();
    const msg = request((w) => {
      w.attrBytes(RTA_DST, new Uint8Array([10, 1, 2, 0])).attrBytes(RTA_GATEWAY, new Uint8Array([192, 168, 0, 1]));
      w.attrU32(RTA_OIF, 3).attrU32(RTA_PRIORITY, 0xfffffffe).attrBytes(RTA_PREFSRC, new Uint8Array([100, 0, 0, 1])).attrU32(RTA_TABLE, 1000);
    });
    expect(readPlainRoute4(msg, out)).toBe(true);
    expect(out).toEqual({
      dstLen: 24, tos: 4, table: 254, protocol: 186, scope: 0, type: 1, flags: 0x104,
      dst: 0x0a010200, gateway: (192 << 24 | 168 << 16 | 1) | 0, oif: 3, priority: 0xfffffffe, prefsrc: 0x64000001, rtaTable: 1000,
    });
  });

  it('resets what a previous request left, and keeps the last of a repeated attribute', () => {
    const out = fresh();
    readPlainRoute4(request((w) => w.attrU32(RTA_OIF, 3).attrU32(RTA_TABLE, 9)), out);
    expect(readPlainRoute4(request((w) => w.attrU32(RTA_PRIORITY, 5).attrU32(RTA_PRIORITY, 6)), out)).toBe(true);
    expect([out.oif, out.rtaTable, out.priority]).toEqual([0, -1, 6]);
  });

  it('leaves every other request to the policy', () => {
    const out = fresh();
    expect(readPlainRoute4(request(() => {}).subarray(0, 27), out)).toBe(false); // rtmsg cut short
    expect(readPlainRoute4(request((w) => w.attrBytes(RTA_DST, new Uint8Array(5))), out)).toBe(false); // longer payload
    expect(readPlainRoute4(request((w) => w.attrBytes(RTA_DST, new Uint8Array(3))), out)).toBe(false); // short payload
    expect(readPlainRoute4(request((w) => w.attrU32(RTA_OIF | NLA_F_NESTED, 1)), out)).toBe(false); // flag bits
    expect(readPlainRoute4(request((w) => w.attrU32(RTA_METRICS, 1)), out)).toBe(false); // another type
    expect(readPlainRoute4(request((w) => w.attrU32(0, 1)), out)).toBe(false); // type 0
    expect(readPlainRoute4(request((w) => w.attrU32(RTA_OIF, 1).u8(0).u8(0)), out)).toBe(false); // trailing bytes
    expect(readPlainRoute4(request((w) => w.attrU32(RTA_OIF, 1)), out)).toBe(true);
  });

  it('takes only attributes rtm_ipv4_policy types u32 with no other check (a 4-byte payload always passes)', () => {
    for (const type of PLAIN_ROUTE4_ATTRS) expect(RTM_IPV4_POLICY.attrs[type], `type ${type}`).toEqual({ kind: 'u32' });
    expect(RTM_IPV4_POLICY.strictStartType).toBeGreaterThan(Math.max(...PLAIN_ROUTE4_ATTRS));
  });
});
