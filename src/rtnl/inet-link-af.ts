import { IFLA_INET_CONF } from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { nestedAttrs } from '../../protocol/attr-walk.js';
import { INET_AF_POLICY } from '../../protocol/link-policy.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrU32, parseNestedAttrs, type NlAttr } from '../../protocol/policy.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';

/** include/uapi/linux/ip.h: IPV4_DEVCONF_PROMOTE_SECONDARIES, and the highest devconf id on 6.18. */
const IPV4_DEVCONF_PROMOTE_SECONDARIES = 20;
const IPV4_DEVCONF_MAX = 33;

/** One IFLA_AF_SPEC / AF_INET nest parsed: its IFLA_INET_CONF entries and the parse's warning. */
function inetConf(inet: NlAttr): { entries: NlAttr[]; warning: string | undefined } {
  const { attrs, warning } = parseNestedAttrs(inet, INET_AF_POLICY);
  const conf = attrs.get(IFLA_INET_CONF);
  return { entries: conf ? nestedAttrs(conf) : [], warning };
}

/**
 * devinet.c: inet_validate_link_af(), run by validate_linkmsg for each AF_INET nest before
 * anything changes. Returns the extack warning of the nested parse (trailing bytes), if any.
 */
export function validateInetLinkAf(link: Link | undefined, inet: NlAttr): string | undefined {
  if (link && !link.inet) throw new NlError(Errno.EAFNOSUPPORT);
  const { entries, warning } = inetConf(inet);
  for (const entry of entries) {
    if (entry.data.length < 4 || entry.type <= 0 || entry.type > IPV4_DEVCONF_MAX) throw new NlError(Errno.EINVAL);
  }
  return warning;
}

/**
 * devinet.c: inet_set_link_af(): per-device IPv4 settings of one AF_INET nest. rtnld models
 * promote_secondaries (net.ipv4.conf.<dev>.promote_secondaries); the other values are accepted
 * and not kept.
 */
export function setInetLinkAf(model: NetworkModel, link: Link, inet: NlAttr): void {
  for (const entry of inetConf(inet).entries) {
    if (entry.type === IPV4_DEVCONF_PROMOTE_SECONDARIES) model.addresses.setPromoteSecondaries(link, attrU32(entry) !== 0);
  }
}
