import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { openBoard } from '../../src/board/open.js';
import { createSimModel } from '../../src/models/sim.js';
import { act, think } from '../../src/runtime/member.js';
import { KICKOFF } from '../../src/runtime/prompt.js';
import { realClock } from '../../src/shared/clock.js';
import { answerResult, askUserQuestionTool } from '../../src/tools/ask-user-question.js';
import { toolSpec } from '../../src/tools/json-schema.js';
import { sendMessageTool } from '../../src/tools/send-message.js';
import type { Tool, ToolContext } from '../../src/tools/tool.js';
import { runTool } from '../../src/tools/run-tool.js';
import { ofType, prepareTestRun, resultsOf, runOrdered, scriptedModel, startMember, text, toolUse, waitFor, type TestRun } from '../helpers/runtime.js';

const TEAM = `
name: test-team
description: Tools test team.
members:
  - { name: ds, agent: data-scientist }
  - { name: mle, agent: ml-engineer }
  - { name: mlops, agent: mlops-engineer }
pipeline: [work]
tasks:
  - id: decide
    subject: Decide the label
    stage: work
    role: data-scientist
    description: Ask the person.
    sim:
      steps:
        - ask:
            key: label
            header: Label
            question: Which label?
            options:
              - { label: Cancelled, value: cancelled }
              - { label: Inactive, value: inactive }
        - bash: echo {{label}} > label.txt
  - id: first
    subject: First independent job
    stage: work
    role: ml-engineer
    description: Work.
    sim: { steps: [ { bash: "sleep 0.3; echo one > one.txt" } ] }
  - id: second
    subject: Second independent job
    stage: work
    role: ml-engineer
    description: Work.
    sim: { steps: [ { bash: "sleep 0.3; echo two > two.txt" } ] }
`;

let t: TestRun;

afterEach(async () => {
  await t?.cleanup();
});

function ctx(member: string, extra: Partial<ToolContext> = {}): ToolContext {
  const role = member === 'ds' ? 'data-scientist' : member === 'mle' ? 'ml-engineer' : 'mlops-engineer';
  return { board: t.board, runId: t.runId, member, role, workspace: t.workspace, clock: realClock, ...extra };
}

async function call(tool: Tool, input: unknown, member = 'ds', extra: Partial<ToolContext> = {}) {
  const result = await runTool(tool, input, ctx(member, extra));
  return { isError: result.isError, body: JSON.parse(result.content) as unknown, awaitsQuestion: result.awaitsQuestion };
}

const option = (label: string) => ({ label, description: `${label} it is.` });
const question = (over: Record<string, unknown> = {}) => ({ question: 'Which label?', header: 'Label', options: [option('A'), option('B')], multiSelect: false, ...over });

describe('tool schemas', () => {
  it.each([askUserQuestionTool, sendMessageTool])('$name spec', (tool) => {
    expect(toolSpec(tool)).toMatchSnapshot();
  });
});

