import { afterEach, beforeEach, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/open.js';
import { createTestBoard, seedTasks, type TestBoard } from '../helpers/board.js';
import { runClaimWorkers } from '../helpers/workers.js';

const TASKS = 200;
const WORKERS = ['w1', 'w2', 'w3', 'w4', 'w5'];

let t: TestBoard;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: [], members: [] });
  for (const name of WORKERS) await t.board.addMember(t.runId, { name, agent: 'worker', role: 'worker', model: 'sim' }, human);
  await seedTasks(t.board, t.runId, TASKS);
  await t.board.close();
});

afterEach(async () => {
  await t.cleanup();
});

it(`${WORKERS.length} processes racing for ${TASKS} tasks claim each exactly once`, async () => {
  const outcomes = await runClaimWorkers(t.file, t.runId, WORKERS);

  for (const o of outcomes) {
    expect({ name: o.name, exitCode: o.exitCode, stderr: o.stderr }).toEqual({ name: o.name, exitCode: 0, stderr: '' });
    expect(o.report?.completed).toEqual(o.report?.claimed);
  }
  // The workers really raced: some claims were refused because another process won.
  expect(outcomes.reduce((sum, o) => sum + (o.report?.refused ?? 0), 0)).toBeGreaterThan(0);
  const claims = outcomes.flatMap((o) => (o.report?.claimed ?? []).map((id) => ({ id, by: o.name })));
  expect(claims.map((c) => c.id).sort((a, b) => a - b)).toEqual(Array.from({ length: TASKS }, (_, i) => i + 1));

  const board = await openBoard(t.file);
  try {
    const rows = await board.listTaskRows(t.runId);
    expect(rows).toHaveLength(TASKS);
    expect(rows.filter((r) => r.status !== 'completed')).toEqual([]);
    const claimedBy = new Map(claims.map((c) => [c.id, c.by]));
    expect(rows.filter((r) => r.owner !== claimedBy.get(r.id)).map((r) => [r.id, r.owner, claimedBy.get(r.id)])).toEqual([]);

    const events = await board.listEvents(t.runId);
    const perTask = new Map<number, string[]>();
    for (const e of events) {
      if (e.type !== 'task.claimed') continue;
      const id = e.payload.taskId;
      perTask.set(id, [...(perTask.get(id) ?? []), e.actor]);
    }
    expect(perTask.size).toBe(TASKS);
    expect([...perTask].filter(([, actors]) => actors.length !== 1)).toEqual([]);
    expect([...perTask].filter(([id, actors]) => actors[0] !== claimedBy.get(id))).toEqual([]);
    expect(events.filter((x) => x.type === 'task.completed')).toHaveLength(TASKS);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  } finally {
    await board.close();
  }
}, 120_000);
