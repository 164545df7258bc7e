import { afterEach, describe, expect, it } from 'vitest';
import { coordinator, memberActor } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/open.js';
import { memberDoing } from '../../tui/members-panel.js';
import { askMetric, seedBoard, T0, type TestBoard } from './helpers.js';

/** What the terminal board reads: the snapshot, the version it polls, a task's history. */
let tb: TestBoard;
afterEach(async () => {
  await tb?.close();
});

describe('readSnapshot', () => {
  it('groups tasks into ready, blocked, in progress and done (latest completion first)', async () => {
    tb = await seedBoard();
    const s = await tb.board.readSnapshot(tb.runId);
    expect(s.tasks.ready.map((t) => t.id)).toEqual([4]);
    expect(s.tasks.blocked.map((t) => [t.id, t.blockedBy, t.gate ?? null])).toEqual([
      [5, [3], null],
      [6, [3, 5], 'human approval before deploy (waiting)'],
    ]);
    expect(s.tasks.in_progress.map((t) => [t.id, t.owner, t.activeForm])).toEqual([[3, 'ds', 'Building the feature table']]);
    expect(s.tasks.done.map((t) => t.id)).toEqual([2, 1]);
    expect(s.taskCount).toBe(6);
    expect(s.doneCount).toBe(2);
  });

  it('carries the run with its state and elapsed time, members with tokens, gates, totals and recent events', async () => {
    tb = await seedBoard();
    await askMetric(tb);
    const s = await tb.board.readSnapshot(tb.runId);
    expect(s.run).toMatchObject({ id: 1, team: 'churn-project', status: 'running', state: 'running', backend: 'sim', seed: 7, budgetUsd: 5, startedAt: T0 });
    expect(s.run.elapsedMs).toBe(110_000);
    expect(s.run.pipeline).toEqual(['data', 'features', 'training', 'validation', 'deploy']);
    const ds = s.members.find((m) => m.name === 'ds');
    expect(ds).toMatchObject({ status: 'working', currentTask: 3, currentTaskSubject: 'Build the feature table', lastAction: 'Bash: python features.py', tokens: 1500, costUsd: 0.012 });
    expect(s.members.find((m) => m.name === 'mle')).toMatchObject({ status: 'waiting', waitingOn: 1, tokens: 24_000 });
    expect(s.gates).toEqual([{ id: 1, before: 'deploy', kind: 'approval', status: 'waiting', description: 'human approval before deploy', detail: 'waiting for a person', note: null, decidedBy: null }]);
    expect(s.questions.map((q) => [q.id, q.kind, q.askedBy, q.taskId, q.payload.questions[0]?.header])).toEqual([[1, 'agent', 'mle', 5, 'Metric']]);
    expect(s.totals).toMatchObject({ tokens: 25_500, calls: 2 });
    expect(s.totals.costUsd).toBeCloseTo(0.422, 6);
    expect(s.events.at(-1)).toMatchObject({ type: 'question.asked', seq: s.lastSeq });
  });

  it('shows a run whose driver stopped beating as crashed', async () => {
    tb = await seedBoard();
    await tb.crash();
    const s = await tb.board.readSnapshot(tb.runId);
    expect([s.run.status, s.run.state]).toEqual(['running', 'crashed']);
  });

  it('keeps only the last events', async () => {
    tb = await seedBoard();
    const s = await tb.board.readSnapshot(tb.runId, 5);
    expect(s.events).toHaveLength(5);
    expect(s.events.map((e) => e.seq)).toEqual([s.lastSeq - 4, s.lastSeq - 3, s.lastSeq - 2, s.lastSeq - 1, s.lastSeq]);
  });

  it('measures a finished run to its end', async () => {
    tb = await seedBoard();
    await tb.board.setRunStatus(tb.runId, 'completed', null, coordinator);
    tb.tick(500_000);
    expect((await tb.board.readSnapshot(tb.runId)).run.elapsedMs).toBe(110_000);
  });

  it('names the missing run', async () => {
    tb = await seedBoard();
    await expect(tb.board.readSnapshot(9)).rejects.toThrow('run 9 does not exist; list runs with `team runs`');
  });
});

describe('version', () => {
  it('stays put while nothing is written', async () => {
    tb = await seedBoard();
    const v = await tb.board.version(tb.runId);
    await tb.board.readSnapshot(tb.runId);
    expect(await tb.board.version(tb.runId)).toBe(v);
  });

  it('moves on writes through this connection, even ones without an event', async () => {
    tb = await seedBoard();
    const v = await tb.board.version(tb.runId);
    await tb.board.noteLastAction(tb.runId, 'ds', 'Read features.py');
    expect(await tb.board.version(tb.runId)).not.toBe(v);
  });

  it('moves on commits by another connection', async () => {
    tb = await seedBoard();
    const other = await openBoard(tb.file);
    try {
      const v = await tb.board.version(tb.runId);
      await other.noteLastAction(tb.runId, 'ds', 'Read features.py');
      expect(await tb.board.version(tb.runId)).not.toBe(v);
    } finally {
      await other.close();
    }
  });
});

describe('taskHistory', () => {
  it('lists the events of one task, oldest first, including who waits on it', async () => {
    tb = await seedBoard();
    const history = await tb.board.taskHistory(tb.runId, 3);
    expect(history.map((e) => e.type)).toEqual(['task.created', 'task.dependency', 'task.claimed', 'task.updated']);
    const extra = await tb.board.createTask(tb.runId, { subject: 'Check the features' }, coordinator);
    await tb.board.updateTask(tb.runId, extra.id, { addBlockedBy: [3] }, memberActor('ds', 'data-scientist'));
    expect((await tb.board.taskHistory(tb.runId, 3)).at(-1)).toMatchObject({ type: 'task.dependency', payload: { taskId: extra.id, blockedBy: 3 } });
  });
});

describe('members working over MCP', () => {
  it('an open seat says how to take it; a member that joined is marked MCP', async () => {
    tb = await seedBoard();
    const run = await tb.board.requireRun(tb.runId);
    const seat = { name: 'reviewer', agent: 'external', role: 'reviewer', model: 'external', instructions: '', tools: [], external: true };
    const members = [...run.config.members.map((m) => (m.name === 'ds' ? { ...m, external: true } : m)), seat];
    await tb.board.updateRun(tb.runId, { config: { ...run.config, members } });
    await tb.board.addMember(tb.runId, { name: 'reviewer', agent: 'external', role: 'reviewer', model: 'external' }, coordinator);
    const s = await tb.board.readSnapshot(tb.runId);
    const doing = (name: string) => memberDoing(s.members.find((m) => m.name === name) ?? fail(name), s, T0 + 200_000, 0).map((g) => g.text).join('');
    expect(doing('reviewer')).toBe(`open seat · join with team mcp --run ${tb.runId} --as reviewer`);
    expect(doing('ds')).toMatch(/^MCP /);
    expect(doing('mle')).not.toMatch(/MCP/);
  });
});

function fail(name: string): never {
  throw new Error(`no member ${name} in the snapshot`);
}
