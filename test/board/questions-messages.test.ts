import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coordinator, human } from '../../src/board/actor.js';
import { hasUnread, listMessages, sendMessage, takeInbox } from '../../src/board/messages.js';
import {
  answerQuestion,
  askQuestion,
  cancelQuestion,
  getQuestion,
  listQuestions,
  parseQuestionId,
  payloadOf,
  recommendedAnswers,
  resolveAnswers,
  type QuestionPayload,
} from '../../src/board/questions.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

beforeEach(() => {
  t = createTestBoard({ pipeline: [] });
});

afterEach(() => {
  t.cleanup();
});

const payload: QuestionPayload = {
  questions: [
    {
      question: 'Which rollout strategy?',
      header: 'Rollout',
      options: [
        { label: 'Canary 10%', description: 'Send a tenth of traffic first' },
        { label: 'Blue/green', description: 'Switch all at once with a fallback' },
      ],
      multiSelect: false,
    },
    {
      question: 'Which metrics to watch?',
      header: 'Metrics',
      options: [
        { label: 'AUC', description: 'Ranking quality' },
        { label: 'Recall', description: 'Churners caught' },
        { label: 'Latency', description: 'p95 of the endpoint' },
      ],
      multiSelect: true,
    },
  ],
};

describe('resolveAnswers', () => {
  it('maps option numbers and labels (any case) to labels, keyed by question text', () => {
    expect(resolveAnswers(payload, ['1', '2, 3'])).toEqual({
      'Which rollout strategy?': 'Canary 10%',
      'Which metrics to watch?': ['Recall', 'Latency'],
    });
    expect(resolveAnswers(payload, ['blue/green', 'auc,LATENCY'])).toEqual({
      'Which rollout strategy?': 'Blue/green',
      'Which metrics to watch?': ['AUC', 'Latency'],
    });
  });

  it('keeps free text (the "Other" answer), including numbers that are not options', () => {
    expect(resolveAnswers(payload, ['Shadow traffic for a week', ['1', 'Cost per call']])).toEqual({
      'Which rollout strategy?': 'Shadow traffic for a week',
      'Which metrics to watch?': ['AUC', 'Cost per call'],
    });
    expect(resolveAnswers(payload, ['7', '1'])['Which rollout strategy?']).toBe('7');
  });

  it('refuses the wrong number of answers and empty answers', () => {
    expect(caught(() => resolveAnswers(payload, ['1']))).toEqual({
      name: 'BoardError',
      code: 'invalid',
      message: 'this question has 2 part(s) and 1 answer(s) were given; give one answer per part, in order',
    });
    expect(caught(() => resolveAnswers(payload, ['  ', '1'])).message).toBe('the answer to "Rollout" is empty; pick an option (1-2) or type an answer');
    expect(caught(() => resolveAnswers(payload, ['1', ' , '])).message).toBe('the answer to "Metrics" is empty; pick an option (1-3) or type an answer');
  });

  it('recommends the first option of every part', () => {
    expect(recommendedAnswers(payload)).toEqual({ 'Which rollout strategy?': 'Canary 10%', 'Which metrics to watch?': ['AUC'] });
  });

  it('parses question ids', () => {
    expect([parseQuestionId('q2'), parseQuestionId('Q12'), parseQuestionId('#3'), parseQuestionId(' 4 ')]).toEqual([2, 12, 3, 4]);
    expect(caught(() => parseQuestionId('two')).message).toBe('"two" is not a question id; use the id shown on the board, like q2');
  });
});

