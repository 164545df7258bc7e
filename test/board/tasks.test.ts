import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { mergeMetadata } from '../../src/board/rules/tasks.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: ['data', 'training'] });
});

afterEach(async () => {
  await t.cleanup();
});

describe('createTask', () => {
  it('stores the task with per-run ids, creator and defaults', async () => {
    const first = (await t.board.createTask(t.runId, { subject: '  Profile data  ', description: 'Profile it.', stage: 'data' }, t.as('ds')));
    const second = (await t.board.createTask(t.runId, { subject: 'Train', metadata: { seed: 7, drop: null } }, human));
    expect(first).toMatchObject({
      runId: t.runId,
      id: 1,
      subject: 'Profile data',
      description: 'Profile it.',
      activeForm: null,
      status: 'pending',
      owner: null,
      role: null,
      stage: 'data',
      metadata: {},
      createdBy: 'ds',
      attempt: 1,
      startedAt: null,
      completedAt: null,
    });
    expect(second).toMatchObject({ id: 2, createdBy: 'human', metadata: { seed: 7 }, stage: null });
  });

  it('refuses a task for a completed run, naming how to go on', async () => {
    await t.board.setRunStatus(t.runId, 'completed', 'done', human);
    expect(await caught(async () => await t.board.createTask(t.runId, { subject: 'Late' }, human))).toEqual({
      name: 'BoardError',
      code: 'state',
      message: `run ${t.runId} is completed, so no task can be added to it; start a new run with \`team start test-team\``,
    });
    expect(await t.board.listTaskRows(t.runId)).toEqual([]);
  });

  it('numbers tasks per run', async () => {
    const other = await createTestBoard({ dir: t.dir, pipeline: [] });
    await t.board.createTask(t.runId, { subject: 'A' }, human);
    await t.board.createTask(t.runId, { subject: 'B' }, human);
    expect((await other.board.createTask(other.runId, { subject: 'C' }, human)).id).toBe(1);
    await other.board.close();
  });

  it('refuses an empty subject', async () => {
    expect(await caught(async () => (await t.board.createTask(t.runId, { subject: '   ' }, human)))).toEqual({
      name: 'BoardError',
      code: 'invalid',
      message: 'subject must not be empty; give the task a short imperative title',
    });
    await t.board.createTask(t.runId, { subject: 'A' }, human);
    expect((await caught(async () => (await t.board.updateTask(t.runId, 1, { subject: ' ' }, human)))).message).toBe('subject must not be empty');
  });
});

describe('metadata', () => {
  beforeEach(async () => {
    await t.board.createTask(t.runId, { subject: 'Train', metadata: { model: 'logreg', metrics: { auc: 0.7 }, notes: 'first try' } }, human);
  });

  it('merges keys, replaces nested values whole, and removes keys set to null', async () => {
    const result = (await t.board.updateTask(t.runId, 1, { metadata: { metrics: { auc: 0.81, f1: 0.4 }, notes: null, seed: 3 } }, human));
    expect(result).toEqual({ taskId: 1, updatedFields: ['metadata'] });
    expect((await t.board.getTask(t.runId, 1))?.metadata).toEqual({ model: 'logreg', metrics: { auc: 0.81, f1: 0.4 }, seed: 3 });
  });

  it('treats an empty patch as no change', async () => {
    expect((await t.board.updateTask(t.runId, 1, { metadata: {} }, human))).toEqual({ taskId: 1, updatedFields: [] });
  });

  it('mergeMetadata leaves its input untouched', async () => {
    const current = { a: 1, b: 2 };
    expect(mergeMetadata(current, { a: null, c: [1, 2] })).toEqual({ b: 2, c: [1, 2] });
    expect(current).toEqual({ a: 1, b: 2 });
  });
});

describe('updating fields', () => {
  it('reports only the fields that changed', async () => {
    await t.board.createTask(t.runId, { subject: 'Train', description: 'old' }, human);
    expect(
      (await t.board.updateTask(t.runId, 1, { subject: 'Train', description: 'new', activeForm: 'Training', role: 'ml-engineer' }, human)),
    ).toEqual({ taskId: 1, updatedFields: ['role', 'description', 'activeForm'] });
    expect((await t.board.getTask(t.runId, 1))).toMatchObject({ subject: 'Train', description: 'new', activeForm: 'Training', role: 'ml-engineer' });
    expect((await t.board.updateTask(t.runId, 1, {}, human))).toEqual({ taskId: 1, updatedFields: [] });
  });
});

describe('deletion', () => {
  beforeEach(async () => {
    await t.board.createTask(t.runId, { subject: 'Profile' }, human);
    await t.board.createTask(t.runId, { subject: 'Train', blockedBy: [1] }, human);
  });

  it('removes the task and its edges, unblocking dependents', async () => {
    expect((await t.board.updateTask(t.runId, 1, { status: 'deleted' }, human))).toEqual({
      taskId: 1,
      updatedFields: ['deleted'],
      statusChange: { from: 'pending', to: 'deleted' },
    });
    expect((await t.board.getTask(t.runId, 1))).toBeUndefined();
    expect((await t.board.getTaskDetail(t.runId, 2))).toMatchObject({ blockedBy: [], dependsOn: [] });
    expect((await t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('mle'))).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
    expect((await t.events()).at(-2)).toMatchObject({ type: 'task.deleted', actor: 'human', payload: { taskId: 1, subject: 'Profile' } });
  });

  it('lets only the owner delete a claimed task', async () => {
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { status: 'deleted' }, t.as('mle'))))).toEqual({
      name: 'BoardError',
      code: 'not_owner',
      message: 'task #1 is owned by ds; only its owner can delete it',
    });
    expect((await t.board.updateTask(t.runId, 1, { status: 'deleted' }, t.as('ds'))).updatedFields).toEqual(['deleted']);
  });

  it('keeps numbering after the highest id when a lower one is deleted', async () => {
    await t.board.updateTask(t.runId, 1, { status: 'deleted' }, human);
    expect((await t.board.createTask(t.runId, { subject: 'Again' }, human)).id).toBe(3);
  });
});

