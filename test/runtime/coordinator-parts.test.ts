/**
 * Each part of the coordinator on its own, against a real board: what it decides from the board's
 * state and from the option a person picked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coordinator as coordinatorActor, human } from '../../src/board/actor.js';
import { resolveAnswers } from '../../src/board/answers.js';
import type { GateSpec, Question } from '../../src/board/types.js';
import { autoAnswer } from '../../src/runtime/coordinator/answers.js';
import { askApprovals, decideApproval } from '../../src/runtime/coordinator/approvals.js';
import { checkBudget, decideBudget } from '../../src/runtime/coordinator/budget.js';
import { createLeaseWatch } from '../../src/runtime/coordinator/leases.js';
import { decideFailedGate, evaluateMetricGates, judge } from '../../src/runtime/coordinator/metric-gates.js';
import { baseKey, retrain, retrainKeys } from '../../src/runtime/coordinator/retrain.js';
import { everyMemberOut, settleRun, stuckReason } from '../../src/runtime/coordinator/settle.js';
import { askStuck, autoStuckAnswers, decideStuck, helpCause, STUCK_OPTIONS } from '../../src/runtime/coordinator/stuck.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

const PIPELINE = ['features', 'training', 'validation', 'deploy'];
const METRIC: Extract<GateSpec, { kind: 'metric' }> = { kind: 'metric', task: 'evaluate', metric: 'auc', min: 0.75, beatBaseline: true, retrain: ['features', 'train', 'evaluate'] };

let t: TestBoard;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: PIPELINE });
});

afterEach(async () => {
  await t.cleanup();
});

/** features -> train -> evaluate -> ship, keyed as a team file would key them; features has a retrain script. */
async function seedPipeline(): Promise<void> {
  await t.board.createTasks(
    t.runId,
    [
      { key: 'features', subject: 'Build features', stage: 'features', role: 'data-scientist', sim: { steps: [{ bash: 'echo usage' }], retrain_steps: [{ bash: 'echo full' }] } },
      { key: 'train', subject: 'Train', stage: 'training', role: 'ml-engineer', blockedByIndex: [0] },
      { key: 'evaluate', subject: 'Evaluate', stage: 'validation', role: 'ml-engineer', blockedByIndex: [1] },
      { key: 'ship', subject: 'Ship', stage: 'deploy', role: 'mlops-engineer' },
    ],
    human,
  );
}

async function complete(id: number, metadata: Record<string, number | Record<string, number>> = {}): Promise<void> {
  await t.board.updateTask(t.runId, id, { status: 'completed', metadata }, human);
}

async function question(id: number): Promise<Question> {
  const found = await t.board.getQuestion(t.runId, id);
  if (!found) throw new Error(`no question q${id}`);
  return found;
}

/** Answer as a person at the CLI would type it, checked by the board's own rules. */
async function answer(id: number, text: string): Promise<Question> {
  const q = await question(id);
  return t.board.answerQuestion(t.runId, id, resolveAnswers(q.payload, [text], q.kind), 'cli', human);
}

