import { afterEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { createClock } from '../../src/board/clock.js';
import { openBoard } from '../../src/board/open.js';
import { openSqliteStore } from '../../src/board/sqlite/store.js';
import type { Store } from '../../src/board/store.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

/**
 * The SQLite store runs a read without BEGIN and COMMIT until it makes a second statement; then it
 * runs the read again, whole, in a transaction. A read of several statements must still see one
 * snapshot when another process commits between them.
 */
let t: TestBoard | undefined;
let store: Store | undefined;

afterEach(async () => {
  await store?.close();
  await t?.cleanup();
  store = undefined;
  t = undefined;
});

describe('SQLite reads of one statement run without a transaction', () => {
  it('a read of several statements sees one snapshot, though another process commits after its first', async () => {
    t = await createTestBoard({ members: [{ name: 'ds', role: 'data-scientist' }] });
    const { runId } = t;
    const task = await t.board.createTask(runId, { subject: 'Build' }, human);
    const other = await openBoard(t.file);
    store = openSqliteStore(t.file, {}, createClock());
    let tries = 0;
    try {
      const seen = await store.read(async (tx) => {
        tries++;
        const before = await tx.getTask(runId, task.id);
        // Another process claims the task between this read's statements (on its first try only).
        if (tries === 1) await other.updateTask(runId, task.id, { status: 'in_progress', owner: 'ds' }, t?.as('ds') ?? human);
        const after = await tx.getTask(runId, task.id);
        const events = await tx.lastEventSeq(runId);
        return { before: before?.status, after: after?.status, events };
      });
      expect(tries).toBe(2);
      expect(seen).toEqual({ before: 'in_progress', after: 'in_progress', events: await t.board.lastEventSeq(runId) });
    } finally {
      await other.close();
    }
  });

  it('a read of one statement runs once and sees what was committed', async () => {
    t = await createTestBoard({ members: [{ name: 'ds', role: 'data-scientist' }] });
    const { runId } = t;
    const task = await t.board.createTask(runId, { subject: 'Build' }, human);
    store = openSqliteStore(t.file, {}, createClock());
    let tries = 0;
    const row = await store.read(async (tx) => {
      tries++;
      return tx.getTask(runId, task.id);
    });
    expect(tries).toBe(1);
    expect(row).toEqual(await t.board.getTask(runId, task.id));
  });
});
