import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeTypedAttrs } from '../../protocol/typed-attrs.js';
import { NlWriter } from '../../protocol/writer.js';
import type { Link } from '../../src/model/types.js';
import { bridgeInfoData, bridgeInfoList, bridgePortSlaveData, portAttrList } from '../../src/rtnl/bridge-attrs.js';

const encode = (attrs: Parameters<typeof writeTypedAttrs>[1]): Buffer => {
  const w = new NlWriter(64);
  writeTypedAttrs(w, attrs);
  return w.take();
};

// The encoded templates must give exactly the bytes of the attribute tables they were made from
// (the tables are checked against the kernel's bytes by the link-message and conformance tests).
describe('bridge IFLA_INFO_DATA and IFLA_INFO_SLAVE_DATA templates', () => {
  const mac = fc.uint8Array({ minLength: 6, maxLength: 6 });
  const bridge = (address: Uint8Array, follows: boolean) => ({ address, bridge: { carrierFollowsPorts: follows } }) as unknown as Link;
  const idOf = (address: Uint8Array, follows: boolean) => {
    const id = new Uint8Array(8);
    id[0] = 0x80;
    if (follows) id.set(address, 2);
    return id;
  };

  it('bridge: the table with its bridge id', () => {
    fc.assert(fc.property(mac, fc.boolean(), (address, follows) => {
      expect(Buffer.from(bridgeInfoData(bridge(address, follows)))).toEqual(encode(bridgeInfoList(idOf(address, follows))));
    }));
  });

  it('port: the table with its state, number and bridge id', () => {
    fc.assert(fc.property(mac, fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 1023 }), (address, follows, forwarding, no) => {
      const port = { bridgePort: no, bridgePortForwarding: forwarding } as unknown as Link;
      const expected = encode(portAttrList(forwarding ? 3 : 0, idOf(address, follows), no));
      expect(Buffer.from(bridgePortSlaveData(port, bridge(address, follows)))).toEqual(expected);
    }));
  });
});
