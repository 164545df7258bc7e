import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coordinator, human } from '../../src/board/actor.js';
import { claimTask, createTask, getTask, updateTask, type NewTask } from '../../src/board/tasks.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

beforeEach(() => {
  t = createTestBoard({ pipeline: [] });
});

afterEach(() => {
  t.cleanup();
});

function create(subject: string, extra: Partial<NewTask> = {}) {
  return createTask(t.board, t.runId, { subject, ...extra }, human);
}

describe('rule 1: a task starts only when every blocker is completed', () => {
  it('names each open blocker with its status and owner', () => {
    create('Profile data');
    create('Clean data');
    create('Train', { blockedBy: [1, 2] });
    updateTask(t.board, t.runId, 1, { status: 'in_progress' }, t.as('ds'));

    expect(caught(() => updateTask(t.board, t.runId, 3, { status: 'in_progress' }, t.as('mle')))).toEqual({
      name: 'BoardError',
      code: 'blocked',
      message:
        'cannot start task #3: blocked by #1 "Profile data" (in progress, owned by ds), #2 "Clean data" (pending, no owner yet). ' +
        'Wait for them to be completed, or pick another task',
    });
    expect(getTask(t.board, t.runId, 3)).toMatchObject({ status: 'pending', owner: null, startedAt: null });
  });

  it('lists only the blockers still open, and lets the task start once all are completed', () => {
    create('Profile data');
    create('Clean data');
    create('Train', { blockedBy: [1, 2] });
    updateTask(t.board, t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    updateTask(t.board, t.runId, 1, { status: 'completed' }, t.as('ds'));

    expect(caught(() => updateTask(t.board, t.runId, 3, { status: 'in_progress' }, t.as('mle'))).message).toBe(
      'cannot start task #3: blocked by #2 "Clean data" (pending, no owner yet). Wait for them to be completed, or pick another task',
    );
    updateTask(t.board, t.runId, 2, { status: 'in_progress' }, t.as('ds'));
    updateTask(t.board, t.runId, 2, { status: 'completed' }, t.as('ds'));
    expect(updateTask(t.board, t.runId, 3, { status: 'in_progress' }, t.as('mle'))).toEqual({
      taskId: 3,
      updatedFields: ['status', 'owner'],
      statusChange: { from: 'pending', to: 'in_progress' },
    });
    expect(getTask(t.board, t.runId, 3)).toMatchObject({ status: 'in_progress', owner: 'mle' });
  });

  it('applies to people too, and to completing a pending task', () => {
    create('Profile data');
    create('Train', { blockedBy: [1] });
    expect(caught(() => updateTask(t.board, t.runId, 2, { status: 'in_progress', owner: 'mle' }, human)).message).toBe(
      'cannot start task #2: blocked by #1 "Profile data" (pending, no owner yet). Wait for them to be completed, or pick another task',
    );
    expect(caught(() => updateTask(t.board, t.runId, 2, { status: 'completed' }, t.as('mle'))).message).toBe(
      'cannot complete task #2: blocked by #1 "Profile data" (pending, no owner yet). Wait for them to be completed, or pick another task',
    );
    expect(getTask(t.board, t.runId, 2)).toMatchObject({ status: 'pending', owner: null });
  });

  it('shows at most eight blockers and counts the rest', () => {
    for (let i = 1; i <= 10; i++) create(`Step ${i}`);
    create('Report', { blockedBy: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    const shown = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `#${i} "Step ${i}" (pending, no owner yet)`).join(', ');
    expect(caught(() => claimTask(t.board, t.runId, 11, t.as('ds'))).message).toBe(
      `cannot start task #11: blocked by ${shown} and 2 more. Wait for them to be completed, or pick another task`,
    );
  });
});

describe('rule 2: role-restricted tasks', () => {
  beforeEach(() => {
    create('Build features', { role: 'data-scientist' });
  });

  it('refuses a member whose role differs', () => {
    expect(caught(() => claimTask(t.board, t.runId, 1, t.as('mle')))).toEqual({
      name: 'BoardError',
      code: 'role',
      message: 'task #1 is for role data-scientist; mle has the role ml-engineer and cannot take it',
    });
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ status: 'pending', owner: null });
  });

  it('lets a member with the role claim it', () => {
    expect(claimTask(t.board, t.runId, 1, t.as('ds')).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ status: 'in_progress', owner: 'ds' });
  });

  it('refuses a person assigning it to a member of another role, or to someone not in the run', () => {
    expect(caught(() => updateTask(t.board, t.runId, 1, { owner: 'mle' }, human)).message).toBe(
      'task #1 is for role data-scientist; mle has the role ml-engineer and cannot take it',
    );
    expect(caught(() => updateTask(t.board, t.runId, 1, { status: 'in_progress', owner: 'mle' }, human)).message).toBe(
      'task #1 is for role data-scientist; mle has the role ml-engineer and cannot take it',
    );
    expect(caught(() => updateTask(t.board, t.runId, 1, { owner: 'zoe' }, human))).toEqual({
      name: 'BoardError',
      code: 'role',
      message: `task #1 is for role data-scientist, and zoe is not a member of run ${t.runId}; assign it to a data-scientist`,
    });
    expect(updateTask(t.board, t.runId, 1, { owner: 'ds' }, human)).toEqual({ taskId: 1, updatedFields: ['owner'] });
  });

  it('refuses creating a task already assigned to a member of another role', () => {
    expect(caught(() => create('Tune', { role: 'ml-engineer', owner: 'ds' }))).toEqual({
      name: 'BoardError',
      code: 'role',
      message: 'task #2 is for role ml-engineer; ds has the role data-scientist and cannot take it',
    });
    expect(getTask(t.board, t.runId, 2)).toBeUndefined();
    expect(create('Tune', { role: 'ml-engineer', owner: 'mle' })).toMatchObject({ id: 2, owner: 'mle', status: 'pending' });
  });

  it('leaves tasks without a role open to anyone, members or not', () => {
    create('Write notes');
    expect(updateTask(t.board, t.runId, 2, { owner: 'someone-else' }, human).updatedFields).toEqual(['owner']);
  });
});

