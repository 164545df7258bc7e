/**
 * The planned claim order of a run's tasks (docs/decisions/0014-planned-claim-order.md): from the
 * tasks' estimates, the priority order of the best schedule the planner finds. Members take the
 * claimable task that comes first in this order, so the team follows the schedule.
 *
 * Each stage is planned on its own (stages are barriers): list scheduling with the critical path to
 * the stage's end first (the bottom level), then a seeded search of perturbed priority orders that
 * keeps the one whose schedules end soonest on average. The search is bounded by a count, never by
 * time, so a plan repeats exactly for the same tasks, team and seed.
 */
import { rngFor } from '../../models/rng.js';
import { float64At, int32At, itemAt } from './item-at.js';
import { scheduleStage, type StageGraph } from './list-schedule.js';

export interface PlanTask {
  role: string | null;
  stage: string | null;
  /** Indexes (into the task list) of the tasks it waits for. */
  blockedBy: readonly number[];
  estimateMs: number | null;
}

export interface PlanInput {
  tasks: readonly PlanTask[];
  members: readonly { role: string }[];
  pipeline: readonly string[];
}

export interface PlanOptions {
  seed?: number;
  /** Priority orders tried per stage, the first two included (default: by the number of tasks). */
  orders?: number;
  /** Time a task takes beyond its estimate: the member's turns to list, claim, read and complete it. */
  overheadMs?: number;
}

export interface Plan {
  /** Per task (same indexes as the input): its place in the planned order, from 1. */
  ranks: number[];
  /** The planned schedule's length: the stages' spans added up, each the mean over the member orders judged. */
  makespanMs: number;
  /** The same with members taking the lowest index first (the order without a plan). */
  lowestIdMs: number;
  /** Priority orders tried per stage. */
  orders: number;
}

/** A model's shortest turns around a task, as the simulated model takes them; next to estimates of minutes it hardly matters. */
export const TASK_OVERHEAD_MS = 1_300;

/** Orders tried per stage: many on small boards, fewer on large ones (each order is judged by 5 schedules), so planning 2,000 tasks takes about a second. */
export function defaultOrders(tasks: number): number {
  return Math.max(16, Math.min(300, Math.floor(60_000 / Math.max(1, tasks))));
}

/** The plan for these tasks, or null when none has an estimate (then the board keeps lowest id first). */
export function planOrder(input: PlanInput, options: PlanOptions = {}): Plan | null {
  const graphs = stageGraphs(input, options);
  if (!graphs) return null;
  const orders = Math.max(2, options.orders ?? defaultOrders(input.tasks.length));
  const ranked: number[] = [];
  let makespanMs = 0;
  let lowestIdMs = 0;
  graphs.forEach((graph, g) => {
    const best = searchStage(graph, orders, options.seed ?? 0, g);
    makespanMs += best.span;
    lowestIdMs += best.lowestIdSpan;
    const started = new Set(best.order);
    for (const local of best.order) ranked.push(itemAt(graph.index, local));
    // Tasks no member may take (or caught in a cycle) never start in the plan: after the rest, in board order.
    graph.index.forEach((index, local) => {
      if (!started.has(local)) ranked.push(index);
    });
  });
  const ranks = new Array<number>(input.tasks.length).fill(0);
  ranked.forEach((index, position) => (ranks[index] = position + 1));
  return { ranks, makespanMs, lowestIdMs, orders };
}

/**
 * How long the planner's schedule takes when members take the first ready task by `rank` (lowest
 * first; ties by index), each task taking `durationMs` (default: its estimate plus the overhead).
 */
export function scheduleLength(input: PlanInput, rank: (index: number) => number, options: PlanOptions & { durationMs?: (index: number) => number; shuffle?: () => number } = {}): number {
  const graphs = stageGraphs(input, options);
  if (!graphs) return 0;
  const { durationMs } = options;
  return graphs.reduce((sum, graph) => {
    const timed = durationMs ? { ...graph, duration: Float64Array.from(graph.index, (index) => durationMs(index)) } : graph;
    return sum + scheduleStage(timed, Float64Array.from(graph.index, (index) => -rank(index)), options.shuffle).span;
  }, 0);
}

/** The non-empty groups of tasks to plan one by one: the pipeline's stages in order, then tasks of no stage in it. */
function stageGraphs(input: PlanInput, options: PlanOptions): StageGraph[] | null {
  const known = input.tasks.flatMap((t) => (t.estimateMs === null ? [] : [t.estimateMs])).sort((a, b) => a - b);
  if (known.length === 0) return null;
  // A task without an estimate is taken to be a typical one.
  const typical = itemAt(known, Math.floor((known.length - 1) / 2));
  const overhead = options.overheadMs ?? TASK_OVERHEAD_MS;

  const roleIds = new Map<string, number>();
  const roleOf = (role: string) => {
    let id = roleIds.get(role);
    if (id === undefined) {
      id = roleIds.size;
      roleIds.set(role, id);
    }
    return id;
  };
  const memberRole = Int32Array.from(input.members.map((m) => roleOf(m.role)));
  const taskRole = Int32Array.from(input.tasks.map((t) => (t.role === null ? -1 : roleOf(t.role))));

  // Tasks of no stage in the pipeline wait for no barrier; they are planned as one more group, last.
  const stageIndex = new Map(input.pipeline.map((s, i) => [s, i]));
  const groups: number[][] = [...input.pipeline, null].map(() => []);
  const groupOf = input.tasks.map((t) => (t.stage === null ? undefined : stageIndex.get(t.stage)) ?? input.pipeline.length);
  groupOf.forEach((g, i) => itemAt(groups, g).push(i));
  const team: Team = { duration: (t) => (t.estimateMs ?? typical) + overhead, taskRole, memberRole, roles: roleIds.size };
  return groups.flatMap((tasks, g) => (tasks.length === 0 ? [] : [stageGraph(input.tasks, tasks, groupOf, g, team)]));
}

