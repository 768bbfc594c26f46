import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RTNLGRP_NEIGH } from '../../protocol/constants.js';
import { captureRig } from '../helpers/capture-rig.js';

// The spec's neighbour byte captures (linux-netns-neigh.md Appendix A.9-A.13, A.16, A.17;
// test/fixtures/kernel/neighbours.json made by neigh-capture.py from the probe's capture)
// replayed step by step against the dispatcher, in the capture's setup: lo up, veth x0 (4) /
// y0 (3), 10.0.0.1/24 on x0, requester port 2529904668. Replies and RTNLGRP_NEIGH
// notifications must be the kernel's bytes; only nda_cacheinfo's three "ago" times are masked.

interface Step {
  request: string;
  replies: Array<{ summary: string; hex: string }>;
  notifications: Array<{ summary: string; hex: string }>;
}
const CAPTURE = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'kernel', 'neighbours.json'), 'utf8')) as {
  sections: Array<{ id: string; title: string; steps: Step[] }>;
};
const PORTID = 2529904668;

/** NDA_CACHEINFO (len 20, type 3): confirmed, used and updated depend on when the probe ran. */
const maskTimes = (h: string) => h.replace(/14000300([0-9a-f]{24})([0-9a-f]{8})/g, (_m, _t, refcnt) => `14000300${'x'.repeat(24)}${refcnt}`);

function setup() {
  const { model, monitor, h } = captureRig(PORTID, [RTNLGRP_NEIGH]);
  model.createLink({ kind: 'veth', name: 'x0', index: 4, peer: { kind: 'veth', name: 'y0', index: 3 } });
  model.addresses.newInet4({ ifindex: 4, prefixlen: 24, flags: 0, scope: 0, local: Uint8Array.of(10, 0, 0, 1) }, { excl: true, replace: false });
  return { model, h, monitor };
}

describe('neighbour captures replayed against the dispatcher', () => {
  const s = setup();
  for (const section of CAPTURE.sections) {
    it(`${section.id} ${section.title}`, async () => {
      for (const step of section.steps) {
        s.monitor.sent.length = 0;
        const replies = await s.h.call(Buffer.from(step.request, 'hex'));
        expect(replies.map((r) => maskTimes(r.raw.toString('hex')))).toEqual(step.replies.map((r) => maskTimes(r.hex)));
        expect(s.monitor.sent.map(maskTimes)).toEqual(step.notifications.map((n) => maskTimes(n.hex)));
      }
    });
  }
});
