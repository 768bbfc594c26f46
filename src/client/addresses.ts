import { decodeAddrMessage, type DecodedAddr } from '../../protocol/addr-decode.js';
import { writeAddrRequest, type AddrRequest } from '../../protocol/addr-request.js';
import {
  AF_INET, AF_INET6, AF_UNSPEC, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST, RTM_DELADDR,
  RTM_GETADDR, RTM_NEWADDR,
} from '../../protocol/constants.js';
import { ipv4Broadcast, ipv4Network, parseInet, parsePrefix } from '../../protocol/inet.js';
import type { RtnlConnection } from './core.js';
import { Dump, type DumpState } from './dump.js';
import type { LinkRef, LinkService } from './links.js';

/** An address as the client returns it: the decoded RTM_NEWADDR. */
export type Address = DecodedAddr;

export interface AddressesFilter {
  /** AF_INET / AF_INET6 or 'inet' / 'inet6'; default both. */
  family?: number | 'inet' | 'inet6';
  /** Only addresses of this device. */
  link?: LinkRef;
}

export interface AddressOptions {
  /** The device. */
  link: LinkRef;
  /** "10.0.0.1/24", "2001:db8::1/64" (a missing length means /32 or /128). */
  address: string;
  /** Point-to-point peer ("ADDR[/LEN]"; its length is the prefix length). */
  peer?: string;
  /** IPv4 broadcast, or '+' / '-' for the prefix's highest / lowest address. */
  broadcast?: string;
  label?: string;
  scope?: number;
  /** Seconds or 'forever'. */
  validLft?: number | 'forever';
  preferredLft?: number | 'forever';
  /** IFA_F_* bits (e.g. IFA_F_NODAD 0x02, IFA_F_NOPREFIXROUTE 0x200). */
  flags?: number;
  metric?: number;
  proto?: number;
}

const INFINITY_LIFE_TIME = 0xffffffff;

/** The typed address API (RTM_*ADDR) on a connection; devices are resolved by the link service. */
export class AddressService {
  constructor(private readonly core: RtnlConnection, private readonly links: LinkService) {}

  /** RTM_GETADDR dump, filtered by family and device. */
  addresses(filter: AddressesFilter = {}): Dump<Address> {
    return new Dump((state) => this.dumpAddresses(filter, state));
  }

  private async *dumpAddresses(filter: AddressesFilter, state: DumpState): AsyncGenerator<Address> {
    const family = filter.family === 'inet' ? AF_INET : filter.family === 'inet6' ? AF_INET6 : (filter.family ?? AF_UNSPEC);
    const index = filter.link !== undefined ? await this.links.indexOf(filter.link) : 0;
    const req: AddrRequest = { family };
    for await (const m of this.core.dump((w, seq) => writeAddrRequest(w, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq, req), state)) {
      const a = decodeAddrMessage(m);
      if (index && a.index !== index) continue;
      if (family && a.family !== family) continue;
      yield a;
    }
  }

  /** RTM_NEWADDR with NLM_F_CREATE | NLM_F_EXCL (`ip address add`). */
  async addAddress(o: AddressOptions): Promise<void> {
    await this.addressChange(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, await this.request(o, false));
  }

  /** RTM_NEWADDR with NLM_F_CREATE | NLM_F_REPLACE (`ip address replace`). */
  async replaceAddress(o: AddressOptions): Promise<void> {
    await this.addressChange(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, await this.request(o, false));
  }

  /** RTM_DELADDR (`ip address del`). */
  async deleteAddress(o: Pick<AddressOptions, 'link' | 'address' | 'peer' | 'label'> & Partial<AddressOptions>): Promise<void> {
    await this.addressChange(RTM_DELADDR, 0, await this.request(o, true));
  }

  /** Sends a prepared RTM_NEWADDR / RTM_DELADDR (the CLI's flush); resolves on its ACK. */
  async addressChange(type: number, flags: number, req: AddrRequest): Promise<{ warning?: string | undefined }> {
    const { warning } = await this.core.ack((w, seq) => writeAddrRequest(w, type, NLM_F_REQUEST | flags, seq, req));
    return { warning };
  }

  /** The request `ip address add|replace|del` would send for `o`. */
  private async request(o: AddressOptions, forDelete: boolean): Promise<AddrRequest> {
    const prefix = parsePrefix(o.address);
    if (!prefix) throw new TypeError(`invalid address "${o.address}"`);
    const req: AddrRequest = {
      family: prefix.family, prefixlen: prefix.prefixlen, index: await this.links.indexOf(o.link), local: prefix.bytes,
      flags: o.flags, scope: o.scope, label: o.label, rtPriority: o.metric, proto: o.proto,
    };
    if (o.peer !== undefined) {
      const peer = parsePrefix(o.peer);
      if (!peer || peer.family !== prefix.family) throw new TypeError(`invalid peer "${o.peer}"`);
      req.address = peer.bytes;
      if (peer.explicitLength) req.prefixlen = peer.prefixlen;
    } else if (!forDelete || prefix.family === AF_INET) {
      req.address = prefix.bytes;
    }
    if (o.broadcast !== undefined && prefix.family === AF_INET) {
      if (o.broadcast === '+' || o.broadcast === '-') {
        req.broadcast = o.broadcast === '+' ? ipv4Broadcast(prefix.bytes, req.prefixlen!) : ipv4Network(prefix.bytes, req.prefixlen!);
      } else {
        const b = parseInet(o.broadcast);
        if (!b || b.family !== AF_INET) throw new TypeError(`invalid broadcast "${o.broadcast}"`);
        req.broadcast = b.bytes;
      }
    }
    if (o.validLft !== undefined || o.preferredLft !== undefined) {
      const lft = (v: number | 'forever' | undefined) => (v === undefined || v === 'forever' ? INFINITY_LIFE_TIME : v);
      req.lifetimes = { valid: lft(o.validLft), preferred: lft(o.preferredLft) };
    }
    return req;
  }
}
