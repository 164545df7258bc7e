import type Database from 'better-sqlite3';
import type { NewEvent, StoredEventRow } from '../events.js';
import type { Gate, Member, SimScript, Task } from '../types.js';
import type { BlockerRow, TaskSummaryRow } from '../store.js';

/**
 * The statements every claim, update and TaskList runs, written as SQL over the drizzle schema's
 * tables and prepared once. Through drizzle, building parameters and mapping rows was a quarter of
 * a claim; here columns come back already named for the board's types, and only JSON is parsed.
 * Reading events is here for the same reason: `team status` reads every event of a run.
 */

/**
 * A statement prepared on first use, then kept for the connection: a read command uses a few of
 * the store's statements, and preparing all of them took longer than its reads.
 */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

const TASK = `run_id AS runId, id, key, subject, description, active_form AS activeForm, status, owner, role, stage,
  metadata, sim, created_by AS createdBy, attempt, tokens, cost_usd AS costUsd, created_at AS createdAt,
  updated_at AS updatedAt, started_at AS startedAt, completed_at AS completedAt`;

type TaskRow = Omit<Task, 'metadata' | 'sim'> & { metadata: string; sim: string | null };
/** An event as stored, its payload still JSON text. */
interface EventRow {
  runId: number;
  seq: number;
  ts: number;
  actor: string;
  type: string;
  payload: string;
}
type GateRow = Omit<Gate, 'spec'> & { spec: string };

const TASK_COLUMNS: Record<string, string> = {
  key: 'key',
  subject: 'subject',
  description: 'description',
  activeForm: 'active_form',
  status: 'status',
  owner: 'owner',
  role: 'role',
  stage: 'stage',
  metadata: 'metadata',
  sim: 'sim',
  createdBy: 'created_by',
  attempt: 'attempt',
  tokens: 'tokens',
  costUsd: 'cost_usd',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  startedAt: 'started_at',
  completedAt: 'completed_at',
};

export function toTask(row: TaskRow): Task {
  return { ...row, metadata: JSON.parse(row.metadata), sim: row.sim === null ? null : parseSim(row.sim) };
}

function parseSim(text: string): SimScript {
  return JSON.parse(text);
}

function toGate(row: GateRow): Gate {
  return { ...row, spec: JSON.parse(row.spec) };
}

