import { ETH_P_8021AD, ETH_P_8021Q } from '../../protocol/constants.js';

// Number-to-name tables of iproute2 (lib/ll_types.c, lib/rt_names.c, lib/ll_proto.c) for the
// values rtnetlink links and addresses carry.

const ARPHRD: Readonly<Record<number, string>> = {
  0: 'netrom', 1: 'ether', 2: 'eether', 3: 'ax25', 4: 'pronet', 5: 'chaos', 6: 'ieee802', 7: 'arcnet',
  8: 'appletlk', 15: 'dlci', 19: 'atm', 23: 'metricom', 24: 'ieee1394', 27: 'eui64', 32: 'infiniband',
  256: 'slip', 257: 'cslip', 258: 'slip6', 259: 'cslip6', 260: 'rsrvd', 264: 'adapt', 270: 'rose', 271: 'x25',
  272: 'hwx25', 280: 'can', 512: 'ppp', 513: 'hdlc', 516: 'lapb', 517: 'ddcmp', 518: 'rawhdlc', 519: 'rawip',
  768: 'ipip', 769: 'tunnel6', 770: 'frad', 771: 'skip', 772: 'loopback', 773: 'ltalk', 774: 'fddi', 775: 'bif',
  776: 'sit', 777: 'ip/ddp', 778: 'gre', 779: 'pimreg', 780: 'hippi', 781: 'ash', 782: 'econet', 783: 'irda',
  784: 'fcpp', 785: 'fcal', 786: 'fcpl', 787: 'fcfb0', 800: 'tr', 801: 'ieee802.11', 802: 'ieee802.11/prism',
  803: 'ieee802.11/radiotap', 804: 'ieee802.15.4', 805: 'ieee802.15.4/monitor', 820: 'phonet', 821: 'phonet_pipe',
  822: 'caif', 823: 'ip6gre', 824: 'netlink', 825: '6lowpan', 826: 'vsockmon', 0xfffe: 'none', 0xffff: 'void',
};

/** ll_type_n2a(): "ether", "loopback", ...; unknown types print as "[N]". */
export function linkTypeName(type: number): string {
  return ARPHRD[type] ?? `[${type}]`;
}

/** ll_addr_n2a() for hardware addresses: lower-case hex bytes joined by ':'. */
export function formatLinkAddress(addr: Uint8Array): string {
  return Array.from(addr, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** rtnl_group_n2a(): group 0 is "default" (/etc/iproute2/group), others print as numbers. */
export function groupName(group: number): string {
  return group === 0 ? 'default' : String(group);
}

/** rtnl_rtscope_n2a() */
export function scopeName(scope: number): string {
  switch (scope) {
    case 0: return 'global';
    case 200: return 'site';
    case 253: return 'link';
    case 254: return 'host';
    case 255: return 'nowhere';
    default: return String(scope);
  }
}

/** rtnl_rtscope_a2n(): a scope name or number. */
export function parseScope(text: string): number | undefined {
  const names: Record<string, number> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };
  if (text in names) return names[text];
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : undefined;
}

export const OPER_STATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'] as const;
export const LINK_MODES = ['DEFAULT', 'DORMANT'] as const;

/** ll_proto_n2a() for the VLAN protocols. */
export function ethProtoName(proto: number): string {
  if (proto === ETH_P_8021Q) return '802.1Q';
  if (proto === ETH_P_8021AD) return '802.1ad';
  return `0x${proto.toString(16).padStart(4, '0')}`;
}

/** Link flags in print_link_flags() order. */
export const IFF_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x8, 'LOOPBACK'], [0x2, 'BROADCAST'], [0x10, 'POINTOPOINT'], [0x1000, 'MULTICAST'], [0x80, 'NOARP'],
  [0x200, 'ALLMULTI'], [0x100, 'PROMISC'], [0x400, 'MASTER'], [0x800, 'SLAVE'], [0x4, 'DEBUG'], [0x8000, 'DYNAMIC'],
  [0x4000, 'AUTOMEDIA'], [0x2000, 'PORTSEL'], [0x20, 'NOTRAILERS'], [0x1, 'UP'], [0x10000, 'LOWER_UP'],
  [0x20000, 'DORMANT'], [0x40000, 'ECHO'],
];
