import type { NlWriter } from './writer.js';

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
