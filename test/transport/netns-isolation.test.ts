import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IFLA_IFNAME, IFLA_MTU, NETLINK_ADD_MEMBERSHIP, NLM_F_ACK, NLM_F_REQUEST, RTM_NEWLINK, RTM_SETLINK, RTNLGRP_LINK } from '../../protocol/constants.js';
import type { Namespace } from '../../src/model/netns/namespace.js';
import { Connection } from '../../src/transport/connection.js';
import { startDaemon } from '../helpers/daemon.js';
import { ifinfomsg, message, TestClient } from '../helpers/nl-client.js';

// Issue 17, "Scale": a change in one namespace costs nothing in the others. Counted, not timed:
// which namespaces' model listeners run and which connections are handed a notification.

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of stops.splice(0).reverse()) await s();
});

describe('notifications stay in their namespace', () => {
  it('200 changes in namespace a: no listener and no subscriber of the 20 other namespaces is called', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtnld-iso-'));
    stops.push(() => rmSync(dir, { recursive: true, force: true }));
    const names = Array.from({ length: 21 }, (_, i) => (i === 0 ? 'a' : `b${i}`));
    const seedNetns = Object.fromEntries(names.map((n) => [n, { links: [{ name: 'lo', up: true }], routes: [] }]));
    const d = await startDaemon({ netnsDir: dir, seedNetns });
    stops.push(d.stop);

    // Every namespace's model listeners (the Notifier among them) and every connection's deliveries, counted per namespace.
    const modelCalls = new Map<string, number>();
    for (const ns of d.daemon.namespaces.all()) ns.model.onEvent(() => modelCalls.set(ns.name, (modelCalls.get(ns.name) ?? 0) + 1));
    const delivered = new Map<string, number>();
    const deliver = Connection.prototype.deliver;
    vi.spyOn(Connection.prototype, 'deliver').mockImplementation(function (this: Connection, ...args: Parameters<Connection['deliver']>) {
      const ns = (this.netns as Namespace | undefined)?.name ?? '?';
      delivered.set(ns, (delivered.get(ns) ?? 0) + 1);
      return deliver.apply(this, args);
    });

    // A subscriber to RTNLGRP_LINK in every namespace.
    const subscribers = new Map<string, TestClient>();
    for (const n of names) {
      const c = await TestClient.connect(join(dir, `${n}.sock`));
      stops.push(() => c.close());
      expect(await c.setsockopt(NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK)).toBe(0);
      subscribers.set(n, c);
    }
    const changer = await TestClient.connect(join(dir, 'a.sock'));
    stops.push(() => changer.close());
    for (let i = 0; i < 200; i++) {
      const mtu = 1500 + i;
      await changer.request(message(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, changer.nextSeq(), (w) => ifinfomsg(w).attrString(IFLA_IFNAME, 'lo').attrU32(IFLA_MTU, mtu)));
    }
    const inA = subscribers.get('a')!;
    await inA.waitFor((r) => r.filter((m) => m.type === RTM_NEWLINK).length === 200);

    expect(modelCalls.get('a')).toBe(200);
    expect(delivered.get('a')).toBeGreaterThanOrEqual(200);
    for (const n of names.slice(1)) {
      expect(modelCalls.get(n) ?? 0, `model listeners of ${n}`).toBe(0);
      expect(delivered.get(n) ?? 0, `deliveries to ${n}'s connections`).toBe(0);
      expect(subscribers.get(n)!.received.filter((m) => m.seq === 0), `notifications ${n}'s subscriber read`).toEqual([]);
      expect(d.daemon.namespaces.get(n)!.model.changeCount, `changes counted in ${n}`).toBe(d.daemon.namespaces.get('b1')!.model.changeCount);
    }
  });
});
