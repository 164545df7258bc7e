import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coordinator, human } from '../../src/board/actor.js';
import type { NewTask } from '../../src/board/types.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: [] });
});

afterEach(async () => {
  await t.cleanup();
});

async function create(subject: string, extra: Partial<NewTask> = {}) {
  return (await t.board.createTask(t.runId, { subject, ...extra }, human));
}

describe('rule 1: a task starts only when every blocker is completed', () => {
  it('names each open blocker with its status and owner', async () => {
    await create('Profile data');
    await create('Clean data');
    await create('Train', { blockedBy: [1, 2] });
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));

    expect(await caught(async () => (await t.board.updateTask(t.runId, 3, { status: 'in_progress' }, t.as('mle'))))).toEqual({
      name: 'BoardError',
      code: 'blocked',
      message:
        'cannot start task #3: blocked by #1 "Profile data" (in progress, owned by ds), #2 "Clean data" (pending, no owner yet). ' +
        'Wait for them to be completed, or pick another task',
    });
    expect((await t.board.getTask(t.runId, 3))).toMatchObject({ status: 'pending', owner: null, startedAt: null });
  });

  it('lists only the blockers still open, and lets the task start once all are completed', async () => {
    await create('Profile data');
    await create('Clean data');
    await create('Train', { blockedBy: [1, 2] });
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    await t.board.updateTask(t.runId, 1, { status: 'completed' }, t.as('ds'));

    expect((await caught(async () => (await t.board.updateTask(t.runId, 3, { status: 'in_progress' }, t.as('mle'))))).message).toBe(
      'cannot start task #3: blocked by #2 "Clean data" (pending, no owner yet). Wait for them to be completed, or pick another task',
    );
    await t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('ds'));
    await t.board.updateTask(t.runId, 2, { status: 'completed' }, t.as('ds'));
    expect((await t.board.updateTask(t.runId, 3, { status: 'in_progress' }, t.as('mle')))).toEqual({
      taskId: 3,
      updatedFields: ['status', 'owner'],
      statusChange: { from: 'pending', to: 'in_progress' },
    });
    expect((await t.board.getTask(t.runId, 3))).toMatchObject({ status: 'in_progress', owner: 'mle' });
  });

  it('applies to people too, and to completing a pending task', async () => {
    await create('Profile data');
    await create('Train', { blockedBy: [1] });
    expect((await caught(async () => (await t.board.updateTask(t.runId, 2, { status: 'in_progress', owner: 'mle' }, human)))).message).toBe(
      'cannot start task #2: blocked by #1 "Profile data" (pending, no owner yet). Wait for them to be completed, or pick another task',
    );
    expect((await caught(async () => (await t.board.updateTask(t.runId, 2, { status: 'completed' }, t.as('mle'))))).message).toBe(
      'cannot complete task #2: blocked by #1 "Profile data" (pending, no owner yet). Wait for them to be completed, or pick another task',
    );
    expect((await t.board.getTask(t.runId, 2))).toMatchObject({ status: 'pending', owner: null });
  });

  it('shows at most eight blockers and counts the rest', async () => {
    for (let i = 1; i <= 10; i++) await create(`Step ${i}`);
    await create('Report', { blockedBy: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    const shown = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `#${i} "Step ${i}" (pending, no owner yet)`).join(', ');
    expect((await caught(async () => (await t.board.updateTask(t.runId, 11, { status: 'in_progress' }, t.as('ds'))))).message).toBe(
      `cannot start task #11: blocked by ${shown} and 2 more. Wait for them to be completed, or pick another task`,
    );
  });
});

