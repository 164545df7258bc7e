import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import type { Board } from '../../src/board/board.js';
import { BoardError } from '../../src/board/errors.js';
import { openBoard } from '../../src/board/open.js';
import type { NewTask } from '../../src/board/types.js';
import { pick, rngFor } from '../../src/models/rng.js';
import { realClock } from '../../src/shared/clock.js';
import { toolSpec } from '../../src/tools/json-schema.js';
import { taskCreateTool } from '../../src/tools/task-create.js';
import { taskGetTool } from '../../src/tools/task-get.js';
import { taskListTool } from '../../src/tools/task-list.js';
import { taskUpdateTool } from '../../src/tools/task-update.js';
import { readTaskView } from '../../src/tools/task-view.js';
import type { Tool, ToolContext } from '../../src/tools/tool.js';
import { runTool } from '../../src/tools/run-tool.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: ['data', 'training'] });
});

afterEach(async () => {
  await t.cleanup();
});

const createTask = (input: NewTask) => t.board.createTask(t.runId, input, human);
const getTask = (id: number) => t.board.getTask(t.runId, id);

function ctxFor(member: string, extra: Partial<ToolContext> = {}): ToolContext {
  const role = member === 'ds' ? 'data-scientist' : member === 'mle' ? 'ml-engineer' : 'mlops-engineer';
  return { board: t.board, runId: t.runId, member, role, workspace: t.dir, clock: realClock, ...extra };
}

/** Run a tool as a member; returns {isError, body} with the JSON body parsed. */
async function call(tool: Tool, input: unknown, member = 'ds', extra: Partial<ToolContext> = {}) {
  const result = await runTool(tool, input, ctxFor(member, extra));
  return { isError: result.isError, body: JSON.parse(result.content) as unknown };
}

const UPDATE_FIELDS =
  'taskId (string|integer), status? ("pending"|"in_progress"|"completed"|"deleted"), subject? (string), description? (string), ' +
  'activeForm? (string), owner? (string), addBlocks? ((string|integer)[]), addBlockedBy? ((string|integer)[]), metadata? (object)';
const CREATE_FIELDS = 'subject (string), description (string), activeForm? (string), metadata? (object), stage? (string), role? (string)';

describe('tool schemas', () => {
  it.each([taskCreateTool, taskListTool, taskGetTool, taskUpdateTool])('$name spec', (tool) => {
    expect(toolSpec(tool)).toMatchSnapshot();
  });
});

describe('TaskCreate', () => {
  it('returns {task: {id, subject}} and stores the task as the calling member', async () => {
    expect(await call(taskCreateTool, { subject: 'Profile data', description: 'Row counts and nulls.', stage: 'data' })).toEqual({
      isError: false,
      body: { task: { id: '1', subject: 'Profile data' } },
    });
    expect(
      await call(taskCreateTool, { subject: 'Train', description: 'Fit it.', activeForm: 'Training', metadata: { seed: 1, gone: null }, stage: 'training', role: 'ml-engineer' }, 'mle'),
    ).toEqual({ isError: false, body: { task: { id: '2', subject: 'Train' } } });
    expect(await getTask(2)).toMatchObject({
      description: 'Fit it.',
      activeForm: 'Training',
      metadata: { seed: 1 },
      stage: 'training',
      role: 'ml-engineer',
      createdBy: 'mle',
      status: 'pending',
      owner: null,
    });
  });

  it('puts the new task in the stage of the task the member is working on', async () => {
    await createTask({ subject: 'Train', stage: 'training' });
    const runtime = { currentTask: () => 1 };
    expect((await call(taskCreateTool, { subject: 'Fix a bug', description: '' }, 'mle', { runtime })).body).toEqual({ task: { id: '2', subject: 'Fix a bug' } });
    expect((await getTask(2))?.stage).toBe('training');
    await call(taskCreateTool, { subject: 'Unstaged', description: '' });
    expect((await getTask(3))?.stage).toBeNull();
  });

  it('refuses wrong types and missing fields with the expected fields listed', async () => {
    expect(await call(taskCreateTool, {})).toEqual({
      isError: true,
      body: { error: `invalid input for TaskCreate: subject: missing (expected string); description: missing (expected string). Expected fields: ${CREATE_FIELDS}` },
    });
    expect((await call(taskCreateTool, { subject: 5, description: 'x' })).body).toEqual({
      error: `invalid input for TaskCreate: subject: expected string, received number. Expected fields: ${CREATE_FIELDS}`,
    });
    expect((await call(taskCreateTool, { subject: '', description: 'x' })).body).toEqual({
      error: `invalid input for TaskCreate: subject: too small: expected string to have >=1 characters. Expected fields: ${CREATE_FIELDS}`,
    });
    expect((await call(taskCreateTool, { subject: 'M', description: 'x', metadata: [1] })).body).toEqual({
      error: `invalid input for TaskCreate: metadata: expected record, received array. Expected fields: ${CREATE_FIELDS}`,
    });
    expect((await call(taskCreateTool, 'Profile data')).body).toEqual({
      error: `invalid input for TaskCreate: input: expected object, received string. Expected fields: ${CREATE_FIELDS}`,
    });
  });

  it('returns board refusals as error results', async () => {
    expect(await call(taskCreateTool, { subject: 'Ship', description: '', stage: 'prod' })).toEqual({
      isError: true,
      body: { error: `stage "prod" is not in this run's pipeline (data, training); use one of those` },
    });
    expect(await call(taskCreateTool, { subject: '   ', description: '' })).toEqual({
      isError: true,
      body: { error: 'subject must not be empty; give the task a short imperative title' },
    });
    expect(await getTask(1)).toBeUndefined();
  });
});

