import { AF_PACKET, IFF_POINTOPOINT, IFF_RUNNING, IFF_UP, RTM_DELLINK } from '../../protocol/constants.js';
import type { DecodedLink, LinkStats } from '../../protocol/link-decode.js';
import { JsonRaw, type JsonObject } from './json.js';
import { printKindData, printSlaveData } from './link-kinds.js';
import type { LinkTable } from './link-table.js';
import { formatLinkAddress, groupName, IFF_NAMES, LINK_MODES, linkTypeName, OPER_STATES } from './names.js';
import { Printer } from './printer.js';

/**
 * `ip link show` / `ip address show` / `ip monitor` output for one link, after iproute2 6.1's
 * print_linkinfo() (ip/ipaddress.c): the same text layout and the same JSON keys, types and order.
 * Works on decoded messages only, so any front end (CLI, HTTP API) can use it.
 */
export interface LinkPrintOptions {
  /** iproute2's do_link: true for `ip link`, false for `ip address` and `ip monitor` (no "mode", no alias). */
  doLink: boolean;
  /** filter.showqueue: "qlen N" (the show commands; not monitor). */
  showQueue: boolean;
  /** -d */
  details: boolean;
  /** -s count (0, 1, 2+) */
  stats: number;
  /** filter.family: 0, AF_INET, AF_INET6 or AF_PACKET (the link/ether line is printed for 0 and AF_PACKET). */
  family: number;
  /** RTM_NEWLINK or RTM_DELLINK (DELLINK prints "Deleted "). */
  msgType?: number;
}

export const DEFAULT_LINK_OPTIONS: LinkPrintOptions = { doLink: true, showQueue: true, details: false, stats: 0, family: 0 };

function printFlags(p: Printer, flags: number, mdown: boolean): void {
  const names: string[] = [];
  if (flags & IFF_UP && !(flags & IFF_RUNNING)) names.push('NO-CARRIER');
  let rest = flags & ~IFF_RUNNING;
  for (const [bit, name] of IFF_NAMES) {
    if (rest & bit) {
      rest &= ~bit;
      names.push(name);
    }
  }
  if (rest) names.push(rest.toString(16));
  if (p.isJson) {
    if (mdown) names.push('M-DOWN');
    p.json('flags', names);
  } else {
    p.text(`<${names.join(',')}${mdown ? ',M-DOWN' : ''}> `);
  }
}

/** print_name_and_link(): "name@peer: " (JSON: "link" then "ifname"); returns the M-DOWN flag. */
function printNameAndLink(p: Printer, link: DecodedLink, names: LinkTable): boolean {
  let name = link.name;
  let mdown = false;
  if (link.link !== undefined) {
    const iflink = link.link;
    let peer: string | undefined;
    if (iflink) {
      if (link.linkNetnsid !== undefined) {
        // The peer is in another namespace: its index means nothing here (iproute2 prints "@ifN").
        if (p.isJson) p.json('link_index', iflink);
        else peer = `if${iflink}`;
      } else {
        p.json('link', names.name(iflink));
        if (!p.isJson) peer = names.name(iflink);
        mdown = !(names.flags(iflink) & IFF_UP);
      }
    } else {
      p.json('link', null);
      peer = 'NONE';
    }
    if (peer !== undefined && name !== undefined) name = `${name}@${peer}`;
  }
  if (name === undefined) p.any('ifname', '<nil>: ', null);
  else p.any('ifname', `${name}: `, p.isJson ? link.name! : name);
  return mdown;
}

// --- statistics (print_stats64) ---

function digits(v: bigint): number {
  return v.toString().length;
}

/** print_num(): right-aligned in its column, then a space. */
function num(width: number, v: bigint): string {
  return `${v.toString().padStart(width)} `;
}

