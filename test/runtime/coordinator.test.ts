import { afterEach, describe, expect, it } from 'vitest';
import { human, memberActor, type Actor } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/board.js';
import { listEvents } from '../../src/board/events.js';
import { getGate, listGates } from '../../src/board/gates.js';
import { recordUsage } from '../../src/board/members.js';
import { answerQuestion, listQuestions, payloadOf, type Question } from '../../src/board/questions.js';
import { getRun } from '../../src/board/runs.js';
import { claimTask, createTask, getTask, listTaskRows, updateTask } from '../../src/board/tasks.js';
import { listTasks } from '../../src/board/views.js';
import type { Model } from '../../src/models/model.js';
import { createSimModel } from '../../src/models/sim.js';
import { createCoordinator, type Coordinator } from '../../src/runtime/coordinator.js';
import { realClock } from '../../src/shared/clock.js';
import { caught } from '../helpers/board.js';
import { ofType, prepareTestRun, runOrdered, scriptedModel, toolUse, waitFor, type TestRun } from '../helpers/runtime.js';

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

function setup(team = TEAM, answerer?: Parameters<typeof createCoordinator>[0]['answerer']): void {
  t = prepareTestRun({ team, name: 'gate-team' });
  coordinator = createCoordinator({ board: t.board, runId: t.runId, ...(answerer ? { answerer } : {}) });
  seen = 0;
}

afterEach(() => {
  t?.cleanup();
});

/** Let the coordinator see every event since the last call (as the driver's pump does). */
function pump(): void {
  for (let round = 0; round < 20; round++) {
    const events = listEvents(t.board, t.runId, seen);
    if (events.length === 0) return;
    seen = events[events.length - 1]?.seq ?? seen;
    coordinator.handle(events);
  }
}

function complete(id: number, metadata: Record<string, unknown> = {}): void {
  updateTask(t.board, t.runId, id, { status: 'completed', metadata: metadata as never }, human);
  pump();
}

function answer(id: number, text: string | string[]): void {
  const question = listQuestions(t.board, t.runId).find((q) => q.id === id) as Question;
  const first = payloadOf(question).questions[0]?.question ?? '';
  answerQuestion(t.board, t.runId, id, { [first]: text }, 'cli', human);
  pump();
}

function pending() {
  return listQuestions(t.board, t.runId, 'pending').map((q) => ({ id: q.id, kind: q.kind, gateId: q.gateId, taskId: q.taskId, ...payloadOf(q).questions[0] }));
}

const gateOf = (id = 1) => getGate(t.board, t.runId, id);
const ops = memberActor('ops', 'mlops-engineer') as Actor & { kind: 'member' };
const mle = memberActor('mle', 'ml-engineer') as Actor & { kind: 'member' };

/** Complete features, train and evaluate; evaluate records these metrics. */
function finishValidation(metrics: Record<string, number> | null, first = 1): void {
  complete(first);
  complete(first + 1);
  complete(first + 2, metrics === null ? {} : { metrics });
}

