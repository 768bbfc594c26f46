import { NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from '../../protocol/constants.js';
import { decodeFdbMessage, writeFdbRequest, type FdbMessage } from '../../protocol/fdb-message.js';
import type { RtnlConnection } from './core.js';
import { Dump, type DumpState } from './dump.js';

/** A bridge FDB entry or a device list entry as an AF_BRIDGE RTM_NEWNEIGH reports it. */
export type FdbEntryMessage = FdbMessage;

/** What `bridge fdb add|del` takes: the device (a port, a bridge, or any Ethernet device with NTF_SELF). */
export interface FdbRequest {
  ifindex: number;
  lladdr: Uint8Array;
  /** NUD_PERMANENT, NUD_NOARP (static) or NUD_REACHABLE (dynamic). */
  state: number;
  /** NTF_MASTER and/or NTF_SELF. */
  flags: number;
  vid?: number | undefined;
}

/** The typed bridge FDB API (AF_BRIDGE RTM_*NEIGH) on a connection. */
export class FdbService {
  constructor(private readonly core: RtnlConnection) {}

  /** The AF_BRIDGE neighbour dump (`bridge fdb show`). */
  fdb(): Dump<FdbEntryMessage> {
    return new Dump((state) => this.dumpFdb(state));
  }

  private async *dumpFdb(state: DumpState): AsyncGenerator<FdbEntryMessage> {
    for await (const m of this.core.dump((w, seq) => writeFdbRequest(w, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, seq, { ifindex: 0, state: 0, flags: 0 }), state)) {
      yield decodeFdbMessage(m);
    }
  }

  async addFdb(r: FdbRequest, flags = NLM_F_CREATE | NLM_F_EXCL): Promise<void> {
    await this.core.ack((w, seq) => writeFdbRequest(w, RTM_NEWNEIGH, NLM_F_REQUEST | flags, seq, r));
  }

  async deleteFdb(r: FdbRequest): Promise<void> {
    await this.core.ack((w, seq) => writeFdbRequest(w, RTM_DELNEIGH, NLM_F_REQUEST, seq, r));
  }
}

