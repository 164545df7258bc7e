import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import { getMember } from '../../src/board/members.js';
import { answerQuestion, listQuestions } from '../../src/board/questions.js';
import { getRun } from '../../src/board/runs.js';
import { createTask, getTask } from '../../src/board/tasks.js';
import { loadTranscript, saveTranscript } from '../../src/board/transcripts.js';
import type { Message } from '../../src/models/model.js';
import { wakeIdle } from '../../src/runtime/driver.js';
import { act, canThink, deliverAnswer, runPendingCalls, think, type MemberRuntime, type PartialTurn } from '../../src/runtime/member.js';
import { KICKOFF } from '../../src/runtime/prompt.js';
import {
  agentFile,
  ofType,
  prepareTestRun,
  resultsOf,
  runOrdered,
  scriptedModel,
  startMember,
  text,
  textsOf,
  toolUse,
  waitFor,
  type TestRun,
} from '../helpers/runtime.js';

const TEAM = `
name: test-team
description: A small team for agent loop tests.
members:
  - { name: ds, agent: data-scientist }
  - { name: mle, agent: ml-engineer }
  - { name: ds2, agent: data-scientist }
  - { name: shell-less, agent: no-shell }
pipeline: [data, training, deploy]
gates:
  - { before: deploy, approval: human }
tasks:
  - id: prepare
    subject: Prepare the data
    stage: data
    role: data-scientist
    description: Write data.txt.
    sim:
      steps:
        - ask:
            key: label
            header: Label
            question: Which label should we use?
            options:
              - { label: Cancelled, value: cancelled, description: Explicit cancellations. }
              - { label: Inactive, value: inactive, description: No logins for 30 days. }
        - bash: echo "label={{label}}" > data.txt
`;

const AGENTS = { 'no-shell': agentFile('no-shell', { disallowedTools: 'Bash' }) };

const ALL_TOOLS = 'TaskList, TaskGet, TaskUpdate, TaskCreate, AskUserQuestion, SendMessage, Read, Write, Edit, Glob, Grep, Bash';

let t: TestRun;

function setup(): TestRun {
  t = prepareTestRun({ team: TEAM, agents: AGENTS });
  return t;
}

afterEach(() => {
  t?.cleanup();
});

async function step(member: MemberRuntime): Promise<void> {
  await act(member, await think(member));
}

function stored(member = 'ds') {
  const transcript = loadTranscript(t.board, t.runId, member);
  if (!transcript) throw new Error(`no transcript for ${member}`);
  return { messages: transcript.messages as Message[], inFlight: transcript.inFlight as PartialTurn[] };
}

