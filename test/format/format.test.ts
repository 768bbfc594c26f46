import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, RTM_DELADDR, RTM_DELLINK } from '../../protocol/constants.js';
import { decodeLinkMessage, decodeLinkStats } from '../../protocol/link-decode.js';
import { addressJson, addressText, type AddressView } from '../../src/format/address.js';
import { JsonRaw, stringifyJson } from '../../src/format/json.js';
import { linkJson, linkText } from '../../src/format/link.js';
import { LinkTable } from '../../src/format/link-table.js';
import { fixture, hex } from '../helpers/fixtures.js';

describe('iproute2 JSON layout', () => {
  const value = [{ ifindex: 1, flags: ['UP', 'LOWER_UP'], info: { a: 1 }, empty: [], list: [{ x: 'it\'s "q" \\ /' }] }];

  it('prints compact output without spaces', () => {
    expect(stringifyJson(value)).toBe('[{"ifindex":1,"flags":["UP","LOWER_UP"],"info":{"a":1},"empty":[],"list":[{"x":"it\'s \\"q\\" \\\\ /"}]}]\n');
  });

  it('prints -pretty output as json_writer.c does', () => {
    expect(stringifyJson(value, true)).toBe([
      '[ {',
      '        "ifindex": 1,',
      '        "flags": [ "UP","LOWER_UP" ],',
      '        "info": {',
      '            "a": 1',
      '        },',
      '        "empty": [ ],',
      '        "list": [ {',
      '                "x": "it\'s \\"q\\" \\\\ /"',
      '            } ]',
      '    } ]',
      '',
    ].join('\n'));
  });

  it('prints raw numbers, bigints and null verbatim', () => {
    expect(stringifyJson({ t: new JsonRaw('0.00'), b: 18446744073709551615n, n: null })).toBe('{"t":0.00,"b":18446744073709551615,"n":null}\n');
  });
});

const names = new LinkTable();

describe('link printing', () => {
  it('widens the statistics columns for large counters', () => {
    const lo = decodeLinkMessage(hex(fixture('getlink-lo-down').messages[0]!));
    const stats = decodeLinkStats(Buffer.alloc(200), 8);
    stats.rxBytes = 123456789012n;
    stats.txPackets = 98765432n;
    lo.stats64 = stats;
    const text = linkText(lo, new LinkTable([lo]), { stats: 1 });
    // One set of column widths serves RX and TX (size_columns() over both).
    expect(text).toContain('    RX:    bytes  packets errors dropped  missed   mcast           \n');
    expect(text).toContain('    123456789012        0      0       0       0       0 \n');
    expect(text).toContain('    TX:    bytes  packets errors dropped carrier collsns           \n');
    expect(text).toContain('               0 98765432      0       0       0       0 \n');
  });

  it('prints a deleted link and an unknown peer index as iproute2 does', () => {
    const va = decodeLinkMessage(hex(fixture('getlink-veth-down').messages[0]!));
    const text = linkText(va, names, { msgType: RTM_DELLINK, doLink: false, showQueue: false });
    expect(text).toMatch(/^Deleted \d+: va@if\d+: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group default \n    link\/ether /);
    const json = linkJson(va, names, { msgType: RTM_DELLINK });
    expect(Object.keys(json).slice(0, 4)).toEqual(['deleted', 'ifindex', 'link', 'ifname']);
    expect(json.flags).toEqual(['BROADCAST', 'MULTICAST', 'M-DOWN']);
  });

  it('prints "@NONE" and a JSON null link for iflink 0', () => {
    const del = decodeLinkMessage(hex(fixture('dellink-veth').notifications[0]!));
    expect(del.link).toBe(0);
    expect(linkText(del, names)).toMatch(/^\d+: v[ab]@NONE: /);
    expect(linkJson(del, names).link).toBeNull();
  });
});

describe('address printing', () => {
  const base: AddressView = {
    family: AF_INET, prefixlen: 24, flags: 0x80, scope: 0, index: 4, local: new Uint8Array([10, 0, 0, 1]),
    address: new Uint8Array([10, 0, 0, 1]), label: 'br0', cacheinfo: { prefered: 0xffffffff, valid: 0xffffffff, cstamp: 0, tstamp: 0 },
  };

  it('prints a permanent IPv4 address', () => {
    expect(addressText(base, names)).toBe('    inet 10.0.0.1/24 scope global br0\n       valid_lft forever preferred_lft forever\n');
    expect(addressJson(base, names)).toEqual({
      family: 'inet', local: '10.0.0.1', prefixlen: 24, scope: 'global', label: 'br0', valid_life_time: 4294967295, preferred_life_time: 4294967295,
    });
  });

  it('prints peers, broadcast, metric, flags and finite lifetimes in iproute2 order', () => {
    const a: AddressView = {
      ...base, address: new Uint8Array([10, 0, 0, 9]), broadcast: new Uint8Array([10, 0, 0, 255]), rtPriority: 7, flags: 0x21 | 0x200,
      cacheinfo: { prefered: 0, valid: 300, cstamp: 0, tstamp: 0 },
    };
    expect(addressText(a, names)).toBe('    inet 10.0.0.1 peer 10.0.0.9/24 metric 7 brd 10.0.0.255 scope global secondary deprecated dynamic noprefixroute br0\n       valid_lft 300sec preferred_lft 0sec\n');
    expect(Object.keys(addressJson(a, names))).toEqual([
      'family', 'local', 'address', 'prefixlen', 'metric', 'broadcast', 'scope', 'secondary', 'deprecated', 'dynamic', 'noprefixroute', 'label',
      'valid_life_time', 'preferred_life_time',
    ]);
  });

  it('prints IPv6 "temporary" for the secondary bit, unknown flags in hex, and the monitor prefix', () => {
    const a: AddressView = {
      family: AF_INET6, prefixlen: 64, flags: 0x80 | 0x01 | 0x8000, scope: 253, index: 4, address: Buffer.from('fe800000000000000000000000000001', 'hex'),
      cacheinfo: { prefered: 0xffffffff, valid: 0xffffffff, cstamp: 0, tstamp: 0 },
    };
    const t = addressText(a, new LinkTable([{ ...decodeLinkMessage(hex(fixture('getlink-lo-down').messages[0]!)), index: 4, name: 'br0' }]), { withIndex: true, msgType: RTM_DELADDR });
    expect(t).toBe('Deleted 4: br0    inet6 fe80::1/64 scope link temporary flags 8000 \n       valid_lft forever preferred_lft forever\n');
    expect(addressJson(a, names)).toMatchObject({ temporary: true, ifa_flags: '8000' });
  });
});