describe('TaskList', () => {
  it('with no input: your unfinished tasks, then the tasks you may claim now, and counts of the whole board', async () => {
    await createTask({ subject: 'Profile', stage: 'data', role: 'data-scientist' });
    await createTask({ subject: 'Train', stage: 'training', blockedBy: [1] });
    await createTask({ subject: 'Notes' });
    await createTask({ subject: 'Clean', stage: 'data', role: 'data-scientist' });
    await createTask({ subject: 'Serve', stage: 'data', role: 'mlops-engineer' });
    await createTask({ subject: 'Check', stage: 'data', blockedBy: [4] });
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    expect(await call(taskListTool, {})).toEqual({
      isError: false,
      body: {
        tasks: [
          { id: '1', subject: 'Profile', status: 'in_progress', owner: 'ds', role: 'data-scientist', stage: 'data', blockedBy: [] },
          { id: '3', subject: 'Notes', status: 'pending', blockedBy: [] },
          { id: '4', subject: 'Clean', status: 'pending', role: 'data-scientist', stage: 'data', blockedBy: [] },
        ],
        claimable: 2,
        counts: { total: 6, byStatus: { in_progress: 1, pending: 5 }, byStage: { data: { in_progress: 1, pending: 3 }, training: { pending: 1 } } },
      },
    });
    // Another member sees its own choice: the mlops task, not the data scientist's.
    expect((await call(taskListTool, {}, 'mlops')).body).toMatchObject({
      tasks: [
        { id: '3', subject: 'Notes' },
        { id: '5', subject: 'Serve' },
      ],
      claimable: 2,
    });
  });

  it('lists at most `limit` claimable tasks, lowest id first, and always every task of your own', async () => {
    for (let i = 1; i <= 30; i++) await createTask({ subject: `Task ${i}`, stage: 'data' });
    await t.board.updateTask(t.runId, 25, { status: 'in_progress' }, t.as('ds'));
    const ids = (body: unknown) => (body as { tasks: { id: string }[] }).tasks.map((task) => task.id);
    const first = await call(taskListTool, {});
    expect(ids(first.body)).toEqual(['25', ...Array.from({ length: 20 }, (_, i) => String(i + 1))]);
    expect(first.body).toMatchObject({ claimable: 29 });
    expect(ids((await call(taskListTool, { limit: 3 })).body)).toEqual(['25', '1', '2', '3']);
  });

  it('filters by status, stage and owner ("" for nobody) and pages with cursor and nextCursor', async () => {
    for (let i = 1; i <= 7; i++) await createTask({ subject: `Task ${i}`, stage: i <= 4 ? 'data' : 'training' });
    await t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('ds'));
    await t.board.updateTask(t.runId, 3, { status: 'in_progress' }, t.as('mle'));
    const page1 = await call(taskListTool, { stage: 'training', limit: 2 });
    expect(page1.body).toMatchObject({
      tasks: [
        { id: '5', subject: 'Task 5', status: 'pending', stage: 'training', blockedBy: ['1', '2', '3', '4'] },
        { id: '6', subject: 'Task 6', status: 'pending', stage: 'training', blockedBy: ['1', '2', '3', '4'] },
      ],
      matching: 3,
      nextCursor: '6',
    });
    const page2 = await call(taskListTool, { stage: 'training', limit: 2, cursor: '6' });
    expect(page2.body).toMatchObject({ tasks: [{ id: '7' }], matching: 3 });
    expect(page2.body).not.toHaveProperty('nextCursor');
    const ids = async (input: Record<string, unknown>) => ((await call(taskListTool, input)).body as { tasks: { id: string }[] }).tasks.map((task) => task.id);
    expect(await ids({ status: 'in_progress' })).toEqual(['2', '3']);
    expect(await ids({ owner: 'mle' })).toEqual(['3']);
    expect(await ids({ owner: '' , stage: 'data' })).toEqual(['1', '4']);
    expect(await ids({ status: 'pending', stage: 'data', cursor: 1 })).toEqual(['4']);
    expect(await ids({ status: 'completed' })).toEqual([]);
  });

  it('refuses a stage outside the pipeline, a cursor that is not a task id and a limit out of range, saying what to use', async () => {
    expect(await call(taskListTool, { stage: 'deploy' })).toEqual({ isError: true, body: { error: 'stage "deploy" is not in this run\'s pipeline (data, training); use one of those' } });
    expect(await call(taskListTool, { cursor: 'next' })).toEqual({ isError: true, body: { error: '"next" is not a task id; task ids are numbers like "3" (see TaskList)' } });
    expect((await call(taskListTool, { limit: 0 })).isError).toBe(true);
    expect((await call(taskListTool, { limit: 101 })).isError).toBe(true);
  });

  it('ignores unknown fields, refuses non-objects, and lists an empty board', async () => {
    expect(await call(taskListTool, { verbose: true })).toEqual({ isError: false, body: { tasks: [], claimable: 0, counts: { total: 0, byStatus: {}, byStage: {} } } });
    expect(await call(taskListTool, null)).toEqual({
      isError: true,
      body: {
        error:
          'invalid input for TaskList: input: expected object, received null. Expected fields: status? ("pending"|"in_progress"|"completed"), stage? (string), owner? (string), cursor? (string|integer), limit? (integer)',
      },
    });
  });

  it('shows a closed gate on the tasks of its stage, and nothing of it there to claim', async () => {
    await createTask({ subject: 'Profile', stage: 'data' });
    await createTask({ subject: 'Train', stage: 'training' });
    await t.board.addGate(t.runId, { before: 'training', spec: { kind: 'approval' } }, human);
    await t.board.updateTask(t.runId, 1, { status: 'completed' }, human);
    expect((await call(taskListTool, {}, 'mle')).body).toMatchObject({ tasks: [], claimable: 0 });
    expect((await call(taskListTool, { stage: 'training' }, 'mle')).body).toMatchObject({
      tasks: [{ id: '2', blockedBy: [], gate: 'human approval before training (closed)' }],
    });
    await t.board.setGateStatus(t.runId, 1, 'passed', 'approved', human);
    expect((await call(taskListTool, {}, 'mle')).body).toMatchObject({ tasks: [{ id: '2', subject: 'Train' }], claimable: 1 });
  });
});

