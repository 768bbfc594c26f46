import { writeAddrMessage } from '../../protocol/addr-message.js';
import { IFA_IPV4_POLICY, IFA_IPV6_POLICY } from '../../protocol/addr-policy.js';
import {
  IFA_ADDRESS, IFA_LOCAL, IFA_TARGET_NETNSID, NLM_F_DUMP_FILTERED, NLM_F_MULTI, RTM_NEWADDR,
} from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrS32, parseMessage, type AttrTable, type Policy } from '../../protocol/policy.js';
import { decodeIfAddrMsg, IFADDRMSG_SIZE, NLMSGHDR_SIZE } from '../../protocol/structs.js';
import type { NlWriter } from '../../protocol/writer.js';
import { isTimeless, type InetAddress, type InetFamily } from '../model/addresses.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';
import { addressBodies, blockEnd, blockOf, type AddressBodies } from './addr-cache.js';
import { addrMessage } from './addr-view.js';
import { dumpImages, type DumpImages } from './dump-image.js';
import { einval, toNlError } from './errors.js';
import { addrAttr, IN6_ADDR_SIZE } from './newaddr.js';
import type { DumpCursor, Replayable, Request } from './request.js';

const PAYLOAD_START = NLMSGHDR_SIZE + IFADDRMSG_SIZE;

/** Per family: the NL_SET_ERR_MSG prefix and the attribute policy (devinet.c, addrconf.c). */
const FAMILY: Readonly<Record<InetFamily, { prefix: string; policy: Policy }>> = {
  inet: { prefix: 'ipv4', policy: IFA_IPV4_POLICY },
  inet6: { prefix: 'ipv6', policy: IFA_IPV6_POLICY },
};

/** Attribute types in ascending order, as the kernel's `for (i = 0; i <= IFA_MAX; i++)` checks them. */
const typesInOrder = (tb: AttrTable) => [...tb.keys()].sort((a, b) => a - b);

/**
 * inet_valid_dump_ifaddr_req() / inet6_valid_dump_ifaddr_req() (strict sockets only). A nonzero
 * ifa_index filters the dump, and marks it NLM_F_DUMP_FILTERED even if a later check fails.
 */
function validDumpRequest(req: Request, family: InetFamily, answer: { flags: number; target?: Target }): number {
  const { prefix, policy } = FAMILY[family];
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval(`${prefix}: Invalid header for address dump request`);
  const ifm = decodeIfAddrMsg(msg, NLMSGHDR_SIZE);
  if (ifm.prefixlen || ifm.flags || ifm.scope) throw einval(`${prefix}: Invalid values in header for address dump request`);
  if (ifm.index) answer.flags |= NLM_F_DUMP_FILTERED;
  const tb = parseMessage(msg, IFADDRMSG_SIZE, policy, true).attrs;
  for (const type of typesInOrder(tb)) {
    if (type !== IFA_TARGET_NETNSID) throw einval(`${prefix}: Unsupported attribute in dump request`);
    // rtnl_get_net_ns_capable(): an id in the requester's table.
    const target = targetOf(req, tb);
    if (!target) throw einval(`${prefix}: Invalid target network namespace id`);
    answer.target = target;
  }
  return ifm.index;
}

/** IFA_TARGET_NETNSID: another namespace's addresses, each reply carrying the id first. */
interface Target {
  model: NetworkModel;
  nsid: number;
}

function targetOf(req: Request, tb: AttrTable): Target | undefined {
  const attr = tb.get(IFA_TARGET_NETNSID);
  if (!attr) return undefined;
  const nsid = attrS32(attr);
  const ns = req.netns?.current.nsids.peerOf(nsid);
  return ns ? { model: ns.model, nsid } : undefined;
}

/** A dump that ends at once with an error in NLMSG_DONE (and whatever answer flags were set). */
function failedDump(error: NlError, doneFlags: number): DumpCursor {
  return { doneFlags, error, generation: () => 0, next: () => false };
}

/**
 * Address dumps: for each family in turn, devices in ascending ifindex and each device's list in
 * order (inet_dump_ifaddr, inet6_dump_addr; rtnl_dump_all runs IPv4 then IPv6 under one DONE).
 * Non-strict requests are not looked at beyond the family byte.
 */
function dumpAddresses(req: Request, families: readonly InetFamily[]): DumpCursor {
  const answer: { flags: number; target?: Target } = { flags: 0 };
  let ifindex = 0;
  try {
    if (req.session.strict) for (const f of families) ifindex = validDumpRequest(req, f, answer);
  } catch (e) {
    return failedDump(toNlError(e), answer.flags);
  }
  // IFA_TARGET_NETNSID (strict sockets only, as Linux): another namespace's addresses.
  const target = answer.target;
  const model = target?.model ?? req.model;
  if (ifindex && !model.byIndex(ifindex)) return failedDump(new NlError(Errno.ENODEV), answer.flags);
  return new AddrDump(model, families, ifindex, target, NLM_F_MULTI | answer.flags, req.hdr.seq, req.session.portid, answer.flags);
}

/**
 * An address dump's cursor. A class, not an object literal of closures: V8 keeps a function's
 * optimised code only while a closure of it lives, so a fresh `next` per dump threw away what
 * the previous dumps (the warm-up's) had optimised.
 */
class AddrDump implements DumpCursor, Replayable {
  readonly replay: Replayable | undefined;
  readonly images: DumpImages;
  readonly key: string;
  private fam = 0;
  /** The device being dumped (0: none yet), its list (live: changes show, as ip_idx sees them) and the position in it. */
  private at = 0;
  private list: readonly InetAddress[] = [];
  private pos = 0;
  private hasTime = false;
  private readonly bodies: AddressBodies;
  /** Every device's addresses in this namespace (no ifindex, no target): kept blocks apply. */
  private readonly whole: boolean;

