/**
 * List scheduling of one stage on the planner's clock: whenever a member is free, it starts the
 * ready task it may take that comes first by priority (higher first, then lower index), as members
 * do when they take the first claimable task listed. Stages are barriers on the board, so each
 * stage is scheduled on its own from time 0.
 */
import { comesFirst, Heap } from './heap.js';
import { float64At, int32At, itemAt } from './item-at.js';

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
  // Tasks anyone may take (role -1), then each role's: a task's list is at its role number + 1.
  // Keyed by minus the priority, as the heaps give the smallest key first.
  const open = new Heap();
  const ready = [open, ...Array.from({ length: graph.roles }, () => new Heap())];
  const makeReady = (task: number) => itemAt(ready, int32At(graph.role, task) + 1).push(task, -float64At(priority, task));
  const waiting = Int32Array.from(graph.blockers);
  for (let task = 0; task < n; task++) if (waiting[task] === 0) makeReady(task);

  const runningOn = new Int32Array(members).fill(-1);
  // Running members keyed by when their task ends, then by member number: the same run repeats exactly.
  const clock = new Heap();
  const order: number[] = [];
  const turn = Int32Array.from({ length: members }, (_, m) => m);
  let now = 0;
  for (;;) {
    if (shuffle) {
      for (let i = members - 1; i > 0; i--) {
        const j = Math.floor(shuffle() * (i + 1));
        const swap = int32At(turn, i);
        turn[i] = int32At(turn, j);
        turn[j] = swap;
      }
    }
    for (const m of turn) {
      if (runningOn[m] !== -1) continue;
      const pick = firstOf(itemAt(ready, int32At(graph.memberRole, m) + 1), open)?.pop();
      if (pick === undefined) continue;
      runningOn[m] = pick;
      clock.push(m, now + float64At(graph.duration, pick));
      order.push(pick);
    }
    const next = clock.peekKey();
    if (next === undefined) break;
    now = next;
    while (clock.peekKey() === now) {
      const m = clock.pop();
      if (m === undefined) break;
      const done = int32At(runningOn, m);
      runningOn[m] = -1;
      for (const d of itemAt(graph.dependents, done)) {
        const left = int32At(waiting, d) - 1;
        waiting[d] = left;
        if (left === 0) makeReady(d);
      }
    }
  }
  return { span: now, order };
}

/** Of two ready lists, the one whose first task comes first; undefined when both are empty. */
function firstOf(a: Heap, b: Heap): Heap | undefined {
  const taskA = a.peek();
  const keyA = a.peekKey();
  const taskB = b.peek();
  const keyB = b.peekKey();
  if (taskA === undefined || keyA === undefined) return taskB === undefined ? undefined : b;
  if (taskB === undefined || keyB === undefined) return a;
  return comesFirst(taskA, keyA, taskB, keyB) ? a : b;
}
