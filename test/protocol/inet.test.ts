import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6 } from '../../protocol/constants.js';
import { errnoNumber, errnoSymbol, strerror } from '../../protocol/errno-names.js';
import { formatIpv6, ipv4Broadcast, ipv4Network, parseInet, parseIpv4, parseIpv6, parsePrefix } from '../../protocol/inet.js';

const v6 = (s: string) => formatIpv6(parseIpv6(s)!);

describe('IPv6 text as glibc inet_ntop prints it', () => {
  it.each([
    ['::', '::'], ['::1', '::1'], ['2001:db8::1', '2001:db8::1'], ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['fe80::e4a1:96ff:fe05:52a9', 'fe80::e4a1:96ff:fe05:52a9'], ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], ['1:0:0:2:0:0:0:0', '1:0:0:2::'], ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'], ['::1.2.3.4', '::1.2.3.4'], ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
  ])('%s -> %s', (input, expected) => {
    expect(v6(input)).toBe(expected);
  });

  it('rejects malformed addresses', () => {
    for (const s of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1', '::1.2.3', '1:2:3:4:5:6:7']) expect(parseIpv6(s), s).toBeUndefined();
  });
});

describe('IPv4 text (inet_pton)', () => {
  it('reads four dotted decimal groups', () => {
    expect([...parseIpv4('0.0.0.0')!]).toEqual([0, 0, 0, 0]);
    expect([...parseIpv4('255.254.1.10')!]).toEqual([255, 254, 1, 10]);
    expect([...parseIpv4('010.001.0.9')!]).toEqual([10, 1, 0, 9]);
  });

  it('rejects anything else', () => {
    for (const s of ['', '1.2.3', '1.2.3.4.', '.1.2.3', '1..2.3', '1.2.3.256', '1.2.3.0004', '1.2.3.-4', '1.2.3.4 ', 'a.b.c.d', '1.2.3.4/8', '１.2.3.4']) {
      expect(parseIpv4(s), s).toBeUndefined();
    }
  });
});

describe('prefixes and broadcast', () => {
  it('parses prefixes with and without a length', () => {
    expect(parsePrefix('10.0.0.1/24')).toMatchObject({ family: AF_INET, prefixlen: 24, explicitLength: true });
    expect(parsePrefix('10.0.0.1')).toMatchObject({ family: AF_INET, prefixlen: 32, explicitLength: false });
    expect(parsePrefix('2001:db8::1/64')).toMatchObject({ family: AF_INET6, prefixlen: 64 });
    expect(parsePrefix('1.2.3.4/33')).toBeUndefined();
    expect(parsePrefix('10.0.0.0/008')).toMatchObject({ prefixlen: 8 });
    for (const bad of ['10.0.0.0/', '10.0.0.0/1234', '10.0.0.0/8a', '10.0.0.0/-1', '2001:db8::/129']) expect(parsePrefix(bad), bad).toBeUndefined();
    expect(parseInet('1.2.3')).toBeUndefined();
  });

  it('computes "brd +" and "brd -" as iproute2 does', () => {
    expect(Array.from(ipv4Broadcast(new Uint8Array([10, 0, 0, 2]), 24))).toEqual([10, 0, 0, 255]);
    expect(Array.from(ipv4Broadcast(new Uint8Array([10, 1, 2, 3]), 8))).toEqual([10, 255, 255, 255]);
    expect(Array.from(ipv4Network(new Uint8Array([10, 1, 2, 3]), 16))).toEqual([10, 1, 0, 0]);
  });
});

describe('errno names and texts', () => {
  it('names errnos and gives the C library text', () => {
    expect(errnoSymbol(17)).toBe('EEXIST');
    expect(errnoSymbol(-95)).toBe('EOPNOTSUPP');
    expect(strerror(17)).toBe('File exists');
    expect(strerror(99)).toBe('Cannot assign requested address');
    expect(strerror(524)).toBe('Unknown error 524');
    expect(errnoNumber('ENODEV')).toBe(19);
    expect(errnoNumber('ENOTSUP')).toBe(95);
  });
});