  constructor(
    private readonly model: NetworkModel,
    private readonly families: readonly InetFamily[],
    /** The one device asked for (0: all). */
    private readonly ifindex: number,
    private readonly target: Target | undefined,
    private readonly entryFlags: number,
    private readonly seq: number,
    private readonly portid: number,
    readonly doneFlags: number,
  ) {
    this.images = dumpImages(model);
    this.bodies = addressBodies(model);
    this.key = `addr/${families.join('+')}`;
    this.whole = !ifindex && !target;
    this.replay = this.whole ? this : undefined;
  }

  generation(): number {
    return this.model.generation.addrDumpSeq;
  }

  save(): unknown {
    return { fam: this.fam, at: this.at, pos: this.pos };
  }

  restore(position: unknown): void {
    ({ fam: this.fam, at: this.at, pos: this.pos } = position as { fam: number; at: number; pos: number });
    this.list = this.at && this.fam < this.families.length ? this.model.addresses.list(this.at, this.families[this.fam]!) : [];
  }

  timeless(): boolean {
    return !this.hasTime;
  }

  /** The device after `at` in ascending ifindex order (for_each_netdev_dump), or the filtered one. */
  private nextLink(): Link | undefined {
    if (this.ifindex) return this.at === 0 ? this.model.byIndex(this.ifindex) : undefined;
    return this.model.linkAfter(this.at);
  }

  next(w: NlWriter): boolean {
    const { model, families } = this;
    while (this.fam < families.length) {
      if (this.pos < this.list.length) {
        const a = this.list[this.pos++]!;
        const target = this.target;
        if (target) writeAddrMessage(w, RTM_NEWADDR, this.entryFlags, this.seq, this.portid, { ...addrMessage(model, a), targetNetnsid: target.nsid });
        else {
          this.bodies.write(w, a, this.entryFlags, this.seq, this.portid);
          // An entry showing remaining lifetimes changes with time: the dump is not recorded.
          if (!isTimeless(a)) this.hasTime = true;
        }
        return true;
      }
      const link = this.nextLink();
      if (link) {
        // An unfiltered dump reaching a block's first device copies the block's messages at once.
        if (this.whole && (this.at === 0 || blockOf(link.index) !== blockOf(this.at))) {
          const block = blockOf(link.index);
          const before = w.length;
          if (this.bodies.writeBlock(w, families[this.fam]!, block, this.entryFlags, this.seq, this.portid)) {
            this.at = blockEnd(block);
            this.list = [];
            if (w.length > before) return true;
            continue;
          }
        }
        this.at = link.index;
        this.list = model.addresses.list(this.at, families[this.fam]!);
        this.pos = 0;
      } else {
        this.fam++;
        this.at = 0;
        this.list = [];
      }
    }
    return false;
  }
}

/** PF_INET RTM_GETADDR dumpit: inet_dump_ifaddr(). */
export const inetDumpAddr = (req: Request) => dumpAddresses(req, ['inet']);
/** PF_INET6 RTM_GETADDR dumpit: inet6_dump_ifaddr(). */
export const inet6DumpAddr = (req: Request) => dumpAddresses(req, ['inet6']);
/** PF_UNSPEC RTM_GETADDR dumpit: rtnl_dump_all() walks AF_INET, then AF_INET6. */
export const dumpAllAddr = (req: Request) => dumpAddresses(req, ['inet', 'inet6']);

/** addrconf.c: inet6_rtm_getaddr() with inet6_rtm_valid_getaddr_req(); ifa_prefixlen is not compared. */
export function inet6GetAddr(req: Request): void {
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval('ipv6: Invalid header for get address request');
  const ifm = decodeIfAddrMsg(msg, NLMSGHDR_SIZE);
  let tb: AttrTable;
  if (req.session.strict) {
    if (ifm.prefixlen || ifm.flags || ifm.scope) throw einval('ipv6: Invalid values in header for get address request');
    tb = parseMessage(msg, IFADDRMSG_SIZE, IFA_IPV6_POLICY, true).attrs;
    for (const type of typesInOrder(tb)) {
      if (type !== IFA_TARGET_NETNSID && type !== IFA_ADDRESS && type !== IFA_LOCAL) {
        throw einval('ipv6: Unsupported attribute in get address request');
      }
    }
  } else {
    const parsed = parseMessage(msg, IFADDRMSG_SIZE, IFA_IPV6_POLICY, false);
    tb = parsed.attrs;
    req.warning = parsed.warning;
  }
  // IFA_TARGET_NETNSID: look in that namespace (unknown id: -EINVAL, no message). Linux then
  // unicasts the reply to the requester's portid *in the target namespace* (rtnl_unicast(skb,
  // tgt_net, ...)), where no such socket exists: -ECONNREFUSED (probe), unless the id is the
  // requester's own namespace.
  const target = targetOf(req, tb);
  if (tb.has(IFA_TARGET_NETNSID) && !target) throw new NlError(Errno.EINVAL);
  const model = target?.model ?? req.model;
  const a = model.addresses.getInet6({
    ifindex: ifm.index, address: addrAttr(tb, IFA_ADDRESS, IN6_ADDR_SIZE), local: addrAttr(tb, IFA_LOCAL, IN6_ADDR_SIZE),
  });
  if (model !== req.model) throw new NlError(Errno.ECONNREFUSED);
  writeAddrMessage(req.out, RTM_NEWADDR, 0, req.hdr.seq, req.session.portid, { ...addrMessage(model, a), targetNetnsid: target?.nsid });
}
