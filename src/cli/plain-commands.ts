/**
 * The commands people and scripts run most, in their plain forms (`team status`, `team runs --json`,
 * `team tasks list --run 2`, `team board --json`, `team export 3 --format html`, `team tasks get 3`,
 * `team tasks create --subject "Train" --blocked-by 1`, `team tasks update 2 --status in_progress --owner
 * mle`, `team answer 3 q2 canary`), run without building the whole program: commander and every
 * command's module were a fifth of a read command's start, and a quarter of a `tasks update`. Only the
 * exact forms below are taken; help, a mistake, `--opt=value`, a repeated or unknown option, a value
 * that starts with `-` go to commander (./program.ts), which declares the same commands and says what
 * is wrong, as before. Both call the same action functions.
 */
import type { CommandIO } from './io.js';
import { PATCH_STATUSES } from './patch-statuses.js';

// Each command's module loads once the arguments are known to be its own: `team --help` loads none.
const runsActions = () => import('./commands/runs-actions.js');
const tasksActions = () => import('./commands/tasks-actions.js');

interface Parsed {
  /** The global `--board` option, given before the command. */
  board: string | undefined;
  args: string[];
  flags: Set<string>;
  values: Map<string, string>;
}

interface PlainCommand {
  words: string[];
  /** How many arguments it takes: at least `min`, at most `max`. */
  min: number;
  max: number;
  flags: string[];
  /** Options that take a value, each with the values it allows (null: any). */
  values: Record<string, readonly string[] | null>;
  /** Options commander requires: without one, commander says so. */
  required?: string[];
  run(io: CommandIO, p: Parsed): Promise<void>;
}

const FORMATS = ['md', 'json', 'html'] as const;

function isFormat(value: string | undefined): value is (typeof FORMATS)[number] {
  return FORMATS.some((f) => f === value);
}

const TASK_VALUES = { '--subject': null, '--description': null, '--active-form': null, '--blocked-by': null, '--stage': null, '--role': null, '--owner': null, '--metadata': null, '--run': null };

const COMMANDS: PlainCommand[] = [
  { words: ['runs'], min: 0, max: 0, flags: ['--json'], values: {}, run: async (io, p) => (await runsActions()).showRuns(io, p.board, { json: p.flags.has('--json') }) },
  { words: ['status'], min: 0, max: 1, flags: ['--json'], values: {}, run: async (io, p) => (await runsActions()).showStatus(io, p.board, p.args[0], { json: p.flags.has('--json') }) },
  {
    words: ['tasks', 'list'],
    min: 0,
    max: 0,
    flags: ['--json'],
    values: { '--run': null, '--status': null },
    run: async (io, p) => (await tasksActions()).listTasks(io, p.board, { run: p.values.get('--run'), status: p.values.get('--status'), json: p.flags.has('--json') }),
  },
  {
    words: ['tasks', 'get'],
    min: 1,
    max: 1,
    flags: ['--json'],
    values: { '--run': null },
    run: async (io, p) => (await tasksActions()).showTask(io, p.board, p.args[0] ?? '', { run: p.values.get('--run'), json: p.flags.has('--json') }),
  },
  {
    words: ['tasks', 'create'],
    min: 0,
    max: 0,
    flags: ['--json'],
    values: TASK_VALUES,
    required: ['--subject'],
    run: async (io, p) =>
      (await tasksActions()).createTask(io, p.board, {
        subject: p.values.get('--subject') ?? '',
        description: p.values.get('--description'),
        activeForm: p.values.get('--active-form'),
        blockedBy: p.values.get('--blocked-by'),
        stage: p.values.get('--stage'),
        role: p.values.get('--role'),
        owner: p.values.get('--owner'),
        metadata: p.values.get('--metadata'),
        run: p.values.get('--run'),
        json: p.flags.has('--json'),
      }),
  },
  {
    words: ['tasks', 'update'],
    min: 1,
    max: 1,
    flags: ['--json', '--reassign'],
    values: { ...TASK_VALUES, '--status': PATCH_STATUSES, '--blocks': null },
    run: async (io, p) =>
      (await tasksActions()).updateTask(io, p.board, p.args[0] ?? '', {
        status: p.values.get('--status'),
        subject: p.values.get('--subject'),
        description: p.values.get('--description'),
        activeForm: p.values.get('--active-form'),
        owner: p.values.get('--owner'),
        reassign: p.flags.has('--reassign') || undefined,
        blockedBy: p.values.get('--blocked-by'),
        blocks: p.values.get('--blocks'),
        stage: p.values.get('--stage'),
        role: p.values.get('--role'),
        metadata: p.values.get('--metadata'),
        run: p.values.get('--run'),
        json: p.flags.has('--json'),
      }),
  },
  {
    words: ['answer'],
    min: 3,
    max: Infinity,
    flags: ['--json'],
    values: {},
    run: async (io, p) => {
      const [runText = '', questionText = '', ...answers] = p.args;
      await (await import('./commands/answer-action.js')).answerQuestion(io, p.board, runText, questionText, answers, { json: p.flags.has('--json') });
    },
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
    flags: ['--json'],
    values: { '--format': FORMATS },
    run: async (io, p) => {
      const format = p.flags.has('--json') ? 'json' : (p.values.get('--format') ?? 'md');
      await (await runsActions()).exportRun(io, p.board, p.args[0] ?? '', { format: isFormat(format) ? format : 'md' });
    },
  },
];

/** The command these arguments (after `node team`) name in a plain form, ready to run; null for anything else. */
export function plainCommand(argv: readonly string[]): ((io: CommandIO) => Promise<void>) | null {
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

function parse(command: PlainCommand, tokens: string[]): Omit<Parsed, 'board'> | null {
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
  if (command.required?.some((option) => !values.has(option))) return null;
  return { args, flags, values };
}
