/**
 * A run driven by hand on a real SQLite board, with everything a report has to show: tasks claimed
 * and completed with metrics, a failed metric gate answered with a retrain (copies of two tasks),
 * a pause, an approval with a condition, a question answered in the person's own words, usage per
 * member and task, and agent-written text with markup and terminal escape sequences in it.
 */
import { coordinator, human } from '../../src/board/actor.js';
import type { Gate, Question, QuestionItem, UsageRecord } from '../../src/board/types.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

/** A subject an agent might write: markup and escape sequences the report must never pass on. */
export const HOSTILE_SUBJECT = 'Set up drift monitoring <script>alert(1)</script> \x1b[31mRED\x1b[0m\x1b]0;pwned\x07';
export const HOSTILE_NOTE = 'Alerts on monthly_charge and logins; <img src=x onerror=alert(2)> \x1b[2J\x07 retrain if the price rise holds.';

export interface ChurnFixture {
  t: TestBoard;
  runId: number;
  /** The board clock at the first claim and at the end of the run. */
  firstClaim: number;
  end: number;
  pauseMs: number;
  gates: { metric: Gate; approval: Gate };
}

const item = (header: string, question: string, labels: string[]): QuestionItem => ({
  header,
  question,
  multiSelect: false,
  options: labels.map((label) => ({ label, description: `${label}: what it means` })),
});

