import { afterEach, beforeEach, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import type { Board } from '../../src/board/board.js';
import { openBoard } from '../../src/board/open.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

// Two boards on one location, as two processes have: each sees every change the other commits.
let t: TestBoard;
let other: Board;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: ['data', 'training'] });
  other = await openBoard(t.file);
});

afterEach(async () => {
  await other.close();
  await t.cleanup();
});

async function view(board: Board, runId: number) {
  return { tasks: await board.listTasks(runId), deps: await board.listDeps(runId), rows: await board.listTaskRows(runId) };
}

it("lists another board's task changes, edges and deletions after they commit", async () => {
  await t.board.createTask(t.runId, { subject: 'Profile', stage: 'data' }, human);
  expect((await t.board.listTasks(t.runId)).map((x) => x.subject)).toEqual(['Profile']);
  expect(await t.board.listDeps(t.runId)).toEqual([]);

  await other.createTasks(t.runId, [{ subject: 'Clean', stage: 'data' }, { subject: 'Train', stage: 'training', blockedByIndex: [0] }], human);
  await other.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
  expect(await view(t.board, t.runId)).toEqual(await view(other, t.runId));

  await other.updateTask(t.runId, 1, { status: 'completed', activeForm: 'Profiling' }, t.as('ds'));
  await other.addDependencies(t.runId, [{ taskId: 3, blockedBy: 1 }], human);
  await other.updateTask(t.runId, 2, { status: 'deleted' }, human);
  await other.releaseTask(t.runId, 1, 'redo', human);
  const seen = await view(t.board, t.runId);
  expect(seen).toEqual(await view(other, t.runId));
  expect(seen.tasks.map((x) => [x.id, x.status, x.blockedBy])).toEqual([
    [1, 'completed', []],
    [3, 'pending', []],
  ]);
  expect(seen.deps).toEqual([{ taskId: 3, blockedBy: 1 }]);
});

it('does not keep what a transaction saw of its own writes when it rolls back', async () => {
  await t.board.createTask(t.runId, { subject: 'Profile', stage: 'data' }, human);
  const inside = await t.board
    .transaction(async (tx) => {
      await tx.createTask(t.runId, { subject: 'Clean', stage: 'data', blockedBy: [1] }, human);
      const listed = { tasks: (await tx.listTasks(t.runId)).map((x) => x.subject), deps: await tx.listDeps(t.runId) };
      throw Object.assign(new Error('roll back'), { listed });
    })
    .catch((error: unknown) => (error instanceof Error && 'listed' in error ? error.listed : undefined));
  expect(inside).toEqual({ tasks: ['Profile', 'Clean'], deps: [{ taskId: 2, blockedBy: 1 }] });
  expect(await view(t.board, t.runId)).toEqual(await view(other, t.runId));
  expect((await t.board.listTasks(t.runId)).map((x) => x.subject)).toEqual(['Profile']);
  expect(await t.board.listDeps(t.runId)).toEqual([]);
});
