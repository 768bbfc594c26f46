import { IFF_BROADCAST, IFF_LOOPBACK, IFF_MULTICAST, IFF_NOARP } from './flags.js';
import type { NewLinkSpec } from './store.js';
import type { KindName, Link } from './types.js';

/**
 * Link kinds as data: defaults, MTU bounds and behaviour switches, one entry per kind.
 * Handlers and the model consult this table instead of branching on kind names.
 * (Wire-level facts per kind, such as INFO_DATA policies, live in src/rtnl/link-kinds.ts.)
 */
export type CarrierSource =
  | 'always' // lo: the carrier is always on
  | 'admin' // dummy, ifb: on unless a test rig pulls the cable
  | 'peer' // veth: on while both ends are up
  | 'ports' // bridge: on while a port is live (or before it ever had ports)
  | 'parent'; // vlan, macvlan: follows the parent device

export interface KindSpec {
  name: KindName;
  deviceType: 'ether' | 'loopback';
  /** dev->flags a new device starts with (IFF_*). */
  initialFlags: number;
  mtu: number;
  /** min_mtu / max_mtu; max 0 means unbounded (as lo). */
  minMtu: number;
  maxMtu: number;
  txqlen: number;
  /** 'cpus': one queue per possible CPU (veth). */
  queues: number | 'cpus';
  /** Name used when the request gives none (`<kind>%d`). */
  nameTemplate: string;
  carrier: CarrierSource;
  /** IFLA_CARRIER may be set (ndo_change_carrier, and rtnld's cable-pull for veth). */
  carrierSettable: boolean;
  /** The device may be deleted (lo has no rtnl_link_ops). */
  deletable: boolean;
  /** The device can be created over netlink (lo cannot). */
  creatable: boolean;
  /** Can other devices be enslaved to it (IFLA_MASTER). */
  isMaster: boolean;
  /** Needs a parent device given by IFLA_LINK. */
  needsParent: boolean;
  /** Reported as IFLA_NETNS_IMMUTABLE. */
  netnsImmutable: boolean;
  /** The MAC can be changed (ndo_set_mac_address; lo has none). */
  macSettable: boolean;
  /** IFLA_TSO_MAX_SIZE: 65536 for devices without TSO (ifb), else GSO_MAX_SIZE 524280. */
  tsoMaxSize: number;
  /**
   * The root qdisc attach_default_qdiscs() gives the device when it first comes up: "noqueue" for
   * IFF_NO_QUEUE devices, else the default qdisc (pfifo_fast, the kernel's built-in
   * net.core.default_qdisc; a host may set another, rtnld models the built-in one).
   */
  qdisc: 'noqueue' | 'pfifo_fast';
  /**
   * One end of a pair (veth): created with its peer (registered first), deleted with it, its
   * IFLA_LINK is the peer, and it can only come up while the peer exists.
   */
  paired: boolean;
  /** The kind's private state of a new device (rtnl_link_ops->newlink), from the create request. */
  init?: (link: Link, spec: NewLinkSpec) => void;
}

const ETHER = IFF_BROADCAST | IFF_MULTICAST;

const base = {
  deviceType: 'ether',
  initialFlags: ETHER,
  mtu: 1500,
  minMtu: 68,
  maxMtu: 65535,
  txqlen: 1000,
  queues: 1,
  carrierSettable: false,
  deletable: true,
  creatable: true,
  isMaster: false,
  needsParent: false,
  netnsImmutable: false,
  macSettable: true,
  tsoMaxSize: 524280,
  qdisc: 'noqueue',
  paired: false,
} as const;

export const KINDS: Readonly<Record<KindName, KindSpec>> = {
  lo: {
    ...base, name: 'lo', deviceType: 'loopback', initialFlags: IFF_LOOPBACK, mtu: 65536, minMtu: 0, maxMtu: 0,
    nameTemplate: 'lo', carrier: 'always', deletable: false, creatable: false, netnsImmutable: true, macSettable: false,
  },
  // drivers/net/dummy.c: NOARP, no multicast, no MTU bounds, ndo_change_carrier.
  dummy: {
    ...base, name: 'dummy', initialFlags: IFF_BROADCAST | IFF_NOARP, minMtu: 0, maxMtu: 0,
    nameTemplate: 'dummy%d', carrier: 'admin', carrierSettable: true,
  },
  // drivers/net/veth.c; IFLA_CARRIER is rtnld's extension so test rigs can pull the cable.
  veth: { ...base, name: 'veth', queues: 'cpus', nameTemplate: 'veth%d', carrier: 'peer', carrierSettable: true, paired: true },
  // net/bridge/br_device.c
  bridge: {
    ...base, name: 'bridge', nameTemplate: 'bridge%d', carrier: 'ports', isMaster: true, netnsImmutable: true, tsoMaxSize: 65536,
    // A bridge given a MAC keeps it (NET_ADDR_SET) and its carrier follows the ports at once.
    init: (link, spec) => {
      const given = spec.address !== undefined;
      link.bridge = { mtuSetByUser: false, carrierFollowsPorts: given, macSetByUser: given, tsoMaxSize: 65536 };
    },
  },
  // net/8021q/vlan_dev.c: MTU bounded by the parent at change time.
  vlan: { ...base, name: 'vlan', minMtu: 0, nameTemplate: 'vlan%d', carrier: 'parent', needsParent: true },
  // drivers/net/macvlan.c: ether_setup() bounds (68), max raised to 65535.
  macvlan: {
    ...base, name: 'macvlan', nameTemplate: 'macvlan%d', carrier: 'parent', needsParent: true,
    init: (link, spec) => void (link.macvlanMode = spec.macvlanMode ?? 'vepa'),
  },
  // drivers/net/ifb.c: txqueuelen 32, no MTU bounds, a real queue (not IFF_NO_QUEUE).
  ifb: {
    ...base, name: 'ifb', initialFlags: IFF_BROADCAST | IFF_NOARP, minMtu: 0, maxMtu: 0, txqlen: 32, nameTemplate: 'ifb%d',
    carrier: 'admin', qdisc: 'pfifo_fast',
  },
};

export function isKindName(s: string): s is KindName {
  return Object.hasOwn(KINDS, s);
}
