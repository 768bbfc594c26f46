import { align4, NLA_HDRLEN, NLMSG_HDRLEN } from './align.js';
import { forEachAttr, messageView, type NlAttr } from './attr-walk.js';
import {
  NL_ATTR_TYPE_BINARY,
  NL_ATTR_TYPE_NESTED,
  NL_ATTR_TYPE_NUL_STRING,
  NL_ATTR_TYPE_S32,
  NL_ATTR_TYPE_STRING,
  NL_ATTR_TYPE_U16,
  NL_ATTR_TYPE_U32,
  NL_ATTR_TYPE_U64,
  NL_ATTR_TYPE_U8,
  NL_POLICY_TYPE_ATTR_MASK,
  NL_POLICY_TYPE_ATTR_MAX_LENGTH,
  NL_POLICY_TYPE_ATTR_MAX_VALUE_S,
  NL_POLICY_TYPE_ATTR_MAX_VALUE_U,
  NL_POLICY_TYPE_ATTR_MIN_VALUE_S,
  NL_POLICY_TYPE_ATTR_MIN_VALUE_U,
  NL_POLICY_TYPE_ATTR_TYPE,
} from './constants.js';
import { Errno } from './errno.js';
import { NlError, type PolicyInfo } from './nl-error.js';

export type { NlAttr } from './attr-walk.js';

/**
 * Attribute policies as data, after the kernel's struct nla_policy (include/net/netlink.h),
 * walked by one generic validator (lib/nlattr.c: __nla_validate_parse, validate_nla).
 */
export type AttrKind =
  | 'unspec' // NLA_UNSPEC: only `len` (a minimum) is checked
  | 'u8'
  | 'u16'
  | 'u32'
  | 'u64'
  | 's32'
  | 'string' // NLA_STRING: `len` is the maximum length without the NUL
  | 'nul_string'
  | 'binary' // NLA_BINARY: `len` is the maximum length
  | 'nested'
  | 'flag'
  | 'reject'; // NLA_REJECT

export interface AttrPolicy {
  kind: AttrKind;
  len?: number;
  /** NLA_POLICY_MIN: smallest accepted integer value. */
  min?: number;
  /** NLA_POLICY_MASK: bits an integer may have ("reserved bit set" otherwise). */
  mask?: number;
}

export interface Policy {
  name: string;
  maxType: number;
  attrs: Readonly<Record<number, AttrPolicy>>;
  /** nla_policy[0].strict_start_type: attributes from this type on are validated strictly. */
  strictStartType?: number;
}

/** Parsed attributes indexed by type; a repeated attribute keeps the last one, as tb[] does. */
export type AttrTable = Map<number, NlAttr>;

export interface ParseResult {
  attrs: AttrTable;
  /** Set when the kernel would attach a warning to a successful ACK. */
  warning?: string;
}

const FIXED_LEN: Partial<Record<AttrKind, number>> = { u8: 1, u16: 2, u32: 4, u64: 8, s32: 4 };

const POLICY_FAILED = 'Attribute failed policy validation';

