import path from 'node:path';
import { parseCommandLine, type Redirection, ShellParseError, type SimpleCommand, type Word } from './shell-parse.js';

/** A command as it is checked against `Bash(...)` patterns: what actually runs, wrappers removed. */
export interface CheckedCommand {
  words: Word[];
  /** The wrapper passes more arguments that are only known at run time (`xargs cmd`). */
  dynamicTail: boolean;
  /** The command as written (for a refusal). */
  text: string;
  /** A command line only known at run time (`bash -c "$x"`, `eval $x`): it cannot be checked. */
  opaque?: string;
}

export type CommandVerdict = { allowed: true } | { allowed: false; command: string; reason: string; suggestedPattern: string | null };

export interface CheckOptions {
  /** When given, writes by redirection to a path outside it are refused. */
  workspace?: string;
  /** Folders besides the workspace that redirections may write to (the command's own /tmp, `sandbox.paths.write`). */
  writable?: readonly string[];
  /** The command's own home: with it, `~` in a redirection target is that folder, and writes there are allowed. */
  home?: string;
}

/** Commands that only talk to the shell itself; they never need a pattern. */
export const ALWAYS_ALLOWED: ReadonlySet<string> = new Set(['cd', 'pwd', 'true', 'false', ':', 'echo', 'printf', 'test', '[', 'exit']);

/** Redirection targets that are not files. */
const DEVICE_TARGETS = /^\/dev\/(null|stdout|stderr|stdin|tty|fd\/\d+)$/;
const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh', 'ash', 'busybox']);
const MAX_DEPTH = 8;

/**
 * Claude Code's `Bash(...)` permissions, on the parsed command line: every command the line would
 * run, including inside `$(...)`, backticks, `bash -c '...'`, `eval`, `env`, `xargs`, `find -exec`,
 * `nohup`, `timeout` and the like, must match a pattern (`git:*` is `git` or `git <anything>`, `*`
 * anything, otherwise the exact command); `sudo` is a command of its own. A line that cannot be
 * parsed is refused. Pure: no file system or board access.
 */
export function commandAllowed(line: string, patterns: readonly string[], options: CheckOptions = {}): CommandVerdict {
  if (line.trim() === '') return refuse(line, 'the command line is empty', null);
  let checked: { commands: CheckedCommand[]; redirections: Redirection[] };
  try {
    checked = collect(line, 0);
  } catch (error) {
    if (error instanceof ShellParseError) return refuse(line, `the command line cannot be parsed: ${error.message}`, null);
    throw error;
  }
  const allowAll = patterns.some((p) => p.trim() === '*' || p.trim() === ':*');
  for (const command of checked.commands) {
    const verdict = checkCommand(command, patterns, allowAll);
    if (!verdict.allowed) return verdict;
  }
  if (options.workspace !== undefined) {
    for (const redirection of checked.redirections) {
      const verdict = checkRedirection(redirection, options.workspace, options);
      if (!verdict.allowed) return verdict;
    }
  }
  return { allowed: true };
}

function checkCommand(command: CheckedCommand, patterns: readonly string[], allowAll: boolean): CommandVerdict {
  if (command.opaque !== undefined) {
    if (allowAll) return { allowed: true };
    return refuse(command.text, `it runs ${command.opaque}, a command line that is only known when it runs; write the command out`, null);
  }
  const name = command.words[0]?.value;
  if (name === null || name === undefined) {
    if (allowAll) return { allowed: true };
    return refuse(command.text, `its command name (${command.words[0]?.text ?? '?'}) is only known when it runs; write the command out`, null);
  }
  if (allowAll || ALWAYS_ALLOWED.has(name)) return { allowed: true };
  if (patterns.some((pattern) => matches(command, pattern.trim()))) return { allowed: true };
  const list = patterns.map((p) => `Bash(${p})`).join(', ');
  return refuse(command.text, `"${command.text}" does not match any allowed pattern (${list || 'none'})`, suggestPattern(command));
}

function checkRedirection(redirection: Redirection, workspace: string, options: CheckOptions = {}): CommandVerdict {
  if (!redirection.writes) return { allowed: true };
  let target = redirection.target.value;
  const text = `${redirection.op} ${redirection.target.text}`;
  if (target === null || DEVICE_TARGETS.test(target)) return { allowed: true };
  if (target === '~' || target.startsWith('~/')) {
    if (options.home === undefined) return refuse(text, `it writes to ${target}, outside the workspace`, null);
    target = path.join(options.home, target.slice(1));
  }
  const resolved = path.resolve(workspace, target);
  const writable = [workspace, ...(options.writable ?? []), ...(options.home !== undefined ? [options.home] : [])];
  if (writable.some((dir) => isInside(dir, resolved))) return { allowed: true };
  return refuse(text, `it writes to ${resolved}, outside the workspace`, null);
}

