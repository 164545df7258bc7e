import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memberActor } from '../../src/board/actor.js';
import { openSeats } from '../../src/mcp/open-seats.js';
import { ASK_OVER_MCP } from '../../src/mcp/tools.js';
import { createSimModel } from '../../src/models/sim.js';
import { executeRun } from '../../src/runtime/run.js';
import { realClock } from '../../src/shared/clock.js';
import { toolSpec } from '../../src/tools/json-schema.js';
import { boardTools } from '../../src/tools/registry.js';
import { runTool } from '../../src/tools/run-tool.js';
import { sendMessageTool } from '../../src/tools/send-message.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { taskListTool } from '../../src/tools/task-list.js';
import { taskUpdateTool } from '../../src/tools/task-update.js';
import { ensureBuilt, ofType, prepareTestRun, statusJson, team, waitFor, type TestRun } from '../helpers/runtime.js';
import { AGENTS, call, joinOverMcp, TEAM, type Joined } from './helpers.js';

let t: TestRun;
const open: Joined[] = [];

async function join(args: string[], env: Record<string, string> = {}): Promise<Joined> {
  const joined = await joinOverMcp(t.dir, ['--run', String(t.runId), ...args], env);
  open.push(joined);
  return joined;
}

/** The built-in member ds, calling a board tool in this process as the runtime does. */
function asDs(): ToolContext {
  return { board: t.board, runId: t.runId, member: 'ds', role: 'data-scientist', workspace: t.workspace, clock: realClock };
}

async function taskId(key: string): Promise<number> {
  const task = await t.board.findTaskByKey(t.runId, key);
  if (!task) throw new Error(`no task ${key}`);
  return task.id;
}

beforeEach(async () => {
  await ensureBuilt();
  t = await prepareTestRun({ team: TEAM, agents: AGENTS });
  await openSeats(t.board, t.runId, [{ name: 'rev', role: 'reviewer' }]);
});

afterEach(async () => {
  for (const joined of open.splice(0)) await joined.close().catch(() => undefined);
  await t?.cleanup();
});

