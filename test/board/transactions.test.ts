import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coordinator, human } from '../../src/board/actor.js';
import type { Board } from '../../src/board/board.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: ['data', 'training'] });
  await t.board.createTask(t.runId, { subject: 'Profile', stage: 'data' }, human);
  await t.board.createTask(t.runId, { subject: 'Train', stage: 'training', role: 'ml-engineer' }, human);
  await t.board.addGate(t.runId, { before: 'training', spec: { kind: 'approval' } }, human);
  await t.board.askQuestion(t.runId, { kind: 'agent', askedBy: 'ds', payload: { questions: [{ question: 'Which?', header: 'Pick', options: [{ label: 'A', description: '' }, { label: 'B', description: '' }], multiSelect: false }] } }, human);
});

afterEach(async () => {
  await t.cleanup();
});

/** Everything a refused write could have touched. */
async function everything(board: Board, runId: number) {
  return {
    run: await board.getRun(runId),
    members: await board.listMembers(runId),
    tasks: await board.listTaskRows(runId),
    deps: await board.listDeps(runId),
    gates: await board.listGates(runId),
    questions: await board.listQuestions(runId),
    messages: await board.listMessages(runId),
    events: await board.listEvents(runId),
  };
}

describe('a refused write changes nothing and appends no event', () => {
  const refusals: [string, (b: Board, runId: number, tb: TestBoard) => Promise<unknown>, string][] = [
    ['a claim of a task an earlier stage blocks', (b, r, tb) => b.updateTask(r, 2, { status: 'in_progress', metadata: { x: 1 } }, tb.as('mle')), 'blocked'],
    ['a claim of a task for another role', (b, r, tb) => b.updateTask(r, 2, { status: 'in_progress' }, tb.as('ds')), 'role'],
    ['a task in a stage outside the pipeline', (b, r) => b.createTask(r, { subject: 'Deploy', stage: 'deploy' }, human), 'invalid'],
    ['a batch whose last task is bad', (b, r) => b.createTasks(r, [{ subject: 'Fine' }, { subject: 'Also fine', blockedByIndex: [0] }, { subject: ' ' }], human), 'invalid'],
    ['a dependency cycle', (b, r) => b.addDependencies(r, [{ taskId: 1, blockedBy: 2 }, { taskId: 2, blockedBy: 1 }], human), 'cycle'],
    ['an answer that does not match the question', (b, r) => b.answerQuestion(r, 1, [{ question: 'Other?', picked: ['A'], text: null }], 'cli', human), 'invalid'],
    ['a message to nobody', (b, r) => b.sendMessage(r, { from: 'ds', to: 'nobody', body: 'hi' }, human), 'not_found'],
    ['a second member with the same name', (b, r) => b.addMember(r, { name: 'ds', agent: 'x', role: 'y', model: 'sim' }, human), 'invalid'],
  ];

  for (const [what, write, code] of refusals) {
    it(what, async () => {
      const before = await everything(t.board, t.runId);
      expect((await caught(() => write(t.board, t.runId, t))).code).toBe(code);
      expect(await everything(t.board, t.runId)).toEqual(before);
    });
  }
});

describe('transactions', () => {
  it('keeps every change of a transaction that throws out of the board, events included', async () => {
    const before = await everything(t.board, t.runId);
    const error = await caught(() =>
      t.board.transaction(async (tx) => {
        await tx.createTask(t.runId, { subject: 'Clean' }, human);
        await tx.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
        await tx.sendMessage(t.runId, { from: 'ds', to: 'mle', body: 'starting' }, human);
        throw new Error('changed my mind');
      }),
    );
    expect(error.message).toBe('changed my mind');
    expect(await everything(t.board, t.runId)).toEqual(before);
    // The numbers the rolled-back events had are used by the next ones: no gaps.
    await t.board.createTask(t.runId, { subject: 'Clean' }, human);
    const events = await t.events();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('shows a transaction its own events and makes them visible together, in order', async () => {
    const seq = await t.board.lastEventSeq(t.runId);
    const seen = await t.board.transaction(async (tx) => {
      await tx.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
      await tx.appendEvent(t.runId, 'ds', { type: 'member.said', payload: { member: 'ds', text: 'on it' } });
      return { last: await tx.lastEventSeq(t.runId), listed: (await tx.listEvents(t.runId, seq)).map((e) => e.type) };
    });
    expect(seen).toEqual({ last: seq + 2, listed: ['task.claimed', 'member.said'] });
    expect((await t.board.listEvents(t.runId, seq)).map((e) => [e.seq, e.type])).toEqual([
      [seq + 1, 'task.claimed'],
      [seq + 2, 'member.said'],
    ]);
  });

  it('never dates an event before the one it follows, whatever the clock says', async () => {
    const last = (await t.events()).at(-1)?.ts ?? 0;
    t.board.setClock(() => last - 60_000);
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));
    await t.board.appendEvent(t.runId, coordinator, { type: 'member.said', payload: { member: 'ds', text: 'later' } });
    const events = await t.events();
    expect(events.slice(-2).map((e) => [e.type, e.ts])).toEqual([
      ['task.claimed', last],
      ['member.said', last],
    ]);
  });

  it('numbers events of concurrent writes without gaps, one claim per task', async () => {
    const ids = (await t.board.createTasks(t.runId, Array.from({ length: 30 }, (_, i) => ({ subject: `Step ${i + 1}` })), human)).map((task) => task.id);
    const members = ['ds', 'mle', 'mlops'];
    // Every member tries every task at once: exactly one claim of each wins.
    const results = await Promise.allSettled(ids.flatMap((id) => members.map((m) => t.board.updateTask(t.runId, id, { status: 'in_progress' }, t.as(m)))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(ids.length);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(refused.filter((reason) => !/^BoardError: task #\d+ is (already in progress, )?owned by (ds|mle|mlops); pick another task/.test(reason))).toEqual([]);
    const events = await t.events();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const claims = events.flatMap((e) => (e.type === 'task.claimed' ? [e.payload.taskId] : []));
    expect(claims.sort((a, b) => a - b)).toEqual(ids);
  });
});
