import { Mutex } from 'async-mutex';
import { NlWriter } from '../../protocol/writer.js';
import { eachMessage } from '../../protocol/nlmsg.js';
import { NetworkModel } from '../../src/model/store.js';
import { RtnlDispatcher, type SessionState } from '../../src/rtnl/dispatch.js';
import { DumpRun } from '../../src/rtnl/dump-run.js';

export interface Decoded {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  raw: Buffer;
  error?: number;
  /** Extended-ack message text, if any. */
  extMsg?: string;
}

/** Splits a reply stream into messages and decodes error/done fields and the MSG TLV. */
export function decodeAll(bytes: Buffer): Decoded[] {
  const out: Decoded[] = [];
  for (const message of eachMessage(bytes)) {
    const raw = Buffer.from(message);
    const d: Decoded = { type: raw.readUInt16LE(4), flags: raw.readUInt16LE(6), seq: raw.readUInt32LE(8), pid: raw.readUInt32LE(12), raw };
    if (d.type === 2 || d.type === 3) {
      d.error = raw.readInt32LE(16);
      let tlv = d.type === 3 ? 20 : d.flags & 0x100 ? 36 : 20 + ((raw.readUInt32LE(20) + 3) & ~3);
      while (tlv + 4 <= raw.length) {
        const len = raw.readUInt16LE(tlv);
        if (len < 4) break;
        if ((raw.readUInt16LE(tlv + 2) & 0x3fff) === 1) d.extMsg = raw.toString('utf8', tlv + 4, tlv + len - 1);
        tlv += (len + 3) & ~3;
      }
    }
    out.push(d);
  }
  return out;
}

/** Drives the rtnetlink dispatcher directly (no sockets), as one connection would. */
export class DispatchHarness {
  readonly model: NetworkModel;
  readonly dispatcher: RtnlDispatcher;
  session: SessionState & { strict: boolean; extAck: boolean; capAck: boolean };

  constructor(model?: NetworkModel) {
    this.model = model ?? new NetworkModel({ cpuCount: 2 });
    if (!model) this.model.addLoopback();
    this.dispatcher = new RtnlDispatcher(this.model, new Mutex());
    this.session = { portid: 4242, strict: false, extAck: true, capAck: false, readOnly: false, dumping: false };
  }

  async call(message: Buffer): Promise<Decoded[]> {
    const w = new NlWriter();
    let r = this.dispatcher.handle(message, this.session, w);
    if (r instanceof Promise) r = await r;
    if (r instanceof DumpRun) while (!r.fill(w, 1 << 20));
    return decodeAll(w.take());
  }
}