describe('metric gates', () => {
  it('judges the recorded metric against min, max and the baseline', () => {
    const task = (metrics: Record<string, number>) => ({ key: 'evaluate', metadata: { metrics } });
    expect(judge(METRIC, task({ auc: 0.81, baseline_auc: 0.7 }))).toEqual({ pass: true, detail: 'evaluate auc = 0.810 passes' });
    expect(judge(METRIC, task({ auc: 0.7, baseline_auc: 0.72 }))).toEqual({ pass: false, detail: 'evaluate auc = 0.700 (needs >= 0.75, needs to beat the baseline 0.720)' });
    expect(judge({ kind: 'metric', task: 'evaluate', metric: 'loss', max: 0.2 }, task({ loss: 0.3 }))).toEqual({ pass: false, detail: 'evaluate loss = 0.300 (needs <= 0.2)' });
    expect(judge(METRIC, { key: 'evaluate', metadata: {} })).toEqual({ pass: false, detail: 'task evaluate recorded no metrics.auc' });
  });

  it('waits for the checked task, then passes the gate', async () => {
    await seedPipeline();
    const gate = await t.board.addGate(t.runId, { before: 'deploy', spec: METRIC }, human);
    await evaluateMetricGates(t.board, t.runId);
    expect(await t.board.getGate(t.runId, gate.id)).toMatchObject({ status: 'closed' });
    for (const id of [1, 2]) await complete(id);
    await complete(3, { metrics: { auc: 0.81, baseline_auc: 0.7 } });
    await evaluateMetricGates(t.board, t.runId);
    expect(await t.board.getGate(t.runId, gate.id)).toMatchObject({ status: 'passed', detail: 'evaluate auc = 0.810 passes', decidedBy: 'coordinator' });
  });

  it('fails the gate and asks what now, with options whose values the coordinator acts on', async () => {
    await seedPipeline();
    await t.board.addGate(t.runId, { before: 'deploy', spec: METRIC }, human);
    for (const id of [1, 2]) await complete(id);
    await complete(3, { metrics: { auc: 0.7, baseline_auc: 0.6 } });
    await evaluateMetricGates(t.board, t.runId);
    const asked = await question(1);
    expect(asked).toMatchObject({ kind: 'gate', gateId: 1, taskId: 3, askedBy: 'coordinator', status: 'open' });
    expect(asked.payload.questions[0]?.options.map((o) => [o.label, o.value])).toEqual([
      ['Retrain', 'retrain'],
      ['Override', 'override'],
      ['Stop', 'stop'],
    ]);
  });

  it('overrides on "override" even when the note says retrain, and keeps the note', async () => {
    await seedPipeline();
    await t.board.addGate(t.runId, { before: 'deploy', spec: METRIC }, human);
    for (const id of [1, 2]) await complete(id);
    await complete(3, { metrics: { auc: 0.7, baseline_auc: 0.6 } });
    await evaluateMetricGates(t.board, t.runId);
    const answered = await answer(1, "override: don't retrain, the campaign starts Monday");
    await decideFailedGate(t.board, t.runId, answered, await t.board.getGate(t.runId, 1));
    expect(await t.board.getGate(t.runId, 1)).toMatchObject({
      status: 'overridden',
      detail: 'overridden by cli: evaluate auc = 0.700 (needs >= 0.75)',
      decidedBy: 'cli',
      note: "don't retrain, the campaign starts Monday",
    });
    expect(await t.board.listTaskRows(t.runId)).toHaveLength(4);
    // Applied once: the same answer seen again (a resumed coordinator) changes nothing.
    await decideFailedGate(t.board, t.runId, answered, await t.board.getGate(t.runId, 1));
    expect((await t.board.getGate(t.runId, 1)).status).toBe('overridden');
  });

  it('stops the gate and the run on "stop"', async () => {
    await seedPipeline();
    await t.board.addGate(t.runId, { before: 'deploy', spec: METRIC }, human);
    for (const id of [1, 2, 3]) await complete(id);
    await evaluateMetricGates(t.board, t.runId);
    await decideFailedGate(t.board, t.runId, await answer(1, '3'), await t.board.getGate(t.runId, 1));
    expect(await t.board.getGate(t.runId, 1)).toMatchObject({ status: 'stopped', detail: 'stopped by cli after the gate failed' });
    expect(await t.board.requireRun(t.runId)).toMatchObject({ status: 'stopped', statusReason: 'stopped by cli after the gate failed' });
  });

  it('asks again when an answer names none of the options (one not checked at the board)', async () => {
    await seedPipeline();
    await t.board.addGate(t.runId, { before: 'deploy', spec: METRIC }, human);
    for (const id of [1, 2, 3]) await complete(id);
    await evaluateMetricGates(t.board, t.runId);
    const asked = await question(1);
    const own = await t.board.answerQuestion(t.runId, 1, [{ question: asked.payload.questions[0]?.question ?? '', picked: [], text: 'ship it anyway' }], 'auto', coordinatorActor);
    await decideFailedGate(t.board, t.runId, own, await t.board.getGate(t.runId, 1));
    expect((await t.board.getGate(t.runId, 1)).status).toBe('failed');
    expect((await question(2)).payload.questions[0]?.question).toBe(`"ship it anyway" is not one of the choices. ${asked.payload.questions[0]?.question ?? ''}`);
  });
});

