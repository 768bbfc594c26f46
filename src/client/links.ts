import {
  AF_UNSPEC, ETH_P_8021AD, ETH_P_8021Q, IFF_UP, IFLA_MACVLAN_MODE, IFLA_VLAN_ID, IFLA_VLAN_PROTOCOL, IFNAMSIZ,
  MACVLAN_MODES, type MacvlanModeName, NLM_F_CREATE, NLM_F_DUMP, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REQUEST,
  RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK,
} from '../../protocol/constants.js';
import { decodeLinkMessage, type DecodedLink } from '../../protocol/link-decode.js';
import { writeLinkRequest, type LinkRequest } from '../../protocol/link-request.js';
import type { TypedAttr } from '../../protocol/typed-attrs.js';
import type { RtnlConnection } from './core.js';
import { Dump, type DumpState } from './dump.js';

/** A link as the client returns it: the decoded RTM_NEWLINK. */
export type Link = DecodedLink;
/** A device by name or by ifindex. */
export type LinkRef = string | number;

export type MacAddress = string | Uint8Array;

export interface LinkAttributes {
  mtu?: number;
  address?: MacAddress;
  broadcast?: MacAddress;
  txqlen?: number;
  group?: number;
  /** IFLA_IFALIAS; null or '' removes it. */
  alias?: string | null;
  numTxQueues?: number;
  numRxQueues?: number;
}

export interface CreateLinkOptions extends LinkAttributes {
  name: string;
  kind: string;
  up?: boolean;
  /** Enslave to this device at creation. */
  master?: LinkRef;
  /** The lower device (vlan, macvlan): IFLA_LINK. */
  link?: LinkRef;
  /** veth: the peer's name or its own attributes. */
  peer?: string | (LinkAttributes & { name?: string });
  /** vlan: VLAN id. */
  id?: number;
  /** vlan: '802.1Q' (default) or '802.1ad', or an ethertype. */
  protocol?: '802.1Q' | '802.1ad' | number;
  /** macvlan: private, vepa, bridge, passthru, source. */
  mode?: MacvlanModeName;
  /** Extra IFLA_INFO_DATA attributes, sent as given. */
  infoData?: TypedAttr[];
}

export interface SetLinkOptions extends LinkAttributes {
  up?: boolean;
  /** Rename. */
  name?: string;
  /** A master device, or null to release from the current one. */
  master?: LinkRef | null;
  /** IFLA_CARRIER (dummy and veth in rtnld). */
  carrier?: boolean;
  operstate?: number;
  linkmode?: number;
  /** Raw ifi_flags / ifi_change bits to change. */
  flags?: { set?: number; clear?: number };
}

export interface LinksFilter {
  /** Only ports of this master (IFLA_MASTER dump filter). */
  master?: LinkRef;
  /** Only devices of this kind (IFLA_LINKINFO dump filter). */
  kind?: string;
  /** Ask for statistics (default: skipped, RTEXT_FILTER_SKIP_STATS). */
  stats?: boolean;
}

/** "aa:bb:cc:dd:ee:ff" (or any colon-separated hex bytes) to bytes. */
export function parseMac(mac: MacAddress): Uint8Array {
  if (typeof mac !== 'string') return mac;
  const parts = mac.split(':');
  if (!parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) throw new TypeError(`"${mac}" is invalid lladdr.`);
  return new Uint8Array(parts.map((p) => parseInt(p, 16)));
}

function refRequest(ref: LinkRef): LinkRequest {
  if (typeof ref === 'number') return { index: ref };
  // Names that do not fit IFLA_IFNAME can only be alternative names (as iproute2 sends them).
  return Buffer.byteLength(ref) >= IFNAMSIZ ? { altName: ref } : { name: ref };
}

function attributes(a: LinkAttributes): LinkRequest {
  return {
    mtu: a.mtu,
    address: a.address !== undefined ? parseMac(a.address) : undefined,
    broadcast: a.broadcast !== undefined ? parseMac(a.broadcast) : undefined,
    txqlen: a.txqlen,
    group: a.group,
    alias: a.alias === null ? '' : a.alias,
    numTxQueues: a.numTxQueues,
    numRxQueues: a.numRxQueues,
  };
}

/** IFLA_INFO_DATA of a new device: vlan id and protocol, macvlan mode, then the caller's extras. */
function infoData(o: CreateLinkOptions): TypedAttr[] {
  const data: TypedAttr[] = [];
  if (o.kind === 'vlan') {
    if (o.id !== undefined) data.push([IFLA_VLAN_ID, 'u16', o.id]);
    if (o.protocol !== undefined) {
      const proto = o.protocol === '802.1Q' ? ETH_P_8021Q : o.protocol === '802.1ad' ? ETH_P_8021AD : o.protocol;
      data.push([IFLA_VLAN_PROTOCOL, 'be16', proto]);
    }
  }
  if (o.mode !== undefined) {
    const mode = MACVLAN_MODES[o.mode];
    if (mode === undefined) throw new TypeError(`unknown macvlan mode "${o.mode}"`);
    data.push([IFLA_MACVLAN_MODE, 'u32', mode]);
  }
  if (o.infoData) data.push(...o.infoData);
  return data;
}