describe('rule 2: role-restricted tasks', () => {
  beforeEach(async () => {
    await create('Build features', { role: 'data-scientist' });
  });

  it('refuses a member whose role differs', async () => {
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('mle'))))).toEqual({
      name: 'BoardError',
      code: 'role',
      message: 'task #1 is for role data-scientist; mle has the role ml-engineer and cannot take it',
    });
    expect((await t.board.getTask(t.runId, 1))).toMatchObject({ status: 'pending', owner: null });
  });

  it('refuses a member of another role completing it without claiming it first', async () => {
    expect((await caught(async () => (await t.board.updateTask(t.runId, 1, { status: 'completed' }, t.as('mle'))))).code).toBe('role');
    expect((await t.board.getTask(t.runId, 1))).toMatchObject({ status: 'pending', owner: null });
    await t.board.updateTask(t.runId, 1, { status: 'completed' }, t.as('ds'));
    expect((await t.board.getTask(t.runId, 1))).toMatchObject({ status: 'completed', owner: 'ds' });
    // The log shows it taken, then done.
    const events = (await t.board.listEvents(t.runId)).filter((e) => e.type === 'task.claimed' || e.type === 'task.completed');
    expect(events.map((e) => [e.type, e.payload.owner])).toEqual([
      ['task.claimed', 'ds'],
      ['task.completed', 'ds'],
    ]);
  });

  it('lets a member with the role claim it', async () => {
    expect((await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'))).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
    expect((await t.board.getTask(t.runId, 1))).toMatchObject({ status: 'in_progress', owner: 'ds' });
  });

  it('refuses a person assigning it to a member of another role, or to someone not in the run', async () => {
    expect((await caught(async () => (await t.board.updateTask(t.runId, 1, { owner: 'mle' }, human)))).message).toBe(
      'task #1 is for role data-scientist; mle has the role ml-engineer and cannot take it',
    );
    expect((await caught(async () => (await t.board.updateTask(t.runId, 1, { status: 'in_progress', owner: 'mle' }, human)))).message).toBe(
      'task #1 is for role data-scientist; mle has the role ml-engineer and cannot take it',
    );
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { owner: 'zoe' }, human)))).toEqual({
      name: 'BoardError',
      code: 'role',
      message: `task #1 is for role data-scientist, and zoe is not a member of run ${t.runId}; assign it to a data-scientist`,
    });
    expect((await t.board.updateTask(t.runId, 1, { owner: 'ds' }, human))).toEqual({ taskId: 1, updatedFields: ['owner'] });
  });

  it('refuses creating a task already assigned to a member of another role', async () => {
    expect(await caught(async () => await create('Tune', { role: 'ml-engineer', owner: 'ds' }))).toEqual({
      name: 'BoardError',
      code: 'role',
      message: 'task #2 is for role ml-engineer; ds has the role data-scientist and cannot take it',
    });
    expect((await t.board.getTask(t.runId, 2))).toBeUndefined();
    expect(await create('Tune', { role: 'ml-engineer', owner: 'mle' })).toMatchObject({ id: 2, owner: 'mle', status: 'pending' });
  });

  it('leaves tasks without a role open to any member, and refuses owners who are not members', async () => {
    await create('Write notes');
    expect((await t.board.updateTask(t.runId, 2, { owner: 'mlops' }, human)).updatedFields).toEqual(['owner']);
    expect(await caught(async () => t.board.updateTask(t.runId, 2, { owner: 'ghost', reassign: true }, human))).toEqual({
      name: 'BoardError',
      code: 'invalid',
      message: `ghost is not a member of run ${t.runId}; assign the task to one of: ds, mle, mlops`,
    });
  });

  it('refuses a role that no member has', async () => {
    expect(await caught(async () => create('Anything', { role: 'nobody' }))).toEqual({
      name: 'BoardError',
      code: 'invalid',
      message: `no member of run ${t.runId} has the role "nobody"; use one of: data-scientist, ml-engineer, mlops-engineer (or leave role empty for anyone)`,
    });
  });
});

