import { NTF_EXT_LEARNED, NTF_OFFLOADED, NTF_PROXY, NTF_ROUTER, RTM_DELNEIGH, RTM_GETNEIGH } from '../../protocol/constants.js';
import { formatInet } from '../../protocol/inet.js';
import type { NeighMessage } from '../../protocol/neigh-message.js';
import type { LinkTable } from './link-table.js';
import { formatLinkAddress } from './names.js';
import type { Printer } from './printer.js';

/** NUD_* names in iproute2's print_neigh_state() order. */
export const NUD_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['INCOMPLETE', 0x01], ['REACHABLE', 0x02], ['STALE', 0x04], ['DELAY', 0x08], ['PROBE', 0x10], ['FAILED', 0x20], ['NOARP', 0x40],
  ['PERMANENT', 0x80],
];

/** rtnl_rtprot_n2a() for the protocols /etc/iproute2/rt_protos names. */
const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 8: 'gated', 9: 'ra', 10: 'mrt', 11: 'zebra', 12: 'bird', 13: 'dnrouted', 14: 'xorp', 15: 'ntk', 16: 'dhcp', 18: 'keepalived', 42: 'babel', 99: 'openr', 186: 'bgp', 187: 'isis', 188: 'ospf', 189: 'rip', 192: 'eigrp' };

export interface NeighPrintOptions {
  /** The dump was filtered by device: iproute2 leaves "dev NAME" out. */
  filteredDev: boolean;
  /** -s: reference count, ages and probes. */
  stats: boolean;
  /** RTM_DELNEIGH ("Deleted ") or RTM_GETNEIGH ("miss ") in ip monitor. */
  msgType?: number | undefined;
}

/** iproute2 6.1 ipneigh.c print_neigh(): text and JSON of one entry. */
export function printNeigh(p: Printer, n: NeighMessage, names: LinkTable, o: NeighPrintOptions): void {
  if (o.msgType === RTM_DELNEIGH) p.any('deleted', 'Deleted ', true);
  else if (o.msgType === RTM_GETNEIGH) p.any('miss', 'miss ', null);
  if (n.dst.length) {
    const dst = formatInet(n.dst, n.family);
    p.any('dst', `${dst} `, dst);
  }
  if (!o.filteredDev && n.ifindex) {
    const dev = names.name(n.ifindex);
    p.any('dev', `dev ${dev} `, dev);
  }
  if (n.lladdr) {
    const ll = formatLinkAddress(n.lladdr);
    p.any('lladdr', `lladdr ${ll} `, ll);
  }
  if (n.flags & NTF_ROUTER) p.any('router', 'router ', null);
  if (n.flags & NTF_PROXY) p.any('proxy', 'proxy ', null);
  if (n.flags & NTF_EXT_LEARNED) p.any('extern_learn', 'extern_learn ', null);
  if (n.flags & NTF_OFFLOADED) p.any('offload', 'offload ', null);
  if (o.stats && n.cacheinfo) {
    const [confirmed, used, updated, refcnt] = n.cacheinfo;
    if (refcnt) p.any('refcnt', ` ref ${refcnt}`, refcnt);
    p.any('used', ` used ${Math.floor(used / 100)}`, Math.floor(used / 100));
    p.any('confirmed', `/${Math.floor(confirmed / 100)}`, Math.floor(confirmed / 100));
    p.any('updated', `/${Math.floor(updated / 100)}`, Math.floor(updated / 100));
    if (n.probes !== undefined) p.any('probes', `probes ${n.probes} `, n.probes);
  }
  if (n.state) {
    p.openArray('state');
    let nud = n.state;
    for (const [name, bit] of NUD_NAMES) {
      if (nud & bit) {
        nud &= ~bit;
        p.any(null, `${name} `, name);
      }
    }
    if (nud) p.any(null, `0x${nud.toString(16)} `, `0x${nud.toString(16)}`);
    p.close();
  }
  if (n.protocol) {
    const name = PROTOCOLS[n.protocol] ?? String(n.protocol);
    p.any('protocol', `proto ${name} `, name);
  }
  p.text('\n');
}
