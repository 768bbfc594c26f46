import { connect as netConnect } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { connect } from '../src/client/index.js';
import { Daemon } from '../src/daemon.js';
import { warmUp, warmUpSocketName } from '../src/daemon-warm-up.js';
import { DumpRun } from '../src/rtnl/dump-run.js';
import { startDaemon } from './helpers/daemon.js';

/** Does anything answer on `path` (an abstract name included)? */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('warm-up (issue 21)', () => {
  it('builds its whole scratch topology over a real connection (every request accepted), then stops the scratch daemon', async () => {
    const socket = warmUpSocketName();
    const scratch = new Daemon({
      socket, strict: false, maxMessage: 1024 * 1024, rcvbuf: 212992, log: pino({ level: 'silent' }), addresses: { dadMs: 0 },
    });
    let during = false;
    await warmUp({
      start: () => scratch.start(),
      stop: async () => {
        during = await answers(socket);
        await scratch.stop();
      },
    }, socket, undefined, { groups: 2, routes: 70, rounds: 1, focusRounds: 1 });
    expect(during).toBe(true);
    // lo + 2 groups of bridge, veth pair, ifb, dummy, vlan, macvlan; each with its addresses and routes.
    const model = scratch.model;
    expect(model.size).toBe(1 + 2 * 7);
    expect(model.byName('va1')?.master).toBe(model.byName('br1')?.index);
    expect(model.addresses.list(model.byName('br0')!.index, 'inet')).toHaveLength(1);
    expect(model.byName('mv1')!.flags & 1).toBe(1); // IFF_UP
    // Its connections are gone (their 'close' events come a turn after the server's) and nothing listens any more.
    await new Promise((resolve) => setImmediate(resolve));
    expect(scratch.connections.size).toBe(0);
    expect(await answers(socket)).toBe(false);
  });

  it('refuses to go on when a request is refused (a cold path would stay cold)', async () => {
    const socket = warmUpSocketName();
    const scratch = new Daemon({
      socket, strict: false, maxMessage: 1024 * 1024, rcvbuf: 212992, log: pino({ level: 'silent' }), addresses: { dadMs: 0 }, maxLinks: 3,
    });
    await expect(warmUp(scratch, socket, undefined, { groups: 1, routes: 0, rounds: 1, focusRounds: 0 })).rejects.toThrow(/refused/);
    expect(await answers(socket)).toBe(false);
  });

  it('walks every path of a dump a rig reaches: encoded, recorded and replayed (a first replay by a real client threw away the dump driver\'s optimised code)', async () => {
    const socket = warmUpSocketName();
    const scratch = new Daemon({
      socket, strict: false, maxMessage: 1024 * 1024, rcvbuf: 212992, log: pino({ level: 'silent' }), addresses: { dadMs: 0 },
    });
    const replays = vi.spyOn(DumpRun.prototype as unknown as { copyRecorded(): boolean }, 'copyRecorded');
    try {
      await warmUp(scratch, socket, undefined, { groups: 1, routes: 0, rounds: 1, focusRounds: 0 });
      // The third link, address and route dumps of one state copy what the second recorded.
      expect(replays.mock.results.filter((r) => r.value === true).length).toBeGreaterThanOrEqual(3);
    } finally {
      replays.mockRestore();
    }
  });

  it('takes no step while a real client\'s dump runs (control.busy), and goes on once it ended', async () => {
    const socket = warmUpSocketName();
    const scratch = new Daemon({
      socket, strict: false, maxMessage: 1024 * 1024, rcvbuf: 212992, log: pino({ level: 'silent' }), addresses: { dadMs: 0 },
    });
    let busy = true;
    const done = warmUp(scratch, socket, { stopped: () => false, busy: () => busy }, { groups: 1, routes: 0, rounds: 1, focusRounds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(scratch.model.size).toBe(1); // lo only: not one request was sent
    busy = false;
    await done;
    expect(scratch.model.size).toBe(1 + 7);
  });

  it('is told about real dumps: the daemon\'s connections report one under way, then when it ended', async () => {
    // ~3 MB of links: more than the socket and the daemon's write budget take, so the dump stays
    // under way until the client reads it.
    const d = await startDaemon({ seed: { links: Array.from({ length: 2000 }, (_, i) => ({ name: `d${i}`, kind: 'dummy' })), routes: [] } });
    const before = performance.now();
    expect(d.daemon.connections.dumpedSince(before)).toBe(false);
    const raw = netConnect(d.path);
    await new Promise((resolve) => raw.once('connect', resolve));
    raw.pause();
    const req = Buffer.alloc(32);
    req.writeUInt32LE(32, 0);
    req.writeUInt16LE(18, 4); // RTM_GETLINK
    req.writeUInt16LE(0x301, 6); // NLM_F_REQUEST | NLM_F_DUMP
    raw.write(req);
    await expect.poll(() => d.daemon.connections.dumpedSince(before)).toBe(true);
    raw.resume(); // read it all: the dump ends
    await expect.poll(() => d.daemon.connections.dumpedSince(performance.now())).toBe(false);
    expect(d.daemon.connections.dumpedSince(before)).toBe(true); // it ended after `before`
    raw.destroy();
    await d.stop();
  });

  it('leaves the daemon\'s model alone, sends its subscribers nothing, answers meanwhile, and leaves nothing behind', async () => {
    const d = await startDaemon({ warmUp: true });
    const generation = d.daemon.model.generation.current;
    const client = await connect(d.path);
    const sub = client.subscribe(['link', 'ipv4-ifaddr', 'ipv6-ifaddr', 'ipv4-route', 'ipv6-route']);
    try {
      await sub.ready;
      const links = await client.links().toArray();
      expect(links.map((l) => l.name)).toEqual(['lo']);
      await d.daemon.warmedUp();
      expect(d.daemon.model.size).toBe(1);
      expect(d.daemon.model.generation.current).toBe(generation);
      expect(d.daemon.connections.size).toBe(1);
      // The first event the subscriber sees is this change of its own, none of the warm-up's.
      await client.createLink({ name: 'd0', kind: 'dummy' });
      const first = await sub.next();
      expect(first.value).toMatchObject({ type: 'newlink', link: { name: 'd0' } });
    } finally {
      await sub.close();
      await client.close();
    }
    await d.stop();
  });

  it('stops early with the daemon', async () => {
    const d = await startDaemon({ warmUp: true });
    await d.stop();
    await d.daemon.warmedUp();
  });
});