describe('retrain', () => {
  it('copies the latest attempt of each task to redo, with the retrain script as the copy’s steps, and points the gate at the copy', async () => {
    await seedPipeline();
    const gate = await t.board.addGate(t.runId, { before: 'deploy', spec: METRIC }, human);
    for (const id of [1, 2]) await complete(id);
    await complete(3, { metrics: { auc: 0.7, baseline_auc: 0.6 } });
    await evaluateMetricGates(t.board, t.runId);
    await decideFailedGate(t.board, t.runId, await answer(1, 'Retrain'), await t.board.getGate(t.runId, gate.id));

    const copies = (await t.board.listTaskRows(t.runId)).filter((x) => x.id > 4);
    expect(copies.map((c) => ({ id: c.id, key: c.key, attempt: c.attempt, subject: c.subject, status: c.status, metadata: c.metadata, sim: c.sim }))).toEqual([
      { id: 5, key: 'features@2', attempt: 2, subject: 'Build features (retrain 2)', status: 'pending', metadata: { retrain_of: 1 }, sim: { steps: [{ bash: 'echo full' }] } },
      { id: 6, key: 'train@2', attempt: 2, subject: 'Train (retrain 2)', status: 'pending', metadata: { retrain_of: 2 }, sim: null },
      { id: 7, key: 'evaluate@2', attempt: 2, subject: 'Evaluate (retrain 2)', status: 'pending', metadata: { retrain_of: 3 }, sim: null },
    ]);
    expect(await t.board.listDeps(t.runId)).toEqual(expect.arrayContaining([{ taskId: 6, blockedBy: 5 }, { taskId: 7, blockedBy: 6 }]));
    expect(await t.board.getGate(t.runId, gate.id)).toMatchObject({ status: 'closed', spec: { ...METRIC, task: 'evaluate@2' }, decidedBy: 'cli' });
  });

  it('names the keys of a retrain', () => {
    expect(baseKey('evaluate@3')).toBe('evaluate');
    expect(retrainKeys(METRIC)).toEqual(['features', 'train', 'evaluate']);
    expect(retrainKeys({ kind: 'metric', task: 'evaluate@2', metric: 'auc' })).toEqual(['evaluate']);
  });

  it('retrains the checked task alone when the gate names no list', async () => {
    await seedPipeline();
    const spec: GateSpec = { kind: 'metric', task: 'evaluate', metric: 'auc', min: 0.9 };
    const gate = await t.board.addGate(t.runId, { before: 'deploy', spec }, human);
    await retrain(t.board, t.runId, gate, spec, 'too low', 'human');
    expect((await t.board.listTaskRows(t.runId)).map((x) => x.key)).toEqual(['features', 'train', 'evaluate', 'ship', 'evaluate@2']);
  });
});

