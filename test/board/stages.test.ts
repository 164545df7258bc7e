import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coordinator, human } from '../../src/board/actor.js';
import type { NewTask } from '../../src/board/types.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

beforeEach(async () => {
  t = await createTestBoard({ pipeline: ['data', 'features', 'training', 'deploy'] });
});

afterEach(async () => {
  await t.cleanup();
});

async function create(subject: string, stage: string | null, extra: Partial<NewTask> = {}) {
  return (await t.board.createTask(t.runId, { subject, stage, ...extra }, human)).id;
}

async function finish(id: number, member: string): Promise<void> {
  await t.board.updateTask(t.runId, id, { status: 'in_progress' }, t.as(member));
  await t.board.updateTask(t.runId, id, { status: 'completed' }, t.as(member));
}

describe('rule 6: stages', () => {
  it('blocks a later-stage task on every unfinished task of earlier stages, naming their stage', async () => {
    await create('Profile data', 'data');
    await create('Build features', 'features');
    await create('Train', 'training');
    await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('ds'));

    expect(await caught(async () => (await t.board.updateTask(t.runId, 3, { status: 'in_progress' }, t.as('mle'))))).toEqual({
      name: 'BoardError',
      code: 'blocked',
      message:
        'cannot start task #3: blocked by #1 "Profile data" (in progress, owned by ds, earlier stage data), ' +
        '#2 "Build features" (pending, no owner yet, earlier stage features). Wait for them to be completed, or pick another task',
    });
    expect((await t.board.listTasks(t.runId)).map((x) => [x.id, x.blockedBy])).toEqual([
      [1, []],
      [2, [1]],
      [3, [1, 2]],
    ]);
  });

  it('lists explicit blockers first, then stage blockers, without repeats', async () => {
    await create('Profile data', 'data');
    await create('Clean data', 'data');
    await create('Train', 'training', { blockedBy: [2] });
    expect((await caught(async () => (await t.board.updateTask(t.runId, 3, { status: 'in_progress' }, t.as('mle'))))).message).toBe(
      'cannot start task #3: blocked by #2 "Clean data" (pending, no owner yet), ' +
        '#1 "Profile data" (pending, no owner yet, earlier stage data). Wait for them to be completed, or pick another task',
    );
    expect((await t.board.getTaskDetail(t.runId, 3))?.blockedBy).toEqual([2, 1]);
  });

  it('does not block tasks of the same stage, the first stage, or without a stage', async () => {
    await create('Profile data', 'data');
    await create('Check schema', 'data');
    await create('Write notes', null);
    expect((await t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('ds'))).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
    expect((await t.board.updateTask(t.runId, 3, { status: 'in_progress' }, t.as('mle'))).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
  });

  it('re-blocks a later stage when a task is created afterwards in an earlier stage, and unblocks it once done', async () => {
    await create('Profile data', 'data');
    await create('Train', 'training');
    await finish(1, 'ds');
    expect((await t.board.listTasks(t.runId)).find((x) => x.id === 2)?.blockedBy).toEqual([]);

    await create('Fix leakage', 'features', { role: 'data-scientist' });
    expect((await t.board.listTasks(t.runId)).find((x) => x.id === 2)?.blockedBy).toEqual([3]);
    expect((await caught(async () => (await t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('mle'))))).message).toBe(
      'cannot start task #2: blocked by #3 "Fix leakage" (pending, no owner yet, earlier stage features). ' +
        'Wait for them to be completed, or pick another task',
    );

    await finish(3, 'ds');
    expect((await t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('mle'))).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
  });

  it('counts a task moved into an earlier stage, and stops counting a deleted one', async () => {
    await create('Train', 'training');
    await create('Side quest', null);
    await t.board.updateTask(t.runId, 2, { stage: 'data' }, human);
    expect((await caught(async () => (await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('mle'))))).message).toBe(
      'cannot start task #1: blocked by #2 "Side quest" (pending, no owner yet, earlier stage data). ' +
        'Wait for them to be completed, or pick another task',
    );
    await t.board.updateTask(t.runId, 2, { status: 'deleted' }, human);
    expect((await t.board.updateTask(t.runId, 1, { status: 'in_progress' }, t.as('mle'))).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
  });

  it('refuses a stage that is not in the pipeline', async () => {
    expect(await caught(async () => await create('Ship', 'prod'))).toEqual({
      name: 'BoardError',
      code: 'invalid',
      message: `stage "prod" is not in this run's pipeline (data, features, training, deploy); use one of those`,
    });
    await create('Ship', 'deploy');
    expect((await caught(async () => (await t.board.updateTask(t.runId, 1, { stage: 'prod' }, human)))).message).toBe(
      `stage "prod" is not in this run's pipeline (data, features, training, deploy); use one of those`,
    );
  });

  it('shows at most ten stage blockers per task in the list, and all of them in the error count', async () => {
    for (let i = 1; i <= 12; i++) await create(`Data ${i}`, 'data');
    await create('Train', 'training');
    expect((await t.board.listTasks(t.runId)).find((x) => x.id === 13)?.blockedBy).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await caught(async () => (await t.board.updateTask(t.runId, 13, { status: 'in_progress' }, t.as('mle'))))).message).toMatch(/, #8 "Data 8" \(pending, no owner yet, earlier stage data\) and 4 more\. Wait/);
  });
});