describe('questions on the board', () => {
  it('asks, lists, answers once, and records events', () => {
    const q = askQuestion(t.board, t.runId, { kind: 'agent', askedBy: 'mlops', payload, toolUseId: 'toolu_1' }, t.as('mlops'));
    expect(q).toMatchObject({ id: 1, kind: 'agent', askedBy: 'mlops', status: 'pending', toolUseId: 'toolu_1', answers: null });
    expect(payloadOf(q)).toEqual(payload);
    expect(listQuestions(t.board, t.runId, 'pending').map((x) => x.id)).toEqual([1]);

    const answers = resolveAnswers(payload, ['2', '1,2']);
    const answered = answerQuestion(t.board, t.runId, 1, answers, 'cli', human);
    expect(answered).toMatchObject({ status: 'answered', answeredBy: 'cli', answers: { 'Which rollout strategy?': 'Blue/green', 'Which metrics to watch?': ['AUC', 'Recall'] } });
    expect(listQuestions(t.board, t.runId, 'pending')).toEqual([]);

    expect(caught(() => answerQuestion(t.board, t.runId, 1, answers, 'human', human))).toEqual({
      name: 'BoardError',
      code: 'state',
      message: 'question q1 is already answered (by cli)',
    });
    expect(caught(() => answerQuestion(t.board, t.runId, 9, answers, 'human', human))).toEqual({
      name: 'BoardError',
      code: 'not_found',
      message: `question q9 does not exist in run ${t.runId}; see pending questions with \`team status ${t.runId}\``,
    });
    expect(t.events().filter((e) => e.type.startsWith('question.')).map((e) => [e.type, e.actor])).toEqual([
      ['question.asked', 'mlops'],
      ['question.answered', 'human'],
    ]);
  });

  it('cancels a pending question, and then refuses answers', () => {
    askQuestion(t.board, t.runId, { kind: 'gate', askedBy: 'coordinator', payload }, coordinator);
    cancelQuestion(t.board, t.runId, 1, 'gate passed', coordinator);
    expect(getQuestion(t.board, t.runId, 1)?.status).toBe('cancelled');
    expect(caught(() => answerQuestion(t.board, t.runId, 1, {}, 'human', human)).message).toBe('question q1 is already cancelled');
    cancelQuestion(t.board, t.runId, 1, 'again', coordinator);
    expect(t.events().filter((e) => e.type === 'question.cancelled')).toHaveLength(1);
  });
});

describe('messages', () => {
  it('delivers a direct message to its recipient only', () => {
    const sent = sendMessage(t.board, t.runId, { from: 'ds', to: 'mle', body: 'Features are ready in features.csv', summary: 'features ready' }, t.as('ds'));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ id: 1, from: 'ds', to: 'mle', summary: 'features ready', readAt: null });
    expect(hasUnread(t.board, t.runId, 'mle')).toBe(true);
    expect(hasUnread(t.board, t.runId, 'mlops')).toBe(false);
    expect(takeInbox(t.board, t.runId, 'mlops')).toEqual([]);
  });

  it('broadcasts with "*" to everyone but the sender', () => {
    const sent = sendMessage(t.board, t.runId, { from: 'mle', to: '*', body: 'Training started' }, t.as('mle'));
    expect(sent.map((m) => [m.id, m.to])).toEqual([
      [1, 'ds'],
      [2, 'mlops'],
    ]);
    expect(t.events().at(-1)).toMatchObject({
      type: 'message.sent',
      actor: 'mle',
      payload: { from: 'mle', to: '*', recipients: ['ds', 'mlops'], summary: 'Training started' },
    });
  });

  it('takeInbox returns unread messages oldest first and marks them read', () => {
    sendMessage(t.board, t.runId, { from: 'ds', to: 'mle', body: 'one' }, t.as('ds'));
    sendMessage(t.board, t.runId, { from: 'mlops', to: 'mle', body: 'two' }, t.as('mlops'));
    expect(takeInbox(t.board, t.runId, 'mle').map((m) => m.body)).toEqual(['one', 'two']);
    expect(hasUnread(t.board, t.runId, 'mle')).toBe(false);
    expect(takeInbox(t.board, t.runId, 'mle')).toEqual([]);
    expect(listMessages(t.board, t.runId).every((m) => typeof m.readAt === 'number')).toBe(true);
  });

  it('refuses an unknown recipient, naming who can receive', () => {
    expect(caught(() => sendMessage(t.board, t.runId, { from: 'ds', to: 'bob', body: 'hi' }, t.as('ds')))).toEqual({
      name: 'BoardError',
      code: 'not_found',
      message: 'no member named "bob" in this run; send to one of ds, mle, mlops or "*" for everyone',
    });
    expect(listMessages(t.board, t.runId)).toEqual([]);
  });
});
