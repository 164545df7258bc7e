/**
 * The planned claim order (docs/decisions/0014): a task's place in the plan is stored with it, and
 * claimNext and the ready listing follow it, planned tasks first by place, then the rest lowest id
 * first. Runs on every board backend.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { readTaskView } from '../../src/tools/task-view.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: ['build', 'ship'], members: [{ name: 'ds', role: 'data-scientist' }, { name: 'mle', role: 'ml-engineer' }] });
});

afterEach(async () => {
  await t.cleanup();
});

/** Tasks #1..#n of stage build with these places in the plan. */
async function planned(ranks: (number | null)[], role: string | null = null) {
  await t.board.createTasks(
    t.runId,
    ranks.map((planRank, i) => ({ subject: `Task ${i + 1}`, stage: 'build', role, planRank })),
    human,
  );
}

describe('plan rank', () => {
  it('is stored with the task, null when it has none', async () => {
    await planned([2, null, 1]);
    expect((await t.board.listTaskRows(t.runId)).map((r) => r.planRank)).toEqual([2, null, 1]);
    expect(await t.board.getTask(t.runId, 1)).toMatchObject({ planRank: 2 });
    await t.board.createTask(t.runId, { subject: 'Made during the run', stage: 'build' }, human);
    expect(await t.board.getTask(t.runId, 4)).toMatchObject({ planRank: null });
  });

  it('must be a whole number from 1', async () => {
    for (const planRank of [0, -3, 1.5]) {
      expect(await caught(() => t.board.createTask(t.runId, { subject: 'Bad', planRank }, human))).toEqual({
        name: 'BoardError',
        code: 'invalid',
        message: `planRank ${planRank} is not a place in a planned order; give a whole number from 1, or none`,
      });
    }
  });

  it('orders claimNext: planned tasks by place, then the others lowest id first', async () => {
    await planned([3, null, 1, 2, null]);
    const claimed: number[] = [];
    for (let i = 0; i < 5; i++) claimed.push((await t.board.claimNext(t.runId, t.as('ds')))?.id ?? 0);
    expect(claimed).toEqual([3, 4, 1, 2, 5]);
    expect(await t.board.claimNext(t.runId, t.as('ds'))).toBeNull();
  });

  it('orders the ready listing the same way', async () => {
    await planned([3, null, 1, 2, null]);
    expect((await readTaskView(t.board, t.runId)).readyTasks().map((task) => task.id)).toEqual([3, 4, 1, 2, 5]);
    await t.board.updateTask(t.runId, 3, { status: 'in_progress' }, t.as('mle'));
    expect((await readTaskView(t.board, t.runId)).readyTasks().map((task) => task.id)).toEqual([4, 1, 2, 5]);
  });

  it('never lets a place override the rules: role, blockers and stages still hold', async () => {
    await t.board.createTasks(
      t.runId,
      [
        { subject: 'Ship it', stage: 'ship', planRank: 1 },
        { subject: 'For the ML engineer', stage: 'build', role: 'ml-engineer', planRank: 2 },
        { subject: 'Waits for #4', stage: 'build', planRank: 3, blockedByIndex: [3] },
        { subject: 'Anyone', stage: 'build', planRank: 4 },
        { subject: 'Unplanned', stage: 'build' },
      ],
      human,
    );
    expect((await readTaskView(t.board, t.runId)).readyTasks().map((task) => task.id)).toEqual([2, 4, 5]);
    expect((await t.board.claimNext(t.runId, t.as('ds')))?.id).toBe(4);
    expect((await t.board.claimNext(t.runId, t.as('ds')))?.id).toBe(5);
    expect(await t.board.claimNext(t.runId, t.as('ds'))).toBeNull();
    expect((await t.board.claimNext(t.runId, t.as('mle')))?.id).toBe(2);
  });
});