describe('rule 7: gates close a stage until they pass', () => {
  beforeEach(async () => {
    await create('Evaluate', 'training');
    await create('Deploy', 'deploy');
    await finish(1, 'mle');
  });

  it('refuses starting a task of a gated stage, naming the gate', async () => {
    const gate = (await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'metric', task: 'evaluate-model', metric: 'auc', min: 0.75, beatBaseline: true } }, coordinator));
    expect(gate).toMatchObject({ id: 1, status: 'closed', before: 'deploy' });
    await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'approval' } }, coordinator);

    expect(await caught(async () => (await t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('mlops'))))).toEqual({
      name: 'BoardError',
      code: 'gated',
      message:
        'cannot start task #2: stage deploy is gated by evaluate-model auc >= 0.75 and above baseline, before deploy [closed]; ' +
        'human approval before deploy [closed]. Wait for the gate to pass',
    });
    expect((await t.board.listTasks(t.runId)).find((x) => x.id === 2)).toMatchObject({
      blockedBy: [],
      gate: 'evaluate-model auc >= 0.75 and above baseline, before deploy (closed); human approval before deploy (closed)',
    });
    expect((await t.board.getTaskDetail(t.runId, 2))?.gate).toBe(
      'evaluate-model auc >= 0.75 and above baseline, before deploy (closed); human approval before deploy (closed)',
    );
  });

  it('opens the stage once every gate has passed or been overridden', async () => {
    await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'metric', task: 'evaluate-model', metric: 'auc', min: 0.75 } }, coordinator);
    await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'approval' } }, coordinator);

    await t.board.setGateStatus(t.runId, 1, 'failed', 'auc 0.70 < 0.75', coordinator);
    expect((await caught(async () => (await t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('mlops'))))).message).toBe(
      'cannot start task #2: stage deploy is gated by evaluate-model auc >= 0.75, before deploy [failed]; ' +
        'human approval before deploy [closed]. Wait for the gate to pass',
    );
    await t.board.setGateStatus(t.runId, 1, 'overridden', 'the human chose to ship anyway', human, 'human');
    expect((await caught(async () => (await t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('mlops'))))).message).toBe(
      'cannot start task #2: stage deploy is gated by human approval before deploy [closed]. Wait for the gate to pass',
    );
    await t.board.setGateStatus(t.runId, 2, 'passed', null, human, 'human');

    expect((await t.board.listTasks(t.runId)).find((x) => x.id === 2)?.gate).toBeUndefined();
    expect((await t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('mlops'))).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
    expect((await t.board.listGates(t.runId)).map((g) => [g.id, g.status, g.decidedBy])).toEqual([
      [1, 'overridden', 'human'],
      [2, 'passed', 'human'],
    ]);
    expect((await t.events()).filter((e) => e.type.startsWith('gate.')).map((e) => e.type)).toEqual([
      'gate.added',
      'gate.added',
      'gate.failed',
      'gate.overridden',
      'gate.passed',
    ]);
  });

  it('does not touch other stages, and reports blockers before gates', async () => {
    await t.board.addGate(t.runId, { before: 'deploy', spec: { kind: 'approval' } }, coordinator);
    await create('Retrain', 'training');
    expect((await t.board.updateTask(t.runId, 3, { status: 'in_progress' }, t.as('mle'))).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
    expect((await caught(async () => (await t.board.updateTask(t.runId, 2, { status: 'in_progress' }, t.as('mlops'))))).message).toBe(
      'cannot start task #2: blocked by #3 "Retrain" (in progress, owned by mle, earlier stage training). ' +
        'Wait for them to be completed, or pick another task',
    );
  });

  it('names an unknown gate', async () => {
    expect(await caught(async () => (await t.board.setGateStatus(t.runId, 5, 'passed', null, human)))).toEqual({
      name: 'BoardError',
      code: 'not_found',
      message: `gate 5 does not exist in run ${t.runId}`,
    });
    expect((await t.board.getTask(t.runId, 2))?.status).toBe('pending');
  });
});
