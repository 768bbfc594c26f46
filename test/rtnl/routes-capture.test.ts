import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV6_RULE } from '../../protocol/constants.js';
import { IFF_UP } from '../../src/model/flags.js';
import { captureRig } from '../helpers/capture-rig.js';

// The spec's byte captures (Appendix A, kernel-probes/routes/rcap.py on Linux 6.18.44) replayed
// request by request against the daemon's dispatcher, in the capture's own setup: lo up, veth
// v0/v1 (v0 = 3, 10.0.0.1/24, 2001:db8::1/64 nodad) and w0/w1 (w0 = 5, 10.0.1.1/24,
// 2001:db8:1::1/64 nodad), all up. Replies and route notifications must be the kernel's bytes.
// Entries naming the link-local addresses (derived from random MACs in the kernel run) are
// compared with those 16 bytes masked.

interface Section {
  id: string;
  request: string;
  replies: Array<{ summary: string; hex: string }>;
  notifications: Array<{ summary: string; hex: string }>;
}
const CAPTURE = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'kernel', 'routes.json'), 'utf8')) as { sections: Section[] };
const PORTID = 12800;

const GROUPS = [RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE];

const LINK_LOCAL = /fe80000000000000[0-9a-f]{16}/g;
/** fe80::<64-bit interface id> inside a route message: the id is masked. */
const maskLinkLocal = (h: string) => h.replace(LINK_LOCAL, 'fe80000000000000' + 'x'.repeat(16));

/**
 * Messages in order, except those naming a link-local address: the kernel's were derived from
 * random MACs, so their position in address order differs; they are compared as a set.
 */
function comparable(messages: string[]): { ordered: string[]; linkLocal: string[] } {
  const named = (m: string) => /fe80000000000000(?!0{16})[0-9a-f]{16}/.test(m);
  return { ordered: messages.filter((m) => !named(m)), linkLocal: messages.filter(named).map(maskLinkLocal).sort() };
}

/** A.16 asks for a route with two weighted hops: Linux picks one by a flow hash keyed per boot. */
const OTHER_HOP_A16 = (h: string) => h.replace('0800040003000000080007000a000001080005000a000002', '0800040005000000080007000a000101080005000a000102');

function setup() {
  const { clock, model, monitor, h } = captureRig(PORTID, GROUPS);
  const [, v0] = model.createLink({ kind: 'veth', name: 'v0', peer: { kind: 'veth', name: 'v1' } });
  const [, w0] = model.createLink({ kind: 'veth', name: 'w0', peer: { kind: 'veth', name: 'w1' } });
  for (const name of ['v0', 'v1', 'w0', 'w1']) model.changeFlags(model.byName(name)!, IFF_UP, IFF_UP);
  const ip4 = (s: string) => new Uint8Array(s.split('.').map(Number));
  model.addresses.newInet4({ ifindex: v0!.index, prefixlen: 24, flags: 0, scope: 0, local: ip4('10.0.0.1') }, { excl: true, replace: false });
  model.addresses.newInet4({ ifindex: w0!.index, prefixlen: 24, flags: 0, scope: 0, local: ip4('10.0.1.1') }, { excl: true, replace: false });
  const ip6 = (n: number, host: number) => new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, n, ...new Uint8Array(9), host]);
  model.addresses.newInet6({ ifindex: v0!.index, prefixlen: 64, flags: 0x02, address: ip6(0, 1) }, { excl: true, replace: false });
  model.addresses.newInet6({ ifindex: w0!.index, prefixlen: 64, flags: 0x02, address: ip6(1, 1) }, { excl: true, replace: false });
  clock.advance(5000);
  return { model, h, monitor, v0: v0!.index, w0: w0!.index };
}

describe('spec Appendix A replayed against the dispatcher', () => {
  const s = setup();

  it('builds the capture\'s links: v0 = 3, w0 = 5', () => {
    expect([s.v0, s.w0]).toEqual([3, 5]);
  });

  // Sections in capture order (each depends on the ones before), A.20–A.22 the FIB rule sections.
  const sections = CAPTURE.sections;
  it.each(sections.map((x) => [x.id, x] as const))('%s', async (_id, section) => {
    s.monitor.sent.length = 0;
    if (section.id === 'A.19') s.h.session.strict = true;
    const replies = await s.h.call(Buffer.from(section.request, 'hex'));
    s.h.session.strict = false;
    let got = replies.map((r) => r.raw.toString('hex'));
    let want = section.replies.map((r) => r.hex);
    // A.19's DONE names the strict socket's own port id.
    const withoutPid = (l: string[]) => l.map((g) => g.slice(0, 24) + g.slice(32));
    if (section.id === 'A.19') {
      got = withoutPid(got);
      want = withoutPid(want);
    }
    if (section.id === 'A.16') got = got.map(OTHER_HOP_A16);
    expect(comparable(got)).toEqual(comparable(want));
    expect(comparable(s.monitor.sent)).toEqual(comparable(section.notifications.map((n) => n.hex)));
  });
});
