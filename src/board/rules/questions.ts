import { actorName, type Actor } from '../actor.js';
import { assertOpen } from '../answers.js';
import { BoardError } from '../errors.js';
import { checkJsonSize, checkLength, LIMITS } from '../limits.js';
import type { Tx } from '../store.js';
import type { AnsweredBy, Answers, NewQuestion, Question, QuestionPayload } from '../types.js';

function checkPayload(payload: QuestionPayload): void {
  if (payload.questions.length === 0) throw new BoardError('invalid', 'a question needs at least one part; give 1-4 questions');
  const seen = new Set<string>();
  for (const item of payload.questions) {
    checkLength('question', item.question, LIMITS.questionText, 'ask a short question and put background in a workspace file');
    const key = item.question.trim().toLowerCase();
    if (seen.has(key)) {
      throw new BoardError('invalid', `two parts ask the same question ("${item.question}"); each part needs its own question text, or the answers cannot be told apart`);
    }
    seen.add(key);
    const labels = new Set<string>();
    for (const option of item.options) {
      checkLength('option label', option.label, LIMITS.optionLabel, 'use 1-5 words');
      checkLength('option description', option.description, LIMITS.optionDescription, 'keep it to a few sentences');
      const label = option.label.trim().toLowerCase();
      if (labels.has(label)) throw new BoardError('invalid', `"${item.header}" lists the option "${option.label}" twice; give each option its own label`);
      labels.add(label);
    }
  }
  checkJsonSize('the question', payload, LIMITS.questionPayload, 'ask less at once');
}

export async function askQuestion(tx: Tx, runId: number, input: NewQuestion, actor: Actor): Promise<Question> {
  checkPayload(input.payload);
  await tx.lockRun(runId, 'exclusive');
  const question: Question = {
    runId,
    id: await tx.nextQuestionId(runId),
    kind: input.kind,
    askedBy: input.askedBy,
    taskId: input.taskId ?? null,
    gateId: input.gateId ?? null,
    toolUseId: input.toolUseId ?? null,
    payload: input.payload,
    status: 'open',
    answers: null,
    answeredBy: null,
    createdAt: tx.now(),
    answeredAt: null,
  };
  await tx.insertQuestion(question);
  await tx.appendEvent(runId, actorName(actor), {
    type: 'question.asked',
    payload: {
      question: question.id,
      kind: input.kind,
      askedBy: input.askedBy,
      taskId: question.taskId,
      headers: input.payload.questions.map((q) => q.header),
      text: input.payload.questions.map((q) => q.question),
    },
  });
  return question;
}

export async function requireQuestion(tx: Tx, runId: number, id: number): Promise<Question> {
  const question = await tx.getQuestion(runId, id);
  if (!question) throw new BoardError('not_found', `question q${id} does not exist in run ${runId}; see open questions with \`team status ${runId}\``);
  return question;
}

export async function answerQuestion(tx: Tx, runId: number, id: number, answers: Answers, answeredBy: AnsweredBy, actor: Actor): Promise<Question> {
  await tx.lockRun(runId, 'exclusive');
  const question = await requireQuestion(tx, runId, id);
  assertOpen(question);
  const parts = question.payload.questions.map((q) => q.question);
  if (answers.length !== parts.length || answers.some((a, i) => a.question !== parts[i])) {
    throw new BoardError('invalid', `the answers do not match the parts of q${id}; give one answer per part, in order`);
  }
  const answeredAt = Math.max(tx.now(), question.createdAt);
  await tx.updateQuestion(runId, id, { status: 'answered', answers, answeredBy, answeredAt });
  await tx.appendEvent(runId, actorName(actor), {
    type: 'question.answered',
    payload: { question: id, kind: question.kind, askedBy: question.askedBy, answeredBy, answers },
  });
  return { ...question, status: 'answered', answers, answeredBy, answeredAt };
}

export async function cancelQuestion(tx: Tx, runId: number, id: number, reason: string, actor: Actor): Promise<void> {
  await tx.lockRun(runId, 'exclusive');
  const question = await tx.getQuestion(runId, id);
  if (!question || question.status !== 'open') return;
  await tx.updateQuestion(runId, id, { status: 'cancelled', answeredAt: Math.max(tx.now(), question.createdAt) });
  await tx.appendEvent(runId, actorName(actor), { type: 'question.cancelled', payload: { question: id, reason } });
}