interface Team {
  duration: (task: PlanTask) => number;
  taskRole: Int32Array;
  memberRole: Int32Array;
  roles: number;
}

/** One group's tasks numbered 0..n-1 in board order, with the edges between them. */
function stageGraph(all: readonly PlanTask[], tasks: number[], groupOf: number[], group: number, team: Team): StageGraph {
  const local = new Map(tasks.map((index, i) => [index, i]));
  const blockers = new Int32Array(tasks.length);
  const dependents: number[][] = tasks.map(() => []);
  tasks.forEach((index, i) => {
    let count = 0;
    // Blockers of earlier stages are done when the stage opens.
    for (const b of new Set(itemAt(all, index).blockedBy)) {
      const from = local.get(b);
      if (from === undefined || groupOf[b] !== group) continue;
      count++;
      itemAt(dependents, from).push(i);
    }
    blockers[i] = count;
  });
  return {
    index: tasks,
    duration: Float64Array.from(tasks, (index) => team.duration(itemAt(all, index))),
    role: Int32Array.from(tasks, (index) => int32At(team.taskRole, index)),
    blockers,
    dependents,
    memberRole: team.memberRole,
    roles: team.roles,
  };
}

/** Each task's planned time plus the longest chain of dependents after it: the critical path to the stage's end. */
export function bottomLevels(graph: StageGraph): Float64Array {
  const n = graph.index.length;
  const waiting = Int32Array.from(graph.blockers);
  const topological: number[] = [];
  for (let task = 0; task < n; task++) if (waiting[task] === 0) topological.push(task);
  // An array's iterator reads its length at each step, so this also visits the tasks pushed while it runs.
  for (const task of topological) {
    for (const d of itemAt(graph.dependents, task)) {
      const left = int32At(waiting, d) - 1;
      waiting[d] = left;
      if (left === 0) topological.push(d);
    }
  }
  const level = Float64Array.from(graph.duration);
  for (const task of topological.reverse()) {
    let after = 0;
    for (const d of itemAt(graph.dependents, task)) after = Math.max(after, float64At(level, d));
    level[task] = float64At(graph.duration, task) + after;
  }
  return level;
}

/** Besides lowest member number first, the random orders in which members free together choose, when an order is judged. */
const SHUFFLES = 4;

/**
 * How long the stage takes when members follow `priority`: the mean over members free together
 * choosing lowest number first and in SHUFFLES random orders, the same random orders for every
 * priority judged. On a board, whoever of the members free together answers first claims first;
 * an order that is good only when they choose in one order is not a good plan.
 */
function judge(graph: StageGraph, priority: Float64Array, seed: number, group: number): { span: number; started: number[] } {
  const first = scheduleStage(graph, priority);
  let total = first.span;
  for (let s = 0; s < SHUFFLES; s++) total += scheduleStage(graph, priority, rngFor(seed, 'plan-shuffle', group, s)).span;
  return { span: total / (SHUFFLES + 1), started: first.order };
}

/**
 * The best of `orders` priority orders for one stage: critical path first, lowest index first, then
 * perturbed orders, half around the critical path and half around the best found so far. Ties keep
 * the earlier order, so a search never does worse than critical path first or lowest index first.
 * The order returned is the best priority's, highest first; tasks that never start in its schedule
 * (no member may take them, or a cycle holds them) are left out.
 */
function searchStage(graph: StageGraph, orders: number, seed: number, group: number): { span: number; order: number[]; lowestIdSpan: number } {
  const rng = rngFor(seed, 'plan-order', group);
  const levels = bottomLevels(graph);
  const lowestId = judge(graph, new Float64Array(graph.index.length), seed, group);
  let bestPriority = levels;
  let best = judge(graph, levels, seed, group);
  if (lowestId.span < best.span) {
    best = lowestId;
    bestPriority = new Float64Array(graph.index.length);
  }
  for (let k = 2; k < orders; k++) {
    const around = k % 2 === 0 ? levels : bestPriority;
    const spread = k % 2 === 0 ? 1 : 0.3;
    const priority = Float64Array.from(around, (p) => p * (1 - spread / 2 + spread * rng()));
    const tried = judge(graph, priority, seed, group);
    if (tried.span < best.span) {
      best = tried;
      bestPriority = priority;
    }
  }
  // Members are given the priority order itself: what was judged (the order the schedule started the
  // tasks in depends on which member chose first, and did worse when members chose in other orders).
  const chosen = bestPriority;
  const order = [...best.started].sort((a, b) => float64At(chosen, b) - float64At(chosen, a) || a - b);
  return { span: best.span, order, lowestIdSpan: lowestId.span };
}
