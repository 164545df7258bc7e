/**
 * List scheduling of one stage on the planner's clock: whenever a member is free, it starts the
 * ready task it may take that comes first by priority (higher first, then lower index), as members
 * do when they take the first claimable task listed. Stages are barriers on the board, so each
 * stage is scheduled on its own from time 0.
 */
import { Heap } from './heap.js';

/** A stage's tasks by local number (0..n-1, in board order) and the team, in the arrays the schedule reads. */
export interface StageGraph {
  /** Board-order index of each local task. */
  readonly index: readonly number[];
  /** Planned time of each task: its estimate plus the per-task overhead. */
  readonly duration: Float64Array;
  /** Role number of each task, -1 when anyone may take it. */
  readonly role: Int32Array;
  /** How many same-stage blockers each task has. */
  readonly blockers: Int32Array;
  /** Same-stage dependents of each task. */
  readonly dependents: readonly (readonly number[])[];
  /** Role number of each member. */
  readonly memberRole: Int32Array;
  readonly roles: number;
}

export interface StageSchedule {
  /** When the last task ends (from the stage's start). */
  span: number;
  /** Local tasks in the order they start; tasks no member can ever take are left out. */
  order: number[];
}

/**
 * With `shuffle`, members free at the same moment choose in a random order (as members woken together
 * do on a real board, where whoever answers first claims first); without, lowest member number first.
 */
export function scheduleStage(graph: StageGraph, priority: Float64Array, shuffle?: () => number): StageSchedule {
  const n = graph.index.length;
  const members = graph.memberRole.length;
  const first = (a: number, b: number) => (priority[a] as number) > (priority[b] as number) || (priority[a] === priority[b] && a < b);
  const ready = Array.from({ length: graph.roles + 1 }, () => new Heap(first));
  const readyFor = (task: number) => ready[(graph.role[task] as number) + 1] as Heap;
  const waiting = Int32Array.from(graph.blockers);
  for (let task = 0; task < n; task++) if (waiting[task] === 0) readyFor(task).push(task);

  const finish = new Float64Array(n);
  const runningOn = new Int32Array(members).fill(-1);
  // Running members by finish time, then member number: the same run repeats exactly.
  const clock = new Heap((a, b) => {
    const fa = finish[runningOn[a] as number] as number;
    const fb = finish[runningOn[b] as number] as number;
    return fa < fb || (fa === fb && a < b);
  });
  const open = ready[0] as Heap;
  const order: number[] = [];
  const turn = Int32Array.from({ length: members }, (_, m) => m);
  let now = 0;
  for (;;) {
    if (shuffle) {
      for (let i = members - 1; i > 0; i--) {
        const j = Math.floor(shuffle() * (i + 1));
        const swap = turn[i] as number;
        turn[i] = turn[j] as number;
        turn[j] = swap;
      }
    }
    for (const m of turn) {
      if (runningOn[m] !== -1) continue;
      const own = ready[(graph.memberRole[m] as number) + 1] as Heap;
      const a = own.peek();
      const b = open.peek();
      const pick = a === undefined ? b : b === undefined || first(a, b) ? a : b;
      if (pick === undefined) continue;
      (pick === a ? own : open).pop();
      finish[pick] = now + (graph.duration[pick] as number);
      runningOn[m] = pick;
      clock.push(m);
      order.push(pick);
    }
    const next = clock.peek();
    if (next === undefined) break;
    now = finish[runningOn[next] as number] as number;
    while (clock.size > 0 && finish[runningOn[clock.peek() as number] as number] === now) {
      const m = clock.pop() as number;
      const done = runningOn[m] as number;
      runningOn[m] = -1;
      for (const d of graph.dependents[done] ?? []) {
        waiting[d] = (waiting[d] as number) - 1;
        if (waiting[d] === 0) readyFor(d).push(d);
      }
    }
  }
  return { span: now, order };
}
