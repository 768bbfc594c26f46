import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeLinkMessage } from '../../protocol/link-message.js';
import { NlWriter } from '../../protocol/writer.js';
import type { AddressTable } from '../../src/model/addresses.js';
import { NetworkModel } from '../../src/model/store.js';
import { writeCachedLink } from '../../src/rtnl/link-cache.js';
import { linkMessage } from '../../src/rtnl/link-view.js';
import { DispatchHarness } from '../helpers/dispatch.js';
import { requestSequences } from '../helpers/request-steps.js';

type MethodsOf<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];
type LinkQueries =
  | 'onEvent' | 'byIndex' | 'byName' | 'linkAfter' | 'iterate' | 'linksOfKind' | 'portsOf' | 'stackedOn' | 'kindOf' | 'now' | 'exportLinks'
  | 'reportedFlags' | 'tsoMaxSize' | 'reportedOperstate' | 'indexFree' | 'nextAutoIndex' | 'arrivalName';
type AddressQueries = 'list' | 'ipv6Mtu' | 'ipv6Flags' | 'remaining' | 'getInet6' | 'export';

/** Every link encoded through the cache must equal a fresh encoding. */
function expectCacheFresh(model: NetworkModel): void {
  for (const link of model.iterate()) {
    for (const skipStats of [false, true]) {
      const cached = new NlWriter();
      writeCachedLink(cached, model, link, 2, 7, 9, skipStats);
      const fresh = new NlWriter();
      writeLinkMessage(fresh, 16, 2, 7, 9, linkMessage(model, link, { skipStats }));
      expect(cached.take().toString('hex')).toBe(fresh.take().toString('hex'));
    }
  }
}

describe('link body cache', () => {
  it('every public method that changes the link or address table advances the model generation, announced or not', () => {
    const m = new NetworkModel({ cpuCount: 2 });
    m.addLoopback();
    const [d] = m.createLink({ kind: 'dummy', name: 'd0' });
    const [br] = m.createLink({ kind: 'bridge', name: 'br0' });
    const [up] = m.createLink({ kind: 'dummy', name: 'up0', flags: 1, change: 1 });
    const [mv] = m.createLink({ kind: 'dummy', name: 'mv0' });
    const v4 = new Uint8Array([10, 0, 0, 1]);
    const v6 = new Uint8Array([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    // The record types list every public method that is not a query: a new one fails to compile until it is driven here.
    const linkCalls: Record<Exclude<MethodsOf<NetworkModel>, LinkQueries>, () => unknown> = {
      importLinks: () => m.importLinks(m.exportLinks()),
      addLoopback: () => undefined, // only at start; covered by construction
      createLink: () => m.createLink({ kind: 'dummy', name: 'd1' }),
      changeFlags: () => m.changeFlags(d!, 0x4, 0x4),
      setAddress: () => m.setAddress(d!, new Uint8Array([2, 0, 0, 0, 0, 1])),
      setMtu: () => m.setMtu(d!, 1400),
      setGroup: () => m.setGroup(d!, 3),
      rename: () => m.rename(d!, 'd9'),
      addAltname: () => m.addAltname(d!, 'alt'),
      deleteAltname: () => m.deleteAltname(d!, 'alt'),
      setAlias: () => m.setAlias(d!, 'x'),
      setBroadcast: () => m.setBroadcast(d!, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])),
      setMaster: () => m.setMaster(d!, br!.index),
      setCarrier: () => m.setCarrier(d!, false),
      setStats: () => m.setStats(d!, { rxPackets: 5 }),
      setTxqlen: () => m.setTxqlen(d!, 5),
      setOperstate: () => m.setOperstate(up!, 5), // UNKNOWN to DORMANT
      setLinkmode: () => m.setLinkmode(d!, 1),
      stateChanged: () => m.stateChanged(up!),
      deleteLink: () => m.deleteLink(m.byName('d1')!),
      peerChanged: () => m.peerChanged(up!),
      repointPeer: () => m.repointPeer(up!, up!.link, undefined),
      unlistMoved: () => m.unlistMoved(mv!, { netns: 'x', ifindex: 50 }),
      listMoved: () => m.listMoved(mv!, 51, 'mv1', false),
      destroyNamespace: () => undefined, // the namespace's end: nothing reads its caches afterwards
      replaceLinks: () => m.replaceLinks(m.exportLinks()),
    };
    const addressCalls: Record<Exclude<MethodsOf<AddressTable>, AddressQueries>, () => unknown> = {
      setPromoteSecondaries: () => m.addresses.setPromoteSecondaries(d!, true),
      newInet4: () => m.addresses.newInet4({ ifindex: d!.index, prefixlen: 8, flags: 0, scope: 0, local: v4 }, { excl: true, replace: false }),
      delInet4: () => m.addresses.delInet4({ ifindex: d!.index, prefixlen: 8, local: v4 }),
      newInet6: () => m.addresses.newInet6({ ifindex: d!.index, prefixlen: 64, flags: 0x2, local: v6 }, { excl: true, replace: false }),
      delInet6: () => m.addresses.delInet6({ ifindex: d!.index, prefixlen: 64, local: v6 }),
      import: () => m.addresses.import(m.addresses.export()),
    };
    for (const [name, call] of Object.entries({ ...linkCalls, ...addressCalls })) {
      if (name === 'addLoopback' || name === 'destroyNamespace') continue;
      const before = m.generation.current;
      call();
      expect(m.generation.current, name).not.toBe(before);
    }
  });

  it('never serves a stale encoding after any sequence of requests', async () => {
    await fc.assert(
      fc.asyncProperty(requestSequences(15), async (requests) => {
        const h = new DispatchHarness();
        expectCacheFresh(h.model); // warm the cache
        for (const request of requests) {
          await h.call(request);
          expectCacheFresh(h.model);
        }
        const any = [...h.model.iterate()].at(-1)!;
        h.model.setStats(any, { rxBytes: 1234 });
        h.model.setAlias(any, 'changed while down');
        expectCacheFresh(h.model);
      }),
      { numRuns: 150 },
    );
  });
});
