import { afterEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import type { NewTask } from '../../src/board/types.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

afterEach(async () => {
  await t.cleanup();
});

async function setup(pipeline: string[], tasks: (string | (NewTask & { subject: string }))[]): Promise<void> {
  t = await createTestBoard({ pipeline });
  for (const task of tasks) (await t.board.createTask(t.runId, typeof task === 'string' ? { subject: task } : task, human));
}

async function refused(fn: () => unknown): Promise<string> {
  const error = await caught(fn);
  expect(error.name).toBe('BoardError');
  expect(error.code).toBe('cycle');
  return error.message;
}

describe('rule 5: cycles are refused, naming the cycle', () => {
  it('refuses a task blocking itself', async () => {
    await setup([], ['A']);
    expect(await refused(async () => (await t.board.updateTask(t.runId, 1, { addBlockedBy: [1] }, human)))).toBe('task #1 cannot block itself (cycle: #1 -> #1)');
    expect(await refused(async () => (await t.board.updateTask(t.runId, 1, { addBlocks: [1] }, human)))).toBe('task #1 cannot block itself (cycle: #1 -> #1)');
  });

  it('refuses a direct cycle a -> b -> a, from either side', async () => {
    await setup([], ['A', 'B']);
    await t.board.updateTask(t.runId, 1, { addBlockedBy: [2] }, human);
    expect(await refused(async () => (await t.board.updateTask(t.runId, 2, { addBlockedBy: [1] }, human)))).toBe(
      'adding #1 as a blocker of #2 would create a cycle: #2 -> #1 -> #2',
    );
    expect(await refused(async () => (await t.board.updateTask(t.runId, 1, { addBlocks: [2] }, human)))).toBe(
      'adding #1 as a blocker of #2 would create a cycle: #2 -> #1 -> #2',
    );
  });

  it('refuses an indirect cycle a -> b -> c -> a', async () => {
    await setup([], ['A', 'B', 'C']);
    await t.board.updateTask(t.runId, 1, { addBlockedBy: [2] }, human);
    await t.board.updateTask(t.runId, 2, { addBlockedBy: [3] }, human);
    expect(await refused(async () => (await t.board.updateTask(t.runId, 3, { addBlockedBy: [1] }, human)))).toBe(
      'adding #1 as a blocker of #3 would create a cycle: #3 -> #1 -> #2 -> #3',
    );
    expect((await t.board.getTaskDetail(t.runId, 3))?.dependsOn).toEqual([]);
  });

  it('names the shortest cycle when several close it', async () => {
    await setup([], ['A', 'B', 'C', 'D']);
    await t.board.updateTask(t.runId, 1, { addBlockedBy: [2, 3] }, human);
    await t.board.updateTask(t.runId, 2, { addBlockedBy: [3] }, human);
    await t.board.updateTask(t.runId, 3, { addBlockedBy: [4] }, human);
    expect(await refused(async () => (await t.board.updateTask(t.runId, 4, { addBlockedBy: [1] }, human)))).toBe(
      'adding #1 as a blocker of #4 would create a cycle: #4 -> #1 -> #3 -> #4',
    );
  });

  it('accepts a diamond (no cycle), and adding an existing edge again changes nothing', async () => {
    await setup([], ['A', 'B', 'C', 'D']);
    expect((await t.board.updateTask(t.runId, 4, { addBlockedBy: [2, 3] }, human)).updatedFields).toEqual(['blockedBy']);
    expect((await t.board.updateTask(t.runId, 1, { addBlocks: [2, 3] }, human)).updatedFields).toEqual(['blocks']);
    expect((await t.board.updateTask(t.runId, 4, { addBlockedBy: [2] }, human))).toEqual({ taskId: 4, updatedFields: [] });
    expect(await t.board.addDependencies(t.runId, [{ taskId: 4, blockedBy: 2 }], human)).toBe(0);
    expect((await t.board.getTaskDetail(t.runId, 4))).toMatchObject({ dependsOn: [2, 3], blockedBy: [2, 3] });
    expect((await t.board.getTaskDetail(t.runId, 1))).toMatchObject({ blocks: [2, 3], dependsOn: [] });
    expect((await t.events()).filter((e) => e.type === 'task.dependency').map((e) => e.payload)).toEqual([
      { taskId: 4, blockedBy: 2 },
      { taskId: 4, blockedBy: 3 },
      { taskId: 2, blockedBy: 1 },
      { taskId: 3, blockedBy: 1 },
    ]);
  });

  it('refuses unknown tasks on either end', async () => {
    await setup([], ['A']);
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { addBlockedBy: [9] }, human)))).toEqual({
      name: 'BoardError',
      code: 'not_found',
      message: `blocker #9 does not exist in run ${t.runId}; use TaskList to see task ids`,
    });
    expect(await caught(async () => (await t.board.updateTask(t.runId, 1, { addBlocks: [9] }, human)))).toEqual({
      name: 'BoardError',
      code: 'not_found',
      message: `task #9 does not exist in run ${t.runId}; use TaskList to see task ids`,
    });
    expect((await caught(async () => (await t.board.createTask(t.runId, { subject: 'B', blockedBy: [7] }, human)))).message).toBe(
      `blocker #7 does not exist in run ${t.runId}; use TaskList to see task ids`,
    );
    expect((await t.board.getTask(t.runId, 2))).toBeUndefined();
  });

  it('rolls back the whole update when one edge is refused', async () => {
    await setup([], ['A', 'B', 'C']);
    await t.board.updateTask(t.runId, 1, { addBlockedBy: [2] }, human);
    const before = (await t.events()).length;
    expect(await refused(async () => (await t.board.updateTask(t.runId, 2, { subject: 'B renamed', addBlockedBy: [3, 1] }, human)))).toBe(
      'adding #1 as a blocker of #2 would create a cycle: #2 -> #1 -> #2',
    );
    expect((await t.board.getTask(t.runId, 2))?.subject).toBe('B');
    expect((await t.board.getTaskDetail(t.runId, 2))?.dependsOn).toEqual([]);
    expect((await t.events())).toHaveLength(before);
  });
});

