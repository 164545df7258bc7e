import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { gates, members, messages, questions, runs, tasks } from '../../db/sqlite/schema.js';
import { human } from '../../src/board/actor.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

/**
 * The SQLite store reads in plain SQL (src/board/sqlite/hot-statements.ts, so a read command never
 * loads drizzle) while the schema lives in drizzle: each read must give back exactly the row the
 * schema describes, every column under its name, JSON parsed. A column added to the schema and
 * not to the SQL fails here.
 */
let t: TestBoard | undefined;

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('SQLite reads in plain SQL match the drizzle schema', () => {
  it('runs, members, tasks, gates, questions and messages read back as drizzle reads them', async () => {
    t = await createTestBoard({ pipeline: ['build', 'ship'], members: [{ name: 'ds', role: 'data-scientist' }, { name: 'ops', role: 'devops' }] });
    const { board, runId } = t;
    const task = await board.createTask(runId, { subject: 'Build', stage: 'build', role: 'data-scientist', metadata: { auc: 0.8, notes: ['a'] } }, human);
    await board.updateTask(runId, task.id, { status: 'in_progress' }, t.as('ds'));
    const gate = await board.addGate(runId, { before: 'ship', spec: { kind: 'approval', question: 'Ship it?' } }, human);
    const question = await board.askQuestion(
      runId,
      { kind: 'agent', askedBy: 'ds', taskId: task.id, payload: { questions: [{ question: 'Which?', header: 'Which', options: [{ label: 'A', description: 'a' }, { label: 'B', description: 'b' }], multiSelect: false }] } },
      t.as('ds'),
    );
    await board.answerQuestion(runId, question.id, [{ question: 'Which?', picked: ['A'], text: 'a note' }], 'cli', human);
    await board.sendMessage(runId, { from: 'ds', to: 'ops', summary: 'hi', body: 'hello' }, t.as('ds'));

    const sqlite = new Database(t.file, { readonly: true });
    try {
      const db = drizzle(sqlite);
      const one = <T>(rows: T[]): T | undefined => rows[0];
      expect(await board.requireRun(runId)).toEqual(one(db.select().from(runs).where(eq(runs.id, runId)).all()));
      expect(await board.getMember(runId, 'ds')).toEqual(one(db.select().from(members).where(eq(members.name, 'ds')).all()));
      expect(await board.listMembers(runId)).toEqual(db.select().from(members).where(eq(members.runId, runId)).orderBy(members.name).all());
      expect(await board.getTask(runId, task.id)).toEqual(one(db.select().from(tasks).where(eq(tasks.id, task.id)).all()));
      expect(await board.listTaskRows(runId)).toEqual(db.select().from(tasks).where(eq(tasks.runId, runId)).orderBy(tasks.id).all());
      expect(await board.getGate(runId, gate.id)).toEqual(one(db.select().from(gates).where(eq(gates.id, gate.id)).all()));
      expect(await board.listGates(runId)).toEqual(db.select().from(gates).where(eq(gates.runId, runId)).orderBy(gates.id).all());
      expect(await board.getQuestion(runId, question.id)).toEqual(one(db.select().from(questions).where(eq(questions.id, question.id)).all()));
      expect(await board.listMessages(runId)).toEqual(db.select().from(messages).where(eq(messages.runId, runId)).orderBy(messages.id).all());
    } finally {
      sqlite.close();
    }
  });
});