describe('rule 3: claiming is atomic and ownership sticks', () => {
  beforeEach(async () => {
    await create('Profile data');
  });

  it('gives the task to the first claimer; the second gets an error naming the owner', async () => {
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('mle'))))).toEqual({
      name: 'BoardError',
      code: 'owned',
      message: 'task #1 is already in progress, owned by ds; pick another task from TaskList',
    });
    expect((await t.board.getTask(t.runId, 1))).toMatchObject({ status: 'in_progress', owner: 'ds' });
    expect((await t.events()).filter((e) => e.type === 'task.claimed')).toHaveLength(1);
  });

  it('makes the calling member the owner of a task it starts', async () => {
    expect((await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('mlops'))).updatedFields).toEqual(['status', 'owner']);
    expect((await t.board.getTask(t.runId, 1))?.owner).toBe('mlops');
  });

  it('treats claiming your own in-progress task again as a no-op', async () => {
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    expect((await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds')))).toEqual({ taskId: 1, updatedFields: [] });
  });

  it('refuses a member starting a pending task assigned to someone else', async () => {
    await t.board.updateTask(t.runId, 1, { owner: 'ds' }, human);
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('mle'))))).toEqual({
      name: 'BoardError',
      code: 'owned',
      message: 'task #1 is owned by ds; pick another task from TaskList',
    });
  });

  it('refuses a member starting a task on behalf of another member', async () => {
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { status: 'in_progress', owner: 'mle' }, t.as('ds'))))).toEqual({
      name: 'BoardError',
      code: 'owned',
      message: 'a member can only start a task for itself; leave owner empty or set it to "ds"',
    });
  });

  it('refuses a member reassigning a task owned by someone else; a person or the coordinator may', async () => {
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { owner: 'mle' }, t.as('mle'))))).toEqual({
      name: 'BoardError',
      code: 'owned',
      message: 'task #1 is owned by ds; only its owner, a person or the coordinator can reassign it',
    });
    expect((await t.board.updateTask(t.runId, 1, { owner: 'mle' }, coordinator))).toEqual({ taskId: 1, updatedFields: ['owner'] });
    expect((await t.board.getTask(t.runId, 1))?.owner).toBe('mle');
    expect(await caught(async () => t.board.updateTask(t.runId, 1, { owner: 'ds' }, human))).toEqual({
      name: 'BoardError',
      code: 'owned',
      message: 'task #1 is in progress, owned by mle; pass --reassign to take it from mle',
    });
    expect((await t.board.updateTask(t.runId, 1, { owner: '', reassign: true }, human))).toEqual({ taskId: 1, updatedFields: ['owner'] });
    expect((await t.board.getTask(t.runId, 1))?.owner).toBeNull();
  });

  it('refuses restarting a completed task for members', async () => {
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    await t.board.updateTask(t.runId, 1, { status: 'completed' }, t.as('ds'));
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'))))).toEqual({
      name: 'BoardError',
      code: 'state',
      message: 'task #1 is already completed; create a new task for follow-up work',
    });
  });
});

