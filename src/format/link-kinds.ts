import { attrMap, readBe16, readU16, readU32, readU64, readU8, type RawAttr } from '../../protocol/attr-walk.js';
import {
  macvlanModeName, MACVLAN_MODE_SOURCE,
} from '../../protocol/constants.js';
import { decodeMacvlanData, decodeVlanData } from '../../protocol/link-decode.js';
import { JsonRaw } from './json.js';
import type { LinkTable } from './link-table.js';
import { ethProtoName, formatLinkAddress } from './names.js';
import type { Printer } from './printer.js';

// The kind-specific parts of `ip -d link show` (iproute2 6.1's link_util print_opt callbacks:
// ip/iplink_vlan.c, iplink_macvlan.c, iplink_bridge.c, iplink_bridge_slave.c). Kinds without a
// print_opt in iproute2 (veth, dummy, ifb) print only their kind and no "info_data".

const VLAN_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'REORDER_HDR'], [0x2, 'GVRP'], [0x8, 'MVRP'], [0x4, 'LOOSE_BINDING'], [0x10, 'BRIDGE_BINDING'],
];

function printVlan(p: Printer, data: readonly RawAttr[]): void {
  const v = decodeVlanData(data);
  if (v.id === undefined) return;
  const proto = v.protocol !== undefined ? ethProtoName(v.protocol) : '802.1q';
  p.any('protocol', `protocol ${proto} `, proto);
  p.any('id', `id ${v.id} `, v.id);
  if (v.flags !== undefined) {
    const names: string[] = [];
    let rest = v.flags;
    for (const [bit, name] of VLAN_FLAG_NAMES) {
      if (rest & bit) {
        rest &= ~bit;
        names.push(name);
      }
    }
    if (rest) names.push(rest.toString(16));
    if (p.isJson) p.json('flags', names);
    else p.text(`<${names.join(',')}> `);
  }
  const qos = (key: string, label: string, map: Array<[number, number]> | undefined) => {
    if (!map) return;
    p.openArray(key);
    p.text(`${p.sl}      ${label} { `);
    for (const [from, to] of map) {
      if (p.isJson) p.json(null, { from, to });
      else p.text(`${from}:${to} `);
    }
    p.close();
    p.text('} ');
  };
  qos('ingress_qos', 'ingress-qos-map', v.ingressQos);
  qos('egress_qos', 'egress-qos-map', v.egressQos);
}

const MACVLAN_FLAG_NOPROMISC = 1;

function printMacvlan(p: Printer, data: readonly RawAttr[]): void {
  const m = decodeMacvlanData(data);
  if (m.mode === undefined) return;
  const mode = macvlanModeName(m.mode) ?? 'unknown';
  p.any('mode', `mode ${mode} `, mode);
  if ((m.flags ?? 0) & MACVLAN_FLAG_NOPROMISC) p.any('nopromisc', 'nopromisc ', true);
  if (m.bcQueueLen !== undefined) p.any('bcqueuelen', `bcqueuelen ${m.bcQueueLen} `, m.bcQueueLen);
  if (m.bcQueueLenUsed !== undefined) p.any('usedbcqueuelen', `usedbcqueuelen ${m.bcQueueLenUsed} `, m.bcQueueLenUsed);
  if (m.mode !== MACVLAN_MODE_SOURCE || m.macaddrCount === undefined) return;
  p.any('macaddr_count', `remotes (${m.macaddrCount}) `, m.macaddrCount);
  if (!m.macaddrs) return;
  p.openArray('macaddr_data');
  for (const a of m.macaddrs) {
    const s = formatLinkAddress(a);
    p.any(null, `${s} `, s);
  }
  p.close();
}

/** br_dump_bridge_id(): "%.2x%.2x.%x:%x:%x:%x:%x:%x" (priority bytes, then the MAC unpadded). */
function bridgeId(b: Buffer): string {
  if (b.length < 8) return '';
  const hex2 = (v: number) => v.toString(16).padStart(2, '0');
  return `${hex2(b[0]!)}${hex2(b[1]!)}.${Array.from(b.subarray(2, 8), (v) => v.toString(16)).join(':')}`;
}

/** Timers in clock_t (1/100 s): text "%s %4i.%.2i ", JSON "%i.%.2i". */
function printTimer(p: Printer, key: string, v: bigint | undefined): void {
  if (v === undefined) return;
  const sec = v / 100n;
  const cs = (v % 100n).toString().padStart(2, '0');
  if (p.isJson) p.json(key, new JsonRaw(`${sec}.${cs}`));
  else p.text(`${key} ${sec.toString().padStart(4)}.${cs} `);
}

const onOff = (v: number) => (v ? 'on' : 'off');

