import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, RTM_NEWNEIGH } from '../protocol/constants.js';
import { writeFdbRequest } from '../protocol/fdb-message.js';
import { NlWriter } from '../protocol/writer.js';
import { Args } from './cli/args.js';
import { fdbRequest } from './cli/fdb.js';
import type { NetworkModel } from './model/store.js';
import { handleSeedRequest, parseRefusal, seedWords } from './seed-request.js';

/**
 * The seed file's `fdb:`: each entry is what follows `bridge fdb add` ("02:00:00:00:00:09 dev v0
 * master static", "02:00:00:00:00:0a dev br0 self local"). The words become the AF_BRIDGE
 * RTM_NEWNEIGH (NLM_F_CREATE | NLM_F_EXCL) `bridge fdb add` would send, handled as that request
 * (src/seed-request.ts), after every link exists.
 */
function request(text: string, ifindexOf: (name: string) => number | undefined): Buffer {
  let entry;
  try {
    entry = fdbRequest(new Args(seedWords(text)));
  } catch (e) {
    throw parseRefusal(e, 'incomplete entry');
  }
  const ifindex = ifindexOf(entry.dev);
  if (ifindex === undefined) throw new Error(`Cannot find device "${entry.dev}"`);
  const w = new NlWriter();
  writeFdbRequest(w, RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 0, { ...entry, ifindex });
  return w.take();
}

/** Checks an entry's words (before any link exists): throws an Error naming the problem. */
export function checkSeedFdb(text: string): void {
  request(text, () => 1);
}

/** Adds a seed FDB entry through the AF_BRIDGE RTM_NEWNEIGH handler; throws an Error with the kernel's message. */
export function addSeedFdb(model: NetworkModel, text: string): void {
  handleSeedRequest(model, request(text, (name) => model.byName(name)?.index), 'FDB entries');
}
