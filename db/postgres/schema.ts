/**
 * The board's tables on PostgreSQL: the same tables, columns, keys and indexes as db/sqlite/schema.ts,
 * so both backends return rows of the same types (src/board/types.ts). Epoch-millisecond times and
 * counters that can pass 2^31 are bigint read as JS numbers; money is double precision.
 */
import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, foreignKey, index, integer, json, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type {
  AnsweredBy,
  Answers,
  Backend,
  GateSpec,
  GateStatus,
  JsonObject,
  MemberStatus,
  QuestionKind,
  QuestionPayload,
  QuestionStatus,
  RunConfig,
  RunStatus,
  SimScript,
  TaskStatus,
} from '../types.js';

/** A time (epoch ms) or a count that may not fit in 32 bits. */
const big = (name: string) => bigint(name, { mode: 'number' });

export const runs = pgTable(
  'runs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    team: text('team').notNull(),
    status: text('status').$type<RunStatus>().notNull().default('running'),
    backend: text('backend').$type<Backend>().notNull(),
    seed: big('seed').notNull().default(0),
    workspace: text('workspace').notNull(),
    budgetUsd: doublePrecision('budget_usd'),
    budgetTokens: big('budget_tokens'),
    config: jsonb('config').$type<RunConfig>().notNull(),
    statusReason: text('status_reason'),
    pid: integer('pid'),
    /** Who drives the run now (host, pid and a nonce); null when nobody does. */
    driver: text('driver'),
    /** Last beat of the driving process: a run whose driver stopped beating is shown as crashed. */
    heartbeatAt: big('heartbeat_at'),
    /** Last event the coordinator has handled: a resume goes on from here. */
    eventCursor: integer('event_cursor').notNull().default(0),
    startedAt: big('started_at').notNull(),
    endedAt: big('ended_at'),
  },
  (t) => [index('runs_status_idx').on(t.status)],
);

export const members = pgTable(
  'members',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    agent: text('agent').notNull(),
    role: text('role').notNull(),
    model: text('model').notNull(),
    status: text('status').$type<MemberStatus>().notNull().default('starting'),
    currentTask: integer('current_task'),
    lastAction: text('last_action'),
    /** What the member is doing right now ("thinking", "Bash node scripts/train.js"), null between steps. */
    step: text('step'),
    stepAt: big('step_at'),
    /** The process (driver or worker) running this member, when one does. */
    worker: text('worker'),
    /** The wall-clock heartbeat of that process: one silent for the worker lease has its members taken back. */
    workerBeatAt: big('worker_beat_at'),
    heartbeatAt: big('heartbeat_at'),
    turns: integer('turns').notNull().default(0),
    inputTokens: big('input_tokens').notNull().default(0),
    outputTokens: big('output_tokens').notNull().default(0),
    cacheReadTokens: big('cache_read_tokens').notNull().default(0),
    cacheWriteTokens: big('cache_write_tokens').notNull().default(0),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'members_pk', columns: [t.runId, t.name] })],
);

export const tasks = pgTable(
  'tasks',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    id: integer('id').notNull(),
    key: text('key'),
    subject: text('subject').notNull(),
    description: text('description').notNull().default(''),
    activeForm: text('active_form'),
    status: text('status').$type<TaskStatus>().notNull().default('pending'),
    owner: text('owner'),
    role: text('role'),
    stage: text('stage'),
    metadata: jsonb('metadata').$type<JsonObject>().notNull().default(sql`'{}'::jsonb`),
    /** The simulated model's script for this task; never shown to a real model. */
    sim: jsonb('sim').$type<SimScript>(),
    createdBy: text('created_by').notNull(),
    attempt: integer('attempt').notNull().default(1),
    tokens: big('tokens').notNull().default(0),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    createdAt: big('created_at').notNull(),
    updatedAt: big('updated_at').notNull(),
    startedAt: big('started_at'),
    completedAt: big('completed_at'),
    /** Place in the run's planned claim order (from the team file's estimates); null: after the planned tasks, lowest id first. */
    planRank: integer('plan_rank'),
  },
  (t) => [
    primaryKey({ name: 'tasks_pk', columns: [t.runId, t.id] }),
    index('tasks_run_status_idx').on(t.runId, t.status),
    index('tasks_run_stage_idx').on(t.runId, t.stage, t.status),
    index('tasks_run_owner_idx').on(t.runId, t.owner, t.status),
    uniqueIndex('tasks_run_key_idx').on(t.runId, t.key),
  ],
);

export const taskDeps = pgTable(
  'task_deps',
  {
    runId: integer('run_id').notNull(),
    taskId: integer('task_id').notNull(),
    blockedBy: integer('blocked_by').notNull(),
  },
  (t) => [
    primaryKey({ name: 'task_deps_pk', columns: [t.runId, t.taskId, t.blockedBy] }),
    index('task_deps_blocker_idx').on(t.runId, t.blockedBy),
    foreignKey({ name: 'task_deps_task_fk', columns: [t.runId, t.taskId], foreignColumns: [tasks.runId, tasks.id] }).onDelete('cascade'),
    foreignKey({ name: 'task_deps_blocker_fk', columns: [t.runId, t.blockedBy], foreignColumns: [tasks.runId, tasks.id] }).onDelete('cascade'),
  ],
);

