import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeLinkMessage } from '../../protocol/link-message.js';
import { NlWriter } from '../../protocol/writer.js';
import { MUTATING_METHODS, NetworkModel } from '../../src/model/store.js';
import { writeCachedLink } from '../../src/rtnl/link-cache.js';
import { linkMessage } from '../../src/rtnl/link-view.js';
import { DispatchHarness } from '../helpers/dispatch.js';
import { requestSequences } from '../helpers/request-steps.js';

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
  it('every mutating method moves the model version, announced or not', () => {
    const m = new NetworkModel({ cpuCount: 2 });
    m.addLoopback();
    const [d] = m.createLink({ kind: 'dummy', name: 'd0' });
    const calls: Record<(typeof MUTATING_METHODS)[number], () => unknown> = {
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
      setMaster: () => m.setMaster(d!, 0),
      setCarrier: () => m.setCarrier(d!, false),
      setStats: () => m.setStats(d!, { rxPackets: 5 }),
      setTxqlen: () => m.setTxqlen(d!, 5),
      setOperstate: () => m.setOperstate(d!, 5),
      setLinkmode: () => m.setLinkmode(d!, 1),
      stateChanged: () => m.stateChanged(d!),
      deleteLink: () => m.deleteLink(m.byName('d1')!),
      replaceLinks: () => m.replaceLinks(m.exportLinks()),
    };
    for (const [name, call] of Object.entries(calls)) {
      if (name === 'addLoopback') continue;
      const before = m.version;
      call();
      expect(m.version, name).not.toBe(before);
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