describe('team mcp', () => {
  it('offers the built-in board tools with their own schemas and descriptions, plus TeamInbox', async () => {
    const { client } = await join(['--as', 'rev']);
    const { tools } = await client.listTools();
    const builtIn = boardTools.map(toolSpec).map((spec) => ({
      name: spec.name,
      description: spec.name === 'AskUserQuestion' ? spec.description + ASK_OVER_MCP : spec.description,
      inputSchema: spec.input_schema,
    }));
    const listed = tools.map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema }));
    expect(listed.slice(0, builtIn.length)).toEqual(builtIn);
    expect(listed.map((tool) => tool.name)).toEqual(['TaskList', 'TaskGet', 'TaskUpdate', 'TaskCreate', 'AskUserQuestion', 'SendMessage', 'TeamInbox']);
    // The built-in schemas are snapshotted with the tools (test/tools); what MCP adds is snapshotted here.
    expect(listed.slice(builtIn.length)).toMatchSnapshot();
    expect(client.getInstructions()).toContain('You are "rev", a member of team mcp-team');
  });

  it('claims and completes under the board rules: refused by a blocker and by a role, shown on the board', async () => {
    const { client } = await join(['--as', 'rev']);
    const [draft, review, profile] = [await taskId('draft'), await taskId('review'), await taskId('profile')];

    // The same result a built-in member gets from the same tool.
    const list = await call(client, 'TaskList');
    expect(list.isError).toBe(false);
    expect(list.result).toEqual(JSON.parse((await runTool(taskListTool, {}, { ...asDs(), member: 'rev', role: 'reviewer' })).content));

    const blocked = await call(client, 'TaskUpdate', { taskId: String(review), status: 'in_progress' });
    expect(blocked.isError).toBe(true);
    expect(blocked.result).toMatchObject({ success: false, taskId: String(review) });
    expect(String(blocked.result.error)).toContain(`#${draft}`);

    const notMine = await call(client, 'TaskUpdate', { taskId: String(profile), status: 'in_progress' });
    expect(notMine.isError).toBe(true);
    expect(String(notMine.result.error)).toContain('data-scientist');

    const claimed = await call(client, 'TaskUpdate', { taskId: String(draft), status: 'in_progress' });
    expect(claimed.result).toMatchObject({ success: true, statusChange: { from: 'pending', to: 'in_progress' } });
    const working = await t.board.getMember(t.runId, 'rev');
    expect(working).toMatchObject({ status: 'working', currentTask: draft, role: 'reviewer' });
    expect((await t.board.readSnapshot(t.runId)).members.find((m) => m.name === 'rev')?.external).toBe(true);

    const done = await call(client, 'TaskUpdate', { taskId: String(draft), status: 'completed', metadata: { words: 120 } });
    expect(done.result).toMatchObject({ success: true });
    expect(await t.board.getTask(t.runId, draft)).toMatchObject({ status: 'completed', owner: 'rev', metadata: { words: 120 } });
    expect(await t.board.getMember(t.runId, 'rev')).toMatchObject({ status: 'idle', currentTask: null });

    expect((await call(client, 'TaskUpdate', { taskId: String(review), status: 'in_progress' })).result).toMatchObject({ success: true });
    const calls = ofType(await t.events(), 'tool.called').filter((e) => e.payload.member === 'rev');
    expect(calls.map((e) => [e.payload.tool, e.payload.ok])).toEqual([
      ['TaskList', true],
      ['TaskUpdate', false],
      ['TaskUpdate', false],
      ['TaskUpdate', true],
      ['TaskUpdate', true],
      ['TaskUpdate', true],
    ]);
  });

  it('races a built-in member for the same tasks: exactly one of them wins each', async () => {
    const { client } = await join(['--as', 'rev']);
    const ids = [await taskId('anyone')];
    for (let i = 0; i < 7; i++) ids.push((await t.board.createTask(t.runId, { subject: `Shared chore ${i}`, stage: 'build' }, memberActor('ds', 'data-scientist'))).id);
    for (const id of ids) {
      const [overMcp, builtIn] = await Promise.all([
        call(client, 'TaskUpdate', { taskId: String(id), status: 'in_progress' }),
        runTool(taskUpdateTool, { taskId: String(id), status: 'in_progress' }, asDs()),
      ]);
      const wins = [overMcp.isError === false, builtIn.isError === false].filter(Boolean);
      expect(wins, `task #${id}`).toHaveLength(1);
      const task = await t.board.getTask(t.runId, id);
      expect(task?.owner).toBe(overMcp.isError ? 'ds' : 'rev');
      expect(task?.status).toBe('in_progress');
    }
  });

  it('asks the person over MCP: the question is on the board, `team answer` answers it, the call waits with progress', async () => {
    const { client } = await join(['--as', 'rev'], { TEAM_MCP_KEEPALIVE_MS: '100' });
    const question = {
      question: 'Which tone should the draft take?',
      header: 'Tone',
      multiSelect: false,
      options: [
        { label: 'Plain', description: 'Short sentences.' },
        { label: 'Formal', description: 'For the board of directors.' },
      ],
    };
    let sawProgress: () => void = () => undefined;
    const progressed = new Promise<void>((resolve) => (sawProgress = resolve));
    const asked = call(client, 'AskUserQuestion', { questions: [question] }, { onprogress: () => sawProgress(), resetTimeoutOnProgress: true });

    await waitFor('the question on the board', async () => (await t.board.listQuestions(t.runId, 'open')).find((q) => q.askedBy === 'rev'));
    const status = (await statusJson(t.dir, t.runId)).questions.find((q) => q.askedBy === 'rev');
    if (!status) throw new Error('team status does not show the question');
    expect(status).toMatchObject({ kind: 'agent', questions: [{ header: 'Tone', question: question.question }] });
    expect(await t.board.getMember(t.runId, 'rev')).toMatchObject({ status: 'waiting' });
    await progressed;
    const answered = await team(t.dir, ['answer', String(t.runId), status.id, '2']);
    expect(answered.exitCode, answered.stderr).toBe(0);

    const result = await asked;
    expect(result).toMatchObject({ isError: false, result: { answers: { [question.question]: 'Formal' } } });
    expect(await t.board.getMember(t.runId, 'rev')).toMatchObject({ status: 'idle' });
  });

  it('delivers the answer with the next call when the client gave up waiting', async () => {
    const { client } = await join(['--as', 'rev']);
    const question = { question: 'Ship on Friday?', header: 'Ship day', multiSelect: false, options: [{ label: 'Yes', description: 'Ship.' }, { label: 'No', description: 'Wait.' }] };
    await expect(call(client, 'AskUserQuestion', { questions: [question] }, { timeout: 300 })).rejects.toThrow(/timed out/i);

    const open = await waitFor('the open question', async () => (await t.board.listQuestions(t.runId, 'open')).find((q) => q.askedBy === 'rev'));
    const before = await call(client, 'TaskList');
    expect(before.inbox).toBeUndefined();
    const answered = await team(t.dir, ['answer', String(t.runId), `q${open.id}`, 'Yes']);
    expect(answered.exitCode, answered.stderr).toBe(0);

    const next = await call(client, 'TaskList');
    expect(next.result.tasks).toBeDefined();
    expect(next.inbox).toMatchObject({ pendingAnswers: [{ question: `q${open.id}`, result: { answers: { [question.question]: 'Yes' } } }] });
    // Delivered once.
    expect((await call(client, 'TeamInbox')).result).toMatchObject({ pendingAnswers: [], messages: [] });
  });

  it('hands teammates\' messages over with the next result, and through TeamInbox', async () => {
    const { client } = await join(['--as', 'rev']);
    const sent = await runTool(sendMessageTool, { to: 'rev', message: 'The draft template is in templates/draft.md.', summary: 'draft template' }, asDs());
    expect(sent.isError).toBe(false);
    const next = await call(client, 'TaskGet', { taskId: String(await taskId('draft')) });
    expect(next.result.task).toMatchObject({ subject: 'Write the draft' });
    expect(next.inbox).toMatchObject({ messages: [{ from: 'ds', summary: 'draft template', message: 'The draft template is in templates/draft.md.' }] });

    await runTool(sendMessageTool, { to: '*', message: 'Profiling is done.' }, asDs());
    expect((await call(client, 'TeamInbox')).result).toMatchObject({ messages: [{ from: 'ds', message: 'Profiling is done.' }] });
    const sentByRev = await call(client, 'SendMessage', { to: 'ds', message: 'Thanks, reviewing now.' });
    expect(sentByRev.result).toEqual({ sent: ['ds'] });
    expect((await t.board.takeInbox(t.runId, 'ds')).map((m) => [m.from, m.body])).toEqual([['rev', 'Thanks, reviewing now.']]);
  });

  it('a client that disconnects leaves the run: its task goes back to the pool with a note', async () => {
    const joined = await join(['--as', 'rev']);
    const draft = await taskId('draft');
    expect((await call(joined.client, 'TaskUpdate', { taskId: String(draft), status: 'in_progress' })).result).toMatchObject({ success: true });
    const attempt = (await t.board.getTask(t.runId, draft))?.attempt ?? 0;
    await joined.close();
    const task = await waitFor('the task released', async () => {
      const row = await t.board.getTask(t.runId, draft);
      return row?.status === 'pending' ? row : undefined;
    });
    expect(task).toMatchObject({ owner: null, attempt: attempt + 1 });
    expect(task.metadata.notes).toEqual(['rev left: its MCP client disconnected']);
    expect(await t.board.getMember(t.runId, 'rev')).toMatchObject({ status: 'stopped', currentTask: null });

    // The seat can be taken again, and the role is the member's.
    const again = await join(['--as', 'rev']);
    expect((await call(again.client, 'TaskUpdate', { taskId: String(draft), status: 'in_progress' })).result).toMatchObject({ success: true });
  });

  it('a client that vanishes without a word (its server killed) loses its task when its lease runs out; the run waits for it to come back', async () => {
    await openSeats(t.board, t.runId, [{ name: 'ds', role: 'data-scientist' }]);
    const stop = new AbortController();
    const clock = realClock;
    const driving = executeRun({ board: t.board, runId: t.runId, model: createSimModel({ seed: 1, clock, instant: true }), clock, ordered: false, pollMs: 50, externalLeaseMs: 3000, signal: stop.signal });
    try {
      const joined = await join(['--as', 'rev'], { TEAM_MCP_HEARTBEAT_MS: '200' });
      const draft = await taskId('draft');
      expect((await call(joined.client, 'TaskUpdate', { taskId: String(draft), status: 'in_progress' })).result).toMatchObject({ success: true });
      const pid = joined.transport.pid;
      if (pid === null) throw new Error('no server process');
      process.kill(pid, 'SIGKILL');

      const task = await waitFor('the task released by the lease', async () => {
        const row = await t.board.getTask(t.runId, draft);
        return row?.status === 'pending' ? row : undefined;
      });
      expect(task.owner).toBeNull();
      expect(task.metadata.notes).toEqual(['rev died: no heartbeat from its MCP client for 3 s: lease expired']);
      expect(await t.board.getMember(t.runId, 'rev')).toMatchObject({ status: 'dead', currentTask: null });
      const said = await waitFor('the board saying whom the run waits for', async () =>
        ofType(await t.events(), 'member.said').find((e) => e.payload.member === 'coordinator' && e.payload.text.startsWith('waiting for rev')),
      );
      expect(said.payload.text).toBe(`waiting for rev to join over MCP (team mcp --run ${t.runId} --as rev)`);
      expect((await t.board.requireRun(t.runId)).status).toBe('running');
    } finally {
      stop.abort();
      expect(await driving).toMatchObject({ status: 'stopped' });
    }
  });

  it('refuses to join as a member whose client is still connected (the other rules: join-rules.test.ts)', async () => {
    await join(['--as', 'rev']);
    const twice = await team(t.dir, ['mcp', '--run', String(t.runId), '--as', 'rev']);
    expect(twice.exitCode).toBe(1);
    expect(twice.stderr).toMatch(/^team: rev is already connected to run \d+ over MCP \(last heartbeat \d+s ago\); join under another name with --as, or close that client first$/);
  });
});