export function hotStatements(sqlite: Database.Database) {
  const MEMBER = `run_id AS runId, name, agent, role, model, status, current_task AS currentTask, last_action AS lastAction, step,
    step_at AS stepAt, worker, worker_beat_at AS workerBeatAt, heartbeat_at AS heartbeatAt, turns, input_tokens AS inputTokens, output_tokens AS outputTokens,
    cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens, cost_usd AS costUsd`;
  const EVENT = 'run_id AS runId, seq, ts, actor, type, payload';
  const task = once(() => sqlite.prepare<[number, number], TaskRow>(`SELECT ${TASK} FROM tasks WHERE run_id = ? AND id = ?`));
  const member = once(() => sqlite.prepare<[number, string], Member>(`SELECT ${MEMBER} FROM members WHERE run_id = ? AND name = ?`));
  const members = once(() => sqlite.prepare<[number], Member>(`SELECT ${MEMBER} FROM members WHERE run_id = ? ORDER BY name`));
  const explicitBlockers = once(() =>
    sqlite.prepare<[number, number], BlockerRow>(
      // The dependency key's order: ordering by tasks.id would make SQLite walk every task of the run.
      `SELECT t.id, t.subject, t.status, t.owner, t.stage FROM task_deps d
       JOIN tasks t ON t.run_id = d.run_id AND t.id = d.blocked_by
       WHERE d.run_id = ? AND d.task_id = ? AND t.status <> 'completed' ORDER BY d.blocked_by`,
    ),
  );
  // `status IN (...)` and no ORDER BY, so SQLite can use the stage index instead of scanning the run.
  const unfinishedInStages = once(() =>
    sqlite.prepare<[number, string], BlockerRow>(
      `SELECT id, subject, status, owner, stage FROM tasks
       WHERE run_id = ? AND stage IN (SELECT value FROM json_each(?)) AND status IN ('pending', 'in_progress')`,
    ),
  );
  const gates = once(() =>
    sqlite.prepare<[number], GateRow>(
      `SELECT run_id AS runId, id, "before", kind, spec, status, detail, note, decided_by AS decidedBy, updated_at AS updatedAt
       FROM gates WHERE run_id = ? ORDER BY id`,
    ),
  );
  const summaries = once(() =>
    sqlite.prepare<[number], TaskSummaryRow>('SELECT id, subject, status, owner, role, stage, active_form AS activeForm, attempt FROM tasks WHERE run_id = ? ORDER BY id'),
  );
  const ownedBy = once(() => sqlite.prepare<[number, string], TaskRow>(`SELECT ${TASK} FROM tasks WHERE run_id = ? AND owner = ? AND status = 'in_progress' ORDER BY id`));
  const deps = once(() => sqlite.prepare<[number], { taskId: number; blockedBy: number }>('SELECT task_id AS taskId, blocked_by AS blockedBy FROM task_deps WHERE run_id = ?'));
  const lastEvent = once(() => sqlite.prepare<[number], { seq: number; ts: number }>('SELECT seq, ts FROM events WHERE run_id = ? ORDER BY seq DESC LIMIT 1'));
  const insertEvent = once(() =>
    sqlite.prepare<[number, number, number, string, string, number | null, string]>('INSERT INTO events (run_id, seq, ts, actor, type, task_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?)'),
  );
  const eventsSince = once(() => sqlite.prepare<[number, number, number], EventRow>(`SELECT ${EVENT} FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`));
  const taskHistory = once(() =>
    sqlite.prepare<[{ runId: number; taskId: number; limit: number }], EventRow>(
      `SELECT ${EVENT} FROM events
       WHERE run_id = @runId AND (task_id = @taskId OR (type = 'task.dependency' AND json_extract(payload, '$.blockedBy') = @taskId))
       ORDER BY seq DESC LIMIT @limit`,
    ),
  );
  const updates = new Map<string, Database.Statement<unknown[]>>();

  return {
    getTask: (runId: number, id: number): Task | undefined => {
      const row = task().get(runId, id);
      return row ? toTask(row) : undefined;
    },
    getMember: (runId: number, name: string): Member | undefined => member().get(runId, name),
    listMembers: (runId: number): Member[] => members().all(runId),
    explicitBlockers: (runId: number, taskId: number): BlockerRow[] => explicitBlockers().all(runId, taskId),
    unfinishedInStages: (runId: number, stages: string[]): BlockerRow[] => unfinishedInStages().all(runId, JSON.stringify(stages)),
    listGates: (runId: number): Gate[] => gates().all(runId).map(toGate),
    summaries: (runId: number): TaskSummaryRow[] => summaries().all(runId),
    ownedBy: (runId: number, owner: string): Task[] => ownedBy().all(runId, owner).map(toTask),
    deps: (runId: number) => deps().all(runId),
    lastEvent: (runId: number) => lastEvent().get(runId),
    insertEvent: (runId: number, seq: number, ts: number, actor: string, event: NewEvent, taskId: number | null): void => {
      insertEvent().run(runId, seq, ts, actor, event.type, taskId, JSON.stringify(event.payload));
    },
    /** The events after `after`, in order, at most `limit`; payloads parsed, not yet checked. */
    eventsSince: (runId: number, after: number, limit: number): StoredEventRow[] => eventsSince().all(runId, after, limit).map(toStoredEvent),
    /** A task's events, newest first: its own, and dependencies on it. */
    taskHistory: (runId: number, taskId: number, limit: number): StoredEventRow[] => taskHistory().all({ runId, taskId, limit }).map(toStoredEvent),
    /** UPDATE the given columns of one task; one statement per set of columns. */
    updateTask(runId: number, id: number, set: Partial<Omit<Task, 'runId' | 'id'>>): void {
      const entries = Object.entries(set).filter(([, value]) => value !== undefined);
      if (entries.length === 0) return;
      const key = entries.map(([name]) => name).join(',');
      let statement = updates.get(key);
      if (!statement) {
        const assignments = entries.map(([name]) => `${columnOf(name)} = ?`).join(', ');
        statement = sqlite.prepare(`UPDATE tasks SET ${assignments} WHERE run_id = ? AND id = ?`);
        updates.set(key, statement);
      }
      statement.run(...entries.map(([name, value]) => (name === 'metadata' || name === 'sim' ? (value === null ? null : JSON.stringify(value)) : value)), runId, id);
    },
  };
}

function toStoredEvent(row: EventRow): StoredEventRow {
  const payload: unknown = JSON.parse(row.payload);
  return { ...row, payload };
}

function columnOf(field: string): string {
  const column = TASK_COLUMNS[field];
  if (column === undefined) throw new Error(`tasks has no column for ${field}`);
  return column;
}
