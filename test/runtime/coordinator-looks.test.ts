import { afterEach, describe, expect, it } from 'vitest';
import { human } from '../../src/board/actor.js';
import type { Board } from '../../src/board/board.js';
import { createCoordinator, type Coordinator } from '../../src/runtime/coordinator.js';
import { prepareTestRun, type TestRun } from '../helpers/runtime.js';

const TEAM = `
name: looks-team
description: The coordinator's regular look at the board.
members:
  - { name: ds, agent: data-scientist }
  - { name: ops, agent: mlops-engineer }
pipeline: [features, deploy]
gates:
  - { before: deploy, approval: human }
tasks:
  - id: features
    subject: Build features
    stage: features
    role: data-scientist
    description: Build them.
  - id: ship
    subject: Ship
    stage: deploy
    role: mlops-engineer
    description: Ship it.
`;

let t: TestRun;

afterEach(async () => {
  await t?.cleanup();
});

/** The coordinator over a board that counts its reads of the gates and of the open questions. */
function counted(board: Board) {
  const reads = { gates: 0, questions: 0 };
  const watched: Board = {
    ...board,
    listGates: (runId) => (reads.gates++, board.listGates(runId)),
    listQuestions: (runId, status) => (reads.questions++, board.listQuestions(runId, status)),
  };
  return { reads, watched };
}

describe("the coordinator's check", () => {
  it('reads the gates and the open questions again only after an event that may change them', async () => {
    t = await prepareTestRun({ team: TEAM, name: 'looks-team' });
    const { reads, watched } = counted(t.board);
    const coordinator: Coordinator = createCoordinator({ board: watched, runId: t.runId, answerer: () => null });
    let seen = await t.board.lastEventSeq(t.runId);
    const pump = async (): Promise<void> => {
      const events = await t.board.listEvents(t.runId, seen);
      seen = events.at(-1)?.seq ?? seen;
      await coordinator.handle(events);
    };

    await coordinator.check();
    const first = { ...reads };
    expect(first.gates).toBeGreaterThan(0);
    expect(first.questions).toBeGreaterThan(0);
    await coordinator.check();
    expect(reads).toEqual(first);

    // What a member says changes no gate.
    await t.board.appendEvent(t.runId, 'ds', { type: 'member.said', payload: { member: 'ds', text: 'Working on it.' } });
    await pump();
    await coordinator.check();
    expect(reads).toEqual(first);

    // A finished stage may open the approval: asked at the next look, which reads the gates again.
    await t.board.updateTask(t.runId, 1, { status: 'completed' }, human);
    await pump();
    await coordinator.check();
    expect(reads.gates).toBeGreaterThan(first.gates);
    const open = await t.board.listQuestions(t.runId, 'open');
    expect(open.map((q) => q.kind)).toEqual(['approval']);

    // The approval question was asked: open questions are read again, and while one is open (the
    // answerer gave no answer) at every look.
    await pump();
    const before = reads.questions;
    await coordinator.check();
    await coordinator.check();
    expect(reads.questions).toBe(before + 2);
  });
});
