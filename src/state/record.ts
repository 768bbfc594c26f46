/**
 * What one journal record holds. A request made in the initial namespace that named no other
 * namespace is stored as its bare netlink bytes (the format before namespaces were durable);
 * anything else as `u32 0` (no netlink message has length 0), `u32 n`, n bytes of JSON saying
 * where it happened, then the request bytes, if any.
 */

/** Where a request was made and the namespaces it named by fd or pid: what replaying it needs. */
export interface RequestNetns {
  netns: string;
  fds?: Record<number, string>;
  pids?: Record<number, string>;
}

export type StateRecord =
  | { kind: 'request'; message: Buffer; where?: RequestNetns | undefined }
  | { kind: 'netns-add' | 'netns-del'; name: string }
  /** An id `observer` gave `peer` outside a journaled request (lazily, while building a message). */
  | { kind: 'nsid'; observer: string; peer: string; nsid: number };

export function encodeRecord(r: StateRecord): Buffer {
  if (r.kind === 'request' && (r.where === undefined || isPlain(r.where))) return r.message;
  const { message, ...head } = r.kind === 'request' ? r : { ...r, message: undefined };
  const json = Buffer.from(JSON.stringify(head));
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(json.length, 4);
  return Buffer.concat(message ? [prefix, json, message] : [prefix, json]);
}

export function decodeRecord(b: Buffer): StateRecord {
  if (b.length < 8 || b.readUInt32LE(0) !== 0) return { kind: 'request', message: b };
  const n = b.readUInt32LE(4);
  const head = JSON.parse(b.subarray(8, 8 + n).toString('utf8')) as StateRecord;
  if (head.kind === 'request') return { ...head, message: b.subarray(8 + n) };
  return head;
}

function isPlain(w: RequestNetns): boolean {
  return w.netns === '' && Object.keys(w.fds ?? {}).length === 0 && Object.keys(w.pids ?? {}).length === 0;
}
