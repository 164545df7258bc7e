import { coordinator as coordinatorActor, type Actor } from '../../board/actor.js';
import type { Board } from '../../board/board.js';
import type { AnsweredBy, Answers, Question } from '../../board/types.js';

/**
 * Answers a question without a person at the board: --auto-answer (the recommended options), or a
 * replay tape giving back a recorded answer, stamped as whoever gave it then.
 */
export type Answerer = (question: Question) => AnswerGiven | null | Promise<AnswerGiven | null>;

export interface AnswerGiven {
  answers: Answers;
  by: AnsweredBy;
}

/** Answer an open question from the answerer, if it has an answer for it. */
export async function autoAnswer(board: Board, runId: number, question: Question, answerer: Answerer): Promise<void> {
  if (question.status !== 'open') return;
  const given = await answerer(question);
  if (!given) return;
  const answers = inPartOrder(question, given.answers);
  if (!answers) return;
  await board.answerQuestion(runId, question.id, answers, given.by, actorFor(given.by));
}

/** A replayed human answer is stamped as the person's, so the replayed events match the recorded ones. */
function actorFor(by: AnsweredBy): Actor {
  if (by === 'human') return { kind: 'human', via: 'tui' };
  if (by === 'cli') return { kind: 'human', via: 'cli' };
  return coordinatorActor;
}

/** The answers in the order of the question's parts (a tape may list them in another order); null when a part has none. */
function inPartOrder(question: Question, answers: Answers): Answers | null {
  const ordered = question.payload.questions.map((item) => answers.find((a) => a.question === item.question));
  return ordered.every((a) => a !== undefined) ? ordered : null;
}
