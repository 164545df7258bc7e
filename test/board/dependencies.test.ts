import { afterEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { addDependency } from '../../src/board/deps.js';
import { createTask, getTask, updateTask, type NewTask } from '../../src/board/tasks.js';
import { getTaskDetail } from '../../src/board/views.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

afterEach(() => {
  t.cleanup();
});

function setup(pipeline: string[], tasks: (string | (NewTask & { subject: string }))[]): void {
  t = createTestBoard({ pipeline });
  for (const task of tasks) createTask(t.board, t.runId, typeof task === 'string' ? { subject: task } : task, human);
}

function refused(fn: () => unknown): string {
  const error = caught(fn);
  expect(error.name).toBe('BoardError');
  expect(error.code).toBe('cycle');
  return error.message;
}

describe('rule 5: cycles are refused, naming the cycle', () => {
  it('refuses a task blocking itself', () => {
    setup([], ['A']);
    expect(refused(() => updateTask(t.board, t.runId, 1, { addBlockedBy: [1] }, human))).toBe('task #1 cannot block itself (cycle: #1 -> #1)');
    expect(refused(() => updateTask(t.board, t.runId, 1, { addBlocks: [1] }, human))).toBe('task #1 cannot block itself (cycle: #1 -> #1)');
  });

  it('refuses a direct cycle a -> b -> a, from either side', () => {
    setup([], ['A', 'B']);
    updateTask(t.board, t.runId, 1, { addBlockedBy: [2] }, human);
    expect(refused(() => updateTask(t.board, t.runId, 2, { addBlockedBy: [1] }, human))).toBe(
      'adding #1 as a blocker of #2 would create a cycle: #2 -> #1 -> #2',
    );
    expect(refused(() => updateTask(t.board, t.runId, 1, { addBlocks: [2] }, human))).toBe(
      'adding #1 as a blocker of #2 would create a cycle: #2 -> #1 -> #2',
    );
  });

  it('refuses an indirect cycle a -> b -> c -> a', () => {
    setup([], ['A', 'B', 'C']);
    updateTask(t.board, t.runId, 1, { addBlockedBy: [2] }, human);
    updateTask(t.board, t.runId, 2, { addBlockedBy: [3] }, human);
    expect(refused(() => updateTask(t.board, t.runId, 3, { addBlockedBy: [1] }, human))).toBe(
      'adding #1 as a blocker of #3 would create a cycle: #3 -> #1 -> #2 -> #3',
    );
    expect(getTaskDetail(t.board, t.runId, 3)?.dependsOn).toEqual([]);
  });

  it('names the shortest cycle when several close it', () => {
    setup([], ['A', 'B', 'C', 'D']);
    updateTask(t.board, t.runId, 1, { addBlockedBy: [2, 3] }, human);
    updateTask(t.board, t.runId, 2, { addBlockedBy: [3] }, human);
    updateTask(t.board, t.runId, 3, { addBlockedBy: [4] }, human);
    expect(refused(() => updateTask(t.board, t.runId, 4, { addBlockedBy: [1] }, human))).toBe(
      'adding #1 as a blocker of #4 would create a cycle: #4 -> #1 -> #3 -> #4',
    );
  });

  it('accepts a diamond (no cycle), and adding an existing edge again changes nothing', () => {
    setup([], ['A', 'B', 'C', 'D']);
    expect(updateTask(t.board, t.runId, 4, { addBlockedBy: [2, 3] }, human).updatedFields).toEqual(['blockedBy']);
    expect(updateTask(t.board, t.runId, 1, { addBlocks: [2, 3] }, human).updatedFields).toEqual(['blocks']);
    expect(updateTask(t.board, t.runId, 4, { addBlockedBy: [2] }, human)).toEqual({ taskId: 4, updatedFields: [] });
    expect(addDependency(t.board, t.runId, 4, 2, human)).toBe(false);
    expect(getTaskDetail(t.board, t.runId, 4)).toMatchObject({ dependsOn: [2, 3], blockedBy: [2, 3] });
    expect(getTaskDetail(t.board, t.runId, 1)).toMatchObject({ blocks: [2, 3], dependsOn: [] });
    expect(t.events().filter((e) => e.type === 'task.dependency').map((e) => e.payload)).toEqual([
      { taskId: 4, blockedBy: 2 },
      { taskId: 4, blockedBy: 3 },
      { taskId: 2, blockedBy: 1 },
      { taskId: 3, blockedBy: 1 },
    ]);
  });

  it('refuses unknown tasks on either end', () => {
    setup([], ['A']);
    expect(caught(() => updateTask(t.board, t.runId, 1, { addBlockedBy: [9] }, human))).toEqual({
      name: 'BoardError',
      code: 'not_found',
      message: `blocker #9 does not exist in run ${t.runId}; use TaskList to see task ids`,
    });
    expect(caught(() => updateTask(t.board, t.runId, 1, { addBlocks: [9] }, human))).toEqual({
      name: 'BoardError',
      code: 'not_found',
      message: `task #9 does not exist in run ${t.runId}; use TaskList to see task ids`,
    });
    expect(caught(() => createTask(t.board, t.runId, { subject: 'B', blockedBy: [7] }, human)).message).toBe(
      `blocker #7 does not exist in run ${t.runId}; use TaskList to see task ids`,
    );
    expect(getTask(t.board, t.runId, 2)).toBeUndefined();
  });

  it('rolls back the whole update when one edge is refused', () => {
    setup([], ['A', 'B', 'C']);
    updateTask(t.board, t.runId, 1, { addBlockedBy: [2] }, human);
    const before = t.events().length;
    expect(refused(() => updateTask(t.board, t.runId, 2, { subject: 'B renamed', addBlockedBy: [3, 1] }, human))).toBe(
      'adding #1 as a blocker of #2 would create a cycle: #2 -> #1 -> #2',
    );
    expect(getTask(t.board, t.runId, 2)?.subject).toBe('B');
    expect(getTaskDetail(t.board, t.runId, 2)?.dependsOn).toEqual([]);
    expect(t.events()).toHaveLength(before);
  });
});

describe('cycles through stage order', () => {
  const pipeline = ['data', 'features', 'training'];

  it('refuses an earlier-stage task waiting on a later-stage one', () => {
    setup(pipeline, [
      { subject: 'Profile', stage: 'data' },
      { subject: 'Train', stage: 'training' },
    ]);
    expect(refused(() => updateTask(t.board, t.runId, 1, { addBlockedBy: [2] }, human))).toBe(
      'adding #2 as a blocker of #1 would create a cycle through stage order: #1 -> #2 -> #1 ' +
        '(#2 is in stage training, which waits for every task of stage data)',
    );
    expect(refused(() => updateTask(t.board, t.runId, 2, { addBlocks: [1] }, human))).toBe(
      'adding #2 as a blocker of #1 would create a cycle through stage order: #1 -> #2 -> #1 ' +
        '(#2 is in stage training, which waits for every task of stage data)',
    );
    expect(refused(() => createTask(t.board, t.runId, { subject: 'Late data', stage: 'data', blockedBy: [2] }, human))).toBe(
      'adding #2 as a blocker of #3 would create a cycle through stage order: #3 -> #2 -> #3 ' +
        '(#2 is in stage training, which waits for every task of stage data)',
    );
    expect(getTask(t.board, t.runId, 3)).toBeUndefined();
  });

  it('finds the stage cycle through a task without a stage, whichever edge comes last', () => {
    setup(pipeline, [
      { subject: 'Profile', stage: 'data' },
      { subject: 'Glue' },
      { subject: 'Train', stage: 'training' },
    ]);
    updateTask(t.board, t.runId, 1, { addBlockedBy: [2] }, human);
    expect(refused(() => updateTask(t.board, t.runId, 2, { addBlockedBy: [3] }, human))).toBe(
      'adding #3 as a blocker of #2 would create a cycle through stage order: #2 -> #3 -> #1 -> #2 ' +
        '(#3 is in stage training, which waits for every task of stage data)',
    );
  });

  it('finds the same cycle when the edge into the earlier stage comes last', () => {
    setup(pipeline, [
      { subject: 'Profile', stage: 'data' },
      { subject: 'Glue' },
      { subject: 'Train', stage: 'training' },
    ]);
    updateTask(t.board, t.runId, 2, { addBlockedBy: [3] }, human);
    expect(refused(() => updateTask(t.board, t.runId, 1, { addBlockedBy: [2] }, human))).toBe(
      'adding #2 as a blocker of #1 would create a cycle through stage order: #1 -> #2 -> #3 -> #1 ' +
        '(#3 is in stage training, which waits for every task of stage data)',
    );
  });

  it('accepts later stages waiting on earlier ones and tasks without a stage', () => {
    setup(pipeline, [
      { subject: 'Profile', stage: 'data' },
      { subject: 'Glue' },
      { subject: 'Train', stage: 'training' },
    ]);
    expect(updateTask(t.board, t.runId, 3, { addBlockedBy: [1, 2] }, human).updatedFields).toEqual(['blockedBy']);
    expect(updateTask(t.board, t.runId, 2, { addBlockedBy: [1] }, human).updatedFields).toEqual(['blockedBy']);
  });

  it('refuses moving a task to a stage that would close a cycle, and allows a safe move', () => {
    setup(pipeline, [{ subject: 'Glue' }, { subject: 'Train', stage: 'training' }]);
    updateTask(t.board, t.runId, 1, { addBlockedBy: [2] }, human);
    expect(refused(() => updateTask(t.board, t.runId, 1, { stage: 'data' }, human))).toBe(
      'moving #1 to stage data would create a cycle through stage order: #1 -> #2 -> #1 ' +
        '(#2 is in stage training, which waits for every task of stage data)',
    );
    expect(getTask(t.board, t.runId, 1)?.stage).toBeNull();
    expect(updateTask(t.board, t.runId, 2, { stage: 'data' }, human)).toEqual({ taskId: 2, updatedFields: ['stage'] });
    expect(updateTask(t.board, t.runId, 1, { stage: 'features' }, human)).toEqual({ taskId: 1, updatedFields: ['stage'] });
  });
});
