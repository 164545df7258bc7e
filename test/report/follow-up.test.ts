import { afterEach, describe, expect, it } from 'vitest';
import { coordinator, human } from '../../src/board/actor.js';
import type { QuestionItem } from '../../src/board/types.js';
import { buildReport, reportMarkdown } from '../../src/report/index.js';
import { createTestBoard, type TestBoard } from '../helpers/board.js';

/** An answer in the person's own words that the agent followed up: only the follow-up's option took effect. */
let t: TestBoard;
afterEach(async () => {
  await t?.cleanup();
});

const rollout = (question: string): QuestionItem => ({
  header: 'Rollout',
  question,
  multiSelect: false,
  options: ['Canary 10%', 'Shadow', 'Full'].map((label) => ({ label, description: `${label}: what it means` })),
});

/** A board whose mlops member is working on the rollout task. */
async function rolloutTask() {
  t = await createTestBoard({ pipeline: ['deploy'], members: [{ name: 'mlops', role: 'mlops-engineer' }] });
  const mlops = t.as('mlops');
  const task = await t.board.createTask(t.runId, { subject: 'Roll the model out', stage: 'deploy', role: 'mlops-engineer' }, coordinator);
  await t.board.updateTask(t.runId, task.id, { status: 'in_progress', owner: 'mlops' }, mlops);
  return { board: t.board, runId: t.runId, mlops, task };
}

describe('a follow-up question in the report', () => {
  it('the headline counts the decision that took effect, not the own words it followed up', async () => {
    const { board, runId, mlops, task } = await rolloutTask();
    const first = rollout('How should the churn model reach production?');
    const q1 = await board.askQuestion(runId, { kind: 'agent', askedBy: 'mlops', taskId: task.id, payload: { questions: [first] } }, mlops);
    await board.answerQuestion(runId, q1.id, [{ question: first.question, picked: [], text: 'the careful way please' }], 'human', human);
    const again = rollout('You said "the careful way please"; which of these do you mean?');
    const q2 = await board.askQuestion(runId, { kind: 'agent', askedBy: 'mlops', taskId: task.id, payload: { questions: [again] } }, mlops);
    await board.answerQuestion(runId, q2.id, [{ question: again.question, picked: ['Canary 10%'], text: null }], 'cli', human);
    await board.updateTask(runId, task.id, { status: 'completed' }, mlops);
    await board.setRunStatus(runId, 'completed', '1 task completed', coordinator);

    const report = await buildReport(board, runId);
    expect(report.headline.text).toMatch(/^Completed in \S+: deploy done with Rollout “Canary 10%”\.$/);
    expect(report.decisions.map((d) => [d.id, d.parts.map((p) => p.followedUpBy)])).toEqual([
      [`q${q1.id}`, [`q${q2.id}`]],
      [`q${q2.id}`, [null]],
    ]);
    expect(reportMarkdown(report)).toContain(`followed up in q${q2.id}`);
  });

  it('links the follow-up in an instant run, whose questions run on a virtual clock behind the wall clock of the answers', async () => {
    const { board, runId, mlops, task } = await rolloutTask();
    const virtual = Date.now() - 60_000;
    board.setClock(() => virtual);
    const first = rollout('How should the churn model reach production?');
    const q1 = await board.askQuestion(runId, { kind: 'agent', askedBy: 'mlops', taskId: task.id, payload: { questions: [first] } }, mlops);
    board.setClock(() => Date.now());
    await board.answerQuestion(runId, q1.id, [{ question: first.question, picked: [], text: 'the careful way please' }], 'cli', human);
    board.setClock(() => virtual + 1_000);
    const again = rollout('You said "the careful way please"; which of these do you mean?');
    const q2 = await board.askQuestion(runId, { kind: 'agent', askedBy: 'mlops', taskId: task.id, payload: { questions: [again] } }, mlops);
    await board.answerQuestion(runId, q2.id, [{ question: again.question, picked: ['Shadow'], text: null }], 'cli', human);

    const report = await buildReport(board, runId);
    expect(report.decisions.map((d) => [d.id, d.parts.map((p) => p.followedUpBy)])).toEqual([
      [`q${q1.id}`, [`q${q2.id}`]],
      [`q${q2.id}`, [null]],
    ]);
  });
});
