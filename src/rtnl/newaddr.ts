import { IFA_IPV4_POLICY, IFA_IPV6_POLICY } from '../../protocol/addr-policy.js';
import {
  IFA_ADDRESS, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS, IFA_LABEL, IFA_LOCAL, IFA_PROTO, IFA_RT_PRIORITY, NLM_F_ECHO,
  NLM_F_EXCL, NLM_F_REPLACE,
} from '../../protocol/constants.js';
import { attrString, attrU32, attrU8, parseMessage, type AttrTable, type NlAttr, type Policy } from '../../protocol/policy.js';
import { decodeIfaCacheinfo, decodeIfAddrMsg, IFADDRMSG_SIZE, NLMSGHDR_SIZE, type IfAddrMsg } from '../../protocol/structs.js';
import type { AddMode } from '../model/addresses.js';
import { einval } from './errors.js';
import { causeOf, type Request } from './request.js';

const PAYLOAD_START = NLMSGHDR_SIZE + IFADDRMSG_SIZE;
export const IN_ADDR_SIZE = 4;
export const IN6_ADDR_SIZE = 16;

/** nlmsg_parse_deprecated() of an ifaddrmsg request (liberal: unknown types ignored, longer attributes accepted). */
export function parseAddrRequest(req: Request, policy: Policy): { ifm: IfAddrMsg; tb: AttrTable } {
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval('Invalid header length');
  const parsed = parseMessage(msg, IFADDRMSG_SIZE, policy, false);
  req.warning = parsed.warning;
  return { ifm: decodeIfAddrMsg(msg, NLMSGHDR_SIZE), tb: parsed.attrs };
}

/** An address attribute's first `len` bytes (nla_get_in_addr, nla_data as struct in6_addr). */
export function addrAttr(tb: AttrTable, type: number, len: number): Uint8Array | undefined {
  const a = tb.get(type);
  return a ? new Uint8Array(a.data.subarray(0, len)) : undefined;
}

function optional<T>(tb: AttrTable, type: number, read: (a: NlAttr) => T): T | undefined {
  const a = tb.get(type);
  return a ? read(a) : undefined;
}

/** IFA_CACHEINFO: only its preferred and valid lifetimes are inputs. */
function lifetimes(tb: AttrTable): { prefered: number; valid: number } | undefined {
  return optional(tb, IFA_CACHEINFO, (a) => decodeIfaCacheinfo(a.data));
}

function addMode(req: Request): AddMode {
  return { excl: (req.hdr.flags & NLM_F_EXCL) !== 0, replace: (req.hdr.flags & NLM_F_REPLACE) !== 0 };
}

const requester = (req: Request) => causeOf(req, (req.hdr.flags & NLM_F_ECHO) !== 0);

/** devinet.c: inet_rtm_newaddr(). */
export function inetNewAddr(req: Request): void {
  const { ifm, tb } = parseAddrRequest(req, IFA_IPV4_POLICY);
  req.model.addresses.newInet4({
    ifindex: ifm.index,
    prefixlen: ifm.prefixlen,
    scope: ifm.scope,
    flags: optional(tb, IFA_FLAGS, attrU32) ?? ifm.flags,
    local: addrAttr(tb, IFA_LOCAL, IN_ADDR_SIZE),
    address: addrAttr(tb, IFA_ADDRESS, IN_ADDR_SIZE),
    broadcast: addrAttr(tb, IFA_BROADCAST, IN_ADDR_SIZE),
    label: optional(tb, IFA_LABEL, attrString),
    lifetimes: lifetimes(tb),
    proto: optional(tb, IFA_PROTO, attrU8),
    rtPriority: optional(tb, IFA_RT_PRIORITY, attrU32),
  }, addMode(req), requester(req));
}

/** devinet.c: inet_rtm_deladdr(). */
export function inetDelAddr(req: Request): void {
  const { ifm, tb } = parseAddrRequest(req, IFA_IPV4_POLICY);
  req.model.addresses.delInet4({
    ifindex: ifm.index,
    prefixlen: ifm.prefixlen,
    local: addrAttr(tb, IFA_LOCAL, IN_ADDR_SIZE),
    address: addrAttr(tb, IFA_ADDRESS, IN_ADDR_SIZE),
    label: optional(tb, IFA_LABEL, attrString),
  }, requester(req));
}

/** addrconf.c: inet6_rtm_newaddr(). IPv6 notifications never name the requester. */
export function inet6NewAddr(req: Request): void {
  const { ifm, tb } = parseAddrRequest(req, IFA_IPV6_POLICY);
  req.model.addresses.newInet6({
    ifindex: ifm.index,
    prefixlen: ifm.prefixlen,
    flags: optional(tb, IFA_FLAGS, attrU32) ?? ifm.flags,
    address: addrAttr(tb, IFA_ADDRESS, IN6_ADDR_SIZE),
    local: addrAttr(tb, IFA_LOCAL, IN6_ADDR_SIZE),
    lifetimes: lifetimes(tb),
    proto: optional(tb, IFA_PROTO, attrU8),
    rtPriority: optional(tb, IFA_RT_PRIORITY, attrU32),
  }, addMode(req));
}

/** addrconf.c: inet6_rtm_deladdr(). */
export function inet6DelAddr(req: Request): void {
  const { ifm, tb } = parseAddrRequest(req, IFA_IPV6_POLICY);
  req.model.addresses.delInet6({
    ifindex: ifm.index,
    prefixlen: ifm.prefixlen,
    address: addrAttr(tb, IFA_ADDRESS, IN6_ADDR_SIZE),
    local: addrAttr(tb, IFA_LOCAL, IN6_ADDR_SIZE),
  });
}
