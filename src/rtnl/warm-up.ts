import { Mutex } from 'async-mutex';
import {
  AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC, IFF_UP, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST,
  RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF, RTM_GETADDR, RTM_GETLINK, RTM_GETROUTE, RTM_NEWADDR, RTM_NEWLINK,
  RTM_NEWROUTE, RTM_SETLINK,
} from '../../protocol/constants.js';
import { writeAddrRequest } from '../../protocol/addr-request.js';
import { writeLinkRequest, type LinkRequest } from '../../protocol/link-request.js';
import { writeRouteRequest } from '../../protocol/route-request.js';
import { NlWriter } from '../../protocol/writer.js';
import { IFA_F_NODAD } from '../model/addresses.js';
import type { NetworkModel } from '../model/store.js';
import { RtnlDispatcher, type SessionState } from './dispatch.js';
import { DumpRun } from './dump-run.js';

/** How much synthetic work warmUp() does. */
export interface WarmUpOptions {
  /** Groups of devices in the scratch model (a bridge, a veth pair with one end its port, ifb, dummy, vlan, macvlan). */
  groups: number;
  /** Times each kind of dump is run over them. */
  rounds: number;
}

export const WARM_UP_DEFAULTS: WarmUpOptions = { groups: 24, rounds: 12 };

const CHANGE = NLM_F_REQUEST | NLM_F_ACK;
const CREATE = CHANGE | NLM_F_CREATE | NLM_F_EXCL;
const DUMP = NLM_F_REQUEST | NLM_F_DUMP;
const STEP = 64 * 1024;

/** Lets the daemon's own I/O run between two steps of the warm-up. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A freshly started Node process runs rtnld's code in V8's interpreter until it has run it often
 * enough to optimise it: the first dumps after start-up encoded a link in ~35–50 µs instead of
 * a few (issue 21). This builds a small scratch model of every link kind through the requests a
 * client sends (NEWLINK, SETLINK, NEWADDR, NEWROUTE), then dumps its links, addresses and routes
 * several times through the same handlers, so V8 has type feedback and optimised code for the
 * request and dump paths by the time a client's topology is built. `makeModel` must build the
 * model as the daemon's own is built (same clock and options): objects of other shapes would
 * teach V8 types the real model never has, and the optimised code would be thrown away at the
 * first real dump. The scratch model is dropped afterwards; nothing of it reaches the daemon's.
 * Every request and dump step yields to the event loop, so clients are answered meanwhile;
 * `stopped()` ends it early (the daemon stops).
 */
