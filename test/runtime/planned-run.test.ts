/**
 * A team file with estimates: prepareRun stores the planned order, and the simulated team takes the
 * claimable task that comes first in it. Without estimates nothing is planned.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ofType, agentFile, prepareTestRun, runOrdered, type TestRun } from '../helpers/runtime.js';

const runs: TestRun[] = [];

afterEach(async () => {
  for (const run of runs.splice(0)) await run.cleanup();
});

/** Two developers and four tasks: two short ones first in the file, then a long one and the task that waits for it. */
function teamFile(estimates: boolean): string {
  const estimate = (text: string) => (estimates ? `\n    estimate: ${text}` : '');
  return `name: test-team
members:
  - { name: dev-a, agent: dev }
  - { name: dev-b, agent: dev }
pipeline: [build]
tasks:
  - { id: short-1, subject: Short one, description: A quick fix., stage: build${estimates ? ', estimate: 5m' : ''} }
  - id: short-2
    subject: Short two
    description: Another quick fix.
    stage: build
  - id: long
    subject: Long one
    description: The big piece.
    stage: build${estimate('2h')}
  - id: after-long
    subject: After the long one
    description: Builds on the big piece.
    stage: build
    blockedBy: [long]${estimate('1h30m')}
`;
}

async function prepared(estimates: boolean): Promise<TestRun> {
  const t = await prepareTestRun({ team: teamFile(estimates), agents: { dev: agentFile('dev') } });
  runs.push(t);
  return t;
}

describe('a run planned from estimates', () => {
  it('stores each task’s place (short-2, without an estimate, counts as the median one, 1h30m) and the team takes the long chain first', async () => {
    const t = await prepared(true);
    expect((await t.board.listTaskRows(t.runId)).map((r) => [r.key, r.planRank])).toEqual([
      ['short-1', 4],
      // As long as after-long (1h30m, the median), and first in the file.
      ['short-2', 2],
      ['long', 1],
      ['after-long', 3],
    ]);
    expect(await runOrdered(t)).toMatchObject({ status: 'completed' });
    const claims = ofType(await t.events(), 'task.claimed').map((e) => e.payload.taskId);
    expect(claims[0]).toBe(3);
    expect(claims).toHaveLength(4);
  });

  it('plans nothing without estimates: members take the lowest id', async () => {
    const t = await prepared(false);
    expect((await t.board.listTaskRows(t.runId)).map((r) => r.planRank)).toEqual([null, null, null, null]);
    expect(await runOrdered(t)).toMatchObject({ status: 'completed' });
    expect(ofType(await t.events(), 'task.claimed').map((e) => e.payload.taskId).slice(0, 2)).toEqual([1, 2]);
  });
});
