import {
  ETH_P_8021AD, ETH_P_8021Q, IFLA_ADDRESS, IFLA_MACVLAN_FLAGS, IFLA_MACVLAN_MODE, IFLA_MTU, IFLA_VLAN_FLAGS,
  IFLA_VLAN_ID, IFLA_VLAN_PROTOCOL, macvlanModeName, MACVLAN_MODES,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { MACVLAN_POLICY, OPAQUE_POLICY, VETH_POLICY, VLAN_POLICY } from '../../protocol/link-policy.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrBe16, attrU16, attrU32, type AttrTable, type Policy } from '../../protocol/policy.js';
import type { AttrsPayload, TypedAttr } from '../../protocol/typed-attrs.js';
import { decodeIflaVlanFlags, encodeIflaVlanFlags } from '../../protocol/structs.js';
import { isMulticastMac, isZeroMac } from '../model/mac.js';
import type { NetworkModel, NewLinkSpec } from '../model/store.js';
import type { KindName, Link } from '../model/types.js';
import { bridgeInfoData, bridgePortSlaveData } from './bridge-attrs.js';

/**
 * The wire side of each link kind (struct rtnl_link_ops): its IFLA_INFO_DATA policy, the
 * validate hook, how INFO_DATA becomes create options, and what fill_info emits.
 * Model-side defaults live in src/model/kinds.ts.
 */
export interface KindWire {
  policy?: Policy;
  /** ops->changelink exists: INFO_DATA on an existing device is accepted. */
  changelink: boolean;
  validate?(tb: AttrTable, data: AttrTable | undefined): void;
  /** INFO_DATA -> create options (veth peers are handled by the NEWLINK handler). */
  parse?(data: AttrTable | undefined, spec: NewLinkSpec): void;
  fillInfo?(link: Readonly<Link>, model: NetworkModel): AttrsPayload;
  /** The extended-ack text when the parent named by IFLA_LINK does not exist. */
  missingParentMsg?: string;
  /** IFLA_INFO_SLAVE_DATA of a port of a device of this kind. */
  fillSlave?(port: Readonly<Link>, master: Readonly<Link>): AttrsPayload;
}

/** eth_validate_addr-style checks every Ethernet kind's validate hook makes on IFLA_ADDRESS. */
function validateEtherAddress(tb: AttrTable, msg?: string): void {
  const a = tb.get(IFLA_ADDRESS);
  if (!a) return;
  if (a.data.length !== 6) throw new NlError(Errno.EINVAL, msg);
  if (isMulticastMac(a.data) || isZeroMac(a.data)) throw new NlError(Errno.EADDRNOTAVAIL, msg);
}


const VLAN_FLAGS_KNOWN = 0x1 | 0x2 | 0x4 | 0x8 | 0x10;
const VLAN_VID_MASK = 0xfff;

export const KIND_WIRE: Readonly<Record<KindName, KindWire>> = {
  lo: { changelink: false },
  dummy: {
    changelink: false,
    validate: (tb) => validateEtherAddress(tb),
  },
  veth: {
    policy: VETH_POLICY,
    changelink: false,
    validate(tb) {
      validateEtherAddress(tb);
      const mtu = tb.get(IFLA_MTU);
      // veth_validate(): is_valid_veth_mtu(), rejected with no extended-ack message.
      if (mtu) {
        const v = attrU32(mtu);
        if (v < 68 || v > 65535) throw new NlError(Errno.EINVAL);
      }
    },
  },
  bridge: {
    policy: OPAQUE_POLICY,
    changelink: true,
    validate: (tb) => validateEtherAddress(tb),
    fillInfo: (link) => bridgeInfoData(link),
    fillSlave: (port, master) => bridgePortSlaveData(port, master),
  },
  vlan: {
    policy: VLAN_POLICY,
    changelink: true,
    missingParentMsg: '8021q: link does not exist',
    validate(tb, data) {
      validateEtherAddress(tb, 'Invalid link address');
      if (!data) return;
      const proto = data.get(IFLA_VLAN_PROTOCOL);
      if (proto && ![ETH_P_8021Q, ETH_P_8021AD].includes(attrBe16(proto))) {
        throw new NlError(Errno.EPROTONOSUPPORT, '8021q: Invalid VLAN protocol');
      }
      const id = data.get(IFLA_VLAN_ID);
      if (id && attrU16(id) >= VLAN_VID_MASK) throw new NlError(Errno.ERANGE, '8021q: Invalid VLAN id');
      const flags = data.get(IFLA_VLAN_FLAGS);
      const f = flags && decodeIflaVlanFlags(flags.data);
      if (f && f.flags & f.mask & ~VLAN_FLAGS_KNOWN) {
        throw new NlError(Errno.EINVAL, '8021q: Invalid VLAN flags');
      }
    },
    parse(data, spec) {
      if (!data) throw new NlError(Errno.EINVAL, '8021q: VLAN properties not specified');
      const id = data.get(IFLA_VLAN_ID);
      if (!id) throw new NlError(Errno.EINVAL, '8021q: VLAN id not specified');
      if (!spec.parent) throw new NlError(Errno.EINVAL, '8021q: link not specified');
      const proto = data.get(IFLA_VLAN_PROTOCOL);
      const flags = data.get(IFLA_VLAN_FLAGS);
      // vlan_newlink(): REORDER_HDR by default, then the requested flags under their mask.
      let f = 1;
      if (flags) {
        const { flags: value, mask } = decodeIflaVlanFlags(flags.data);
        f = ((f & ~mask) | (value & mask)) >>> 0;
      }
      spec.vlan = { id: attrU16(id), protocol: proto ? attrBe16(proto) : ETH_P_8021Q, flags: f };
    },
    fillInfo(link) {
      const v = link.vlan!;
      const out: TypedAttr[] = [[IFLA_VLAN_PROTOCOL, 'be16', v.protocol], [IFLA_VLAN_ID, 'u16', v.id]];
      if (v.flags) out.push([IFLA_VLAN_FLAGS, 'binary', encodeIflaVlanFlags({ flags: v.flags, mask: 0xffffffff })]);
      return out;
    },
  },
  macvlan: {
    policy: MACVLAN_POLICY,
    changelink: true,
    validate(tb, data) {
      validateEtherAddress(tb);
      const mode = data?.get(IFLA_MACVLAN_MODE);
      if (mode && !macvlanModeName(attrU32(mode))) throw new NlError(Errno.EINVAL);
    },
    parse(data, spec) {
      if (!spec.parent) throw new NlError(Errno.EINVAL);
      const mode = data?.get(IFLA_MACVLAN_MODE);
      spec.macvlanMode = mode ? macvlanModeName(attrU32(mode))! : 'vepa';
    },
    fillInfo(link) {
      const MACADDR_COUNT = 6;
      const BC_QUEUE_LEN = 7;
      const BC_QUEUE_LEN_USED = 8;
      const MACVLAN_DEFAULT_BC_QUEUE_LEN = 1000;
      return [
        [IFLA_MACVLAN_MODE, 'u32', MACVLAN_MODES[link.macvlanMode ?? 'vepa']],
        [IFLA_MACVLAN_FLAGS, 'u16', 0],
        [MACADDR_COUNT, 'u32', 0],
        [BC_QUEUE_LEN, 'u32', MACVLAN_DEFAULT_BC_QUEUE_LEN],
        [BC_QUEUE_LEN_USED, 'u32', MACVLAN_DEFAULT_BC_QUEUE_LEN],
      ];
    },
  },
  ifb: { changelink: false, validate: (tb) => validateEtherAddress(tb) },
};

/** The kind names that RTM_NEWLINK can create (lo has no rtnl_link_ops). */
export function creatableKind(kind: string): KindName | undefined {
  return kind !== 'lo' && Object.hasOwn(KIND_WIRE, kind) ? (kind as KindName) : undefined;
}
