import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { onChange } from '../../src/board/board.js';
import type { BoardEvent } from '../../src/board/events.js';
import { lastEventSeq, listEvents } from '../../src/board/events.js';
import { claimTask, createTask, getTask, listTaskRows, mergeMetadata, updateTask } from '../../src/board/tasks.js';
import { getTaskDetail, listTasks } from '../../src/board/views.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

beforeEach(() => {
  t = createTestBoard({ pipeline: ['data', 'training'] });
});

afterEach(() => {
  t.cleanup();
});

describe('createTask', () => {
  it('stores the task with per-run ids, creator and defaults', () => {
    const first = createTask(t.board, t.runId, { subject: '  Profile data  ', description: 'Profile it.', stage: 'data' }, t.as('ds'));
    const second = createTask(t.board, t.runId, { subject: 'Train', metadata: { seed: 7, drop: null } }, human);
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

  it('numbers tasks per run', () => {
    const other = createTestBoard({ dir: t.dir, pipeline: [] });
    createTask(t.board, t.runId, { subject: 'A' }, human);
    createTask(t.board, t.runId, { subject: 'B' }, human);
    expect(createTask(other.board, other.runId, { subject: 'C' }, human).id).toBe(1);
    other.board.close();
  });

  it('refuses an empty subject', () => {
    expect(caught(() => createTask(t.board, t.runId, { subject: '   ' }, human))).toEqual({
      name: 'BoardError',
      code: 'invalid',
      message: 'subject must not be empty; give the task a short imperative title',
    });
    createTask(t.board, t.runId, { subject: 'A' }, human);
    expect(caught(() => updateTask(t.board, t.runId, 1, { subject: ' ' }, human)).message).toBe('subject must not be empty');
  });
});

describe('metadata', () => {
  beforeEach(() => {
    createTask(t.board, t.runId, { subject: 'Train', metadata: { model: 'logreg', metrics: { auc: 0.7 }, notes: 'first try' } }, human);
  });

  it('merges keys, replaces nested values whole, and removes keys set to null', () => {
    const result = updateTask(t.board, t.runId, 1, { metadata: { metrics: { auc: 0.81, f1: 0.4 }, notes: null, seed: 3 } }, human);
    expect(result).toEqual({ taskId: 1, updatedFields: ['metadata'] });
    expect(getTask(t.board, t.runId, 1)?.metadata).toEqual({ model: 'logreg', metrics: { auc: 0.81, f1: 0.4 }, seed: 3 });
  });

  it('treats an empty patch as no change', () => {
    expect(updateTask(t.board, t.runId, 1, { metadata: {} }, human)).toEqual({ taskId: 1, updatedFields: [] });
  });

  it('mergeMetadata leaves its input untouched', () => {
    const current = { a: 1, b: 2 };
    expect(mergeMetadata(current, { a: null, c: [1, 2] })).toEqual({ b: 2, c: [1, 2] });
    expect(current).toEqual({ a: 1, b: 2 });
  });
});

describe('updating fields', () => {
  it('reports only the fields that changed', () => {
    createTask(t.board, t.runId, { subject: 'Train', description: 'old' }, human);
    expect(
      updateTask(t.board, t.runId, 1, { subject: 'Train', description: 'new', activeForm: 'Training', role: 'ml-engineer' }, human),
    ).toEqual({ taskId: 1, updatedFields: ['role', 'description', 'activeForm'] });
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ subject: 'Train', description: 'new', activeForm: 'Training', role: 'ml-engineer' });
    expect(updateTask(t.board, t.runId, 1, {}, human)).toEqual({ taskId: 1, updatedFields: [] });
  });
});