describe('agent loop: transcripts', () => {
  it('persists the conversation after every step, including a turn in flight', async () => {
    setup();
    const model = scriptedModel((_req, n) => {
      if (n === 0) return [text('Looking at the board.'), toolUse('a1', 'TaskList')];
      if (n === 1) return [toolUse('b1', 'Write', { file_path: 'notes.txt', content: 'hello' }), toolUse('b2', 'Bash', { command: 'sleep 0.4; cat notes.txt' })];
      return [text('All done here.')];
    });
    const ds = startMember(t, 'ds', model);
    expect(stored()).toEqual({ messages: [{ role: 'user', content: KICKOFF }], inFlight: [] });

    await step(ds);
    const first = stored();
    expect(first.inFlight).toEqual([]);
    expect(first.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(resultsOf(first.messages[2])[0]).toMatchObject({ tool_use_id: 'a1' });
    expect(JSON.parse(resultsOf(first.messages[2])[0]?.content ?? '')).toMatchObject({ tasks: [{ id: '1', subject: 'Prepare the data' }] });

    // While the Bash call runs, the stored turn shows the Write result and the Bash call as started.
    const during = new Promise<ReturnType<typeof stored>>((resolve) => setTimeout(() => resolve(stored()), 200));
    await step(ds);
    const mid = await during;
    expect(mid.messages).toHaveLength(3);
    expect(mid.inFlight).toHaveLength(1);
    expect(mid.inFlight[0]?.started).toEqual(['b1', 'b2']);
    expect(Object.keys(mid.inFlight[0]?.results ?? {})).toEqual(['b1']);
    expect(mid.inFlight[0]?.results.b1?.isError).toBe(false);

    const second = stored();
    expect(second.inFlight).toEqual([]);
    expect(second.messages).toHaveLength(5);
    expect(resultsOf(second.messages[4]).map((r) => [r.tool_use_id, r.is_error ?? false])).toEqual([
      ['b1', false],
      ['b2', false],
    ]);
    expect(JSON.parse(resultsOf(second.messages[4])[1]?.content ?? '')).toMatchObject({ exitCode: 0, stdout: 'hello' });

    await step(ds);
    expect(stored().messages.at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'All done here.' }] });
    expect(ds.state).toBe('idle');
    expect(getMember(t.board, t.runId, 'ds')?.status).toBe('idle');
    expect(ofType(t.events(), 'tool.called').map((e) => [e.payload.tool, e.payload.summary, e.payload.ok])).toEqual([
      ['TaskList', '', true],
      ['Write', 'notes.txt', true],
      ['Bash', 'sleep 0.4; cat notes.txt', true],
    ]);
  });

  it('reports a call that was running at a crash as interrupted and never runs it again; unstarted calls do run', async () => {
    setup();
    const crashed: PartialTurn = {
      assistant: {
        role: 'assistant',
        content: [
          text('Writing both files.'),
          toolUse('w1', 'Write', { file_path: 'first.txt', content: 'one' }),
          toolUse('w2', 'Write', { file_path: 'second.txt', content: 'two' }),
        ],
      },
      results: {},
      started: ['w1'],
      question: null,
    };
    saveTranscript(t.board, t.runId, 'ds', { messages: [{ role: 'user', content: KICKOFF }], inFlight: [crashed] });
    t.reopen();

    const model = scriptedModel(() => [text('Checking what happened.')]);
    const ds = startMember(t, 'ds', model);
    expect(ds.state).toBe('active');
    // The repair is stored at once, so a second crash does not lose it.
    expect(stored().inFlight[0]?.results.w1).toEqual({
      content: JSON.stringify({
        error:
          'interrupted: this tool call was running when the run stopped (crash, kill or stop), so it may or may not have taken effect. Check its effects (files, task status) before doing it again.',
      }),
      isError: true,
    });

    await runPendingCalls(ds);
    expect(fs.existsSync(path.join(t.workspace, 'first.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(t.workspace, 'second.txt'), 'utf8')).toBe('two');
    expect(ofType(t.events(), 'tool.called').map((e) => e.payload.summary)).toEqual(['second.txt']);

    await step(ds);
    const seen = model.requests[0]?.messages ?? [];
    expect(resultsOf(seen.at(-1)).map((r) => [r.tool_use_id, r.is_error === true, r.content.includes('interrupted: this tool call was running')])).toEqual([
      ['w1', true, true],
      ['w2', false, false],
    ]);
  });

  it('a crash while the simulated model ran a Bash step: resume tells it, and it runs the step again to finish the task', async () => {
    setup();
    const answered = (q: { id: number }) => ({ answers: { 'Which label should we use?': q.id === 1 ? 'Inactive' : 'Cancelled' }, by: 'auto' as const });
    // Drive ds by hand until its next call is the Bash step, then "crash" with that call marked started.
    const { createSimModel } = await import('../../src/models/sim.js');
    const { createVirtualClock } = await import('../../src/runtime/virtual-clock.js');
    const sim = createSimModel({ seed: 1, clock: createVirtualClock(0), instant: true });
    const ds = startMember(t, 'ds', sim);
    for (let i = 0; i < 10; i++) {
      const response = await think(ds);
      const bash = response.content.find((b) => b.type === 'tool_use' && b.name === 'Bash');
      if (bash && bash.type === 'tool_use') {
        ds.partial = { assistant: { role: 'assistant', content: response.content }, results: {}, started: [bash.id], question: null };
        const { persist } = await import('../../src/runtime/member.js');
        persist(ds);
        break;
      }
      await act(ds, response);
      const pending = listQuestions(t.board, t.runId, 'pending')[0];
      if (pending) {
        answerQuestion(t.board, t.runId, pending.id, answered(pending).answers, 'cli', human);
        expect(deliverAnswer(ds, pending.id)).toBe(true);
      }
    }
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ status: 'in_progress', owner: 'ds' });
    expect(fs.existsSync(path.join(t.workspace, 'data.txt'))).toBe(false);
    t.reopen();

    const outcome = await runOrdered(t, { resumed: true, autoAnswer: true });
    expect(outcome.status).toBe('completed');
    expect(fs.readFileSync(path.join(t.workspace, 'data.txt'), 'utf8')).toBe('label=inactive\n');
    const transcript = JSON.stringify(loadTranscript(t.board, t.runId, 'ds'));
    expect(transcript).toContain('interrupted: this tool call was running when the run stopped');
    expect(ofType(t.events(), 'member.said').map((e) => e.payload.text)).toContain(
      'That step was interrupted before it finished; running it again (the scripts are safe to re-run). Running `echo "label=inactive" > data.txt`.',
    );
    expect(ofType(t.events(), 'task.completed').map((e) => e.payload.taskId)).toEqual([1]);
  });
});