function printStats(p: Printer, s: LinkStats, key: string, level: number, carrierChanges: number | undefined): void {
  if (p.isJson) {
    const rx: JsonObject = {
      bytes: s.rxBytes, packets: s.rxPackets, errors: s.rxErrors, dropped: s.rxDropped, over_errors: s.rxOverErrors, multicast: s.multicast,
    };
    if (s.rxCompressed) rx.compressed = s.rxCompressed;
    if (level > 1) {
      Object.assign(rx, {
        length_errors: s.rxLengthErrors, crc_errors: s.rxCrcErrors, frame_errors: s.rxFrameErrors,
        fifo_errors: s.rxFifoErrors, missed_errors: s.rxMissedErrors,
      });
      if (s.rxNohandler) rx.nohandler = s.rxNohandler;
      if (s.rxOtherhostDropped) rx.otherhost = s.rxOtherhostDropped;
    }
    const tx: JsonObject = {
      bytes: s.txBytes, packets: s.txPackets, errors: s.txErrors, dropped: s.txDropped, carrier_errors: s.txCarrierErrors, collisions: s.collisions,
    };
    if (s.txCompressed) tx.compressed = s.txCompressed;
    if (level > 1) {
      Object.assign(tx, {
        aborted_errors: s.txAbortedErrors, fifo_errors: s.txFifoErrors, window_errors: s.txWindowErrors, heartbeat_errors: s.txHeartbeatErrors,
      });
      if (carrierChanges !== undefined) tx.carrier_changes = carrierChanges;
    }
    p.json(key, { rx, tx });
    return;
  }
  const cols = [10, 7, 6, 7, 7, 7, 10, 9];
  const size = (...vals: bigint[]) => vals.forEach((v, i) => (cols[i] = Math.max(cols[i]!, digits(v))));
  const cc = BigInt(carrierChanges ?? 0);
  size(s.rxBytes, s.rxPackets, s.rxErrors, s.rxDropped, s.rxMissedErrors, s.multicast, s.rxCompressed, 0n);
  if (level > 1) size(0n, s.rxLengthErrors, s.rxCrcErrors, s.rxFrameErrors, s.rxFifoErrors, s.rxOverErrors, s.rxNohandler, s.rxOtherhostDropped);
  size(s.txBytes, s.txPackets, s.txErrors, s.txDropped, s.txCarrierErrors, s.collisions, s.txCompressed, 0n);
  if (level > 1) size(0n, 0n, s.txAbortedErrors, s.txFifoErrors, s.txWindowErrors, s.txHeartbeatErrors, cc, 0n);
  const c = (i: number) => cols[i]!;
  const sl = p.sl;
  let t = `    RX: ${'bytes'.padStart(c(0) - 4)} ${'packets'.padStart(c(1))} ${'errors'.padStart(c(2))} ${'dropped'.padStart(c(3))} `
    + `${'missed'.padStart(c(4))} ${'mcast'.padStart(c(5))} ${(s.rxCompressed ? 'compressed' : '').padStart(c(6))}${sl}`;
  t += `    ${num(c(0), s.rxBytes)}${num(c(1), s.rxPackets)}${num(c(2), s.rxErrors)}${num(c(3), s.rxDropped)}`
    + `${num(c(4), s.rxMissedErrors)}${num(c(5), s.multicast)}`;
  if (s.rxCompressed) t += num(c(6), s.rxCompressed);
  if (level > 1) {
    t += sl;
    t += `    RX errors:${''.padStart(c(0) - 10)} ${'length'.padStart(c(1))} ${'crc'.padStart(c(2))} ${'frame'.padStart(c(3))} `
      + `${'fifo'.padStart(c(4))} ${'overrun'.padStart(c(5))}`
      + `${s.rxNohandler ? ' nohandler'.padStart(c(6) + 1) : ''}${s.rxOtherhostDropped ? ' otherhost'.padStart(c(7) + 1) : ''}${sl}`;
    t += ''.padStart(c(0) + 5);
    t += `${num(c(1), s.rxLengthErrors)}${num(c(2), s.rxCrcErrors)}${num(c(3), s.rxFrameErrors)}${num(c(4), s.rxFifoErrors)}${num(c(5), s.rxOverErrors)}`;
    if (s.rxNohandler) t += num(c(6), s.rxNohandler);
    if (s.rxOtherhostDropped) t += num(c(7), s.rxOtherhostDropped);
  }
  t += sl;
  t += `    TX: ${'bytes'.padStart(c(0) - 4)} ${'packets'.padStart(c(1))} ${'errors'.padStart(c(2))} ${'dropped'.padStart(c(3))} `
    + `${'carrier'.padStart(c(4))} ${'collsns'.padStart(c(5))} ${(s.txCompressed ? 'compressed' : '').padStart(c(6))}${sl}`;
  t += `    ${num(c(0), s.txBytes)}${num(c(1), s.txPackets)}${num(c(2), s.txErrors)}${num(c(3), s.txDropped)}`
    + `${num(c(4), s.txCarrierErrors)}${num(c(5), s.collisions)}`;
  if (s.txCompressed) t += num(c(6), s.txCompressed);
  if (level > 1) {
    t += sl;
    t += `    TX errors:${''.padStart(c(0) - 10)} ${'aborted'.padStart(c(1))} ${'fifo'.padStart(c(2))} ${'window'.padStart(c(3))} `
      + `${'heartbt'.padStart(c(4))} ${carrierChanges !== undefined ? 'transns'.padStart(c(5)) : ''}${sl}`;
    t += ''.padStart(c(0) + 5);
    t += `${num(c(1), s.txAbortedErrors)}${num(c(2), s.txFifoErrors)}${num(c(3), s.txWindowErrors)}${num(c(4), s.txHeartbeatErrors)}`;
    if (carrierChanges !== undefined) t += num(c(5), cc);
  }
  p.text(t);
}

