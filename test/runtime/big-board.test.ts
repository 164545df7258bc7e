/**
 * A member on a 2,000-task board: TaskList shows it only what it needs (its own tasks, what it may
 * claim now, counts), and the simulated teammate still finds and claims its next task from that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimModel } from '../../src/models/sim.js';
import type { Message, ToolResultBlock, ToolUseBlock } from '../../src/models/model.js';
import { act, canThink, runPendingCalls, think, type MemberRuntime } from '../../src/runtime/member.js';
import { createVirtualClock } from '../../src/runtime/virtual-clock.js';
import { agentFile, prepareTestRun, startMember, T0, type TestRun } from '../helpers/runtime.js';

const TASKS = 2000;

/** Tasks 1..1999 for ml-engineers, the last one for the data scientist; the first 1,000 wait on each other in pairs. */
function bigTeam(): string {
  const lines = ['name: big-team', 'members:', '  - { name: ds, agent: data-scientist }', '  - { name: mle, agent: ml-engineer }', '  - { name: ops, agent: mlops-engineer }', 'pipeline: [data, deploy]', 'tasks:'];
  for (let i = 1; i <= TASKS; i++) {
    const role = i === TASKS ? 'data-scientist' : 'ml-engineer';
    const blockers = i % 2 === 0 && i <= 1000 ? `, blockedBy: [t${i - 1}]` : '';
    lines.push(`  - { id: t${i}, subject: Task ${i}, description: Work item ${i}., stage: data, role: ${role}${blockers} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Step a member (think, then act on the reply) until `done` or it has nothing more to do. */
async function stepUntil(member: MemberRuntime, done: () => boolean, maxSteps = 12): Promise<void> {
  for (let step = 0; step < maxSteps && !done(); step++) {
    if (member.partial) {
      await runPendingCalls(member);
      continue;
    }
    if (!canThink(member)) return;
    await act(member, await think(member));
  }
}

/** The results of every TaskList call in the conversation, parsed. */
function listings(messages: Message[]): { raw: string; body: { tasks: { id: string }[]; claimable: number; counts: { total: number } } }[] {
  const ids = new Set(messages.flatMap((m) => (m.role === 'assistant' ? m.content.filter((b): b is ToolUseBlock => b.type === 'tool_use' && b.name === 'TaskList').map((b) => b.id) : [])));
  return messages.flatMap((m) =>
    m.role === 'user' && Array.isArray(m.content)
      ? m.content.filter((b): b is ToolResultBlock => b.type === 'tool_result' && ids.has(b.tool_use_id)).map((b) => ({ raw: b.content, body: JSON.parse(b.content) as never }))
      : [],
  );
}

let t: TestRun;

beforeAll(async () => {
  t = await prepareTestRun({
    name: 'big-team',
    team: bigTeam(),
    agents: { 'data-scientist': agentFile('data-scientist'), 'ml-engineer': agentFile('ml-engineer'), 'mlops-engineer': agentFile('mlops-engineer') },
  });
}, 60_000);

afterAll(async () => {
  await t?.cleanup();
});

describe('a 2,000-task board', () => {
  it('the data scientist finds its one task, #2000, through TaskList and claims it', async () => {
    const model = createSimModel({ seed: 1, clock: createVirtualClock(T0), instant: true });
    const ds = await startMember(t, 'ds', model);
    await stepUntil(ds, () => ds.currentTask !== null);
    expect(ds.currentTask).toBe(TASKS);
    expect((await t.board.getTask(t.runId, TASKS))?.owner).toBe('ds');
    const [first] = listings(ds.messages);
    expect(first?.body).toMatchObject({ tasks: [{ id: String(TASKS) }], claimable: 1, counts: { total: TASKS } });
    // The whole board as a list was hundreds of kilobytes; the view is a few hundred bytes.
    expect(first?.raw.length).toBeLessThan(1_000);
  });

  it('an ml-engineer claims the lowest id it may take, and its listing shows twenty of the many it could', async () => {
    const model = createSimModel({ seed: 1, clock: createVirtualClock(T0), instant: true });
    const mle = await startMember(t, 'mle', model);
    await stepUntil(mle, () => mle.currentTask !== null);
    expect(mle.currentTask).toBe(1);
    const [first] = listings(mle.messages);
    // Odd tasks up to 1,000 wait on nobody; even ones wait on the task before; every task after 1,000 is free.
    expect(first?.body.claimable).toBe(500 + (TASKS - 1 - 1000));
    expect(first?.body.tasks.map((task) => task.id)).toEqual(Array.from({ length: 20 }, (_, i) => String(2 * i + 1)));
  });

  it('a member with nothing to take stands by, counting the open tasks of the whole board', async () => {
    const model = createSimModel({ seed: 1, clock: createVirtualClock(T0), instant: true });
    const ops = await startMember(t, 'ops', model);
    await stepUntil(ops, () => false);
    expect(ops.currentTask).toBeNull();
    const said = ops.messages.flatMap((m) => (m.role === 'assistant' ? m.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])) : []));
    expect(said.at(-1)).toBe(`Nothing I can take right now (${TASKS} open tasks, none free for a mlops-engineer). Standing by.`);
  });
});