describe('deletion', () => {
  beforeEach(() => {
    createTask(t.board, t.runId, { subject: 'Profile' }, human);
    createTask(t.board, t.runId, { subject: 'Train', blockedBy: [1] }, human);
  });

  it('removes the task and its edges, unblocking dependents', () => {
    expect(updateTask(t.board, t.runId, 1, { status: 'deleted' }, human)).toEqual({
      taskId: 1,
      updatedFields: ['deleted'],
      statusChange: { from: 'pending', to: 'deleted' },
    });
    expect(getTask(t.board, t.runId, 1)).toBeUndefined();
    expect(getTaskDetail(t.board, t.runId, 2)).toMatchObject({ blockedBy: [], dependsOn: [] });
    expect(claimTask(t.board, t.runId, 2, t.as('mle')).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
    expect(t.events().at(-2)).toMatchObject({ type: 'task.deleted', actor: 'human', payload: { taskId: 1, subject: 'Profile' } });
  });

  it('lets only the owner delete a claimed task', () => {
    claimTask(t.board, t.runId, 1, t.as('ds'));
    expect(caught(() => updateTask(t.board, t.runId, 1, { status: 'deleted' }, t.as('mle')))).toEqual({
      name: 'BoardError',
      code: 'not_owner',
      message: 'task #1 is owned by ds; only its owner can delete it',
    });
    expect(updateTask(t.board, t.runId, 1, { status: 'deleted' }, t.as('ds')).updatedFields).toEqual(['deleted']);
  });

  it('keeps numbering after the highest id when a lower one is deleted', () => {
    updateTask(t.board, t.runId, 1, { status: 'deleted' }, human);
    expect(createTask(t.board, t.runId, { subject: 'Again' }, human).id).toBe(3);
  });
});

describe('events', () => {
  beforeEach(() => {
    createTask(t.board, t.runId, { subject: 'Profile', stage: 'data' }, human);
    createTask(t.board, t.runId, { subject: 'Train', stage: 'training' }, human);
  });

  it('appends nothing when an update is refused', () => {
    const before = t.events();
    expect(caught(() => updateTask(t.board, t.runId, 2, { status: 'in_progress', metadata: { x: 1 } }, t.as('mle'))).code).toBe('blocked');
    expect(t.events()).toEqual(before);
    expect(getTask(t.board, t.runId, 2)?.metadata).toEqual({});
  });

  it('appends exactly one task.claimed for a claim, and one task.completed for a completion', () => {
    const seq = lastEventSeq(t.board, t.runId);
    claimTask(t.board, t.runId, 1, t.as('ds'));
    const claimed = listEvents(t.board, t.runId, seq);
    expect(claimed).toEqual([
      { runId: t.runId, seq: seq + 1, ts: expect.any(Number), actor: 'ds', type: 'task.claimed', payload: { taskId: 1, subject: 'Profile', owner: 'ds', attempt: 1 } },
    ]);
    updateTask(t.board, t.runId, 1, { status: 'completed', metadata: { rows: 5000 } }, t.as('ds'));
    expect(listEvents(t.board, t.runId, seq + 1).map((e) => [e.type, e.payload])).toEqual([
      ['task.completed', { taskId: 1, subject: 'Profile', owner: 'ds' }],
      ['task.updated', { taskId: 1, subject: 'Profile', fields: ['metadata'], metadata: { rows: 5000 } }],
    ]);
  });

  it('numbers events per run without gaps, in order', () => {
    claimTask(t.board, t.runId, 1, t.as('ds'));
    updateTask(t.board, t.runId, 1, { status: 'pending' }, t.as('ds'));
    const all = t.events();
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

  it('tells listeners after commit, and nothing for a refused update', () => {
    const heard: BoardEvent[][] = [];
    const stop = onChange(t.board, (events) => heard.push(events));
    claimTask(t.board, t.runId, 1, t.as('ds'));
    caught(() => claimTask(t.board, t.runId, 2, t.as('mle')));
    stop();
    claimTask(t.board, t.runId, 1, t.as('ds'));
    expect(heard.map((batch) => batch.map((e) => e.type))).toEqual([['task.claimed']]);
  });
});

describe('views', () => {
  it('listTasks summarises every task with open blockers', () => {
    createTask(t.board, t.runId, { subject: 'Profile', stage: 'data', role: 'data-scientist', activeForm: 'Profiling' }, human);
    createTask(t.board, t.runId, { subject: 'Clean', blockedBy: [1] }, human);
    createTask(t.board, t.runId, { subject: 'Train', stage: 'training', blockedBy: [2] }, human);
    claimTask(t.board, t.runId, 1, t.as('ds'));
    expect(listTasks(t.board, t.runId)).toEqual([
      { id: 1, subject: 'Profile', status: 'in_progress', owner: 'ds', role: 'data-scientist', stage: 'data', activeForm: 'Profiling', attempt: 1, blockedBy: [] },
      { id: 2, subject: 'Clean', status: 'pending', owner: null, role: null, stage: null, activeForm: null, attempt: 1, blockedBy: [1] },
      { id: 3, subject: 'Train', status: 'pending', owner: null, role: null, stage: 'training', activeForm: null, attempt: 1, blockedBy: [2, 1] },
    ]);
    updateTask(t.board, t.runId, 1, { status: 'completed' }, t.as('ds'));
    expect(listTasks(t.board, t.runId).map((x) => x.blockedBy)).toEqual([[], [], [2]]);
  });

  it('getTaskDetail shows both directions and the open blockers', () => {
    createTask(t.board, t.runId, { subject: 'Profile', stage: 'data', description: 'Profile the data.' }, human);
    createTask(t.board, t.runId, { subject: 'Train', stage: 'training', blockedBy: [1], metadata: { k: 1 } }, t.as('mle'));
    const detail = getTaskDetail(t.board, t.runId, 2);
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
    expect(getTaskDetail(t.board, t.runId, 1)).toMatchObject({ blocks: [2], dependsOn: [], blockedBy: [], description: 'Profile the data.' });
    expect(getTaskDetail(t.board, t.runId, 99)).toBeUndefined();
    expect(listTaskRows(t.board, t.runId).map((r) => r.id)).toEqual([1, 2]);
  });
});
