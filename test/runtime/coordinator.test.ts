import { afterEach, describe, expect, it } from 'vitest';
import { human, memberActor, type MemberActor } from '../../src/board/actor.js';
import { resolveAnswers } from '../../src/board/answers.js';
import { openBoard } from '../../src/board/open.js';
import type { Json, NewTask } from '../../src/board/types.js';
import type { Model } from '../../src/models/model.js';
import { createSimModel } from '../../src/models/sim.js';
import { createCoordinator, type Answerer, type Coordinator } from '../../src/runtime/coordinator.js';
import { stuckReason } from '../../src/runtime/coordinator/settle.js';
import { createVirtualClock } from '../../src/runtime/virtual-clock.js';
import { realClock } from '../../src/shared/clock.js';
import { caught } from '../helpers/board.js';
import { T0, ofType, prepareTestRun, reply, runOrdered, scriptedModel, text, toolUse, waitFor, type TestRun } from '../helpers/runtime.js';


const TEAM = `
name: gate-team
description: Coordinator test team.
members:
  - { name: ds, agent: data-scientist }
  - { name: mle, agent: ml-engineer }
  - { name: ops, agent: mlops-engineer }
pipeline: [features, training, validation, deploy]
gates:
  - { before: deploy, task: evaluate, metric: auc, min: 0.75, beat_baseline: true, retrain: [features, train, evaluate] }
  - { before: deploy, approval: human, question: Ship it? Read reports/metrics.json first. }
budget: { usd: 5 }
tasks:
  - id: features
    subject: Build features
    stage: features
    role: data-scientist
    description: Build them.
    sim:
      steps: [ { bash: "echo usage > features.txt" } ]
      retrain_steps: [ { bash: "echo full > features.txt" } ]
  - id: train
    subject: Train
    stage: training
    role: ml-engineer
    description: Train it.
    blockedBy: [features]
  - id: evaluate
    subject: Evaluate
    stage: validation
    role: ml-engineer
    description: Evaluate it.
    blockedBy: [train]
  - id: ship
    subject: Ship
    stage: deploy
    role: mlops-engineer
    description: Ship it.
`;

let t: TestRun;
let coordinator: Coordinator;
let seen = 0;

async function setup(team = TEAM, answerer?: Answerer): Promise<void> {
  t = await prepareTestRun({ team, name: 'gate-team' });
  coordinator = createCoordinator({ board: t.board, runId: t.runId, ...(answerer ? { answerer } : {}) });
  seen = 0;
}

afterEach(async () => {
  await t?.cleanup();
});

/** Let the coordinator see every event since the last call (as the driver's pump does). */
async function pump(): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const events = await t.board.listEvents(t.runId, seen);
    if (events.length === 0) return;
    seen = events[events.length - 1]?.seq ?? seen;
    await coordinator.handle(events);
  }
}

async function complete(id: number, metadata: Record<string, Json> = {}): Promise<void> {
  await t.board.updateTask(t.runId, id, { status: 'completed', metadata }, human);
  await pump();
}

/** Answer as a person types it at the CLI: checked by the board's rules (an option, optionally with a note). */
async function answer(id: number, given: string): Promise<void> {
  const question = await t.board.getQuestion(t.runId, id);
  if (!question) throw new Error(`no question q${id}`);
  await t.board.answerQuestion(t.runId, id, resolveAnswers(question.payload, [given], question.kind), 'cli', human);
  await pump();
}

async function open() {
  return (await t.board.listQuestions(t.runId, 'open')).map((q) => ({ id: q.id, kind: q.kind, gateId: q.gateId, taskId: q.taskId, ...q.payload.questions[0] }));
}

const gateOf = (id = 1) => t.board.getGate(t.runId, id);
const runOf = () => t.board.requireRun(t.runId);
const claim = (id: number, who: MemberActor) => t.board.updateTask(t.runId, id, { status: 'in_progress' }, who);
const createTask = (input: NewTask) => t.board.createTask(t.runId, input, human);
const ops = memberActor('ops', 'mlops-engineer');
const mle = memberActor('mle', 'ml-engineer');

