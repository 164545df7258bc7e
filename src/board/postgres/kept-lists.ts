import type { TaskSummaryRow } from '../store.js';
import type { Dependency, Gate, TaskStatus } from '../types.js';

/**
 * A run's task list and dependency edges, kept by a store between transactions. Claims list every
 * task and edge of the run, and shipping thousands of rows to each claimer for every claim is what
 * a busy board would spend its time on. Every change to a task appends an event naming it in the
 * same transaction (every new or removed edge a task.dependency or task.deleted event), and events
 * are numbered in commit order, so the list at event #n plus the tasks named by later events is
 * the list now: one small query instead of the whole run. A commit that changes a task or an edge
 * without such an event bumps the run's `untracked` counter (tx.ts), and the lists are read whole.
 */
interface Kept {
  /** The run's last event number, and its untracked count, when the lists were read. */
  at: number;
  untracked: number;
  rows: Map<number, TaskSummaryRow>;
  sorted: TaskSummaryRow[];
  deps: Dependency[];
}

export type KeptLists = Map<number, Kept>;

/** What one read of the run brought: its tasks and edges, and its gates when the same query could give them. */
export interface RunView {
  tasks: TaskSummaryRow[];
  deps: Dependency[];
  gates?: Gate[];
}

interface Row {
  at: number;
  untracked: number;
  /** A task named by an event since the kept list (CHANGED only). */
  changed: number | null;
  /** An edge was added or removed since the kept list (CHANGED only). */
  deps_moved: boolean | null;
  /** Every gate of the run, on the first row (CHANGED only). */
  gates: Gate[] | null;
  id: number | null;
  subject: string;
  status: TaskStatus;
  owner: string | null;
  role: string | null;
  stage: string | null;
  active_form: string | null;
  attempt: number;
  plan_rank: number | null;
}

const COLUMNS = 't.id, t.subject, t.status, t.owner, t.role, t.stage, t.active_form, t.attempt, t.plan_rank';

/** The whole list and the counter it goes with, in one statement (one snapshot). */
const WHOLE = `SELECT k.seq AS at, k.untracked, NULL::int AS changed, NULL::boolean AS deps_moved, NULL::json AS gates, ${COLUMNS}
FROM event_counters k LEFT JOIN tasks t ON t.run_id = k.run_id WHERE k.run_id = $1 ORDER BY t.id`;

/**
 * The tasks named by events after $2 (a changed task with no row was deleted), whether an edge
 * moved, the run's gates and the counter: one statement, one snapshot, one round trip.
 * Each changed task is looked up by its key (the LATERAL with OFFSET 0 keeps the planner from
 * turning it into a join): on a board whose tasks were just created, the table's statistics still
 * say it is nearly empty, and the join the planner chose then read every task of the run on every
 * claim (12 ms instead of 0.5 with 2,000 tasks).
 */
const CHANGED = `WITH k AS (SELECT seq, untracked FROM event_counters WHERE run_id = $1),
since AS (SELECT e.task_id, e.type FROM events e, k WHERE e.run_id = $1 AND e.seq > $2 AND e.seq <= k.seq),
ch AS (SELECT DISTINCT task_id FROM since WHERE task_id IS NOT NULL),
gs AS (SELECT coalesce(json_agg(json_build_object('runId', g.run_id, 'id', g.id, 'before', g.before, 'kind', g.kind, 'spec', g.spec,
  'status', g.status, 'detail', g.detail, 'note', g.note, 'decidedBy', g.decided_by, 'updatedAt', g.updated_at) ORDER BY g.id), '[]'::json) AS gates
  FROM gates g WHERE g.run_id = $1)
SELECT k.seq AS at, k.untracked, ch.task_id AS changed,
  EXISTS (SELECT 1 FROM since WHERE type IN ('task.dependency', 'task.deleted')) AS deps_moved,
  CASE WHEN row_number() OVER () = 1 THEN gs.gates END AS gates, ${COLUMNS}
FROM k CROSS JOIN gs LEFT JOIN ch ON true
LEFT JOIN LATERAL (SELECT * FROM tasks WHERE tasks.run_id = $1 AND tasks.id = ch.task_id OFFSET 0) t ON true`;

const DEPS = 'SELECT task_id, blocked_by FROM task_deps WHERE run_id = $1 ORDER BY task_id, blocked_by';

/** Runs a read whose parameters are integers (the transaction may send it in one batch with BEGIN and its lock). */
export type IntRead = <R>(name: string, text: string, values: number[]) => Promise<R[]>;

function summary(r: Row & { id: number }): TaskSummaryRow {
  return { id: r.id, subject: r.subject, status: r.status, owner: r.owner, role: r.role, stage: r.stage, activeForm: r.active_form, attempt: r.attempt, planRank: r.plan_rank };
}

function withId(r: Row): r is Row & { id: number } {
  return r.id !== null;
}

async function readDeps(read: IntRead, runId: number): Promise<Dependency[]> {
  const rows = await read<{ task_id: number; blocked_by: number }>('tb_kept_deps', DEPS, [runId]);
  return rows.map((r) => ({ taskId: r.task_id, blockedBy: r.blocked_by }));
}

function view(kept: Kept, gates?: Gate[]): RunView {
  return gates ? { tasks: [...kept.sorted], deps: [...kept.deps], gates } : { tasks: [...kept.sorted], deps: [...kept.deps] };
}

/**
 * The run's tasks and edges from the kept lists brought up to date; undefined when they cannot be
 * (no counter row for the run, or a snapshot older than the kept lists): the caller then reads the
 * tasks itself. Only for transactions that have not written to the run.
 */
export async function keptRunView(read: IntRead, lists: KeptLists, runId: number): Promise<RunView | undefined> {
  const kept = lists.get(runId);
  if (!kept) return readWhole(read, lists, runId);
  const rows = await read<Row>('tb_kept_changes', CHANGED, [runId, kept.at]);
  const head = rows[0];
  if (!head) return undefined;
  // An older snapshot than the kept lists (a read that began earlier) must not see newer rows.
  if (head.at < kept.at) return undefined;
  if (head.untracked !== kept.untracked) return readWhole(read, lists, runId);
  let moved = false;
  for (const r of rows) {
    if (r.changed === null) continue;
    moved = true;
    if (withId(r)) kept.rows.set(r.id, summary(r));
    else kept.rows.delete(r.changed);
  }
  if (moved) kept.sorted = [...kept.rows.values()].sort((a, b) => a.id - b.id);
  if (head.deps_moved) kept.deps = await readDeps(read, runId);
  kept.at = head.at;
  return view(kept, head.gates ?? undefined);
}

async function readWhole(read: IntRead, lists: KeptLists, runId: number): Promise<RunView | undefined> {
  const rows = await read<Row>('tb_kept_whole', WHOLE, [runId]);
  const head = rows[0];
  if (!head) return undefined;
  const sorted = rows.filter(withId).map(summary);
  const kept: Kept = { at: head.at, untracked: head.untracked, rows: new Map(sorted.map((s) => [s.id, s])), sorted, deps: await readDeps(read, runId) };
  // Edges read in a later statement may be newer than `at`: the next refresh reads them again if an edge event came after it.
  lists.set(runId, kept);
  return view(kept);
}
