import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/model/clock.js';
import { NetworkModel } from '../src/model/store.js';
import { parseSeedAddress } from '../src/seed-addresses.js';
import { applySeed, SeedError } from '../src/seed.js';

const INF = 0xffffffff;

describe('seed addresses (ip address add syntax)', () => {
  it('parses IPv4 with the options iproute2 takes, computing "brd +"', () => {
    expect(parseSeedAddress('10.0.0.1/24 brd + label eth0:1 scope link metric 5 proto 4 valid_lft 100 preferred_lft 50')).toEqual({
      family: 'inet',
      request: {
        prefixlen: 24, flags: 0, scope: 253, local: new Uint8Array([10, 0, 0, 1]), address: new Uint8Array([10, 0, 0, 1]),
        broadcast: new Uint8Array([10, 0, 0, 255]), label: 'eth0:1', lifetimes: { valid: 100, prefered: 50 }, proto: 4, rtPriority: 5,
      },
    });
    const peer = parseSeedAddress('10.0.0.1 peer 10.0.0.2/30');
    expect(peer.request).toMatchObject({ prefixlen: 30, address: new Uint8Array([10, 0, 0, 2]) });
    expect(parseSeedAddress('10.0.0.1').request.prefixlen).toBe(32);
  });

  it('parses IPv6 with flags words; lifetimes default to forever', () => {
    const a = parseSeedAddress('2001:db8::1/64 nodad noprefixroute valid_lft forever preferred_lft 30');
    expect(a.family).toBe('inet6');
    expect(a.request).toMatchObject({ prefixlen: 64, flags: 0x202, lifetimes: { valid: INF, prefered: 30 } });
    expect(parseSeedAddress('2001:db8::1').request.prefixlen).toBe(128);
  });

  it.each([
    ['10.0.0.1/33', /not a number/],
    ['10.0.0/24', /not an IPv4 or IPv6 address/],
    ['2001:db8::1/64 brd +', /no broadcast or label/],
    ['10.0.0.1/24 peer 2001:db8::2', /same family/],
    ['10.0.0.1/24 colour blue', /unknown word "colour"/],
    ['10.0.0.1/24 label', /needs a value/],
    ['10.0.0.1/24 valid_lft soon', /not a lifetime/],
  ])('rejects %s', (text, message) => {
    expect(() => parseSeedAddress(text)).toThrow(message);
  });

  it('applies addresses and promote_secondaries per link, after the link is set up', () => {
    const model = new NetworkModel({ cpuCount: 1, clock: new ManualClock(), addresses: { dadMs: 0 } });
    model.addLoopback();
    applySeed(model, [
      { name: 'lo', up: true },
      { name: 'v0', kind: 'veth', peer: { name: 'v1', addresses: ['10.1.0.1/24'] }, up: true, promote_secondaries: true, addresses: ['10.0.0.1/24', '10.0.0.2/24', '2001:db8::1/64 nodad'] },
    ]);
    const v0 = model.byName('v0')!;
    const flags = (i: number, f: 'inet' | 'inet6') => model.addresses.list(i, f).map((a) => a.flags);
    expect([flags(v0.index, 'inet'), flags(v0.index, 'inet6'), flags(model.byName('v1')!.index, 'inet')]).toEqual([[0x80, 0x81], [0x82], [0x80]]);
    expect(model.addresses.list(1, 'inet').length + model.addresses.list(1, 'inet6').length).toBe(2);
    model.addresses.delInet4({ ifindex: v0.index, prefixlen: 24, local: new Uint8Array([10, 0, 0, 1]) });
    expect(flags(v0.index, 'inet')).toEqual([0x80]); // promoted
    expect(() => applySeed(model, [{ name: 'v0', addresses: ['10.0.0.2/24'] }])).toThrow(SeedError);
    expect(() => applySeed(model, [{ name: 'v0', addresses: ['10.0.0.2/24'] }])).toThrow('seed link "v0": address "10.0.0.2/24": ipv4: Address already assigned');
  });
});