/** The NLMSGERR_ATTR_POLICY nest the kernel writes for a failing attribute (net/netlink/policy.c). */
function policyInfo(p: AttrPolicy): PolicyInfo | undefined {
  const entries: PolicyInfo['entries'] = [];
  const unsigned = (type: number, bits: number) => {
    // netlink_policy_dump_attr_size_estimate(): a NLA_VALIDATE_MASK entry reports its mask instead of a range.
    if (p.mask !== undefined) {
      entries.push([NL_POLICY_TYPE_ATTR_MASK, 'u64', BigInt(p.mask)]);
      entries.push([NL_POLICY_TYPE_ATTR_TYPE, 'u32', type]);
      return;
    }
    entries.push([NL_POLICY_TYPE_ATTR_MIN_VALUE_U, 'u64', BigInt(p.min ?? 0)]);
    entries.push([NL_POLICY_TYPE_ATTR_MAX_VALUE_U, 'u64', (1n << BigInt(bits)) - 1n]);
    entries.push([NL_POLICY_TYPE_ATTR_TYPE, 'u32', type]);
  };
  switch (p.kind) {
    case 'u8': unsigned(NL_ATTR_TYPE_U8, 8); break;
    case 'u16': unsigned(NL_ATTR_TYPE_U16, 16); break;
    case 'u32': unsigned(NL_ATTR_TYPE_U32, 32); break;
    case 'u64': unsigned(NL_ATTR_TYPE_U64, 64); break;
    case 's32':
      entries.push([NL_POLICY_TYPE_ATTR_MIN_VALUE_S, 's64', BigInt(p.min ?? -0x80000000)]);
      entries.push([NL_POLICY_TYPE_ATTR_MAX_VALUE_S, 's64', 0x7fffffffn]);
      entries.push([NL_POLICY_TYPE_ATTR_TYPE, 'u32', NL_ATTR_TYPE_S32]);
      break;
    case 'string':
    case 'nul_string':
    case 'binary':
      if (p.len) entries.push([NL_POLICY_TYPE_ATTR_MAX_LENGTH, 'u32', p.len]);
      entries.push([NL_POLICY_TYPE_ATTR_TYPE, 'u32',
        p.kind === 'string' ? NL_ATTR_TYPE_STRING : p.kind === 'binary' ? NL_ATTR_TYPE_BINARY : NL_ATTR_TYPE_NUL_STRING]);
      break;
    case 'nested':
      entries.push([NL_POLICY_TYPE_ATTR_TYPE, 'u32', NL_ATTR_TYPE_NESTED]);
      break;
    default:
      return undefined; // unspec and reject carry no POLICY nest
  }
  return { entries };
}

function readInt(p: AttrPolicy, data: Buffer): number {
  switch (p.kind) {
    case 'u8': return data.readUInt8(0);
    case 'u16': return data.readUInt16LE(0);
    case 's32': return data.readInt32LE(0);
    default: return data.readUInt32LE(0);
  }
}

/** Throws validate_nla()'s error for `attr` (a function, not a closure made per attribute validated). */
function failAttr(attr: NlAttr, p: AttrPolicy, errno: number, msg = POLICY_FAILED, withPolicy = true): never {
  throw new NlError(errno, msg, attr.offset, withPolicy ? policyInfo(p) : undefined);
}

/** validate_nla(): one attribute against its policy entry. Throws NlError on failure. */
function validateAttr(attr: NlAttr, p: AttrPolicy, strictAttrs: boolean): void {
  const n = attr.data.length;
  const fixed = FIXED_LEN[p.kind];
  if (fixed !== undefined && strictAttrs && n !== fixed) failAttr(attr, p, Errno.EINVAL, 'invalid attribute length');
  switch (p.kind) {
    case 'reject':
      failAttr(attr, p, Errno.EINVAL, POLICY_FAILED, false);
      break;
    case 'flag':
      if (n > 0) failAttr(attr, p, Errno.ERANGE);
      break;
    case 'string': {
      if (n < 1) failAttr(attr, p, Errno.ERANGE);
      if (p.len) {
        const len = attr.data[n - 1] === 0 ? n - 1 : n;
        if (len > p.len) failAttr(attr, p, Errno.ERANGE);
      }
      break;
    }
    case 'nul_string': {
      const max = p.len ? p.len + 1 : 0;
      if (n < 1 || (max && n > max)) failAttr(attr, p, Errno.ERANGE);
      if (attr.data.indexOf(0) < 0) failAttr(attr, p, Errno.EINVAL);
      break;
    }
    case 'binary':
      if (p.len && n > p.len) failAttr(attr, p, Errno.ERANGE);
      break;
    case 'nested':
      if (n > 0 && n < NLA_HDRLEN) failAttr(attr, p, Errno.ERANGE);
      break;
    default: {
      const minLen = p.len ?? fixed ?? 0;
      if (n < minLen) failAttr(attr, p, Errno.ERANGE, POLICY_FAILED, p.kind !== 'unspec');
    }
  }
  if (p.mask !== undefined && fixed !== undefined && (readInt(p, attr.data) & ~p.mask) !== 0) {
    throw new NlError(Errno.EINVAL, 'reserved bit set', attr.offset);
  }
  if (p.min !== undefined && fixed !== undefined && readInt(p, attr.data) < p.min) {
    failAttr(attr, p, Errno.ERANGE, 'integer out of range');
  }
}

