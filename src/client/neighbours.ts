import {
  AF_INET, AF_INET6, AF_UNSPEC, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST, NTF_PROXY, NUD_NOARP,
  NUD_PERMANENT, NUD_REACHABLE, NUD_STALE, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH,
} from '../../protocol/constants.js';
import { parseInet } from '../../protocol/inet.js';
import { decodeNeighMessage, writeNeighRequest, type NeighMessage, type NeighRequest } from '../../protocol/neigh-message.js';
import type { RtnlConnection } from './core.js';
import { NetlinkError } from './errors.js';
import { Dump, type DumpState } from './dump.js';
import type { LinkRef, LinkService } from './links.js';

/** A neighbour entry as RTM_NEWNEIGH reports it (protocol/neigh-message.ts). */
export type Neighbour = NeighMessage;

export interface NeighboursFilter {
  family?: 'inet' | 'inet6' | undefined;
  /** Only this device's entries (NDA_IFINDEX). */
  dev?: LinkRef | undefined;
  /** Only entries of ports of this master (NDA_MASTER). */
  master?: LinkRef | undefined;
  /** The proxy entries instead (ndm_flags NTF_PROXY). */
  proxy?: boolean | undefined;
}

/** What `ip neigh add|replace|change|del` takes. */
export interface NeighbourOptions {
  /** "10.0.0.2" or "2001:db8::2". */
  dst: string;
  dev: LinkRef;
  /** "02:00:00:00:00:02". */
  lladdr?: string | undefined;
  /** NUD_* (default PERMANENT, as `ip neigh add`). */
  state?: number | undefined;
  /** NTF_* (NTF_ROUTER, NTF_EXT_LEARNED, NTF_PROXY). */
  flags?: number | undefined;
  protocol?: number | undefined;
}

/** A neighbour as traffic teaches it (learnNeighbour). */
export interface LearnedNeighbour {
  dst: string;
  dev: LinkRef;
  lladdr: string;
  /** reachable (default): it answered our solicitation; stale: it solicited us. */
  state?: 'reachable' | 'stale' | undefined;
}

/** "02:00:00:00:00:02" → 6 bytes. */
export function parseLladdr(s: string): Uint8Array {
  const parts = s.split(':');
  if (parts.length < 1 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) throw new TypeError(`invalid link-layer address "${s}"`);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

/** The typed neighbour API (RTM_*NEIGH) on a connection; devices are resolved by the link service. */
export class NeighbourService {
  constructor(private readonly core: RtnlConnection, private readonly links: LinkService) {}

  /** RTM_GETNEIGH dump (`ip neigh show`): both families unless one is given. */
  neighbours(filter: NeighboursFilter = {}): Dump<Neighbour> {
    return new Dump((state) => this.dumpNeighbours(filter, state));
  }

  private async *dumpNeighbours(filter: NeighboursFilter, state: DumpState): AsyncGenerator<Neighbour> {
    const family = filter.family === 'inet' ? AF_INET : filter.family === 'inet6' ? AF_INET6 : AF_UNSPEC;
    const req: NeighRequest = {
      family, ifindex: 0, state: 0, flags: filter.proxy ? NTF_PROXY : 0, type: 0,
      filterIfindex: filter.dev !== undefined ? await this.links.indexOf(filter.dev) : undefined,
      filterMaster: filter.master !== undefined ? await this.links.indexOf(filter.master) : undefined,
    };
    for await (const m of this.core.dump((w, seq) => writeNeighRequest(w, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, seq, req), state)) {
      yield decodeNeighMessage(m);
    }
  }

  /** RTM_NEWNEIGH with NLM_F_CREATE | NLM_F_EXCL (`ip neigh add`). */
  async addNeighbour(o: NeighbourOptions): Promise<void> {
    await this.change(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, o);
  }

  /** RTM_NEWNEIGH with NLM_F_CREATE | NLM_F_REPLACE (`ip neigh replace`). */
  async replaceNeighbour(o: NeighbourOptions): Promise<void> {
    await this.change(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, o);
  }

  /** RTM_NEWNEIGH with NLM_F_REPLACE only (`ip neigh change`): the entry must exist. */
  async changeNeighbour(o: NeighbourOptions): Promise<void> {
    await this.change(RTM_NEWNEIGH, NLM_F_REPLACE, o);
  }

  /** RTM_DELNEIGH (`ip neigh del`). */
  async deleteNeighbour(o: Pick<NeighbourOptions, 'dst' | 'dev' | 'flags'>): Promise<void> {
    await this.change(RTM_DELNEIGH, 0, { ...o, state: 0 });
  }

  /**
   * What an ARP/ND packet from the neighbour would do (no traffic flows in rtnld): the entry
   * becomes REACHABLE or STALE with this lladdr (created if needed), then ages on the model
   * clock. Like the kernel's receive path it leaves PERMANENT and NOARP entries alone (returns
   * false). Sent as the `ip neigh replace ... nud STATE` request, so its notification carries this
   * connection's port id; the rig's POST /v1/links/NAME/neighbours announces with pid 0, as
   * traffic does.
   */
  async learnNeighbour(o: LearnedNeighbour): Promise<boolean> {
    try {
      const now = await this.getNeighbour({ dst: o.dst, dev: o.dev });
      if (now.state & (NUD_PERMANENT | NUD_NOARP)) return false;
    } catch (e) {
      if (!(e instanceof NetlinkError && e.code === 'ENOENT')) throw e;
    }
    await this.replaceNeighbour({ dst: o.dst, dev: o.dev, lladdr: o.lladdr, state: o.state === 'stale' ? NUD_STALE : NUD_REACHABLE, flags: 0 });
    return true;
  }

  /** RTM_GETNEIGH for one entry (`ip neigh get`). */
  async getNeighbour(o: Pick<NeighbourOptions, 'dst' | 'dev' | 'flags'>): Promise<Neighbour> {
    const req = await this.request({ ...o, state: 0 });
    return decodeNeighMessage(await this.core.doit((w, seq) => writeNeighRequest(w, RTM_GETNEIGH, NLM_F_REQUEST, seq, req)));
  }

  private async change(type: number, flags: number, o: NeighbourOptions): Promise<void> {
    const req = await this.request(o);
    await this.core.ack((w, seq) => writeNeighRequest(w, type, NLM_F_REQUEST | flags, seq, req));
  }

  /** The request `ip neigh` would send for `o`. */
  async request(o: NeighbourOptions): Promise<NeighRequest> {
    const dst = parseInet(o.dst);
    if (!dst) throw new TypeError(`invalid address "${o.dst}"`);
    const proxy = ((o.flags ?? 0) & NTF_PROXY) !== 0;
    return {
      family: dst.family, ifindex: o.dev === 0 && proxy ? 0 : await this.links.indexOf(o.dev), state: o.state ?? (proxy ? 0 : NUD_PERMANENT),
      flags: o.flags ?? 0, type: 0, dst: dst.bytes, lladdr: o.lladdr !== undefined ? parseLladdr(o.lladdr) : undefined, protocol: o.protocol,
    };
  }
}
