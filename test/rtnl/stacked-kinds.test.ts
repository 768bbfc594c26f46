import { describe, expect, it } from 'vitest';
import {
  IFLA_ADDRESS, IFLA_CARRIER, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINK, IFLA_LINKINFO, IFLA_MACVLAN_MODE,
  IFLA_MTU, IFLA_VLAN_ID, IFLA_VLAN_PROTOCOL, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, RTM_DELLINK,
  RTM_GETLINK, RTM_NEWLINK, RTM_SETLINK,
} from '../../protocol/constants.js';
import { attrBe16, attrU16, attrU32, parseAttrs, parseNested, type AttrTable } from '../../protocol/policy.js';
import { IFLA_INFO_POLICY, OPAQUE_POLICY, VLAN_POLICY } from '../../protocol/link-policy.js';
import type { NlWriter } from '../../protocol/writer.js';
import { DispatchHarness } from '../helpers/dispatch.js';
import { ifinfomsg, message } from '../helpers/nl-client.js';

// dummy, vlan and macvlan are missing from the probe kernel, so these cases follow the spec
// (§4.3) and the Linux sources it quotes rather than a live capture.

const CREATE = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;

function create(name: string, kind: string, extra: (w: NlWriter) => void = () => {}, data?: (w: NlWriter) => void): Buffer {
  return message(RTM_NEWLINK, CREATE, 1, (w) => {
    ifinfomsg(w);
    w.attrString(IFLA_IFNAME, name);
    extra(w);
    const li = w.nestStart(IFLA_LINKINFO);
    w.attrString(IFLA_INFO_KIND, kind);
    if (data) {
      const d = w.nestStart(IFLA_INFO_DATA);
      data(w);
      w.nestEnd(d);
    }
    w.nestEnd(li);
  });
}

function getlink(name: string): Buffer {
  return message(RTM_GETLINK, NLM_F_REQUEST, 2, (w) => ifinfomsg(w).attrString(IFLA_IFNAME, name));
}

function attrsOf(raw: Buffer): AttrTable {
  return parseAttrs(raw, 32, raw.length, OPAQUE_POLICY, false).attrs;
}

describe('dummy', () => {
  it('is created with NOARP and no MTU bounds, and its carrier can be pulled', async () => {
    const h = new DispatchHarness();
    expect((await h.call(create('d0', 'dummy')))[0]!.error).toBe(0);
    const [reply] = await h.call(getlink('d0'));
    expect(reply!.raw.readUInt32LE(24)).toBe(0x82); // BROADCAST|NOARP, down
    const tb = attrsOf(reply!.raw);
    expect(attrU32(tb.get(IFLA_MTU)!)).toBe(1500);
    const pull = message(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, (w) => ifinfomsg(w).attrString(IFLA_IFNAME, 'd0').attrU8(IFLA_CARRIER, 0));
    expect((await h.call(pull))[0]!.error).toBe(0);
    expect(h.model.byName('d0')!.carrier).toBe(false);
  });
});

