import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6 } from '../../protocol/constants.js';
import { Args, ExitNow, matches, parseUnsigned, splitLine } from '../../src/cli/args.js';
import { parseIpv4Loose, parsePrefixLoose } from '../../src/cli/common.js';
import { fnmatch } from '../../src/cli/show.js';

describe('iproute2 argument conventions', () => {
  it('matches abbreviations as prefixes', () => {
    expect(matches('sh', 'show')).toBe(true);
    expect(matches('show', 'show')).toBe(true);
    expect(matches('shows', 'show')).toBe(false);
    expect(matches('', 'show')).toBe(false);
  });

  it('takes option values with NEXT_ARG and ends the program when one is missing', () => {
    const a = new Args(['mtu', '1500', 'name']);
    expect(a.cur).toBe('mtu');
    expect(a.next()).toBe('1500');
    a.advance();
    expect(a.cur).toBe('name');
    expect(() => a.next()).toThrow(ExitNow);
    try {
      new Args(['x']).next();
    } catch (e) {
      expect(e).toMatchObject({ code: 255, stderr: 'Command line is not complete. Try option "help"\n' });
    }
  });

  it('reads numbers in C base-0 notation', () => {
    expect(parseUnsigned('1500')).toBe(1500);
    expect(parseUnsigned('0x10')).toBe(16);
    expect(parseUnsigned('010')).toBe(8);
    expect(parseUnsigned('0')).toBe(0);
    expect(parseUnsigned('1e3')).toBeUndefined();
    expect(parseUnsigned('-1')).toBeUndefined();
    expect(parseUnsigned('70000', 0xffff)).toBeUndefined();
  });

  it('splits batch lines as makeargs does', () => {
    expect(splitLine('link set dev d0 alias "a b"  # comment')).toEqual(['link', 'set', 'dev', 'd0', 'alias', 'a b']);
    expect(splitLine("addr add 10.0.0.1/24 dev 'd 0'")).toEqual(['addr', 'add', '10.0.0.1/24', 'dev', 'd 0']);
    expect(splitLine('   # only a comment')).toEqual([]);
    expect(() => splitLine('link set alias "open')).toThrow(ExitNow);
  });

  it('parses addresses and prefixes as get_prefix does', () => {
    expect(Array.from(parseIpv4Loose('10')!)).toEqual([10, 0, 0, 0]);
    expect(Array.from(parseIpv4Loose('10.1')!)).toEqual([10, 1, 0, 0]);
    expect(Array.from(parseIpv4Loose('0x0a.010.0.1')!)).toEqual([10, 8, 0, 1]);
    expect(parseIpv4Loose('256.0.0.1')).toBeUndefined();
    expect(parsePrefixLoose('10.0.0.1/24', 0)).toMatchObject({ family: AF_INET, prefixlen: 24, explicitLength: true });
    expect(parsePrefixLoose('2001:db8::1', 0)).toMatchObject({ family: AF_INET6, prefixlen: 128, explicitLength: false });
    expect(parsePrefixLoose('2001:db8::1/64', AF_INET)).toBeUndefined();
    expect(parsePrefixLoose('10.0.0.1/33', 0)).toBeUndefined();
  });

  it('matches labels with fnmatch patterns', () => {
    expect(fnmatch('br0*', 'br0:1')).toBe(true);
    expect(fnmatch('br?', 'br0')).toBe(true);
    expect(fnmatch('eth[0-2]', 'eth1')).toBe(true);
    expect(fnmatch('eth[!0-2]', 'eth1')).toBe(false);
    expect(fnmatch('a.b', 'axb')).toBe(false);
  });
});
