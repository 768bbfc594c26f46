// The starting point of the kernel-capture replays (test/rtnl/*-capture.test.ts): what the probe
// scripts had before their first request.
import { ManualClock } from '../../src/model/clock.js';
import { IFF_UP } from '../../src/model/flags.js';
import { NetworkModel } from '../../src/model/store.js';
import { Notifier, type NotificationSink } from '../../src/rtnl/notify.js';
import { DispatchHarness } from './dispatch.js';

/** A listener on `groups`: every notification sent to one of them, as hex. */
export class GroupMonitor implements NotificationSink {
  readonly sent: string[] = [];
  constructor(private readonly groups: readonly number[]) {}
  multicast(group: number, m: Buffer): void {
    if (this.groups.includes(group)) this.sent.push(m.toString('hex'));
  }
  unicast(): void {}
  hasMembers(group: number): boolean {
    return this.groups.includes(group);
  }
}

/** A fresh namespace on a manual clock with lo up, requests sent as the probe's socket (`portid`), `groups` listened to. */
export function captureRig(portid: number, groups: readonly number[]) {
  const clock = new ManualClock();
  const model = new NetworkModel({ cpuCount: 2, clock, addresses: { dadMs: 0 } });
  model.addLoopback();
  const monitor = new GroupMonitor(groups);
  new Notifier(model, monitor).attach();
  const h = new DispatchHarness(model);
  h.session = { ...h.session, portid };
  model.changeFlags(model.byIndex(1)!, IFF_UP, IFF_UP);
  return { clock, model, monitor, h };
}
