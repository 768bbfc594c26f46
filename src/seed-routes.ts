import { NLM_F_CREATE, NLM_F_EXCL, RTM_NEWROUTE } from '../protocol/constants.js';
import { strerror } from '../protocol/errno-names.js';
import { decodeNlMsgHdr, NLMSGHDR_SIZE } from '../protocol/structs.js';
import { NlWriter } from '../protocol/writer.js';
import { CommandFailed, ExitNow } from './cli/args.js';
import { routeChangeRequest, type DeviceResolver } from './cli/route-modify.js';
import type { NetworkModel } from './model/store.js';
import { findHandler } from './rtnl/dispatch.js';
import { toNlError } from './rtnl/errors.js';

/**
 * The seed file's `routes:`: each entry is what follows `ip route add` ("10.9.0.0/16 via
 * 10.0.0.2 metric 100", "blackhole 10.66.0.0/16", "2001:db8:1::/64 via 2001:db8::2 dev v0 table
 * 100", "default via 10.0.0.254 nexthop ..." and every other word iproute2 takes). The words are
 * turned into the RTM_NEWROUTE (NLM_F_CREATE | NLM_F_EXCL) that `ip route add` would send and
 * handed to the same handler a netlink request reaches, so a seed route is checked exactly as the
 * request would be and fails with the kernel's message.
 */

const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);

/** iproute2's message for a command line it refuses (usage text reduced to its first line). */
function parseMessage(e: ExitNow | CommandFailed): string {
  const text = e.stderr.split('\n')[0]!.replace(/^Error: /, '').replace(/^Usage: .*/, 'incomplete route (no destination)');
  return text.trim();
}

function request(text: string, resolve: DeviceResolver): Buffer {
  try {
    return routeChangeRequest(words(text), RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, 0, resolve);
  } catch (e) {
    if (e instanceof ExitNow || e instanceof CommandFailed) throw new Error(parseMessage(e));
    throw e;
  }
}

/** Checks a route's words without a model (devices are not known yet): throws an Error naming the problem. */
export function checkSeedRoute(text: string): void {
  request(text, () => 1);
}

/** Adds a seed route to the model through the RTM_NEWROUTE handler; throws an Error with the kernel's message. */
export function addSeedRoute(model: NetworkModel, text: string): void {
  const message = request(text, (name) => model.byName(name)?.index ?? 0);
  const handler = findHandler(message[NLMSGHDR_SIZE]!, RTM_NEWROUTE, 'doit');
  if (!handler?.doit) throw new Error('routes of this family are not modelled');
  const session = { portid: 0, strict: false, extAck: true, capAck: false, readOnly: false };
  try {
    handler.doit({ model, message, hdr: decodeNlMsgHdr(message), session, out: new NlWriter(64) });
  } catch (e) {
    const err = toNlError(e);
    throw new Error(err.extMsg ? `${err.extMsg} (${strerror(err.errno)})` : strerror(err.errno));
  }
}
