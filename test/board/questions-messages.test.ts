import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coordinator, human } from '../../src/board/actor.js';
import { resolveAnswers } from '../../src/board/answers.js';
import type { QuestionPayload } from '../../src/board/types.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: [] });
});

afterEach(async () => {
  await t.cleanup();
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

describe('questions on the board', () => {
  it('asks, lists, answers once, and records events', async () => {
    const q = (await t.board.askQuestion(t.runId, { kind: 'agent', askedBy: 'mlops', payload, toolUseId: 'toolu_1' }, t.as('mlops')));
    expect(q).toMatchObject({ id: 1, kind: 'agent', askedBy: 'mlops', status: 'open', toolUseId: 'toolu_1', answers: null });
    expect(q.payload).toEqual(payload);
    expect((await t.board.listQuestions(t.runId, 'open')).map((x) => x.id)).toEqual([1]);

    const answers = resolveAnswers(payload, ['2', '1,2']);
    const answered = (await t.board.answerQuestion(t.runId, 1, answers, 'cli', human));
    expect(answered).toMatchObject({ status: 'answered', answeredBy: 'cli', answers: [
        { question: 'Which rollout strategy?', picked: ['Blue/green'], text: null },
        { question: 'Which metrics to watch?', picked: ['AUC', 'Recall'], text: null },
      ],
    });
    expect((await t.board.listQuestions(t.runId, 'open'))).toEqual([]);

    expect(await caught(async () => (await t.board.answerQuestion(t.runId, 1, answers, 'human', human)))).toEqual({
      name: 'BoardError',
      code: 'state',
      message: 'question q1 is already answered (by cli)',
    });
    expect(await caught(async () => (await t.board.answerQuestion(t.runId, 9, answers, 'human', human)))).toEqual({
      name: 'BoardError',
      code: 'not_found',
      message: `question q9 does not exist in run ${t.runId}; see open questions with \`team status ${t.runId}\``,
    });
    expect((await t.events()).filter((e) => e.type.startsWith('question.')).map((e) => [e.type, e.actor])).toEqual([
      ['question.asked', 'mlops'],
      ['question.answered', 'human'],
    ]);
  });

  it('cancels an open question, and then refuses answers', async () => {
    await t.board.askQuestion(t.runId, { kind: 'gate', askedBy: 'coordinator', payload }, coordinator);
    await t.board.cancelQuestion(t.runId, 1, 'gate passed', coordinator);
    expect((await t.board.getQuestion(t.runId, 1))?.status).toBe('cancelled');
    expect((await caught(async () => (await t.board.answerQuestion(t.runId, 1, [], 'human', human)))).message).toBe('question q1 is already cancelled');
    await t.board.cancelQuestion(t.runId, 1, 'again', coordinator);
    expect((await t.events()).filter((e) => e.type === 'question.cancelled')).toHaveLength(1);
  });
});

describe('messages', () => {
  it('delivers a direct message to its recipient only', async () => {
    const sent = (await t.board.sendMessage(t.runId, { from: 'ds', to: 'mle', body: 'Features are ready in features.csv', summary: 'features ready' }, t.as('ds')));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ id: 1, from: 'ds', to: 'mle', summary: 'features ready', readAt: null });
    expect((await t.board.hasUnread(t.runId, 'mle'))).toBe(true);
    expect((await t.board.hasUnread(t.runId, 'mlops'))).toBe(false);
    expect((await t.board.takeInbox(t.runId, 'mlops'))).toEqual([]);
  });

  it('broadcasts with "*" to everyone but the sender', async () => {
    const sent = (await t.board.sendMessage(t.runId, { from: 'mle', to: '*', body: 'Training started' }, t.as('mle')));
    expect(sent.map((m) => [m.id, m.to])).toEqual([
      [1, 'ds'],
      [2, 'mlops'],
    ]);
    expect((await t.events()).at(-1)).toMatchObject({
      type: 'message.sent',
      actor: 'mle',
      payload: { from: 'mle', to: '*', recipients: ['ds', 'mlops'], summary: 'Training started' },
    });
  });

  it('takeInbox returns unread messages oldest first and marks them read', async () => {
    await t.board.sendMessage(t.runId, { from: 'ds', to: 'mle', body: 'one' }, t.as('ds'));
    await t.board.sendMessage(t.runId, { from: 'mlops', to: 'mle', body: 'two' }, t.as('mlops'));
    expect((await t.board.takeInbox(t.runId, 'mle')).map((m) => m.body)).toEqual(['one', 'two']);
    expect((await t.board.hasUnread(t.runId, 'mle'))).toBe(false);
    expect((await t.board.takeInbox(t.runId, 'mle'))).toEqual([]);
    expect((await t.board.listMessages(t.runId)).every((m) => typeof m.readAt === 'number')).toBe(true);
  });

  it('refuses an unknown recipient, naming who can receive', async () => {
    expect(await caught(async () => (await t.board.sendMessage(t.runId, { from: 'ds', to: 'bob', body: 'hi' }, t.as('ds'))))).toEqual({
      name: 'BoardError',
      code: 'not_found',
      message: 'no member named "bob" in this run; send to one of ds, mle, mlops or "*" for everyone',
    });
    expect((await t.board.listMessages(t.runId))).toEqual([]);
  });
});
