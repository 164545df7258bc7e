import type pg from 'pg';
import type { TaskSummaryRow } from '../store.js';
import type { TaskStatus } from '../types.js';

/**
 * A run's task list, kept by a store between transactions. Claims list every task of the run, and
 * shipping thousands of rows to each claimer for every claim is what a busy board would spend its
 * time on. Every change to a task appends an event naming it in the same transaction, and events
 * are numbered in commit order, so the list at event #n plus the tasks named by later events is
 * the list now: one small query instead of the whole run. A commit that changes a task without
 * such an event bumps the run's `untracked` counter (tx.ts), and the list is then read whole.
 */
interface Kept {
  /** The run's last event number, and its untracked count, when the list was read. */
  at: number;
  untracked: number;
  rows: Map<number, TaskSummaryRow>;
  sorted: TaskSummaryRow[];
}

export type TaskLists = Map<number, Kept>;

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
export async function keptTaskList(client: pg.PoolClient, lists: TaskLists, runId: number): Promise<TaskSummaryRow[] | undefined> {
  const kept = lists.get(runId);
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

async function readWhole(client: pg.PoolClient, lists: TaskLists, runId: number): Promise<TaskSummaryRow[] | undefined> {
  const { rows } = await client.query<Row>({ name: 'tb_task_list', text: WHOLE, values: [runId] });
  const head = rows[0];
  if (!head) return undefined;
  const sorted = rows.filter(withId).map(summary);
  lists.set(runId, { at: head.at, untracked: head.untracked, rows: new Map(sorted.map((s) => [s.id, s])), sorted });
  return [...sorted];
}
