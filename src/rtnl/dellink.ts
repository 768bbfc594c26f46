import { IFLA_GROUP, IFLA_NET_NS_FD, IFLA_NET_NS_PID, NLM_F_ECHO } from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrU32 } from '../../protocol/policy.js';
import { KINDS } from '../model/kinds.js';
import { einval } from './errors.js';
import { lookupLink, namesDevice } from './link-lookup.js';
import { parseLinkRequest, requestedNetns } from './newlink.js';
import { causeOf, type Request } from './request.js';

/** rtnl_dellink(): by index or name, or every device of an IFLA_GROUP. */
export function delLink(req: Request): void {
  const { ifm, tb } = parseLinkRequest(req);
  if (tb.has(IFLA_NET_NS_PID) || tb.has(IFLA_NET_NS_FD)) {
    throw new NlError(Errno.EOPNOTSUPP, 'specified netns attribute not supported');
  }
  // IFLA_TARGET_NETNSID: the device is looked for in that namespace (unknown id: -EINVAL, no message).
  const model = requestedNetns(req, tb, true)?.model ?? req.model;
  const cause = causeOf(req, (req.hdr.flags & NLM_F_ECHO) !== 0);
  const found = lookupLink(model, ifm.index, tb);
  if (found === 'unidentified') {
    const group = tb.get(IFLA_GROUP);
    if (!group) throw einval();
    // rtnl_group_dellink(): group 0 is everyone's; all members must be deletable or none goes.
    const g = attrU32(group);
    if (g === 0) throw new NlError(Errno.EPERM);
    const members = [...model.iterate()].filter((l) => l.group === g);
    if (members.length === 0) throw new NlError(Errno.ENODEV);
    if (members.some((l) => !KINDS[l.kind].deletable)) throw new NlError(Errno.EOPNOTSUPP);
    for (const l of members) if (model.byIndex(l.index) === l) model.deleteLink(l, cause);
    return;
  }
  if (!found) throw new NlError(namesDevice(ifm.index, tb) ? Errno.ENODEV : Errno.EINVAL);
  model.deleteLink(found, cause);
}
