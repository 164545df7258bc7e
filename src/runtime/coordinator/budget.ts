import { coordinator as coordinatorActor } from '../../board/actor.js';
import { describeAnswers, pickedValue } from '../../board/answers.js';
import type { Board } from '../../board/board.js';
import type { Question, QuestionOption, Run } from '../../board/types.js';
import { askAgain } from './outcomes.js';

export type BudgetChoice = 'raise' | 'stop';

/** Over budget (dollars or tokens): pause the run and ask whether to raise the budget or stop. `known`: the run as just read. */
export async function checkBudget(board: Board, runId: number, known?: Run): Promise<void> {
  const run = known ?? (await board.requireRun(runId));
  if (run.status !== 'running') return;
  if (run.budgetUsd === null && run.budgetTokens === null) return;
  const totals = await board.runTotals(runId);
  const overUsd = run.budgetUsd !== null && totals.costUsd >= run.budgetUsd;
  const overTokens = run.budgetTokens !== null && totals.tokens >= run.budgetTokens;
  if (!overUsd && !overTokens) return;
  if ((await board.listQuestions(runId, 'open')).some((q) => q.kind === 'budget')) return;
  const spent = overUsd ? `$${totals.costUsd.toFixed(2)} of $${(run.budgetUsd ?? 0).toFixed(2)}` : `${totals.tokens} of ${run.budgetTokens} tokens`;
  const raised = overUsd ? `$${((run.budgetUsd ?? 0) * 2).toFixed(2)}` : `${(run.budgetTokens ?? 0) * 2} tokens`;
  const options: (QuestionOption & { value: BudgetChoice })[] = [
    { label: `Raise to ${raised}`, value: 'raise', description: 'Double the budget and carry on.' },
    { label: 'Stop', value: 'stop', description: 'Stop the run now; finished work stays in the workspace.' },
  ];
  await board.transaction(async (tx) => {
    await tx.setRunStatus(runId, 'paused', `budget reached: ${spent}`, coordinatorActor);
    await tx.askQuestion(
      runId,
      {
        kind: 'budget',
        askedBy: 'coordinator',
        payload: { questions: [{ question: `The run has used ${spent}. The team is paused. Raise the budget or stop?`, header: 'Budget', options, multiSelect: false }] },
      },
      coordinatorActor,
    );
  });
}

/** The person answered the budget question: double the budget and go on, or stop. */
export async function decideBudget(board: Board, runId: number, question: Question): Promise<void> {
  const run = await board.requireRun(runId);
  // Applied once: a resumed coordinator may see the same answer again.
  if (run.status !== 'paused' || !run.statusReason?.startsWith('budget')) return;
  const choice = pickedValue(question);
  if (choice === 'stop') {
    await board.setRunStatus(runId, 'stopped', 'stopped at the budget by a person', coordinatorActor);
    return;
  }
  if (choice !== 'raise') return askAgain(board, runId, question);
  const budgetUsd = run.budgetUsd === null ? null : run.budgetUsd * 2;
  const budgetTokens = run.budgetTokens === null ? null : run.budgetTokens * 2;
  await board.transaction(async (tx) => {
    await tx.updateRun(runId, { budgetUsd, budgetTokens });
    await tx.appendEvent(runId, coordinatorActor, { type: 'budget.raised', payload: { answer: describeAnswers(question.answers ?? []), budgetUsd, budgetTokens } });
    await tx.setRunStatus(runId, 'running', null, coordinatorActor);
  });
}