describe('approvals', () => {
  it('asks once the earlier stages are done and the metric gates let the stage through', async () => {
    await seedPipeline();
    await t.board.addGate(t.runId, { before: 'deploy', spec: METRIC }, human);
    await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'approval', question: 'Ship it?' } }, human);
    await askApprovals(t.board, t.runId, await t.board.listGates(t.runId));
    expect(await t.board.listQuestions(t.runId)).toEqual([]);
    for (const id of [1, 2]) await complete(id);
    await complete(3, { metrics: { auc: 0.9, baseline_auc: 0.6 } });
    await evaluateMetricGates(t.board, t.runId);
    await askApprovals(t.board, t.runId, await t.board.listGates(t.runId));
    const asked = await question(1);
    expect(asked).toMatchObject({ kind: 'approval', gateId: 2, askedBy: 'coordinator' });
    expect(asked.payload.questions[0]).toMatchObject({ question: 'Ship it?', header: 'Approve' });
    expect(asked.payload.questions[0]?.options.map((o) => o.value)).toEqual(['approve', 'reject', 'retrain']);
    expect(asked.payload.questions[0]?.options[2]?.description).toBe('Send it back: new attempts of features, train, evaluate, checked again, then this question again.');
    expect((await t.board.getGate(t.runId, 2)).status).toBe('waiting');
  });

  it('offers no retrain when no metric gate guards the same stage', async () => {
    await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'approval' } }, human);
    await askApprovals(t.board, t.runId, await t.board.listGates(t.runId));
    expect((await question(1)).payload.questions[0]?.options.map((o) => o.label)).toEqual(['Approve', 'Reject']);
  });

  it('sends the work back on retrain: new attempts, the metric gate closed, and the approval asked again once they pass', async () => {
    await seedPipeline();
    await t.board.addGate(t.runId, { before: 'deploy', spec: METRIC }, human);
    await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'approval' } }, human);
    for (const id of [1, 2]) await complete(id);
    await complete(3, { metrics: { auc: 0.9, baseline_auc: 0.6 } });
    await evaluateMetricGates(t.board, t.runId);
    await askApprovals(t.board, t.runId, await t.board.listGates(t.runId));
    const answered = await answer(1, 'retrain: the calibration looks off');
    await decideApproval(t.board, t.runId, answered, await t.board.getGate(t.runId, 2));
    // Applied once: the same answer seen again after a resume changes nothing.
    await decideApproval(t.board, t.runId, answered, await t.board.getGate(t.runId, 2));
    expect((await t.board.listTaskRows(t.runId)).map((x) => x.key)).toEqual(['features', 'train', 'evaluate', 'ship', 'features@2', 'train@2', 'evaluate@2']);
    expect(await t.board.getGate(t.runId, 1)).toMatchObject({ status: 'closed', detail: 'retraining: sent back at the approval by cli: the calibration looks off' });
    expect(await t.board.getGate(t.runId, 2)).toMatchObject({ status: 'closed', detail: 'sent back for retraining (cli): the calibration looks off' });
    expect((await t.board.requireRun(t.runId)).status).toBe('running');
    // The new attempts pass: the approval is asked again.
    for (const id of [5, 6]) await complete(id);
    await complete(7, { metrics: { auc: 0.92, baseline_auc: 0.6 } });
    await evaluateMetricGates(t.board, t.runId);
    await askApprovals(t.board, t.runId, await t.board.listGates(t.runId));
    expect(await question(2)).toMatchObject({ kind: 'approval', gateId: 2, status: 'open' });
  });

  it('passes the gate on approve and records the note given with it', async () => {
    await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'approval' } }, human);
    await askApprovals(t.board, t.runId, await t.board.listGates(t.runId));
    const answered = await answer(1, 'approve: EU customers first');
    await decideApproval(t.board, t.runId, answered, await t.board.getGate(t.runId, 1));
    expect(await t.board.getGate(t.runId, 1)).toMatchObject({ status: 'passed', detail: 'approved (cli)', decidedBy: 'cli', note: 'EU customers first' });
  });

  it('sends the condition of an approval to every member who will do the guarded stage: owners of its tasks and members of their roles', async () => {
    await t.board.createTasks(
      t.runId,
      [
        { subject: 'Package', stage: 'deploy', role: 'mlops-engineer' },
        { subject: 'Validate', stage: 'validation', role: 'data-scientist' },
      ],
      human,
    );
    await complete(2);
    await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'approval' } }, human);
    await askApprovals(t.board, t.runId, await t.board.listGates(t.runId));
    await decideApproval(t.board, t.runId, await answer(1, 'Approve: only EU customers first'), await t.board.getGate(t.runId, 1));
    const messages = await t.board.listMessages(t.runId);
    expect(messages.map((m) => [m.from, m.to])).toEqual([['coordinator', 'mlops']]);
    expect(messages[0]?.body).toBe(
      'Stage deploy was approved (cli) on a condition: "only EU customers first". Hold your deploy work to it, and say so in your task notes; if it cannot be met, ask the person before going on.',
    );
    // An approval without a condition sends nothing.
    await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'approval' } }, human);
    await askApprovals(t.board, t.runId, await t.board.listGates(t.runId));
    await decideApproval(t.board, t.runId, await answer(2, 'Approve'), await t.board.getGate(t.runId, 2));
    expect(await t.board.listMessages(t.runId)).toHaveLength(1);
  });

  it('stops the run on reject', async () => {
    await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'approval' } }, human);
    await askApprovals(t.board, t.runId, await t.board.listGates(t.runId));
    await decideApproval(t.board, t.runId, await answer(1, 'Reject'), await t.board.getGate(t.runId, 1));
    expect(await t.board.getGate(t.runId, 1)).toMatchObject({ status: 'stopped', detail: 'rejected by cli' });
    expect((await t.board.requireRun(t.runId)).status).toBe('stopped');
  });
});

