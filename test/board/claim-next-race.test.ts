import { afterEach, beforeEach, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/open.js';
import { createTestBoard, testBackend, type TestBoard } from '../helpers/board.js';
import { CLAIM_NEXT_WORKER, runClaimWorkers } from '../helpers/workers.js';

// PostgreSQL is the backend meant for many processes: the race (8 x 2,000). On SQLite the
// same race, smaller, keeps the suite fast (its writers take turns on one file anyway). Eight node
// processes starting at once on two busy cores take a while before the race even begins: the
// time limits are generous, and nothing here measures speed (bench/board-postgres.bench.ts does).
const { processes: PROCESSES, tasks: TASKS } = testBackend() === 'postgres' ? { processes: 8, tasks: 2_000 } : { processes: 4, tasks: 300 };
const WORKERS = Array.from({ length: PROCESSES }, (_, i) => `w${i + 1}`);

let t: TestBoard;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: [], members: WORKERS.map((name) => ({ name, role: 'worker' })) });
  await t.board.createTasks(t.runId, Array.from({ length: TASKS }, (_, i) => ({ subject: `Task ${i + 1}` })), human);
  await t.board.close();
});

afterEach(async () => {
  await t.cleanup();
});

it(`${PROCESSES} processes taking tasks with claimNext over ${TASKS.toLocaleString('en-US')} tasks claim each exactly once`, async () => {
  const outcomes = await runClaimWorkers(t.file, t.runId, WORKERS, CLAIM_NEXT_WORKER, 280_000);

  for (const o of outcomes) {
    expect({ name: o.name, exitCode: o.exitCode, stderr: o.stderr }).toEqual({ name: o.name, exitCode: 0, stderr: '' });
    expect(o.report?.completed).toEqual(o.report?.claimed);
  }
  const claims = outcomes.flatMap((o) => (o.report?.claimed ?? []).map((id) => ({ id, by: o.name })));
  expect(claims.map((c) => c.id).sort((a, b) => a - b)).toEqual(Array.from({ length: TASKS }, (_, i) => i + 1));
  // On PostgreSQL the processes really share the work. SQLite's busy handler sleeps while one
  // writer holds the file, so on a loaded machine one process may well take every task: that is
  // allowed there, and the exactly-once checks above and below still hold.
  if (testBackend() === 'postgres') expect(outcomes.filter((o) => (o.report?.claimed.length ?? 0) > 0).length).toBeGreaterThan(1);

  const board = await openBoard(t.file);
  try {
    const rows = await board.listTaskRows(t.runId);
    const claimedBy = new Map(claims.map((c) => [c.id, c.by]));
    expect(rows.filter((r) => r.status !== 'completed' || r.owner !== claimedBy.get(r.id) || r.attempt !== 1)).toEqual([]);

    const events = await board.listEvents(t.runId);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e, i) => i > 0 && e.ts < (events[i - 1]?.ts ?? 0))).toEqual([]);
    const claimed = new Map<number, number[]>();
    const completed = new Map<number, number>();
    for (const e of events) {
      if (e.type === 'task.claimed') claimed.set(e.payload.taskId, [...(claimed.get(e.payload.taskId) ?? []), e.seq]);
      if (e.type === 'task.completed') completed.set(e.payload.taskId, e.seq);
    }
    expect(claimed.size).toBe(TASKS);
    expect([...claimed].filter(([, seqs]) => seqs.length !== 1)).toEqual([]);
    // Each task's claim is numbered before its completion: commit order is event order.
    expect([...claimed].filter(([id, [seq]]) => (seq ?? 0) >= (completed.get(id) ?? 0))).toEqual([]);
  } finally {
    await board.close();
  }
}, 300_000);
