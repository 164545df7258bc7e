import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coordinator, human } from '../../src/board/actor.js';
import { addGate, listGates, setGateStatus } from '../../src/board/gates.js';
import { claimTask, createTask, getTask, updateTask, type NewTask } from '../../src/board/tasks.js';
import { getTaskDetail, listTasks } from '../../src/board/views.js';
import { caught, createTestBoard, type TestBoard } from '../helpers/board.js';

let t: TestBoard;

beforeEach(() => {
  t = createTestBoard({ pipeline: ['data', 'features', 'training', 'deploy'] });
});

afterEach(() => {
  t.cleanup();
});

function create(subject: string, stage: string | null, extra: Partial<NewTask> = {}) {
  return createTask(t.board, t.runId, { subject, stage, ...extra }, human).id;
}

function finish(id: number, member: string): void {
  claimTask(t.board, t.runId, id, t.as(member));
  updateTask(t.board, t.runId, id, { status: 'completed' }, t.as(member));
}

describe('rule 6: stages', () => {
  it('blocks a later-stage task on every unfinished task of earlier stages, naming their stage', () => {
    create('Profile data', 'data');
    create('Build features', 'features');
    create('Train', 'training');
    claimTask(t.board, t.runId, 1, t.as('ds'));

    expect(caught(() => claimTask(t.board, t.runId, 3, t.as('mle')))).toEqual({
      name: 'BoardError',
      code: 'blocked',
      message:
        'cannot start task #3: blocked by #1 "Profile data" (in progress, owned by ds, earlier stage data), ' +
        '#2 "Build features" (pending, no owner yet, earlier stage features). Wait for them to be completed, or pick another task',
    });
    expect(listTasks(t.board, t.runId).map((x) => [x.id, x.blockedBy])).toEqual([
      [1, []],
      [2, [1]],
      [3, [1, 2]],
    ]);
  });

  it('lists explicit blockers first, then stage blockers, without repeats', () => {
    create('Profile data', 'data');
    create('Clean data', 'data');
    create('Train', 'training', { blockedBy: [2] });
    expect(caught(() => claimTask(t.board, t.runId, 3, t.as('mle'))).message).toBe(
      'cannot start task #3: blocked by #2 "Clean data" (pending, no owner yet), ' +
        '#1 "Profile data" (pending, no owner yet, earlier stage data). Wait for them to be completed, or pick another task',
    );
    expect(getTaskDetail(t.board, t.runId, 3)?.blockedBy).toEqual([2, 1]);
  });

  it('does not block tasks of the same stage, the first stage, or without a stage', () => {
    create('Profile data', 'data');
    create('Check schema', 'data');
    create('Write notes', null);
    expect(claimTask(t.board, t.runId, 2, t.as('ds')).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
    expect(claimTask(t.board, t.runId, 3, t.as('mle')).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
  });

  it('re-blocks a later stage when a task is created afterwards in an earlier stage, and unblocks it once done', () => {
    create('Profile data', 'data');
    create('Train', 'training');
    finish(1, 'ds');
    expect(listTasks(t.board, t.runId).find((x) => x.id === 2)?.blockedBy).toEqual([]);

    create('Fix leakage', 'features', { role: 'data-scientist' });
    expect(listTasks(t.board, t.runId).find((x) => x.id === 2)?.blockedBy).toEqual([3]);
    expect(caught(() => claimTask(t.board, t.runId, 2, t.as('mle'))).message).toBe(
      'cannot start task #2: blocked by #3 "Fix leakage" (pending, no owner yet, earlier stage features). ' +
        'Wait for them to be completed, or pick another task',
    );

    finish(3, 'ds');
    expect(claimTask(t.board, t.runId, 2, t.as('mle')).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
  });

  it('counts a task moved into an earlier stage, and stops counting a deleted one', () => {
    create('Train', 'training');
    create('Side quest', null);
    updateTask(t.board, t.runId, 2, { stage: 'data' }, human);
    expect(caught(() => claimTask(t.board, t.runId, 1, t.as('mle'))).message).toBe(
      'cannot start task #1: blocked by #2 "Side quest" (pending, no owner yet, earlier stage data). ' +
        'Wait for them to be completed, or pick another task',
    );
    updateTask(t.board, t.runId, 2, { status: 'deleted' }, human);
    expect(claimTask(t.board, t.runId, 1, t.as('mle')).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
  });

  it('refuses a stage that is not in the pipeline', () => {
    expect(caught(() => create('Ship', 'prod'))).toEqual({
      name: 'BoardError',
      code: 'invalid',
      message: `stage "prod" is not in this run's pipeline (data, features, training, deploy); use one of those`,
    });
    create('Ship', 'deploy');
    expect(caught(() => updateTask(t.board, t.runId, 1, { stage: 'prod' }, human)).message).toBe(
      `stage "prod" is not in this run's pipeline (data, features, training, deploy); use one of those`,
    );
  });

  it('shows at most ten stage blockers per task in the list, and all of them in the error count', () => {
    for (let i = 1; i <= 12; i++) create(`Data ${i}`, 'data');
    create('Train', 'training');
    expect(listTasks(t.board, t.runId).find((x) => x.id === 13)?.blockedBy).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(caught(() => claimTask(t.board, t.runId, 13, t.as('mle'))).message).toMatch(/, #8 "Data 8" \(pending, no owner yet, earlier stage data\) and 4 more\. Wait/);
  });
});

describe('rule 7: gates close a stage until they pass', () => {
  beforeEach(() => {
    create('Evaluate', 'training');
    create('Deploy', 'deploy');
    finish(1, 'mle');
  });

  it('refuses starting a task of a gated stage, naming the gate', () => {
    const gate = addGate(t.board, t.runId, { before: 'deploy', kind: 'metric', spec: { task: 'evaluate-model', metric: 'auc', min: 0.75, beat_baseline: true } }, coordinator);
    expect(gate).toMatchObject({ id: 1, status: 'pending', before: 'deploy' });
    addGate(t.board, t.runId, { before: 'deploy', kind: 'approval', spec: {} }, coordinator);

    expect(caught(() => claimTask(t.board, t.runId, 2, t.as('mlops')))).toEqual({
      name: 'BoardError',
      code: 'gated',
      message:
        'cannot start task #2: stage deploy is gated by evaluate-model auc >= 0.75 and above baseline, before deploy [pending]; ' +
        'human approval before deploy [pending]. Wait for the gate to pass',
    });
    expect(listTasks(t.board, t.runId).find((x) => x.id === 2)).toMatchObject({
      blockedBy: [],
      gate: 'evaluate-model auc >= 0.75 and above baseline, before deploy (pending); human approval before deploy (pending)',
    });
    expect(getTaskDetail(t.board, t.runId, 2)?.gate).toBe(
      'evaluate-model auc >= 0.75 and above baseline, before deploy (pending); human approval before deploy (pending)',
    );
  });

  it('opens the stage once every gate has passed or been overridden', () => {
    addGate(t.board, t.runId, { before: 'deploy', kind: 'metric', spec: { task: 'evaluate-model', metric: 'auc', min: 0.75 } }, coordinator);
    addGate(t.board, t.runId, { before: 'deploy', kind: 'approval', spec: {} }, coordinator);

    setGateStatus(t.board, t.runId, 1, 'failed', 'auc 0.70 < 0.75', coordinator);
    expect(caught(() => claimTask(t.board, t.runId, 2, t.as('mlops'))).message).toBe(
      'cannot start task #2: stage deploy is gated by evaluate-model auc >= 0.75, before deploy [failed]; ' +
        'human approval before deploy [pending]. Wait for the gate to pass',
    );
    setGateStatus(t.board, t.runId, 1, 'overridden', 'the human chose to ship anyway', human, 'human');
    expect(caught(() => claimTask(t.board, t.runId, 2, t.as('mlops'))).message).toBe(
      'cannot start task #2: stage deploy is gated by human approval before deploy [pending]. Wait for the gate to pass',
    );
    setGateStatus(t.board, t.runId, 2, 'passed', null, human, 'human');

    expect(listTasks(t.board, t.runId).find((x) => x.id === 2)?.gate).toBeUndefined();
    expect(claimTask(t.board, t.runId, 2, t.as('mlops')).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
    expect(listGates(t.board, t.runId).map((g) => [g.id, g.status, g.decidedBy])).toEqual([
      [1, 'overridden', 'human'],
      [2, 'passed', 'human'],
    ]);
    expect(t.events().filter((e) => e.type.startsWith('gate.')).map((e) => e.type)).toEqual([
      'gate.added',
      'gate.added',
      'gate.failed',
      'gate.overridden',
      'gate.passed',
    ]);
  });

  it('does not touch other stages, and reports blockers before gates', () => {
    addGate(t.board, t.runId, { before: 'deploy', kind: 'approval', spec: {} }, coordinator);
    create('Retrain', 'training');
    expect(claimTask(t.board, t.runId, 3, t.as('mle')).statusChange).toEqual({ from: 'pending', to: 'in_progress' });
    expect(caught(() => claimTask(t.board, t.runId, 2, t.as('mlops'))).message).toBe(
      'cannot start task #2: blocked by #3 "Retrain" (in progress, owned by mle, earlier stage training). ' +
        'Wait for them to be completed, or pick another task',
    );
  });

  it('names an unknown gate', () => {
    expect(caught(() => setGateStatus(t.board, t.runId, 5, 'passed', null, human))).toEqual({
      name: 'BoardError',
      code: 'not_found',
      message: `gate 5 does not exist in run ${t.runId}`,
    });
    expect(getTask(t.board, t.runId, 2)?.status).toBe('pending');
  });
});