function isInside(dir: string, candidate: string): boolean {
  const rel = path.relative(dir, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** `git:*` is `git` or `git <anything>`; `npm run test*` a prefix of the text; otherwise the exact command. */
function matches(command: CheckedCommand, pattern: string): boolean {
  if (pattern.endsWith(':*')) {
    const prefix = splitPattern(pattern.slice(0, -2));
    if (prefix.length === 0) return true;
    return prefix.every((word, i) => command.words[i]?.value === word);
  }
  const staticWords: string[] = [];
  for (const word of command.words) {
    if (word.value === null) break;
    staticWords.push(word.value);
  }
  const complete = staticWords.length === command.words.length && !command.dynamicTail;
  if (pattern.endsWith('*')) {
    const prefix = splitPattern(pattern.slice(0, -1)).join(' ') + (/\s$/.test(pattern.slice(0, -1)) ? ' ' : '');
    const known = staticWords.join(' ') + (complete ? '' : ' ');
    return known.startsWith(prefix) && (complete || known.length > prefix.length || known === prefix);
  }
  return complete && staticWords.join(' ') === splitPattern(pattern).join(' ');
}

function splitPattern(pattern: string): string[] {
  return pattern.trim().split(/\s+/).filter((w) => w !== '');
}

/** A pattern that would allow the command: its name and, when it has one, its subcommand. */
function suggestPattern(command: CheckedCommand): string | null {
  const [first, second] = command.words;
  if (first?.value == null) return null;
  if (second?.value != null && /^[a-z][a-z0-9-]*$/.test(second.value)) return `${first.value} ${second.value}:*`;
  return `${first.value}:*`;
}

function refuse(command: string, reason: string, suggestedPattern: string | null): CommandVerdict {
  return { allowed: false, command, reason, suggestedPattern };
}

/** Every command the line runs, with wrappers and nested command lines unwrapped, and every redirection. */
export function collect(line: string, depth: number): { commands: CheckedCommand[]; redirections: Redirection[] } {
  if (depth > MAX_DEPTH) throw new ShellParseError(`command lines are nested more than ${MAX_DEPTH} deep`);
  const parsed = parseCommandLine(line);
  const commands: CheckedCommand[] = [];
  const redirections = [...parsed.redirections];
  for (const command of parsed.commands) {
    for (const found of unwrap(asChecked(command), depth)) {
      commands.push(...found.commands);
      redirections.push(...found.redirections);
    }
  }
  return { commands, redirections };
}

function asChecked(command: SimpleCommand): CheckedCommand {
  return { words: command.words, dynamicTail: false, text: command.text };
}

function fromWords(words: Word[], dynamicTail: boolean): CheckedCommand {
  return { words, dynamicTail, text: words.map((w) => w.text).join(' ') };
}

type Found = { commands: CheckedCommand[]; redirections: Redirection[] };

/** What a wrapper command runs: `env X=1 cmd`, `nohup cmd`, `bash -c '...'`, `eval ...`, `xargs cmd`, `find -exec cmd`. */
function unwrap(command: CheckedCommand, depth: number): Found[] {
  const name = command.words[0]?.value;
  if (name === null || name === undefined) return [{ commands: [command], redirections: [] }];
  const base = path.posix.basename(name);
  const args = command.words.slice(1);
  const inner = (words: Word[], dynamicTail = command.dynamicTail): Found[] =>
    words.length === 0 ? [{ commands: [command], redirections: [] }] : unwrap(fromWords(words, dynamicTail), depth);

  switch (base) {
    case 'env': {
      const rest = skipEnvArgs(args);
      return rest.split !== undefined ? nestedLine(command, [rest.split], 'env -S', depth) : inner(rest.words);
    }
    case 'nohup':
    case 'builtin':
      return inner(args);
    case 'exec':
      return inner(skipOptions(args, new Set(['-a'])));
    case 'command':
      return args[0]?.value === '-v' || args[0]?.value === '-V' ? [{ commands: [command], redirections: [] }] : inner(skipOptions(args, new Set()));
    case 'time':
      return inner(skipOptions(args, new Set(['-f', '-o', '--format', '--output'])));
    case 'nice':
      return inner(skipOptions(args, new Set(['-n', '--adjustment'])));
    case 'setsid':
    case 'chronic':
      return inner(skipOptions(args, new Set()));
    case 'stdbuf':
      return inner(skipOptions(args, new Set(['-i', '-o', '-e', '--input', '--output', '--error'])));
    case 'ionice':
      return inner(skipOptions(args, new Set(['-c', '-n', '-p', '-P', '-u', '--class', '--classdata'])));
    case 'timeout':
      return inner(skipOptions(args, new Set(['-s', '-k', '--signal', '--kill-after'])).slice(1));
    case 'xargs':
      return xargsCommand(command, args, depth);
    case 'eval':
      return nestedLine(command, args, 'eval', depth);
    case 'find':
      return findCommands(command, args, depth);
    default:
      if (SHELLS.has(base)) return shellCommand(command, args, depth);
      return [{ commands: [command], redirections: [] }];
  }
}

/** Words after the options of a wrapper (`optionsWithValue` take the next word). */
function skipOptions(args: Word[], optionsWithValue: ReadonlySet<string>): Word[] {
  let i = 0;
  while (i < args.length) {
    const value = args[i]?.value;
    if (value === null || value === undefined || !value.startsWith('-') || value === '-') break;
    if (value === '--') return args.slice(i + 1);
    i += optionsWithValue.has(value) ? 2 : 1;
  }
  return args.slice(i);
}

/** `env [-i] [-u NAME] [NAME=value]... command`; `env -S "string"` splits a string into a command line. */
function skipEnvArgs(args: Word[]): { words: Word[]; split?: Word } {
  let i = 0;
  while (i < args.length) {
    const value = args[i]?.value;
    if (value === null || value === undefined) break;
    if (value === '-S' || value === '--split-string') {
      const split = args[i + 1];
      return split ? { words: [], split } : { words: [] };
    }
    if (value === '-u' || value === '--unset' || value === '-C' || value === '--chdir') i += 2;
    else if (value.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) i++;
    else break;
  }
  return { words: args.slice(i) };
}

function shellCommand(command: CheckedCommand, args: Word[], depth: number): Found[] {
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined || !value.startsWith('-') || value === '--') break;
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(value)) return nestedLine(command, args.slice(i + 1, i + 2), `${command.words[0]?.text} -c`, depth);
    if (value === '-o' || value === '+o') i++;
  }
  return [{ commands: [command], redirections: [] }];
}

