import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export type RunStatus = 'running' | 'paused' | 'completed' | 'failed' | 'stopped';
export type Backend = 'sim' | 'anthropic' | 'replay';
export type MemberStatus = 'starting' | 'working' | 'waiting' | 'idle' | 'stopped' | 'dead';
export type TaskStatus = 'pending' | 'in_progress' | 'completed';
export type QuestionStatus = 'pending' | 'answered' | 'cancelled';
export type QuestionKind = 'agent' | 'gate' | 'budget';
export type AnsweredBy = 'human' | 'auto' | 'cli';
export type GateStatus = 'pending' | 'waiting' | 'passed' | 'failed' | 'overridden' | 'stopped';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Snapshot of the team definition a run was started from (what the coordinator needs at resume). */
export interface RunConfig {
  pipeline: string[];
  teamDefault?: string;
  [key: string]: unknown;
}

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
    createdBy: text('created_by').notNull(),
    attempt: integer('attempt').notNull().default(1),
    tokens: integer('tokens').notNull().default(0),
    costUsd: real('cost_usd').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    startedAt: integer('started_at'),
    completedAt: integer('completed_at'),
  },
  (t) => [
    primaryKey({ name: 'tasks_pk', columns: [t.runId, t.id] }),
    index('tasks_run_status_idx').on(t.runId, t.status),
    index('tasks_run_stage_idx').on(t.runId, t.stage, t.status),
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
    kind: text('kind').$type<'metric' | 'approval'>().notNull(),
    spec: text('spec', { mode: 'json' }).$type<JsonObject>().notNull(),
    status: text('status').$type<GateStatus>().notNull().default('pending'),
    detail: text('detail'),
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
    payload: text('payload', { mode: 'json' }).$type<JsonObject>().notNull(),
    status: text('status').$type<QuestionStatus>().notNull().default('pending'),
    answers: text('answers', { mode: 'json' }).$type<JsonObject>(),
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

export const transcripts = sqliteTable(
  'transcripts',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    member: text('member').notNull(),
    messages: text('messages', { mode: 'json' }).$type<unknown[]>().notNull(),
    /** Tool calls started but not yet answered: what a resume must report as interrupted. */
    inFlight: text('in_flight', { mode: 'json' }).$type<unknown[]>().notNull().default(sql`'[]'`),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ name: 'transcripts_pk', columns: [t.runId, t.member] })],
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
    payload: text('payload', { mode: 'json' }).$type<JsonObject>().notNull(),
  },
  (t) => [primaryKey({ name: 'events_pk', columns: [t.runId, t.seq] })],
);
