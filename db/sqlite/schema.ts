import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
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

export const runs = sqliteTable(
  'runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    team: text('team').notNull(),
    status: text('status').$type<RunStatus>().notNull().default('running'),
    backend: text('backend').$type<Backend>().notNull(),
    seed: integer('seed').notNull().default(0),
    workspace: text('workspace').notNull(),
    budgetUsd: real('budget_usd'),
    budgetTokens: integer('budget_tokens'),
    config: text('config', { mode: 'json' }).$type<RunConfig>().notNull(),
    statusReason: text('status_reason'),
    pid: integer('pid'),
    /** Who drives the run now (host, pid and a nonce); null when nobody does. */
    driver: text('driver'),
    /** Last beat of the driving process: a run whose driver stopped beating is shown as crashed. */
    heartbeatAt: integer('heartbeat_at'),
    /** Last event the coordinator has handled: a resume goes on from here. */
    eventCursor: integer('event_cursor').notNull().default(0),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [index('runs_status_idx').on(t.status)],
);

export const members = sqliteTable(
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
    stepAt: integer('step_at'),
    /** The process (driver or worker) running this member, when one does. */
    worker: text('worker'),
    /** The wall-clock heartbeat of that process: one silent for the worker lease has its members taken back. */
    workerBeatAt: integer('worker_beat_at'),
    heartbeatAt: integer('heartbeat_at'),
    turns: integer('turns').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cacheReadTokens: integer('cache_read_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    costUsd: real('cost_usd').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'members_pk', columns: [t.runId, t.name] })],
);

export const tasks = sqliteTable(
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
    metadata: text('metadata', { mode: 'json' }).$type<JsonObject>().notNull().default(sql`'{}'`),
    /** The simulated model's script for this task; never shown to a real model. */
    sim: text('sim', { mode: 'json' }).$type<SimScript>(),
    createdBy: text('created_by').notNull(),
    attempt: integer('attempt').notNull().default(1),
    tokens: integer('tokens').notNull().default(0),
    costUsd: real('cost_usd').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    startedAt: integer('started_at'),
    completedAt: integer('completed_at'),
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

export const taskDeps = sqliteTable(
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

export const gates = sqliteTable(
  'gates',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    id: integer('id').notNull(),
    before: text('before').notNull(),
    kind: text('kind').$type<GateSpec['kind']>().notNull(),
    spec: text('spec', { mode: 'json' }).$type<GateSpec>().notNull(),
    status: text('status').$type<GateStatus>().notNull().default('closed'),
    detail: text('detail'),
    /** A condition the person attached to an approval ("only EU customers first"). */
    note: text('note'),
    decidedBy: text('decided_by'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ name: 'gates_pk', columns: [t.runId, t.id] })],
);

export const questions = sqliteTable(
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
    payload: text('payload', { mode: 'json' }).$type<QuestionPayload>().notNull(),
    status: text('status').$type<QuestionStatus>().notNull().default('open'),
    answers: text('answers', { mode: 'json' }).$type<Answers>(),
    answeredBy: text('answered_by').$type<AnsweredBy>(),
    createdAt: integer('created_at').notNull(),
    answeredAt: integer('answered_at'),
  },
  (t) => [
    primaryKey({ name: 'questions_pk', columns: [t.runId, t.id] }),
    index('questions_run_status_idx').on(t.runId, t.status),
  ],
);

export const messages = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
    readAt: integer('read_at'),
  },
  (t) => [
    primaryKey({ name: 'messages_pk', columns: [t.runId, t.id] }),
    index('messages_inbox_idx').on(t.runId, t.to, t.readAt),
  ],
);

/** One row per member: the turn in flight (tool calls started and not yet answered). */
export const transcripts = sqliteTable(
  'transcripts',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    member: text('member').notNull(),
    inFlight: text('in_flight', { mode: 'json' }).$type<unknown>(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ name: 'transcripts_pk', columns: [t.runId, t.member] })],
);

/** A member's conversation, one row per message: a step appends only what is new. */
export const transcriptMessages = sqliteTable(
  'transcript_messages',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    member: text('member').notNull(),
    idx: integer('idx').notNull(),
    message: text('message', { mode: 'json' }).$type<unknown>().notNull(),
  },
  (t) => [primaryKey({ name: 'transcript_messages_pk', columns: [t.runId, t.member, t.idx] })],
);

export const usage = sqliteTable(
  'usage',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    member: text('member').notNull(),
    taskId: integer('task_id'),
    model: text('model').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    cacheReadTokens: integer('cache_read_tokens').notNull(),
    cacheWriteTokens: integer('cache_write_tokens').notNull(),
    costUsd: real('cost_usd').notNull(),
    ts: integer('ts').notNull(),
  },
  (t) => [index('usage_run_member_idx').on(t.runId, t.member)],
);

export const events = sqliteTable(
  'events',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    ts: integer('ts').notNull(),
    actor: text('actor').notNull(),
    type: text('type').notNull(),
    /** The task an event is about, when it is about one (the task detail's history). */
    taskId: integer('task_id'),
    payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
  },
  (t) => [primaryKey({ name: 'events_pk', columns: [t.runId, t.seq] }), index('events_run_task_idx').on(t.runId, t.taskId)],
);
