/**
 * The read commands in their plain forms (`team status`, `team runs --json`, `team tasks list --run 2`,
 * `team board --json`, `team export 3 --format html`), run without building the whole program: commander
 * and every command's module took a read command a fifth of its start. Only the exact forms below are
 * taken; help, a mistake, `--opt=value`, a repeated or unknown option go to commander (./program.ts),
 * which declares the same commands and says what is wrong, as before.
 */
import type { CommandIO } from './io.js';

// Each command's module loads once the arguments are known to be its own: `team --help` loads none.
const runsActions = () => import('./commands/runs-actions.js');

interface Parsed {
  /** The global `--board` option, given before the command. */
  board: string | undefined;
  args: string[];
  flags: Set<string>;
  values: Map<string, string>;
}

interface ReadCommand {
  words: string[];
  /** How many arguments it takes: at least `min`, at most `max`. */
  min: number;
  max: number;
  flags: string[];
  /** Options that take a value, each with the values it allows (null: any). */
  values: Record<string, readonly string[] | null>;
  run(io: CommandIO, p: Parsed): Promise<void>;
}

const FORMATS = ['md', 'json', 'html'] as const;

function isFormat(value: string | undefined): value is (typeof FORMATS)[number] {
  return FORMATS.some((f) => f === value);
}

const COMMANDS: ReadCommand[] = [
  { words: ['runs'], min: 0, max: 0, flags: ['--json'], values: {}, run: async (io, p) => (await runsActions()).showRuns(io, p.board, { json: p.flags.has('--json') }) },
  { words: ['status'], min: 0, max: 1, flags: ['--json'], values: {}, run: async (io, p) => (await runsActions()).showStatus(io, p.board, p.args[0], { json: p.flags.has('--json') }) },
  {
    words: ['tasks', 'list'],
    min: 0,
    max: 0,
    flags: ['--json'],
    values: { '--run': null, '--status': null },
    run: async (io, p) => (await import('./commands/tasks-actions.js')).listTasks(io, p.board, { run: p.values.get('--run'), status: p.values.get('--status'), json: p.flags.has('--json') }),
  },
  {
    words: ['board'],
    min: 0,
    max: 1,
    flags: ['--plain', '--json'],
    values: {},
    run: async (io, p) => (await import('./commands/board.js')).showBoard(io, p.board, p.args[0], { plain: p.flags.has('--plain'), json: p.flags.has('--json') }),
  },
  {
    words: ['export'],
    min: 1,
    max: 1,
    flags: [],
    values: { '--format': FORMATS },
    run: async (io, p) => {
      const format = p.values.get('--format') ?? 'md';
      await (await runsActions()).exportRun(io, p.board, p.args[0] ?? '', { format: isFormat(format) ? format : 'md' });
    },
  },
];

/** The read command these arguments (after `node team`) name in a plain form, ready to run; null for anything else. */
export function readCommand(argv: readonly string[]): ((io: CommandIO) => Promise<void>) | null {
  const rest = [...argv];
  let board: string | undefined;
  if (rest[0] === '--board') {
    board = rest[1];
    if (board === undefined || board.startsWith('-')) return null;
    rest.splice(0, 2);
  }
  const command = COMMANDS.find((c) => c.words.every((word, i) => rest[i] === word));
  if (!command) return null;
  const parsed = parse(command, rest.slice(command.words.length));
  if (!parsed) return null;
  return (io) => command.run(io, { ...parsed, board });
}

function parse(command: ReadCommand, tokens: string[]): Omit<Parsed, 'board'> | null {
  const args: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (!token.startsWith('-')) {
      args.push(token);
      continue;
    }
    if (flags.has(token) || values.has(token)) return null;
    if (command.flags.includes(token)) {
      flags.add(token);
      continue;
    }
    if (!Object.hasOwn(command.values, token)) return null;
    const value = tokens[i + 1];
    const allowed = command.values[token];
    if (value === undefined || value.startsWith('-') || (allowed && !allowed.includes(value))) return null;
    values.set(token, value);
    i++;
  }
  if (args.length < command.min || args.length > command.max) return null;
  return { args, flags, values };
}
