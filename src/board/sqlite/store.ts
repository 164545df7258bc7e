import { and, asc, desc, eq, gte, isNull, sql, type SQL } from 'drizzle-orm';
import { gates, members, messages, questions, runs, taskDeps, tasks, transcriptMessages, transcripts, usage } from '../../../db/sqlite/schema.js';
import type { BoardClock } from '../clock.js';
import { decodeEvent, eventTaskId, type BoardEvent, type StoredEventRow } from '../events.js';
import type { OpenOptions } from '../open.js';
import type { Store, Tx } from '../store.js';
import type { Gate, MailMessage, Member, Question, Run, Task } from '../types.js';
import { openDatabase, storageError, codeOf, type Db, type SqliteConnection } from './database.js';
import { hotStatements, once } from './hot-statements.js';
import { createMutex } from './mutex.js';

// The schema's rows are the board's types (checked here, so the two cannot drift apart).
const rowTypes = {
  run: (r: typeof runs.$inferSelect): Run => r,
  member: (r: typeof members.$inferSelect): Member => r,
  task: (r: typeof tasks.$inferSelect): Task => r,
  gate: (r: typeof gates.$inferSelect): Gate => r,
  question: (r: typeof questions.$inferSelect): Question => r,
  message: (r: typeof messages.$inferSelect): MailMessage => r,
};
void rowTypes;

const p = (name: string) => sql.placeholder(name);

/** Statements through drizzle, each prepared once per connection, when first used. */
function statements(db: Db) {
  const unread = and(eq(messages.runId, p('runId')), eq(messages.to, p('member')), isNull(messages.readAt));
  return {
    run: once(() => db.select().from(runs).where(eq(runs.id, p('id'))).prepare()),
    heartbeat: once(() =>
      db
        .update(members)
        .set({ heartbeatAt: sql`${p('now')}` })
        .where(and(eq(members.runId, p('runId')), eq(members.name, p('name'))))
        .prepare(),
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
        .prepare(),
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
        .prepare(),
    ),
    usageTask: once(() =>
      db
        .update(tasks)
        .set({ tokens: sql`${tasks.tokens} + ${p('total')}`, costUsd: sql`${tasks.costUsd} + ${p('costUsd')}` })
        .where(and(eq(tasks.runId, p('runId')), eq(tasks.id, p('taskId'))))
        .prepare(),
    ),
    totals: once(() =>
      db
        .select({
          inputTokens: sql<number>`coalesce(sum(${usage.inputTokens}), 0)`,
          outputTokens: sql<number>`coalesce(sum(${usage.outputTokens}), 0)`,
          cacheReadTokens: sql<number>`coalesce(sum(${usage.cacheReadTokens}), 0)`,
          cacheWriteTokens: sql<number>`coalesce(sum(${usage.cacheWriteTokens}), 0)`,
          costUsd: sql<number>`coalesce(sum(${usage.costUsd}), 0)`,
          calls: sql<number>`count(*)`,
        })
        .from(usage)
        .where(eq(usage.runId, p('runId')))
        .prepare(),
    ),
    nextTaskId: once(() =>
      db
        .select({ next: sql<number>`coalesce(max(${tasks.id}), 0) + 1` })
        .from(tasks)
        .where(eq(tasks.runId, p('runId')))
        .prepare(),
    ),
    taskByKey: once(() => db.select().from(tasks).where(and(eq(tasks.runId, p('runId')), eq(tasks.key, p('key')))).prepare()),
    taskRows: once(() => db.select().from(tasks).where(eq(tasks.runId, p('runId'))).orderBy(asc(tasks.id)).prepare()),
    taskStages: once(() => db.select({ id: tasks.id, stage: tasks.stage }).from(tasks).where(eq(tasks.runId, p('runId'))).prepare()),
    completed: once(() =>
      db
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(eq(tasks.runId, p('runId')), eq(tasks.status, 'completed')))
        .orderBy(desc(tasks.completedAt), desc(tasks.id))
        .prepare(),
    ),
    insertDep: once(() => db.insert(taskDeps).values({ runId: p('runId'), taskId: p('taskId'), blockedBy: p('blockedBy') }).onConflictDoNothing().prepare()),
    questionsAll: once(() => db.select().from(questions).where(eq(questions.runId, p('runId'))).orderBy(asc(questions.id)).prepare()),
    questionsByStatus: once(() =>
      db
        .select()
        .from(questions)
        .where(and(eq(questions.runId, p('runId')), eq(questions.status, p('status'))))
        .orderBy(asc(questions.id))
        .prepare(),
    ),
    unread: once(() => db.select().from(messages).where(unread).orderBy(asc(messages.id)).prepare()),
    countUnread: once(() => db.select({ n: sql<number>`count(*)` }).from(messages).where(unread).prepare()),
    transcriptHead: once(() =>
      db
        .select({ inFlight: transcripts.inFlight })
        .from(transcripts)
        .where(and(eq(transcripts.runId, p('runId')), eq(transcripts.member, p('member'))))
        .prepare(),
    ),
    transcriptRows: once(() =>
      db
        .select({ message: transcriptMessages.message })
        .from(transcriptMessages)
        .where(and(eq(transcriptMessages.runId, p('runId')), eq(transcriptMessages.member, p('member'))))
        .orderBy(asc(transcriptMessages.idx))
        .prepare(),
    ),
    transcriptCut: once(() =>
      db
        .delete(transcriptMessages)
        .where(and(eq(transcriptMessages.runId, p('runId')), eq(transcriptMessages.member, p('member')), gte(transcriptMessages.idx, p('keep'))))
        .prepare(),
    ),
    transcriptAppend: once(() => db.insert(transcriptMessages).values({ runId: p('runId'), member: p('member'), idx: p('idx'), message: p('message') }).prepare()),
    transcriptSave: once(() =>
      db
        .insert(transcripts)
        .values({ runId: p('runId'), member: p('member'), inFlight: p('inFlight'), updatedAt: p('now') })
        .onConflictDoUpdate({ target: [transcripts.runId, transcripts.member], set: { inFlight: sql`excluded.in_flight`, updatedAt: sql`excluded.updated_at` } })
        .prepare(),
    ),
  };
}