describe('agent loop: questions', () => {
  const ASK = {
    questions: [
      {
        question: 'Which label should we use?',
        header: 'Label',
        options: [
          { label: 'Cancelled', description: 'Explicit cancellations.' },
          { label: 'Inactive', description: 'No logins for 30 days.' },
        ],
        multiSelect: false,
      },
    ],
  };

  it('a pending AskUserQuestion survives a restart: still pending, the member waits, the answer is delivered', async () => {
    setup();
    const model = scriptedModel((_req, n) => (n === 0 ? [text('Asking.'), toolUse('ask1', 'AskUserQuestion', ASK)] : [text('Thanks.')]));
    const ds = startMember(t, 'ds', model);
    await step(ds);
    expect(ds.state).toBe('waiting');
    expect(canThink(ds)).toBe(false);
    expect(listQuestions(t.board, t.runId, 'pending').map((q) => [q.id, q.askedBy, q.kind, q.toolUseId])).toEqual([[1, 'ds', 'agent', 'ask1']]);

    t.reopen();
    const again = startMember(t, 'ds', model);
    expect(again.state).toBe('waiting');
    expect(again.partial?.question).toEqual({ useId: 'ask1', questionId: 1 });
    expect(canThink(again)).toBe(false);
    expect(listQuestions(t.board, t.runId, 'pending')).toHaveLength(1);

    answerQuestion(t.board, t.runId, 1, { 'Which label should we use?': 'Inactive' }, 'cli', human);
    expect(deliverAnswer(again, 1)).toBe(true);
    expect(again.state).toBe('active');
    expect(resultsOf(again.messages.at(-1))).toEqual([
      { type: 'tool_result', tool_use_id: 'ask1', content: JSON.stringify({ answers: { 'Which label should we use?': 'Inactive' } }) },
    ]);
    await step(again);
    expect(resultsOf(model.requests[1]?.messages.at(-1))[0]?.content).toBe(JSON.stringify({ answers: { 'Which label should we use?': 'Inactive' } }));
  });

  it('a question answered while the process was down is delivered on restart', async () => {
    setup();
    const model = scriptedModel((_req, n) => (n === 0 ? [toolUse('ask1', 'AskUserQuestion', ASK)] : [text('Thanks.')]));
    await step(startMember(t, 'ds', model));
    t.reopen();
    answerQuestion(t.board, t.runId, 1, { 'Which label should we use?': 'Cancelled' }, 'cli', human);
    const ds = startMember(t, 'ds', model);
    expect(ds.state).toBe('active');
    await runPendingCalls(ds);
    expect(resultsOf(ds.messages.at(-1))[0]?.content).toBe(JSON.stringify({ answers: { 'Which label should we use?': 'Cancelled' } }));
  });

  it('a whole run stopped while a question is pending resumes, takes the answer given meanwhile and finishes', async () => {
    setup();
    const abort = new AbortController();
    const stopped = runOrdered(t, { signal: abort.signal });
    const asker = await waitFor('the question', () => listQuestions(t.board, t.runId, 'pending')[0]?.askedBy);
    abort.abort();
    expect(await stopped).toEqual({ status: 'stopped', reason: 'stopped from the terminal' });
    expect(getMember(t.board, t.runId, asker)?.status).toBe('waiting');

    t.reopen();
    answerQuestion(t.board, t.runId, 1, { 'Which label should we use?': 'Inactive' }, 'cli', human);
    expect(await runOrdered(t, { resumed: true, autoAnswer: true })).toEqual({ status: 'completed', reason: '1 tasks completed' });
    expect(fs.readFileSync(path.join(t.workspace, 'data.txt'), 'utf8')).toBe('label=inactive\n');
  });
});

