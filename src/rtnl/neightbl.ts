import { AF_INET, AF_INET6, NDTA_MAX, NDTA_NAME, NLM_F_MULTI } from '../../protocol/constants.js';
import { Errno } from '../../protocol/errno.js';
import { writeNeighParmsMessage, writeNeighTableMessage, type NeighParmsMessage } from '../../protocol/neigh-message.js';
import { NlError } from '../../protocol/nl-error.js';
import { attrString, parseAttrs } from '../../protocol/policy.js';
import { NDTMSG_SIZE, NLMSGHDR_SIZE } from '../../protocol/structs.js';
import type { NlWriter } from '../../protocol/writer.js';
import type { NeighFamily } from '../model/neighbours/neighbour.js';
import { TABLE_GC, TABLE_NAME, type NeighParams } from '../model/neighbours/params.js';
import type { NetworkModel } from '../model/store.js';
import { einval } from './errors.js';
import type { DumpCursor, Request } from './request.js';

const PAYLOAD_START = NLMSGHDR_SIZE + NDTMSG_SIZE;
const FAMILY = { inet: AF_INET, inet6: AF_INET6 } as const;
/** ndt_config key_len and entry_size (sizeof(struct neighbour) + the key) on 6.18 x86_64. */
const CONFIG = { inet: [4, 336], inet6: [16, 360] } as const;

function parmsMessage(p: NeighParams, ifindex?: number): NeighParmsMessage {
  return { ...p, ifindex, refcnt: 1 };
}

/** One table's messages (neightbl_fill_info, then neightbl_fill_param_info per device: newest first, lo last). */
function* tableMessages(model: NetworkModel, family: NeighFamily): IterableIterator<(w: NlWriter, seq: number, pid: number) => void> {
  const params = model.neighbours.params[family];
  const size = model.neighbours.tables[family].size;
  yield (w, seq, pid) => writeNeighTableMessage(w, NLM_F_MULTI, seq, pid, {
    family: FAMILY[family], name: TABLE_NAME[family], gcInterval: TABLE_GC.interval,
    thresh: [TABLE_GC.thresh1, TABLE_GC.thresh2, TABLE_GC.thresh3],
    config: [CONFIG[family][0], CONFIG[family][1], size, 0, 0, 0, 0, 0, 0],
    stats: new Array<number>(11).fill(0), parms: parmsMessage(params),
  });
  const links = [...model.iterate()].reverse();
  for (const l of links) {
    yield (w, seq, pid) => writeNeighParmsMessage(w, NLM_F_MULTI, seq, pid, FAMILY[family], TABLE_NAME[family], parmsMessage(params, l.index));
  }
}

/** RTM_GETNEIGHTBL dump (neightbl_dump_info, neightbl_valid_dump_info when strict). */
export function dumpNeighTables(req: Request): DumpCursor {
  const msg = req.message;
  if (req.session.strict) {
    let error: NlError | undefined;
    if (msg.length < PAYLOAD_START) error = einval('Invalid header for neighbor table dump request');
    else if (msg[NLMSGHDR_SIZE + 1] || msg.readUInt16LE(NLMSGHDR_SIZE + 2)) error = einval('Invalid values in header for neighbor table dump request');
    else if (msg.length > PAYLOAD_START) error = einval('Invalid data after header in neighbor table dump request');
    if (error) return { doneFlags: 0, error, generation: () => 0, next: () => false };
  }
  const family = msg[NLMSGHDR_SIZE]!;
  const model = req.model;
  function* walk() {
    for (const f of ['inet', 'inet6'] as const) if (!family || FAMILY[f] === family) yield* tableMessages(model, f);
  }
  const it = walk();
  const { seq } = req.hdr;
  const { portid } = req.session;
  return {
    doneFlags: 0,
    generation: () => 0,
    next(w: NlWriter): boolean {
      const step = it.next();
      if (step.done) return false;
      step.value(w, seq, portid);
      return true;
    },
  };
}

/**
 * RTM_SETNEIGHTBL (neightbl_set): the table is found by NDTA_NAME as Linux does; changing its
 * parameters is not modelled and is refused rather than acknowledged and ignored.
 */
export function setNeighTable(req: Request): void {
  const msg = req.message;
  if (msg.length < PAYLOAD_START) throw einval('Invalid header length');
  const tb = parseAttrs(msg, PAYLOAD_START, msg.length, { name: 'nl_neightbl', maxType: NDTA_MAX, attrs: { [NDTA_NAME]: { kind: 'string' } } }, false).attrs;
  const name = tb.get(NDTA_NAME);
  if (!name) throw new NlError(Errno.EINVAL);
  const family = msg[NLMSGHDR_SIZE]!;
  const known = (['inet', 'inet6'] as const).some((f) => TABLE_NAME[f] === attrString(name) && (!family || FAMILY[f] === family));
  if (!known) throw new NlError(Errno.ENOENT);
  throw new NlError(Errno.EOPNOTSUPP, 'rtnld: neighbour table parameters are not settable');
}