describe('events', () => {
  beforeEach(async () => {
    await t.board.createTask(t.runId, { subject: 'Profile', stage: 'data' }, human);
    await t.board.createTask(t.runId, { subject: 'Train', stage: 'training' }, human);
  });

  it('appends nothing when an update is refused', async () => {
    const before = (await t.events());
    expect((await caught(async () => (await t.board.updateTask(t.runId, 2, { status: 'in_progress', metadata: { x: 1 } }, t.as('mle'))))).code).toBe('blocked');
    expect((await t.events())).toEqual(before);
    expect((await t.board.getTask(t.runId, 2))?.metadata).toEqual({});
  });

  it('appends exactly one task.claimed for a claim, and one task.completed for a completion', async () => {
    const seq = await t.board.lastEventSeq(t.runId);
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    const claimed = (await t.board.listEvents(t.runId, seq));
    expect(claimed).toEqual([
      { runId: t.runId, seq: seq + 1, ts: expect.any(Number), actor: 'ds', type: 'task.claimed', payload: { taskId: 1, subject: 'Profile', owner: 'ds', attempt: 1 } },
    ]);
    await t.board.updateTask(t.runId, 1, { status: 'completed', metadata: { rows: 5000 } }, t.as('ds'));
    expect((await t.board.listEvents(t.runId, seq + 1)).map((e) => [e.type, e.payload])).toEqual([
      ['task.completed', { taskId: 1, subject: 'Profile', owner: 'ds' }],
      ['task.updated', { taskId: 1, subject: 'Profile', fields: ['metadata'], metadata: { rows: 5000 } }],
    ]);
  });

  it('numbers events per run without gaps, in order', async () => {
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    await t.board.updateTask(t.runId, 1, { status: 'pending' }, t.as('ds'));
    const all = (await t.events());
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.map((e) => e.type)).toEqual([
      'run.started',
      'member.joined',
      'member.joined',
      'member.joined',
      'task.created',
      'task.created',
      'task.claimed',
      'task.released',
      'task.updated',
    ]);
    expect(all.at(-1)?.payload).toEqual({ taskId: 1, subject: 'Profile', fields: ['owner'], owner: null });
  });

  it('wakes a waiter when a change commits, and not for a refused update', async () => {
    let woken = false;
    const waiting = t.board.waitForChange(t.runId, 60_000).then(() => (woken = true));
    await caught(async () => t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('mle')));
    await Promise.resolve();
    expect(woken).toBe(false);
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    await waiting;
    expect(woken).toBe(true);
  });
});

describe('views', () => {
  it('listTasks summarises every task with open blockers', async () => {
    await t.board.createTask(t.runId, { subject: 'Profile', stage: 'data', role: 'data-scientist', activeForm: 'Profiling' }, human);
    await t.board.createTask(t.runId, { subject: 'Clean', blockedBy: [1] }, human);
    await t.board.createTask(t.runId, { subject: 'Train', stage: 'training', blockedBy: [2] }, human);
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    expect((await t.board.listTasks(t.runId))).toEqual([
      { id: 1, subject: 'Profile', status: 'in_progress', owner: 'ds', role: 'data-scientist', stage: 'data', activeForm: 'Profiling', attempt: 1, blockedBy: [], stageWaits: 0 },
      { id: 2, subject: 'Clean', status: 'pending', owner: null, role: null, stage: null, activeForm: null, attempt: 1, blockedBy: [1], stageWaits: 0 },
      { id: 3, subject: 'Train', status: 'pending', owner: null, role: null, stage: 'training', activeForm: null, attempt: 1, blockedBy: [2, 1], stageWaits: 1 },
    ]);
    await t.board.updateTask(t.runId, 1, { status: 'completed' }, t.as('ds'));
    expect((await t.board.listTasks(t.runId)).map((x) => x.blockedBy)).toEqual([[], [], [2]]);
  });

  it('getTaskDetail shows both directions and the open blockers', async () => {
    await t.board.createTask(t.runId, { subject: 'Profile', stage: 'data', description: 'Profile the data.' }, human);
    await t.board.createTask(t.runId, { subject: 'Train', stage: 'training', blockedBy: [1], metadata: { k: 1 } }, t.as('mle'));
    const detail = (await t.board.getTaskDetail(t.runId, 2));
    expect(detail).toEqual({
      id: 2,
      subject: 'Train',
      status: 'pending',
      owner: null,
      role: null,
      stage: 'training',
      activeForm: null,
      attempt: 1,
      blockedBy: [1],
      stageWaits: 0,
      description: '',
      metadata: { k: 1 },
      blocks: [],
      dependsOn: [1],
      createdBy: 'mle',
      key: null,
      tokens: 0,
      costUsd: 0,
      createdAt: expect.any(Number),
      startedAt: null,
      completedAt: null,
    });
    expect((await t.board.getTaskDetail(t.runId, 1))).toMatchObject({ blocks: [2], dependsOn: [], blockedBy: [], description: 'Profile the data.' });
    expect((await t.board.getTaskDetail(t.runId, 99))).toBeUndefined();
    expect((await t.board.listTaskRows(t.runId)).map((r) => r.id)).toEqual([1, 2]);
  });
});