export async function warmUp(makeModel: () => NetworkModel, stopped: () => boolean = () => false, options: WarmUpOptions = WARM_UP_DEFAULTS): Promise<void> {
  const model = makeModel();
  const dispatcher = new RtnlDispatcher(model, new Mutex());
  const session: SessionState = { portid: 1, strict: false, extAck: true, capAck: false, readOnly: false, dumping: false };
  // A connection's size (transport/connection.ts), so the writer grows during the first dumps as
  // it will for a client's: code never run here gets no type feedback, and V8 throws away the
  // optimised writer when the real dump first takes that path.
  const out = new NlWriter(16 * 1024);
  const w = new NlWriter(1024);
  let seq = 0;

  const send = async (write: (w: NlWriter, seq: number) => void): Promise<void> => {
    if (stopped()) throw new WarmUpStopped();
    write(w, ++seq);
    const message = w.take();
    const result = dispatcher.handle(message, session, out);
    let errno = result instanceof Promise ? await result : result;
    if (errno instanceof DumpRun) {
      while (!errno.fill(out, STEP)) {
        out.truncate(0);
        await yieldToIo();
      }
      errno = errno.errno;
    }
    // A refused request would leave its path cold: the scratch topology must stay buildable.
    if (errno) throw new Error(`warm-up request ${seq} (type ${message.readUInt16LE(4)}) refused: errno ${errno}`);
    out.truncate(0);
    await yieldToIo();
  };
  const link = (type: number, flags: number, r: LinkRequest) => send((w, s) => writeLinkRequest(w, type, flags, s, r));
  const ipv4 = (g: number, i: number) => new Uint8Array([10, 100 + i, g, 1]);
  const ipv6 = (g: number, i: number) => new Uint8Array([0x20, 0x01, 0x0d, 0xb8, i, g, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

  for (let g = 0; g < options.groups; g++) {
    const base = 2 + 7 * g;
    await link(RTM_NEWLINK, CREATE, { index: base, name: `br${g}`, kind: 'bridge' });
    await link(RTM_NEWLINK, CREATE, { index: base + 1, name: `va${g}`, kind: 'veth', peer: { index: base + 2, name: `vb${g}` } });
    await link(RTM_NEWLINK, CREATE, { index: base + 3, name: `ifb${g}`, kind: 'ifb' });
    await link(RTM_NEWLINK, CREATE, { index: base + 4, name: `d${g}`, kind: 'dummy' });
    await link(RTM_NEWLINK, CREATE, { index: base + 5, name: `d${g}.7`, kind: 'vlan', link: base + 4, infoData: [[1, 'u16', 7]] });
    await link(RTM_NEWLINK, CREATE, { index: base + 6, name: `mv${g}`, kind: 'macvlan', link: base + 4 });
    await link(RTM_SETLINK, CHANGE, { index: base + 1, master: base, flags: IFF_UP, change: IFF_UP });
    for (let i = 0; i < 7; i++) if (i !== 1) await link(RTM_SETLINK, CHANGE, { index: base + i, flags: IFF_UP, change: IFF_UP });
    for (const [i, dev] of [[0, base], [1, base + 2], [2, base + 4]] as const) {
      await send((w, s) => writeAddrRequest(w, RTM_NEWADDR, CREATE, s, { family: AF_INET, prefixlen: 24, index: dev, local: ipv4(g, i), address: ipv4(g, i) }));
      await send((w, s) => writeAddrRequest(w, RTM_NEWADDR, CREATE, s, { family: AF_INET6, prefixlen: 64, index: dev, address: ipv6(g, i), flags: IFA_F_NODAD }));
    }
    await send((w, s) => writeRouteRequest(w, RTM_NEWROUTE, CREATE, s, {
      family: AF_INET, dstLen: 24, table: 254, protocol: 3, scope: 0, type: 1, dst: new Uint8Array([10, 200, g, 0]),
      gateway: new Uint8Array([10, 100, g, 2]),
    }));
  }
  await new Promise((resolve) => setTimeout(resolve, 1)); // DAD ends (a model made with dadMs 0)

  for (let r = 0; r < options.rounds; r++) {
    for (const mask of [RTEXT_FILTER_VF, RTEXT_FILTER_SKIP_STATS]) await link(RTM_GETLINK, DUMP, { extMask: mask });
    await link(RTM_GETLINK, DUMP, { family: AF_BRIDGE, extMask: RTEXT_FILTER_VF });
    for (let g = 0; g < options.groups; g++) await link(RTM_GETLINK, NLM_F_REQUEST, { index: 2 + 7 * g + (r % 7) });
    for (const family of [AF_UNSPEC, AF_INET, AF_INET6]) {
      await send((w, s) => writeAddrRequest(w, RTM_GETADDR, DUMP, s, { family }));
      await send((w, s) => writeRouteRequest(w, RTM_GETROUTE, DUMP, s, { family }));
    }
    // A change between rounds: no dump is served from a recording (dump-image.ts), each one encodes.
    await link(RTM_SETLINK, CHANGE, { index: 1, mtu: 65536 - (r & 1) });
  }
}

class WarmUpStopped extends Error {}

/** Runs warmUp() in the background; resolves when it ends, stopped or not (a failure is reported, not thrown). */
export function warmUpInBackground(makeModel: () => NetworkModel, stopped: () => boolean, onError: (e: unknown) => void): Promise<void> {
  return warmUp(makeModel, stopped).catch((e: unknown) => {
    if (!(e instanceof WarmUpStopped)) onError(e);
  });
}
