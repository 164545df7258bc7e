import { afterEach, describe, expect, it } from 'vitest';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

/**
 * The driver writes its event cursor often (src/runtime/driver.ts): saveEventCursor sets that one
 * column without reading the run first, and leaves everything else of the run as it was.
 */
let t: TestBoard | undefined;

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('the event cursor', () => {
  it('is saved and read back with the run, the rest of the run unchanged', async () => {
    t = await createTestBoard();
    const { board, runId } = t;
    const before = await board.requireRun(runId);
    expect(before.eventCursor).toBe(0);

    await board.saveEventCursor(runId, 17);
    expect(await board.requireRun(runId)).toEqual({ ...before, eventCursor: 17 });

    await board.transaction((tx) => tx.saveEventCursor(runId, 42));
    expect((await board.requireRun(runId)).eventCursor).toBe(42);
  });

  it('changes nothing for a run that does not exist', async () => {
    t = await createTestBoard();
    const { board, runId } = t;
    const runs = await board.listRuns();
    await expect(board.saveEventCursor(runId + 1000, 5)).resolves.toBeUndefined();
    expect(await board.listRuns()).toEqual(runs);
  });
});
