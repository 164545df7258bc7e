import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { T0, eventTuple, prepareIn, runOrdered, tempDir, type TestRun } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';

const runs: TestRun[] = [];

afterEach(async () => {
  for (const run of runs.splice(0)) await run.cleanup();
});

/** An instant, auto-answered run of the demo team (on small data) in its own project folder. */
async function demoRun(seed: number) {
  const run = await prepareIn(smallChurnProject(tempDir('teamboard-det-')), 'churn-project', { seed });
  runs.push(run);
  const prepared = (await run.events()).length;
  const outcome = await runOrdered(run, { autoAnswer: true });
  const events = await run.events();
  return {
    outcome,
    tuples: events.map(eventTuple),
    /** Virtual time of each event of the run itself (preparing the run uses the real clock). */
    timestamps: events.slice(prepared).map((e) => e.ts - T0),
    answers: (await run.board.listQuestions(run.runId)).map((q) => [q.askedBy, q.answers]),
    metrics: JSON.parse(fs.readFileSync(path.join(run.workspace, 'reports/metrics.json'), 'utf8')) as { auc: number },
  };
}

describe('determinism', () => {
  it('two instant runs of churn-project with the same seed produce the same events, answers and numbers', async () => {
    const a = await demoRun(42);
    const b = await demoRun(42);
    expect(a.outcome).toEqual({ status: 'completed', reason: '12 tasks completed' });
    expect(b.outcome).toEqual(a.outcome);
    expect(a.tuples.length).toBeGreaterThan(300);
    expect(b.tuples).toEqual(a.tuples);
    // Virtual time repeats too: the same latencies in the same order.
    expect(b.timestamps).toEqual(a.timestamps);
    expect(a.timestamps.at(-1)).toBeGreaterThan(30_000);
    expect(b.answers).toEqual(a.answers);
    expect(b.metrics).toEqual(a.metrics);
    expect(a.metrics.auc).toBeGreaterThanOrEqual(0.75);
  }, 60_000);
});