export async function churnFixture(): Promise<ChurnFixture> {
  const t = await createTestBoard({ team: 'churn-demo', members: [
    { name: 'ds', role: 'data-scientist' },
    { name: 'mle', role: 'ml-engineer' },
    { name: 'mlops', role: 'mlops-engineer' },
  ] });
  const { board, runId } = t;
  const run = await board.requireRun(runId);
  let now = run.startedAt;
  board.setClock(() => now);
  const tick = (seconds: number) => {
    now += seconds * 1000;
  };
  const ds = t.as('ds');
  const mle = t.as('mle');
  const mlops = t.as('mlops');
  const usage = (member: string, taskId: number | null, input: number, output: number, costUsd: number) => {
    const record: UsageRecord = { model: 'sim', taskId, inputTokens: input, outputTokens: output, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd };
    return board.recordUsage(runId, member, record);
  };
  const ask = (askedBy: string, kind: Question['kind'], items: QuestionItem[], ids: { taskId?: number; gateId?: number }) =>
    board.askQuestion(runId, { kind, askedBy, payload: { questions: items }, ...ids }, askedBy === 'coordinator' ? coordinator : t.as(askedBy));

  const metric = await board.addGate(runId, { before: 'deploy', spec: { kind: 'metric', task: 'evaluate', metric: 'auc', min: 0.75, beatBaseline: true, retrain: ['train', 'evaluate'] } }, coordinator);
  const approval = await board.addGate(runId, { before: 'deploy', spec: { kind: 'approval', question: 'Ship the churn model?' } }, coordinator);
  const label = await board.createTask(runId, { subject: 'Decide what counts as churn', stage: 'data', role: 'data-scientist', key: 'label' }, human);
  const features = await board.createTask(runId, { subject: 'Build the feature table', stage: 'features', role: 'data-scientist', key: 'features' }, human);
  const train = await board.createTask(runId, { subject: 'Train the model', stage: 'training', role: 'ml-engineer', key: 'train' }, human);
  const evaluate = await board.createTask(runId, { subject: 'Evaluate the model', stage: 'validation', role: 'ml-engineer', key: 'evaluate', blockedBy: [train.id] }, human);
  const rollout = await board.createTask(runId, { subject: 'Roll out the model', stage: 'deploy', role: 'mlops-engineer', key: 'rollout' }, human);
  const drift = await board.createTask(runId, { subject: HOSTILE_SUBJECT, stage: 'deploy', key: 'drift' }, human);

  // data: the churn definition, answered in the person's own words.
  tick(2);
  const firstClaim = now;
  await board.updateTask(runId, label.id, { status: 'in_progress' }, ds);
  tick(1);
  const q1 = await ask('ds', 'agent', [item('Churn def', 'Which churn definition should the model predict?', ['Cancelled', 'Inactive 30 days'])], { taskId: label.id });
  tick(4);
  await board.answerQuestion(runId, q1.id, [{ question: 'Which churn definition should the model predict?', picked: [], text: 'Cancelled, and count pauses over 60 days as churn' }], 'human', human);
  tick(2);
  await usage('ds', label.id, 1200, 80, 0.0042);
  await board.updateTask(runId, label.id, { status: 'completed', metadata: { churn_definition: 'cancelled' } }, ds);

  // features
  tick(1);
  await board.updateTask(runId, features.id, { status: 'in_progress' }, ds);
  tick(6);
  await usage('ds', features.id, 2000, 150, 0.0071);
  await board.updateTask(runId, features.id, { status: 'completed', metadata: { metrics: { rows: 12000, churn_rate: 0.1756, features: 23 } } }, ds);

  // training and validation, first attempt: below the gate.
  tick(1);
  await board.updateTask(runId, train.id, { status: 'in_progress' }, mle);
  tick(8);
  await usage('mle', train.id, 3000, 200, 0.0105);
  await board.updateTask(runId, train.id, { status: 'completed', metadata: { metrics: { train_auc: 0.7112, train_baseline_auc: 0.6742 } } }, mle);
  tick(1);
  await board.updateTask(runId, evaluate.id, { status: 'in_progress' }, mle);
  tick(5);
  await usage('mle', evaluate.id, 2500, 120, 0.0084);
  await board.updateTask(runId, evaluate.id, { status: 'completed', metadata: { metrics: { auc: 0.7021, baseline_auc: 0.6765 } } }, mle);

  // The metric gate fails; the person answers Retrain with `team answer`.
  tick(1);
  await board.transaction(async (tx) => {
    await tx.setGateStatus(runId, metric.id, 'failed', 'evaluate auc = 0.702 (needs >= 0.75)', coordinator, 'coordinator');
    await tx.askQuestion(runId, { kind: 'gate', askedBy: 'coordinator', taskId: evaluate.id, gateId: metric.id, payload: { questions: [item('Gate', 'The gate before deploy failed: evaluate auc = 0.702 (needs >= 0.75). What now?', ['Retrain', 'Override', 'Stop'])] } }, coordinator);
  });
  const q2 = (await board.listQuestions(runId, 'open'))[0];
  if (!q2) throw new Error('fixture: the gate question was not asked');
  tick(6);
  await board.answerQuestion(runId, q2.id, [{ question: q2.payload.questions[0]?.question ?? '', picked: ['Retrain'], text: null }], 'cli', human);
  const [train2, evaluate2] = await board.transaction(async (tx) => {
    const copyTrain = await tx.createTask(runId, { subject: 'Train the model (retrain 2)', stage: 'training', role: 'ml-engineer', key: 'train@2', attempt: 2, metadata: { retrain_of: train.id } }, coordinator);
    const copyEvaluate = await tx.createTask(runId, { subject: 'Evaluate the model (retrain 2)', stage: 'validation', role: 'ml-engineer', key: 'evaluate@2', attempt: 2, blockedBy: [copyTrain.id], metadata: { retrain_of: evaluate.id } }, coordinator);
    await tx.setGateSpec(runId, metric.id, { kind: 'metric', task: 'evaluate@2', metric: 'auc', min: 0.75, beatBaseline: true, retrain: ['train', 'evaluate'] });
    await tx.setGateStatus(runId, metric.id, 'closed', 'retraining: evaluate auc = 0.702 (needs >= 0.75)', coordinator, 'cli');
    return [copyTrain, copyEvaluate] as const;
  });

  // A pause of 30 seconds: not counted in any duration.
  tick(1);
  await board.setRunStatus(runId, 'paused', 'paused from the board', human);
  const pauseMs = 30_000;
  tick(pauseMs / 1000);
  await board.setRunStatus(runId, 'running', 'resumed', human);

  tick(1);
  await board.updateTask(runId, train2.id, { status: 'in_progress' }, mle);
  tick(7);
  await usage('mle', train2.id, 3100, 210, 0.0109);
  await board.updateTask(runId, train2.id, { status: 'completed', metadata: { metrics: { train_auc: 0.8216, train_baseline_auc: 0.6742 } } }, mle);
  tick(1);
  await board.updateTask(runId, evaluate2.id, { status: 'in_progress' }, mle);
  tick(5);
  await usage('mle', evaluate2.id, 2600, 130, 0.0088);
  await board.updateTask(runId, evaluate2.id, { status: 'completed', metadata: { metrics: { auc: 0.8325, baseline_auc: 0.6765, precision_at_10: 0.6267, brier: 0.1099 } } }, mle);

  // The gate passes; the approval is given with a condition.
  tick(1);
  await board.setGateStatus(runId, metric.id, 'passed', 'evaluate@2 auc = 0.833 passes', coordinator, 'coordinator');
  const q3 = await board.transaction(async (tx) => {
    await tx.setGateStatus(runId, approval.id, 'waiting', 'waiting for a person to approve', coordinator);
    return tx.askQuestion(runId, { kind: 'approval', askedBy: 'coordinator', gateId: approval.id, payload: { questions: [item('Approve', 'Ship the churn model?', ['Approve', 'Reject'])] } }, coordinator);
  });
  tick(10);
  await board.answerQuestion(runId, q3.id, [{ question: 'Ship the churn model?', picked: ['Approve'], text: 'only EU customers first' }], 'human', human);
  await board.setGateStatus(runId, approval.id, 'passed', 'approved (human)', coordinator, 'human', 'only EU customers first');

  // deploy: the rollout question, and drift monitoring with a hostile subject and note, side by side.
  tick(1);
  await board.updateTask(runId, rollout.id, { status: 'in_progress' }, mlops);
  await board.updateTask(runId, drift.id, { status: 'in_progress' }, ds);
  tick(2);
  const q4 = await ask('mlops', 'agent', [item('Rollout', 'How should the churn model reach production?', ['Canary 10%', 'Shadow', 'Full'])], { taskId: rollout.id });
  tick(3);
  await board.answerQuestion(runId, q4.id, [{ question: 'How should the churn model reach production?', picked: ['Canary 10%'], text: null }], 'human', human);
  tick(2);
  await usage('ds', drift.id, 1800, 90, 0.006);
  await board.updateTask(runId, drift.id, { status: 'completed', metadata: { metrics: { max_psi: 1.4521, alert_count: 7, warn_count: 1, prediction_psi: 0.0924 }, note: HOSTILE_NOTE } }, ds);
  tick(2);
  await usage('mlops', rollout.id, 2200, 140, 0.0077);
  await usage('mlops', null, 500, 20, 0.0016);
  await board.updateTask(runId, rollout.id, { status: 'completed', metadata: { rollout: 'canary-10' } }, mlops);
  tick(1);
  await board.setRunStatus(runId, 'completed', '8 tasks completed', coordinator);
  return { t, runId, firstClaim, end: now, pauseMs, gates: { metric, approval } };
}
