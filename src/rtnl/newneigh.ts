import {
  AF_INET, AF_INET6, NDA_DST, NDA_FLAGS_EXT, NDA_LLADDR, NDA_MAX, NDA_PROTOCOL, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE,
  NTF_EXT_EXT_VALIDATED, NTF_EXT_MANAGED, NTF_PROXY,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { NDA_POLICY } from '../../protocol/neigh-policy.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrU32, attrU8, parseAttrs, type AttrTable, type Policy } from '../../protocol/policy.js';
import { decodeNdMsg, NDMSG_SIZE, NLMSGHDR_SIZE, type NdMsg } from '../../protocol/structs.js';
import type { NeighFamily } from '../model/neighbours/neighbour.js';
import type { Link } from '../model/types.js';
import { einval } from './errors.js';
import { causeOf, type Request } from './request.js';

const PAYLOAD_START = NLMSGHDR_SIZE + NDMSG_SIZE;
/** dev->addr_len of every device rtnld models (Ethernet-like, lo included). */
const ADDR_LEN = 6;

/** neigh_find_table(): AF_INET → arp_tbl (4-byte keys), AF_INET6 → nd_tbl (16-byte keys). */
export const NEIGH_TABLES: ReadonlyMap<number, { family: NeighFamily; keyLen: number }> = new Map([
  [AF_INET, { family: 'inet', keyLen: 4 }],
  [AF_INET6, { family: 'inet6', keyLen: 16 }],
]);

/** neigh_delete() parses without a policy: attributes are only split, never validated. */
const NO_POLICY: Policy = { name: 'none', maxType: NDA_MAX, attrs: {} };

function parse(req: Request, policy: Policy): { ndm: NdMsg; tb: AttrTable } {
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval(policy === NDA_POLICY ? 'Invalid header length' : undefined);
  const parsed = parseAttrs(msg, PAYLOAD_START, msg.length, policy, false);
  req.warning = parsed.warning;
  return { ndm: decodeNdMsg(msg, NLMSGHDR_SIZE), tb: parsed.attrs };
}

/** The device, table and key checks neigh_add() and neigh_delete() share, in their order. */
function target(req: Request, ndm: NdMsg, tb: AttrTable, lladdrCheck: boolean) {
  const dstAttr = tb.get(NDA_DST);
  if (!dstAttr) throw einval('Network address not specified');
  let link: Readonly<Link> | undefined;
  if (ndm.ifindex !== 0) {
    link = req.model.byIndex(ndm.ifindex);
    if (!link) throw new NlError(Errno.ENODEV);
    const ll = tb.get(NDA_LLADDR);
    if (lladdrCheck && ll && ll.data.length < ADDR_LEN) throw einval('Invalid link address');
  }
  const table = NEIGH_TABLES.get(ndm.family);
  if (!table) throw new NlError(Errno.EAFNOSUPPORT);
  if (dstAttr.data.length < table.keyLen) throw einval('Invalid network address');
  return { link, family: table.family, dst: new Uint8Array(dstAttr.data.subarray(0, table.keyLen)) };
}

/** RTM_NEWNEIGH (neigh_add). */
export function newNeigh(req: Request): void {
  const { ndm, tb } = parse(req, NDA_POLICY);
  const { link, family, dst } = target(req, ndm, tb, true);
  const ext = tb.has(NDA_FLAGS_EXT) ? attrU32(tb.get(NDA_FLAGS_EXT)!) : 0;
  const protocol = tb.has(NDA_PROTOCOL) ? attrU8(tb.get(NDA_PROTOCOL)!) : 0;
  const neighbours = req.model.neighbours;
  if (ndm.flags & NTF_PROXY) {
    if (ext & (NTF_EXT_MANAGED | NTF_EXT_EXT_VALIDATED)) throw einval('Invalid NTF_* flag combination');
    neighbours.addProxy(family, ndm.ifindex, dst, ndm.flags, ndm.state, protocol);
    return;
  }
  if (!link) throw einval('Device not specified');
  if (family === 'inet6' && !link.inet6) throw einval('IPv6 is disabled on this device');
  const ll = tb.get(NDA_LLADDR);
  const f = req.hdr.flags;
  neighbours.update({
    family, ifindex: link.index, dst, lladdr: ll ? new Uint8Array(ll.data.subarray(0, ADDR_LEN)) : undefined,
    state: ndm.state & 0xff, ntf: ndm.flags, ext, protocol,
    create: (f & NLM_F_CREATE) !== 0, excl: (f & NLM_F_EXCL) !== 0, replace: (f & NLM_F_REPLACE) !== 0,
  }, causeOf(req, false));
}

/** RTM_DELNEIGH (neigh_delete). */
export function delNeigh(req: Request): void {
  const { ndm, tb } = parse(req, NO_POLICY);
  const { link, family, dst } = target(req, ndm, tb, false);
  const neighbours = req.model.neighbours;
  if (ndm.flags & NTF_PROXY) {
    neighbours.deleteProxy(family, ndm.ifindex, dst);
    return;
  }
  if (!link) throw new NlError(Errno.EINVAL);
  neighbours.delete(family, link.index, dst, causeOf(req, false));
}
