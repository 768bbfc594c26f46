import { describe, expect, it } from 'vitest';
import { decodeAddrMessage } from '../../protocol/addr-decode.js';
import { writeAddrMessage, type AddrMessage } from '../../protocol/addr-message.js';
import { writeAddrRequest } from '../../protocol/addr-request.js';
import { AF_INET, AF_INET6, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, RTM_NEWADDR } from '../../protocol/constants.js';
import { formatInet } from '../../protocol/inet.js';
import { NlWriter } from '../../protocol/writer.js';
import { fixture, hex } from '../helpers/fixtures.js';

const bytes = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('decodeAddrMessage', () => {
  it('reads the kernel notifications for 127.0.0.1 and ::1 when lo comes up', () => {
    const addrs = fixture('setlink-lo-up').notifications.map(hex).filter((m) => m.readUInt16LE(4) === RTM_NEWADDR).map(decodeAddrMessage);
    const v4 = addrs.find((a) => a.family === AF_INET)!;
    expect(v4).toMatchObject({ prefixlen: 8, scope: 254, index: 1, label: 'lo', flags: 0x80, proto: 0, rtPriority: 0 });
    expect(formatInet(v4.local!)).toBe('127.0.0.1');
    expect(formatInet(v4.address!)).toBe('127.0.0.1');
    expect(v4.cacheinfo).toMatchObject({ prefered: 0xffffffff, valid: 0xffffffff });
    const v6 = addrs.find((a) => a.family === AF_INET6)!;
    expect(v6).toMatchObject({ prefixlen: 128, scope: 254, index: 1, label: undefined, proto: 1 });
    expect(formatInet(v6.address!)).toBe('::1');
    expect(v6.local).toBeUndefined();
  });

  it('reads the capture of linux-rtnetlink.md A.3 (IFA_FLAGS over the 8-bit header)', () => {
    const a = decodeAddrMessage(bytes(`4c 00 00 00 14 00 00 00 04 00 00 00 62 30 00 00 02 18 80 00 03 00 00 00 08 00 01 00 c0 00 02 01
      08 00 02 00 c0 00 02 01 07 00 03 00 76 61 00 00 08 00 08 00 80 00 00 00 14 00 06 00 ff ff ff ff
      ff ff ff ff 7e e9 02 00 7e e9 02 00`));
    expect(a).toMatchObject({ family: AF_INET, prefixlen: 24, flags: 0x80, headerFlags: 0x80, scope: 0, index: 3, label: 'va' });
    expect(a.cacheinfo).toEqual({ prefered: 0xffffffff, valid: 0xffffffff, cstamp: 0x2e97e, tstamp: 0x2e97e });
  });

  it('is the inverse of writeAddrMessage', () => {
    const m: AddrMessage = {
      family: AF_INET, prefixlen: 24, flags: 0x10281, scope: 0, index: 4, address: new Uint8Array([10, 0, 0, 2]),
      local: new Uint8Array([10, 0, 0, 2]), broadcast: new Uint8Array([10, 0, 0, 255]), label: 'br0:1', proto: 0,
      rtPriority: 55, cacheinfo: { prefered: 100, valid: 300, cstamp: 5, tstamp: 6 },
    };
    const w = new NlWriter();
    writeAddrMessage(w, RTM_NEWADDR, 0, 1, 2, m);
    const d = decodeAddrMessage(w.take());
    expect(d).toEqual({ ...m, headerFlags: 0x81, anycast: undefined, multicast: undefined });
  });
});

describe('writeAddrRequest', () => {
  it('encodes linux-rtnetlink.md A.3: LOCAL then ADDRESS', () => {
    const w = new NlWriter();
    const ip = new Uint8Array([192, 0, 2, 1]);
    writeAddrRequest(w, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, 4, { family: AF_INET, prefixlen: 24, index: 3, local: ip, address: ip });
    expect(w.take()).toEqual(bytes('28 00 00 00 14 00 05 06 04 00 00 00 00 00 00 00 02 18 00 00 03 00 00 00 08 00 02 00 c0 00 02 01 08 00 01 00 c0 00 02 01'));
  });

  it('encodes linux-rtnetlink.md A.4: the NODAD flag in the header', () => {
    const w = new NlWriter();
    const ip = Buffer.from('20010db8000000000000000000000001', 'hex');
    writeAddrRequest(w, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, 5, { family: AF_INET6, prefixlen: 64, flags: 2, index: 3, address: ip });
    expect(w.take()).toEqual(bytes('2c 00 00 00 14 00 05 06 05 00 00 00 00 00 00 00 0a 40 02 00 03 00 00 00 14 00 01 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01'));
  });

  it('moves flags above 0xff to IFA_FLAGS and sends lifetimes as IFA_CACHEINFO', () => {
    const w = new NlWriter();
    writeAddrRequest(w, RTM_NEWADDR, NLM_F_REQUEST, 1, { family: AF_INET6, prefixlen: 64, flags: 0x202, index: 3, lifetimes: { valid: 300, preferred: 100 } });
    const d = decodeAddrMessage(w.take());
    expect(d.headerFlags).toBe(0);
    expect(d.flags).toBe(0x202);
    expect(d.cacheinfo).toEqual({ prefered: 100, valid: 300, cstamp: 0, tstamp: 0 });
  });
});