describe('cycles through stage order', () => {
  const pipeline = ['data', 'features', 'training'];

  it('refuses an earlier-stage task waiting on a later-stage one', async () => {
    await setup(pipeline, [
      { subject: 'Profile', stage: 'data' },
      { subject: 'Train', stage: 'training' },
    ]);
    expect(await refused(async () => (await t.board.updateTask(t.runId, 1, { addBlockedBy: [2] }, human)))).toBe(
      'adding #2 as a blocker of #1 would create a cycle through stage order: #1 -> #2 -> #1 ' +
        '(#2 is in stage training, which waits for every task of stage data)',
    );
    expect(await refused(async () => (await t.board.updateTask(t.runId, 2, { addBlocks: [1] }, human)))).toBe(
      'adding #2 as a blocker of #1 would create a cycle through stage order: #1 -> #2 -> #1 ' +
        '(#2 is in stage training, which waits for every task of stage data)',
    );
    expect(await refused(async () => (await t.board.createTask(t.runId, { subject: 'Late data', stage: 'data', blockedBy: [2] }, human)))).toBe(
      'adding #2 as a blocker of #3 would create a cycle through stage order: #3 -> #2 -> #3 ' +
        '(#2 is in stage training, which waits for every task of stage data)',
    );
    expect((await t.board.getTask(t.runId, 3))).toBeUndefined();
  });

  it('finds the stage cycle through a task without a stage, whichever edge comes last', async () => {
    await setup(pipeline, [
      { subject: 'Profile', stage: 'data' },
      { subject: 'Glue' },
      { subject: 'Train', stage: 'training' },
    ]);
    await t.board.updateTask(t.runId, 1, { addBlockedBy: [2] }, human);
    expect(await refused(async () => (await t.board.updateTask(t.runId, 2, { addBlockedBy: [3] }, human)))).toBe(
      'adding #3 as a blocker of #2 would create a cycle through stage order: #2 -> #3 -> #1 -> #2 ' +
        '(#3 is in stage training, which waits for every task of stage data)',
    );
  });

  it('finds the same cycle when the edge into the earlier stage comes last', async () => {
    await setup(pipeline, [
      { subject: 'Profile', stage: 'data' },
      { subject: 'Glue' },
      { subject: 'Train', stage: 'training' },
    ]);
    await t.board.updateTask(t.runId, 2, { addBlockedBy: [3] }, human);
    expect(await refused(async () => (await t.board.updateTask(t.runId, 1, { addBlockedBy: [2] }, human)))).toBe(
      'adding #2 as a blocker of #1 would create a cycle through stage order: #1 -> #2 -> #3 -> #1 ' +
        '(#3 is in stage training, which waits for every task of stage data)',
    );
  });

  it('accepts later stages waiting on earlier ones and tasks without a stage', async () => {
    await setup(pipeline, [
      { subject: 'Profile', stage: 'data' },
      { subject: 'Glue' },
      { subject: 'Train', stage: 'training' },
    ]);
    expect((await t.board.updateTask(t.runId, 3, { addBlockedBy: [1, 2] }, human)).updatedFields).toEqual(['blockedBy']);
    expect((await t.board.updateTask(t.runId, 2, { addBlockedBy: [1] }, human)).updatedFields).toEqual(['blockedBy']);
  });

  it('refuses moving a task to a stage that would close a cycle, and allows a safe move', async () => {
    await setup(pipeline, [{ subject: 'Glue' }, { subject: 'Train', stage: 'training' }]);
    await t.board.updateTask(t.runId, 1, { addBlockedBy: [2] }, human);
    expect(await refused(async () => (await t.board.updateTask(t.runId, 1, { stage: 'data' }, human)))).toBe(
      'moving #1 to stage data would create a cycle through stage order: #1 -> #2 -> #1 ' +
        '(#2 is in stage training, which waits for every task of stage data)',
    );
    expect((await t.board.getTask(t.runId, 1))?.stage).toBeNull();
    expect((await t.board.updateTask(t.runId, 2, { stage: 'data' }, human))).toEqual({ taskId: 2, updatedFields: ['stage'] });
    expect((await t.board.updateTask(t.runId, 1, { stage: 'features' }, human))).toEqual({ taskId: 1, updatedFields: ['stage'] });
  });
});
