import type Database from 'better-sqlite3';
import { once } from '../once.js';
import type { NewEvent, StoredEventRow } from '../events.js';
import type { Answers, Gate, MailMessage, Member, Question, QuestionPayload, QuestionStatus, Run, RunConfig, RunTotals, SimScript, Task, UsageRow } from '../types.js';
import type { BlockerRow, TaskSummaryRow } from '../store.js';
import { columnIn, rowUpdater } from './row-updates.js';

/**
 * The statements every claim, update and TaskList runs, written as SQL over the drizzle schema's
 * tables and prepared once. Through drizzle, building parameters and mapping rows was a quarter of
 * a claim; here columns come back already named for the board's types, and only JSON is parsed.
 * Every read a read command makes (`team status`, `team runs`, `team export`) is here too, so such
 * a command neither loads drizzle nor builds a query with it, and so is every write of `team tasks
 * create/update` and `team answer` (a task, its dependencies, an answer). Other writes go through
 * drizzle (./drizzle-statements.ts), loaded on the first of them. test/board/sqlite-reads.test.ts and
 * sqlite-writes.test.ts hold both to the drizzle schema.
 */

const TASK = `run_id AS runId, id, key, subject, description, active_form AS activeForm, status, owner, role, stage,
  metadata, sim, created_by AS createdBy, attempt, tokens, cost_usd AS costUsd, created_at AS createdAt,
  updated_at AS updatedAt, started_at AS startedAt, completed_at AS completedAt, plan_rank AS planRank`;

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
type RunRow = Omit<Run, 'config'> & { config: string };
type QuestionRow = Omit<Question, 'payload' | 'answers'> & { payload: string; answers: string | null };

export const TASK_COLUMNS: Record<string, string> = {
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
  planRank: 'plan_rank',
};

export const QUESTION_COLUMNS: Record<string, string> = {
  kind: 'kind',
  askedBy: 'asked_by',
  taskId: 'task_id',
  gateId: 'gate_id',
  toolUseId: 'tool_use_id',
  payload: 'payload',
  status: 'status',
  answers: 'answers',
  answeredBy: 'answered_by',
  createdAt: 'created_at',
  answeredAt: 'answered_at',
};
/** The JSON columns: written as JSON text, NULL kept NULL (as drizzle's json mode does). */
const JSON_FIELDS = new Set(['metadata', 'sim', 'payload', 'answers']);

export function toTask(row: TaskRow): Task {
  return { ...row, metadata: JSON.parse(row.metadata), sim: row.sim === null ? null : parseSim(row.sim) };
}

function parseSim(text: string): SimScript {
  return JSON.parse(text);
}

function toGate(row: GateRow): Gate {
  return { ...row, spec: JSON.parse(row.spec) };
}

function toRun(row: RunRow): Run {
  const config: RunConfig = JSON.parse(row.config);
  return { ...row, config };
}

function toQuestion(row: QuestionRow): Question {
  const payload: QuestionPayload = JSON.parse(row.payload);
  const answers: Answers | null = row.answers === null ? null : JSON.parse(row.answers);
  return { ...row, payload, answers };
}

/** Columns in the schema's order, named as the board's types name them (db/sqlite/schema.ts). */
const RUN = `id, team, status, backend, seed, workspace, budget_usd AS budgetUsd, budget_tokens AS budgetTokens, config,
  status_reason AS statusReason, pid, driver, heartbeat_at AS heartbeatAt, event_cursor AS eventCursor, started_at AS startedAt, ended_at AS endedAt`;
const QUESTION = `run_id AS runId, id, kind, asked_by AS askedBy, task_id AS taskId, gate_id AS gateId, tool_use_id AS toolUseId, payload, status,
  answers, answered_by AS answeredBy, created_at AS createdAt, answered_at AS answeredAt`;