describe('metric gate', () => {
  it('passes when the metric clears the minimum and beats the baseline', () => {
    setup();
    finishValidation({ auc: 0.81, baseline_auc: 0.7 });
    expect(gateOf()).toMatchObject({ status: 'passed', detail: 'evaluate auc = 0.810 passes', decidedBy: 'coordinator' });
    expect(pending()).toEqual([]);
    expect(listTasks(t.board, t.runId).find((x) => x.id === 4)?.gate).toBe('human approval before deploy (pending)');
  });

  it.each([
    [{ auc: 0.7, baseline_auc: 0.6 }, 'evaluate auc = 0.700 (needs >= 0.75)'],
    [{ auc: 0.8, baseline_auc: 0.85 }, 'evaluate auc = 0.800 (needs to beat the baseline 0.850)'],
    [{ auc: 0.8, baseline_auc: 0.8 }, 'evaluate auc = 0.800 (needs to beat the baseline 0.800)'],
    [{ auc: 0.7, baseline_auc: 0.72 }, 'evaluate auc = 0.700 (needs >= 0.75, needs to beat the baseline 0.720)'],
    [{ auc: 0.8 }, 'evaluate auc = 0.800 (no metrics.baseline_auc to compare with)'],
    [null, 'task evaluate recorded no metrics.auc'],
  ])('fails on %j and asks the person what to do', (metrics, detail) => {
    setup();
    finishValidation(metrics);
    expect(gateOf()).toMatchObject({ status: 'failed', detail });
    expect(pending()).toEqual([
      {
        id: 1,
        kind: 'gate',
        gateId: 1,
        taskId: 3,
        question: `The gate before deploy failed: ${detail}. What now?`,
        header: 'Gate',
        options: [
          { label: 'Retrain', description: 'Create new tasks for features, train, evaluate (attempt 2) and evaluate again.' },
          { label: 'Override', description: 'Let stage deploy start anyway; the override is recorded.' },
          { label: 'Stop', description: 'Stop the run here.' },
        ],
        multiSelect: false,
      },
    ]);
    expect(caught(() => claimTask(t.board, t.runId, 4, ops)).message).toBe(
      'cannot start task #4: stage deploy is gated by evaluate auc >= 0.75 and above baseline, before deploy [failed]; human approval before deploy [pending]. Wait for the gate to pass',
    );
  });

  it('"Retrain" creates new tasks that keep the stage order, and the gate is judged again on the new evaluation', () => {
    setup();
    finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    answer(1, 'Retrain');
    const copies = listTaskRows(t.board, t.runId).filter((x) => x.id > 4);
    expect(copies.map((x) => [x.id, x.key, x.subject, x.stage, x.role, x.attempt, x.status, x.metadata.retrain_of])).toEqual([
      [5, 'features@2', 'Build features (retrain 2)', 'features', 'data-scientist', 2, 'pending', 1],
      [6, 'train@2', 'Train (retrain 2)', 'training', 'ml-engineer', 2, 'pending', 2],
      [7, 'evaluate@2', 'Evaluate (retrain 2)', 'validation', 'ml-engineer', 2, 'pending', 3],
    ]);
    expect(copies[0]?.metadata.sim).toEqual({ steps: [{ bash: 'echo full > features.txt' }] });
    expect(copies[0]?.description).toBe('Retrain, attempt 2: evaluate auc = 0.700 (needs >= 0.75)\n\nBuild them.');
    const view = new Map(listTasks(t.board, t.runId).map((x) => [x.id, x]));
    expect(view.get(5)?.blockedBy).toEqual([]);
    expect(view.get(6)?.blockedBy).toEqual([5]);
    expect(view.get(7)?.blockedBy).toEqual([6, 5]);
    expect(view.get(4)?.blockedBy).toEqual([5, 6, 7]);
    expect(gateOf()).toMatchObject({ status: 'pending', detail: 'retraining: evaluate auc = 0.700 (needs >= 0.75)', spec: expect.objectContaining({ task: 'evaluate@2' }) });
    expect(caught(() => claimTask(t.board, t.runId, 6, mle)).message).toBe(
      'cannot start task #6: blocked by #5 "Build features (retrain 2)" (pending, no owner yet). Wait for them to be completed, or pick another task',
    );

    // A second failure retrains again from the latest copies.
    finishValidation({ auc: 0.74, baseline_auc: 0.6 }, 5);
    expect(gateOf()).toMatchObject({ status: 'failed', detail: 'evaluate@2 auc = 0.740 (needs >= 0.75)' });
    expect(pending()[0]?.options?.[0]?.description).toBe('Create new tasks for features, train, evaluate (attempt 3) and evaluate again.');
    answer(2, 'retrain');
    expect(listTaskRows(t.board, t.runId).filter((x) => x.id > 7).map((x) => [x.key, x.metadata.retrain_of])).toEqual([
      ['features@3', 5],
      ['train@3', 6],
      ['evaluate@3', 7],
    ]);
    finishValidation({ auc: 0.83, baseline_auc: 0.6 }, 8);
    expect(gateOf()).toMatchObject({ status: 'passed', detail: 'evaluate@3 auc = 0.830 passes' });
  });

  it('"Override" opens the stage and records who decided', () => {
    setup();
    finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    answer(1, 'Override');
    expect(gateOf()).toMatchObject({ status: 'overridden', detail: 'overridden by cli: evaluate auc = 0.700 (needs >= 0.75)', decidedBy: 'cli' });
    coordinator.check();
    pump();
    answer(2, 'Approve');
    expect(claimTask(t.board, t.runId, 4, ops).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
  });

  it('"Stop" stops the run', () => {
    setup();
    finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    answer(1, 'Stop');
    expect(gateOf()).toMatchObject({ status: 'stopped', detail: 'stopped by cli after the gate failed' });
    expect(getRun(t.board, t.runId)).toMatchObject({ status: 'stopped', statusReason: 'stopped by cli after the gate failed' });
  });

  it('asks again when a free-text answer matches no choice, and acts on the answer to the new question', () => {
    setup();
    finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    answer(1, 'hmm, not sure yet');
    expect(gateOf().status).toBe('failed');
    expect(pending()).toMatchObject([
      { id: 2, kind: 'gate', gateId: 1, taskId: 3, header: 'Gate', question: '"hmm, not sure yet" is not one of the choices. The gate before deploy failed: evaluate auc = 0.700 (needs >= 0.75). What now?' },
    ]);
    answer(2, 'go ahead and override it');
    expect(gateOf().status).toBe('overridden');
    expect(pending()).toEqual([]);
  });

  it('applies a decision once, even when the coordinator sees the answer again (resume)', () => {
    setup();
    finishValidation({ auc: 0.7, baseline_auc: 0.6 });
    answer(1, 'Retrain');
    coordinator.handle(listEvents(t.board, t.runId));
    expect(listTaskRows(t.board, t.runId)).toHaveLength(7);
  });
});

describe('approval gate', () => {
  it('is asked only when earlier stages are done and the metric gates passed; "Approve" opens the stage', () => {
    setup();
    coordinator.check();
    expect(pending()).toEqual([]);
    complete(1);
    complete(2);
    coordinator.check();
    expect(pending()).toEqual([]);
    complete(3, { metrics: { auc: 0.7, baseline_auc: 0.6 } });
    coordinator.check();
    expect(pending().map((q) => q.header)).toEqual(['Gate']);
    answer(1, 'Override');
    coordinator.check();
    coordinator.check();
    expect(pending()).toEqual([
      {
        id: 2,
        kind: 'gate',
        gateId: 2,
        taskId: null,
        question: 'Ship it? Read reports/metrics.json first.',
        header: 'Approve',
        options: [
          { label: 'Approve', description: 'Stage deploy may start.' },
          { label: 'Reject', description: 'Stop the run without starting it.' },
        ],
        multiSelect: false,
      },
    ]);
    expect(gateOf(2)).toMatchObject({ status: 'waiting', detail: 'waiting for a person to approve' });
    expect(caught(() => claimTask(t.board, t.runId, 4, ops)).message).toBe('cannot start task #4: stage deploy is gated by human approval before deploy [waiting]. Wait for the gate to pass');
    answer(2, 'Approve');
    expect(gateOf(2)).toMatchObject({ status: 'passed', detail: 'approved (cli)', decidedBy: 'cli' });
    expect(claimTask(t.board, t.runId, 4, ops).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
  });

  it('"Reject" stops the run; an unclear answer is asked again', () => {
    setup();
    finishValidation({ auc: 0.8, baseline_auc: 0.6 });
    coordinator.check();
    pump();
    answer(1, 'later');
    expect(pending().map((q) => q.question)).toEqual(['"later" is not one of the choices. Ship it? Read reports/metrics.json first.']);
    answer(2, 'Reject');
    expect(gateOf(2)).toMatchObject({ status: 'stopped', detail: 'rejected by cli' });
    expect(getRun(t.board, t.runId)).toMatchObject({ status: 'stopped', statusReason: 'rejected by cli' });
  });
});

describe('budget', () => {
  function spend(usd: number, tokens = 100): void {
    recordUsage(t.board, t.runId, 'ds', { model: 'm', taskId: null, inputTokens: tokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: usd });
  }

  it('pauses the run and asks when the budget is reached; "Raise" doubles it and the run goes on', () => {
    setup();
    spend(4.99);
    coordinator.check();
    expect(getRun(t.board, t.runId)?.status).toBe('running');
    spend(0.51);
    coordinator.check();
    coordinator.check();
    expect(getRun(t.board, t.runId)).toMatchObject({ status: 'paused', statusReason: 'budget reached: $5.50 of $5.00' });
    expect(pending()).toEqual([
      {
        id: 1,
        kind: 'budget',
        gateId: null,
        taskId: null,
        question: 'The run has used $5.50 of $5.00. The team is paused. Raise the budget or stop?',
        header: 'Budget',
        options: [
          { label: 'Raise to $10.00', description: 'Double the budget and carry on.' },
          { label: 'Stop', description: 'Stop the run now; finished work stays in the workspace.' },
        ],
        multiSelect: false,
      },
    ]);
    pump();
    answer(1, 'Raise to $10.00');
    expect(getRun(t.board, t.runId)).toMatchObject({ status: 'running', statusReason: null, budgetUsd: 10 });
    expect(ofType(t.events(), 'budget.raised').map((e) => e.payload)).toEqual([{ answer: 'Raise to $10.00' }]);
  });

  it('"Stop" stops the run at the budget', () => {
    setup();
    spend(6);
    coordinator.check();
    pump();
    answer(1, 'Stop');
    expect(getRun(t.board, t.runId)).toMatchObject({ status: 'stopped', statusReason: 'stopped at the budget by a person' });
  });

  it('a token budget pauses a running team: nobody calls the model until a person answers', async () => {
    setup(TEAM.replace('budget: { usd: 5 }', 'budget: { tokens: 3000 }'));
    coordinator = createCoordinator({ board: t.board, runId: t.runId });
    const sim = createSimModel({ seed: 1, clock: realClock, instant: true });
    let calls = 0;
    const counting: Model = { backend: 'sim', send: (req, on) => (calls++, sim.send(req, on)) };
    const running = runOrdered(t, { model: counting });
    const other = openBoard(t.boardFile);
    try {
      const question = await waitFor('the budget question', () => listQuestions(other, t.runId, 'pending').find((q) => q.kind === 'budget'));
      expect(payloadOf(question).questions[0]?.options.map((o) => o.label)).toEqual(['Raise to 6000 tokens', 'Stop']);
      expect(getRun(other, t.runId)?.status).toBe('paused');
      const before = calls;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(calls).toBe(before);
      answerQuestion(other, t.runId, question.id, { [payloadOf(question).questions[0]?.question ?? '']: 'Stop' }, 'cli', human);
    } finally {
      other.close();
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

  it('completes the run when every task is done and no question is pending', () => {
    setup();
    finishValidation({ auc: 0.9, baseline_auc: 0.6 });
    coordinator.check();
    pump();
    expect(coordinator.settle(live)).toBeNull();
    answer(1, 'Approve');
    complete(4);
    expect(coordinator.settle(live)).toBe('completed');
    expect(getRun(t.board, t.runId)).toMatchObject({ status: 'completed', statusReason: '4 tasks completed' });
  });

  it('fails a stuck run, saying which tasks are stuck on what', () => {
    setup();
    complete(1);
    claimTask(t.board, t.runId, 2, mle);
    createTask(t.board, t.runId, { subject: 'Page someone', stage: 'features', role: 'sre' }, human);
    expect(coordinator.settle(live)).toBe('failed');
    expect(getRun(t.board, t.runId)?.statusReason).toBe(
      'stuck: no member can make progress. ' +
        '#2 "Train" is in progress by mle, who is idle; ' +
        '#3 "Evaluate" waits on #2, #5 (#2 is in progress); ' +
        '#4 "Ship" waits for a gate: evaluate auc >= 0.75 and above baseline, before deploy (pending); human approval before deploy (pending); ' +
        '#5 "Page someone" needs a sre, and no live member has that role',
    );
  });

  it('names a gate that holds tasks back', () => {
    setup();
    finishValidation({ auc: 0.9, baseline_auc: 0.6 });
    expect(coordinator.settle(live)).toBe('failed');
    expect(getRun(t.board, t.runId)?.statusReason).toBe('stuck: no member can make progress. #4 "Ship" waits for a gate: human approval before deploy (pending)');
  });

  it('fails a run whose task needs a role nobody has, through the driver', async () => {
    setup();
    createTask(t.board, t.runId, { subject: 'Page someone', stage: 'features', role: 'sre' }, human);
    const outcome = await runOrdered(t, { autoAnswer: true });
    expect(outcome).toEqual({
      status: 'failed',
      reason:
        'stuck: no member can make progress. #2 "Train" waits on #5 (#5 is pending); #3 "Evaluate" waits on #2, #5 (#2 is pending); ' +
        '#4 "Ship" waits for a gate: evaluate auc >= 0.75 and above baseline, before deploy (pending); human approval before deploy (pending); ' +
        '#5 "Page someone" needs a sre, and no live member has that role',
    });
    expect(getTask(t.board, t.runId, 1)?.status).toBe('completed');
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
    setup(ONE);
    const outcome = await runOrdered(t, { ordered: false, clock: realClock, model: hangingModel(honours, 'idle'), pollMs: 20, leaseMs: 300 });
    const note = 'ds died: no progress for 300 ms: lease expired';
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ status: 'pending', owner: null, attempt: 2, metadata: expect.objectContaining({ notes: [note] }) });
    expect(ofType(t.events(), 'task.released').map((e) => e.payload)).toEqual([{ taskId: 1, subject: 'The job', from: 'in_progress', owner: 'ds', attempt: 2, note }]);
    expect(ofType(t.events(), 'member.removed').map((e) => e.payload)).toEqual([{ member: 'ds', state: 'dead', reason: 'no progress for 300 ms: lease expired' }]);
    expect(outcome).toEqual({ status: 'failed', reason: 'stuck: no member can make progress. #1 "The job" is pending but no member took it' });
  });

  it('a live teammate takes the released task over and finishes it', async () => {
    setup(ONE);
    const outcome = await runOrdered(t, { ordered: false, clock: realClock, model: hangingModel(false, 'sim'), pollMs: 20, leaseMs: 400 });
    expect(outcome).toEqual({ status: 'completed', reason: '1 tasks completed' });
    expect(ofType(t.events(), 'task.claimed').map((e) => [e.payload.owner, e.payload.attempt])).toEqual([
      ['ds', 1],
      ['ds2', 2],
    ]);
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ status: 'completed', owner: 'ds2', attempt: 2 });
  });

  it('a reply that arrives after the lease expired is dropped: the dead member does nothing more', async () => {
    setup(ONE);
    // The simulated model at real speed resolves its wait when aborted, so its reply comes late.
    const sim = createSimModel({ seed: 1, clock: realClock, speed: 1 });
    const model = scriptedModel((req) => (req.member === 'ds' ? sim.send(req) : []));
    const outcome = await runOrdered(t, { ordered: false, clock: realClock, model, pollMs: 20, leaseMs: 150 });
    expect(outcome.status).toBe('failed');
    expect(ofType(t.events(), 'tool.called').filter((e) => e.payload.member === 'ds')).toEqual([]);
    expect(ofType(t.events(), 'member.removed').map((e) => e.payload.member)).toEqual(['ds']);
    expect(listGates(t.board, t.runId)).toEqual([]);
  });
});
