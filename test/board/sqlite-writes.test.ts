import Database from 'better-sqlite3';
import { and, eq, getTableColumns, type Table } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { questions, taskDeps, tasks } from '../../db/sqlite/schema.js';
import { human } from '../../src/board/actor.js';
import { QUESTION_COLUMNS, TASK_COLUMNS } from '../../src/board/sqlite/hot-statements.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

/**
 * `team tasks create/update` and `team answer` write in plain SQL too (src/board/sqlite/hot-statements.ts,
 * so those commands never load drizzle), while the schema lives in drizzle: the SQL must write every
 * column of the schema under its name, and what it writes must read back through drizzle as the
 * board was given it. A column added to the schema and not to the SQL fails here.
 */
let t: TestBoard | undefined;

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** The schema's columns of a table, by field name, without the (run_id, id) key. */
function schemaColumns(table: Table): Record<string, string> {
  return Object.fromEntries(
    Object.entries(getTableColumns(table))
      .filter(([field]) => field !== 'runId' && field !== 'id')
      .map(([field, column]) => [field, column.name]),
  );
}

describe('SQLite writes in plain SQL match the drizzle schema', () => {
  it('the plain SQL names every column of tasks and questions as the schema does', () => {
    expect(TASK_COLUMNS).toEqual(schemaColumns(tasks));
    expect(QUESTION_COLUMNS).toEqual(schemaColumns(questions));
  });

  it('a task with every field, its dependencies, its changes and an answer read back through drizzle as given', async () => {
    t = await createTestBoard({ pipeline: ['build', 'ship'], members: [{ name: 'ds', role: 'data-scientist' }] });
    const { board, runId } = t;
    const first = await board.createTask(runId, { subject: 'Build' }, human);
    const sim = { steps: [{ bash: 'echo built' }] };
    const task = await board.createTask(
      runId,
      { subject: 'Ship', description: 'Ship it.', activeForm: 'Shipping', metadata: { auc: 0.8, notes: ['a'] }, sim, stage: 'ship', role: 'data-scientist', key: 'ship', owner: 'ds', attempt: 2, blockedBy: [first.id] },
      human,
    );
    // Already there: not inserted again.
    await board.updateTask(runId, task.id, { addBlockedBy: [first.id], metadata: { notes: null, env: 'prod' } }, human);
    const question = await board.askQuestion(
      runId,
      { kind: 'agent', askedBy: 'ds', taskId: task.id, payload: { questions: [{ question: 'Which?', header: 'Which', options: [{ label: 'A', description: 'a' }, { label: 'B', description: 'b' }], multiSelect: false }] } },
      t.as('ds'),
    );
    const answers = [{ question: 'Which?', picked: ['A'], text: 'a note' }];
    await board.answerQuestion(runId, question.id, answers, 'cli', human);

    const sqlite = new Database(t.file, { readonly: true });
    try {
      const db = drizzle(sqlite);
      const row = db.select().from(tasks).where(and(eq(tasks.runId, runId), eq(tasks.id, task.id))).get();
      expect(row).toEqual(await board.getTask(runId, task.id));
      expect(row).toMatchObject({
        subject: 'Ship',
        description: 'Ship it.',
        activeForm: 'Shipping',
        metadata: { auc: 0.8, env: 'prod' },
        sim,
        stage: 'ship',
        role: 'data-scientist',
        key: 'ship',
        owner: 'ds',
        attempt: 2,
        createdBy: 'human',
      });
      expect(db.select().from(tasks).where(eq(tasks.id, first.id)).get()).toMatchObject({ sim: null, metadata: {}, key: null, activeForm: null });
      expect(db.select().from(taskDeps).where(eq(taskDeps.runId, runId)).all()).toEqual([{ runId, taskId: task.id, blockedBy: first.id }]);
      const answered = db.select().from(questions).where(and(eq(questions.runId, runId), eq(questions.id, question.id))).get();
      expect(answered).toEqual(await board.getQuestion(runId, question.id));
      expect(answered).toMatchObject({ status: 'answered', answers, answeredBy: 'cli' });
      expect(answered?.answeredAt).toEqual(expect.any(Number));
    } finally {
      sqlite.close();
    }
  });
});
