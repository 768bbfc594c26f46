import type { FdbMessage } from '../../protocol/fdb-message.js';
import { NTF_EXT_LEARNED, NTF_SELF, NTF_STICKY, NUD_NOARP, NUD_PERMANENT, NUD_REACHABLE, NUD_STALE } from '../../protocol/constants.js';
import type { FdbEntry, FdbState } from '../model/fdb/entry.js';
import { FDB_AGEING_MS } from '../model/fdb/fdb.js';
import { IFF_UP } from '../model/flags.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';

/** jiffies_to_clock_t(): model milliseconds as USER_HZ (100) ticks. */
const clockT = (ms: number) => Math.max(0, Math.floor(ms / 10));

/** fdb_fill_info()'s ndm_state: local PERMANENT, static NOARP, learned REACHABLE until aged, then STALE. */
function nudOf(state: FdbState, age: number): number {
  if (state === 'permanent') return NUD_PERMANENT;
  if (state === 'static') return NUD_NOARP;
  return age >= FDB_AGEING_MS ? NUD_STALE : NUD_REACHABLE;
}

/** A bridge entry as fdb_fill_info() shows it: on the port, or on the bridge itself. */
export function fdbMessage(model: NetworkModel, e: Readonly<FdbEntry>): FdbMessage {
  const now = model.now();
  let flags = 0;
  if (e.extLearned) flags |= NTF_EXT_LEARNED;
  if (e.sticky) flags |= NTF_STICKY;
  return {
    ifindex: e.port || e.bridge, state: nudOf(e.state, now - e.updated), flags, lladdr: e.mac, master: e.bridge,
    used: clockT(now - e.used), updated: clockT(now - e.updated), vid: e.vid,
  };
}

/** A device list entry (ndo_dflt_fdb_dump): `self permanent`, only NDA_LLADDR. */
export function selfMessage(ifindex: number, mac: Uint8Array, state = NUD_PERMANENT): FdbMessage {
  return { ifindex, state, flags: NTF_SELF, lladdr: mac };
}

const mc = (...b: number[]) => Uint8Array.from(b);

/**
 * A device's hardware address lists as ndo_dflt_fdb_dump walks them: user-added unicast
 * addresses, then the multicast list: all-nodes (33:33:00:00:00:01, from creation), and once up
 * all-hosts, each IPv6 address's solicited-node group and a bridge's multicast-router groups.
 */
export function deviceAddressList(model: NetworkModel, link: Readonly<Link>): Uint8Array[] {
  const out = model.fdb.selfEntries(link.index).map((s) => s.mac);
  out.push(mc(0x33, 0x33, 0, 0, 0, 1));
  if (link.flags & IFF_UP) {
    out.push(mc(0x01, 0x00, 0x5e, 0, 0, 1));
    const seen = new Set<string>();
    for (const a of model.addresses.list(link.index, 'inet6')) {
      const addr = (a as { address: Uint8Array }).address;
      const group = mc(0x33, 0x33, 0xff, addr[13]!, addr[14]!, addr[15]!);
      const key = group.join(':');
      if (!seen.has(key)) {
        seen.add(key);
        out.push(group);
      }
    }
    if (link.kind === 'bridge') out.push(mc(0x01, 0x00, 0x5e, 0, 0, 0x6a), mc(0x33, 0x33, 0, 0, 0, 0x6a));
  }
  return out;
}