describe('agent loop: tools', () => {
  it('an unknown tool gives an error result naming the tools the member has', async () => {
    setup();
    const model = scriptedModel((_req, n) => (n === 0 ? [toolUse('x1', 'Frobnicate', { hard: true })] : [text('ok')]));
    const ds = startMember(t, 'ds', model);
    await step(ds);
    expect(resultsOf(ds.messages.at(-1))).toEqual([
      { type: 'tool_result', tool_use_id: 'x1', is_error: true, content: JSON.stringify({ error: `unknown tool "Frobnicate"; you can use: ${ALL_TOOLS}` }) },
    ]);
    expect(ofType(t.events(), 'tool.called').map((e) => e.payload)).toEqual([
      { member: 'ds', tool: 'Frobnicate', summary: '', ok: false, error: `unknown tool "Frobnicate"; you can use: ${ALL_TOOLS}` },
    ]);
  });

  it('a member only gets the tools its definition allows', async () => {
    setup();
    const model = scriptedModel((_req, n) => (n === 0 ? [toolUse('s1', 'Bash', { command: 'echo hacked > hacked.txt' })] : [text('ok')]));
    const member = startMember(t, 'shell-less', model);
    const names = 'TaskList, TaskGet, TaskUpdate, TaskCreate, AskUserQuestion, SendMessage, Read, Write, Edit, Glob, Grep';
    expect(member.specs.map((s) => s.name).join(', ')).toBe(names);
    await step(member);
    expect(model.requests[0]?.tools.map((s) => s.name).join(', ')).toBe(names);
    expect(resultsOf(member.messages.at(-1))).toEqual([
      { type: 'tool_result', tool_use_id: 's1', is_error: true, content: JSON.stringify({ error: `unknown tool "Bash"; you can use: ${names}` }) },
    ]);
    expect(fs.existsSync(path.join(t.workspace, 'hacked.txt'))).toBe(false);
    expect(startMember(t, 'ds', model).specs.map((s) => s.name).join(', ')).toBe(ALL_TOOLS);
  });
});