describe('TaskList view kept from the event log', () => {
  /** Refusals are part of the game: a random change the board refuses changes nothing. */
  async function tryIt(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      if (!(error instanceof BoardError)) throw error;
    }
  }

  /** What the view says of each task, and what the board's own listing (and TaskGet's detail) says of it. */
  async function compare(board: Board) {
    const [view, listed, deps, rows] = await Promise.all([readTaskView(board, t.runId), board.listTasks(t.runId), board.listDeps(t.runId), board.listTaskRows(t.runId)]);
    const rankOf = new Map(rows.map((row) => [row.id, row.planRank]));
    const details = await Promise.all(listed.map((task) => board.getTaskDetail(t.runId, task.id)));
    const members = ['ds', 'mle', 'mlops'];
    const fromView = view.select(() => true).map((task) => ({
      ...task,
      blockedBy: view.blockedBy(task),
      waitsFor: view.waitsFor(task),
      blocks: view.blocks(task.id),
      gate: view.gate(task),
      claimableBy: ['ds', 'mle', 'mlops'].filter((m) => view.claimable(task, m, t.as(m).role ?? null)),
    }));
    const fromBoard = listed.map((task, index) => ({
      id: task.id,
      subject: task.subject,
      status: task.status,
      owner: task.owner,
      role: task.role,
      stage: task.stage,
      planRank: rankOf.get(task.id) ?? null,
      blockedBy: task.blockedBy,
      waitsFor: details[index]?.blockedBy,
      blocks: deps.filter((d) => d.blockedBy === task.id).map((d) => d.taskId).sort((a, b) => a - b),
      gate: task.gate,
      claimableBy: ['ds', 'mle', 'mlops'].filter(
        (m) => task.status === 'pending' && (task.owner === null || task.owner === m) && (task.role === null || task.role === t.as(m).role) && task.blockedBy.length === 0 && task.gate === undefined,
      ),
    }));
    const counted: Record<string, Record<string, number>> = {};
    const byStatus: Record<string, number> = {};
    for (const task of listed) {
      byStatus[task.status] = (byStatus[task.status] ?? 0) + 1;
      if (task.stage === null) continue;
      const stage = (counted[task.stage] ??= {});
      stage[task.status] = (stage[task.status] ?? 0) + 1;
    }
    // Planned tasks first by their place, then the rest, each lowest id first.
    const ready = listed
      .filter((task) => task.status === 'pending' && task.blockedBy.length === 0 && task.gate === undefined)
      .map((task) => ({ id: task.id, rank: rankOf.get(task.id) ?? Infinity }))
      .sort((a, b) => a.rank - b.rank || a.id - b.id)
      .map((task) => task.id);
    const owned = members.map((m) => listed.filter((task) => task.owner === m && task.status !== 'completed').map((task) => task.id));
    return {
      fromView: { tasks: fromView, counts: view.counts(), ready: view.readyTasks().map((task) => task.id), owned: members.map((m) => view.owned(m).map((task) => task.id)) },
      fromBoard: { tasks: fromBoard, counts: { total: listed.length, byStatus, byStage: counted }, ready, owned },
    };
  }

  it('agrees with the board on every task after random changes, some made through another connection', async () => {
    const other = await openBoard(t.file);
    try {
      const rng = rngFor(11, 'task-view');
      const members = ['ds', 'mle', 'mlops'];
      const roles = [null, 'data-scientist', 'ml-engineer', 'mlops-engineer'];
      let gates = 0;
      for (let step = 0; step < 240; step++) {
        const board = rng() < 0.3 ? other : t.board;
        const ids = (await board.listTaskRows(t.runId)).map((task) => task.id);
        const someId = () => (ids.length ? pick(rng, ids) : 1);
        const who = t.as(pick(rng, members));
        const roll = rng();
        if (roll < 0.3 || ids.length < 5) {
          const blockedBy = ids.length && rng() < 0.5 ? [someId()] : [];
          const planRank = pick(rng, [null, null, 1 + Math.floor(rng() * 50)]);
          await tryIt(() => board.createTask(t.runId, { subject: `Task ${step}`, stage: pick(rng, ['data', 'training', null]), role: pick(rng, roles), blockedBy, planRank }, human));
        } else if (roll < 0.5) await tryIt(() => board.updateTask(t.runId, someId(), { status: 'in_progress' }, who));
        else if (roll < 0.65) await tryIt(() => board.updateTask(t.runId, someId(), { status: 'completed' }, who));
        else if (roll < 0.72) await tryIt(() => board.updateTask(t.runId, someId(), { addBlockedBy: [someId()] }, human));
        else if (roll < 0.77) await tryIt(() => board.updateTask(t.runId, someId(), { status: 'deleted' }, human));
        else if (roll < 0.82) await tryIt(() => board.updateTask(t.runId, someId(), { status: 'pending' }, who));
        else if (roll < 0.86) await tryIt(() => board.updateTask(t.runId, someId(), { stage: pick(rng, ['data', 'training']), role: pick(rng, roles), subject: `Renamed ${step}` }, human));
        else if (roll < 0.9) await tryIt(() => board.updateTask(t.runId, someId(), { owner: pick(rng, members) }, human));
        else if (roll < 0.93) await tryIt(() => board.updateTask(t.runId, someId(), { metadata: { step } }, who));
        else if (roll < 0.96 && gates < 3) {
          gates++;
          await board.addGate(t.runId, { before: 'training', spec: { kind: 'approval' } }, human);
        } else if (gates > 0) await tryIt(() => board.setGateStatus(t.runId, Math.ceil(rng() * gates), pick(rng, ['passed', 'failed', 'closed', 'overridden'] as const), null, human));
        if (step % 8 === 0) {
          // Either connection's view must match, whichever made the change.
          const seen = await compare(pick(rng, [t.board, other]));
          expect(seen.fromView).toEqual(seen.fromBoard);
        }
      }
      const last = await compare(t.board);
      expect(last.fromView).toEqual(last.fromBoard);
      expect(last.fromBoard.tasks.length).toBeGreaterThan(20);
      expect(last.fromBoard.tasks.some((task) => task.claimableBy.length > 0)).toBe(true);
    } finally {
      await other.close();
    }
  });
});

