import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { registerBoardCommand } from '../../src/cli/commands/board.js';
import { registerRunCommands } from '../../src/cli/commands/runs.js';
import { registerTasksCommand } from '../../src/cli/commands/tasks.js';
import type { CommandIO } from '../../src/cli/io.js';
import { readCommand } from '../../src/cli/read-commands.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

/** The read commands' own dispatch takes only their plain forms, and prints what the full program prints. */
describe('read commands without commander', () => {
  it('takes the plain forms of the read commands', () => {
    for (const argv of [
      ['status'],
      ['status', '3', '--json'],
      ['runs', '--json'],
      ['tasks', 'list', '--run', '2', '--status', 'pending', '--json'],
      ['board', '--json'],
      ['board', '4', '--plain'],
      ['export', '3'],
      ['export', '3', '--format', 'html'],
      ['--board', 'x.db', 'status'],
    ]) {
      expect({ argv, taken: readCommand(argv) !== null }).toEqual({ argv, taken: true });
    }
  });

  it('leaves help, mistakes and every other command to commander', () => {
    for (const argv of [
      [],
      ['--help'],
      ['status', '--help'],
      ['status', '-h'],
      ['--version'],
      ['status', '1', '2'],
      ['status', '--json', '--json'],
      ['status', '--nope'],
      ['runs', 'extra'],
      ['tasks', 'list', '--run'],
      ['tasks', 'list', '--run=2'],
      ['tasks', 'get', '3'],
      ['export'],
      ['export', '3', '--format', 'pdf'],
      ['status', '--board', 'x.db'],
      ['--board', '--json', 'status'],
      ['--board=x.db', 'status'],
      ['start', 'churn-project'],
      ['answer', '1', 'q1', 'yes'],
    ]) {
      expect({ argv, taken: readCommand(argv) !== null }).toEqual({ argv, taken: false });
    }
  });

  let t: TestBoard | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('prints what the commander command prints, output and exit code', async () => {
    t = await createTestBoard();
    await t.board.createTask(t.runId, { subject: 'Profile the data', stage: 'data', role: 'data-scientist' }, human);
    const board = t;
    const capture = () => {
      const out = { text: '', code: 0 };
      const io: CommandIO = {
        stdout: (s) => void (out.text += s),
        stderr: (s) => void (out.text += s),
        setExitCode: (code) => void (out.code = code),
        cwd: () => board.dir,
        home: () => board.dir,
        env: {},
      };
      return { out, io };
    };
    for (const args of [['tasks', 'list', '--json'], ['tasks', 'list'], ['status', '--json'], ['status', '99'], ['board', '--json'], ['runs'], ['export', String(t.runId), '--format', 'json']]) {
      const fast = capture();
      const run = readCommand(['--board', t.file, ...args]);
      expect(run).not.toBeNull();
      await run?.(fast.io);

      const full = capture();
      const program = new Command().exitOverride().option('--board <path>');
      registerRunCommands(program, full.io);
      registerTasksCommand(program, full.io);
      registerBoardCommand(program, full.io);
      await program.parseAsync(['node', 'team', '--board', t.file, ...args]);

      // Times move between the two runs; everything else is the same.
      const steady = (text: string) => text.replace(/"(durationMs|generatedAt|elapsedMs|workMs|now)": \d+/g, '"$1": 0');
      expect({ args, code: fast.out.code, text: steady(fast.out.text) }).toEqual({ args, code: full.out.code, text: steady(full.out.text) });
    }
  });
});