/**
 * __nla_validate_parse(): walks the attribute stream msg[start, end) and validates each
 * attribute against `policy`. `strict` is nlmsg_parse_deprecated_strict (unknown types and
 * trailing bytes are errors); otherwise the liberal nlmsg_parse_deprecated.
 */
export function parseAttrs(msg: Buffer, start: number, end: number, policy: Policy, strict: boolean): ParseResult {
  const attrs: AttrTable = new Map();
  const stop = forEachAttr(msg, start, end, (attr) => {
    const type = attr.type;
    if (type === 0 || type > policy.maxType) {
      if (strict) throw new NlError(Errno.EINVAL, 'Unknown attribute type', attr.offset);
      return;
    }
    const p = policy.attrs[type];
    if (p) {
      const strictAttrs = policy.strictStartType !== undefined && type >= policy.strictStartType;
      validateAttr(attr, p, strictAttrs);
    }
    attrs.set(type, attr);
  });
  if (end - stop > 0) {
    const warning = 'bytes leftover after parsing attributes';
    if (strict) throw new NlError(Errno.EINVAL, warning);
    return { attrs, warning };
  }
  return { attrs };
}

/** nlmsg_parse(): the attributes after a message's fixed header of `hdrlen` bytes (NLMSG_ALIGNed). */
export function parseMessage(msg: Buffer, hdrlen: number, policy: Policy, strict: boolean): ParseResult {
  return parseAttrs(msg, NLMSG_HDRLEN + align4(hdrlen), msg.length, policy, strict);
}

/** nla_validate(attr, attr->nla_len, ...): one attribute checked on its own against `policy`. */
export function validateOne(attr: NlAttr, policy: Policy): void {
  const msg = messageView(attr);
  parseAttrs(msg, attr.offset, msg.length, policy, true);
}

/**
 * nla_parse_nested_deprecated(): the payload of `attr` parsed with `policy`, with the warning
 * (trailing bytes) the kernel leaves in the extack. `hdrlen` skips a fixed struct that starts
 * the payload (VETH_INFO_PEER's ifinfomsg: rtnl_nla_parse_ifinfomsg).
 */
export function parseNestedAttrs(attr: NlAttr, policy: Policy, strict = false, hdrlen = 0): ParseResult {
  // Offsets of nested attributes stay relative to the message, as extack reports them.
  const base = attr.offset + NLA_HDRLEN;
  return parseAttrs(messageView(attr), base + hdrlen, base + attr.data.length, policy, strict);
}

/** nla_parse_nested_deprecated() as a table (tb[]). */
export function parseNested(attr: NlAttr, policy: Policy, strict = false): AttrTable {
  return parseNestedAttrs(attr, policy, strict).attrs;
}

// --- value accessors (the kernel's nla_get_*; the policy already checked the lengths) ---

export const attrU8 = (a: NlAttr): number => a.data.readUInt8(0);
export const attrU16 = (a: NlAttr): number => a.data.readUInt16LE(0);
export const attrBe16 = (a: NlAttr): number => a.data.readUInt16BE(0);
export const attrU32 = (a: NlAttr): number => a.data.readUInt32LE(0);
export const attrS32 = (a: NlAttr): number => a.data.readInt32LE(0);

/** nla_strscpy(): the string up to its first NUL, or the whole payload if there is none. */
export function attrString(a: NlAttr): string {
  const nul = a.data.indexOf(0);
  return a.data.toString('utf8', 0, nul < 0 ? a.data.length : nul);
}
