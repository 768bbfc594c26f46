/** JSON with byte arrays (MAC and IP addresses) kept as `{"$hex": "..."}`, so snapshots round-trip. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? { $hex: Buffer.from(v).toString('hex') } : v));
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v && typeof v === 'object' && '$hex' in v && Object.keys(v).length === 1) {
      return new Uint8Array(Buffer.from((v as { $hex: string }).$hex, 'hex'));
    }
    return v;
  }) as T;
}
