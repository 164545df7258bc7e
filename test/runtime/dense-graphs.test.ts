/**
 * Dense dependency graphs: a team file with thousands of blockers is prepared in one transaction
 * with one cycle check, its run starts with the right first task, and one TaskUpdate can add
 * hundreds of blockers (or be refused as a whole when one of them closes a cycle). Timings are in
 * the dense-graphs bench, not here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../src/shared/clock.js';
import { runTool } from '../../src/tools/run-tool.js';
import { taskGetTool } from '../../src/tools/task-get.js';
import { taskListTool } from '../../src/tools/task-list.js';
import { taskUpdateTool } from '../../src/tools/task-update.js';
import type { Tool } from '../../src/tools/tool.js';
import { agentFile, prepareTestRun, type TestRun } from '../helpers/runtime.js';

/** A team file whose task i (1-based) is blocked by the tasks `blockersOf(i)` (1-based). */
function denseTeam(tasks: number, blockersOf: (i: number) => number[]): string {
  const lines = ['name: dense-team', 'members:', '  - { name: ds, agent: data-scientist }', '  - { name: mle, agent: ml-engineer }', 'pipeline: [data, deploy]', 'tasks:'];
  for (let i = 1; i <= tasks; i++) {
    const blockers = blockersOf(i);
    lines.push(`  - { id: t${i}, subject: Task ${i}, description: Work item ${i}., stage: data${blockers.length ? `, blockedBy: [${blockers.map((b) => `t${b}`).join(', ')}]` : ''} }`);
  }
  return `${lines.join('\n')}\n`;
}

const runs: TestRun[] = [];

afterEach(async () => {
  for (const run of runs.splice(0)) await run.cleanup();
});

async function prepare(tasks: number, blockersOf: (i: number) => number[]): Promise<TestRun> {
  const run = await prepareTestRun({
    name: 'dense-team',
    team: denseTeam(tasks, blockersOf),
    agents: { 'data-scientist': agentFile('data-scientist'), 'ml-engineer': agentFile('ml-engineer') },
  });
  runs.push(run);
  return run;
}

async function call(run: TestRun, tool: Tool, input: unknown, member = 'ds'): Promise<{ isError: boolean; body: Record<string, unknown> }> {
  const role = member === 'ds' ? 'data-scientist' : 'ml-engineer';
  const result = await runTool(tool, input, { board: run.board, runId: run.runId, member, role, workspace: run.workspace, clock: realClock });
  return { isError: result.isError, body: JSON.parse(result.content) as Record<string, unknown> };
}

/** The 100 tasks before task i (all of them for the first hundred). */
const band = (width: number) => (i: number) => Array.from({ length: Math.min(width, i - 1) }, (_, k) => i - 1 - k);

describe('dense dependency graphs', () => {
  it('a team file of 500 tasks with up to 100 blockers each starts with only its first task to claim', async () => {
    const run = await prepare(500, band(100));
    expect((await run.board.listDeps(run.runId)).length).toBe(400 * 100 + (99 * 100) / 2);
    expect((await call(run, taskListTool, {})).body).toMatchObject({ tasks: [{ id: '1', blockedBy: [] }], claimable: 1, counts: { total: 500, byStatus: { pending: 500 } } });
    expect(await call(run, taskUpdateTool, { taskId: '1', status: 'in_progress' })).toEqual({
      isError: false,
      body: { success: true, taskId: '1', updatedFields: ['status', 'owner'], statusChange: { from: 'pending', to: 'in_progress' } },
    });
    const refused = await call(run, taskUpdateTool, { taskId: '2', status: 'in_progress' }, 'mle');
    expect(refused.isError).toBe(true);
    expect(refused.body.error).toMatch(/^cannot start task #2: blocked by #1 "Task 1" \(in progress, owned by ds\)/);
  }, 60_000);

  it('a 2,000-task chain starts with task 1 claimable and each next task waiting on the one before', async () => {
    const run = await prepare(2000, (i) => (i > 1 ? [i - 1] : []));
    expect((await call(run, taskListTool, {})).body).toMatchObject({ tasks: [{ id: '1' }], claimable: 1 });
    expect((await call(run, taskListTool, { cursor: '1999' })).body).toMatchObject({ tasks: [{ id: '2000', blockedBy: ['1999'] }], matching: 2000 });
    await call(run, taskUpdateTool, { taskId: '1', status: 'in_progress' });
    await call(run, taskUpdateTool, { taskId: '1', status: 'completed' });
    expect((await call(run, taskListTool, {}, 'mle')).body).toMatchObject({ tasks: [{ id: '2' }], claimable: 1, counts: { byStatus: { completed: 1, pending: 1999 } } });
  }, 60_000);

  it('one TaskUpdate adds 800 blockers; one that would close a cycle adds none of its blockers', async () => {
    const run = await prepare(1000, () => []);
    const ids = (from: number, count: number) => Array.from({ length: count }, (_, k) => String(from + k));
    expect(await call(run, taskUpdateTool, { taskId: '1000', addBlockedBy: ids(1, 800) })).toEqual({
      isError: false,
      body: { success: true, taskId: '1000', updatedFields: ['blockedBy'] },
    });
    const task = (await call(run, taskGetTool, { taskId: '1000' })).body.task as { blockedBy: string[] };
    expect(task.blockedBy).toEqual(ids(1, 800));
    // Task 1000 waits on task 400, so task 400 waiting on 1000 closes a cycle: the whole change of 200 blockers is refused.
    const before = (await run.board.listDeps(run.runId)).length;
    const cyclic = await call(run, taskUpdateTool, { taskId: '400', addBlockedBy: [...ids(801, 150), '1000', ...ids(951, 49)] });
    expect(cyclic.isError).toBe(true);
    expect(cyclic.body).toMatchObject({ success: false, taskId: '400', updatedFields: [] });
    expect(cyclic.body.error).toMatch(/^adding #1000 as a blocker of #400 would create a cycle/);
    expect((await run.board.listDeps(run.runId)).length).toBe(before);
  }, 60_000);
});
