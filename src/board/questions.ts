import { and, asc, eq, sql } from 'drizzle-orm';
import { questions, type AnsweredBy, type JsonObject, type QuestionKind } from '../../db/schema.js';
import { prepared, transact, type Board } from './board.js';
import { appendEvent } from './events.js';
import { BoardError } from './errors.js';
import type { Actor } from './actor.js';

export type Question = typeof questions.$inferSelect;

export interface QuestionOption {
  label: string;
  description: string;
}

export interface QuestionItem {
  question: string;
  header: string;
  options: QuestionOption[];
  multiSelect: boolean;
}

/** What AskUserQuestion (or the coordinator) puts on the board. */
export interface QuestionPayload {
  questions: QuestionItem[];
}

export type AnswerValue = string | string[];

export interface NewQuestion {
  kind: QuestionKind;
  askedBy: string;
  taskId?: number | null;
  gateId?: number | null;
  toolUseId?: string | null;
  payload: QuestionPayload;
}

export function askQuestion(board: Board, runId: number, input: NewQuestion, actor: Actor): Question {
  return transact(board, () => {
    const next = board.db
      .select({ next: sql<number>`coalesce(max(${questions.id}), 0) + 1` })
      .from(questions)
      .where(eq(questions.runId, runId))
      .get();
    const question = board.db
      .insert(questions)
      .values({
        runId,
        id: next?.next ?? 1,
        kind: input.kind,
        askedBy: input.askedBy,
        taskId: input.taskId ?? null,
        gateId: input.gateId ?? null,
        toolUseId: input.toolUseId ?? null,
        payload: input.payload as unknown as JsonObject,
        status: 'pending',
        createdAt: board.now(),
      })
      .returning()
      .get();
    appendEvent(board, runId, actor, 'question.asked', {
      question: question.id,
      kind: input.kind,
      askedBy: input.askedBy,
      taskId: input.taskId ?? null,
      headers: input.payload.questions.map((q) => q.header),
      text: input.payload.questions.map((q) => q.question),
    });
    return question;
  });
}

export function payloadOf(question: Question): QuestionPayload {
  return question.payload as unknown as QuestionPayload;
}

export function getQuestion(board: Board, runId: number, id: number): Question | undefined {
  return board.db
    .select()
    .from(questions)
    .where(and(eq(questions.runId, runId), eq(questions.id, id)))
    .get();
}

export function listQuestions(board: Board, runId: number, status?: Question['status']): Question[] {
  // The coordinator reads pending questions on every check: both forms are prepared once.
  const st = prepared(board, 'questions.list', () => ({
    all: board.db.select().from(questions).where(eq(questions.runId, sql.placeholder('runId'))).orderBy(asc(questions.id)).prepare(),
    byStatus: board.db
      .select()
      .from(questions)
      .where(and(eq(questions.runId, sql.placeholder('runId')), eq(questions.status, sql.placeholder('status'))))
      .orderBy(asc(questions.id))
      .prepare(),
  }));
  return status ? st.byStatus.all({ runId, status }) : st.all.all({ runId });
}

/** Parse "q2", "2" or "#2" into a question id. */
export function parseQuestionId(text: string): number {
  const match = /^(?:q|#)?(\d+)$/i.exec(text.trim());
  if (!match?.[1]) throw new BoardError('invalid', `"${text}" is not a question id; use the id shown on the board, like q2`);
  return Number(match[1]);
}

/**
 * Match raw answers (one per question, in order) to the question's options: an option number
 * ("1"), a label (case-insensitive), several of those separated by commas for multiSelect, or
 * free text (the "Other" answer). Returns the answers keyed by question text.
 */
export function resolveAnswers(payload: QuestionPayload, raw: AnswerValue[]): Record<string, AnswerValue> {
  if (raw.length !== payload.questions.length) {
    throw new BoardError(
      'invalid',
      `this question has ${payload.questions.length} part(s) and ${raw.length} answer(s) were given; give one answer per part, in order`,
    );
  }
  const result: Record<string, AnswerValue> = {};
  payload.questions.forEach((q, index) => {
    const given = raw[index] ?? '';
    const parts = Array.isArray(given) ? given : q.multiSelect ? splitList(given) : [given];
    const labels = parts.map((part) => matchOption(q, part));
    if (labels.length === 0 || labels.every((l) => l.trim() === '')) {
      throw new BoardError('invalid', `the answer to "${q.header}" is empty; pick an option (1-${q.options.length}) or type an answer`);
    }
    result[q.question] = q.multiSelect ? labels : (labels[0] as string);
  });
  return result;
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function matchOption(q: QuestionItem, given: string): string {
  const text = given.trim();
  if (/^\d+$/.test(text)) {
    const option = q.options[Number(text) - 1];
    if (option) return option.label;
  }
  const byLabel = q.options.find((o) => o.label.toLowerCase() === text.toLowerCase());
  return byLabel ? byLabel.label : text;
}

export function answerQuestion(
  board: Board,
  runId: number,
  id: number,
  answers: Record<string, AnswerValue>,
  answeredBy: AnsweredBy,
  actor: Actor,
): Question {
  return transact(board, () => {
    const question = getQuestion(board, runId, id);
    if (!question) throw new BoardError('not_found', `question q${id} does not exist in run ${runId}; see pending questions with \`team status ${runId}\``);
    if (question.status !== 'pending') {
      throw new BoardError('state', `question q${id} is already ${question.status}${question.answeredBy ? ` (by ${question.answeredBy})` : ''}`);
    }
    const updated = board.db
      .update(questions)
      .set({ status: 'answered', answers: answers as JsonObject, answeredBy, answeredAt: Math.max(board.now(), question.createdAt) })
      .where(and(eq(questions.runId, runId), eq(questions.id, id)))
      .returning()
      .get();
    appendEvent(board, runId, actor, 'question.answered', {
      question: id,
      kind: question.kind,
      askedBy: question.askedBy,
      answeredBy,
      answers: answers as JsonObject,
    });
    return updated;
  });
}

export function cancelQuestion(board: Board, runId: number, id: number, reason: string, actor: Actor): void {
  transact(board, () => {
    const question = getQuestion(board, runId, id);
    if (!question || question.status !== 'pending') return;
    board.db
      .update(questions)
      .set({ status: 'cancelled', answeredAt: Math.max(board.now(), question.createdAt) })
      .where(and(eq(questions.runId, runId), eq(questions.id, id)))
      .run();
    appendEvent(board, runId, actor, 'question.cancelled', { question: id, reason });
  });
}

/** The first option of every part: what --auto-answer picks (options are listed recommended first). */
export function recommendedAnswers(payload: QuestionPayload): Record<string, AnswerValue> {
  const result: Record<string, AnswerValue> = {};
  for (const q of payload.questions) {
    const first = q.options[0]?.label ?? '';
    result[q.question] = q.multiSelect ? [first] : first;
  }
  return result;
}
