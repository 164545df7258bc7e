/**
 * Faults a careful test found in the runtime, each reproduced through the real agent loop: the
 * call is answered with an error result the model can act on, and the member (and the run) goes on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolResultBlock } from '../../src/models/model.js';
import { createSimModel } from '../../src/models/sim.js';
import { act, think, type MemberRuntime } from '../../src/runtime/member.js';
import { MAX_INPUT_DEPTH, deeperThan } from '../../src/runtime/tool-input.js';
import { createVirtualClock } from '../../src/runtime/virtual-clock.js';
import { T0, ofType, prepareTestRun, reply, resultsOf, runOrdered, scriptedModel, startMember, text, toolUse, type TestRun } from '../helpers/runtime.js';

const TEAM = `
name: test-team
members:
  - { name: ds, agent: data-scientist }
  - { name: mle, agent: ml-engineer }
pipeline: [data, training]
tasks:
  - id: prepare
    subject: Prepare the data
    stage: data
    role: data-scientist
    description: Prepare it.
  - id: train
    subject: Train the model
    stage: training
    role: ml-engineer
    description: Train it.
`;

let t: TestRun;

afterEach(async () => {
  await t?.cleanup();
});

async function step(member: MemberRuntime): Promise<void> {
  await act(member, await think(member));
}

/** The results the model got for its last turn, by call id: {error text, is_error}. */
function lastResults(member: MemberRuntime): Record<string, { error: string | undefined; isError: boolean }> {
  const results: ToolResultBlock[] = resultsOf(member.messages.at(-1));
  return Object.fromEntries(
    results.map((r) => {
      const parsed = JSON.parse(r.content) as { error?: string };
      return [r.tool_use_id, { error: parsed.error, isError: r.is_error === true }];
    }),
  );
}

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('runtime faults', () => {
  it('never runs a tool call cut off by max_tokens, and tells the model why', async () => {
    t = await prepareTestRun({ team: TEAM });
    // The SDK parses what arrived of the input: `["1","2` becomes ["1"]. Run, it would add the wrong blocker.
    const model = scriptedModel((_req, n) =>
      n === 0
        ? reply([text('Adding both blockers.'), toolUse('cut', 'TaskUpdate', { taskId: '2', addBlockedBy: ['1'] })], { stopReason: 'max_tokens' })
        : [text('I will send it again with smaller input.')],
    );
    const ds = await startMember(t, 'ds', model);
    await step(ds);
    expect(await t.board.listDeps(t.runId)).toEqual([]);
    expect(lastResults(ds)).toEqual({
      cut: {
        isError: true,
        error:
          "this TaskUpdate call was cut off: the reply reached the output limit (max_tokens 1024) before the call's input was complete, so it was not run. Send it again with smaller input (write a long file in parts), or raise max_tokens",
      },
    });
    expect(ofType(await t.events(), 'tool.called').map((e) => [e.payload.tool, e.payload.ok])).toEqual([['TaskUpdate', false]]);
    await step(ds);
    expect(ds.state).toBe('idle');
    expect(model.requests).toHaveLength(2);
  });

  it('runs the complete calls of a reply cut off later, in text', async () => {
    t = await prepareTestRun({ team: TEAM });
    const model = scriptedModel((_req, n) => (n === 0 ? reply([toolUse('whole', 'TaskList'), text('And then I will')], { stopReason: 'max_tokens' }) : [text('Done.')]));
    const ds = await startMember(t, 'ds', model);
    await step(ds);
    expect(lastResults(ds).whole?.isError).toBe(false);
  });

  it('answers tool input nested 6,000 levels deep with an error result; the member lives on and its conversation is stored', async () => {
    t = await prepareTestRun({ team: TEAM });
    const model = scriptedModel((_req, n) =>
      n === 0 ? [toolUse('deep', 'TaskUpdate', { taskId: '1', metadata: { x: nested(6000) } }), toolUse('fine', 'TaskList')] : [text('Flatter next time.')],
    );
    const ds = await startMember(t, 'ds', model);
    await step(ds);
    const results = lastResults(ds);
    expect(results.deep).toEqual({ isError: true, error: `invalid input for TaskUpdate: it is nested more than ${MAX_INPUT_DEPTH} levels deep; send flatter input` });
    expect(results.fine?.isError).toBe(false);
    expect((await t.board.getTask(t.runId, 1))?.metadata).toEqual({});
    await step(ds);
    expect(ds.state).toBe('idle');
    const stored = await t.board.loadTranscript(t.runId, 'ds');
    expect(stored?.messages).toHaveLength(4);
    expect(deeperThan(nested(MAX_INPUT_DEPTH), MAX_INPUT_DEPTH)).toBe(false);
    expect(deeperThan(nested(MAX_INPUT_DEPTH + 1), MAX_INPUT_DEPTH)).toBe(true);
  });

  it('returns the board refusals (an owner who is not a member, a role nobody has, deleting another role’s task, two parts asking the same) as error results, and the run goes on to complete', async () => {
    t = await prepareTestRun({ team: TEAM });
    const same = { question: 'Which label?', header: 'Label', multiSelect: false, options: [{ label: 'A', description: 'a' }, { label: 'B', description: 'b' }] };
    // mle plays the simulated model (its task has no script: it completes it as simulated).
    const sim = createSimModel({ seed: 1, clock: createVirtualClock(T0), instant: true });
    const model = scriptedModel((req, n) => {
      if (req.member === 'mle') return sim.send(req);
      if (n === 0) {
        return [
          toolUse('ghost', 'TaskUpdate', { taskId: '1', owner: 'ghost' }),
          toolUse('nobody', 'TaskCreate', { subject: 'Extra', description: 'More work.', role: 'nobody' }),
          toolUse('delete', 'TaskUpdate', { taskId: '2', status: 'deleted' }),
          toolUse('twice', 'AskUserQuestion', { questions: [same, { ...same, header: 'Again' }] }),
        ];
      }
      if (n === 1) return [toolUse('d1', 'TaskUpdate', { taskId: '1', status: 'in_progress' })];
      if (n === 2) return [toolUse('d2', 'TaskUpdate', { taskId: '1', status: 'completed' })];
      return [text('Done.')];
    });
    const outcome = await runOrdered(t, { model });
    expect(outcome).toEqual({ status: 'completed', reason: '2 tasks completed' });
    const first = model.requests.filter((r) => r.member === 'ds')[1]?.messages.at(-1);
    const refused = Object.fromEntries(resultsOf(first).map((r) => [r.tool_use_id, [r.is_error === true, (JSON.parse(r.content) as { error?: string }).error]]));
    expect(refused).toEqual({
      ghost: [true, 'task #1 is for role data-scientist, and ghost is not a member of run 1; assign it to a data-scientist'],
      nobody: [true, expect.stringContaining('nobody')],
      delete: [true, 'task #2 is for role ml-engineer; ds has the role data-scientist and cannot delete it'],
      twice: [true, 'two parts ask the same question ("Which label?"); each part needs its own question text, or the answers cannot be told apart'],
    });
    expect(await t.board.listQuestions(t.runId)).toEqual([]);
    expect((await t.board.listTaskRows(t.runId)).map((task) => [task.id, task.owner, task.status])).toEqual([
      [1, 'ds', 'completed'],
      [2, 'mle', 'completed'],
    ]);
  });
});
