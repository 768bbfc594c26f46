import type { JsonObject, JsonValue } from './json.js';

/**
 * One record printed either as text or as JSON, in the style of iproute2's print_*() helpers:
 * `any()` is PRINT_ANY (text or a JSON member), `text()` is PRINT_FP, `json()` is PRINT_JSON.
 * Formatters call it in iproute2's order so that text layout and JSON key order both follow it.
 */
export class Printer {
  private out = '';
  private readonly stack: Array<JsonObject | JsonValue[]>;

  constructor(
    readonly isJson: boolean,
    /** The record's line separator: "\n", or "\\" with -oneline (iproute2's _SL_). */
    readonly sl = '\n',
    root: JsonObject = {},
  ) {
    this.stack = [root];
  }

  /** The JSON object being filled (the record itself at depth 0). */
  get root(): JsonObject {
    return this.stack[0] as JsonObject;
  }

  /** The text printed so far. */
  get textOut(): string {
    return this.out;
  }

  /** PRINT_FP */
  text(s: string): this {
    if (!this.isJson) this.out += s;
    return this;
  }

  /** PRINT_JSON: a member of the current object, or an element of the current array when key is null. */
  json(key: string | null, value: JsonValue): this {
    if (!this.isJson) return this;
    const top = this.stack[this.stack.length - 1]!;
    if (Array.isArray(top)) top.push(value);
    else if (key !== null) top[key] = value;
    return this;
  }

  /** PRINT_ANY: `text` in text mode, `key: value` in JSON mode. */
  any(key: string | null, text: string, value: JsonValue): this {
    return this.isJson ? this.json(key, value) : this.text(text);
  }

  openObject(key: string | null): this {
    if (!this.isJson) return this;
    const obj: JsonObject = {};
    this.json(key, obj);
    this.stack.push(obj);
    return this;
  }

  openArray(key: string | null): this {
    if (!this.isJson) return this;
    const arr: JsonValue[] = [];
    this.json(key, arr);
    this.stack.push(arr);
    return this;
  }

  close(): this {
    if (this.isJson && this.stack.length > 1) this.stack.pop();
    return this;
  }
}
