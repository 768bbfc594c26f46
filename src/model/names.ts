// Interface name rules of net/core/dev.c: dev_valid_name() and __dev_alloc_name().

import { IFNAMSIZ } from '../../protocol/constants.js';

export { ALTIFNAMSIZ, IFNAMSIZ } from '../../protocol/constants.js';
const MAX_UNIT = 32767;

/** dev_valid_name(): non-empty, < IFNAMSIZ bytes, not "." or "..", no '/', ':' or whitespace. */
export function isValidName(name: string, size = IFNAMSIZ): boolean {
  if (name.length === 0 || Buffer.byteLength(name) >= size) return false;
  if (name === '.' || name === '..') return false;
  return !/[/:\s]/.test(name) && !/[\v\f]/.test(name);
}

/** A name with exactly one "%d" and no other '%' is a template; any other '%' is invalid. */
export function templateOf(name: string): { prefix: string; suffix: string } | 'invalid' | undefined {
  if (!name.includes('%')) return undefined;
  const at = name.indexOf('%d');
  if (at < 0 || name.indexOf('%', at + 1) >= 0 || name.lastIndexOf('%', at - 1) >= 0) return 'invalid';
  return { prefix: name.slice(0, at), suffix: name.slice(at + 2) };
}

/** __dev_alloc_name(): the lowest unit 0..32767 whose name is unused; undefined when all are taken. */
export function allocateName(tpl: { prefix: string; suffix: string }, taken: (name: string) => boolean): string | undefined {
  for (let unit = 0; unit <= MAX_UNIT; unit++) {
    const name = `${tpl.prefix}${unit}${tpl.suffix}`;
    if (!taken(name)) return name;
  }
  return undefined;
}