describe('rule 3: claiming is atomic and ownership sticks', () => {
  beforeEach(() => {
    create('Profile data');
  });

  it('gives the task to the first claimer; the second gets an error naming the owner', () => {
    claimTask(t.board, t.runId, 1, t.as('ds'));
    expect(caught(() => claimTask(t.board, t.runId, 1, t.as('mle')))).toEqual({
      name: 'BoardError',
      code: 'owned',
      message: 'task #1 is already in progress, owned by ds; pick another task from TaskList',
    });
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ status: 'in_progress', owner: 'ds' });
    expect(t.events().filter((e) => e.type === 'task.claimed')).toHaveLength(1);
  });

  it('makes the calling member the owner of a task it starts', () => {
    expect(updateTask(t.board, t.runId, 1, { status: 'in_progress' }, t.as('mlops')).updatedFields).toEqual(['status', 'owner']);
    expect(getTask(t.board, t.runId, 1)?.owner).toBe('mlops');
  });

  it('treats claiming your own in-progress task again as a no-op', () => {
    claimTask(t.board, t.runId, 1, t.as('ds'));
    expect(claimTask(t.board, t.runId, 1, t.as('ds'))).toEqual({ taskId: 1, updatedFields: [] });
  });

  it('refuses a member starting a pending task assigned to someone else', () => {
    updateTask(t.board, t.runId, 1, { owner: 'ds' }, human);
    expect(caught(() => claimTask(t.board, t.runId, 1, t.as('mle')))).toEqual({
      name: 'BoardError',
      code: 'owned',
      message: 'task #1 is owned by ds; pick another task from TaskList',
    });
  });

  it('refuses a member starting a task on behalf of another member', () => {
    expect(caught(() => updateTask(t.board, t.runId, 1, { status: 'in_progress', owner: 'mle' }, t.as('ds')))).toEqual({
      name: 'BoardError',
      code: 'owned',
      message: 'a member can only start a task for itself; leave owner empty or set it to "ds"',
    });
  });

  it('refuses a member reassigning a task owned by someone else; a person or the coordinator may', () => {
    claimTask(t.board, t.runId, 1, t.as('ds'));
    expect(caught(() => updateTask(t.board, t.runId, 1, { owner: 'mle' }, t.as('mle')))).toEqual({
      name: 'BoardError',
      code: 'owned',
      message: 'task #1 is owned by ds; only its owner, a person or the coordinator can reassign it',
    });
    expect(updateTask(t.board, t.runId, 1, { owner: 'mle' }, coordinator)).toEqual({ taskId: 1, updatedFields: ['owner'] });
    expect(getTask(t.board, t.runId, 1)?.owner).toBe('mle');
    expect(updateTask(t.board, t.runId, 1, { owner: '' }, human)).toEqual({ taskId: 1, updatedFields: ['owner'] });
    expect(getTask(t.board, t.runId, 1)?.owner).toBeNull();
  });

  it('refuses restarting a completed task for members', () => {
    claimTask(t.board, t.runId, 1, t.as('ds'));
    updateTask(t.board, t.runId, 1, { status: 'completed' }, t.as('ds'));
    expect(caught(() => claimTask(t.board, t.runId, 1, t.as('ds')))).toEqual({
      name: 'BoardError',
      code: 'state',
      message: 'task #1 is already completed; create a new task for follow-up work',
    });
  });
});