type Statements = ReturnType<typeof statements>;

/** An UPDATE of the given columns of one row, prepared once per table and set of columns. */
function updater(db: Db, cache: Map<string, { run(values: Record<string, unknown>): unknown }>) {
  return (name: string, table: typeof tasks | typeof runs | typeof members | typeof gates | typeof questions, where: SQL, set: Record<string, unknown>, key: Record<string, unknown>) => {
    const columns = Object.keys(set).filter((c) => set[c] !== undefined).sort();
    if (columns.length === 0) return;
    const id = `${name}:${columns.join(',')}`;
    let statement = cache.get(id);
    if (!statement) {
      const values = Object.fromEntries(columns.map((c) => [c, p(c)]));
      statement = db.update(table).set(values).where(where).prepare();
      cache.set(id, statement);
    }
    statement.run({ ...set, ...key });
  };
}

function decoded(rows: StoredEventRow[]): BoardEvent[] {
  const out: BoardEvent[] = [];
  for (const row of rows) {
    const event = decodeEvent(row);
    if (event) out.push(event);
  }
  return out;
}

export function openSqliteStore(file: string, options: OpenOptions, clock: BoardClock): Store {
  const conn = openDatabase(file, options);
  return sqliteStore(conn, clock);
}

const BUSY_RETRIES = 40;