function printBridge(p: Printer, data: readonly RawAttr[]): void {
  const t = attrMap(data);
  const u = (type: number, key: string, label: string, read: (b: Buffer | undefined) => number | bigint | undefined) => {
    const v = read(t.get(type));
    if (v !== undefined) p.any(key, `${label} ${v} `, v);
  };
  u(1, 'forward_delay', 'forward_delay', readU32);
  u(2, 'hello_time', 'hello_time', readU32);
  u(3, 'max_age', 'max_age', readU32);
  u(4, 'ageing_time', 'ageing_time', readU32);
  u(5, 'stp_state', 'stp_state', readU32);
  u(6, 'priority', 'priority', readU16);
  u(7, 'vlan_filtering', 'vlan_filtering', readU8);
  const vproto = readBe16(t.get(8));
  if (vproto !== undefined) p.any('vlan_protocol', `vlan_protocol ${ethProtoName(vproto)} `, ethProtoName(vproto));
  const id = t.get(11);
  if (id) p.any('bridge_id', `bridge_id ${bridgeId(id)} `, bridgeId(id));
  const root = t.get(10);
  if (root) p.any('root_id', `designated_root ${bridgeId(root)} `, bridgeId(root));
  u(12, 'root_port', 'root_port', readU16);
  u(13, 'root_path_cost', 'root_path_cost', readU32);
  u(14, 'topology_change', 'topology_change', readU8);
  u(15, 'topology_change_detected', 'topology_change_detected', readU8);
  printTimer(p, 'hello_timer', readU64(t.get(16)));
  printTimer(p, 'tcn_timer', readU64(t.get(17)));
  printTimer(p, 'topology_change_timer', readU64(t.get(18)));
  printTimer(p, 'gc_timer', readU64(t.get(19)));
  u(39, 'vlan_default_pvid', 'vlan_default_pvid', readU16);
  u(41, 'vlan_stats_enabled', 'vlan_stats_enabled', readU8);
  u(45, 'vlan_stats_per_port', 'vlan_stats_per_port', readU8);
  const mask = readU16(t.get(9));
  if (mask !== undefined) {
    const s = mask ? `0x${mask.toString(16)}` : '0';
    p.any('group_fwd_mask', `group_fwd_mask ${s} `, s);
  }
  const group = t.get(20);
  if (group) p.any('group_addr', `group_address ${formatLinkAddress(group)} `, formatLinkAddress(group));
  u(23, 'mcast_snooping', 'mcast_snooping', readU8);
  const bool = t.get(46);
  if (bool && bool.length >= 8) {
    const [val, msk] = [bool.readUInt32LE(0), bool.readUInt32LE(4)];
    if (msk & 1) p.any('no_linklocal_learn', `no_linklocal_learn ${val & 1 ? 1 : 0} `, val & 1 ? 1 : 0);
    if (msk & 2) p.any('mcast_vlan_snooping', `mcast_vlan_snooping ${val & 2 ? 1 : 0} `, val & 2 ? 1 : 0);
  }
  u(22, 'mcast_router', 'mcast_router', readU8);
  u(24, 'mcast_query_use_ifaddr', 'mcast_query_use_ifaddr', readU8);
  u(25, 'mcast_querier', 'mcast_querier', readU8);
  u(26, 'mcast_hash_elasticity', 'mcast_hash_elasticity', readU32);
  u(27, 'mcast_hash_max', 'mcast_hash_max', readU32);
  u(28, 'mcast_last_member_cnt', 'mcast_last_member_count', readU32);
  u(29, 'mcast_startup_query_cnt', 'mcast_startup_query_count', readU32);
  u(30, 'mcast_last_member_intvl', 'mcast_last_member_interval', readU64);
  u(31, 'mcast_membership_intvl', 'mcast_membership_interval', readU64);
  u(32, 'mcast_querier_intvl', 'mcast_querier_interval', readU64);
  u(33, 'mcast_query_intvl', 'mcast_query_interval', readU64);
  u(34, 'mcast_query_response_intvl', 'mcast_query_response_interval', readU64);
  u(35, 'mcast_startup_query_intvl', 'mcast_startup_query_interval', readU64);
  u(42, 'mcast_stats_enabled', 'mcast_stats_enabled', readU8);
  u(43, 'mcast_igmp_version', 'mcast_igmp_version', readU8);
  u(44, 'mcast_mld_version', 'mcast_mld_version', readU8);
  u(36, 'nf_call_iptables', 'nf_call_iptables', readU8);
  u(37, 'nf_call_ip6tables', 'nf_call_ip6tables', readU8);
  u(38, 'nf_call_arptables', 'nf_call_arptables', readU8);
}

const PORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];
const FWD_MASK_NAMES: Readonly<Record<number, string>> = { 0: 'stp', 2: 'lacp', 14: 'lldp' };