describe('rule 4: only the owner completes a task', () => {
  beforeEach(() => {
    create('Profile data');
    claimTask(t.board, t.runId, 1, t.as('ds'));
  });

  it('refuses another member', () => {
    expect(caught(() => updateTask(t.board, t.runId, 1, { status: 'completed' }, t.as('mle')))).toEqual({
      name: 'BoardError',
      code: 'not_owner',
      message: 'task #1 is owned by ds; only its owner can complete it',
    });
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ status: 'in_progress', owner: 'ds', completedAt: null });
  });

  it('refuses another member putting it back to pending', () => {
    expect(caught(() => updateTask(t.board, t.runId, 1, { status: 'pending' }, t.as('mle')))).toEqual({
      name: 'BoardError',
      code: 'not_owner',
      message: 'task #1 is owned by ds; only its owner can put it back to pending',
    });
  });

  it('lets the owner complete it', () => {
    expect(updateTask(t.board, t.runId, 1, { status: 'completed' }, t.as('ds'))).toEqual({
      taskId: 1,
      updatedFields: ['status'],
      statusChange: { from: 'in_progress', to: 'completed' },
    });
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ status: 'completed', owner: 'ds' });
    expect(getTask(t.board, t.runId, 1)?.completedAt).toEqual(expect.any(Number));
  });

  it('lets a person or the coordinator complete it, keeping the owner', () => {
    updateTask(t.board, t.runId, 1, { status: 'completed' }, human);
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ status: 'completed', owner: 'ds' });
  });

  it('lets the owner release it: back to pending, unowned', () => {
    expect(updateTask(t.board, t.runId, 1, { status: 'pending' }, t.as('ds'))).toEqual({
      taskId: 1,
      updatedFields: ['status', 'owner'],
      statusChange: { from: 'in_progress', to: 'pending' },
    });
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ status: 'pending', owner: null, startedAt: null });
  });
});

it('refuses unknown tasks with a message naming the id and how to list ids', () => {
  expect(caught(() => updateTask(t.board, t.runId, 42, { status: 'in_progress' }, t.as('ds')))).toEqual({
    name: 'BoardError',
    code: 'not_found',
    message: `task #42 does not exist in run ${t.runId}; use TaskList (or \`team tasks list\`) to see task ids`,
  });
});
