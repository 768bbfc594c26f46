import { AF_INET, IFLA_INET_CONF, NLA_TYPE_MASK } from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { NlError } from '../../protocol/nl-error.js';
import type { NlAttr } from '../../protocol/policy.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';

/** include/uapi/linux/ip.h: IPV4_DEVCONF_PROMOTE_SECONDARIES, and the highest devconf id on 6.18. */
const IPV4_DEVCONF_PROMOTE_SECONDARIES = 20;
const IPV4_DEVCONF_MAX = 33;

/** The nested attributes of a payload as [type, payload] pairs. */
function* nested(data: Buffer): IterableIterator<[number, Buffer]> {
  for (let pos = 0; pos + 4 <= data.length;) {
    const len = data.readUInt16LE(pos);
    if (len < 4 || pos + len > data.length) return;
    yield [data.readUInt16LE(pos + 2) & NLA_TYPE_MASK, data.subarray(pos + 4, pos + len)];
    pos += (len + 3) & ~3;
  }
}

/** The devconf entries of IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF, as [id, payload]. */
function inetConf(afSpec: NlAttr): Array<[number, Buffer]> {
  const out: Array<[number, Buffer]> = [];
  for (const [family, inet] of nested(afSpec.data)) {
    if (family !== AF_INET) continue;
    for (const [type, conf] of nested(inet)) if (type === IFLA_INET_CONF) out.push(...nested(conf));
  }
  return out;
}

const hasInet = (afSpec: NlAttr) => [...nested(afSpec.data)].some(([family]) => family === AF_INET);

/** devinet.c: inet_validate_link_af(), run by validate_linkmsg before anything changes. */
export function validateInetLinkAf(link: Link | undefined, afSpec: NlAttr): void {
  if (!hasInet(afSpec)) return;
  if (link && !link.inet) throw new NlError(Errno.EAFNOSUPPORT);
  for (const [id, value] of inetConf(afSpec)) {
    if (value.length < 4 || id <= 0 || id > IPV4_DEVCONF_MAX) throw new NlError(Errno.EINVAL);
  }
}

/**
 * devinet.c: inet_set_link_af(): per-device IPv4 settings. rtnld models promote_secondaries
 * (net.ipv4.conf.<dev>.promote_secondaries); the other values are accepted and not kept.
 * Returns whether AF_INET was given (do_setlink then owes a state-change notification).
 */
export function setInetLinkAf(model: NetworkModel, link: Link, afSpec: NlAttr): boolean {
  for (const [id, value] of inetConf(afSpec)) {
    if (id === IPV4_DEVCONF_PROMOTE_SECONDARIES) model.addresses.setPromoteSecondaries(link, value.readUInt32LE(0) !== 0);
  }
  return hasInet(afSpec);
}
