/**
 * Lower bounds on the makespan of a planned team: no schedule, however clever, finishes sooner.
 *
 * Stages are barriers (a task waits for every unfinished task of earlier stages), so the bound is
 * a sum over stages of the larger of the stage's critical path and its busiest role's load.
 */
import { PIPELINE, type PlannedTeam, type PlannedTask } from './schedule-team.js';

/**
 * The simulated model's shortest turns (src/models/sim.ts): a TaskList, the claim, a TaskGet and
 * the completing TaskUpdate take at least 300, 300, 300 and 400 ms plus the task's work. Once a
 * task is unblocked the list must come after that, so the claim, read and completion (1,000 ms)
 * lie on the critical path; a member also lists (300 ms) before each of its tasks.
 */
export const SIM_TURNS = { list: 300, claim: 300, get: 300, complete: 400 } as const;

export interface Latencies {
  /** Time on the critical path from "unblocked" to "completed", beyond the work. */
  perTaskPath: number;
  /** Time a member is busy with a task, beyond the work, counting the list before it. */
  perTaskBusy: number;
  /** The first list of the run, before any claim is possible. */
  start: number;
}

export const NO_LATENCY: Latencies = { perTaskPath: 0, perTaskBusy: 0, start: 0 };
export const SIM_LATENCY: Latencies = {
  perTaskPath: SIM_TURNS.claim + SIM_TURNS.get + SIM_TURNS.complete,
  perTaskBusy: SIM_TURNS.list + SIM_TURNS.claim + SIM_TURNS.get + SIM_TURNS.complete,
  start: SIM_TURNS.list,
};

export interface StageBound {
  stage: string;
  tasks: number;
  criticalPathMs: number;
  /** max over roles of role work / role members, and total work / members. */
  loadMs: number;
  /** The role (or "all") whose load gives loadMs. */
  busiest: string;
}

export interface LowerBound {
  ms: number;
  stages: StageBound[];
  /** Longest chain of work through the whole graph with stage barriers, ignoring member counts. */
  criticalPathMs: number;
  /** Sum over stages of the busiest role's load, ignoring dependencies. */
  loadMs: number;
}

export function lowerBound(team: PlannedTeam, latency: Latencies): LowerBound {
  const membersByRole = new Map<string, number>();
  for (const m of team.members) membersByRole.set(m.role, (membersByRole.get(m.role) ?? 0) + 1);
  const finish = new Array<number>(team.tasks.length).fill(0);
  const stages: StageBound[] = [];
  let barrier = latency.start;
  let pathOnly = latency.start;
  let loadOnly = 0;
  for (const stage of PIPELINE) {
    const tasks = team.tasks.filter((t) => t.stage === stage);
    if (tasks.length === 0) continue;
    let stageEnd = barrier;
    for (const t of tasks) {
      // Blockers in earlier stages finished by the barrier; only same-stage ones can push later.
      const ready = Math.max(barrier, ...t.blockedBy.map((b) => (team.tasks[b]?.stage === stage ? (finish[b] as number) : barrier)));
      finish[t.index] = ready + latency.perTaskPath + t.workMs;
      stageEnd = Math.max(stageEnd, finish[t.index] as number);
    }
    const criticalPathMs = stageEnd - barrier;
    const { loadMs, busiest } = stageLoad(tasks, membersByRole, team.members.length, latency);
    stages.push({ stage, tasks: tasks.length, criticalPathMs, loadMs, busiest });
    barrier += Math.max(criticalPathMs, loadMs);
    pathOnly += criticalPathMs;
    loadOnly += loadMs;
  }
  return { ms: barrier, stages, criticalPathMs: pathOnly, loadMs: loadOnly };
}

/**
 * A member's tasks in one stage run one after another, each busy for work + perTaskBusy, except
 * that its first list may start before the stage opens: role r needs at least
 * (sum of (work + busy) - list * members) / members of the stage's time.
 */
function stageLoad(tasks: PlannedTask[], membersByRole: Map<string, number>, members: number, latency: Latencies): { loadMs: number; busiest: string } {
  const overlap = latency.perTaskBusy - latency.perTaskPath;
  const busy = (list: PlannedTask[]) => list.reduce((sum, t) => sum + t.workMs + latency.perTaskBusy, 0);
  const load = (list: PlannedTask[], count: number) => (list.length === 0 ? 0 : (busy(list) - overlap * Math.min(count, list.length)) / count);
  let best = { loadMs: load(tasks, members), busiest: 'all' };
  for (const [role, count] of membersByRole) {
    const loadMs = load(tasks.filter((t) => t.role === role), count);
    if (loadMs > best.loadMs) best = { loadMs, busiest: role };
  }
  return best;
}
