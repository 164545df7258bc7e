/**
 * A shell-word parser for permission checks: finds every simple command a bash command line would
 * run, including those inside `$(...)`, backticks, `<(...)`, `${...}`, subshells, groups, pipelines,
 * lists, loops, `case` and here-documents, and every redirection with its target. It does not run or
 * expand anything: a word whose value depends on expansion at run time has `value: null`.
 */

export interface Word {
  /** The word as written. */
  text: string;
  /** The word after quote removal, or null when it holds an expansion ($x, $(...), `...`). */
  value: string | null;
  /** Any part of it was quoted or escaped (so it is never a reserved word). */
  quoted: boolean;
}

export interface Redirection {
  op: string;
  target: Word;
  /** Opens the target for writing (`>`, `>>`, `>|`, `&>`, `&>>`, `<>`, `>& file`). */
  writes: boolean;
}

export interface SimpleCommand {
  /** The command name and its arguments (assignments and redirections left out). */
  words: Word[];
  /** The command as written. */
  text: string;
  redirections: Redirection[];
}

export interface ParsedLine {
  commands: SimpleCommand[];
  /** Every redirection of the line, also those of compound commands (`{ ...; } > file`). */
  redirections: Redirection[];
}

export class ShellParseError extends Error {
  override name = 'ShellParseError';
}

const RESERVED = new Set(['{', '}', '!', 'if', 'then', 'elif', 'else', 'fi', 'do', 'done', 'while', 'until', 'time', 'coproc']);
const REDIRECT_OPS = ['<<<', '<<-', '<<', '<>', '<&', '>&', '>>', '>|', '&>>', '&>', '<', '>'];
const CONTROL_OPS = [';;&', ';;', ';&', '&&', '||', '|&', ';', '&', '|'];
const WRITING_OPS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

export function parseCommandLine(line: string): ParsedLine {
  const sink: ParsedLine = { commands: [], redirections: [] };
  new Parser(line, sink).parseList(null);
  return sink;
}

interface HereDoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
}

type State = 'command' | 'case-subject' | 'case-in' | 'case-pattern' | 'for-name' | 'for-words' | 'function-name' | 'conditional';

class Parser {
  private pos = 0;
  private pendingDocs: HereDoc[] = [];

  constructor(
    private readonly src: string,
    private readonly sink: ParsedLine,
  ) {}