describe('budget', () => {
  async function spend(costUsd: number): Promise<void> {
    await t.board.recordUsage(t.runId, 'ds', { model: 'sim', taskId: null, inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd });
  }

  it('pauses the run over budget and asks once', async () => {
    await t.board.updateRun(t.runId, { budgetUsd: 1 });
    await spend(0.5);
    await checkBudget(t.board, t.runId);
    expect((await t.board.requireRun(t.runId)).status).toBe('running');
    await spend(0.6);
    await checkBudget(t.board, t.runId);
    await checkBudget(t.board, t.runId);
    expect(await t.board.requireRun(t.runId)).toMatchObject({ status: 'paused', statusReason: 'budget reached: $1.10 of $1.00' });
    const asked = await t.board.listQuestions(t.runId, 'open');
    expect(asked.map((q) => q.payload.questions[0]?.options.map((o) => [o.label, o.value]))).toEqual([
      [
        ['Raise to $2.00', 'raise'],
        ['Stop', 'stop'],
      ],
    ]);
  });

  it('doubles the budget and runs on after "raise"; stops after "stop"', async () => {
    await t.board.updateRun(t.runId, { budgetUsd: 1, budgetTokens: 10 });
    await spend(2);
    await checkBudget(t.board, t.runId);
    await decideBudget(t.board, t.runId, await answer(1, 'raise'));
    expect(await t.board.requireRun(t.runId)).toMatchObject({ status: 'running', budgetUsd: 2, budgetTokens: 20 });
    const raised = (await t.events()).filter((e) => e.type === 'budget.raised').map((e) => e.payload);
    expect(raised).toEqual([{ answer: 'Raise to $2.00', budgetUsd: 2, budgetTokens: 20 }]);

    await spend(1);
    await checkBudget(t.board, t.runId);
    await decideBudget(t.board, t.runId, await answer(2, 'Stop'));
    expect(await t.board.requireRun(t.runId)).toMatchObject({ status: 'stopped', statusReason: 'stopped at the budget by a person' });
  });
});

describe('answers', () => {
  it('answers an open question with the answers given, in the order of its parts', async () => {
    const payload = {
      questions: [
        { question: 'Which churn?', header: 'Churn', options: [{ label: 'Cancelled', description: '' }, { label: 'Lapsed', description: '' }], multiSelect: false },
        { question: 'Which metric?', header: 'Metric', options: [{ label: 'AUC', description: '' }, { label: 'F1', description: '' }], multiSelect: false },
      ],
    };
    const asked = await t.board.askQuestion(t.runId, { kind: 'agent', askedBy: 'ds', payload }, t.as('ds'));
    // A tape may list the parts in another order; a person's answer is stamped as theirs.
    await autoAnswer(t.board, t.runId, asked, async () => ({
      answers: [
        { question: 'Which metric?', picked: ['F1'], text: null },
        { question: 'Which churn?', picked: ['Lapsed'], text: null },
      ],
      by: 'human',
    }));
    expect(await question(asked.id)).toMatchObject({
      status: 'answered',
      answeredBy: 'human',
      answers: [
        { question: 'Which churn?', picked: ['Lapsed'], text: null },
        { question: 'Which metric?', picked: ['F1'], text: null },
      ],
    });
    expect((await t.events()).at(-1)).toMatchObject({ type: 'question.answered', actor: 'human' });
  });

  it('leaves the question open when the answerer has nothing, or misses a part', async () => {
    const payload = { questions: [{ question: 'Go?', header: 'Go', options: [{ label: 'Yes', description: '' }, { label: 'No', description: '' }], multiSelect: false }] };
    const asked = await t.board.askQuestion(t.runId, { kind: 'agent', askedBy: 'ds', payload }, t.as('ds'));
    await autoAnswer(t.board, t.runId, asked, () => null);
    await autoAnswer(t.board, t.runId, asked, () => ({ answers: [{ question: 'Other?', picked: ['Yes'], text: null }], by: 'auto' }));
    expect((await question(asked.id)).status).toBe('open');
  });
});

describe('leases', () => {
  it('reads heartbeats only once a lease can have run out, and never dates one before the member became busy', async () => {
    let now = 1_000_000;
    t.board.setClock(() => now);
    await t.board.heartbeat(t.runId, ['ds', 'mle']);
    let reads = 0;
    const watch = createLeaseWatch(
      {
        listMembers: (runId) => {
          reads++;
          return t.board.listMembers(runId);
        },
      },
      t.runId,
      1000,
    );
    expect(await watch.deadlines([], now)).toEqual([]);
    now += 500;
    // ds became busy just now: its (older) heartbeat does not count against it.
    expect(await watch.deadlines([{ name: 'ds', since: now }], now)).toEqual([]);
    expect(reads).toBe(0);
    now += 600;
    expect(await watch.deadlines([{ name: 'ds', since: 1_000_500 }, { name: 'mle', since: 1_000_000 }], now)).toEqual([
      { name: 'mle', at: 1_001_000 },
      { name: 'ds', at: 1_001_500 },
    ]);
    expect(reads).toBe(1);
    // A heartbeat moves the deadline.
    await t.board.heartbeat(t.runId, ['mle']);
    now += 450;
    expect(await watch.deadlines([{ name: 'ds', since: 1_000_500 }, { name: 'mle', since: 1_000_000 }], now)).toEqual([
      { name: 'ds', at: 1_001_500 },
      { name: 'mle', at: 1_002_100 },
    ]);
  });
});

