import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAck, writeDone } from '../../protocol/ack.js';
import { attrMap, readString, walkAttrs } from '../../protocol/attr-walk.js';
import {
  IFLA_ALT_IFNAME, IFLA_IFNAME, NETLINK_ADD_MEMBERSHIP, NLM_F_DUMP, NLM_F_MULTI, NLMSG_ERROR, RTM_GETADDR, RTM_GETLINK,
  RTNLD_SOCKET_CALL, SOCKET_CALL_GETSOCKNAME, SOCKET_CALL_GETSOCKOPT, SOCKET_CALL_SETSOCKOPT,
} from '../../protocol/constants.js';
import { Framer } from '../../protocol/framer.js';
import { decodeLinkMessage } from '../../protocol/link-decode.js';
import { decodeSocketCall, writeSocketCallReply } from '../../protocol/socket-call.js';
import { decodeIfInfoMsg, decodeNlMsgHdr } from '../../protocol/structs.js';
import { NlWriter } from '../../protocol/writer.js';

/**
 * A stand-in for rtnld that answers from captured kernel messages: link and address dumps,
 * GETLINK by index or name, the in-band socket calls, and (for monitor tests) a list of
 * notifications sent once a subscribed client has dumped its links. It lets the CLI be run
 * against exactly the bytes a real kernel sent, and its output compared with real iproute2's.
 */
export interface ReplayData {
  links: Buffer[];
  addresses: Buffer[];
  notifications?: Buffer[];
}

const PORTID = 4242;
const ENODEV = 19;
const EOPNOTSUPP = 95;

export async function startReplayServer(data: ReplayData): Promise<{ path: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-replay-'));
  const path = join(dir, 'replay.sock');
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const framer = new Framer(1 << 20);
    let subscribed = false;
    let notified = false;
    socket.on('data', (chunk) => {
      for (const r of framer.push(chunk)) {
        if (r.kind !== 'message') return;
        const msg = Buffer.from(r.message);
        const hdr = decodeNlMsgHdr(msg);
        const w = new NlWriter();
        const opts = { capAck: false, extAck: true };
        const patched = (m: Buffer, flags: number) => {
          const c = Buffer.from(m);
          c.writeUInt16LE(flags, 6);
          c.writeUInt32LE(hdr.seq, 8);
          c.writeUInt32LE(PORTID, 12);
          return c;
        };
        if (hdr.type === RTNLD_SOCKET_CALL) {
          const call = decodeSocketCall(msg)!;
          if (call.call === SOCKET_CALL_GETSOCKNAME) writeSocketCallReply(w, hdr.seq, PORTID, { call: 4, name: 0, value: PORTID });
          else if (call.call === SOCKET_CALL_GETSOCKOPT) writeSocketCallReply(w, hdr.seq, PORTID, { call: 2, name: call.name, value: 0 });
          else {
            if (call.call === SOCKET_CALL_SETSOCKOPT && call.name === NETLINK_ADD_MEMBERSHIP) subscribed = true;
            writeAck(w, msg, 0, PORTID, opts);
          }
        } else if ((hdr.type === RTM_GETLINK || hdr.type === RTM_GETADDR) && (hdr.flags & NLM_F_DUMP) === NLM_F_DUMP) {
          for (const m of hdr.type === RTM_GETLINK ? data.links : data.addresses) w.bytes(patched(m, NLM_F_MULTI));
          writeDone(w, hdr.seq, PORTID, 0, true);
          if (hdr.type === RTM_GETLINK && subscribed && !notified) {
            notified = true;
            for (const n of data.notifications ?? []) w.bytes(n);
          }
        } else if (hdr.type === RTM_GETLINK) {
          const ifi = decodeIfInfoMsg(msg, 16);
          const tb = attrMap(walkAttrs(msg, 32, msg.length));
          const name = readString(tb.get(IFLA_IFNAME));
          const alt = readString(tb.get(IFLA_ALT_IFNAME));
          const found = data.links.find((m) => {
            const l = decodeLinkMessage(m);
            if (ifi.index) return l.index === ifi.index;
            return (name !== undefined && l.name === name) || (alt !== undefined && (l.name === alt || l.altnames.includes(alt)));
          });
          if (found) w.bytes(patched(found, 0));
          else writeAck(w, msg, ENODEV, PORTID, opts);
        } else if (hdr.type !== NLMSG_ERROR) {
          writeAck(w, msg, EOPNOTSUPP, PORTID, opts);
        }
        socket.write(w.take());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