  /** Parses commands until the end, or until the `)` that closes a subshell or substitution (`stop`). */
  parseList(stop: ')' | null): void {
    let state: State = 'command';
    const cases: number[] = [];
    let words: Word[] = [];
    let redirections: Redirection[] = [];
    let start = this.pos;

    const finish = (): void => {
      if (words.length > 0) this.sink.commands.push({ words, text: this.src.slice(start, this.pos).trim(), redirections });
      words = [];
      redirections = [];
    };
    const restart = (): void => {
      start = this.pos;
    };

    for (;;) {
      this.skipBlanks();
      if (this.pos >= this.src.length) {
        if (stop !== null) throw new ShellParseError('a "(" or "$(" is never closed with ")"');
        if (state === 'conditional') throw new ShellParseError('a "[[" is never closed with "]]"');
        finish();
        return;
      }
      const c = this.src[this.pos] as string;
      if (c === '#' && this.atWordStart()) {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (c === '\n') {
        if (state === 'conditional') {
          this.pos++;
          continue;
        }
        finish();
        this.pos++;
        this.readHereDocs();
        if (state === 'for-words') state = 'command';
        restart();
        continue;
      }
      if (state === 'conditional') {
        if (this.src.startsWith(']]', this.pos) && this.isWordEnd(this.pos + 2)) {
          this.pos += 2;
          state = 'command';
          continue;
        }
        if (/[;&|<>()]/.test(c)) {
          this.pos++;
          continue;
        }
        this.readWord();
        continue;
      }
      if (state === 'case-pattern') {
        if (c === '(' || c === '|') {
          this.pos++;
          continue;
        }
        if (c === ')') {
          this.pos++;
          state = 'command';
          restart();
          continue;
        }
        const pattern = this.readWord();
        if (pattern.value === 'esac' && !pattern.quoted) {
          cases.pop();
          state = 'command';
          restart();
        }
        continue;
      }

      const redirectOp = this.redirectOpAt();
      if (redirectOp !== null) {
        const redirection = this.readRedirection(redirectOp);
        redirections.push(redirection);
        this.sink.redirections.push(redirection);
        continue;
      }
      const control = CONTROL_OPS.find((op) => this.src.startsWith(op, this.pos));
      if (control !== undefined) {
        finish();
        this.pos += control.length;
        if (control.startsWith(';;') || control === ';&') {
          if (cases.length === 0) throw new ShellParseError(`"${control}" outside a case statement`);
          state = 'case-pattern';
        } else if (state === 'for-words') {
          state = 'command';
        }
        restart();
        continue;
      }
      if (c === '(') {
        if (words.length === 1 && this.src.slice(this.pos).match(/^\(\s*\)/)) {
          // `name () compound`: a function definition; its name is not a command.
          this.pos += (this.src.slice(this.pos).match(/^\(\s*\)/) as RegExpMatchArray)[0].length;
          words = [];
          restart();
          continue;
        }
        const last = words[words.length - 1];
        if (last !== undefined && last.text.endsWith('=') && ASSIGNMENT.test(last.text)) {
          // `declare -a name=(a b)`
          this.readArrayValue(last);
          continue;
        }
        if (words.length > 0) throw new ShellParseError(`unexpected "(" after "${words.map((w) => w.text).join(' ')}"`);
        if (this.src.startsWith('((', this.pos)) {
          this.pos += 2;
          this.scanArithmetic();
          continue;
        }
        this.pos++;
        this.parseList(')');
        restart();
        continue;
      }
      if (c === ')') {
        if (stop === ')') {
          finish();
          this.pos++;
          return;
        }
        throw new ShellParseError('unexpected ")" with no "(" before it');
      }

      const word = this.readWord();
      if (state === 'case-subject') {
        state = 'case-in';
        continue;
      }
      if (state === 'case-in') {
        if (word.value !== 'in') throw new ShellParseError('"case WORD" must be followed by "in"');
        state = 'case-pattern';
        continue;
      }
      if (state === 'for-name') {
        state = 'for-words';
        continue;
      }
      if (state === 'for-words') {
        if (word.value === 'do' && !word.quoted) {
          state = 'command';
          restart();
        }
        continue;
      }
      if (state === 'function-name') {
        state = 'command';
        const parens = this.src.slice(this.pos).match(/^[ \t]*\(\s*\)/);
        if (parens) this.pos += parens[0].length;
        restart();
        continue;
      }
      if (words.length === 0 && !word.quoted && word.value !== null) {
        const reserved = word.value;
        if (RESERVED.has(reserved)) {
          // `time -p cmd`: the option belongs to `time`.
          if (reserved === 'time') this.skipOption('-p');
          restart();
          continue;
        }
        if (reserved === 'case') {
          cases.push(1);
          state = 'case-subject';
          continue;
        }
        if (reserved === 'esac' && cases.length > 0) {
          cases.pop();
          restart();
          continue;
        }
        if (reserved === 'for' || reserved === 'select') {
          this.skipBlanks();
          if (this.src.startsWith('((', this.pos)) {
            this.pos += 2;
            this.scanArithmetic();
            state = 'for-words';
          } else {
            state = 'for-name';
          }
          continue;
        }
        if (reserved === 'function') {
          state = 'function-name';
          continue;
        }
        if (reserved === '[[') {
          state = 'conditional';
          continue;
        }
      }
      if (words.length === 0 && ASSIGNMENT.test(word.text)) {
        this.readArrayValue(word);
        continue;
      }
      words.push(word);
    }
  }

  /** `name=(a b c)`: the elements are words, not commands. */
  private readArrayValue(word: Word): void {
    if (!word.text.endsWith('=') || this.src[this.pos] !== '(') return;
    this.pos++;
    for (;;) {
      this.skipBlanks(true);
      if (this.pos >= this.src.length) throw new ShellParseError('an array "name=(" is never closed with ")"');
      if (this.src[this.pos] === ')') {
        this.pos++;
        return;
      }
      this.readWord();
    }
  }

  private skipOption(option: string): void {
    const match = new RegExp(`^[ \\t]+${option}(?=[\\s;&|]|$)`).exec(this.src.slice(this.pos));
    if (match) this.pos += match[0].length;
  }

  private atWordStart(): boolean {
    return this.pos === 0 || /[\s;&|()<>]/.test(this.src[this.pos - 1] as string);
  }

  private isWordEnd(at: number): boolean {
    return at >= this.src.length || /[\s;&|()<>]/.test(this.src[at] as string);
  }

  private skipBlanks(newlines = false): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || (newlines && c === '\n')) this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else return;
    }
  }

  private redirectOpAt(): string | null {
    const rest = this.src.slice(this.pos);
    const withFd = /^(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})(?=[<>])/.exec(rest);
    const offset = withFd && this.atWordStart() ? withFd[0].length : 0;
    if ((rest[offset] === '<' || rest[offset] === '>') && rest[offset + 1] === '(') return null;
    const op = REDIRECT_OPS.find((candidate) => rest.startsWith(candidate, offset));
    if (op === undefined) return null;
    if (offset === 0 && op.startsWith('&') && !this.atWordStart()) return null;
    return rest.slice(0, offset) + op;
  }

  private readRedirection(opWithFd: string): Redirection {
    this.pos += opWithFd.length;
    const op = opWithFd.replace(/^(\d+|\{[^}]*\})/, '');
    this.skipBlanks();
    if (this.pos >= this.src.length || /[\n;&|()<>]/.test(this.src[this.pos] as string)) {
      throw new ShellParseError(`the redirection "${opWithFd}" has no target`);
    }
    const target = this.readWord();
    if (op === '<<' || op === '<<-') {
      this.pendingDocs.push({ delimiter: target.value ?? unquote(target.text), quoted: target.quoted, stripTabs: op === '<<-' });
    }
    const duplicates = (op === '>&' || op === '<&') && target.value !== null && /^(\d+|-)$/.test(target.value);
    return { op, target, writes: WRITING_OPS.has(op) || (op === '>&' && !duplicates) };
  }

  /** Here-document bodies start after the line that announced them; unquoted ones expand $(...) and backticks. */
  private readHereDocs(): void {
    const docs = this.pendingDocs;
    this.pendingDocs = [];
    for (const doc of docs) {
      for (;;) {
        if (this.pos >= this.src.length) return;
        const end = this.src.indexOf('\n', this.pos);
        const lineEnd = end === -1 ? this.src.length : end;
        const line = this.src.slice(this.pos, lineEnd);
        this.pos = end === -1 ? this.src.length : end + 1;
        if ((doc.stripTabs ? line.replace(/^\t+/, '') : line) === doc.delimiter) break;
        if (!doc.quoted) new Parser(line, this.sink).scanExpansions();
      }
    }
  }

  /** Finds the substitutions in text that is expanded but not split into commands (a here-document line). */
  private scanExpansions(): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\') this.pos += 2;
      else if (c === '$') this.readDollar(true);
      else if (c === '`') this.readBacktick();
      else this.pos++;
    }
  }

  private readWord(): Word {
    const start = this.pos;
    let value = '';
    let dynamic = false;
    let quoted = false;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] as string;
      if ((c === '<' || c === '>') && this.src[this.pos + 1] === '(') {
        this.pos += 2;
        this.parseList(')');
        dynamic = true;
        continue;
      }
      if (/[\s;&|()<>]/.test(c)) break;
      if (c === '\\') {
        if (this.src[this.pos + 1] !== '\n') value += this.src[this.pos + 1] ?? '';
        this.pos += 2;
        quoted = true;
      } else if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end === -1) throw new ShellParseError('a single quote (\') is never closed');
        value += this.src.slice(this.pos + 1, end);
        this.pos = end + 1;
        quoted = true;
      } else if (c === '"') {
        const part = this.readDouble();
        value += part.value;
        dynamic ||= part.dynamic;
        quoted = true;
      } else if (c === '$') {
        const part = this.readDollar(false);
        if (part.value === null) dynamic = true;
        else value += part.value;
        quoted ||= part.quoted;
      } else if (c === '`') {
        this.readBacktick();
        dynamic = true;
      } else {
        value += c;
        this.pos++;
      }
    }
    return { text: this.src.slice(start, this.pos), value: dynamic ? null : value, quoted };
  }

  private readDouble(): { value: string; dynamic: boolean } {
    this.pos++;
    let value = '';
    let dynamic = false;
    for (;;) {
      if (this.pos >= this.src.length) throw new ShellParseError('a double quote (") is never closed');
      const c = this.src[this.pos] as string;
      if (c === '"') {
        this.pos++;
        return { value, dynamic };
      }
      if (c === '\\') {
        const next = this.src[this.pos + 1] ?? '';
        if (next === '\n') this.pos += 2;
        else if ('$`"\\'.includes(next)) {
          value += next;
          this.pos += 2;
        } else {
          value += c;
          this.pos++;
        }
      } else if (c === '$') {
        const part = this.readDollar(true);
        if (part.value === null) dynamic = true;
        else value += part.value;
      } else if (c === '`') {
        this.readBacktick();
        dynamic = true;
      } else {
        value += c;
        this.pos++;
      }
    }
  }

  /** At a `$`: a substitution or expansion (value null), ANSI-C or locale quoting, or a plain `$`. */
  private readDollar(inDouble: boolean): { value: string | null; quoted: boolean } {
    const next = this.src[this.pos + 1] ?? '';
    if (next === '(') {
      if (this.src[this.pos + 2] === '(') {
        this.pos += 3;
        this.scanArithmetic();
      } else {
        this.pos += 2;
        this.parseList(')');
      }
      return { value: null, quoted: false };
    }
    if (next === '{') {
      this.pos += 2;
      this.scanParameter();
      return { value: null, quoted: false };
    }
    if (next === "'" && !inDouble) {
      this.pos += 2;
      let value = '';
      for (;;) {
        if (this.pos >= this.src.length) throw new ShellParseError("a $'...' string is never closed");
        const c = this.src[this.pos] as string;
        if (c === "'") break;
        if (c === '\\') {
          value += ansiEscape(this.src[this.pos + 1] ?? '');
          this.pos += 2;
        } else {
          value += c;
          this.pos++;
        }
      }
      this.pos++;
      return { value, quoted: true };
    }
    if (next === '"' && !inDouble) {
      this.pos++;
      const part = this.readDouble();
      return { value: part.dynamic ? null : part.value, quoted: true };
    }
    if (/[A-Za-z_]/.test(next)) {
      this.pos++;
      while (/[A-Za-z0-9_]/.test(this.src[this.pos] ?? '')) this.pos++;
      return { value: null, quoted: false };
    }
    if (/[0-9@*#?$!-]/.test(next)) {
      this.pos += 2;
      return { value: null, quoted: false };
    }
    this.pos++;
    return { value: '$', quoted: false };
  }

  private readBacktick(): void {
    this.pos++;
    let content = '';
    for (;;) {
      if (this.pos >= this.src.length) throw new ShellParseError('a backquote (`) is never closed');
      const c = this.src[this.pos] as string;
      if (c === '`') {
        this.pos++;
        break;
      }
      if (c === '\\' && '`$\\'.includes(this.src[this.pos + 1] ?? '')) {
        content += this.src[this.pos + 1];
        this.pos += 2;
      } else {
        content += c;
        this.pos++;
      }
    }
    new Parser(content, this.sink).parseList(null);
  }

  /** After `$((` or `((`: up to the matching `))`, with the substitutions inside. */
  private scanArithmetic(): void {
    let depth = 0;
    for (;;) {
      if (this.pos >= this.src.length) throw new ShellParseError('an arithmetic "((" is never closed with "))"');
      const c = this.src[this.pos] as string;
      if (depth === 0 && this.src.startsWith('))', this.pos)) {
        this.pos += 2;
        return;
      }
      if (c === '(') depth++;
      else if (c === ')') depth--;
      if (c === '$') this.readDollar(true);
      else if (c === '`') this.readBacktick();
      else this.pos++;
    }
  }

  /** After `${`: up to the matching `}`, with the substitutions inside. */
  private scanParameter(): void {
    for (;;) {
      if (this.pos >= this.src.length) throw new ShellParseError('a "${" is never closed with "}"');
      const c = this.src[this.pos] as string;
      if (c === '}') {
        this.pos++;
        return;
      }
      if (c === '\\') this.pos += 2;
      else if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end === -1) throw new ShellParseError("a single quote (') is never closed");
        this.pos = end + 1;
      } else if (c === '"') this.readDouble();
      else if (c === '$') this.readDollar(true);
      else if (c === '`') this.readBacktick();
      else this.pos++;
    }
  }
}

function ansiEscape(c: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v' };
  return map[c] ?? c;
}

function unquote(text: string): string {
  return text.replace(/['"\\]/g, '');
}
