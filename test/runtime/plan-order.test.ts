/**
 * The planner of the claim order (src/runtime/plan): pure, deterministic for a seed, a permutation
 * of places, critical work first, and never a longer schedule than lowest id first.
 */
import { describe, expect, it } from 'vitest';
import { PIPELINE, planClaimOrder, planTeam } from '../../bench/schedule-team.js';
import { planOrder, scheduleLength, TASK_OVERHEAD_MS, type PlanInput, type PlanTask } from '../../src/runtime/plan/plan-order.js';

const MINUTE = 60_000;

function task(estimateMin: number | null, blockedBy: number[] = [], extra: Partial<PlanTask> = {}): PlanTask {
  return { role: 'dev', stage: 'build', blockedBy, estimateMs: estimateMin === null ? null : estimateMin * MINUTE, ...extra };
}

const twoDevs = [{ role: 'dev' }, { role: 'dev' }];

describe('planOrder', () => {
  it('plans nothing when no task has an estimate', () => {
    expect(planOrder({ tasks: [task(null), task(null, [0])], members: twoDevs, pipeline: ['build'] })).toBeNull();
  });

  it('puts first the task on the critical path, where lowest id first would make it wait', () => {
    // #3 waits for #2: 20 minutes of chain. Lowest id first starts the two short tasks first.
    const input: PlanInput = { tasks: [task(1), task(1), task(10), task(10, [2])], members: twoDevs, pipeline: ['build'] };
    const plan = planOrder(input);
    // The chain first, then the short tasks, lowest index first among equals.
    expect(plan?.ranks).toEqual([3, 4, 1, 2]);
    expect(plan?.makespanMs).toBe(20 * MINUTE + 2 * TASK_OVERHEAD_MS);
    expect(plan?.lowestIdMs).toBe(21 * MINUTE + 3 * TASK_OVERHEAD_MS);
    expect(scheduleLength(input, (i) => i)).toBe(plan?.lowestIdMs);
    expect(scheduleLength(input, (i) => plan?.ranks[i] ?? 0)).toBe(plan?.makespanMs);
  });

  it('takes a task without an estimate to be a median one', () => {
    const alone = [{ role: 'dev' }];
    const plan = planOrder({ tasks: [task(10), task(null), task(30), task(20)], members: alone, pipeline: ['build'] });
    expect(plan?.makespanMs).toBe((10 + 20 + 30 + 20) * MINUTE + 4 * TASK_OVERHEAD_MS);
  });

  it('follows the stages, and ranks last what no member may take', () => {
    const tasks = [task(5, [], { stage: 'test' }), task(5, [], { stage: 'build', role: 'designer' }), task(5), task(5, [], { stage: null }), task(5, [2])];
    const plan = planOrder({ tasks, members: twoDevs, pipeline: ['build', 'test'] });
    // build: #2 then #4 (it waits for #2), then #1 that nobody may take; test: #0; no stage: #3.
    expect(plan?.ranks).toEqual([4, 3, 1, 5, 2]);
  });

  it('gives the same plan for the same seed, as a permutation of 1..n', () => {
    const team = planTeam({ members: 10, tasks: 200, seed: 3, estimates: 'noisy' });
    const input: PlanInput = { tasks: team.tasks.map((t) => ({ role: t.role, stage: t.stage, blockedBy: t.blockedBy, estimateMs: t.estimateMs })), members: team.members, pipeline: PIPELINE };
    const a = planOrder(input, { seed: 5, orders: 40 });
    const b = planOrder(input, { seed: 5, orders: 40 });
    expect(a).toEqual(b);
    expect([...(a?.ranks ?? [])].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  for (const [members, tasks, seed] of [[10, 200, 7], [10, 200, 42], [25, 500, 7]] as const) {
    it(`on the bench's ${members} x ${tasks} plan (seed ${seed}), schedules no longer than lowest id first`, () => {
      const team = planTeam({ members, tasks, seed, estimates: 'exact' });
      const plan = planClaimOrder(team);
      expect(plan).not.toBeNull();
      expect(plan?.makespanMs).toBeLessThanOrEqual(plan?.lowestIdMs ?? 0);
      // Every stage's tasks come before the next stage's.
      const stageOf = (rank: number) => PIPELINE.indexOf(team.tasks[plan?.ranks.indexOf(rank) ?? -1]?.stage ?? '');
      for (let rank = 2; rank <= tasks; rank++) expect(stageOf(rank)).toBeGreaterThanOrEqual(stageOf(rank - 1));
    });
  }
});
