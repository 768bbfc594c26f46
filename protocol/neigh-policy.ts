import {
  NDA_CACHEINFO, NDA_DST, NDA_FDB_EXT_ATTRS, NDA_FLAGS_EXT, NDA_IFINDEX, NDA_LLADDR, NDA_MASTER, NDA_MAX,
  NDA_NH_ID, NDA_PORT, NDA_PROBES, NDA_PROTOCOL, NDA_VLAN, NDA_VNI,
  NTF_EXT_MASK,
} from './constants.js';
import type { Policy } from './policy.js';
import { NDA_CACHEINFO_SIZE } from './structs.js';

/** MAX_ADDR_LEN: the longest link-layer address. */
const MAX_ADDR_LEN = 32;

/**
 * net/core/neighbour.c: nda_policy[]. DST and LLADDR are binary up to MAX_ADDR_LEN (their
 * exact lengths are checked against the table's key and the device); from NDA_NH_ID on
 * attributes are validated strictly even by the deprecated parser.
 */
export const NDA_POLICY: Policy = {
  name: 'nda',
  maxType: NDA_MAX,
  strictStartType: NDA_NH_ID,
  attrs: {
    [NDA_DST]: { kind: 'binary', len: MAX_ADDR_LEN },
    [NDA_LLADDR]: { kind: 'binary', len: MAX_ADDR_LEN },
    [NDA_CACHEINFO]: { kind: 'unspec', len: NDA_CACHEINFO_SIZE },
    [NDA_PROBES]: { kind: 'u32' },
    [NDA_VLAN]: { kind: 'u16' },
    [NDA_PORT]: { kind: 'u16' },
    [NDA_VNI]: { kind: 'u32' },
    [NDA_IFINDEX]: { kind: 'u32' },
    [NDA_MASTER]: { kind: 'u32' },
    [NDA_PROTOCOL]: { kind: 'u8' },
    [NDA_NH_ID]: { kind: 'u32' },
    [NDA_FLAGS_EXT]: { kind: 'u32', mask: NTF_EXT_MASK },
    [NDA_FDB_EXT_ATTRS]: { kind: 'nested' },
  },
};