describe('TaskGet', () => {
  beforeEach(async () => {
    await createTask({ subject: 'Profile', stage: 'data' });
    await createTask({ subject: 'Train', description: 'Fit a model.', stage: 'training', role: 'ml-engineer', activeForm: 'Training', blockedBy: [1], metadata: { seed: 3 } });
  });

  it('returns the task in full, by string or number id', async () => {
    const expected = {
      isError: false,
      body: {
        task: {
          id: '2',
          subject: 'Train',
          description: 'Fit a model.',
          activeForm: 'Training',
          status: 'pending',
          owner: '',
          role: 'ml-engineer',
          stage: 'training',
          attempt: 1,
          blocks: [],
          blockedBy: ['1'],
          metadata: { seed: 3 },
        },
      },
    };
    expect(await call(taskGetTool, { taskId: '2' })).toEqual(expected);
    expect(await call(taskGetTool, { taskId: 2 })).toEqual(expected);
    expect(await call(taskGetTool, { taskId: '#2' })).toEqual(expected);
    expect((await call(taskGetTool, { taskId: '1' })).body).toEqual({
      task: { id: '1', subject: 'Profile', description: '', status: 'pending', owner: '', stage: 'data', attempt: 1, blocks: ['2'], blockedBy: [], metadata: {} },
    });
  });

  it("shows the task's sim script to the simulated model only, under task.sim", async () => {
    const sim = { steps: [{ bash: 'python train.py' }], retrain_steps: [{ bash: 'python train.py --deeper' }] };
    await createTask({ subject: 'Scripted', sim });
    const get = async (backend?: 'sim' | 'anthropic' | 'replay') => {
      const { body } = await call(taskGetTool, { taskId: '3' }, 'ds', backend ? { backend } : {});
      return typeof body === 'object' && body !== null && 'task' in body ? body.task : undefined;
    };
    expect(await get('sim')).toMatchObject({ id: '3', sim, metadata: {} });
    for (const backend of ['anthropic', 'replay', undefined] as const) {
      const task = await get(backend);
      expect(task).toMatchObject({ id: '3', metadata: {} });
      expect(task).not.toHaveProperty('sim');
    }
    // A task without a script shows none, whatever the backend.
    expect((await call(taskGetTool, { taskId: '2' }, 'ds', { backend: 'sim' })).body).not.toHaveProperty('task.sim');
  });

  it('returns {task: null} for an unknown id', async () => {
    expect(await call(taskGetTool, { taskId: '99' })).toEqual({ isError: false, body: { task: null } });
  });

  it('refuses ids that are not task ids', async () => {
    const notAnId = (text: string) => ({ isError: true, body: { error: `"${text}" is not a task id; task ids are numbers like "3" (see TaskList)` } });
    expect(await call(taskGetTool, { taskId: 'abc' })).toEqual(notAnId('abc'));
    expect(await call(taskGetTool, { taskId: -1 })).toEqual(notAnId('-1'));
    expect(await call(taskGetTool, { taskId: '0' })).toEqual(notAnId('0'));
    expect(await call(taskGetTool, { taskId: '' })).toEqual(notAnId(''));
  });

  it('refuses wrong types and a missing id', async () => {
    const fields = 'Expected fields: taskId (string|integer)';
    expect((await call(taskGetTool, {})).body).toEqual({ error: `invalid input for TaskGet: taskId: missing (expected string|number). ${fields}` });
    expect((await call(taskGetTool, { taskId: 1.5 })).body).toEqual({ error: `invalid input for TaskGet: taskId: expected string|integer, received number 1.5. ${fields}` });
    expect((await call(taskGetTool, { taskId: true })).body).toEqual({ error: `invalid input for TaskGet: taskId: expected string|number, received boolean. ${fields}` });
    expect((await call(taskGetTool, { taskId: ['1'] })).body).toEqual({ error: `invalid input for TaskGet: taskId: expected string|number, received array. ${fields}` });
  });
});