describe('vlan', () => {
  const parent = async (h: DispatchHarness) => {
    await h.call(create('eth0', 'dummy'));
    return h.model.byName('eth0')!.index;
  };

  it('reports IFLA_LINK and INFO_DATA {PROTOCOL, ID, FLAGS} and inherits the parent MTU', async () => {
    const h = new DispatchHarness();
    const p = await parent(h);
    const res = await h.call(create('eth0.10', 'vlan', (w) => w.attrU32(IFLA_LINK, p), (w) => {
      w.attrU16(IFLA_VLAN_ID, 10);
      w.attrBe16(IFLA_VLAN_PROTOCOL, 0x88a8);
    }));
    expect(res[0]!.error).toBe(0);
    const tb = attrsOf((await h.call(getlink('eth0.10')))[0]!.raw);
    expect(attrU32(tb.get(IFLA_LINK)!)).toBe(p);
    expect(attrU32(tb.get(IFLA_MTU)!)).toBe(1500);
    const info = parseNested(tb.get(IFLA_LINKINFO)!, IFLA_INFO_POLICY);
    const data = parseNested(info.get(IFLA_INFO_DATA)!, VLAN_POLICY);
    expect([...data.keys()]).toEqual([IFLA_VLAN_PROTOCOL, IFLA_VLAN_ID, 2]);
    expect(attrBe16(data.get(IFLA_VLAN_PROTOCOL)!)).toBe(0x88a8);
    expect(attrU16(data.get(IFLA_VLAN_ID)!)).toBe(10);
  });

  it.each([
    ['no VLAN id', (w: NlWriter) => w.attrBe16(IFLA_VLAN_PROTOCOL, 0x8100), true, -22, '8021q: VLAN id not specified'],
    ['id 4095', (w: NlWriter) => w.attrU16(IFLA_VLAN_ID, 4095), true, -34, '8021q: Invalid VLAN id'],
    ['bad protocol', (w: NlWriter) => w.attrU16(IFLA_VLAN_ID, 5).attrBe16(IFLA_VLAN_PROTOCOL, 0x0800), true, -93, '8021q: Invalid VLAN protocol'],
    ['no parent', (w: NlWriter) => w.attrU16(IFLA_VLAN_ID, 5), false, -22, '8021q: link not specified'],
  ])('rejects %s', async (_what, data, withParent, errno, msg) => {
    const h = new DispatchHarness();
    const p = await parent(h);
    const before = h.model.size;
    const [ack] = await h.call(create('v', 'vlan', (w) => { if (withParent) w.attrU32(IFLA_LINK, p); }, data));
    expect(ack!.error).toBe(errno);
    expect(ack!.extMsg).toBe(msg);
    expect(h.model.size).toBe(before);
  });

  it('needs an existing parent and an MTU no larger than the parent\'s', async () => {
    const h = new DispatchHarness();
    const p = await parent(h);
    const [missing] = await h.call(create('v', 'vlan', (w) => w.attrU32(IFLA_LINK, 999), (w) => w.attrU16(IFLA_VLAN_ID, 5)));
    expect([missing!.error, missing!.extMsg]).toEqual([-19, '8021q: link does not exist']);
    const [big] = await h.call(create('v', 'vlan', (w) => w.attrU32(IFLA_LINK, p).attrU32(IFLA_MTU, 9000), (w) => w.attrU16(IFLA_VLAN_ID, 5)));
    expect(big!.error).toBe(-22);
  });

  it('is deleted with its parent', async () => {
    const h = new DispatchHarness();
    const p = await parent(h);
    await h.call(create('v5', 'vlan', (w) => w.attrU32(IFLA_LINK, p), (w) => w.attrU16(IFLA_VLAN_ID, 5)));
    const del = message(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 9, (w) => ifinfomsg(w, p));
    expect((await h.call(del))[0]!.error).toBe(0);
    expect(h.model.byName('v5')).toBeUndefined();
  });
});

describe('macvlan', () => {
  it('stores its mode and rejects unknown modes', async () => {
    const h = new DispatchHarness();
    await h.call(create('eth0', 'dummy'));
    const p = h.model.byName('eth0')!.index;
    const [ok] = await h.call(create('mv0', 'macvlan', (w) => w.attrU32(IFLA_LINK, p), (w) => w.attrU32(IFLA_MACVLAN_MODE, 4)));
    expect(ok!.error).toBe(0);
    expect(h.model.byName('mv0')!.macvlanMode).toBe('bridge');
    const [bad] = await h.call(create('mv1', 'macvlan', (w) => w.attrU32(IFLA_LINK, p), (w) => w.attrU32(IFLA_MACVLAN_MODE, 3)));
    expect(bad!.error).toBe(-22);
    const [multicast] = await h.call(create('mv2', 'macvlan', (w) => w.attrU32(IFLA_LINK, p).attrBytes(IFLA_ADDRESS, Buffer.from('010000000001', 'hex'))));
    expect(multicast!.error).toBe(-99);
  });
});
