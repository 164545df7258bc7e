import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import type { Answers, NewTask } from '../../src/board/types.js';
import type { Model } from '../../src/models/model.js';
import { wakeIdle } from '../../src/runtime/driver.js';
import { act, canThink, deliverAnswer, runPendingCalls, think, type MemberRuntime, type PartialTurn } from '../../src/runtime/member.js';
import { KICKOFF } from '../../src/runtime/prompt.js';
import { persist, readTranscript } from '../../src/runtime/transcript.js';
import { realClock } from '../../src/shared/clock.js';
import {
  agentFile,
  ofType,
  prepareTestRun,
  reply,
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

async function setup(): Promise<TestRun> {
  t = await prepareTestRun({ team: TEAM, agents: AGENTS });
  return t;
}

afterEach(async () => {
  await t?.cleanup();
});

const LABEL = 'Which label should we use?';

/** The board's answer to the label question: the option picked. */
function picked(label: string): Answers {
  return [{ question: LABEL, picked: [label], text: null }];
}

async function answer(id: number, label: string): Promise<void> {
  await t.board.answerQuestion(t.runId, id, picked(label), 'cli', human);
}

const openQuestions = () => t.board.listQuestions(t.runId, 'open');
const memberStatus = async (name: string) => (await t.board.getMember(t.runId, name))?.status;
const getTask = (id: number) => t.board.getTask(t.runId, id);
const createTask = (input: NewTask) => t.board.createTask(t.runId, input, human);

async function step(member: MemberRuntime): Promise<void> {
  await act(member, await think(member));
}

/** The member's conversation as the board holds it, read back as a resume would. */
async function stored(member = 'ds') {
  const transcript = await t.board.loadTranscript(t.runId, member);
  if (!transcript) throw new Error(`no transcript for ${member}`);
  const { messages, partial } = readTranscript(transcript, member, t.runId);
  return { messages, inFlight: partial };
}

describe('agent loop: transcripts', () => {
  it('persists the conversation after every step, including a turn in flight', async () => {
    await setup();
    const model = scriptedModel((_req, n) => {
      if (n === 0) return [text('Looking at the board.'), toolUse('a1', 'TaskList')];
      if (n === 1) return [toolUse('b1', 'Write', { file_path: 'notes.txt', content: 'hello' }), toolUse('b2', 'Bash', { command: 'sleep 0.4; cat notes.txt' })];
      return [text('All done here.')];
    });
    const ds = await startMember(t, 'ds', model);
    expect(await stored()).toEqual({ messages: [{ role: 'user', content: KICKOFF }], inFlight: null });

    await step(ds);
    const first = await stored();
    expect(first.inFlight).toBeNull();
    expect(first.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(resultsOf(first.messages[2])[0]).toMatchObject({ tool_use_id: 'a1' });
    expect(JSON.parse(resultsOf(first.messages[2])[0]?.content ?? '')).toMatchObject({ tasks: [{ id: '1', subject: 'Prepare the data' }] });

    // While the Bash call runs, the stored turn shows the Write result and the Bash call as started.
    const during = new Promise<Awaited<ReturnType<typeof stored>>>((resolve) => setTimeout(() => resolve(stored()), 200));
    await step(ds);
    const mid = await during;
    expect(mid.messages).toHaveLength(3);
    expect(mid.inFlight?.started).toEqual(['b1', 'b2']);
    expect(Object.keys(mid.inFlight?.results ?? {})).toEqual(['b1']);
    expect(mid.inFlight?.results.b1?.isError).toBe(false);

    const second = await stored();
    expect(second.inFlight).toBeNull();
    expect(second.messages).toHaveLength(5);
    expect(resultsOf(second.messages[4]).map((r) => [r.tool_use_id, r.is_error ?? false])).toEqual([
      ['b1', false],
      ['b2', false],
    ]);
    expect(JSON.parse(resultsOf(second.messages[4])[1]?.content ?? '')).toMatchObject({ exitCode: 0, stdout: 'hello' });

    await step(ds);
    expect((await stored()).messages.at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'All done here.' }] });
    expect(ds.state).toBe('idle');
    expect(await memberStatus('ds')).toBe('idle');
    expect(ofType(await t.events(), 'tool.called').map((e) => [e.payload.tool, e.payload.summary, e.payload.ok])).toEqual([
      ['TaskList', '', true],
      ['Write', 'notes.txt', true],
      ['Bash', 'sleep 0.4; cat notes.txt', true],
    ]);
  });

  it('reports a call that was running at a crash as interrupted and never runs it again; unstarted calls do run', async () => {
    await setup();
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
    await t.board.saveTranscript(t.runId, 'ds', 0, [{ role: 'user', content: KICKOFF }], crashed);
    await t.reopen();

    const model = scriptedModel(() => [text('Checking what happened.')]);
    const ds = await startMember(t, 'ds', model);
    expect(ds.state).toBe('active');
    // The repair is stored at once, so a second crash does not lose it.
    expect((await stored()).inFlight?.results.w1).toEqual({
      content: JSON.stringify({
        error:
          'interrupted: this tool call was running when the run stopped (crash, kill or stop), so it may or may not have taken effect. Check its effects (files, task status) before doing it again.',
      }),
      isError: true,
    });

    await runPendingCalls(ds);
    expect(fs.existsSync(path.join(t.workspace, 'first.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(t.workspace, 'second.txt'), 'utf8')).toBe('two');
    // The log shows the cut-off call once, as failed, then the call that ran.
    expect(ofType(await t.events(), 'tool.called').map((e) => [e.payload.summary, e.payload.ok, e.payload.error?.split(' (')[0]])).toEqual([
      ['first.txt', false, 'interrupted: this tool call was running when the run stopped'],
      ['second.txt', true, undefined],
    ]);

    await step(ds);
    const seen = model.requests[0]?.messages ?? [];
    expect(resultsOf(seen.at(-1)).map((r) => [r.tool_use_id, r.is_error === true, r.content.includes('interrupted: this tool call was running')])).toEqual([
      ['w1', true, true],
      ['w2', false, false],
    ]);
  });

  it('a crash while the simulated model ran a Bash step: resume tells it, and it runs the step again to finish the task', async () => {
    await setup();
    // Drive ds by hand until its next call is the Bash step, then "crash" with that call marked started.
    const { createSimModel } = await import('../../src/models/sim.js');
    const { createVirtualClock } = await import('../../src/runtime/virtual-clock.js');
    const sim = createSimModel({ seed: 1, clock: createVirtualClock(0), instant: true });
    const ds = await startMember(t, 'ds', sim);
    for (let i = 0; i < 10; i++) {
      const response = await think(ds);
      const bash = response.content.find((b) => b.type === 'tool_use' && b.name === 'Bash');
      if (bash && bash.type === 'tool_use') {
        ds.partial = { assistant: { role: 'assistant', content: response.content }, results: {}, started: [bash.id], question: null };
        await persist(ds);
        break;
      }
      await act(ds, response);
      const open = (await openQuestions())[0];
      if (open) {
        await answer(open.id, open.id === 1 ? 'Inactive' : 'Cancelled');
        expect(await deliverAnswer(ds, open.id)).toBe(true);
      }
    }
    expect(await getTask(1)).toMatchObject({ status: 'in_progress', owner: 'ds' });
    expect(fs.existsSync(path.join(t.workspace, 'data.txt'))).toBe(false);
    await t.reopen();

    const outcome = await runOrdered(t, { resumed: true, autoAnswer: true });
    expect(outcome.status).toBe('completed');
    expect(fs.readFileSync(path.join(t.workspace, 'data.txt'), 'utf8')).toBe('label=inactive\n');
    const transcript = JSON.stringify(await t.board.loadTranscript(t.runId, 'ds'));
    expect(transcript).toContain('interrupted: this tool call was running when the run stopped');
    expect(ofType(await t.events(), 'member.said').map((e) => e.payload.text)).toContain(
      'That step was interrupted before it finished; running it again (the scripts are safe to re-run). Running `echo "label=inactive" > data.txt`.',
    );
    expect(ofType(await t.events(), 'task.completed').map((e) => e.payload.taskId)).toEqual([1]);
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
    await setup();
    const model = scriptedModel((_req, n) => (n === 0 ? [text('Asking.'), toolUse('ask1', 'AskUserQuestion', ASK)] : [text('Thanks.')]));
    const ds = await startMember(t, 'ds', model);
    await step(ds);
    expect(ds.state).toBe('waiting');
    expect(canThink(ds)).toBe(false);
    expect((await openQuestions()).map((q) => [q.id, q.askedBy, q.kind, q.toolUseId])).toEqual([[1, 'ds', 'agent', 'ask1']]);

    await t.reopen();
    const again = await startMember(t, 'ds', model);
    expect(again.state).toBe('waiting');
    expect(again.partial?.question).toEqual({ useId: 'ask1', questionId: 1 });
    expect(canThink(again)).toBe(false);
    expect(await openQuestions()).toHaveLength(1);

    await answer(1, 'Inactive');
    expect(await deliverAnswer(again, 1)).toBe(true);
    expect(again.state).toBe('active');
    expect(resultsOf(again.messages.at(-1))).toEqual([
      { type: 'tool_result', tool_use_id: 'ask1', content: JSON.stringify({ answers: { 'Which label should we use?': 'Inactive' } }) },
    ]);
    await step(again);
    expect(resultsOf(model.requests[1]?.messages.at(-1))[0]?.content).toBe(JSON.stringify({ answers: { 'Which label should we use?': 'Inactive' } }));
  });

  it('a question answered while the process was down is delivered on restart', async () => {
    await setup();
    const model = scriptedModel((_req, n) => (n === 0 ? [toolUse('ask1', 'AskUserQuestion', ASK)] : [text('Thanks.')]));
    await step(await startMember(t, 'ds', model));
    await t.reopen();
    await answer(1, 'Cancelled');
    const ds = await startMember(t, 'ds', model);
    expect(ds.state).toBe('active');
    await runPendingCalls(ds);
    expect(resultsOf(ds.messages.at(-1))[0]?.content).toBe(JSON.stringify({ answers: { 'Which label should we use?': 'Cancelled' } }));
  });

  it('a whole run stopped while a question is pending resumes, takes the answer given meanwhile and finishes', async () => {
    await setup();
    const abort = new AbortController();
    const stopped = runOrdered(t, { signal: abort.signal });
    const asker = await waitFor('the question', async () => (await openQuestions())[0]?.askedBy);
    abort.abort();
    expect(await stopped).toEqual({ status: 'stopped', reason: 'stopped from the terminal' });
    expect(await memberStatus(asker)).toBe('waiting');

    await t.reopen();
    await answer(1, 'Inactive');
    expect(await runOrdered(t, { resumed: true, autoAnswer: true })).toEqual({ status: 'completed', reason: '1 tasks completed' });
    expect(fs.readFileSync(path.join(t.workspace, 'data.txt'), 'utf8')).toBe('label=inactive\n');
  });
});

describe('agent loop: tools', () => {
  it('an unknown tool gives an error result naming the tools the member has', async () => {
    await setup();
    const model = scriptedModel((_req, n) => (n === 0 ? [toolUse('x1', 'Frobnicate', { hard: true })] : [text('ok')]));
    const ds = await startMember(t, 'ds', model);
    await step(ds);
    expect(resultsOf(ds.messages.at(-1))).toEqual([
      { type: 'tool_result', tool_use_id: 'x1', is_error: true, content: JSON.stringify({ error: `unknown tool "Frobnicate"; you can use: ${ALL_TOOLS}` }) },
    ]);
    expect(ofType(await t.events(), 'tool.called').map((e) => e.payload)).toEqual([
      { member: 'ds', tool: 'Frobnicate', summary: '', ok: false, error: `unknown tool "Frobnicate"; you can use: ${ALL_TOOLS}` },
    ]);
  });

  it('a member only gets the tools its definition allows', async () => {
    await setup();
    const model = scriptedModel((_req, n) => (n === 0 ? [toolUse('s1', 'Bash', { command: 'echo hacked > hacked.txt' })] : [text('ok')]));
    const member = await startMember(t, 'shell-less', model);
    const names = 'TaskList, TaskGet, TaskUpdate, TaskCreate, AskUserQuestion, SendMessage, Read, Write, Edit, Glob, Grep';
    expect(member.specs.map((s) => s.name).join(', ')).toBe(names);
    await step(member);
    expect(model.requests[0]?.tools.map((s) => s.name).join(', ')).toBe(names);
    expect(resultsOf(member.messages.at(-1))).toEqual([
      { type: 'tool_result', tool_use_id: 's1', is_error: true, content: JSON.stringify({ error: `unknown tool "Bash"; you can use: ${names}` }) },
    ]);
    expect(fs.existsSync(path.join(t.workspace, 'hacked.txt'))).toBe(false);
    expect((await startMember(t, 'ds', model)).specs.map((s) => s.name).join(', ')).toBe(ALL_TOOLS);
  });
});

describe('agent loop: waking idle members', () => {
  async function idle(name: string): Promise<MemberRuntime> {
    const member = await startMember(t, name, scriptedModel(() => [text('Nothing for me.')]));
    await step(member);
    expect(member.state).toBe('idle');
    return member;
  }

  it('wakes only members a change concerns, one per claimable task, never twice for the same task', async () => {
    await setup();
    // Task #1 (prepare, data-scientist) is open from the start: complete it so the board is quiet.
    await t.board.updateTask(t.runId, 1, { status: 'completed' }, human);
    const members = [await idle('ds'), await idle('mle'), await idle('ds2')];
    const [ds, mle, ds2] = members as [MemberRuntime, MemberRuntime, MemberRuntime];
    const lastNote = (m: MemberRuntime) => textsOf(m.messages.at(-1))[0];

    await wakeIdle(t.board, t.runId, members);
    expect(members.map((m) => m.state)).toEqual(['idle', 'idle', 'idle']);

    // A task behind a closed gate concerns nobody yet.
    await createTask({ subject: 'Ship', stage: 'deploy' });
    await wakeIdle(t.board, t.runId, members);
    expect(members.map((m) => m.state)).toEqual(['idle', 'idle', 'idle']);

    const train = await createTask({ subject: 'Train', stage: 'training', role: 'ml-engineer' });
    await wakeIdle(t.board, t.runId, members);
    expect(members.map((m) => m.state)).toEqual(['idle', 'active', 'idle']);
    expect(lastNote(mle)).toBe(`The board changed: task #${train.id} "Train" is ready and you may take it.`);

    // mle looks and goes idle again without claiming: it is not woken again for the same task.
    await step(mle);
    expect(mle.state).toBe('idle');
    await wakeIdle(t.board, t.runId, members);
    expect(mle.state).toBe('idle');

    // Nor does a task blocked by an open one.
    await createTask({ subject: 'Tune', stage: 'training', role: 'ml-engineer', blockedBy: [train.id] });
    await wakeIdle(t.board, t.runId, members);
    expect(members.map((m) => m.state)).toEqual(['idle', 'idle', 'idle']);

    // One claimable data-scientist task wakes one data scientist, not both.
    const report = await createTask({ subject: 'Report', stage: 'data', role: 'data-scientist' });
    await wakeIdle(t.board, t.runId, members);
    expect(members.map((m) => m.state)).toEqual(['active', 'idle', 'idle']);
    expect(lastNote(ds)).toBe(`The board changed: task #${report.id} "Report" is ready and you may take it.`);
    await t.board.updateTask(t.runId, report.id, { status: 'in_progress' }, { kind: 'member', name: 'ds', role: 'data-scientist' });

    // A message wakes its recipient.
    await t.board.sendMessage(t.runId, { from: 'mle', to: 'ds2', body: 'Can you check the data?' }, human);
    await wakeIdle(t.board, t.runId, members);
    expect(ds2.state).toBe('active');
    expect(lastNote(ds2)).toBe('You have new messages from your team.');
    expect(mle.state).toBe('idle');
  });
});

describe('agent loop: max turns', () => {
  it('stops a member that loops without pausing and puts its task back with a note', async () => {
    await setup();
    const model = scriptedModel((req, n) => {
      if (req.member !== 'ds') return [text('Nothing for me.')];
      return n === 0 ? [toolUse(`c${n}`, 'TaskUpdate', { taskId: '1', status: 'in_progress' })] : [toolUse(`c${n}`, 'TaskList')];
    });
    const outcome = await runOrdered(t, { model, maxTurns: 3, autoAnswer: true });
    const reason = 'stopped after 3 turns without pausing; check its transcript';
    const removed = ofType(await t.events(), 'member.removed').map((e) => e.payload);
    expect(removed[0]).toEqual({ member: 'ds', state: 'stopped', reason });
    // Its first four turns: the claim, then three listings; the fourth went over the limit.
    expect(model.requests.filter((r) => r.member === 'ds').length).toBeGreaterThanOrEqual(4);
    expect(await getTask(1)).toMatchObject({ status: 'pending', owner: null, attempt: 2, metadata: expect.objectContaining({ notes: [`ds was stopped: ${reason}`] }) });
    expect(await memberStatus('ds')).toBe('stopped');
    // ds2 is woken for the released task, but (scripted) declines it: nobody can go on, so the person is
    // asked; --auto-answer retries once (ds is brought back and loops again), then stops.
    expect(outcome).toEqual({ status: 'failed', reason: `stuck at #1 "Prepare the data": it is pending but no member took it (stopped by auto). Next: fix it, then \`team resume ${t.runId}\`` });
    expect(removed.every((r) => r.member === 'ds' && r.reason === reason)).toBe(true);
  });
});

describe('agent loop: what the board shows', () => {
  it('shows the step a member is in (thinking, then the command) and clears it after', async () => {
    await setup();
    const steps: (string | null | undefined)[] = [];
    const model = scriptedModel(async (_req, n) => {
      steps.push((await t.board.getMember(t.runId, 'ds'))?.step);
      return n === 0 ? [toolUse('b1', 'Bash', { command: 'sleep 0.3; echo ok' })] : [text('Done.')];
    });
    const ds = await startMember(t, 'ds', model);
    const during = new Promise<string | null | undefined>((resolve) => setTimeout(() => void t.board.getMember(t.runId, 'ds').then((m) => resolve(m?.step)), 150));
    await step(ds);
    expect(await during).toBe('Bash sleep 0.3; echo ok');
    expect(await t.board.getMember(t.runId, 'ds')).toMatchObject({ step: null, stepAt: null });
    await step(ds);
    expect(steps).toEqual(['thinking', 'thinking']);
    expect((await t.board.getMember(t.runId, 'ds'))?.step).toBeNull();
  });

  it("puts the model's retries on the board as model.retrying events", async () => {
    await setup();
    const model: Model = {
      backend: 'anthropic',
      async send(_request, onEvent) {
        onEvent?.({ type: 'retrying', status: 529, attempt: 1, of: 5, waitMs: 1000, reason: '529 overloaded_error' });
        onEvent?.({ type: 'retrying', status: null, attempt: 2, of: 5, waitMs: 2000, reason: 'stream dropped' });
        return reply([text('ok')]);
      },
    };
    await step(await startMember(t, 'ds', model));
    expect(ofType(await t.events(), 'model.retrying').map((e) => [e.actor, e.payload])).toEqual([
      ['ds', { member: 'ds', status: 529, attempt: 1, of: 5, waitMs: 1000, reason: '529 overloaded_error' }],
      ['ds', { member: 'ds', status: null, attempt: 2, of: 5, waitMs: 2000, reason: 'stream dropped' }],
    ]);
  });

  it('saves only what is new: the stored messages are kept, the rest appended', async () => {
    await setup();
    const saves: [number, number][] = [];
    const board = { ...t.board };
    board.saveTranscript = (runId, member, keep, append, inFlight) => {
      saves.push([keep, append.length]);
      return t.board.saveTranscript(runId, member, keep, append, inFlight);
    };
    board.transaction = (fn) =>
      t.board.transaction((tx) =>
        fn({
          ...tx,
          saveTranscript: (runId, member, keep, append, inFlight) => {
            saves.push([keep, append.length]);
            return tx.saveTranscript(runId, member, keep, append, inFlight);
          },
        }),
      );
    const model = scriptedModel((_req, n) => (n === 0 ? [toolUse('a1', 'TaskList')] : [text('Done.')]));
    const ds = await startMember(t, 'ds', model, { board });
    expect(saves).toEqual([[0, 1]]);
    await step(ds);
    // The call marked started (nothing new), then the finished turn with the call's result, in the
    // same transaction as its event (two messages after the first).
    expect(saves).toEqual([[0, 1], [1, 0], [1, 2]]);
    await step(ds);
    expect(saves.at(-1)).toEqual([3, 1]);
    expect((await stored()).messages).toHaveLength(4);
  });
});

describe('agent loop: stopping', () => {
  it('a stop reaches a running command: the run ends without waiting for it, and the call is reported as interrupted', async () => {
    await setup();
    const model = scriptedModel((req, n) => {
      if (req.member !== 'ds') return [text('Nothing for me.')];
      return n === 0 ? [toolUse('b1', 'Bash', { command: 'touch started.txt; sleep 600; touch late.txt' })] : [text('Stopped.')];
    });
    const abort = new AbortController();
    const running = runOrdered(t, { ordered: false, clock: realClock, model, pollMs: 20, signal: abort.signal });
    await waitFor('the command to run', async () => ((await t.board.getMember(t.runId, 'ds'))?.step === 'Bash touch started.txt; sleep 600; touch late.txt' ? true : undefined));
    await waitFor('the command to start', () => (fs.existsSync(path.join(t.workspace, 'started.txt')) ? true : undefined));
    abort.abort();
    // Were the command not killed, this would wait for it (and the test time out).
    expect(await running).toEqual({ status: 'stopped', reason: 'stopped from the terminal' });
    const [bash] = ofType(await t.events(), 'tool.called').filter((e) => e.payload.tool === 'Bash');
    expect(bash?.payload).toMatchObject({ member: 'ds', ok: false });
    expect(bash?.payload.error).toMatch(/interrupted/);
    expect(fs.existsSync(path.join(t.workspace, 'late.txt'))).toBe(false);
  });
});
