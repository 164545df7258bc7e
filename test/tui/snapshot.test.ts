import { afterEach, describe, expect, it } from 'vitest';
import { openBoard } from '../../src/board/board.js';
import { coordinator, memberActor } from '../../src/board/actor.js';
import { noteLastAction } from '../../src/board/members.js';
import { createTask, updateTask } from '../../src/board/tasks.js';
import { setRunStatus } from '../../src/board/runs.js';
import { boardVersion, readSnapshot, readTaskHistory } from '../../src/board/snapshot.js';
import { askMetric, seedBoard, T0, type TestBoard } from './helpers.js';

let tb: TestBoard;
afterEach(() => tb?.board.close());

describe('readSnapshot', () => {
  it('groups tasks into pending, blocked, in progress and done (latest completion first)', () => {
    tb = seedBoard();
    const s = readSnapshot(tb.board, tb.runId);
    expect(s.tasks.pending.map((t) => t.id)).toEqual([4]);
    expect(s.tasks.blocked.map((t) => [t.id, t.blockedBy, t.gate ?? null])).toEqual([
      [5, [3], null],
      [6, [3, 5], 'human approval before deploy (waiting)'],
    ]);
    expect(s.tasks.in_progress.map((t) => [t.id, t.owner, t.activeForm])).toEqual([[3, 'ds', 'Building the feature table']]);
    expect(s.tasks.done.map((t) => t.id)).toEqual([2, 1]);
    expect(s.taskCount).toBe(6);
  });

  it('carries the run with its elapsed time, members with tokens, gates, totals and recent events', () => {
    tb = seedBoard();
    askMetric(tb);
    const s = readSnapshot(tb.board, tb.runId);
    expect(s.run).toMatchObject({ id: 1, team: 'churn-project', status: 'running', backend: 'sim', seed: 7, budgetUsd: 5, startedAt: T0 });
    expect(s.run.elapsedMs).toBe(110_000);
    expect(s.run.pipeline).toEqual(['data', 'features', 'training', 'validation', 'deploy']);
    const ds = s.members.find((m) => m.name === 'ds');
    expect(ds).toMatchObject({ status: 'working', currentTask: 3, currentTaskSubject: 'Build the feature table', lastAction: 'Bash: python features.py', tokens: 1500, costUsd: 0.012 });
    expect(s.members.find((m) => m.name === 'mle')).toMatchObject({ status: 'waiting', waitingOn: 1, tokens: 24_000 });
    expect(s.gates).toEqual([{ id: 1, before: 'deploy', kind: 'approval', status: 'waiting', description: 'human approval before deploy', detail: 'waiting for a person' }]);
    expect(s.questions.map((q) => [q.id, q.kind, q.askedBy, q.taskId, q.payload.questions[0]?.header])).toEqual([[1, 'agent', 'mle', 5, 'Metric']]);
    expect(s.totals).toMatchObject({ tokens: 25_500, calls: 2 });
    expect(s.totals.costUsd).toBeCloseTo(0.422, 6);
    expect(s.events.at(-1)).toMatchObject({ type: 'question.asked', seq: s.lastSeq });
  });

  it('keeps only the last events', () => {
    tb = seedBoard();
    const s = readSnapshot(tb.board, tb.runId, 5);
    expect(s.events).toHaveLength(5);
    expect(s.events.map((e) => e.seq)).toEqual([s.lastSeq - 4, s.lastSeq - 3, s.lastSeq - 2, s.lastSeq - 1, s.lastSeq]);
  });

  it('measures a finished run to its end', () => {
    tb = seedBoard();
    setRunStatus(tb.board, tb.runId, 'completed', null, coordinator);
    tb.tick(500_000);
    expect(readSnapshot(tb.board, tb.runId).run.elapsedMs).toBe(110_000);
  });

  it('names the missing run', () => {
    tb = seedBoard();
    expect(() => readSnapshot(tb.board, 9)).toThrow('run 9 does not exist; list runs with `team runs`');
  });
});

describe('boardVersion', () => {
  it('stays put while nothing is written', () => {
    tb = seedBoard();
    const v = boardVersion(tb.board, tb.runId);
    readSnapshot(tb.board, tb.runId);
    expect(boardVersion(tb.board, tb.runId)).toBe(v);
  });

  it('moves on writes through this connection, even ones without an event', () => {
    tb = seedBoard();
    const v = boardVersion(tb.board, tb.runId);
    noteLastAction(tb.board, tb.runId, 'ds', 'Read features.py');
    expect(boardVersion(tb.board, tb.runId)).not.toBe(v);
  });

  it('moves on commits by another connection', () => {
    tb = seedBoard();
    const other = openBoard(tb.board.conn.file);
    try {
      const v = boardVersion(tb.board, tb.runId);
      noteLastAction(other, tb.runId, 'ds', 'Read features.py');
      expect(boardVersion(tb.board, tb.runId)).not.toBe(v);
    } finally {
      other.close();
    }
  });
});

describe('readTaskHistory', () => {
  it('lists the events of one task, oldest first, including who waits on it', () => {
    tb = seedBoard();
    const history = readTaskHistory(tb.board, tb.runId, 3);
    expect(history.map((e) => e.type)).toEqual(['task.created', 'task.dependency', 'task.claimed', 'task.updated']);
    const extra = createTask(tb.board, tb.runId, { subject: 'Check the features' }, coordinator);
    updateTask(tb.board, tb.runId, extra.id, { addBlockedBy: [3] }, memberActor('ds', 'data-scientist'));
    expect(readTaskHistory(tb.board, tb.runId, 3).at(-1)).toMatchObject({ type: 'task.dependency', payload: { taskId: extra.id, blockedBy: 3 } });
  });
});