/** __print_link_stats(): STATS64 when present, else STATS. */
export function printLinkStats(p: Printer, link: DecodedLink, level: number): void {
  if (link.stats64) printStats(p, link.stats64, 'stats64', level, link.carrierChanges);
  else if (link.stats) printStats(p, link.stats, 'stats', level, link.carrierChanges);
}

const ADDR_GEN_MODES = ['eui64', 'none', 'stable_secret', 'random'];

function printDetails(p: Printer, link: DecodedLink, names: LinkTable, o: LinkPrintOptions): void {
  if (link.promiscuity !== undefined) p.any('promiscuity', ` promiscuity ${link.promiscuity} `, link.promiscuity);
  if (link.allmulti !== undefined) p.any('allmulti', ` allmulti ${link.allmulti} `, link.allmulti);
  if (link.minMtu !== undefined) p.any('min_mtu', `minmtu ${link.minMtu} `, link.minMtu);
  if (link.maxMtu !== undefined) p.any('max_mtu', `maxmtu ${link.maxMtu} `, link.maxMtu);
  if (link.kind !== undefined || link.slaveKind !== undefined || link.infoData || link.slaveData) {
    // print_linktype()
    p.openObject('linkinfo');
    if (link.kind !== undefined) {
      p.text(p.sl);
      p.any('info_kind', `    ${link.kind} `, link.kind);
      printKindData(p, link.kind, link.infoData, names);
    }
    if (link.slaveKind !== undefined) {
      p.text(p.sl);
      p.any('info_slave_kind', `    ${link.slaveKind}_slave `, link.slaveKind);
      printSlaveData(p, link.slaveKind, link.slaveData);
    }
    p.close();
  }
  const genMode = link.afSpec?.inet6?.addrGenMode;
  if (o.doLink && genMode !== undefined) {
    const mode = ADDR_GEN_MODES[genMode] ?? `0x${genMode.toString(16).padStart(2, '0')}`;
    p.any('inet6_addr_gen_mode', `addrgenmode ${mode} `, mode);
  }
  const u = (key: string, label: string, v: number | undefined) => {
    if (v !== undefined) p.any(key, `${label} ${v} `, v);
  };
  u('num_tx_queues', 'numtxqueues', link.numTxQueues);
  u('num_rx_queues', 'numrxqueues', link.numRxQueues);
  u('gso_max_size', 'gso_max_size', link.gsoMaxSize);
  u('gso_max_segs', 'gso_max_segs', link.gsoMaxSegs);
  u('tso_max_size', 'tso_max_size', link.tsoMaxSize);
  u('tso_max_segs', 'tso_max_segs', link.tsoMaxSegs);
  u('gro_max_size', 'gro_max_size', link.groMaxSize);
  if (link.parentDevBusName !== undefined) p.any('parentbus', `parentbus ${link.parentDevBusName} `, link.parentDevBusName);
  if (link.parentDevName !== undefined) p.any('parentdev', `parentdev ${link.parentDevName} `, link.parentDevName);
  if (link.physPortName !== undefined) p.any('phys_port_name', `portname ${link.physPortName} `, link.physPortName);
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  if (link.physPortId) p.any('phys_port_id', `portid ${hex(link.physPortId)} `, hex(link.physPortId));
  if (link.physSwitchId) p.any('phys_switch_id', `switchid ${hex(link.physSwitchId)} `, hex(link.physSwitchId));
}

