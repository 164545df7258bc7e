import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { registerBoardCommand } from '../../src/cli/commands/board.js';
import { registerRunCommands } from '../../src/cli/commands/runs.js';
import { registerTasksCommand } from '../../src/cli/commands/tasks.js';
import type { CommandIO } from '../../src/cli/io.js';
import { plainCommand } from '../../src/cli/plain-commands.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

/** The plain forms' own dispatch takes only those forms, and prints and changes what the full program does. */
describe('the common commands without commander', () => {
  it('takes the plain forms of the read commands, tasks get/create/update and answer', () => {
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
      ['tasks', 'get', '3'],
      ['tasks', 'get', '3', '--run', '2', '--json'],
      ['tasks', 'create', '--subject', 'Train'],
      ['tasks', 'create', '--subject', 'Train', '--description', '', '--active-form', 'Training', '--blocked-by', '1,2', '--stage', 'training', '--role', 'ml', '--owner', 'mle', '--metadata', '{}', '--run', '2', '--json'],
      ['tasks', 'update', '2', '--status', 'in_progress', '--owner', 'mle'],
      ['tasks', 'update', '2', '--owner', '', '--reassign'],
      ['tasks', 'update', '2', '--subject', 's', '--description', 'd', '--active-form', 'a', '--blocked-by', '1', '--blocks', '3', '--stage', 'x', '--role', 'r', '--metadata', '{}', '--run', '1', '--json'],
      ['tasks', 'update', '2'],
      ['--board', 'x.db', 'tasks', 'update', '2', '--status', 'deleted'],
      ['answer', '1', 'q1', 'yes'],
      ['answer', '1', 'q1', 'AUC', 'Recall', '--json'],
    ]) {
      expect({ argv, taken: plainCommand(argv) !== null }).toEqual({ argv, taken: true });
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
      ['tasks', 'get'],
      ['tasks', 'get', '3', '4'],
      ['tasks', 'create'],
      ['tasks', 'create', '--subject'],
      ['tasks', 'create', '--subject', '-x'],
      ['tasks', 'create', '--subject', 'A', 'extra'],
      ['tasks', 'create', '--subject', 'A', '--reassign'],
      ['tasks', 'update'],
      ['tasks', 'update', '--help'],
      ['tasks', 'update', '2', '--status', 'done'],
      ['tasks', 'update', '2', '--owner=mle'],
      ['tasks', 'update', '2', '--owner', 'a', '--owner', 'b'],
      ['tasks', 'update', '2', '--reassign', '--reassign'],
      ['tasks', 'update', '2', '--', '--status'],
      ['tasks', 'delete', '2'],
      ['answer', '1', 'q1'],
      ['answer', '1', 'q1', '-1'],
      ['export'],
      ['export', '3', '--format', 'pdf'],
      ['status', '--board', 'x.db'],
      ['--board', '--json', 'status'],
      ['--board=x.db', 'status'],
      ['start', 'churn-project'],
    ]) {
      expect({ argv, taken: plainCommand(argv) !== null }).toEqual({ argv, taken: false });
    }
  });

  let boards: TestBoard[] = [];
  afterEach(async () => {
    for (const b of boards) await b.cleanup();
    boards = [];
  });

  /** What a command printed (stdout and stderr in order) and its exit code. */
  const capture = (dir: string) => {
    const out = { text: '', code: 0 };
    const io: CommandIO = {
      stdout: (s) => void (out.text += s),
      stderr: (s) => void (out.text += s),
      setExitCode: (code) => void (out.code = code),
      cwd: () => dir,
      home: () => dir,
      env: {},
    };
    return { out, io };
  };

  async function viaPlain(board: TestBoard, args: string[]) {
    const { out, io } = capture(board.dir);
    const run = plainCommand(['--board', board.file, ...args]);
    expect(run, args.join(' ')).not.toBeNull();
    await run?.(io);
    return out;
  }

  async function viaCommander(board: TestBoard, args: string[]) {
    const { out, io } = capture(board.dir);
    const program = new Command().exitOverride().option('--board <path>');
    registerRunCommands(program, io);
    registerTasksCommand(program, io);
    registerBoardCommand(program, io);
    await program.parseAsync(['node', 'team', '--board', board.file, ...args]);
    return out;
  }

  // Times move between the two runs; everything else is the same.
  const steady = (text: string) => text.replace(/"(durationMs|generatedAt|elapsedMs|workMs|now|\w+At|ts)": \d+/g, '"$1": 0');

  it('prints what the commander command prints, output and exit code', async () => {
    const t = await createTestBoard();
    boards.push(t);
    await t.board.createTask(t.runId, { subject: 'Profile the data', stage: 'data', role: 'data-scientist' }, human);
    for (const args of [
      ['tasks', 'list', '--json'],
      ['tasks', 'list'],
      ['tasks', 'get', '1'],
      ['tasks', 'get', '1', '--json'],
      ['tasks', 'get', '7'],
      ['status', '--json'],
      ['status', '99'],
      ['board', '--json'],
      ['runs'],
      ['export', String(t.runId), '--format', 'json'],
      ['export', String(t.runId), '--json'],
    ]) {
      const fast = await viaPlain(t, args);
      const full = await viaCommander(t, args);
      expect({ args, code: fast.code, text: steady(fast.text) }).toEqual({ args, code: full.code, text: steady(full.text) });
    }
    // --json on export is --format json, as on every other read.
    expect(JSON.parse((await viaCommander(t, ['export', String(t.runId), '--json'])).text)).toMatchObject({ run: { id: t.runId } });
  });

  it('changes the board as the commander command does: the same output, exit codes, tasks and events', async () => {
    /** Two boards alike: each path gets one, and the same commands in the same order. */
    const seeded = async () => {
      const t = await createTestBoard();
      boards.push(t);
      await t.board.createTask(t.runId, { subject: 'Profile data', stage: 'data' }, human);
      await t.board.createTask(t.runId, { subject: 'Train', stage: 'training', blockedBy: [1] }, human);
      const options = [
        { label: 'Canary 10%', description: 'a tenth of traffic first' },
        { label: 'Full rollout', description: 'everyone at once' },
      ];
      await t.board.askQuestion(t.runId, { kind: 'agent', askedBy: 'ds', taskId: 1, payload: { questions: [{ question: 'How to roll out?', header: 'Rollout', multiSelect: false, options }] } }, t.as('ds'));
      await t.board.askQuestion(t.runId, { kind: 'agent', askedBy: 'ds', taskId: 1, payload: { questions: [{ question: 'Which first?', header: 'First', multiSelect: false, options }] } }, t.as('ds'));
      return t;
    };
    const fastBoard = await seeded();
    const fullBoard = await seeded();
    const steps = [
      ['tasks', 'update', '2', '--status', 'in_progress', '--owner', 'mle'],
      ['tasks', 'update', '1', '--status', 'in_progress', '--owner', 'ds'],
      ['tasks', 'update', '1', '--status', 'in_progress', '--owner', 'mle'],
      ['tasks', 'update', '1', '--owner', 'mle', '--reassign', '--json'],
      ['tasks', 'update', '1', '--metadata', '{bad'],
      ['tasks', 'update', '1', '--metadata', '[1]'],
      ['tasks', 'update', '1', '--metadata', '{"auc": 0.8}', '--subject', 'Profile', '--description', 'Look at it.', '--active-form', 'Profiling', '--role', 'data-scientist'],
      ['tasks', 'update', '1', '--blocked-by', '1'],
      ['tasks', 'update', '9', '--status', 'completed'],
      ['tasks', 'update', 'x', '--status', 'completed'],
      ['tasks', 'update', '1', '--status', 'completed', '--run', '5'],
      ['tasks', 'update', '1', '--status', 'completed'],
      ['tasks', 'update', '1'],
      ['tasks', 'create', '--subject', 'Deploy', '--blocked-by', '2', '--description', 'Ship it.', '--active-form', 'Deploying', '--stage', 'deploy', '--role', 'mlops-engineer', '--owner', 'mlops', '--metadata', '{"env": "prod"}'],
      ['tasks', 'create', '--subject', 'Bad', '--blocked-by', '1,x'],
      ['tasks', 'create', '--subject', 'Scratch', '--json'],
      ['tasks', 'update', '2', '--blocks', '4', '--stage', 'features', '--owner', ''],
      ['tasks', 'update', '4', '--status', 'deleted', '--json'],
      ['tasks', 'get', '3'],
      ['tasks', 'get', '2', '--json'],
      ['answer', '1', 'q1', '7'],
      ['answer', '1', 'q1', 'canary'],
      ['answer', '1', 'q1', 'full'],
      ['answer', '1', 'q2', 'Only EU customers first', '--json'],
      ['answer', '1', 'q9', '1'],
    ];
    for (const args of steps) {
      const fast = await viaPlain(fastBoard, args);
      const full = await viaCommander(fullBoard, args);
      expect({ args, code: fast.code, text: steady(fast.text) }).toEqual({ args, code: full.code, text: steady(full.text) });
    }
    // Every step ran: not all of them were refusals.
    expect((await viaPlain(fastBoard, ['tasks', 'get', '1', '--json'])).text).toContain('"auc": 0.8');
    const state = async (t: TestBoard) => ({
      tasks: (await t.board.listTaskRows(t.runId)).map((task) => ({ ...task, createdAt: 0, updatedAt: 0, startedAt: task.startedAt === null ? null : 0, completedAt: task.completedAt === null ? null : 0 })),
      events: (await t.events()).map((e) => steady(JSON.stringify({ type: e.type, actor: e.actor, payload: e.payload })).replaceAll(t.dir, '<dir>')),
      questions: (await t.board.listQuestions(t.runId)).map((q) => ({ ...q, createdAt: 0, answeredAt: q.answeredAt === null ? null : 0 })),
    });
    const fastState = await state(fastBoard);
    expect(fastState.events.length).toBeGreaterThan(10);
    expect(fastState).toEqual(await state(fullBoard));
  });
});