/** Complete features, train and evaluate; evaluate records these metrics. */
async function finishValidation(metrics: Record<string, number> | null, first = 1): Promise<void> {
  await complete(first);
  await complete(first + 1);
  await complete(first + 2, metrics === null ? {} : { metrics });
}

const GATE_OPTIONS = [
  { label: 'Retrain', value: 'retrain', description: 'Create new tasks for features, train, evaluate (attempt 2) and evaluate again.' },
  { label: 'Override', value: 'override', description: 'Let stage deploy start anyway; the override is recorded.' },
  { label: 'Stop', value: 'stop', description: 'Stop the run here.' },
];

describe('metric gate', () => {
  it('passes when the metric clears the minimum and beats the baseline', async () => {
    await setup();
    await finishValidation({ auc: 0.81, baseline_auc: 0.7 });
    expect(await gateOf()).toMatchObject({ status: 'passed', detail: 'evaluate auc = 0.810 passes', decidedBy: 'coordinator' });
    expect(await open()).toEqual([]);
    expect((await t.board.listTasks(t.runId)).find((x) => x.id === 4)?.gate).toBe('human approval before deploy (closed)');
  });

  it.each([
    [{ auc: 0.7, baseline_auc: 0.6 }, 'evaluate auc = 0.700 (needs >= 0.75)'],
    [{ auc: 0.8, baseline_auc: 0.85 }, 'evaluate auc = 0.800 (needs to beat the baseline 0.850)'],
    [{ auc: 0.8, baseline_auc: 0.8 }, 'evaluate auc = 0.800 (needs to beat the baseline 0.800)'],
    [{ auc: 0.7, baseline_auc: 0.72 }, 'evaluate auc = 0.700 (needs >= 0.75, needs to beat the baseline 0.720)'],
    [{ auc: 0.8 }, 'evaluate auc = 0.800 (no metrics.baseline_auc to compare with)'],
    [null, 'task evaluate recorded no metrics.auc'],
  ])('fails on %j and asks the person what to do', async (metrics, detail) => {
    await setup();
    await finishValidation(metrics);
    expect(await gateOf()).toMatchObject({ status: 'failed', detail });
    expect(await open()).toEqual([
      { id: 1, kind: 'gate', gateId: 1, taskId: 3, question: `The gate before deploy failed: ${detail}. What now?`, header: 'Gate', options: GATE_OPTIONS, multiSelect: false },
    ]);
    expect((await caught(() => claim(4, ops))).message).toBe(
      'cannot start task #4: stage deploy is gated by evaluate auc >= 0.75 and above baseline, before deploy [failed]; human approval before deploy [closed]. Wait for the gate to pass',
    );
  });

  it('"Retrain" creates new tasks that keep the stage order, and the gate is judged again on the new evaluation', async () => {
    await setup();
    await finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    await answer(1, 'Retrain');
    const copies = (await t.board.listTaskRows(t.runId)).filter((x) => x.id > 4);
    expect(copies.map((x) => [x.id, x.key, x.subject, x.stage, x.role, x.attempt, x.status, x.metadata.retrain_of])).toEqual([
      [5, 'features@2', 'Build features (retrain 2)', 'features', 'data-scientist', 2, 'pending', 1],
      [6, 'train@2', 'Train (retrain 2)', 'training', 'ml-engineer', 2, 'pending', 2],
      [7, 'evaluate@2', 'Evaluate (retrain 2)', 'validation', 'ml-engineer', 2, 'pending', 3],
    ]);
    // The retrain script becomes the copy's script; it never goes through the metadata.
    expect(copies.map((x) => x.sim)).toEqual([{ steps: [{ bash: 'echo full > features.txt' }] }, null, null]);
    expect(copies[0]?.metadata).toEqual({ retrain_of: 1 });
    expect(copies[0]?.description).toBe('Retrain, attempt 2: evaluate auc = 0.700 (needs >= 0.75)\n\nBuild them.');
    const view = new Map((await t.board.listTasks(t.runId)).map((x) => [x.id, x]));
    expect(view.get(5)?.blockedBy).toEqual([]);
    expect(view.get(6)?.blockedBy).toEqual([5]);
    expect(view.get(7)?.blockedBy).toEqual([6, 5]);
    expect(view.get(4)?.blockedBy).toEqual([5, 6, 7]);
    expect(await gateOf()).toMatchObject({ status: 'closed', detail: 'retraining: evaluate auc = 0.700 (needs >= 0.75)', spec: expect.objectContaining({ task: 'evaluate@2' }) });
    expect((await caught(() => claim(6, mle))).message).toBe(
      'cannot start task #6: blocked by #5 "Build features (retrain 2)" (pending, no owner yet). Wait for them to be completed, or pick another task',
    );

    // A second failure retrains again from the latest copies.
    await finishValidation({ auc: 0.74, baseline_auc: 0.6 }, 5);
    expect(await gateOf()).toMatchObject({ status: 'failed', detail: 'evaluate@2 auc = 0.740 (needs >= 0.75)' });
    expect((await open())[0]?.options?.[0]?.description).toBe('Create new tasks for features, train, evaluate (attempt 3) and evaluate again.');
    await answer(2, 'retrain');
    expect((await t.board.listTaskRows(t.runId)).filter((x) => x.id > 7).map((x) => [x.key, x.metadata.retrain_of])).toEqual([
      ['features@3', 5],
      ['train@3', 6],
      ['evaluate@3', 7],
    ]);
    await finishValidation({ auc: 0.83, baseline_auc: 0.6 }, 8);
    expect(await gateOf()).toMatchObject({ status: 'passed', detail: 'evaluate@3 auc = 0.830 passes' });
  });

  it('recommends stopping (listed first) after the third attempt failed', async () => {
    await setup();
    await finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    await answer(1, 'Retrain');
    await finishValidation({ auc: 0.7, baseline_auc: 0.6 }, 5);
    await answer(2, 'Retrain');
    await finishValidation({ auc: 0.7, baseline_auc: 0.6 }, 8);
    expect((await open())[0]?.options?.map((o) => o.value)).toEqual(['stop', 'retrain', 'override']);
  });

  it('"Override" opens the stage and records who decided, with the note given', async () => {
    await setup();
    await finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    await answer(1, 'Override: the campaign starts on Monday');
    expect(await gateOf()).toMatchObject({
      status: 'overridden',
      detail: 'overridden by cli: evaluate auc = 0.700 (needs >= 0.75)',
      decidedBy: 'cli',
      note: 'the campaign starts on Monday',
    });
    await coordinator.check();
    await pump();
    await answer(2, 'Approve');
    expect((await claim(4, ops)).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
  });

  it('acts on the option picked, never on words in a note ("override, don\'t retrain" overrides)', async () => {
    await setup();
    await finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    await answer(1, "override, don't retrain");
    expect(await gateOf()).toMatchObject({ status: 'overridden', note: "don't retrain" });
    expect(await t.board.listTaskRows(t.runId)).toHaveLength(4);
  });

  it('"Stop" stops the run', async () => {
    await setup();
    await finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    await answer(1, 'Stop');
    expect(await gateOf()).toMatchObject({ status: 'stopped', detail: 'stopped by cli after the gate failed' });
    expect(await runOf()).toMatchObject({ status: 'stopped', statusReason: 'stopped by cli after the gate failed' });
  });

  it('refuses own words at the board; an answer that names no choice all the same is asked again', async () => {
    await setup();
    await finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    expect((await caught(() => answer(1, 'hmm, not sure yet'))).message).toBe(
      '"hmm, not sure yet" is not one of the choices for "Gate": 1 "Retrain", 2 "Override", 3 "Stop"; answer with one of them, optionally followed by a note ("Retrain: <note>")',
    );
    // An answer stored without the board's check (an older client): asked again, then acted on.
    const question = 'The gate before deploy failed: evaluate auc = 0.700 (needs >= 0.75). What now?';
    await t.board.answerQuestion(t.runId, 1, [{ question, picked: [], text: 'hmm, not sure yet' }], 'cli', human);
    await pump();
    expect((await gateOf()).status).toBe('failed');
    expect(await open()).toMatchObject([{ id: 2, kind: 'gate', gateId: 1, taskId: 3, header: 'Gate', question: `"hmm, not sure yet" is not one of the choices. ${question}` }]);
    await answer(2, 'override');
    expect((await gateOf()).status).toBe('overridden');
    expect(await open()).toEqual([]);
  });

  it('applies a decision once, even when the coordinator sees the answer again (resume)', async () => {
    await setup();
    await finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    await answer(1, 'Retrain');
    await coordinator.handle(await t.events());
    expect(await t.board.listTaskRows(t.runId)).toHaveLength(7);
  });
});

describe('approval gate', () => {
  it('is asked only when earlier stages are done and the metric gates passed; "Approve" opens the stage', async () => {
    await setup();
    await coordinator.check();
    expect(await open()).toEqual([]);
    await complete(1);
    await complete(2);
    await coordinator.check();
    expect(await open()).toEqual([]);
    await complete(3, { metrics: { auc: 0.7, baseline_auc: 0.6 } });
    await coordinator.check();
    expect((await open()).map((q) => q.header)).toEqual(['Gate']);
    await answer(1, 'Override');
    await coordinator.check();
    await coordinator.check();
    expect(await open()).toEqual([
      {
        id: 2,
        kind: 'approval',
        gateId: 2,
        taskId: null,
        question: 'Ship it? Read reports/metrics.json first.',
        header: 'Approve',
        options: [
          { label: 'Approve', value: 'approve', description: 'Stage deploy may start.' },
          { label: 'Reject', value: 'reject', description: 'Stop the run without starting it.' },
          { label: 'Retrain', value: 'retrain', description: 'Send it back: new attempts of features, train, evaluate, checked again, then this question again.' },
        ],
        multiSelect: false,
      },
    ]);
    expect(await gateOf(2)).toMatchObject({ status: 'waiting', detail: 'waiting for a person to approve' });
    expect((await caught(() => claim(4, ops))).message).toBe('cannot start task #4: stage deploy is gated by human approval before deploy [waiting]. Wait for the gate to pass');
    await answer(2, 'Approve');
    expect(await gateOf(2)).toMatchObject({ status: 'passed', detail: 'approved (cli)', decidedBy: 'cli', note: null });
    expect((await claim(4, ops)).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
  });

  it('keeps the note given with an approval (a condition) on the gate', async () => {
    await setup();
    await finishValidation({ auc: 0.8, baseline_auc: 0.6 });
    await coordinator.check();
    await pump();
    await answer(1, 'approve: EU customers first');
    expect(await gateOf(2)).toMatchObject({ status: 'passed', decidedBy: 'cli', note: 'EU customers first' });
    expect(ofType(await t.events(), 'gate.passed').map((e) => e.payload.note)).toEqual([undefined, 'EU customers first']);
  });

  it('"Reject" stops the run', async () => {
    await setup();
    await finishValidation({ auc: 0.8, baseline_auc: 0.6 });
    await coordinator.check();
    await pump();
    await answer(1, 'Reject');
    expect(await gateOf(2)).toMatchObject({ status: 'stopped', detail: 'rejected by cli' });
    expect(await runOf()).toMatchObject({ status: 'stopped', statusReason: 'rejected by cli' });
  });
});

describe('budget', () => {
  async function spend(usd: number, tokens = 100): Promise<void> {
    await t.board.recordUsage(t.runId, 'ds', { model: 'm', taskId: null, inputTokens: tokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: usd });
  }

  it('pauses the run and asks when the budget is reached; "Raise" doubles it and the run goes on', async () => {
    await setup();
    await spend(4.99);
    await coordinator.check();
    expect((await runOf()).status).toBe('running');
    await spend(0.51);
    await coordinator.check();
    await coordinator.check();
    expect(await runOf()).toMatchObject({ status: 'paused', statusReason: 'budget reached: $5.50 of $5.00' });
    expect(await open()).toEqual([
      {
        id: 1,
        kind: 'budget',
        gateId: null,
        taskId: null,
        question: 'The run has used $5.50 of $5.00. The team is paused. Raise the budget or stop?',
        header: 'Budget',
        options: [
          { label: 'Raise to $10.00', value: 'raise', description: 'Double the budget and carry on.' },
          { label: 'Stop', value: 'stop', description: 'Stop the run now; finished work stays in the workspace.' },
        ],
        multiSelect: false,
      },
    ]);
    await pump();
    await answer(1, 'Raise to $10.00');
    expect(await runOf()).toMatchObject({ status: 'running', statusReason: null, budgetUsd: 10 });
    expect(ofType(await t.events(), 'budget.raised').map((e) => e.payload)).toEqual([{ answer: 'Raise to $10.00', budgetUsd: 10, budgetTokens: null }]);
  });

  it('"Stop" stops the run at the budget', async () => {
    await setup();
    await spend(6);
    await coordinator.check();
    await pump();
    await answer(1, 'Stop');
    expect(await runOf()).toMatchObject({ status: 'stopped', statusReason: 'stopped at the budget by a person' });
  });

  it('a token budget pauses a running team: nobody calls the model until a person answers', async () => {
    await setup(TEAM.replace('budget: { usd: 5 }', 'budget: { tokens: 3000 }'));
    const sim = createSimModel({ seed: 1, clock: realClock, instant: true });
    let calls = 0;
    const counting: Model = { backend: 'sim', send: (req, on) => (calls++, sim.send(req, on)) };
    const running = runOrdered(t, { model: counting });
    const other = await openBoard(t.boardFile);
    try {
      const question = await waitFor('the budget question', async () => (await other.listQuestions(t.runId, 'open')).find((q) => q.kind === 'budget'));
      expect(question.payload.questions[0]?.options.map((o) => o.label)).toEqual(['Raise to 6000 tokens', 'Stop']);
      expect((await other.getRun(t.runId))?.status).toBe('paused');
      const before = calls;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(calls).toBe(before);
      await other.answerQuestion(t.runId, question.id, resolveAnswers(question.payload, ['Stop'], question.kind), 'cli', human);
    } finally {
      await other.close();
    }
    expect(await running).toEqual({ status: 'stopped', reason: 'stopped at the budget by a person' });
  });
});

describe('settle', () => {
  const live = [
    { name: 'ds', role: 'data-scientist', state: 'idle' },
    { name: 'mle', role: 'ml-engineer', state: 'idle' },
    { name: 'ops', role: 'mlops-engineer', state: 'dead' },
  ];

  it('completes the run when every task is done and no question is open', async () => {
    await setup();
    await finishValidation({ auc: 0.9, baseline_auc: 0.6 });
    await coordinator.check();
    await pump();
    expect(await coordinator.settle(live)).toBeNull();
    await answer(1, 'Approve');
    await complete(4);
    expect(await coordinator.settle(live)).toBe('completed');
    expect(await runOf()).toMatchObject({ status: 'completed', statusReason: '4 tasks completed' });
  });

  it('asks the person about a run where nobody can move, naming the task that holds the others up', async () => {
    await setup();
    await complete(1);
    await claim(2, mle);
    // Its role's only member (ops) is dead.
    await createTask({ subject: 'Page someone', stage: 'features', role: 'mlops-engineer' });
    expect(await coordinator.settle(live)).toBeNull();
    expect((await runOf()).status).toBe('running');
    expect(await open()).toEqual([
      // #5 holds up the rest: an unfinished task of an earlier stage blocks #2 as well.
      expect.objectContaining({ kind: 'stuck', taskId: 5, question: 'Task #5 "Page someone" cannot go on: it needs a mlops-engineer, and no live member has that role. What now?', header: 'Stuck' }),
    ]);
    // The whole picture, as `stuckReason` says it (for the board and reports).
    expect(stuckReason(await t.board.listTasks(t.runId), live, ['ds', 'mle', 'ops'])).toBe(
      'stuck: no member can make progress. ' +
        '#2 "Train" is in progress by mle, who is idle; ' +
        '#3 "Evaluate" waits on #2, #5 (#2 is in progress); ' +
        '#4 "Ship" waits for a gate: evaluate auc >= 0.75 and above baseline, before deploy (closed); human approval before deploy (closed); ' +
        '#5 "Page someone" needs a mlops-engineer, and no live member has that role',
    );
  });

  it('names a gate that holds tasks back', async () => {
    await setup();
    await finishValidation({ auc: 0.9, baseline_auc: 0.6 });
    expect(await coordinator.settle(live)).toBeNull();
    expect((await open()).map((q) => q.question)).toEqual(['Task #4 "Ship" cannot go on: it waits for a gate: human approval before deploy (closed). What now?']);
  });

  it('with --auto-answer, retries a task nobody takes once, then stops with a short headline (through the driver)', async () => {
    await setup();
    await createTask({ subject: 'Page someone', stage: 'features', role: 'mlops-engineer' });
    // Only ops may take #5, and its model never starts it.
    const sim = createSimModel({ seed: 1, clock: createVirtualClock(T0), instant: true });
    const model = scriptedModel((req) => (req.member === 'ops' ? [text('Not today.')] : sim.send(req)));
    const outcome = await runOrdered(t, { autoAnswer: true, model });
    expect(outcome).toEqual({ status: 'failed', reason: `stuck at #5 "Page someone": it is pending but no member took it (stopped by auto). Next: fix it, then \`team resume ${t.runId}\`` });
    const stuck = (await t.board.listQuestions(t.runId)).filter((q) => q.kind === 'stuck');
    expect(stuck.map((q) => [q.taskId, q.answers?.[0]?.picked])).toEqual([
      [5, ['Retry']],
      [5, ['Stop']],
    ]);
    // The retry reached ops, who was told to take the task.
    const opsTurns = model.requests.filter((r) => r.member === 'ops');
    expect(JSON.stringify(opsTurns.at(-1)?.messages.at(-1))).toContain('The person put task #5 \\"Page someone\\" back on the board (retry)');
    expect((await t.board.getTask(t.runId, 1))?.status).toBe('completed');
  });
});

describe('leases', () => {
  const ONE = `
name: gate-team
members:
  - { name: ds, agent: data-scientist }
  - { name: ds2, agent: data-scientist }
pipeline: [work]
tasks:
  - id: job
    subject: The job
    stage: work
    role: data-scientist
    description: Do it.
    sim: { steps: [ { bash: "echo done > job.txt" } ] }
`;

  /** ds claims the task, then its model hangs; ds2 (and ds before the hang) run on the simulated model. */
  function hangingModel(honoursAbort: boolean, others: 'sim' | 'idle'): Model {
    const sim = createSimModel({ seed: 2, clock: realClock, speed: 10 });
    return scriptedModel((req, n) => {
      if (req.member !== 'ds') return others === 'sim' ? sim.send(req) : [];
      if (n === 0) return [toolUse('c0', 'TaskUpdate', { taskId: '1', status: 'in_progress' })];
      return new Promise((_resolve, reject) => {
        if (honoursAbort) req.signal?.addEventListener('abort', () => reject(new Error('request aborted')));
      });
    });
  }

  it.each([true, false])('a member whose model hangs is declared dead and its task goes back with attempt + 1 (model honours abort: %s)', async (honours) => {
    await setup(ONE);
    const outcome = await runOrdered(t, { ordered: false, clock: realClock, model: hangingModel(honours, 'idle'), pollMs: 20, leaseMs: 300, autoAnswer: true });
    const note = 'ds died: no progress for 300 ms: lease expired';
    expect(await t.board.getTask(t.runId, 1)).toMatchObject({ status: 'pending', owner: null, attempt: 2, metadata: expect.objectContaining({ notes: [note] }) });
    expect(ofType(await t.events(), 'task.released').map((e) => e.payload)).toEqual([{ taskId: 1, subject: 'The job', from: 'in_progress', owner: 'ds', attempt: 2, note }]);
    // Nobody could take it: the person (here --auto-answer) was asked; the retry brought ds back, it hung again, and the second time it stopped.
    const removed = ofType(await t.events(), 'member.removed').map((e) => e.payload);
    expect(removed[0]).toEqual({ member: 'ds', state: 'dead', reason: 'no progress for 300 ms: lease expired' });
    expect(removed.every((r) => r.member === 'ds')).toBe(true);
    expect(outcome).toEqual({ status: 'failed', reason: `stuck at #1 "The job": it is pending but no member took it (stopped by auto). Next: fix it, then \`team resume ${t.runId}\`` });
  });

  it('a live teammate takes the released task over and finishes it', async () => {
    await setup(ONE);
    // The lease binds the teammate too: each of its steps (a sandboxed command among them) must
    // land within it, which 400 ms did not always allow on a machine busy with other tests.
    const outcome = await runOrdered(t, { ordered: false, clock: realClock, model: hangingModel(false, 'sim'), pollMs: 20, leaseMs: 2000 });
    expect(outcome).toEqual({ status: 'completed', reason: '1 tasks completed' });
    expect(ofType(await t.events(), 'task.claimed').map((e) => [e.payload.owner, e.payload.attempt])).toEqual([
      ['ds', 1],
      ['ds2', 2],
    ]);
    expect(await t.board.getTask(t.runId, 1)).toMatchObject({ status: 'completed', owner: 'ds2', attempt: 2 });
  });

  it('a reply that arrives after the lease expired is dropped: the dead member does nothing more', async () => {
    await setup(ONE);
    // The simulated model at real speed resolves its wait when aborted, so its reply comes late.
    const sim = createSimModel({ seed: 1, clock: realClock, speed: 1 });
    const model = scriptedModel((req) => (req.member === 'ds' ? sim.send(req) : []));
    const outcome = await runOrdered(t, { ordered: false, clock: realClock, model, pollMs: 20, leaseMs: 150, autoAnswer: true });
    expect(outcome.status).toBe('failed');
    expect(ofType(await t.events(), 'tool.called').filter((e) => e.payload.member === 'ds')).toEqual([]);
    expect(new Set(ofType(await t.events(), 'member.removed').map((e) => e.payload.member))).toEqual(new Set(['ds']));
    expect(await t.board.listGates(t.runId)).toEqual([]);
  });

  it('on the virtual clock, a member whose reply is due after its lease ran out dies when the lease runs out, and a teammate takes over', async () => {
    await setup(ONE);
    const LEASE = 15 * 60_000;
    const clock = createVirtualClock(T0);
    const sim = createSimModel({ seed: 2, clock, instant: true });
    // ds claims the job, then thinks for 20 minutes; ds2 plays the simulated teammate.
    const model = scriptedModel((req, n) => {
      if (req.member !== 'ds') return sim.send(req);
      if (n === 0) return reply([toolUse('c0', 'TaskUpdate', { taskId: '1', status: 'in_progress' })], { latencyMs: 500 });
      return reply([text('Still thinking.')], { latencyMs: 20 * 60_000 });
    });
    const outcome = await runOrdered(t, { model, clock, leaseMs: LEASE });
    expect(outcome).toEqual({ status: 'completed', reason: '1 tasks completed' });
    const events = await t.events();
    const [removed] = ofType(events, 'member.removed');
    expect(removed?.payload).toEqual({ member: 'ds', state: 'dead', reason: 'no progress for 900 s: lease expired' });
    // ds started thinking right after its claim; it is out one lease later, not when its late reply would have come.
    const claimed = ofType(events, 'task.claimed').find((e) => e.payload.owner === 'ds');
    expect((removed?.ts ?? 0) - (claimed?.ts ?? 0)).toBe(LEASE + 1);
    expect(ofType(events, 'member.said').filter((e) => e.payload.text === 'Still thinking.')).toEqual([]);
    expect(await t.board.getTask(t.runId, 1)).toMatchObject({ status: 'completed', owner: 'ds2', attempt: 2 });
  });
});
