/**
 * Permission questions through the runtime: a scripted model's Bash calls that its definition does
 * not allow become questions of kind `permission`; the member waits, the answer decides, the
 * member goes on. Commands run unsandboxed here (the permission logic is the same either way; the
 * sandbox has its own suites), so these tests need no system package.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/board/answers.js';
import type { Board } from '../../src/board/board.js';
import { openBoard } from '../../src/board/open.js';
import type { Question } from '../../src/board/types.js';
import type { ModelRequest } from '../../src/models/model.js';
import { executeRun, type Outcome } from '../../src/runtime/run.js';
import { createVirtualClock } from '../../src/runtime/virtual-clock.js';
import { agentFile, prepareTestRun, resultsOf, scriptedModel, T0, text, toolUse, waitFor, type TestRun } from '../helpers/runtime.js';
import { dirOutsideTmp } from '../helpers/outside-tmp.js';

const team = (extra = '') => `
name: test-team
members:
  - { name: op, agent: operator }
pipeline: [work]
tasks:
  - { id: job, subject: Do the job, stage: work, description: Work. }
${extra}`;

const AGENTS = { operator: agentFile('operator', { tools: 'Read, Write, Bash(ls:*), Bash(cat:*)' }) };

let t: TestRun | undefined;

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

afterAll(() => {
  fs.rmSync(dirOutsideTmp('teamboard-permission-tests'), { recursive: true, force: true });
});

type Step = ReturnType<typeof toolUse>[] | string;

/**
 * The member claims the task, makes each step's calls in its own turn, completes the task and stops.
 * The step is chosen by the turns already in the conversation, so a resumed run goes on where it was.
 */
function script(steps: Step[]) {
  const all: Step[] = [[toolUse('claim', 'TaskUpdate', { taskId: '1', status: 'in_progress', owner: 'op' })], ...steps, [toolUse('done', 'TaskUpdate', { taskId: '1', status: 'completed' })], 'finished'];
  return scriptedModel((request) => {
    const step = all[request.messages.filter((m) => m.role === 'assistant').length] ?? 'nothing left';
    return typeof step === 'string' ? [text(step)] : step;
  });
}

