/**
 * What a greedy team could reach on a planned team, worked out offline: list schedules of the same
 * tasks with the same shortest turns as the lower bound (schedule-bounds.ts), each member taking the
 * task a rule puts first whenever it is free. It says how much of a run's gap to the bound is the
 * rule members follow and how much no rule a board could give them would close.
 */
import { rngFor } from '../src/models/rng.js';
import { PIPELINE, planClaimOrder, type PlannedTeam, type PlannedTask } from './schedule-team.js';
import { SIM_LATENCY } from './schedule-bounds.js';

/** Higher first; ties go to the lower id. */
type Priority = (task: PlannedTask) => number;

export interface OfflineSchedules {
  /** Each member takes the lowest-id task it may (what the simulated members do). */
  lowestIdMs: number;
  /** The task with the longest chain of tasks waiting on it first: what a board knows without durations. */
  longestChainMs: number;
  /** The task with the most work on the path after it first: needs every task's duration in advance. */
  criticalPathMs: number;
  /** The best of many random orders around critical path first (itself included), stage by stage: near what a planner with hindsight reaches. */
  searchedMs: number;
  searchedOrders: number;
  /** The planned claim order (src/runtime/plan) from estimates equal to the work: what members given it would reach. */
  plannedMs: number;
}

/** The makespan of a list schedule: stages are barriers; within one, a free member starts the first task (by priority) it may take. */
export function listSchedule(team: PlannedTeam, priority: (stage: number) => Priority): number[] {
  const { tasks, members } = team;
  const finish = new Array<number>(tasks.length).fill(0);
  const spans: number[] = [];
  let barrier = SIM_LATENCY.start;
  PIPELINE.forEach((stage, stageIndex) => {
    const rank = priority(stageIndex);
    const left = new Set(tasks.filter((t) => t.stage === stage).map((t) => t.index));
    const done = new Set<number>();
    const free = members.map(() => barrier);
    let end = barrier;
    while (left.size > 0) {
      let best: { start: number; member: number; task: PlannedTask } | undefined;
      members.forEach((member, m) => {
        for (const index of left) {
          const task = tasks[index] as PlannedTask;
          if (task.role !== null && task.role !== member.role) continue;
          const sameStage = task.blockedBy.filter((b) => tasks[b]?.stage === stage);
          if (!sameStage.every((b) => done.has(b))) continue;
          const start = Math.max(free[m] as number, barrier, ...sameStage.map((b) => finish[b] as number));
          const better = !best || start < best.start || (start === best.start && (rank(task) > rank(best.task) || (rank(task) === rank(best.task) && task.index < best.task.index)));
          if (better) best = { start, member: m, task };
        }
      });
      if (!best) throw new Error(`no member may take the rest of stage ${stage}`);
      const completed = best.start + SIM_LATENCY.perTaskPath + best.task.workMs;
      finish[best.task.index] = completed;
      free[best.member] = completed;
      left.delete(best.task.index);
      done.add(best.task.index);
      end = Math.max(end, completed);
    }
    spans.push(end - barrier);
    barrier = end;
  });
  return spans;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, SIM_LATENCY.start);

/** Same-stage dependents of each task. */
function dependents(team: PlannedTeam): number[][] {
  const out = team.tasks.map((): number[] => []);
  for (const t of team.tasks) for (const b of t.blockedBy) if (team.tasks[b]?.stage === t.stage) out[b]?.push(t.index);
  return out;
}

/** Longest path after each task (blockers always have lower indexes, so one backward pass). */
function longestAfter(team: PlannedTeam, weight: (t: PlannedTask) => number): number[] {
  const after = dependents(team);
  const out = new Array<number>(team.tasks.length).fill(0);
  for (let i = team.tasks.length - 1; i >= 0; i--) {
    const next = (after[i] ?? []).map((d) => (out[d] as number) + weight(team.tasks[d] as PlannedTask));
    out[i] = Math.max(0, ...next);
  }
  return out;
}

export function offlineSchedules(team: PlannedTeam, orders = 300): OfflineSchedules {
  const chain = longestAfter(team, () => 1);
  const path = longestAfter(team, (t) => t.workMs + SIM_LATENCY.perTaskPath);
  const lowestIdMs = sum(listSchedule(team, () => () => 0));
  const longestChainMs = sum(listSchedule(team, () => (t) => chain[t.index] as number));
  const criticalPathMs = sum(listSchedule(team, () => (t) => (path[t.index] as number) + t.workMs));
  const best = PIPELINE.map(() => Infinity);
  const rng = rngFor(team.spec.seed, 'schedule-offline', team.spec.members, team.spec.tasks);
  for (let k = 0; k < orders; k++) {
    // The first order is critical path first itself, so the search never does worse than it.
    const noise = team.tasks.map(() => (k === 0 ? 0.5 : rng()));
    const spans = listSchedule(team, () => (t) => ((path[t.index] as number) + t.workMs) * (0.5 + (noise[t.index] as number)));
    spans.forEach((span, i) => (best[i] = Math.min(best[i] as number, span)));
  }
  const plan = planClaimOrder({ ...team, tasks: team.tasks.map((t) => ({ ...t, estimateMs: t.workMs })) });
  const plannedMs = plan ? sum(listSchedule(team, () => (t) => -(plan.ranks[t.index] as number))) : lowestIdMs;
  return { lowestIdMs, longestChainMs, criticalPathMs, searchedMs: sum(best), searchedOrders: orders, plannedMs };
}
