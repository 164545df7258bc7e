import { and, asc, desc, eq, gte, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { events, gates, members, messages, questions, runs, taskDeps, tasks, transcriptMessages, transcripts, usage } from '../../../db/postgres/schema.js';
import { once } from '../once.js';

export type Db = NodePgDatabase;

const p = (name: string) => sql.placeholder(name);
const num = (expression: SQL) => expression.mapWith(Number);

/**
 * The statements every hot path uses, as named prepared statements: PostgreSQL parses and plans
 * each once per connection, and later calls send only the parameters. Each is built on its first
 * use on a connection: building them all costs more than a short-lived connection ever uses.
 */
function prepare(db: Db) {
  const taskKey = and(eq(tasks.runId, p('runId')), eq(tasks.id, p('id')));
  const memberKey = and(eq(members.runId, p('runId')), eq(members.name, p('name')));
  const unread = and(eq(messages.runId, p('runId')), eq(messages.to, p('member')), isNull(messages.readAt));
  const summary = {
    id: tasks.id,
    subject: tasks.subject,
    status: tasks.status,
    owner: tasks.owner,
    role: tasks.role,
    stage: tasks.stage,
    activeForm: tasks.activeForm,
    attempt: tasks.attempt,
    planRank: tasks.planRank,
  };
  const blocker = { id: tasks.id, subject: tasks.subject, status: tasks.status, owner: tasks.owner, stage: tasks.stage };
  return {
    run: once(() => db.select().from(runs).where(eq(runs.id, p('id'))).prepare('tb_run')),
    /** In a write: the run row is locked, so read-then-write run changes (driver claims, beats) serialise. */
    runForUpdate: once(() => db.select().from(runs).where(eq(runs.id, p('id'))).for('no key update').prepare('tb_run_lock')),
    member: once(() => db.select().from(members).where(memberKey).prepare('tb_member')),
    members: once(() => db.select().from(members).where(eq(members.runId, p('runId'))).orderBy(asc(members.name)).prepare('tb_members')),
    heartbeat: once(() =>
      db
        .update(members)
        .set({ heartbeatAt: sql`${p('now')}` })
        .where(and(eq(members.runId, p('runId')), sql`${members.name} = ANY(${p('names')}::text[])`))
        .prepare('tb_heartbeat'),
    ),
    usageLog: once(() =>
      db
        .insert(usage)
        .values({
          runId: p('runId'),
          member: p('member'),
          model: p('model'),
          taskId: p('taskId'),
          inputTokens: p('inputTokens'),
          outputTokens: p('outputTokens'),
          cacheReadTokens: p('cacheReadTokens'),
          cacheWriteTokens: p('cacheWriteTokens'),
          costUsd: p('costUsd'),
          ts: p('ts'),
        })
        .prepare('tb_usage_log'),
    ),
    usageMember: once(() =>
      db
        .update(members)
        .set({
          turns: sql`${members.turns} + 1`,
          inputTokens: sql`${members.inputTokens} + ${p('inputTokens')}`,
          outputTokens: sql`${members.outputTokens} + ${p('outputTokens')}`,
          cacheReadTokens: sql`${members.cacheReadTokens} + ${p('cacheReadTokens')}`,
          cacheWriteTokens: sql`${members.cacheWriteTokens} + ${p('cacheWriteTokens')}`,
          costUsd: sql`${members.costUsd} + ${p('costUsd')}`,
        })
        .where(and(eq(members.runId, p('runId')), eq(members.name, p('member'))))
        .prepare('tb_usage_member'),
    ),
    usageTask: once(() =>
      db
        .update(tasks)
        .set({ tokens: sql`${tasks.tokens} + ${p('total')}`, costUsd: sql`${tasks.costUsd} + ${p('costUsd')}` })
        .where(and(eq(tasks.runId, p('runId')), eq(tasks.id, p('taskId'))))
        .prepare('tb_usage_task'),
    ),
    totals: once(() =>
      db
        .select({
          inputTokens: num(sql`coalesce(sum(${usage.inputTokens}), 0)`),
          outputTokens: num(sql`coalesce(sum(${usage.outputTokens}), 0)`),
          cacheReadTokens: num(sql`coalesce(sum(${usage.cacheReadTokens}), 0)`),
          cacheWriteTokens: num(sql`coalesce(sum(${usage.cacheWriteTokens}), 0)`),
          costUsd: num(sql`coalesce(sum(${usage.costUsd}), 0)`),
          calls: num(sql`count(*)`),
        })
        .from(usage)
        .where(eq(usage.runId, p('runId')))
        .prepare('tb_totals'),
    ),
    nextTaskId: once(() =>
      db
        .select({ next: num(sql`coalesce(max(${tasks.id}), 0) + 1`) })
        .from(tasks)
        .where(eq(tasks.runId, p('runId')))
        .prepare('tb_next_task'),
    ),
    insertTask: once(() =>
      db
        .insert(tasks)
        .values({
          runId: p('runId'),
          id: p('id'),
          key: p('key'),
          subject: p('subject'),
          description: p('description'),
          activeForm: p('activeForm'),
          status: p('status'),
          owner: p('owner'),
          role: p('role'),
          stage: p('stage'),
          metadata: p('metadata'),
          sim: p('sim'),
          createdBy: p('createdBy'),
          attempt: p('attempt'),
          tokens: p('tokens'),
          costUsd: p('costUsd'),
          createdAt: p('createdAt'),
          updatedAt: p('updatedAt'),
          startedAt: p('startedAt'),
          completedAt: p('completedAt'),
          planRank: p('planRank'),
        })
        .prepare('tb_insert_task'),
    ),
    task: once(() => db.select().from(tasks).where(taskKey).prepare('tb_task')),
    taskByKey: once(() => db.select().from(tasks).where(and(eq(tasks.runId, p('runId')), eq(tasks.key, p('key')))).prepare('tb_task_key')),
    taskRows: once(() => db.select().from(tasks).where(eq(tasks.runId, p('runId'))).orderBy(asc(tasks.id)).prepare('tb_task_rows')),
    summaries: once(() => db.select(summary).from(tasks).where(eq(tasks.runId, p('runId'))).orderBy(asc(tasks.id)).prepare('tb_summaries')),
    ownedBy: once(() =>
      db
        .select()
        .from(tasks)
        .where(and(eq(tasks.runId, p('runId')), eq(tasks.owner, p('owner')), eq(tasks.status, 'in_progress')))
        .orderBy(asc(tasks.id))
        .prepare('tb_owned_by'),
    ),
    unfinishedInStages: once(() =>
      db
        .select(blocker)
        .from(tasks)
        .where(and(eq(tasks.runId, p('runId')), sql`${tasks.stage} = ANY(${p('stages')}::text[])`, sql`${tasks.status} IN ('pending', 'in_progress')`))
        .prepare('tb_unfinished_stages'),
    ),
    taskStages: once(() => db.select({ id: tasks.id, stage: tasks.stage }).from(tasks).where(eq(tasks.runId, p('runId'))).prepare('tb_task_stages')),
    completed: once(() =>
      db
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(eq(tasks.runId, p('runId')), eq(tasks.status, 'completed')))
        .orderBy(sql`${tasks.completedAt} DESC NULLS LAST`, desc(tasks.id))
        .prepare('tb_completed'),
    ),
    deps: once(() =>
      db
        .select({ taskId: taskDeps.taskId, blockedBy: taskDeps.blockedBy })
        .from(taskDeps)
        .where(eq(taskDeps.runId, p('runId')))
        // The key's order, as SQLite gives it.
        .orderBy(taskDeps.taskId, taskDeps.blockedBy)
        .prepare('tb_deps'),
    ),
    openBlockers: once(() =>
      db
        .select(blocker)
        .from(taskDeps)
        .innerJoin(tasks, and(eq(tasks.runId, taskDeps.runId), eq(tasks.id, taskDeps.blockedBy)))
        .where(and(eq(taskDeps.runId, p('runId')), eq(taskDeps.taskId, p('taskId')), ne(tasks.status, 'completed')))
        .orderBy(taskDeps.blockedBy)
        .prepare('tb_open_blockers'),
    ),
    insertDeps: once(() =>
      db
        .insert(taskDeps)
        .select(
          sql`SELECT ${p('runId')}::int, e.task_id, e.blocked_by FROM unnest(${p('taskIds')}::int[], ${p('blockers')}::int[]) WITH ORDINALITY AS e(task_id, blocked_by, n) ORDER BY e.n`,
        )
        .onConflictDoNothing()
        .returning({ taskId: taskDeps.taskId, blockedBy: taskDeps.blockedBy })
        .prepare('tb_insert_deps'),
    ),
    gates: once(() => db.select().from(gates).where(eq(gates.runId, p('runId'))).orderBy(asc(gates.id)).prepare('tb_gates')),
    questionsAll: once(() => db.select().from(questions).where(eq(questions.runId, p('runId'))).orderBy(asc(questions.id)).prepare('tb_questions')),
    questionsByStatus: once(() =>
      db
        .select()
        .from(questions)
        .where(and(eq(questions.runId, p('runId')), eq(questions.status, p('status'))))
        .orderBy(asc(questions.id))
        .prepare('tb_questions_status'),
    ),
    unread: once(() => db.select().from(messages).where(unread).orderBy(asc(messages.id)).prepare('tb_unread')),
    countUnread: once(() => db.select({ n: num(sql`count(*)`) }).from(messages).where(unread).prepare('tb_count_unread')),
    transcriptHead: once(() =>
      db
        .select({ inFlight: transcripts.inFlight })
        .from(transcripts)
        .where(and(eq(transcripts.runId, p('runId')), eq(transcripts.member, p('member'))))
        .prepare('tb_transcript_head'),
    ),
    transcriptRows: once(() =>
      db
        .select({ message: transcriptMessages.message })
        .from(transcriptMessages)
        .where(and(eq(transcriptMessages.runId, p('runId')), eq(transcriptMessages.member, p('member'))))
        .orderBy(asc(transcriptMessages.idx))
        .prepare('tb_transcript_rows'),
    ),
    transcriptCut: once(() =>
      db
        .delete(transcriptMessages)
        .where(and(eq(transcriptMessages.runId, p('runId')), eq(transcriptMessages.member, p('member')), gte(transcriptMessages.idx, p('keep'))))
        .prepare('tb_transcript_cut'),
    ),
    transcriptSave: once(() =>
      db
        .insert(transcripts)
        .values({ runId: p('runId'), member: p('member'), inFlight: p('inFlight'), updatedAt: p('now') })
        .onConflictDoUpdate({ target: [transcripts.runId, transcripts.member], set: { inFlight: sql`excluded.in_flight`, updatedAt: sql`excluded.updated_at` } })
        .prepare('tb_transcript_save'),
    ),
    lastEvent: once(() => db.select({ seq: events.seq }).from(events).where(eq(events.runId, p('runId'))).orderBy(desc(events.seq)).limit(1).prepare('tb_last_event')),
    eventsSince: once(() =>
      db
        .select()
        .from(events)
        .where(and(eq(events.runId, p('runId')), sql`${events.seq} > ${p('after')}`))
        .orderBy(asc(events.seq))
        .limit(p('limit'))
        .prepare('tb_events_since'),
    ),
    taskHistory: once(() =>
      db
        .select()
        .from(events)
        .where(
          and(
            eq(events.runId, p('runId')),
            sql`(${events.taskId} = ${p('taskId')} OR (${events.type} = 'task.dependency' AND ${events.payload}->>'blockedBy' = ${p('taskId')}::text))`,
          ),
        )
        .orderBy(desc(events.seq))
        .limit(p('limit'))
        .prepare('tb_task_history'),
    ),
  };
}

export type Statements = ReturnType<typeof prepare>;

/** One drizzle instance and one set of prepared statements per pooled connection, made on its first use. */
export interface Connection {
  client: pg.PoolClient;
  db: Db;
  st: Statements;
  /** UPDATE statements by table and set of columns, prepared on first use. */
  updaters: Map<string, { execute(values: Record<string, unknown>): Promise<unknown> }>;
}

const connections = new WeakMap<pg.PoolClient, Connection>();

export function connectionOf(client: pg.PoolClient): Connection {
  const known = connections.get(client);
  if (known) return known;
  const db = drizzle(client);
  const made: Connection = { client, db, st: prepare(db), updaters: new Map() };
  connections.set(client, made);
  return made;
}