function drive(run: TestRun, model: ReturnType<typeof script>, opts: { autoAnswer?: boolean; resumed?: boolean; signal?: AbortSignal; mode?: 'bwrap' | 'none' } = {}): Promise<Outcome> {
  return executeRun({
    board: run.board,
    runId: run.runId,
    model,
    clock: createVirtualClock(T0),
    ordered: true,
    pollMs: 20,
    sandbox: { mode: opts.mode ?? 'none' },
    ...(opts.autoAnswer ? { autoAnswer: true } : {}),
    ...(opts.resumed ? { resumed: true } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** The tool result the model got for a call, parsed. */
function resultFor(requests: ModelRequest[], id: string): { body: Record<string, unknown>; isError: boolean } {
  for (const request of requests) {
    for (const message of request.messages) {
      const found = resultsOf(message).find((r) => r.tool_use_id === id);
      if (found && typeof found.content === 'string') return { body: JSON.parse(found.content) as Record<string, unknown>, isError: found.is_error === true };
    }
  }
  throw new Error(`no result for ${id}`);
}

async function openQuestion(board: Board, runId: number, count = 1): Promise<Question> {
  return waitFor(`open permission question number ${count}`, async () => {
    const all = (await board.listQuestions(runId)).filter((q) => q.kind === 'permission');
    return all.length >= count && all[count - 1]?.status === 'open' ? all[count - 1] : undefined;
  });
}

/** Answer as a person would with `team answer`, from another connection to the board file. */
async function answerAsPerson(run: TestRun, question: Question, raw: string): Promise<void> {
  const other = await openBoard(run.boardFile);
  try {
    await other.answerQuestion(run.runId, question.id, resolveAnswers(question.payload, [raw], 'permission'), 'cli', { kind: 'human', via: 'cli' });
  } finally {
    await other.close();
  }
}

describe('permission questions', () => {
  it('a refused command asks who, what, why and which pattern; "allow for the run" runs it and lets later matches through without asking', async () => {
    t = await prepareTestRun({ team: team(), agents: AGENTS });
    const model = script([[toolUse('first', 'Bash', { command: 'touch made-1.txt' })], [toolUse('second', 'Bash', { command: 'touch made-2.txt' })]]);
    const running = drive(t, model);
    const question = await openQuestion(t.board, t.runId);
    expect(question).toMatchObject({
      kind: 'permission',
      askedBy: 'op',
      taskId: 1,
      toolUseId: 'first',
      payload: {
        questions: [{ question: 'Allow op to run `touch made-1.txt`?', header: 'Permission', multiSelect: false }],
        context: { taskId: 1, command: 'touch made-1.txt', pattern: 'touch:*', cause: '"touch made-1.txt" does not match any allowed pattern (Bash(ls:*), Bash(cat:*))' },
      },
    });
    expect(question.payload.questions[0]?.options.map((o) => [o.label, o.value])).toEqual([
      ['Allow once', 'allow-once'],
      ['Allow for the run', 'allow-pattern'],
      ['Deny', 'deny'],
    ]);
    // Only op waits, and nothing ran yet.
    expect((await t.board.listMembers(t.runId)).find((m) => m.name === 'op')?.status).toBe('waiting');
    expect(fs.existsSync(path.join(t.workspace, 'made-1.txt'))).toBe(false);

    await answerAsPerson(t, question, 'allow-pattern');
    expect(await running).toMatchObject({ status: 'completed' });
    expect(fs.existsSync(path.join(t.workspace, 'made-1.txt'))).toBe(true);
    expect(fs.existsSync(path.join(t.workspace, 'made-2.txt'))).toBe(true);
    expect(resultFor(model.requests, 'first')).toEqual({ body: { exitCode: 0, stdout: '', stderr: '' }, isError: false });
    expect(resultFor(model.requests, 'second').isError).toBe(false);
    const all = await t.board.listQuestions(t.runId);
    expect(all.map((q) => [q.kind, q.status, q.answeredBy])).toEqual([['permission', 'answered', 'cli']]);
  });

  it('"deny: reason" gives the agent an error result with the reason and who decided; the member goes on', async () => {
    t = await prepareTestRun({ team: team(), agents: AGENTS });
    const model = script([[toolUse('rm', 'Bash', { command: 'rm -rf data' })]]);
    const running = drive(t, model);
    await answerAsPerson(t, await openQuestion(t.board, t.runId), 'deny: the data stays, work on a copy');
    expect(await running).toMatchObject({ status: 'completed' });
    expect(resultFor(model.requests, 'rm')).toEqual({
      isError: true,
      body: {
        error: 'permission denied by the person (team answer) for "rm -rf data": the data stays, work on a copy',
        command: 'rm -rf data',
        reason: '"rm -rf data" does not match any allowed pattern (Bash(ls:*), Bash(cat:*))',
        suggestedPattern: 'rm:*',
      },
    });
  });

  it('$(...), bash -c and eval around a refused command ask about that command; "allow once" runs the whole line once', async () => {
    t = await prepareTestRun({ team: team(), agents: AGENTS });
    const model = script([
      [toolUse('subst', 'Bash', { command: 'ls $(touch sub.txt; echo .)' })],
      [toolUse('shell', 'Bash', { command: "bash -c 'touch shell.txt'" })],
      [toolUse('again', 'Bash', { command: "eval 'touch shell.txt'" })],
    ]);
    const running = drive(t, model);
    const first = await openQuestion(t.board, t.runId, 1);
    expect(first.payload.questions[0]?.question).toBe('Allow op to run `touch sub.txt`?');
    expect(first.payload.context?.command).toBe('ls $(touch sub.txt; echo .)');
    await answerAsPerson(t, first, '1');
    const second = await openQuestion(t.board, t.runId, 2);
    expect(second.payload.questions[0]?.question).toBe('Allow op to run `touch shell.txt`?');
    await answerAsPerson(t, second, 'allow once');
    // Allowed once: the same command asks again (here inside eval).
    await answerAsPerson(t, await openQuestion(t.board, t.runId, 3), 'Deny');
    expect(await running).toMatchObject({ status: 'completed' });
    expect(fs.existsSync(path.join(t.workspace, 'sub.txt'))).toBe(true);
    expect(resultFor(model.requests, 'shell').isError).toBe(false);
    expect(resultFor(model.requests, 'again')).toMatchObject({ isError: true, body: { error: 'permission denied by the person (team answer) for "touch shell.txt": no reason given' } });
  });

  it('after "allow for the run" on one command, another command of the same line is asked about in the same call', async () => {
    t = await prepareTestRun({ team: team(), agents: AGENTS });
    const model = script([[toolUse('two', 'Bash', { command: 'touch a.txt && mkdir made' })]]);
    const running = drive(t, model);
    await answerAsPerson(t, await openQuestion(t.board, t.runId, 1), 'allow-pattern');
    const second = await openQuestion(t.board, t.runId, 2);
    expect(second).toMatchObject({ toolUseId: 'two', payload: { context: { pattern: 'mkdir made:*' } } });
    await answerAsPerson(t, second, 'allow-once');
    expect(await running).toMatchObject({ status: 'completed' });
    expect(fs.statSync(path.join(t.workspace, 'made')).isDirectory()).toBe(true);
  });

  it('with --auto-answer a permission is denied (not the first option), recorded as auto, and the agent reads why', async () => {
    t = await prepareTestRun({ team: team(), agents: AGENTS });
    const model = script([[toolUse('net', 'Bash', { command: 'curl -s https://example.com' })]]);
    expect(await drive(t, model, { autoAnswer: true })).toMatchObject({ status: 'completed' });
    const [question] = await t.board.listQuestions(t.runId);
    expect(question).toMatchObject({ kind: 'permission', status: 'answered', answeredBy: 'auto' });
    expect(question?.answers).toEqual([
      { question: 'Allow op to run `curl -s https://example.com`?', picked: ['Deny'], text: 'nobody is at the board (--auto-answer denies every permission); do without it, or use a command your definition allows' },
    ]);
    expect(resultFor(model.requests, 'net')).toMatchObject({
      isError: true,
      body: { error: 'permission denied by --auto-answer for "curl -s https://example.com": nobody is at the board (--auto-answer denies every permission); do without it, or use a command your definition allows' },
    });
  });

  it('the team file pre-approves patterns per member (sandbox.allow): no question', async () => {
    t = await prepareTestRun({ team: team('sandbox:\n  allow:\n    op: ["Bash(touch:*)"]\n    "*": [mkdir]'), agents: AGENTS });
    const model = script([[toolUse('ok', 'Bash', { command: 'touch fine.txt && mkdir' })]]);
    expect(await drive(t, model, { autoAnswer: true })).toMatchObject({ status: 'completed' });
    expect(await t.board.listQuestions(t.runId)).toEqual([]);
    expect(fs.existsSync(path.join(t.workspace, 'fine.txt'))).toBe(true);
  });

  it('is durable: a run stopped while the question is open waits for it again on resume, and acts on an answer given while it was down', async () => {
    t = await prepareTestRun({ team: team(), agents: AGENTS });
    const steps: Step[] = [[toolUse('wait', 'Bash', { command: 'touch once.txt; echo ran >> runs.log' })]];
    const stop = new AbortController();
    const first = drive(t, script(steps), { signal: stop.signal });
    const question = await openQuestion(t.board, t.runId);
    stop.abort();
    expect((await first).status).toBe('stopped');

    // Resumed with the question still open: the member waits on it (it is not asked twice).
    const board = await t.reopen();
    const pause = new AbortController();
    const second = drive(t, script(steps), { resumed: true, signal: pause.signal });
    await waitFor('op to wait again', async () => ((await board.listMembers(t!.runId)).find((m) => m.name === 'op')?.status === 'waiting' ? true : undefined));
    expect((await board.listQuestions(t.runId)).filter((q) => q.kind === 'permission')).toHaveLength(1);
    pause.abort();
    expect((await second).status).toBe('stopped');

    // Answered while no process drives the run; the resumed run runs the command once and goes on.
    await answerAsPerson(t, question, 'allow-once');
    const model = script(steps);
    const third = drive(t, model, { resumed: true });
    expect(await third).toMatchObject({ status: 'completed' });
    expect(fs.readFileSync(path.join(t.workspace, 'runs.log'), 'utf8')).toBe('ran\n');
    expect(resultFor(model.requests, 'wait')).toEqual({ body: { exitCode: 0, stdout: '', stderr: '' }, isError: false });
  });

  it('without a sandbox, a write outside the workspace is a question even for a member Bash is not limited for; its own /tmp and home are not', async () => {
    t = await prepareTestRun({ team: team().replace('agent: operator', 'agent: free'), agents: { free: agentFile('free', { tools: 'Read, Bash' }) } });
    // Not under the temporary folder, where unsandboxed commands may write.
    const outsideDir = dirOutsideTmp('teamboard-permission-tests');
    const outside = path.join(outsideDir, `outside-${process.pid}.txt`);
    const scratch = path.join(os.tmpdir(), `teamboard-probe-${process.pid}`);
    const model = script([[toolUse('tmp', 'Bash', { command: `echo x > ${scratch} && echo y > ~/note && rm -f ${scratch}` })], [toolUse('out', 'Bash', { command: `echo leaked > ${outside}` })]]);
    const running = drive(t, model, { mode: 'none' });
    const question = await openQuestion(t.board, t.runId);
    expect(question.payload.questions[0]?.question).toBe(`Allow op to write outside the workspace (> ${outside})?`);
    expect(question.payload.context?.cause).toBe(`it writes to ${outside}, outside the workspace, and no sandbox keeps it there`);
    expect(question.payload.questions[0]?.options.map((o) => o.value)).toEqual(['allow-once', 'deny']);
    await answerAsPerson(t, question, 'deny');
    expect(await running).toMatchObject({ status: 'completed' });
    expect(resultFor(model.requests, 'tmp').isError).toBe(false);
    expect(fs.existsSync(outside)).toBe(false);
    expect((await t.board.getRun(t.runId))?.config.unsandboxed).toBe(true);
  });
});
