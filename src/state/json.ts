/** JSON with byte arrays (MAC and IP addresses) kept as `{"$hex": "..."}`, so snapshots round-trip. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? { $hex: Buffer.from(v).toString('hex') } : v));
}

/** A `{"$hex": "..."}` object as its bytes; anything else with its members revived in place. */
function revive(v: object): unknown {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (typeof item === 'object' && item !== null) v[i] = revive(item);
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.$hex === 'string' && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(o.$hex, 'hex'));
  for (const k in o) {
    const item = o[k];
    if (typeof item === 'object' && item !== null) o[k] = revive(item);
  }
  return o;
}

/**
 * The inverse of toJson. Revived by a walk after JSON.parse rather than a reviver: V8 calls a
 * reviver for every value, strings and numbers too, which made a snapshot of 100,000 routes
 * take seconds to load.
 */
export function fromJson<T>(text: string): T {
  const v: unknown = JSON.parse(text);
  return (typeof v === 'object' && v !== null ? revive(v) : v) as T;
}
