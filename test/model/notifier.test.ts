import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/model/clock.js';
import { IFF_UP } from '../../src/model/flags.js';
import { CHAIN_PRIORITY, NotifierChain } from '../../src/model/notifier.js';
import { NetworkModel } from '../../src/model/store.js';

describe('notifier chains', () => {
  it('calls subscribers highest priority first, equal priorities in registration order, and stops after unregister', () => {
    const chain = new NotifierChain<string>();
    const seen: string[] = [];
    chain.register((e) => seen.push(`low:${e}`), -5);
    chain.register((e) => seen.push(`a:${e}`));
    const stopHigh = chain.register((e) => seen.push(`high:${e}`), 10);
    chain.register((e) => seen.push(`b:${e}`));
    chain.call('x');
    stopHigh();
    chain.call('y');
    expect(seen).toEqual(['high:x', 'a:x', 'b:x', 'low:x', 'a:y', 'b:y', 'low:y']);
  });

  it('a throwaway table on the link chain sees every event of a scripted sequence in the kernel order', () => {
    const m = new NetworkModel({ cpuCount: 1, clock: new ManualClock(), addresses: { dadMs: 0 } });
    const links: string[] = [];
    const addrs: string[] = [];
    // Registered before lo exists, as the model's own tables are (rtnld does not replay REGISTER/UP
    // to late subscribers the way register_netdevice_notifier does).
    m.netdevChain.register((e) => links.push(`${e.type} ${e.link.name}`), CHAIN_PRIORITY.routes);
    m.inetaddrChain.register((e) => addrs.push(`${e.type} ${e.link.name} ${e.addr.family} ${e.addr.prefixlen}`), CHAIN_PRIORITY.routes);
    // The table runs after the address table (higher priority): when it sees `up` for lo, lo's addresses are there.
    let loAddressesAtUp = -1;
    m.netdevChain.register((e) => {
      if (e.type === 'up' && e.link.name === 'lo') loAddressesAtUp = m.addresses.list(e.link.index, 'inet').length;
    }, CHAIN_PRIORITY.routes);

    const lo = m.addLoopback();
    m.changeFlags(lo, IFF_UP, IFF_UP); // NETDEV_UP; devinet adds 127.0.0.1/8, addrconf ::1
    const [v1, v0] = m.createLink({ kind: 'veth', name: 'v0', peer: { kind: 'veth', name: 'v1' } });
    m.changeFlags(v0!, IFF_UP, IFF_UP); // no carrier yet: the peer is down
    m.changeFlags(v1!, IFF_UP, IFF_UP); // both carriers come on: linkwatch, peer of the opened device second
    m.setMtu(v0!, 1400);
    m.changeFlags(v0!, 0, IFF_UP); // v0 down (no NETDEV_CHANGE: it is down), v1 loses its carrier
    m.rename(v0!, 'w0');
    m.setAddress(v0!, new Uint8Array([2, 0, 0, 0, 0, 9]));
    const [d0] = m.createLink({ kind: 'dummy', name: 'd0', flags: IFF_UP, change: IFF_UP });
    m.setCarrier(d0!, false); // a cable pulled: linkwatch
    m.deleteLink(v0!); // dev_close_many() for the up peer, then NETDEV_UNREGISTER, named device first

    expect(links).toEqual([
      'register lo', 'up lo',
      'register v1', 'register v0',
      'up v0',
      'up v1', 'change v1', 'linkwatch v1', 'change v0', 'linkwatch v0',
      'changemtu v0',
      'down v0', 'linkwatch v0', 'change v1', 'linkwatch v1',
      'changename w0',
      'changeaddr w0',
      'register d0', 'up d0',
      'change d0', 'linkwatch d0',
      'down v1', 'unregister w0', 'unregister v1',
    ]);
    expect(loAddressesAtUp).toBe(1);
    // lo's addresses when it came up; v0/v1's link-local addresses (DAD of 0 ms completes at once
    // on NOARP-free links once they run) went with the veth pair; d0's stays.
    // Addresses enter lists as their links come up and leave as they go down (IPv6) or away.
    expect(addrs).toEqual([
      'up lo inet 8', 'up lo inet6 128',
      'up v1 inet6 64', 'up v0 inet6 64', // in linkwatch order
      'down v0 inet6 64',
      'up d0 inet6 64',
      'down v1 inet6 64',
    ]);
  });
});
