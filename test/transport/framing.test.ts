import { describe, expect, it } from 'vitest';
import { NLMSG_DONE, NLMSG_ERROR } from '../../protocol/constants.js';
import { startDaemon } from '../helpers/daemon.js';
import { ifinfomsg, message, TestClient } from '../helpers/nl-client.js';

// TRANSPORT.md, Framing: a client may send a message whose nlmsg_len is not a multiple of 4
// without padding after it, as it would to the kernel (one request per datagram).
describe('stream framing of unpadded, unaligned requests', () => {
  it('answers a 17-byte GETADDR dump and then a GETLINK with ACK sent in a separate write (issue 13)', async () => {
    const d = await startDaemon();
    try {
      const c = await TestClient.connect(d.path);
      const dump = Buffer.alloc(17); // nlmsghdr + rtgenmsg { family = AF_UNSPEC }
      dump.writeUInt32LE(17, 0);
      dump.writeUInt16LE(22, 4); // RTM_GETADDR
      dump.writeUInt16LE(0x301, 6); // NLM_F_REQUEST | NLM_F_DUMP
      dump.writeUInt32LE(1, 8);
      const first = await c.request(dump);
      expect(first.at(-1)!.type).toBe(NLMSG_DONE);
      const second = await c.request(message(18, 5, 2, (w) => ifinfomsg(w, 1))); // GETLINK lo, ACK
      expect(second.map((r) => r.type)).toEqual([16, NLMSG_ERROR]);
      expect(second[1]!.error).toBe(0);
      expect(c.closed).toBe(false);
      c.close();
    } finally {
      await d.stop();
    }
  });
});