const LINK_EVENTS = ['NONE', 'REBOOT', 'FEATURE CHANGE', 'BONDING FAILOVER', 'NOTIFY PEERS', 'RESEND IGMP', 'BONDING OPTION'];

/**
 * print_linkinfo(): prints one link into `p` (text ends with a newline). For `ip address show`
 * the caller prints the addresses and then printLinkStats() itself.
 */
export function printLink(p: Printer, link: DecodedLink, names: LinkTable, o: LinkPrintOptions): void {
  if (o.msgType === RTM_DELLINK) p.any('deleted', 'Deleted ', true);
  p.any('ifindex', `${link.index}: `, link.index);
  const mdown = printNameAndLink(p, link, names);
  printFlags(p, link.flags, mdown);
  if (link.mtu !== undefined) p.any('mtu', `mtu ${link.mtu} `, link.mtu);
  if (link.qdisc !== undefined) p.any('qdisc', `qdisc ${link.qdisc} `, link.qdisc);
  if (link.master !== undefined) {
    const m = names.idxName(link.master);
    p.any('master', `master ${m} `, m);
  }
  if (link.operstate !== undefined) {
    const s = OPER_STATES[link.operstate];
    if (s === undefined) {
      if (p.isJson) p.json('operstate_index', link.operstate);
      else p.text(`state 0x${link.operstate.toString(16)} `);
    } else {
      p.any('operstate', `state ${s} `, s);
    }
  }
  if (o.doLink && link.linkmode !== undefined) {
    const m = LINK_MODES[link.linkmode];
    if (m === undefined) p.any('linkmode_index', `mode ${link.linkmode} `, link.linkmode);
    else p.any('linkmode', `mode ${m} `, m);
  }
  if (link.group !== undefined) {
    const g = groupName(link.group);
    p.any('group', `group ${g} `, g);
  }
  if (o.showQueue && link.txqlen) p.any('txqlen', `qlen ${link.txqlen}`, link.txqlen);
  if (link.event !== undefined) {
    if (link.event >= LINK_EVENTS.length) p.any('event', `event ${link.event} `, link.event);
    else if (link.event) p.any('event', `event ${LINK_EVENTS[link.event]} `, LINK_EVENTS[link.event]!);
  }
  if (!o.family || o.family === AF_PACKET || o.details) {
    p.text(p.sl);
    const type = linkTypeName(link.deviceType);
    p.any('link_type', `    link/${type} `, type);
    if (link.address) {
      const a = formatLinkAddress(link.address);
      p.any('address', a, a);
    }
    if (link.broadcast) {
      if (link.flags & IFF_POINTOPOINT) {
        p.text(' peer ');
        p.json('link_pointtopoint', true);
      } else {
        p.text(' brd ');
      }
      const b = formatLinkAddress(link.broadcast);
      p.any('broadcast', b, b);
    }
    if (link.permAddress && link.address && Buffer.compare(Buffer.from(link.permAddress), Buffer.from(link.address)) !== 0) {
      const pa = formatLinkAddress(link.permAddress);
      p.text(' permaddr ');
      p.any('permaddr', pa, pa);
    }
  }
  if (link.linkNetnsid !== undefined) {
    if (p.isJson) p.json('link_netnsid', link.linkNetnsid);
    else p.text(link.linkNetnsid >= 0 ? ` link-netnsid ${link.linkNetnsid}` : ' link-netnsid unknown');
  }
  if (link.protoDown) p.any('proto_down', ' protodown on ', true);
  if (o.details) printDetails(p, link, names, o);
  if ((o.doLink || o.details) && link.alias !== undefined) {
    p.text(`${p.sl}    `);
    p.any('ifalias', `alias ${link.alias}`, link.alias);
  }
  if (o.doLink && o.stats) {
    p.text(p.sl);
    printLinkStats(p, link, o.stats);
  }
  if (link.altnames.length) {
    p.openArray('altnames');
    for (const alt of link.altnames) {
      p.text(`${p.sl}    altname `);
      p.any(null, alt, alt);
    }
    p.close();
  }
  p.text('\n');
}

