import { NlWriter } from './writer.js';

/**
 * An attribute described as data (type, encoding, value), for kind-specific nests such as
 * IFLA_INFO_DATA whose layout comes from a table rather than from code.
 */
export type TypedAttr =
  | [type: number, enc: 'u8' | 'u16' | 'be16' | 'u32' | 's32', value: number]
  | [type: number, enc: 'u64', value: bigint | number]
  | [type: number, enc: 'string', value: string]
  | [type: number, enc: 'binary', value: Uint8Array]
  | [type: number, enc: 'flag', value: true]
  | [type: number, enc: 'nested', value: TypedAttr[]];

export function writeTypedAttrs(w: NlWriter, attrs: readonly TypedAttr[]): void {
  for (const a of attrs) {
    switch (a[1]) {
      case 'u8': w.attrU8(a[0], a[2]); break;
      case 'u16': w.attrU16(a[0], a[2]); break;
      case 'be16': w.attrBe16(a[0], a[2]); break;
      case 'u32': w.attrU32(a[0], a[2]); break;
      case 's32': w.attrS32(a[0], a[2]); break;
      case 'u64': w.attrU64(a[0], a[2]); break;
      case 'string': w.attrString(a[0], a[2]); break;
      case 'binary': w.attrBytes(a[0], a[2]); break;
      case 'flag': w.attrBytes(a[0], new Uint8Array(0)); break;
      case 'nested': {
        const at = w.nestStart(a[0]);
        writeTypedAttrs(w, a[2]);
        w.nestEnd(at);
        break;
      }
    }
  }
}

/** A nest's content: attributes as data, or already encoded (a TypedAttrsTemplate's output). */
export type AttrsPayload = readonly TypedAttr[] | Uint8Array;

export function writeAttrsPayload(w: NlWriter, p: AttrsPayload): void {
  if (p instanceof Uint8Array) w.bytes(p);
  else writeTypedAttrs(w, p);
}

/**
 * A TypedAttr list encoded once, for lists written for every device of a dump where only a few
 * payloads differ (a bridge's IFLA_INFO_DATA: 42 attributes, 2 of them per bridge). encode()
 * copies the bytes and overwrites the payloads of the `variable` attributes, at the sizes the
 * list was encoded with: the same bytes as writeTypedAttrs() of the list with those values.
 */
export class TypedAttrsTemplate {
  private readonly bytes: Buffer;
  /** For each variable attribute: its encoding and where its payload starts. */
  private readonly slots: { enc: TypedAttr[1]; at: number; size: number }[] = [];

  constructor(attrs: readonly TypedAttr[], variable: readonly number[]) {
    const w = new NlWriter(1024);
    const at = new Map<number, number>();
    for (const a of attrs) {
      at.set(a[0], w.length + 4);
      writeTypedAttrs(w, [a]);
    }
    this.bytes = w.take();
    for (const type of variable) {
      const a = attrs.find((x) => x[0] === type);
      if (!a || !['u8', 'u16', 'be16', 'u32', 'binary'].includes(a[1])) throw new Error(`template: attribute ${type} cannot vary`);
      const size = a[1] === 'binary' ? (a[2] as Uint8Array).length : { u8: 1, u16: 2, be16: 2, u32: 4 }[a[1] as 'u8'];
      this.slots.push({ enc: a[1], at: at.get(type)!, size });
    }
  }

  /** The encoded list with `values[i]` as the payload of `variable[i]` (binary values of the template's sizes). */
  encode(values: readonly (number | Uint8Array)[]): Uint8Array {
    const out = Buffer.allocUnsafe(this.bytes.length);
    this.bytes.copy(out);
    for (let i = 0; i < this.slots.length; i++) {
      const { enc, at, size } = this.slots[i]!;
      const v = values[i]!;
      if (typeof v !== 'number') {
        if (v.length !== size) throw new Error(`template: payload of ${v.length} bytes for a ${size}-byte slot`);
        out.set(v, at);
      } else if (enc === 'be16') {
        out[at] = (v >>> 8) & 0xff;
        out[at + 1] = v & 0xff;
      } else {
        for (let k = 0; k < size; k++) out[at + k] = (v >>> (8 * k)) & 0xff;
      }
    }
    return out;
  }
}
