/**
 * Flattens a netlink message into one line per attribute ("path type len payload") so that two
 * messages can be compared attribute by attribute, with volatile values (timers, timestamps)
 * masked by path. Nests listed in NESTS are descended into.
 */
export interface FlatAttr {
  path: string;
  len: number;
  payload: string;
}

/** Attribute paths (type numbers joined by '/') whose payload is a nest to walk into. */
const NESTS = new Set(['18', '18/2', '18/5', '26', '26/2', '26/10', '43', '52']);

function walk(buf: Buffer, start: number, end: number, prefix: string, out: FlatAttr[]): void {
  let pos = start;
  while (pos + 4 <= end) {
    const len = buf.readUInt16LE(pos);
    if (len < 4) break;
    const type = buf.readUInt16LE(pos + 2);
    const path = prefix ? `${prefix}/${type & 0x3fff}` : `${type & 0x3fff}`;
    const payload = buf.subarray(pos + 4, pos + len);
    out.push({ path: `${path}${type & 0x8000 ? '(N)' : ''}`, len, payload: NESTS.has(path) ? '' : payload.toString('hex') });
    if (NESTS.has(path)) walk(buf, pos + 4, pos + len, path, out);
    pos += (len + 3) & ~3;
  }
}

export function flattenLink(msg: Buffer): { header: string; attrs: FlatAttr[] } {
  const out: FlatAttr[] = [];
  walk(msg, 32, msg.readUInt32LE(0), '', out);
  return { header: msg.subarray(0, 32).toString('hex'), attrs: out };
}

/** Replaces the payload of attributes whose path is in `volatile` by '*'. */
export function mask(attrs: FlatAttr[], volatile: readonly string[]): FlatAttr[] {
  return attrs.map((a) => (volatile.includes(a.path) ? { ...a, payload: '*' } : a));
}