export const gates = pgTable(
  'gates',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    id: integer('id').notNull(),
    before: text('before').notNull(),
    kind: text('kind').$type<GateSpec['kind']>().notNull(),
    spec: jsonb('spec').$type<GateSpec>().notNull(),
    status: text('status').$type<GateStatus>().notNull().default('closed'),
    detail: text('detail'),
    /** A condition the person attached to an approval ("only EU customers first"). */
    note: text('note'),
    decidedBy: text('decided_by'),
    updatedAt: big('updated_at').notNull(),
  },
  (t) => [primaryKey({ name: 'gates_pk', columns: [t.runId, t.id] })],
);

export const questions = pgTable(
  'questions',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    id: integer('id').notNull(),
    kind: text('kind').$type<QuestionKind>().notNull().default('agent'),
    askedBy: text('asked_by').notNull(),
    taskId: integer('task_id'),
    gateId: integer('gate_id'),
    toolUseId: text('tool_use_id'),
    payload: jsonb('payload').$type<QuestionPayload>().notNull(),
    status: text('status').$type<QuestionStatus>().notNull().default('open'),
    answers: jsonb('answers').$type<Answers>(),
    answeredBy: text('answered_by').$type<AnsweredBy>(),
    createdAt: big('created_at').notNull(),
    answeredAt: big('answered_at'),
  },
  (t) => [
    primaryKey({ name: 'questions_pk', columns: [t.runId, t.id] }),
    index('questions_run_status_idx').on(t.runId, t.status),
  ],
);

export const messages = pgTable(
  'messages',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    id: integer('id').notNull(),
    from: text('from_member').notNull(),
    to: text('to_member').notNull(),
    summary: text('summary'),
    body: text('body').notNull(),
    createdAt: big('created_at').notNull(),
    readAt: big('read_at'),
  },
  (t) => [
    primaryKey({ name: 'messages_pk', columns: [t.runId, t.id] }),
    index('messages_inbox_idx').on(t.runId, t.to, t.readAt),
  ],
);

/**
 * One row per member: the turn in flight. Transcripts are `json`, not `jsonb`: they are sent back to
 * the model on resume, and `json` keeps their keys in the order written, so the request (and its
 * prompt cache prefix) is the same bytes as before.
 */
export const transcripts = pgTable(
  'transcripts',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    member: text('member').notNull(),
    inFlight: json('in_flight').$type<unknown>(),
    updatedAt: big('updated_at').notNull(),
  },
  (t) => [primaryKey({ name: 'transcripts_pk', columns: [t.runId, t.member] })],
);

/** A member's conversation, one row per message: a step appends only what is new. */
export const transcriptMessages = pgTable(
  'transcript_messages',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    member: text('member').notNull(),
    idx: integer('idx').notNull(),
    message: json('message').$type<unknown>().notNull(),
  },
  (t) => [primaryKey({ name: 'transcript_messages_pk', columns: [t.runId, t.member, t.idx] })],
);

export const usage = pgTable(
  'usage',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    member: text('member').notNull(),
    taskId: integer('task_id'),
    model: text('model').notNull(),
    inputTokens: big('input_tokens').notNull(),
    outputTokens: big('output_tokens').notNull(),
    cacheReadTokens: big('cache_read_tokens').notNull(),
    cacheWriteTokens: big('cache_write_tokens').notNull(),
    costUsd: doublePrecision('cost_usd').notNull(),
    ts: big('ts').notNull(),
  },
  (t) => [index('usage_run_member_idx').on(t.runId, t.member)],
);

export const events = pgTable(
  'events',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    ts: big('ts').notNull(),
    actor: text('actor').notNull(),
    type: text('type').notNull(),
    /** The task an event is about, when it is about one (the task detail's history). */
    taskId: integer('task_id'),
    payload: jsonb('payload').$type<unknown>().notNull(),
  },
  (t) => [primaryKey({ name: 'events_pk', columns: [t.runId, t.seq] }), index('events_run_task_idx').on(t.runId, t.taskId)],
);

/**
 * PostgreSQL only: each run's last event number and time. Appending events updates this row in the
 * writing transaction, which numbers them without gaps and makes commit order the number order
 * (docs/decisions/0011-postgres-board.md). `prev_ts` is the time before the last append, returned by it.
 * `untracked` counts commits that changed a task without an event about it: a process that keeps
 * a run's task list between transactions refreshes it from the events, or whole when this moved.
 */
export const eventCounters = pgTable('event_counters', {
  runId: integer('run_id')
    .primaryKey()
    .references(() => runs.id, { onDelete: 'cascade' }),
  seq: integer('seq').notNull().default(0),
  ts: big('ts').notNull().default(0),
  prevTs: big('prev_ts').notNull().default(0),
  untracked: integer('untracked').notNull().default(0),
});
