import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { NetworkModel } from '../../src/model/store.js';
import { warmUp } from '../../src/rtnl/warm-up.js';
import { startDaemon } from '../helpers/daemon.js';

describe('warm-up (issue 21)', () => {
  it('builds its whole scratch topology (every request accepted) and dumps it', async () => {
    let scratch: NetworkModel | undefined;
    await warmUp(() => {
      scratch = new NetworkModel({ addresses: { dadMs: 0 } });
      scratch.addLoopback();
      return scratch;
    }, () => false, { groups: 2, rounds: 1 });
    // lo + 2 groups of bridge, veth pair, ifb, dummy, vlan, macvlan; each with its addresses.
    expect(scratch!.size).toBe(1 + 2 * 7);
    expect(scratch!.byName('va1')?.master).toBe(scratch!.byName('br1')?.index);
    expect(scratch!.addresses.list(scratch!.byName('br0')!.index, 'inet')).toHaveLength(1);
  });

  it('leaves the daemon\'s model alone, answers meanwhile, and stops with the daemon', async () => {
    const d = await startDaemon({ warmUp: true });
    const generation = d.daemon.model.generation.current;
    const client = await connect(d.path);
    try {
      const links = await client.links().toArray();
      expect(links.map((l) => l.name)).toEqual(['lo']);
    } finally {
      await client.close();
    }
    expect(d.daemon.model.size).toBe(1);
    expect(d.daemon.model.generation.current).toBe(generation);
    await d.stop();
  });
});