describe('TaskUpdate', () => {
  beforeEach(async () => {
    await createTask({ subject: 'Profile', stage: 'data' });
    await createTask({ subject: 'Train', stage: 'training', role: 'ml-engineer' });
  });

  it('claims a task: {success, taskId, updatedFields, statusChange}', async () => {
    expect(await call(taskUpdateTool, { taskId: '1', status: 'in_progress' })).toEqual({
      isError: false,
      body: { success: true, taskId: '1', updatedFields: ['status', 'owner'], statusChange: { from: 'pending', to: 'in_progress' } },
    });
    expect(await getTask(1)).toMatchObject({ status: 'in_progress', owner: 'ds' });
  });

  it('omits statusChange when the status does not change, and merges metadata (null removes a key)', async () => {
    await call(taskUpdateTool, { taskId: 1, metadata: { rows: 5000, draft: true } });
    expect(await call(taskUpdateTool, { taskId: 1, metadata: { draft: null, nulls: 0 }, activeForm: 'Profiling' })).toEqual({
      isError: false,
      body: { success: true, taskId: '1', updatedFields: ['activeForm', 'metadata'] },
    });
    expect((await getTask(1))?.metadata).toEqual({ rows: 5000, nulls: 0 });
    expect(await call(taskUpdateTool, { taskId: '1' })).toEqual({ isError: false, body: { success: true, taskId: '1', updatedFields: [] } });
  });

  it('completes with results, and adds dependencies by string or number id', async () => {
    await call(taskUpdateTool, { taskId: '1', status: 'in_progress' });
    expect((await call(taskUpdateTool, { taskId: '1', status: 'completed', metadata: { metrics: { rows: 10 } } })).body).toEqual({
      success: true,
      taskId: '1',
      updatedFields: ['status', 'metadata'],
      statusChange: { from: 'in_progress', to: 'completed' },
    });
    await createTask({ subject: 'Report' });
    expect((await call(taskUpdateTool, { taskId: '3', addBlockedBy: ['2', 1] })).body).toEqual({ success: true, taskId: '3', updatedFields: ['blockedBy'] });
    expect((await call(taskUpdateTool, { taskId: '3', addBlocks: [] })).body).toEqual({ success: true, taskId: '3', updatedFields: [] });
  });

  it('refuses rule violations with success false and the reason', async () => {
    expect(await call(taskUpdateTool, { taskId: '2', status: 'in_progress' }, 'mle')).toEqual({
      isError: true,
      body: {
        success: false,
        taskId: '2',
        updatedFields: [],
        error: 'cannot start task #2: blocked by #1 "Profile" (pending, no owner yet, earlier stage data). Wait for them to be completed, or pick another task',
      },
    });
    await t.board.updateTask(t.runId, 1, { status: 'completed' }, human);
    expect((await call(taskUpdateTool, { taskId: '2', status: 'in_progress' }, 'ds')).body).toEqual({
      success: false,
      taskId: '2',
      updatedFields: [],
      error: 'task #2 is for role ml-engineer; ds has the role data-scientist and cannot take it',
    });
    await call(taskUpdateTool, { taskId: '2', status: 'in_progress' }, 'mle');
    expect((await call(taskUpdateTool, { taskId: '2', status: 'completed' }, 'mlops')).body).toEqual({
      success: false,
      taskId: '2',
      updatedFields: [],
      error: 'task #2 is owned by mle; only its owner can complete it',
    });
    expect((await call(taskUpdateTool, { taskId: '1', addBlockedBy: ['1'] })).body).toEqual({
      success: false,
      taskId: '1',
      updatedFields: [],
      error: 'task #1 cannot block itself (cycle: #1 -> #1)',
    });
  });

  it('returns success false for unknown and malformed ids', async () => {
    expect(await call(taskUpdateTool, { taskId: '99', status: 'in_progress' })).toEqual({
      isError: true,
      body: { success: false, taskId: '99', updatedFields: [], error: `task #99 does not exist in run ${t.runId}; use TaskList (or \`team tasks list\`) to see task ids` },
    });
    expect((await call(taskUpdateTool, { taskId: 'abc' })).body).toEqual({
      success: false,
      taskId: 'abc',
      updatedFields: [],
      error: '"abc" is not a task id; task ids are numbers like "3" (see TaskList)',
    });
    expect((await call(taskUpdateTool, { taskId: -1 })).body).toEqual({
      success: false,
      taskId: '-1',
      updatedFields: [],
      error: '"-1" is not a task id; task ids are numbers like "3" (see TaskList)',
    });
    expect((await call(taskUpdateTool, { taskId: '1', addBlockedBy: ['abc'] })).body).toEqual({
      success: false,
      taskId: '1',
      updatedFields: [],
      error: '"abc" is not a task id; task ids are numbers like "3" (see TaskList)',
    });
    expect((await call(taskUpdateTool, { taskId: '1', addBlocks: ['42'] })).body).toEqual({
      success: false,
      taskId: '1',
      updatedFields: [],
      error: `task #42 does not exist in run ${t.runId}; use TaskList to see task ids`,
    });
  });

  it('refuses wrong types before touching the board', async () => {
    const before = (await t.events()).length;
    expect(await call(taskUpdateTool, {})).toEqual({ isError: true, body: { error: `invalid input for TaskUpdate: taskId: missing (expected string|number). Expected fields: ${UPDATE_FIELDS}` } });
    expect((await call(taskUpdateTool, { taskId: '1', status: 'done' })).body).toEqual({
      error: `invalid input for TaskUpdate: status: invalid option: expected one of "pending"|"in_progress"|"completed"|"deleted". Expected fields: ${UPDATE_FIELDS}`,
    });
    expect((await call(taskUpdateTool, { taskId: '1', addBlockedBy: '2' })).body).toEqual({
      error: `invalid input for TaskUpdate: addBlockedBy: expected array, received string. Expected fields: ${UPDATE_FIELDS}`,
    });
    expect((await call(taskUpdateTool, { taskId: '1', addBlocks: [true] })).body).toEqual({
      error: `invalid input for TaskUpdate: addBlocks.0: expected string|number, received boolean. Expected fields: ${UPDATE_FIELDS}`,
    });
    expect((await call(taskUpdateTool, { taskId: '1', owner: 5, metadata: 'x' })).body).toEqual({
      error: `invalid input for TaskUpdate: owner: expected string, received number; metadata: expected record, received string. Expected fields: ${UPDATE_FIELDS}`,
    });
    expect(await t.events()).toHaveLength(before);
  });

  it('deletes a task', async () => {
    expect((await call(taskUpdateTool, { taskId: '1', status: 'deleted' })).body).toEqual({
      success: true,
      taskId: '1',
      updatedFields: ['deleted'],
      statusChange: { from: 'pending', to: 'deleted' },
    });
    expect(await call(taskGetTool, { taskId: '1' })).toEqual({ isError: false, body: { task: null } });
  });
});
