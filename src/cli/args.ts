/**
 * iproute2's argument conventions: words may be abbreviated to any prefix (matches()), options
 * take their value from the next word (NEXT_ARG), and failures either return from the command
 * (exit status 1, or 2 for netlink errors) or end the program at once (exit(-1) = 255, exit(1)).
 */

/** matches(prefix, word): `prefix` is a non-empty prefix of `word` (iproute2's utils.c). */
export function matches(prefix: string, word: string): boolean {
  return prefix.length > 0 && word.startsWith(prefix);
}

/**
 * Ends the whole program (iproute2 calls exit() directly: usage errors, invarg, incomplete
 * commands), even in the middle of a -batch file.
 */
export class ExitNow extends Error {
  constructor(
    readonly code: number,
    /** Written to stderr as given. */
    readonly stderr = '',
    /** Written to stdout as given (e.g. -Version). */
    readonly stdout = '',
  ) {
    super(stderr || `exit ${code}`);
    this.name = 'ExitNow';
  }
}

/** A command failed: its message goes to stderr and the command returns `status` (1 unless told). */
export class CommandFailed extends Error {
  constructor(
    readonly stderr: string,
    readonly status = 1,
  ) {
    super(stderr);
    this.name = 'CommandFailed';
  }
}

/** incomplete_command(): "Command line is not complete. Try option "help"", exit(-1). */
export function incompleteCommand(): never {
  throw new ExitNow(255, 'Command line is not complete. Try option "help"\n');
}

/** invarg(): 'Error: argument "ARG" is wrong: MSG', exit(-1). */
export function invarg(msg: string, arg: string): never {
  throw new ExitNow(255, `Error: argument "${arg}" is wrong: ${msg}\n`);
}

/** duparg(): 'Error: duplicate "KEY": "ARG" is the second value.', exit(-1). */
export function duparg(key: string, arg: string): never {
  throw new ExitNow(255, `Error: duplicate "${key}": "${arg}" is the second value.\n`);
}

/** duparg2(): 'Error: either "KEY" is duplicate, or "ARG" is a garbage.', exit(-1). */
export function duparg2(key: string, arg: string): never {
  throw new ExitNow(255, `Error: either "${key}" is duplicate, or "${arg}" is a garbage.\n`);
}

/** A cursor over a command's remaining words. */
export class Args {
  private pos = 0;

  constructor(private readonly words: readonly string[]) {}

  get more(): boolean {
    return this.pos < this.words.length;
  }

  get remaining(): readonly string[] {
    return this.words.slice(this.pos);
  }

  /** The current word (call only when `more`). */
  get cur(): string {
    return this.words[this.pos]!;
  }

  /** Moves past the current word. */
  advance(): void {
    this.pos++;
  }

  /** NEXT_ARG(): moves to the next word, which must exist; returns it. */
  next(): string {
    this.pos++;
    if (this.pos >= this.words.length) incompleteCommand();
    return this.words[this.pos]!;
  }

  /** The word after the current one, if any (NEXT_ARG_OK). */
  peek(): string | undefined {
    return this.words[this.pos + 1];
  }
}

/** get_unsigned()/get_u32() with base 0: decimal, 0x hex or 0 octal; undefined when invalid or above `max`. */
export function parseUnsigned(text: string, max = 0xffffffff): number | undefined {
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) v = parseInt(text.slice(2), 16);
  else if (/^0[0-7]*$/.test(text)) v = parseInt(text, 8);
  else if (/^[1-9]\d*$/.test(text)) v = Number(text);
  else return undefined;
  return Number.isSafeInteger(v) && v <= max ? v : undefined;
}

/** parse_on_off(): "on" / "off". */
export function parseOnOff(what: string, text: string): boolean {
  if (text === 'on') return true;
  if (text === 'off') return false;
  throw new ExitNow(1, `Error: argument of "${what}" must be "on" or "off", not "${text}"\n`);
}

/**
 * getcmdline() + makeargs() of a -batch line: everything from "#" on is a comment, blanks
 * separate words, and a word that starts with " or ' runs to the matching quote.
 */
export function splitLine(line: string): string[] {
  const hash = line.indexOf('#');
  const text = hash >= 0 ? line.slice(0, hash) : line;
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new ExitNow(1, 'Unterminated quoted string\n');
      out.push(text.slice(i + 1, end));
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text[j]!)) j++;
      out.push(text.slice(i, j));
      i = j;
    }
  }
  return out;
}
