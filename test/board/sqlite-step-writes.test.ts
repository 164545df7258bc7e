import Database from 'better-sqlite3';
import { and, asc, eq, getTableColumns, type Table } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { members, messages, runs, transcriptMessages, transcripts, usage } from '../../db/sqlite/schema.js';
import { human } from '../../src/board/actor.js';
import { MEMBER_COLUMNS, RUN_COLUMNS } from '../../src/board/sqlite/step-statements.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

/**
 * A member's every step writes in plain SQL (src/board/sqlite/step-statements.ts: its step and
 * heartbeat, last action, usage, conversation and mail, and the run's event cursor), while the
 * schema lives in drizzle: the SQL must name every column as the schema does, and what it writes
 * must read back through drizzle as the board was given it, JSON as drizzle writes it.
 */
let t: TestBoard | undefined;

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** The schema's columns of a table, by field name, without the given key fields. */
function schemaColumns(table: Table, key: string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(getTableColumns(table))
      .filter(([field]) => !key.includes(field))
      .map(([field, column]) => [field, column.name]),
  );
}

describe('SQLite step writes in plain SQL match the drizzle schema', () => {
  it('the plain SQL names every column of members and runs as the schema does', () => {
    expect(MEMBER_COLUMNS).toEqual(schemaColumns(members, ['runId', 'name']));
    expect(RUN_COLUMNS).toEqual(schemaColumns(runs, ['id']));
  });

  it('a member step, usage, a conversation, mail and a run update read back through drizzle as given', async () => {
    t = await createTestBoard({ pipeline: ['build'], members: [{ name: 'ds', role: 'data-scientist' }, { name: 'mle', role: 'ml-engineer' }] });
    const { board, runId } = t;
    const task = await board.createTask(runId, { subject: 'Build', stage: 'build' }, human);
    await board.updateMember(runId, 'ds', { status: 'working', currentTask: task.id, step: 'Bash make' }, t.as('ds'));
    await board.noteLastAction(runId, 'ds', 'Building it.');
    await board.heartbeat(runId, ['ds', 'mle']);
    const call = { model: 'm', taskId: task.id, inputTokens: 100, outputTokens: 20, cacheReadTokens: 3, cacheWriteTokens: 4, costUsd: 0.25 };
    await board.recordUsage(runId, 'ds', call);
    await board.recordUsage(runId, 'ds', { ...call, taskId: null });
    const first = { role: 'user', content: 'Start.' };
    const second = { role: 'assistant', content: [{ type: 'text', text: 'On it.' }] };
    await board.saveTranscript(runId, 'ds', 0, [first, second], null);
    const turn = { assistant: second, results: {}, started: ['b1'], question: null };
    await board.saveTranscript(runId, 'ds', 1, [{ role: 'assistant', content: 'Replaced.' }], turn);
    await board.sendMessage(runId, { from: 'mle', to: 'ds', body: 'Look at #1.' }, t.as('mle'));
    expect(await board.hasUnread(runId, 'ds')).toBe(true);
    expect((await board.takeInbox(runId, 'ds')).map((m) => m.body)).toEqual(['Look at #1.']);
    expect(await board.hasUnread(runId, 'ds')).toBe(false);
    const run = await board.requireRun(runId);
    await board.updateRun(runId, { eventCursor: 7, budgetUsd: 2.5, config: { ...run.config, unsandboxed: true } });

    const sqlite = new Database(t.file, { readonly: true });
    try {
      const db = drizzle(sqlite);
      const ds = db.select().from(members).where(and(eq(members.runId, runId), eq(members.name, 'ds'))).get();
      expect(ds).toEqual(await board.getMember(runId, 'ds'));
      expect(ds).toMatchObject({ status: 'working', currentTask: task.id, step: 'Bash make', lastAction: 'Building it.', turns: 2, inputTokens: 200, outputTokens: 40, cacheReadTokens: 6, cacheWriteTokens: 8, costUsd: 0.5 });
      expect(ds?.stepAt).toEqual(expect.any(Number));
      expect(ds?.heartbeatAt).toEqual(expect.any(Number));
      expect(db.select().from(usage).where(eq(usage.runId, runId)).orderBy(asc(usage.id)).all()).toMatchObject([
        { member: 'ds', ...call },
        { member: 'ds', ...call, taskId: null },
      ]);
      expect((await board.getTask(runId, task.id))?.tokens).toBe(127);
      expect(db.select({ idx: transcriptMessages.idx, message: transcriptMessages.message }).from(transcriptMessages).orderBy(asc(transcriptMessages.idx)).all()).toEqual([
        { idx: 0, message: first },
        { idx: 1, message: { role: 'assistant', content: 'Replaced.' } },
      ]);
      expect(db.select({ inFlight: transcripts.inFlight }).from(transcripts).all()).toEqual([{ inFlight: turn }]);
      expect(await board.loadTranscript(runId, 'ds')).toEqual({ messages: [first, { role: 'assistant', content: 'Replaced.' }], inFlight: turn });
      expect(db.select().from(messages).all()).toMatchObject([{ from: 'mle', to: 'ds', readAt: expect.any(Number) }]);
      const row = db.select().from(runs).where(eq(runs.id, runId)).get();
      expect(row).toEqual(await board.getRun(runId));
      expect(row).toMatchObject({ eventCursor: 7, budgetUsd: 2.5, config: { ...run.config, unsandboxed: true } });
    } finally {
      sqlite.close();
    }
  });

  it('a turn in flight saved as none reads back as none, as drizzle wrote it', async () => {
    t = await createTestBoard({ members: [{ name: 'ds', role: 'data-scientist' }] });
    await t.board.saveTranscript(t.runId, 'ds', 0, [{ role: 'user', content: 'Start.' }], null);
    const sqlite = new Database(t.file, { readonly: true });
    try {
      expect(sqlite.prepare('SELECT in_flight FROM transcripts').pluck().get()).toBe('null');
      expect(await t.board.loadTranscript(t.runId, 'ds')).toEqual({ messages: [{ role: 'user', content: 'Start.' }], inFlight: null });
    } finally {
      sqlite.close();
    }
  });
});