function nestedLine(command: CheckedCommand, words: Word[], how: string, depth: number): Found[] {
  if (words.length === 0) return [{ commands: [command], redirections: [] }];
  if (words.some((w) => w.value === null)) return [{ commands: [{ ...command, opaque: `${how} with an expansion` }], redirections: [] }];
  return [collect(words.map((w) => w.value).join(' '), depth + 1)];
}

const XARGS_WITH_VALUE = new Set(['-I', '-n', '-L', '-P', '-s', '-d', '-E', '-a', '-e', '--max-args', '--max-lines', '--max-procs', '--max-chars', '--delimiter', '--eof', '--arg-file', '--replace']);

function xargsCommand(command: CheckedCommand, args: Word[], depth: number): Found[] {
  let i = 0;
  while (i < args.length) {
    const value = args[i]?.value;
    if (value === null || value === undefined || !value.startsWith('-')) break;
    if (value === '--') {
      i++;
      break;
    }
    i += XARGS_WITH_VALUE.has(value) ? 2 : 1;
  }
  const rest = args.slice(i);
  if (rest.length === 0) return [{ commands: [fromWords([{ text: 'echo', value: 'echo', quoted: false }], true)], redirections: [] }];
  return unwrap(fromWords(rest, true), depth);
}

function findCommands(command: CheckedCommand, args: Word[], depth: number): Found[] {
  const found: Found[] = [{ commands: [command], redirections: [] }];
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value !== '-exec' && value !== '-execdir' && value !== '-ok' && value !== '-okdir') continue;
    const end = args.findIndex((w, j) => j > i && (w.value === ';' || w.value === '+'));
    const words = args.slice(i + 1, end === -1 ? args.length : end);
    if (words.length > 0) found.push(...unwrap(fromWords(words, false), depth));
    i = end === -1 ? args.length : end;
  }
  return found;
}
