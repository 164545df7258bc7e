/**
 * One failed step never fails a run (DESIGN.md §4 rule 11), and a dry run says what it did not do
 * (§14): through the real runtime, on a real board and workspace.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { resolveAnswers } from '../../src/board/answers.js';
import type { Question } from '../../src/board/types.js';
import { createSimModel } from '../../src/models/sim.js';
import { createVirtualClock } from '../../src/runtime/virtual-clock.js';
import { T0, ofType, prepareTestRun, reply, runOrdered, scriptedModel, text, toolUse, waitFor, type TestRun } from '../helpers/runtime.js';

let t: TestRun;

afterEach(async () => {
  await t?.cleanup();
});

/** The open question of this kind, once it is asked (the run goes on in the background meanwhile). */
function asked(kind: Question['kind']): Promise<Question> {
  return waitFor(`a ${kind} question`, async () => (await t.board.listQuestions(t.runId, 'open')).find((q) => q.kind === kind));
}

/** Answer as a person does at the CLI: checked by the board's rules. */
async function answer(question: Question, given: string): Promise<void> {
  await t.board.answerQuestion(t.runId, question.id, resolveAnswers(question.payload, [given], question.kind), 'cli', human);
}

const CHECK = `const fs = require('node:fs');
if (!fs.existsSync('fixed.txt')) {
  console.log('checking the inputs');
  console.error('missing fixed.txt: create it and run again');
  process.exit(1);
}
console.log('inputs ok');
`;

const STUCK_TEAM = `
name: test-team
workspace: ./test-team
members:
  - { name: ds, agent: data-scientist }
pipeline: [work]
tasks:
  - id: build
    subject: Build the report
    stage: work
    role: data-scientist
    description: Run node check.js, then write done.txt.
    sim:
      steps:
        - bash: echo started > started.txt
        - bash: node check.js
        - bash: echo done > done.txt
`;