describe('agent loop: waking idle members', () => {
  async function idle(name: string): Promise<MemberRuntime> {
    const member = startMember(t, name, scriptedModel(() => [text('Nothing for me.')]));
    await step(member);
    expect(member.state).toBe('idle');
    return member;
  }

  it('wakes only members a change concerns, one per claimable task, never twice for the same task', async () => {
    setup();
    // Task #1 (prepare, data-scientist) is open from the start: complete it so the board is quiet.
    const { claimTask, updateTask } = await import('../../src/board/tasks.js');
    updateTask(t.board, t.runId, 1, { status: 'completed' }, human);
    const members = [await idle('ds'), await idle('mle'), await idle('ds2')];
    const [ds, mle, ds2] = members as [MemberRuntime, MemberRuntime, MemberRuntime];
    const lastNote = (m: MemberRuntime) => textsOf(m.messages.at(-1))[0];

    wakeIdle(t.board, t.runId, members);
    expect(members.map((m) => m.state)).toEqual(['idle', 'idle', 'idle']);

    // A task behind a closed gate concerns nobody yet.
    createTask(t.board, t.runId, { subject: 'Ship', stage: 'deploy' }, human);
    wakeIdle(t.board, t.runId, members);
    expect(members.map((m) => m.state)).toEqual(['idle', 'idle', 'idle']);

    const train = createTask(t.board, t.runId, { subject: 'Train', stage: 'training', role: 'ml-engineer' }, human);
    wakeIdle(t.board, t.runId, members);
    expect(members.map((m) => m.state)).toEqual(['idle', 'active', 'idle']);
    expect(lastNote(mle)).toBe(`The board changed: task #${train.id} "Train" is ready and you may take it.`);

    // mle looks and goes idle again without claiming: it is not woken again for the same task.
    await step(mle);
    expect(mle.state).toBe('idle');
    wakeIdle(t.board, t.runId, members);
    expect(mle.state).toBe('idle');

    // Nor does a task blocked by an open one.
    createTask(t.board, t.runId, { subject: 'Tune', stage: 'training', role: 'ml-engineer', blockedBy: [train.id] }, human);
    wakeIdle(t.board, t.runId, members);
    expect(members.map((m) => m.state)).toEqual(['idle', 'idle', 'idle']);

    // One claimable data-scientist task wakes one data scientist, not both.
    const report = createTask(t.board, t.runId, { subject: 'Report', stage: 'data', role: 'data-scientist' }, human);
    wakeIdle(t.board, t.runId, members);
    expect(members.map((m) => m.state)).toEqual(['active', 'idle', 'idle']);
    expect(lastNote(ds)).toBe(`The board changed: task #${report.id} "Report" is ready and you may take it.`);
    claimTask(t.board, t.runId, report.id, { kind: 'member', name: 'ds', role: 'data-scientist' });

    // A message wakes its recipient.
    const { sendMessage } = await import('../../src/board/messages.js');
    sendMessage(t.board, t.runId, { from: 'mle', to: 'ds2', body: 'Can you check the data?' }, human);
    wakeIdle(t.board, t.runId, members);
    expect(ds2.state).toBe('active');
    expect(lastNote(ds2)).toBe('You have new messages from your team.');
    expect(mle.state).toBe('idle');
  });
});

describe('agent loop: max turns', () => {
  it('stops a member that loops without pausing and puts its task back with a note', async () => {
    setup();
    const model = scriptedModel((req, n) => {
      if (req.member !== 'ds') return [text('Nothing for me.')];
      return n === 0 ? [toolUse(`c${n}`, 'TaskUpdate', { taskId: '1', status: 'in_progress' })] : [toolUse(`c${n}`, 'TaskList')];
    });
    const outcome = await runOrdered(t, { model, maxTurns: 3 });
    expect(model.requests.filter((r) => r.member === 'ds')).toHaveLength(4);
    const reason = 'stopped after 3 turns without pausing; check its transcript';
    expect(ofType(t.events(), 'member.removed').map((e) => e.payload)).toEqual([{ member: 'ds', state: 'stopped', reason }]);
    expect(getTask(t.board, t.runId, 1)).toMatchObject({ status: 'pending', owner: null, attempt: 2, metadata: expect.objectContaining({ notes: [`ds was stopped: ${reason}`] }) });
    expect(getMember(t.board, t.runId, 'ds')?.status).toBe('stopped');
    // ds2 is woken for the released task, but (scripted) declines it.
    expect(outcome.status).toBe('failed');
    expect(getRun(t.board, t.runId)?.statusReason).toBe('stuck: no member can make progress. #1 "Prepare the data" is pending but no member took it');
  });
});