describe('AskUserQuestion', () => {
  const ASK_FIELDS = 'Expected fields: questions (object[])';

  it.each([
    ['no questions', { questions: [] }, 'questions: too small: expected array to have >=1 items'],
    ['five questions', { questions: [1, 2, 3, 4, 5].map((n) => question({ question: `Q${n}?` })) }, 'questions: too big: expected array to have <=4 items'],
    ['one option', { questions: [question({ options: [option('A')] })] }, 'questions.0.options: too small: expected array to have >=2 items'],
    ['five options', { questions: [question({ options: ['A', 'B', 'C', 'D', 'E'].map(option) })] }, 'questions.0.options: too big: expected array to have <=4 items'],
    ['a long header', { questions: [question({ header: 'Thirteen char' })] }, 'questions.0.header: too big: expected string to have <=12 characters'],
    ['no multiSelect', { questions: [question({ multiSelect: undefined })] }, 'questions.0.multiSelect: missing (expected boolean)'],
    ['an option without label', { questions: [question({ options: [{ description: 'x' }, option('B')] })] }, 'questions.0.options.0.label: missing (expected string)'],
  ])('refuses %s with an error result', async (_name, input, problem) => {
    t = await prepareTestRun({ team: TEAM });
    expect(await call(askUserQuestionTool, input)).toEqual({
      isError: true,
      body: { error: `invalid input for AskUserQuestion: ${problem}. ${ASK_FIELDS}` },
      awaitsQuestion: undefined,
    });
    expect(await t.board.listQuestions(t.runId)).toEqual([]);
  });

  it('stores 1-4 questions (multiSelect allowed) on the board, linked to the call and the current task', async () => {
    t = await prepareTestRun({ team: TEAM });
    const questions = [question(), question({ question: 'Which metrics?', header: 'Metrics', options: [option('AUC'), option('Recall'), option('Precision'), option('F1')], multiSelect: true })];
    const result = await call(askUserQuestionTool, { questions }, 'ds', { toolUseId: 'toolu_1', runtime: { currentTask: () => 1 } });
    expect(result).toEqual({ isError: false, body: { pending: 'q1' }, awaitsQuestion: 1 });
    expect(await t.board.listQuestions(t.runId)).toMatchObject([{ id: 1, kind: 'agent', askedBy: 'ds', taskId: 1, toolUseId: 'toolu_1', status: 'open', payload: { questions } }]);
    expect(ofType(await t.events(), 'question.asked').map((e) => e.payload)).toEqual([
      { question: 1, kind: 'agent', askedBy: 'ds', taskId: 1, headers: ['Label', 'Metrics'], text: ['Which label?', 'Which metrics?'] },
    ]);
  });

  it('blocks only the asking member: the rest of the team keeps working in a concurrent run', async () => {
    t = await prepareTestRun({ team: TEAM });
    const model = createSimModel({ seed: 3, clock: realClock, speed: 20 });
    const running = runOrdered(t, { ordered: false, model, clock: realClock, pollMs: 20 });
    // A person answers from another process, with its own connection to the board file.
    const other = await openBoard(t.boardFile);
    try {
      await waitFor(
        'mle to finish both tasks while ds waits',
        async () => (ofType(await other.listEvents(t.runId), 'task.completed').length === 2 && (await other.listQuestions(t.runId, 'open')).length === 1 ? true : undefined),
        30_000,
      );
      const open = await other.listQuestions(t.runId, 'open');
      expect(open.map((q) => q.askedBy)).toEqual(['ds']);
      await other.answerQuestion(t.runId, open[0]?.id ?? 0, [{ question: 'Which label?', picked: ['Inactive'], text: null }], 'cli', human);
    } finally {
      await other.close();
    }
    expect(await running).toEqual({ status: 'completed', reason: '3 tasks completed' });
    const events = await t.events();
    const seqOf = (type: string, taskId?: number) => events.find((e) => e.type === type && (taskId === undefined || ('taskId' in e.payload && e.payload.taskId === taskId)))?.seq ?? -1;
    // mle finished its second task while ds's question was pending; ds finished only after the answer.
    expect(seqOf('question.asked')).toBeLessThan(seqOf('task.completed', 3));
    expect(seqOf('task.completed', 3)).toBeLessThan(seqOf('question.answered'));
    expect(seqOf('question.answered')).toBeLessThan(seqOf('task.completed', 1));
    expect(ofType(events, 'task.completed').map((e) => [e.payload.taskId, e.payload.owner])).toEqual([
      [2, 'mle'],
      [3, 'mle'],
      [1, 'ds'],
    ]);
    const fs = await import('node:fs');
    expect(fs.readFileSync(path.join(t.workspace, 'label.txt'), 'utf8')).toBe('inactive\n');
  });
});