const MESSAGE = 'run_id AS runId, id, from_member AS "from", to_member AS "to", summary, body, created_at AS createdAt, read_at AS readAt';
const GATE = 'run_id AS runId, id, "before", kind, spec, status, detail, note, decided_by AS decidedBy, updated_at AS updatedAt';

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
  const gates = once(() => sqlite.prepare<[number], GateRow>(`SELECT ${GATE} FROM gates WHERE run_id = ? ORDER BY id`));
  const gate = once(() => sqlite.prepare<[number, number], GateRow>(`SELECT ${GATE} FROM gates WHERE run_id = ? AND id = ?`));
  const run = once(() => sqlite.prepare<[number], RunRow>(`SELECT ${RUN} FROM runs WHERE id = ?`));
  const latestRun = once(() => sqlite.prepare<[], RunRow>(`SELECT ${RUN} FROM runs ORDER BY id DESC LIMIT 1`));
  const runs = once(() => sqlite.prepare<[], RunRow>(`SELECT ${RUN} FROM runs ORDER BY id DESC`));
  const taskRows = once(() => sqlite.prepare<[number], TaskRow>(`SELECT ${TASK} FROM tasks WHERE run_id = ? ORDER BY id`));
  const completed = once(() =>
    sqlite.prepare<[number], number>("SELECT id FROM tasks WHERE run_id = ? AND status = 'completed' ORDER BY completed_at DESC, id DESC").pluck(),
  );
  const question = once(() => sqlite.prepare<[number, number], QuestionRow>(`SELECT ${QUESTION} FROM questions WHERE run_id = ? AND id = ?`));
  const questions = once(() => sqlite.prepare<[number], QuestionRow>(`SELECT ${QUESTION} FROM questions WHERE run_id = ? ORDER BY id`));
  const questionsByStatus = once(() =>
    sqlite.prepare<[number, QuestionStatus], QuestionRow>(`SELECT ${QUESTION} FROM questions WHERE run_id = ? AND status = ? ORDER BY id`),
  );
  const messages = once(() => sqlite.prepare<[number], MailMessage>(`SELECT ${MESSAGE} FROM messages WHERE run_id = ? ORDER BY id`));
  const totals = once(() =>
    sqlite.prepare<[number], Omit<RunTotals, 'tokens'>>(
      `SELECT coalesce(sum(input_tokens), 0) AS inputTokens, coalesce(sum(output_tokens), 0) AS outputTokens,
         coalesce(sum(cache_read_tokens), 0) AS cacheReadTokens, coalesce(sum(cache_write_tokens), 0) AS cacheWriteTokens,
         coalesce(sum(cost_usd), 0) AS costUsd, count(*) AS calls
       FROM usage WHERE run_id = ?`,
    ),
  );
  const usage = once(() =>
    sqlite.prepare<[number], UsageRow>(
      `SELECT member, task_id AS taskId, model, input_tokens AS inputTokens, output_tokens AS outputTokens, cache_read_tokens AS cacheReadTokens,
         cache_write_tokens AS cacheWriteTokens, cost_usd AS costUsd, ts
       FROM usage WHERE run_id = ? ORDER BY id`,
    ),
  );
  const summaries = once(() =>
    sqlite.prepare<[number], TaskSummaryRow>('SELECT id, subject, status, owner, role, stage, active_form AS activeForm, attempt, plan_rank AS planRank FROM tasks WHERE run_id = ? ORDER BY id'),
  );
  // `id + 0`: ordered by the bare id, SQLite would walk the run's every task in key order rather
  // than look the owner's few up in tasks_run_owner_idx and sort them.
  const ownedBy = once(() => sqlite.prepare<[number, string], TaskRow>(`SELECT ${TASK} FROM tasks WHERE run_id = ? AND owner = ? AND status = 'in_progress' ORDER BY id + 0`));
  const deps = once(() => sqlite.prepare<[number], { taskId: number; blockedBy: number }>('SELECT task_id AS taskId, blocked_by AS blockedBy FROM task_deps WHERE run_id = ?'));
  const lastEvent = once(() => sqlite.prepare<[number], { seq: number; ts: number }>('SELECT seq, ts FROM events WHERE run_id = ? ORDER BY seq DESC LIMIT 1'));
  const insertEvent = once(() =>
    sqlite.prepare<[number, number, number, string, string, number | null, string]>('INSERT INTO events (run_id, seq, ts, actor, type, task_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?)'),
  );
  // The limit is written into the SQL: with it bound as a parameter, reading no new events (what
  // most looks find) took four times as long. Callers use two or three limits: one statement for
  // each of the first few, the bound one for any other.
  const eventsByLimit = new Map<number, Database.Statement<[number, number], EventRow>>();
  const eventsSince = once(() => sqlite.prepare<[number, number, number], EventRow>(`SELECT ${EVENT} FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`));
  const readEvents = (runId: number, after: number, limit: number): EventRow[] => {
    let statement = eventsByLimit.get(limit);
    if (!statement && Number.isSafeInteger(limit) && limit >= 0 && eventsByLimit.size < 8) {
      statement = sqlite.prepare<[number, number], EventRow>(`SELECT ${EVENT} FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ${limit}`);
      eventsByLimit.set(limit, statement);
    }
    return statement ? statement.all(runId, after) : eventsSince().all(runId, after, limit);
  };
  const taskHistory = once(() =>
    sqlite.prepare<[{ runId: number; taskId: number; limit: number }], EventRow>(
      `SELECT ${EVENT} FROM events
       WHERE run_id = @runId AND (task_id = @taskId OR (type = 'task.dependency' AND json_extract(payload, '$.blockedBy') = @taskId))
       ORDER BY seq DESC LIMIT @limit`,
    ),
  );
  const nextTaskId = once(() => sqlite.prepare<[number], number>('SELECT coalesce(max(id), 0) + 1 FROM tasks WHERE run_id = ?').pluck());
  const taskByKey = once(() => sqlite.prepare<[number, string], TaskRow>(`SELECT ${TASK} FROM tasks WHERE run_id = ? AND key = ?`));
  const taskStages = once(() => sqlite.prepare<[number], Pick<Task, 'id' | 'stage'>>('SELECT id, stage FROM tasks WHERE run_id = ?'));
  const insertTask = once(() => {
    const fields = Object.keys(TASK_COLUMNS);
    const columns = ['run_id', 'id', ...fields.map(columnOf)].join(', ');
    return sqlite.prepare<unknown[]>(`INSERT INTO tasks (${columns}) VALUES (${['runId', 'id', ...fields].map(() => '?').join(', ')})`);
  });
  const insertDep = once(() => sqlite.prepare<[number, number, number]>('INSERT INTO task_deps (run_id, task_id, blocked_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'));
  const updateRow = rowUpdater(sqlite, stored);

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
    getGate: (runId: number, id: number): Gate | undefined => {
      const row = gate().get(runId, id);
      return row ? toGate(row) : undefined;
    },
    getRun: (id: number): Run | undefined => {
      const row = run().get(id);
      return row ? toRun(row) : undefined;
    },
    latestRun: (): Run | undefined => {
      const row = latestRun().get();
      return row ? toRun(row) : undefined;
    },
    listRuns: (): Run[] => runs().all().map(toRun),
    taskRows: (runId: number): Task[] => taskRows().all(runId).map(toTask),
    /** Completed tasks, the last completed first. */
    completionOrder: (runId: number): number[] => completed().all(runId),
    getQuestion: (runId: number, id: number): Question | undefined => {
      const row = question().get(runId, id);
      return row ? toQuestion(row) : undefined;
    },
    listQuestions: (runId: number, status?: QuestionStatus): Question[] => (status ? questionsByStatus().all(runId, status) : questions().all(runId)).map(toQuestion),
    listMessages: (runId: number): MailMessage[] => messages().all(runId),
    runTotals: (runId: number): RunTotals => {
      const r = totals().get(runId) ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, calls: 0 };
      return { ...r, tokens: r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens };
    },
    listUsage: (runId: number): UsageRow[] => usage().all(runId),
    summaries: (runId: number): TaskSummaryRow[] => summaries().all(runId),
    ownedBy: (runId: number, owner: string): Task[] => ownedBy().all(runId, owner).map(toTask),
    deps: (runId: number) => deps().all(runId),
    lastEvent: (runId: number) => lastEvent().get(runId),
    insertEvent: (runId: number, seq: number, ts: number, actor: string, event: NewEvent, taskId: number | null): void => {
      insertEvent().run(runId, seq, ts, actor, event.type, taskId, JSON.stringify(event.payload));
    },
    /** The events after `after`, in order, at most `limit`; payloads parsed, not yet checked. */
    eventsSince: (runId: number, after: number, limit: number): StoredEventRow[] => readEvents(runId, after, limit).map(toStoredEvent),
    /** A task's events, newest first: its own, and dependencies on it. */
    taskHistory: (runId: number, taskId: number, limit: number): StoredEventRow[] => taskHistory().all({ runId, taskId, limit }).map(toStoredEvent),
    /** UPDATE the given columns of one task. */
    updateTask: (runId: number, id: number, set: Partial<Omit<Task, 'runId' | 'id'>>): void => updateRow('tasks', TASK_COLUMNS, 'run_id = ? AND id = ?', [runId, id], set),
    /** UPDATE the given columns of one question. */
    updateQuestion: (runId: number, id: number, set: Partial<Omit<Question, 'runId' | 'id'>>): void => updateRow('questions', QUESTION_COLUMNS, 'run_id = ? AND id = ?', [runId, id], set),
    nextTaskId: (runId: number): number => nextTaskId().get(runId) ?? 1,
    findTaskByKey: (runId: number, key: string): Task | undefined => {
      const row = taskByKey().get(runId, key);
      return row ? toTask(row) : undefined;
    },
    taskStages: (runId: number): Pick<Task, 'id' | 'stage'>[] => taskStages().all(runId),
    insertTask: (task: Task): void => {
      const values = new Map<string, unknown>(Object.entries(task));
      insertTask().run(task.runId, task.id, ...Object.keys(TASK_COLUMNS).map((name) => stored(name, values.get(name))));
    },
    /** The edges that were not there yet. */
    insertDeps: (runId: number, edges: { taskId: number; blockedBy: number }[]) => edges.filter((e) => insertDep().run(runId, e.taskId, e.blockedBy).changes > 0),
  };
}

/** A value as its column holds it: JSON columns as text. */
function stored(field: string, value: unknown): unknown {
  if (!JSON_FIELDS.has(field)) return value;
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function toStoredEvent(row: EventRow): StoredEventRow {
  const payload: unknown = JSON.parse(row.payload);
  return { ...row, payload };
}

function columnOf(field: string): string {
  return columnIn(TASK_COLUMNS, 'tasks', field);
}