describe('settle', () => {
  it('completes a run whose tasks are all done, waits while a question is open, else asks about the first task that cannot move', async () => {
    const live = [{ name: 'ds', role: 'data-scientist', state: 'idle' }];
    await t.board.createTask(t.runId, { subject: 'Only', stage: 'features', role: 'ml-engineer' }, human);
    expect(await settleRun(t.board, t.runId, live)).toBeNull();
    expect((await t.board.requireRun(t.runId)).status).toBe('running');
    const [asked] = await t.board.listQuestions(t.runId, 'open');
    expect(asked).toMatchObject({ kind: 'stuck', askedBy: 'coordinator', taskId: 1 });
    expect(asked?.payload).toEqual({
      questions: [{ question: 'Task #1 "Only" cannot go on: it needs a ml-engineer, and no live member has that role. What now?', header: 'Stuck', options: [...STUCK_OPTIONS], multiSelect: false }],
      context: { taskId: 1, cause: 'it needs a ml-engineer, and no live member has that role' },
    });
    expect(STUCK_OPTIONS.map((o) => o.value)).toEqual(['retry', 'reassign', 'done', 'stop']);
    // One question at a time: while it is open the run waits.
    expect(await settleRun(t.board, t.runId, live)).toBeNull();
    expect(await t.board.listQuestions(t.runId, 'open')).toHaveLength(1);
    await decideStuck(t.board, t.runId, await answer(1, 'done: nobody here trains'));
    expect(await t.board.getTask(t.runId, 1)).toMatchObject({ status: 'completed', metadata: { marked_done: 'done by cli: nobody here trains' } });
    expect(await settleRun(t.board, t.runId, live)).toBe('completed');
  });

  it('fails at once, naming the cause, when every member is out for a cause no retry here can fix', async () => {
    await t.board.createTask(t.runId, { subject: 'Only' }, human);
    const live = [{ name: 'ds', role: 'data-scientist', state: 'stopped', fatal: true }];
    await t.board.appendEvent(t.runId, coordinatorActor, { type: 'member.removed', payload: { member: 'ds', state: 'stopped', reason: 'the API key was refused' } });
    expect(await settleRun(t.board, t.runId, live)).toBe('failed');
    expect((await t.board.requireRun(t.runId)).statusReason).toBe('every member stopped (ds): the API key was refused');
  });

  it('says why every member stopped when they all did', () => {
    const events = [
      { runId: 1, seq: 1, ts: 0, actor: 'coordinator', type: 'member.removed' as const, payload: { member: 'ds', state: 'stopped' as const, reason: 'the API key was refused' } },
      { runId: 1, seq: 2, ts: 0, actor: 'coordinator', type: 'member.removed' as const, payload: { member: 'mle', state: 'stopped' as const, reason: 'the API key was refused' } },
    ];
    const live = [
      { name: 'ds', role: 'a', state: 'stopped' },
      { name: 'mle', role: 'b', state: 'stopped' },
    ];
    expect(everyMemberOut(events, live)).toBe('every member stopped (ds, mle): the API key was refused');
    expect(everyMemberOut(events, [...live, { name: 'ops', role: 'c', state: 'idle' }])).toBeNull();
    const tasks = [{ id: 2, subject: 'Train', status: 'in_progress' as const, owner: 'ds', role: null, stage: null, activeForm: null, attempt: 1, blockedBy: [], stageWaits: 0 }];
    expect(stuckReason(tasks, live, ['ds', 'mle'])).toBe('stuck: no member can make progress. #2 "Train" is in progress by ds, who is stopped');
  });
});