function sqliteStore(conn: SqliteConnection, clock: BoardClock): Store {
  const { db, sqlite, file } = conn;
  const st: Statements = statements(db);
  const hot = hotStatements(sqlite);
  const cache = new Map<string, { run(values: Record<string, unknown>): unknown }>();
  const update = updater(db, cache);
  const pipelines = new Map<number, string[]>();
  const mutex = createMutex();
  const waiters = new Set<() => void>();
  const begin = { immediate: sqlite.prepare('BEGIN IMMEDIATE'), deferred: sqlite.prepare('BEGIN'), commit: sqlite.prepare('COMMIT'), rollback: sqlite.prepare('ROLLBACK') };
  const versionParts = { data: sqlite.prepare('PRAGMA data_version').pluck(), changes: sqlite.prepare('SELECT total_changes()').pluck() };
  let closed = false;

  const tx: Tx = {
    now: () => clock.now(),
    lockRun: async () => undefined,

    async insertRun(values) {
      const row = db.insert(runs).values(values).returning().get();
      return row;
    },
    getRun: async (id) => st.run().get({ id }),
    latestRun: async () => db.select().from(runs).orderBy(desc(runs.id)).limit(1).get(),
    listRuns: async () => db.select().from(runs).orderBy(desc(runs.id)).all(),
    async updateRun(id, set) {
      update('runs', runs, eq(runs.id, p('id')), set, { id });
    },
    async pipelineOf(runId) {
      const cached = pipelines.get(runId);
      if (cached) return cached;
      const run = st.run().get({ id: runId });
      const pipeline = run?.config.pipeline ?? [];
      if (run) pipelines.set(runId, pipeline);
      return pipeline;
    },

    async insertMember(member) {
      db.insert(members).values(member).run();
    },
    getMember: async (runId, name) => hot.getMember(runId, name),
    listMembers: async (runId) => hot.listMembers(runId),
    async updateMember(runId, name, set) {
      update('members', members, and(eq(members.runId, p('runId')), eq(members.name, p('name'))) as SQL, set, { runId, name });
    },
    async heartbeatMembers(runId, names, now) {
      for (const name of names) st.heartbeat().run({ runId, name, now });
    },
    async addUsage(runId, member, rec, ts) {
      st.usageLog().run({ runId, member, ...rec, ts });
      st.usageMember().run({ runId, member, ...rec });
      if (rec.taskId !== null) {
        const total = rec.inputTokens + rec.outputTokens + rec.cacheReadTokens + rec.cacheWriteTokens;
        st.usageTask().run({ runId, taskId: rec.taskId, total, costUsd: rec.costUsd });
      }
    },
    async runTotals(runId) {
      const r = st.totals().get({ runId }) ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, calls: 0 };
      return { ...r, tokens: r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens };
    },
    listUsage: async (runId) =>
      db
        .select({
          member: usage.member,
          taskId: usage.taskId,
          model: usage.model,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          cacheReadTokens: usage.cacheReadTokens,
          cacheWriteTokens: usage.cacheWriteTokens,
          costUsd: usage.costUsd,
          ts: usage.ts,
        })
        .from(usage)
        .where(eq(usage.runId, runId))
        .orderBy(asc(usage.id))
        .all(),

    nextTaskId: async (runId) => st.nextTaskId().get({ runId })?.next ?? 1,
    async insertTask(task) {
      db.insert(tasks).values(task).run();
    },
    getTask: async (runId, id) => hot.getTask(runId, id),
    findTaskByKey: async (runId, key) => st.taskByKey().get({ runId, key }),
    listTaskRows: async (runId) => st.taskRows().all({ runId }),
    listTaskSummaries: async (runId) => hot.summaries(runId),
    tasksOwnedBy: async (runId, owner) => hot.ownedBy(runId, owner),
    unfinishedInStages: async (runId, stages) => hot.unfinishedInStages(runId, stages),
    taskStages: async (runId) => st.taskStages().all({ runId }),
    async updateTask(runId, id, set) {
      hot.updateTask(runId, id, set);
    },
    async deleteTask(runId, id) {
      // The dependency rows go with it (foreign keys cascade).
      db.delete(tasks).where(and(eq(tasks.runId, runId), eq(tasks.id, id))).run();
    },
    completionOrder: async (runId) => st.completed().all({ runId }).map((r) => r.id),

    listDeps: async (runId) => hot.deps(runId),
    openExplicitBlockers: async (runId, taskId) => hot.explicitBlockers(runId, taskId),
    async insertDeps(runId, edges) {
      return edges.filter((e) => st.insertDep().run({ runId, ...e }).changes > 0);
    },

    nextGateId: async (runId) => db.select({ next: sql<number>`coalesce(max(${gates.id}), 0) + 1` }).from(gates).where(eq(gates.runId, runId)).get()?.next ?? 1,
    async insertGate(gate) {
      db.insert(gates).values(gate).run();
    },
    getGate: async (runId, id) => db.select().from(gates).where(and(eq(gates.runId, runId), eq(gates.id, id))).get(),
    listGates: async (runId) => hot.listGates(runId),
    async updateGate(runId, id, set) {
      update('gates', gates, and(eq(gates.runId, p('runId')), eq(gates.id, p('id'))) as SQL, set, { runId, id });
    },

    nextQuestionId: async (runId) =>
      db.select({ next: sql<number>`coalesce(max(${questions.id}), 0) + 1` }).from(questions).where(eq(questions.runId, runId)).get()?.next ?? 1,
    async insertQuestion(question) {
      db.insert(questions).values(question).run();
    },
    getQuestion: async (runId, id) => db.select().from(questions).where(and(eq(questions.runId, runId), eq(questions.id, id))).get(),
    listQuestions: async (runId, status) => (status ? st.questionsByStatus().all({ runId, status }) : st.questionsAll().all({ runId })),
    async updateQuestion(runId, id, set) {
      update('questions', questions, and(eq(questions.runId, p('runId')), eq(questions.id, p('id'))) as SQL, set, { runId, id });
    },

    nextMessageId: async (runId) =>
      db.select({ next: sql<number>`coalesce(max(${messages.id}), 0) + 1` }).from(messages).where(eq(messages.runId, runId)).get()?.next ?? 1,
    async insertMessage(message) {
      db.insert(messages).values(message).run();
    },
    unreadMessages: async (runId, member) => st.unread().all({ runId, member }),
    countUnread: async (runId, member) => st.countUnread().get({ runId, member })?.n ?? 0,
    async markRead(runId, member, now) {
      db.update(messages)
        .set({ readAt: now })
        .where(and(eq(messages.runId, runId), eq(messages.to, member), isNull(messages.readAt)))
        .run();
    },
    listMessages: async (runId) => db.select().from(messages).where(eq(messages.runId, runId)).orderBy(asc(messages.id)).all(),

    async loadTranscript(runId, member) {
      const head = st.transcriptHead().get({ runId, member });
      const rows = st.transcriptRows().all({ runId, member });
      if (!head && rows.length === 0) return undefined;
      return { messages: rows.map((r) => r.message), inFlight: head?.inFlight ?? null };
    },
    async saveTranscript(runId, member, keep, append, inFlight, now) {
      st.transcriptCut().run({ runId, member, keep });
      append.forEach((message, i) => st.transcriptAppend().run({ runId, member, idx: keep + i, message }));
      st.transcriptSave().run({ runId, member, inFlight: inFlight ?? null, now });
    },

    async appendEvent(runId, actor, event) {
      const last = hot.lastEvent(runId);
      // An instant run's virtual clock runs ahead of real time; a change from another process (an
      // answer, a stop) must not appear to happen before what it follows.
      hot.insertEvent(runId, (last?.seq ?? 0) + 1, Math.max(clock.now(), last?.ts ?? 0), actor, event, eventTaskId(event));
    },
    listEvents: async (runId, after, limit) => decoded(hot.eventsSince(runId, after, limit)),
    lastEventSeq: async (runId) => hot.lastEvent(runId)?.seq ?? 0,
    taskHistory: async (runId, taskId, limit) => decoded(hot.taskHistory(runId, taskId, limit)).reverse(),
  };

  function guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw storageError(error, file) ?? error;
    }
  }

  async function inTransaction<T>(write: boolean, fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (closed) throw new Error(`the board ${file} is closed`);
    return mutex.run(async () => {
      await beginWithRetry(write);
      let result: T;
      try {
        result = await fn(tx);
        guard(() => begin.commit.run());
      } catch (error) {
        if (sqlite.inTransaction) begin.rollback.run();
        throw storageError(error, file) ?? error;
      }
      if (write) for (const wake of [...waiters]) wake();
      return result;
    });
  }

  async function beginWithRetry(write: boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        (write ? begin.immediate : begin.deferred).run();
        return;
      } catch (error) {
        if (!/^SQLITE_(BUSY|LOCKED)/.test(codeOf(error)) || attempt >= BUSY_RETRIES) throw storageError(error, file) ?? error;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 20)));
      }
    }
  }

  return {
    kind: 'sqlite',
    location: file,
    read: (fn) => inTransaction(false, fn),
    write: (fn) => inTransaction(true, fn),
    version: (runId) =>
      mutex.run(async () => guard(() => `${String(versionParts.data.get())}.${String(versionParts.changes.get())}.${hot.lastEvent(runId)?.seq ?? 0}`)),
    waitForChange(_runId, timeoutMs, signal) {
      return new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    async close() {
      if (closed) return;
      await mutex.run(async () => {
        closed = true;
        for (const wake of [...waiters]) wake();
        sqlite.close();
      });
    },
  };
}
