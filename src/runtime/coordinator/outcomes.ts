import { coordinator as coordinatorActor } from '../../board/actor.js';
import type { Board } from '../../board/board.js';
import type { Gate, Question } from '../../board/types.js';

/** Who decided, as gates record it: the person (or --auto-answer, or a tape) who answered. */
export function decidedBy(question: Question): string {
  return question.answeredBy ?? 'human';
}

/** A gate said stop: the gate and the run stop together. */
export async function stopAtGate(board: Board, runId: number, gate: Gate, reason: string, by: string | null = null, note: string | null = null): Promise<void> {
  await board.transaction(async (tx) => {
    await tx.setGateStatus(runId, gate.id, 'stopped', reason, coordinatorActor, by, note);
    await tx.setRunStatus(runId, 'stopped', note ? `${reason}: ${note}` : reason, coordinatorActor);
  });
}

/** An answer that names none of the choices (possible only for answers not checked at the board): ask the same question again. */
export async function askAgain(board: Board, runId: number, question: Question): Promise<void> {
  const [first] = question.payload.questions;
  if (!first) return;
  const part = question.answers?.[0];
  const given = part ? (part.picked.length > 0 ? part.picked.join(', ') : (part.text ?? '')) : '';
  await board.askQuestion(
    runId,
    {
      kind: question.kind,
      askedBy: 'coordinator',
      gateId: question.gateId,
      taskId: question.taskId,
      payload: { questions: [{ ...first, question: `"${given}" is not one of the choices. ${first.question}` }] },
    },
    coordinatorActor,
  );
}