describe('stuck tasks', () => {
  /** mle claimed "Train", ran a command that failed, and asked for help. */
  async function stuckTrain(): Promise<Question> {
    await t.board.createTask(t.runId, { subject: 'Train', stage: 'training', role: 'ml-engineer' }, human);
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('mle'));
    const output = ['config: optimise must be one of auc | recall | precision, got "recall, but calibrated"'];
    await t.board.appendEvent(t.runId, t.as('mle'), { type: 'tool.called', payload: { member: 'mle', tool: 'Bash', summary: 'node scripts/config.js set', ok: true, exitCode: 1, output, taskId: 1 } });
    await t.board.updateTask(t.runId, 1, { metadata: { needs_help: true, error: 'exit code 1: config: optimise must be one of auc | recall | precision' } }, t.as('mle'));
    const task = await t.board.requireTask(t.runId, 1);
    await askStuck(t.board, t.runId, task, helpCause(task) ?? '');
    return question(1);
  }

  it('asks with the task, the one-line cause and the last lines of the failing output; once per task', async () => {
    const asked = await stuckTrain();
    expect(asked.payload.questions[0]?.question).toBe('Task #1 "Train" cannot go on: exit code 1: config: optimise must be one of auc | recall | precision. What now?');
    expect(asked.payload.context).toEqual({
      taskId: 1,
      cause: 'exit code 1: config: optimise must be one of auc | recall | precision',
      output: ['config: optimise must be one of auc | recall | precision, got "recall, but calibrated"'],
    });
    await askStuck(t.board, t.runId, await t.board.requireTask(t.runId, 1), 'again');
    expect(await t.board.listQuestions(t.runId, 'open')).toHaveLength(1);
  });

  it('"Retry" clears the call for help and keeps the task with its owner', async () => {
    await stuckTrain();
    await decideStuck(t.board, t.runId, await answer(1, 'Retry: fixed the config'));
    const task = await t.board.requireTask(t.runId, 1);
    expect(task).toMatchObject({ status: 'in_progress', owner: 'mle' });
    expect(task.metadata.needs_help).toBeUndefined();
    expect(task.metadata.retried).toBe('retry by cli: fixed the config');
  });

  it('"Reassign" puts the task back on the board, to the member a note names when it may take it', async () => {
    await t.board.addMember(t.runId, { name: 'mle2', agent: 'ml-engineer', role: 'ml-engineer', model: 'sim' }, human);
    await stuckTrain();
    await decideStuck(t.board, t.runId, await answer(1, 'reassign: give it to mle2'));
    expect(await t.board.requireTask(t.runId, 1)).toMatchObject({ status: 'pending', owner: 'mle2', attempt: 2 });
  });

  it('"Reassign" naming a member of another role leaves the task unowned on the board', async () => {
    await stuckTrain();
    await decideStuck(t.board, t.runId, await answer(1, 'reassign: ds'));
    expect(await t.board.requireTask(t.runId, 1)).toMatchObject({ status: 'pending', owner: null });
  });

  it('"Stop" fails the run with a short headline: the task, the cause and the next step', async () => {
    await stuckTrain();
    await decideStuck(t.board, t.runId, await answer(1, 'Stop'));
    const run = await t.board.requireRun(t.runId);
    expect(run.status).toBe('failed');
    expect(run.statusReason).toBe(`stuck at #1 "Train": exit code 1: config: optimise must be one of auc | recall | precision (stopped by cli). Next: fix it, then \`team resume ${t.runId}\``);
  });

  it('--auto-answer retries a task once, and stops the second time it is stuck', async () => {
    const first = await stuckTrain();
    expect(await autoStuckAnswers(t.board, t.runId, first)).toEqual([{ question: first.payload.questions[0]?.question, picked: ['Retry'], text: null }]);
    await t.board.answerQuestion(t.runId, first.id, await autoStuckAnswers(t.board, t.runId, first), 'auto', coordinatorActor);
    await decideStuck(t.board, t.runId, await question(first.id));
    await t.board.updateTask(t.runId, 1, { metadata: { needs_help: true, error: 'exit code 1 again' } }, t.as('mle'));
    await askStuck(t.board, t.runId, await t.board.requireTask(t.runId, 1), 'exit code 1 again');
    const second = await question(2);
    expect(await autoStuckAnswers(t.board, t.runId, second)).toEqual([{ question: second.payload.questions[0]?.question, picked: ['Stop'], text: 'stopped by --auto-answer: retried once already' }]);
  });
});