describe('rule 4: only the owner completes a task', () => {
  beforeEach(async () => {
    await create('Profile data');
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
  });

  it('refuses another member', async () => {
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { status: 'completed' }, t.as('mle'))))).toEqual({
      name: 'BoardError',
      code: 'not_owner',
      message: 'task #1 is owned by ds; only its owner can complete it',
    });
    expect((await t.board.getTask(t.runId, 1))).toMatchObject({ status: 'in_progress', owner: 'ds', completedAt: null });
  });

  it('refuses another member putting it back to pending', async () => {
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { status: 'pending' }, t.as('mle'))))).toEqual({
      name: 'BoardError',
      code: 'not_owner',
      message: 'task #1 is owned by ds; only its owner can put it back to pending',
    });
  });

  it('lets the owner complete it', async () => {
    expect((await t.board.updateTask(t.runId, 1, { status: 'completed' }, t.as('ds')))).toEqual({
      taskId: 1,
      updatedFields: ['status'],
      statusChange: { from: 'in_progress', to: 'completed' },
    });
    expect((await t.board.getTask(t.runId, 1))).toMatchObject({ status: 'completed', owner: 'ds' });
    expect((await t.board.getTask(t.runId, 1))?.completedAt).toEqual(expect.any(Number));
  });

  it('lets a person or the coordinator complete it, keeping the owner', async () => {
    await t.board.updateTask(t.runId, 1, { status: 'completed' }, human);
    expect((await t.board.getTask(t.runId, 1))).toMatchObject({ status: 'completed', owner: 'ds' });
  });

  it("refuses another member changing the task's results or text, while it runs and once it is done", async () => {
    const edit = (patch: Parameters<typeof t.board.updateTask>[2]) => caught(async () => (await t.board.updateTask(t.runId, 1, patch, t.as('mle'))));
    expect(await edit({ metadata: { metrics: { auc: 0.41 } } })).toEqual({
      name: 'BoardError',
      code: 'not_owner',
      message: 'task #1 is owned by ds; only its owner, a person or the coordinator can change its metadata. Send ds a message (SendMessage) instead',
    });
    expect((await edit({ subject: 'Skip profiling', description: 'Nothing to do.' })).message).toContain('can change its subject, description.');
    await t.board.updateTask(t.runId, 1, { status: 'completed', metadata: { metrics: { auc: 0.8 } } }, t.as('ds'));
    expect((await edit({ metadata: { metrics: { auc: 0.41 } } })).code).toBe('not_owner');
    // The owner, a person and the coordinator still may; so may another member adding a dependency.
    await t.board.updateTask(t.runId, 1, { metadata: { notes: 'checked' } }, t.as('ds'));
    await t.board.updateTask(t.runId, 1, { metadata: { reviewed: true } }, human);
    await create('Train');
    await t.board.updateTask(t.runId, 2, { addBlockedBy: [1] }, t.as('mle'));
    expect((await t.board.getTask(t.runId, 1))?.metadata).toEqual({ metrics: { auc: 0.8 }, notes: 'checked', reviewed: true });
  });

  it('refuses a member changing a finished task nobody owns', async () => {
    await create('Write notes');
    await t.board.updateTask(t.runId, 2, { status: 'completed' }, human);
    expect(await caught(async () => (await t.board.updateTask(t.runId, 2, { metadata: { auc: 1 } }, t.as('mle'))))).toEqual({
      name: 'BoardError',
      code: 'state',
      message: 'task #2 is completed; only a person or the coordinator can change its metadata. Create a new task for follow-up work',
    });
    // An open task nobody owns is anyone's to plan: its text may change.
    await create('Draft the plan');
    expect((await t.board.updateTask(t.runId, 3, { description: 'Two pages.' }, t.as('mle'))).updatedFields).toEqual(['description']);
  });

  it('lets the owner release it: back to pending, unowned', async () => {
    expect((await t.board.updateTask(t.runId, 1, { status: 'pending' }, t.as('ds')))).toEqual({
      taskId: 1,
      updatedFields: ['status', 'owner'],
      statusChange: { from: 'in_progress', to: 'pending' },
    });
    expect((await t.board.getTask(t.runId, 1))).toMatchObject({ status: 'pending', owner: null, startedAt: null });
  });
});

it('refuses unknown tasks with a message naming the id and how to list ids', async () => {
  expect(await caught(async () => (await t.board.updateTask(t.runId, 42, { status: 'in_progress' }, t.as('ds'))))).toEqual({
    name: 'BoardError',
    code: 'not_found',
    message: `task #42 does not exist in run ${t.runId}; use TaskList (or \`team tasks list\`) to see task ids`,
  });
});

describe('claimNext: the lowest-id task a member may take now', () => {
  it('skips blocked, gated, other-role and owned tasks, and returns null when nothing is left', async () => {
    await create('Profile data');
    await create('Train', { role: 'ml-engineer' });
    await create('Clean', { blockedBy: [1] });
    await create('Report', { owner: 'mlops' });
    expect(await t.board.claimNext(t.runId, t.as('ds'))).toMatchObject({ id: 1, status: 'in_progress', owner: 'ds' });
    expect(await t.board.claimNext(t.runId, t.as('ds'))).toBeNull();
    expect(await t.board.claimNext(t.runId, t.as('mle'))).toMatchObject({ id: 2, owner: 'mle' });
    expect(await t.board.claimNext(t.runId, t.as('mlops'))).toMatchObject({ id: 4, owner: 'mlops' });
    expect((await t.events()).filter((e) => e.type === 'task.claimed').map((e) => e.actor)).toEqual(['ds', 'mle', 'mlops']);
  });
});
