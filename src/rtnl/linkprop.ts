import { nestedAttrs } from '../../protocol/attr-walk.js';
import { IFLA_ALT_IFNAME, IFLA_PROP_LIST, RTM_NEWLINKPROP } from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { IFLA_POLICY } from '../../protocol/link-policy.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrString, validateOne } from '../../protocol/policy.js';
import { einval } from './errors.js';
import { lookupLink } from './link-lookup.js';
import { parseLinkRequest } from './newlink.js';
import type { Request } from './request.js';

/** rtnl_linkprop(): RTM_NEWLINKPROP / RTM_DELLINKPROP add or remove altnames (IFLA_PROP_LIST). */
export function linkProp(req: Request): void {
  const { ifm, tb } = parseLinkRequest(req);
  const link = lookupLink(req.model, ifm.index, tb);
  if (link === 'unidentified') throw einval();
  if (!link) throw new NlError(Errno.ENODEV);
  const list = tb.get(IFLA_PROP_LIST);
  if (!list) return;
  const adding = req.hdr.type === RTM_NEWLINKPROP;
  let changed = false;
  // Each entry is validated against ifla_policy on its own (nla_validate), then applied in order.
  for (const entry of nestedAttrs(list)) {
    if (entry.type !== IFLA_ALT_IFNAME) continue;
    validateOne(entry, IFLA_POLICY);
    const name = attrString(entry);
    if (adding) req.model.addAltname(link, name);
    else req.model.deleteAltname(link, name);
    changed = true;
  }
  if (changed) req.model.stateChanged(link);
}
