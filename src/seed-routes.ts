import { NLM_F_CREATE, NLM_F_EXCL, RTM_NEWROUTE } from '../protocol/constants.js';
import { routeChangeRequest, type DeviceResolver } from './cli/route-modify.js';
import type { NetworkModel } from './model/store.js';
import { handleSeedRequest, parseRefusal, seedWords } from './seed-request.js';

/**
 * The seed file's `routes:`: each entry is what follows `ip route add` ("10.9.0.0/16 via
 * 10.0.0.2 metric 100", "blackhole 10.66.0.0/16", "2001:db8:1::/64 via 2001:db8::2 dev v0 table
 * 100", "default via 10.0.0.254 nexthop ..." and every other word iproute2 takes). The words are
 * turned into the RTM_NEWROUTE (NLM_F_CREATE | NLM_F_EXCL) that `ip route add` would send and
 * handed to the same handler a netlink request reaches (src/seed-request.ts).
 */

/**
 * Requests already built, by text, for routes that name no device (their bytes do not depend on
 * the model): a rig repeats the same routes in every namespace, and each is built twice (checked
 * when the seed is read, built again when applied). Handed out as copies: a handler may rewrite
 * its request's flags (inet6NewRoute with RTA_MULTIPATH).
 */
const built = new Map<string, Buffer>();
const BUILT_MAX = 4096;

function request(text: string, resolve: DeviceResolver): Buffer {
  const hit = built.get(text);
  if (hit) return Buffer.from(hit);
  let named = false;
  let message: Buffer;
  try {
    message = routeChangeRequest(seedWords(text), RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, 0, (name) => {
      named = true;
      return resolve(name);
    });
  } catch (e) {
    throw parseRefusal(e, 'incomplete route (no destination)');
  }
  if (!named) {
    if (built.size >= BUILT_MAX) built.clear();
    built.set(text, Buffer.from(message));
  }
  return message;
}

/** Checks a route's words without a model (devices are not known yet): throws an Error naming the problem. */
export function checkSeedRoute(text: string): void {
  request(text, () => 1);
}

/** Adds a seed route to the model through the RTM_NEWROUTE handler; throws an Error with the kernel's message. */
export function addSeedRoute(model: NetworkModel, text: string): void {
  handleSeedRequest(model, request(text, (name) => model.byName(name)?.index ?? 0), 'routes');
}