function printBridgeSlave(p: Printer, data: readonly RawAttr[]): void {
  const t = attrMap(data);
  const flag = (type: number, key: string) => {
    const v = readU8(t.get(type));
    if (v !== undefined) p.any(key, `${key} ${onOff(v)} `, v !== 0);
  };
  const state = readU8(t.get(1));
  if (state !== undefined) {
    if (state < PORT_STATES.length) p.any('state', `state ${PORT_STATES[state]} `, PORT_STATES[state]!);
    else p.any('state_index', `state (${state}) `, state);
  }
  const prio = readU16(t.get(2));
  if (prio !== undefined) p.any('priority', `priority ${prio} `, prio);
  const cost = readU32(t.get(3));
  if (cost !== undefined) p.any('cost', `cost ${cost | 0} `, cost | 0);
  const mode = readU8(t.get(4));
  if (mode !== undefined) p.any('hairpin', `hairpin ${onOff(mode)} `, mode !== 0);
  flag(5, 'guard');
  const protect = readU8(t.get(6));
  if (protect !== undefined) p.any('root_block', `root_block ${onOff(protect)} `, protect !== 0);
  flag(7, 'fastleave');
  flag(8, 'learning');
  const flood = readU8(t.get(9));
  if (flood !== undefined) p.any('flood', `flood ${onOff(flood)} `, flood !== 0);
  const hex = (v: number) => (v ? `0x${v.toString(16)}` : '0');
  const id = readU16(t.get(17));
  if (id !== undefined) p.any('id', `port_id ${hex(id)} `, hex(id));
  const no = readU16(t.get(18));
  if (no !== undefined) p.any('no', `port_no ${hex(no)} `, hex(no));
  const dport = readU16(t.get(15));
  if (dport !== undefined) p.any('designated_port', `designated_port ${dport} `, dport);
  const dcost = readU16(t.get(16));
  if (dcost !== undefined) p.any('designated_cost', `designated_cost ${dcost} `, dcost);
  const bid = t.get(14);
  if (bid) p.any('bridge_id', `designated_bridge ${bridgeId(bid)} `, bridgeId(bid));
  const rid = t.get(13);
  if (rid) p.any('root_id', `designated_root ${bridgeId(rid)} `, bridgeId(rid));
  printTimer(p, 'hold_timer', readU64(t.get(23)));
  printTimer(p, 'message_age_timer', readU64(t.get(21)));
  printTimer(p, 'forward_delay_timer', readU64(t.get(22)));
  const tca = readU8(t.get(19));
  if (tca !== undefined) p.any('topology_change_ack', `topology_change_ack ${tca} `, tca);
  const cp = readU8(t.get(20));
  if (cp !== undefined) p.any('config_pending', `config_pending ${cp} `, cp);
  flag(10, 'proxy_arp');
  flag(12, 'proxy_arp_wifi');
  const mr = readU8(t.get(25));
  if (mr !== undefined) p.any('multicast_router', `mcast_router ${mr} `, mr);
  const fl = readU8(t.get(7));
  if (fl !== undefined) p.text(`mcast_fast_leave ${onOff(fl)} `);
  flag(27, 'mcast_flood');
  flag(30, 'bcast_flood');
  flag(28, 'mcast_to_unicast');
  flag(32, 'neigh_suppress');
  const fwd = readU16(t.get(31));
  if (fwd !== undefined) {
    p.any('group_fwd_mask', `group_fwd_mask ${hex(fwd)} `, hex(fwd));
    const parts: string[] = [];
    for (let i = 0; i < 16; i++) if (fwd & (1 << i)) parts.push(FWD_MASK_NAMES[i] ?? `0x${(1 << i).toString(16)}`);
    const str = parts.length ? parts.join(',') : '0x0';
    p.any('group_fwd_mask_str', `group_fwd_mask_str ${str} `, str);
  }
  flag(29, 'vlan_tunnel');
  flag(33, 'isolated');
  const backup = readU32(t.get(34));
  if (backup !== undefined) p.any('backup_port', `backup_port if${backup} `, `if${backup}`);
  flag(39, 'locked');
}

/** IFLA_INFO_DATA of `kind` (print_linktype's lu->print_opt), inside "info_data" in JSON. */
export function printKindData(p: Printer, kind: string, data: readonly RawAttr[] | undefined, _names: LinkTable): void {
  const printer = KIND_PRINTERS[kind];
  if (!printer) return;
  p.openObject('info_data');
  if (data) printer(p, data);
  p.close();
}

/** IFLA_INFO_SLAVE_DATA of a port of a `slaveKind` master, inside "info_slave_data". */
export function printSlaveData(p: Printer, slaveKind: string, data: readonly RawAttr[] | undefined): void {
  const printer = SLAVE_PRINTERS[slaveKind];
  if (!printer) return;
  p.openObject('info_slave_data');
  if (data) printer(p, data);
  p.close();
}

const KIND_PRINTERS: Readonly<Record<string, (p: Printer, data: readonly RawAttr[]) => void>> = {
  vlan: printVlan,
  macvlan: printMacvlan,
  macvtap: printMacvlan,
  bridge: printBridge,
};

const SLAVE_PRINTERS: Readonly<Record<string, (p: Printer, data: readonly RawAttr[]) => void>> = {
  bridge: printBridgeSlave,
};

