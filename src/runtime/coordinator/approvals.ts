import { coordinator as coordinatorActor } from '../../board/actor.js';
import { answerNote, pickedValue } from '../../board/answers.js';
import type { Board } from '../../board/board.js';
import { gateOpen } from '../../board/gates.js';
import type { Gate, Question, QuestionOption } from '../../board/types.js';
import { askAgain, decidedBy, stopAtGate } from './outcomes.js';
import { retrain, retrainKeys, type MetricSpec } from './retrain.js';

export type ApprovalChoice = 'approve' | 'reject' | 'retrain';

/**
 * Ask for every closed approval gate whose stage is next: every task of the earlier stages is
 * completed and the metric gates before the same stage have let it through.
 */
export async function askApprovals(board: Board, runId: number, gates: readonly Gate[]): Promise<void> {
  // Reading every task is the expensive part: only do it when an approval is still to ask.
  const closed = gates.filter((g) => g.kind === 'approval' && g.status === 'closed');
  if (closed.length === 0) return;
  const [tasks, run] = await Promise.all([board.listTaskRows(runId), board.requireRun(runId)]);
  const { pipeline } = run.config;
  for (const gate of closed) {
    const earlier = pipeline.slice(0, Math.max(0, pipeline.indexOf(gate.before)));
    const earlierDone = tasks.filter((t) => t.stage !== null && earlier.includes(t.stage)).every((t) => t.status === 'completed');
    const metricsDone = gates.filter((g) => g.before === gate.before && g.kind === 'metric').every(gateOpen);
    if (!earlierDone || !metricsDone) continue;
    const question = gate.spec.kind === 'approval' && gate.spec.question ? gate.spec.question : `Approve the start of stage ${gate.before}?`;
    const options: (QuestionOption & { value: ApprovalChoice })[] = [
      { label: 'Approve', value: 'approve', description: `Stage ${gate.before} may start.` },
      { label: 'Reject', value: 'reject', description: 'Stop the run without starting it.' },
    ];
    // A metric gate before the same stage knows what to redo: the person can send the work back.
    const redo = sendBackGate(gates, gate.before);
    if (redo) {
      options.push({ label: 'Retrain', value: 'retrain', description: `Send it back: new attempts of ${retrainKeys(redo.spec).join(', ')}, checked again, then this question again.` });
    }
    await board.transaction(async (tx) => {
      await tx.setGateStatus(runId, gate.id, 'waiting', 'waiting for a person to approve', coordinatorActor);
      await tx.askQuestion(runId, { kind: 'approval', askedBy: 'coordinator', gateId: gate.id, payload: { questions: [{ question, header: 'Approve', options, multiSelect: false }] } }, coordinatorActor);
    });
  }
}

/** The person answered an approval: the gate passes (keeping the note they added, a condition), or the run stops. */
export async function decideApproval(board: Board, runId: number, question: Question, gate: Gate): Promise<void> {
  // A decision is applied once: a resumed coordinator may see the same answer again.
  if (gate.kind !== 'approval' || gate.status !== 'waiting') return;
  const by = decidedBy(question);
  const choice = pickedValue(question);
  if (choice === 'approve') {
    const condition = answerNote(question);
    const recipients = condition ? await stageMembers(board, runId, gate.before) : [];
    await board.transaction(async (tx) => {
      await tx.setGateStatus(runId, gate.id, 'passed', `approved (${by})`, coordinatorActor, by, condition);
      for (const to of recipients) {
        await tx.sendMessage(
          runId,
          { from: 'coordinator', to, summary: `approved with a condition: ${condition}`.slice(0, 200), body: conditionMessage(gate.before, by, condition ?? '') },
          coordinatorActor,
        );
      }
    });
    return;
  }
  if (choice === 'reject') return stopAtGate(board, runId, gate, `rejected by ${by}`, by, answerNote(question));
  const redo = choice === 'retrain' ? sendBackGate(await board.listGates(runId), gate.before) : null;
  if (redo) {
    const note = answerNote(question);
    // One transaction: a resumed coordinator that sees this answer again finds the gate no longer waiting.
    return retrain(board, runId, redo.gate, redo.spec, `sent back at the approval by ${by}${note ? `: ${note}` : ''}`, by, async (tx) => {
      // Asked again once the new attempts pass the metric gate.
      await tx.setGateStatus(runId, gate.id, 'closed', `sent back for retraining (${by})${note ? `: ${note}` : ''}`, coordinatorActor, by);
    });
  }
  await askAgain(board, runId, question);
}

/** The metric gate before `stage` that a retrain at its approval goes through (the first, when there are several). */
function sendBackGate(gates: readonly Gate[], stage: string): { gate: Gate; spec: MetricSpec } | null {
  for (const gate of gates) {
    if (gate.before === stage && gate.spec.kind === 'metric') return { gate, spec: gate.spec };
  }
  return null;
}

/** The members who will do the guarded stage's work: owners of its tasks, and members of their roles (everyone for a task without a role). */
async function stageMembers(board: Board, runId: number, stage: string): Promise<string[]> {
  const [tasks, members] = await Promise.all([board.listTaskRows(runId), board.listMembers(runId)]);
  const staged = tasks.filter((t) => t.stage === stage && t.status !== 'completed');
  const owners = new Set(staged.flatMap((t) => (t.owner ? [t.owner] : [])));
  const roles = new Set(staged.map((t) => t.role));
  return members.filter((m) => owners.has(m.name) || roles.has(m.role) || roles.has(null)).map((m) => m.name);
}

/** What each member of the guarded stage reads: the condition is part of the approval, not a remark. */
function conditionMessage(stage: string, by: string, condition: string): string {
  return `Stage ${stage} was approved (${by}) on a condition: "${condition}". Hold your ${stage} work to it, and say so in your task notes; if it cannot be met, ask the person before going on.`;
}
