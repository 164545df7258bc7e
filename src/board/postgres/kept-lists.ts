import type pg from 'pg';
import type { TaskSummaryRow } from '../store.js';
import type { Dependency, TaskStatus } from '../types.js';

/**
 * A run's task list and dependency edges, kept by a store between transactions. Claims list every
 * task and edge of the run, and shipping thousands of rows to each claimer for every claim is what
 * a busy board would spend its time on. Every change to a task appends an event naming it in the
 * same transaction (every new or removed edge a task.dependency or task.deleted event), and events
 * are numbered in commit order, so the list at event #n plus the tasks named by later events is
 * the list now: one small query instead of the whole run. A commit that changes a task or an edge
 * without such an event bumps the run's `untracked` counter (tx.ts), and the lists are read whole.
 */
interface KeptTasks {
  /** The run's last event number, and its untracked count, when the list was read. */
  at: number;
  untracked: number;
  rows: Map<number, TaskSummaryRow>;
  sorted: TaskSummaryRow[];
}

interface KeptDeps {
  at: number;
  untracked: number;
  edges: Dependency[];
}

export type KeptLists = Map<number, { tasks?: KeptTasks; deps?: KeptDeps }>;

interface Row {
  at: number;
  untracked: number;
  /** A task named by an event since the kept list (CHANGED only). */
  changed: number | null;
  id: number | null;
  subject: string;
  status: TaskStatus;
  owner: string | null;
  role: string | null;
  stage: string | null;
  active_form: string | null;
  attempt: number;
}

const COLUMNS = 't.id, t.subject, t.status, t.owner, t.role, t.stage, t.active_form, t.attempt';

/** The whole list and the counter it goes with, in one statement (one snapshot). */
const WHOLE = `SELECT k.seq AS at, k.untracked, NULL::int AS changed, ${COLUMNS}
FROM event_counters k LEFT JOIN tasks t ON t.run_id = k.run_id WHERE k.run_id = $1 ORDER BY t.id`;

/** The tasks named by events after $2, and the counter, in one statement. A changed task with no row was deleted. */
const CHANGED = `WITH k AS (SELECT seq, untracked FROM event_counters WHERE run_id = $1),
ch AS (SELECT DISTINCT e.task_id FROM events e, k WHERE e.run_id = $1 AND e.seq > $2 AND e.seq <= k.seq AND e.task_id IS NOT NULL)
SELECT k.seq AS at, k.untracked, ch.task_id AS changed, ${COLUMNS}
FROM k LEFT JOIN ch ON true LEFT JOIN tasks t ON t.run_id = $1 AND t.id = ch.task_id`;

function summary(r: Row & { id: number }): TaskSummaryRow {
  return { id: r.id, subject: r.subject, status: r.status, owner: r.owner, role: r.role, stage: r.stage, activeForm: r.active_form, attempt: r.attempt };
}

function withId(r: Row): r is Row & { id: number } {
  return r.id !== null;
}

/**
 * The run's task summaries by id, from the kept list when it can be brought up to date; undefined
 * when it cannot (no counter row for the run, or a snapshot older than the kept list): the caller
 * then reads the tasks itself. Only for transactions that have not written to the run.
 */
export async function keptTaskList(client: pg.PoolClient, lists: KeptLists, runId: number): Promise<TaskSummaryRow[] | undefined> {
  const kept = lists.get(runId)?.tasks;
  if (!kept) return readWhole(client, lists, runId);
  const { rows } = await client.query<Row>({ name: 'tb_task_list_changes', text: CHANGED, values: [runId, kept.at] });
  const head = rows[0];
  if (!head) return undefined;
  // An older snapshot than the kept list (a read that began earlier) must not see newer rows.
  if (head.at < kept.at) return undefined;
  if (head.untracked !== kept.untracked) return readWhole(client, lists, runId);
  let moved = false;
  for (const r of rows) {
    if (r.changed === null) continue;
    moved = true;
    if (withId(r)) kept.rows.set(r.id, summary(r));
    else kept.rows.delete(r.changed);
  }
  if (moved) kept.sorted = [...kept.rows.values()].sort((a, b) => a.id - b.id);
  kept.at = head.at;
  return [...kept.sorted];
}

async function readWhole(client: pg.PoolClient, lists: KeptLists, runId: number): Promise<TaskSummaryRow[] | undefined> {
  const { rows } = await client.query<Row>({ name: 'tb_task_list', text: WHOLE, values: [runId] });
  const head = rows[0];
  if (!head) return undefined;
  const sorted = rows.filter(withId).map(summary);
  lists.set(runId, { ...lists.get(runId), tasks: { at: head.at, untracked: head.untracked, rows: new Map(sorted.map((s) => [s.id, s])), sorted } });
  return [...sorted];
}

/** Every edge and the counter they go with. */
const WHOLE_DEPS = `SELECT k.seq AS at, k.untracked, d.task_id, d.blocked_by
FROM event_counters k LEFT JOIN task_deps d ON d.run_id = k.run_id WHERE k.run_id = $1 ORDER BY d.task_id, d.blocked_by`;

/** Has an edge been added or removed (with its task) since $2? */
const DEPS_MOVED = `SELECT k.seq AS at, k.untracked, EXISTS (
  SELECT 1 FROM events e WHERE e.run_id = $1 AND e.seq > $2 AND e.seq <= k.seq AND e.type IN ('task.dependency', 'task.deleted')
) AS moved FROM event_counters k WHERE k.run_id = $1`;

interface DepRow {
  at: number;
  untracked: number;
  task_id: number | null;
  blocked_by: number | null;
}

/** The run's dependency edges from the kept copy when no edge changed since; undefined when they cannot be kept. */
export async function keptDeps(client: pg.PoolClient, lists: KeptLists, runId: number): Promise<Dependency[] | undefined> {
  const kept = lists.get(runId)?.deps;
  if (kept) {
    const { rows } = await client.query<{ at: number; untracked: number; moved: boolean }>({ name: 'tb_deps_moved', text: DEPS_MOVED, values: [runId, kept.at] });
    const head = rows[0];
    if (!head || head.at < kept.at) return undefined;
    if (!head.moved && head.untracked === kept.untracked) {
      kept.at = head.at;
      return [...kept.edges];
    }
  }
  const { rows } = await client.query<DepRow>({ name: 'tb_deps_whole', text: WHOLE_DEPS, values: [runId] });
  const head = rows[0];
  if (!head) return undefined;
  const edges = rows.flatMap((r) => (r.task_id === null || r.blocked_by === null ? [] : [{ taskId: r.task_id, blockedBy: r.blocked_by }]));
  lists.set(runId, { ...lists.get(runId), deps: { at: head.at, untracked: head.untracked, edges } });
  return [...edges];
}