/** The typed link API (RTM_*LINK) on a connection. */
export class LinkService {
  constructor(private readonly core: RtnlConnection) {}

  /** RTM_GETLINK dump. */
  links(filter: LinksFilter = {}): Dump<Link> {
    return new Dump((state) => this.dumpLinks(filter, state));
  }

  private async *dumpLinks(filter: LinksFilter, state: DumpState): AsyncGenerator<Link> {
    const req: LinkRequest = { extMask: RTEXT_FILTER_VF | (filter.stats ? 0 : RTEXT_FILTER_SKIP_STATS) };
    if (filter.master !== undefined) req.master = await this.indexOf(filter.master);
    if (filter.kind !== undefined) req.kind = filter.kind;
    for await (const m of this.core.dump((w, seq) => writeLinkRequest(w, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq, req), state)) {
      yield decodeLinkMessage(m);
    }
  }

  /** RTM_GETLINK for one device, by name (or altname) or index; rejects ENODEV. */
  async link(ref: LinkRef, options: { stats?: boolean } = {}): Promise<Link> {
    const req: LinkRequest = { ...refRequest(ref), extMask: RTEXT_FILTER_VF | (options.stats ? 0 : RTEXT_FILTER_SKIP_STATS) };
    return decodeLinkMessage(await this.core.doit((w, seq) => writeLinkRequest(w, RTM_GETLINK, NLM_F_REQUEST, seq, req)));
  }

  /** The ifindex of a device (a number is returned as is). */
  async indexOf(ref: LinkRef): Promise<number> {
    return typeof ref === 'number' ? ref : (await this.link(ref)).index;
  }

  /** RTM_NEWLINK with NLM_F_CREATE | NLM_F_EXCL; resolves with the new device as announced. */
  async createLink(o: CreateLinkOptions): Promise<Link> {
    const req: LinkRequest = { ...attributes(o), name: o.name, kind: o.kind };
    if (o.up) {
      req.flags = IFF_UP;
      req.change = IFF_UP;
    }
    const [master, parent] = await Promise.all([
      o.master !== undefined ? this.indexOf(o.master) : undefined,
      o.link !== undefined ? this.indexOf(o.link) : undefined,
    ]);
    req.master = master;
    req.link = parent;
    const data = infoData(o);
    if (data.length) req.infoData = data;
    if (o.peer !== undefined) {
      const peer = typeof o.peer === 'string' ? { name: o.peer } : o.peer;
      req.peer = { ...attributes(peer), name: peer.name };
    }
    const { echoed } = await this.core.ack((w, seq) => writeLinkRequest(w, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, seq, req));
    const mine = echoed.find((m) => m.readUInt16LE(4) === RTM_NEWLINK && m[16] === AF_UNSPEC);
    return mine ? decodeLinkMessage(mine) : this.link(o.name);
  }

  /** RTM_NEWLINK on an existing device (as `ip link set` sends it). */
  async setLink(ref: LinkRef, o: SetLinkOptions): Promise<void> {
    const needsIndex = typeof ref === 'string' && o.name !== undefined;
    const [index, master] = await Promise.all([
      needsIndex ? this.indexOf(ref) : undefined,
      o.master !== undefined && o.master !== null ? this.indexOf(o.master) : undefined,
    ]);
    const req: LinkRequest = { ...attributes(o), ...(index !== undefined ? { index } : refRequest(ref)) };
    if (o.name !== undefined) req.name = o.name;
    if (o.master === null) req.master = 0;
    else if (master !== undefined) req.master = master;
    req.carrier = o.carrier;
    req.operstate = o.operstate;
    req.linkmode = o.linkmode;
    let flags = 0;
    let change = 0;
    if (o.up !== undefined) {
      change |= IFF_UP;
      if (o.up) flags |= IFF_UP;
    }
    if (o.flags) {
      flags |= o.flags.set ?? 0;
      change |= (o.flags.set ?? 0) | (o.flags.clear ?? 0);
    }
    if (change) {
      req.flags = flags;
      req.change = change;
    }
    await this.core.ack((w, seq) => writeLinkRequest(w, RTM_NEWLINK, NLM_F_REQUEST, seq, req));
  }

  /** RTM_DELLINK. */
  async deleteLink(ref: LinkRef): Promise<void> {
    const req = refRequest(ref);
    await this.core.ack((w, seq) => writeLinkRequest(w, RTM_DELLINK, NLM_F_REQUEST, seq, req));
  }

  /** Sends a prepared link request (RTM_NEWLINK / SETLINK / DELLINK); resolves on its ACK. */
  async linkChange(type: number, flags: number, req: LinkRequest): Promise<{ warning?: string | undefined }> {
    const { warning } = await this.core.ack((w, seq) => writeLinkRequest(w, type, NLM_F_REQUEST | flags, seq, req));
    return { warning };
  }
}
