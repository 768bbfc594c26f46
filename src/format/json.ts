/**
 * JSON values as iproute2 prints them (lib/json_writer.c): compact `-j` output, and `-j -p`
 * output with its own layout (4-space indentation, `[ {`, arrays of scalars on one line).
 */
export type JsonValue = string | number | bigint | boolean | null | JsonRaw | JsonObject | JsonValue[];
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A value printed verbatim, for numbers iproute2 formats itself (e.g. timers as "%.2f"). */
export class JsonRaw {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/** jsonw_puts(): escapes only \t \n \r \f \b \\ and ", as iproute2 does. */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '\t': out += '\\t'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\f': out += '\\f'; break;
      case '\b': out += '\\b'; break;
      case '\\': out += '\\\\'; break;
      case '"': out += '\\"'; break;
      default: out += ch;
    }
  }
  return out + '"';
}

/** The state machine of json_writer.c: `sep` and `depth` decide commas, newlines and indentation. */
class Writer {
  out = '';
  private sep = '';
  private depth = 0;

  constructor(private readonly pretty: boolean) {}

  private indent(): void {
    this.out += '    '.repeat(this.depth);
  }

  private eol(): void {
    if (!this.pretty) return;
    this.out += '\n';
    this.indent();
  }

  private eor(): void {
    if (this.sep) this.out += this.sep;
    this.sep = ',';
  }

  private begin(c: string): void {
    this.eor();
    this.out += c;
    this.depth++;
    this.sep = '';
  }

  private end(c: string): void {
    this.depth--;
    if (this.sep) this.eol();
    this.out += c;
    this.sep = ',';
  }

  name(key: string): void {
    this.eor();
    this.eol();
    this.sep = '';
    this.out += quote(key) + ':';
    if (this.pretty) this.out += ' ';
  }

  scalar(text: string): void {
    this.eor();
    this.out += text;
  }

  startObject(): void {
    this.begin('{');
  }

  endObject(): void {
    this.end('}');
  }

  startArray(): void {
    this.begin('[');
    if (this.pretty) this.out += ' ';
  }

  endArray(): void {
    if (this.pretty && this.sep) this.out += ' ';
    this.sep = '';
    this.end(']');
  }

  value(v: JsonValue): void {
    if (v === null) this.scalar('null');
    else if (typeof v === 'string') this.scalar(quote(v));
    else if (typeof v === 'number' || typeof v === 'bigint') this.scalar(String(v));
    else if (typeof v === 'boolean') this.scalar(v ? 'true' : 'false');
    else if (v instanceof JsonRaw) this.scalar(v.text);
    else if (Array.isArray(v)) {
      this.startArray();
      for (const item of v) this.value(item);
      this.endArray();
    } else {
      this.startObject();
      for (const [k, item] of Object.entries(v)) {
        this.name(k);
        this.value(item);
      }
      this.endObject();
    }
  }
}

/** Serialises like iproute2's json writer; the result ends with a newline, as `ip -j` output does. */
export function stringifyJson(value: JsonValue, pretty = false): string {
  const w = new Writer(pretty);
  w.value(value);
  return w.out + '\n';
}