describe('no dead ends', () => {
  it('a step that fails twice becomes a stuck question with the cause and the failing output; "Retry" after fixing the workspace goes on from that step and completes the run', async () => {
    t = await prepareTestRun({ team: STUCK_TEAM, template: { 'check.js': CHECK } });
    const outcome = runOrdered(t);
    const stuck = await asked('stuck');
    expect(stuck.taskId).toBe(1);
    expect(stuck.payload.questions[0]?.question).toBe('Task #1 "Build the report" cannot go on: exit code 1: missing fixed.txt: create it and run again. What now?');
    expect(stuck.payload.questions[0]?.options.map((o) => o.label)).toEqual(['Retry', 'Reassign', 'Mark done anyway', 'Stop']);
    expect(stuck.payload.context).toEqual({ taskId: 1, cause: 'exit code 1: missing fixed.txt: create it and run again', output: ['checking the inputs', 'missing fixed.txt: create it and run again'] });
    expect((await t.board.requireRun(t.runId)).status).toBe('running');

    fs.writeFileSync(path.join(t.workspace, 'fixed.txt'), 'yes\n');
    await answer(stuck, 'Retry');
    expect(await outcome).toEqual({ status: 'completed', reason: '1 tasks completed' });
    expect(fs.readFileSync(path.join(t.workspace, 'done.txt'), 'utf8')).toBe('done\n');
    const commands = ofType(await t.events(), 'tool.called')
      .filter((e) => e.payload.tool === 'Bash')
      .map((e) => [e.payload.summary, e.payload.exitCode]);
    // The first step ran once: the retry went on from the step that failed.
    expect(commands).toEqual([
      ['echo started > started.txt', 0],
      ['node check.js', 1],
      ['node check.js', 1],
      ['node check.js', 0],
      ['echo done > done.txt', 0],
    ]);
    expect((await t.board.getTask(t.runId, 1))?.metadata).toMatchObject({ retried: 'retry by cli' });
  });

  it('"Stop" fails the run with a short headline naming the task, the cause and `team resume`', async () => {
    t = await prepareTestRun({ team: STUCK_TEAM, template: { 'check.js': CHECK } });
    const outcome = runOrdered(t);
    await answer(await asked('stuck'), 'Stop');
    expect(await outcome).toEqual({
      status: 'failed',
      reason: `stuck at #1 "Build the report": exit code 1: missing fixed.txt: create it and run again (stopped by cli). Next: fix it, then \`team resume ${t.runId}\``,
    });
  });

  it('after "Stop", fixing the workspace and resuming goes on from the failed step: no new stuck question with the old cause', async () => {
    t = await prepareTestRun({ team: STUCK_TEAM, template: { 'check.js': CHECK } });
    const first = runOrdered(t);
    await answer(await asked('stuck'), 'Stop');
    expect((await first).status).toBe('failed');
    fs.writeFileSync(path.join(t.workspace, 'fixed.txt'), 'yes\n');
    expect(await runOrdered(t, { resumed: true })).toEqual({ status: 'completed', reason: '1 tasks completed' });
    expect((await t.board.listQuestions(t.runId)).filter((q) => q.kind === 'stuck')).toHaveLength(1);
    expect((await t.board.getTask(t.runId, 1))?.metadata).toMatchObject({ retried: 'retried when the run was resumed' });
    expect(fs.readFileSync(path.join(t.workspace, 'done.txt'), 'utf8')).toBe('done\n');
  });

  it('a rejected approval is asked again when the run is resumed, and its stage starts only once approved; the reason given is kept', async () => {
    t = await prepareTestRun({
      team: `
name: test-team
members:
  - { name: ds, agent: data-scientist }
pipeline: [build, ship]
gates:
  - { before: ship, approval: human }
tasks:
  - { id: a, subject: Build it, stage: build, role: data-scientist, description: Build., sim: { steps: [ { bash: "echo built > built.txt" } ] } }
  - { id: b, subject: Ship it, stage: ship, role: data-scientist, description: Ship., sim: { steps: [ { bash: "echo shipped > shipped.txt" } ] } }
`,
    });
    const first = runOrdered(t);
    await answer(await asked('approval'), 'Reject: not during the freeze');
    expect(await first).toEqual({ status: 'stopped', reason: 'rejected by cli: not during the freeze' });
    const [stopped] = await t.board.listGates(t.runId);
    expect(stopped).toMatchObject({ status: 'stopped', detail: 'rejected by cli', decidedBy: 'cli', note: 'not during the freeze' });
    expect(fs.existsSync(path.join(t.workspace, 'shipped.txt'))).toBe(false);

    const again = runOrdered(t, { resumed: true });
    const second = await asked('approval');
    expect((await t.board.listGates(t.runId))[0]).toMatchObject({ status: 'waiting' });
    expect((await t.board.listQuestions(t.runId, 'open')).map((q) => q.kind)).toEqual(['approval']);
    expect(fs.existsSync(path.join(t.workspace, 'shipped.txt'))).toBe(false);
    await answer(second, 'Approve');
    expect(await again).toEqual({ status: 'completed', reason: '2 tasks completed' });
    expect(fs.readFileSync(path.join(t.workspace, 'shipped.txt'), 'utf8')).toBe('shipped\n');
    const reopened = ofType(await t.events(), 'gate.closed').map((e) => e.payload.detail);
    expect(reopened).toContain('asked again: the run was resumed after it was rejected by cli: not during the freeze');
  });

  it('a model that stops while it owns an unfinished task is reminded once; stopping again without progress puts it to the person', async () => {
    t = await prepareTestRun({ team: STUCK_TEAM, template: { 'check.js': CHECK } });
    const model = scriptedModel((_req, n) => {
      if (n === 0) return [toolUse('c0', 'TaskUpdate', { taskId: '1', status: 'in_progress' })];
      if (n === 1) return [text('I need credentials for the report server to go on.')];
      if (n === 2) return [toolUse('c2', 'TaskGet', { taskId: '1' })];
      if (n === 3) return [text('Still blocked: no credentials.')];
      return [text('Understood.')];
    });
    const outcome = runOrdered(t, { model });
    const stuck = await asked('stuck');
    expect(stuck.payload.context?.cause).toBe('ds stopped without finishing it: "Still blocked: no credentials."');
    // The reminder it got after the first stop.
    const reminded = JSON.stringify(model.requests[2]?.messages.at(-1));
    expect(reminded).toContain('You still own task #1 \\"Build the report\\", which is in progress.');
    expect(reminded).toContain('metadata: {needs_help: true, error:');
    await answer(stuck, 'Mark done anyway: done by hand');
    expect(await outcome).toEqual({ status: 'completed', reason: '1 tasks completed' });
    expect((await t.board.getTask(t.runId, 1))?.metadata).toMatchObject({ marked_done: 'done by cli: done by hand' });
    // ds was told its task was marked done.
    expect(JSON.stringify(model.requests.at(-1)?.messages.at(-1))).toContain('was marked done by the person');
  });

  it('the ordered (--instant) driver catches a member hanging for real by the wall clock, and a teammate takes its task over', async () => {
    t = await prepareTestRun({
      team: `
name: test-team
members:
  - { name: ds, agent: data-scientist }
  - { name: ds2, agent: data-scientist }
pipeline: [work]
tasks:
  - { id: job, subject: The job, stage: work, role: data-scientist, description: Do it., sim: { steps: [ { bash: "echo done > job.txt" } ] } }
`,
    });
    const clock = createVirtualClock(T0);
    const sim = createSimModel({ seed: 2, clock, instant: true });
    const model = scriptedModel((req, n) => {
      if (req.member !== 'ds') return sim.send(req);
      if (n === 0) return reply([toolUse('c0', 'TaskUpdate', { taskId: '1', status: 'in_progress' })], { latencyMs: 100 });
      // Hangs in real time; the virtual clock stands still meanwhile, so only the wall clock can tell.
      return new Promise((_resolve, reject) => req.signal?.addEventListener('abort', () => reject(new Error('request aborted'))));
    });
    // Long enough that ds2's real steps (a bash command on a loaded machine) never look hung too.
    const outcome = await runOrdered(t, { model, clock, wallLeaseMs: 3_000 });
    expect(outcome).toEqual({ status: 'completed', reason: '1 tasks completed' });
    expect(ofType(await t.events(), 'member.removed').map((e) => e.payload)).toEqual([{ member: 'ds', state: 'dead', reason: 'no progress for 3 s of real time: lease expired' }]);
    expect(await t.board.getTask(t.runId, 1)).toMatchObject({ status: 'completed', owner: 'ds2', attempt: 2 });
  });
});