describe('AskUserQuestion answers', () => {
  it('gives the agent the labels picked, a note added to a pick, and own words with what to do with them', async () => {
    t = await prepareTestRun({ team: TEAM });
    const questions = [question(), question({ question: 'Which metrics?', header: 'Metrics', options: [option('AUC'), option('Recall')], multiSelect: true })];
    await call(askUserQuestionTool, { questions });
    const answered = await t.board.answerQuestion(
      t.runId,
      1,
      [
        { question: 'Which label?', picked: ['B'], text: 'only for EU customers' },
        { question: 'Which metrics?', picked: ['AUC', 'Recall'], text: null },
      ],
      'cli',
      human,
    );
    expect(JSON.parse(answerResult(answered).content)).toEqual({ answers: { 'Which label?': 'B (note: only for EU customers)', 'Which metrics?': ['AUC', 'Recall'] } });

    await call(askUserQuestionTool, { questions: [question()] });
    const own = await t.board.answerQuestion(t.runId, 2, [{ question: 'Which label?', picked: [], text: 'neither, use churned' }], 'cli', human);
    const body: unknown = JSON.parse(answerResult(own).content);
    expect(body).toMatchObject({ answers: { 'Which label?': 'neither, use churned' } });
    expect(body).toHaveProperty('note', expect.stringContaining('answered in their own words'));
  });
});

describe('SendMessage', () => {
  it('sends to one member, to everyone with "*", and refuses an unknown name', async () => {
    t = await prepareTestRun({ team: TEAM });
    expect(await call(sendMessageTool, { to: 'mle', message: 'The data is ready.', summary: 'data ready' })).toEqual({ isError: false, body: { sent: ['mle'] }, awaitsQuestion: undefined });
    expect(await call(sendMessageTool, { to: '*', message: 'Stand-up in five.' }, 'mlops')).toEqual({ isError: false, body: { sent: ['ds', 'mle'] }, awaitsQuestion: undefined });
    expect(await call(sendMessageTool, { to: 'bob', message: 'Hi' })).toEqual({
      isError: true,
      body: { error: 'no member named "bob" in this run; send to one of ds, mle, mlops or "*" for everyone' },
      awaitsQuestion: undefined,
    });
    expect(await call(sendMessageTool, { to: '', message: 'Hi' })).toEqual({
      isError: true,
      body: { error: 'invalid input for SendMessage: to: too small: expected string to have >=1 characters. Expected fields: to (string), message (string), summary? (string)' },
      awaitsQuestion: undefined,
    });
    expect((await t.board.listMessages(t.runId)).map((m) => [m.from, m.to, m.body, m.summary])).toEqual([
      ['ds', 'mle', 'The data is ready.', 'data ready'],
      ['mlops', 'ds', 'Stand-up in five.', null],
      ['mlops', 'mle', 'Stand-up in five.', null],
    ]);
  });

  it('delivers messages between turns, as a text block of the next user message', async () => {
    t = await prepareTestRun({ team: TEAM });
    const model = scriptedModel((req, n) => {
      if (req.member === 'ds') return n === 0 ? [toolUse('m1', 'SendMessage', { to: 'mle', message: 'Data is in data.csv.', summary: 'data ready' })] : [text('Sent.')];
      return n === 0 ? [toolUse('l1', 'TaskList')] : [text('Got it.')];
    });
    const ds = await startMember(t, 'ds', model);
    const mle = await startMember(t, 'mle', model);

    // mle is mid-conversation: the message joins its pending tool results.
    await act(mle, await think(mle));
    await act(ds, await think(ds));
    expect(resultsOf(ds.messages.at(-1))[0]?.content).toBe(JSON.stringify({ sent: ['mle'] }));
    await act(mle, await think(mle));
    const seen = model.requests.filter((r) => r.member === 'mle')[1]?.messages.at(-1);
    expect(seen?.role).toBe('user');
    expect(Array.isArray(seen?.content) && seen.content.map((b) => b.type)).toEqual(['tool_result', 'text']);
    expect(Array.isArray(seen?.content) && seen.content[1]).toEqual({ type: 'text', text: 'Message from ds (data ready): Data is in data.csv.' });
    expect((await t.board.listMessages(t.runId))[0]?.readAt).not.toBeNull();

    // Sent before the recipient's first turn: added to its kickoff message.
    const mlops = await startMember(t, 'mlops', model);
    await runTool(sendMessageTool, { to: 'mlops', message: 'Welcome aboard.' }, ctx('ds'));
    await think(mlops);
    expect(model.requests.at(-1)?.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: KICKOFF },
          { type: 'text', text: 'Message from ds: Welcome aboard.' },
        ],
      },
    ]);
  });
});