/**
 * print_linkinfo_brief(): "NAME[@LINK]  OPERSTATE  [ADDRESS <FLAGS>]" in fixed columns (`ip -br`).
 * The address and flags columns are printed for `ip -br link` (family AF_PACKET) only; the
 * caller ends the line (after the addresses, for `ip -br address`).
 */
export function printLinkBrief(p: Printer, link: DecodedLink, names: LinkTable, o: { family: number; msgType?: number }): void {
  if (o.msgType === RTM_DELLINK) p.any('deleted', 'Deleted ', true);
  let name = link.name ?? '<nil>';
  let mdown = false;
  if (link.link !== undefined) {
    if (link.link === 0) {
      name = `${name}@NONE`;
      p.json('link', null);
    } else if (link.linkNetnsid !== undefined) {
      p.json('link_index', link.link);
      name = `${name}@if${link.link}`;
    } else {
      const peer = names.idxName(link.link);
      p.json('link', peer);
      name = `${name}@${peer}`;
      mdown = !(names.flags(link.link) & IFF_UP);
    }
  }
  p.text(`${name.padEnd(16)} `);
  p.json('ifname', link.name ?? null);
  if (link.operstate !== undefined) {
    const s = OPER_STATES[link.operstate];
    if (s === undefined) {
      if (p.isJson) p.json('operstate_index', link.operstate);
      else p.text(`state 0x${link.operstate.toString(16)} `);
    } else {
      p.any('operstate', `${s.padEnd(14)} `, s);
    }
  }
  if (o.family === AF_PACKET) {
    if (link.address) {
      const a = formatLinkAddress(link.address);
      p.any('address', `${a} `, a);
    }
    printFlags(p, link.flags, mdown);
  }
}

/** A link as an `ip -j link show` object. */
export function linkJson(link: DecodedLink, names: LinkTable, o: Partial<LinkPrintOptions> = {}): JsonObject {
  const p = new Printer(true);
  printLink(p, link, names, { ...DEFAULT_LINK_OPTIONS, ...o });
  return p.root;
}

/** A link as `ip link show` text (with its trailing newline). */
export function linkText(link: DecodedLink, names: LinkTable, o: Partial<LinkPrintOptions> = {}): string {
  const p = new Printer(false);
  printLink(p, link, names, { ...DEFAULT_LINK_OPTIONS, ...o });
  return p.textOut;
}

export { JsonRaw };