describe('dry runs', () => {
  const UNSCRIPTED = `
name: test-team
members:
  - { name: ds, agent: data-scientist }
  - { name: mle, agent: ml-engineer }
pipeline: [plan, build]
tasks:
  - { id: decide, subject: Decide the scope, stage: plan, role: data-scientist, description: Ask the person (AskUserQuestion) which scope to build. }
  - { id: build, subject: Build it, stage: build, role: ml-engineer, description: Build what was decided. }
  - { id: check, subject: Check it, stage: build, role: ml-engineer, blockedBy: [build], description: Check the build. }
`;

  it('completes unscripted tasks as simulated, asks nothing, and every view can say so', async () => {
    t = await prepareTestRun({ team: UNSCRIPTED });
    const outcome = await runOrdered(t);
    expect(outcome).toEqual({ status: 'completed', reason: '3 tasks completed' });
    expect(await t.board.listQuestions(t.runId)).toEqual([]);
    expect((await t.board.listTaskRows(t.runId)).map((task) => task.metadata)).toEqual([{ simulated: true }, { simulated: true }, { simulated: true }]);
    expect(ofType(await t.events(), 'task.completed').map((e) => [e.payload.taskId, e.payload.simulated])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
    for (const id of [1, 2, 3]) expect((await t.board.getTaskDetail(t.runId, id))?.simulated).toBe(true);
    const snapshot = await t.board.readSnapshot(t.runId);
    expect(snapshot.simulatedCount).toBe(3);
    expect(snapshot.run.backend).toBe('sim');
    expect(ofType(await t.events(), 'tool.called').filter((e) => e.payload.tool === 'Bash' || e.payload.tool === 'Write' || e.payload.tool === 'AskUserQuestion')).toEqual([]);
    const said = ofType(await t.events(), 'member.said').map((e) => e.payload.text);
    expect(said).toContain(
      'Task #1 "Decide the scope" has no script for the simulated model, so I ran nothing, wrote nothing and did not ask the person what it wants decided. Marking it done as simulated: this is a dry run, no work was done.',
    );
  });
});
