import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type pg from 'pg';
import { eventCounters, gates, members, messages, questions, runs, tasks, usage } from '../../../db/postgres/schema.js';
import type { BoardClock } from '../clock.js';
import { decodeEvent, eventTaskId, type BoardEvent } from '../events.js';
import type { Tx } from '../store.js';
import { flushSql } from './events.js';
import { jsonText, withoutNul } from './json.js';
import { integerLiteral } from './literal.js';
import type { Connection } from './statements.js';
import { keptRunView, type IntRead, type KeptLists } from './kept-lists.js';
import { TASK_FOR_UPDATE, TASK_SKIP_LOCKED, taskFromRaw, taskUpdateSql, type RawTask } from './task-rows.js';
import { aloneAllowed, beginSql, note, type TxState } from './tx-state.js';

/** Advisory lock keys are (LOCK_SPACE, run id); (LOCK_SPACE, 0) guards migrations. */
export const LOCK_SPACE = 0x74626f61;

export interface StoreContext {
  clock: BoardClock;
  /** Tells this store's own notifications apart from other processes'. */
  storeId: string;
  /** Runs' pipelines: fixed when a run is made. */
  pipelines: Map<number, string[]>;
  kept: KeptLists;
}

const p = (name: string) => sql.placeholder(name);

type UpdatableTable = typeof tasks | typeof runs | typeof members | typeof gates | typeof questions;

/** Names of UPDATE statements by table and columns, the same on every connection of this process. */
const updateNames = new Map<string, string>();

function decoded(rows: { runId: number; seq: number; ts: number; actor: string; type: string; payload: unknown }[]): BoardEvent[] {
  const out: BoardEvent[] = [];
  for (const row of rows) {
    const event = decodeEvent(row);
    if (event) out.push(event);
  }
  return out;
}

export function createTx(conn: Connection, state: TxState, ctx: StoreContext): Tx {
  const { client, db, st } = conn;

  /** BEGIN if not sent yet, and the statements waiting to be sent (a lock, task updates), as one batch. */
  async function begin(): Promise<void> {
    const batch = [...(state.begun ? [] : [beginSql(state)]), ...state.later];
    state.later = [];
    state.begun = true;
    await client.query(batch.join(';\n'));
  }

  // The rules may start several reads at once (Promise.all); a connection runs one statement at a
  // time, so they are queued here in the order they were asked for.
  let tail: Promise<unknown> = Promise.resolve();
  function serial<T>(run: () => Promise<T>): Promise<T> {
    const next = tail.then(run, run);
    tail = next.catch(() => undefined);
    return next;
  }

  /** Run a statement inside the transaction. */
  function q<T>(run: () => Promise<T>): Promise<T> {
    return serial(async () => {
      if (!state.begun && aloneAllowed(state)) return run();
      if (!state.begun || state.later.length > 0) await begin();
      return run();
    });
  }

  /**
   * A read whose parameters are all integers. With BEGIN, a lock or writes still to send, it goes
   * in the same batch as plain SQL (one round trip instead of two); otherwise as a named statement.
   */
  const readInts: IntRead = <R>(name: string, text: string, values: number[]) =>
    serial(async (): Promise<R[]> => {
      const alone = !state.begun && aloneAllowed(state);
      const pending = alone ? [] : [...(state.begun ? [] : [beginSql(state)]), ...state.later];
      if (pending.length === 0) return (await client.query<R & pg.QueryResultRow>({ name, text, values })).rows;
      state.later = [];
      state.begun = true;
      const inline = text.replace(/\$(\d+)/g, (_, n: string) => integerLiteral(values[Number(n) - 1] ?? Number.NaN));
      const results: pg.QueryResult<R & pg.QueryResultRow> | pg.QueryResult<R & pg.QueryResultRow>[] = await client.query([...pending, inline].join(';\n'));
      return Array.isArray(results) ? (results.at(-1)?.rows ?? []) : results.rows;
    });

  /** A write to a run: it is notified when the transaction commits. */
  async function w<T>(runId: number, run: () => Promise<T>): Promise<T> {
    state.touched.add(runId);
    return q(run);
  }

  /**
   * May the rest of this transaction reuse what it read of the run's edges and gates? A read
   * transaction is one snapshot; a write holding the run's lock (shared or exclusive) keeps out
   * every writer of edges and gate states, which take the lock exclusively.
   */
  function mayKeep(runId: number): boolean {
    return !state.write || state.locks.has(runId);
  }

  async function update(name: string, table: UpdatableTable, where: SQL, set: Record<string, unknown>, key: Record<string, unknown>): Promise<void> {
    const columns = Object.keys(set)
      .filter((c) => set[c] !== undefined)
      .sort();
    if (columns.length === 0) return;
    const id = `${name}:${columns.join(',')}`;
    let statement = conn.updaters.get(id);
    if (!statement) {
      let statementName = updateNames.get(id);
      if (!statementName) {
        statementName = `tb_update_${updateNames.size + 1}`;
        updateNames.set(id, statementName);
      }
      const values = Object.fromEntries(columns.map((c) => [c, p(c)]));
      statement = db.update(table).set(values).where(where).prepare(statementName);
      conn.updaters.set(id, statement);
    }
    await statement.execute({ ...withoutNul(set), ...key });
  }

  /** Events appended to this run so far are written now: a read of events must see them. */
  async function flushRun(runId: number): Promise<void> {
    const list = state.pending.get(runId);
    if (!list || list.length === 0) return;
    state.pending.delete(runId);
    await q(() => client.query(flushSql(runId, list)));
  }

  const tx: Tx = {
    // Times are bigint columns: a virtual clock's fraction of a millisecond is dropped.
    now: () => Math.floor(ctx.clock.now()),

    async lockRun(runId, mode) {
      const held = state.locks.get(runId);
      if (held === 'exclusive' || held === mode) return;
      state.locks.set(runId, mode);
      const fn = mode === 'exclusive' ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
      // Both are integers, so the statement can go in one round trip with BEGIN.
      const lock = `SELECT ${fn}(${LOCK_SPACE}, ${Math.trunc(runId)})`;
      // Sent with the next statement: nothing reads before it, and it saves a round trip.
      await serial(async () => state.later.push(lock));
    },

    async insertRun(values) {
      const [row] = await q(() => db.insert(runs).values(values).returning());
      if (!row) throw new Error('inserting a run returned no row');
      await q(() => db.insert(eventCounters).values({ runId: row.id }));
      state.touched.add(row.id);
      return row;
    },
    getRun: async (id) => (await q(() => (state.write ? st.runForUpdate : st.run)().execute({ id })))[0],
    latestRun: async () => (await q(() => db.select().from(runs).orderBy(desc(runs.id)).limit(1)))[0],
    listRuns: () => q(() => db.select().from(runs).orderBy(desc(runs.id))),
    updateRun: (id, set) => w(id, () => update('runs', runs, eq(runs.id, p('id')), set, { id })),
    async pipelineOf(runId) {
      const cached = ctx.pipelines.get(runId);
      if (cached) return cached;
      const [run] = await q(() => st.run().execute({ id: runId }));
      const pipeline = run?.config.pipeline ?? [];
      if (run) ctx.pipelines.set(runId, pipeline);
      return pipeline;
    },

    insertMember: (member) => w(member.runId, () => db.insert(members).values(member)).then(() => undefined),
    getMember: async (runId, name) => (await q(() => st.member().execute({ runId, name })))[0],
    listMembers: (runId) => q(() => st.members().execute({ runId })),
    updateMember: (runId, name, set) =>
      w(runId, () => update('members', members, and(eq(members.runId, p('runId')), eq(members.name, p('name'))) ?? sql`false`, set, { runId, name })),
    async heartbeatMembers(runId, names, now) {
      if (names.length === 0) return;
      await w(runId, () => st.heartbeat().execute({ runId, names, now }));
    },
    async addUsage(runId, member, rec, ts) {
      await w(runId, () => st.usageLog().execute({ runId, member, ...rec, ts }));
      await q(() => st.usageMember().execute({ runId, member, ...rec }));
      if (rec.taskId !== null) {
        const total = rec.inputTokens + rec.outputTokens + rec.cacheReadTokens + rec.cacheWriteTokens;
        state.lockedTasks.delete(`${runId}:${rec.taskId}`);
        await q(() => st.usageTask().execute({ runId, taskId: rec.taskId, total, costUsd: rec.costUsd }));
      }
    },
    async runTotals(runId) {
      const [r] = await q(() => st.totals().execute({ runId }));
      const t = r ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, calls: 0 };
      return { ...t, tokens: t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens };
    },
    listUsage: (runId) =>
      q(() =>
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
          .orderBy(asc(usage.id)),
      ),

    nextTaskId: async (runId) => (await q(() => st.nextTaskId().execute({ runId })))[0]?.next ?? 1,
    async insertTask(task) {
      note(state.changedTasks, task.runId, task.id);
      await w(task.runId, () => st.insertTask().execute({ ...withoutNul(task) }));
    },
    async getTask(runId, id, lock) {
      // A row this transaction locked is read again without asking (claims read it two or three times).
      const key = `${runId}:${id}`;
      const held = state.lockedTasks.get(key);
      if (held) return { ...held };
      const [row] = lock
        ? (await readInts<RawTask>(lock === 'skip' ? 'tb_task_skip' : 'tb_task_lock', lock === 'skip' ? TASK_SKIP_LOCKED : TASK_FOR_UPDATE, [runId, id])).map(taskFromRaw)
        : await q(() => st.task().execute({ runId, id }));
      if (row && lock) state.lockedTasks.set(key, row);
      return row ? { ...row } : undefined;
    },
    findTaskByKey: async (runId, key) => (await q(() => st.taskByKey().execute({ runId, key })))[0],
    listTaskRows: (runId) => q(() => st.taskRows().execute({ runId })),
    async listTaskSummaries(runId) {
      // The kept lists hold committed rows only: a transaction that wrote to the run reads its own.
      if (!state.touched.has(runId)) {
        const view = await keptRunView(readInts, ctx.kept, runId);
        if (view) {
          if (mayKeep(runId)) state.views.set(runId, view);
          return view.tasks;
        }
      }
      return q(() => st.summaries().execute({ runId }));
    },
    tasksOwnedBy: (runId, owner) => q(() => st.ownedBy().execute({ runId, owner })),
    unfinishedInStages: (runId, stages) => q(() => st.unfinishedInStages().execute({ runId, stages })),
    taskStages: (runId) => q(() => st.taskStages().execute({ runId })),
    async updateTask(runId, id, set) {
      note(state.changedTasks, runId, id);
      const key = `${runId}:${id}`;
      const held = state.lockedTasks.get(key);
      // The row as this update leaves it (a field given as undefined is not set: then ask again).
      if (held && Object.values(set).some((v) => v === undefined)) state.lockedTasks.delete(key);
      else if (held) state.lockedTasks.set(key, { ...held, ...withoutNul(set) });
      state.touched.add(runId);
      // Nothing waits for its result: it goes with the next statement or with COMMIT, saving a round trip.
      const text = taskUpdateSql(runId, id, withoutNul(set));
      if (text) await serial(async () => state.later.push(text));
    },
    async deleteTask(runId, id) {
      note(state.changedTasks, runId, id);
      state.lockedTasks.delete(`${runId}:${id}`);
      state.depsChanged.add(runId);
      // The dependency rows go with it (foreign keys cascade).
      await w(runId, () => db.delete(tasks).where(and(eq(tasks.runId, runId), eq(tasks.id, id))));
    },
    completionOrder: async (runId) => (await q(() => st.completed().execute({ runId }))).map((r) => r.id),

    async listDeps(runId) {
      const view = state.views.get(runId);
      if (view && !state.depsChanged.has(runId)) return [...view.deps];
      return q(() => st.deps().execute({ runId }));
    },
    async openExplicitBlockers(runId, taskId) {
      // A claim has just read the run's edges (the shared run lock keeps edge writers out): a task
      // no edge names as waiting has no explicit blocker, and the query is saved.
      const view = state.views.get(runId);
      if (view && !state.depsChanged.has(runId) && !view.deps.some((d) => d.taskId === taskId)) return [];
      return q(() => st.openBlockers().execute({ runId, taskId }));
    },
    async insertDeps(runId, edges) {
      if (edges.length === 0) return [];
      state.depsChanged.add(runId);
      const rows = await w(runId, () => st.insertDeps().execute({ runId, taskIds: edges.map((e) => e.taskId), blockers: edges.map((e) => e.blockedBy) }));
      const added = new Set(rows.map((r) => `${r.taskId}:${r.blockedBy}`));
      // In the order asked for, each once: the caller appends one event per new edge.
      return edges.filter((e) => added.delete(`${e.taskId}:${e.blockedBy}`));
    },

    nextGateId: async (runId) =>
      (await q(() => db.select({ next: sql`coalesce(max(${gates.id}), 0) + 1`.mapWith(Number) }).from(gates).where(eq(gates.runId, runId))))[0]?.next ?? 1,
    async insertGate(gate) {
      state.gatesWritten.add(gate.runId);
      await w(gate.runId, () => db.insert(gates).values(gate));
    },
    getGate: async (runId, id) => (await q(() => db.select().from(gates).where(and(eq(gates.runId, runId), eq(gates.id, id)))))[0],
    async listGates(runId) {
      const view = state.views.get(runId);
      const written = state.gatesWritten.has(runId);
      if (view?.gates && !written) return view.gates.map((g) => ({ ...g }));
      const rows = await q(() => st.gates().execute({ runId }));
      if (view && !written) view.gates = rows.map((g) => ({ ...g }));
      return rows;
    },
    async updateGate(runId, id, set) {
      state.gatesWritten.add(runId);
      await w(runId, () => update('gates', gates, and(eq(gates.runId, p('runId')), eq(gates.id, p('id'))) ?? sql`false`, set, { runId, id }));
    },

    nextQuestionId: async (runId) =>
      (await q(() => db.select({ next: sql`coalesce(max(${questions.id}), 0) + 1`.mapWith(Number) }).from(questions).where(eq(questions.runId, runId))))[0]?.next ?? 1,
    insertQuestion: (question) => w(question.runId, () => db.insert(questions).values(withoutNul(question))).then(() => undefined),
    getQuestion: async (runId, id) => (await q(() => db.select().from(questions).where(and(eq(questions.runId, runId), eq(questions.id, id)))))[0],
    listQuestions: (runId, status) => q(() => (status ? st.questionsByStatus().execute({ runId, status }) : st.questionsAll().execute({ runId }))),
    updateQuestion: (runId, id, set) =>
      w(runId, () => update('questions', questions, and(eq(questions.runId, p('runId')), eq(questions.id, p('id'))) ?? sql`false`, withoutNul(set), { runId, id })),

    nextMessageId: async (runId) =>
      (await q(() => db.select({ next: sql`coalesce(max(${messages.id}), 0) + 1`.mapWith(Number) }).from(messages).where(eq(messages.runId, runId))))[0]?.next ?? 1,
    insertMessage: (message) => w(message.runId, () => db.insert(messages).values(message)).then(() => undefined),
    unreadMessages: (runId, member) => q(() => st.unread().execute({ runId, member })),
    countUnread: async (runId, member) => (await q(() => st.countUnread().execute({ runId, member })))[0]?.n ?? 0,
    async markRead(runId, member, now) {
      await w(runId, () =>
        db
          .update(messages)
          .set({ readAt: now })
          .where(and(eq(messages.runId, runId), eq(messages.to, member), isNull(messages.readAt))),
      );
    },
    listMessages: (runId) => q(() => db.select().from(messages).where(eq(messages.runId, runId)).orderBy(asc(messages.id))),

    async loadTranscript(runId, member) {
      const [head] = await q(() => st.transcriptHead().execute({ runId, member }));
      const rows = await q(() => st.transcriptRows().execute({ runId, member }));
      if (!head && rows.length === 0) return undefined;
      return { messages: rows.map((r) => r.message), inFlight: head?.inFlight ?? null };
    },
    async saveTranscript(runId, member, keep, append, inFlight, now) {
      await w(runId, () => st.transcriptCut().execute({ runId, member, keep }));
      if (append.length > 0) {
        // One statement for the new messages; `json` keeps each message's text as written.
        await q(() => client.query({ name: 'tb_transcript_append', text: TRANSCRIPT_APPEND, values: [runId, member, keep, jsonText(append)] }));
      }
      await q(() => st.transcriptSave().execute({ runId, member, inFlight: withoutNul(inFlight ?? null), now }));
    },

    async appendEvent(runId, actor, event) {
      state.touched.add(runId);
      state.evented.add(runId);
      const list = state.pending.get(runId) ?? [];
      if (list.length === 0) state.pending.set(runId, list);
      const last = list.at(-1)?.ts ?? 0;
      const taskId = eventTaskId(event);
      if (taskId !== null) note(state.eventTasks, runId, taskId);
      if (event.type === 'task.dependency' || event.type === 'task.deleted') state.depEvents.add(runId);
      // An instant run's virtual clock runs ahead of real time; a change from another process (an
      // answer, a stop) must not appear to happen before what it follows. The stored time is also
      // never before the run's last event (events.ts).
      list.push({ actor, type: event.type, taskId, payload: event.payload, ts: Math.max(Math.floor(ctx.clock.now()), last) });
    },
    async listEvents(runId, after, limit) {
      await flushRun(runId);
      return decoded(await q(() => st.eventsSince().execute({ runId, after, limit })));
    },
    async lastEventSeq(runId) {
      await flushRun(runId);
      return (await q(() => st.lastEvent().execute({ runId })))[0]?.seq ?? 0;
    },
    async taskHistory(runId, taskId, limit) {
      await flushRun(runId);
      return decoded(await q(() => st.taskHistory().execute({ runId, taskId, limit }))).reverse();
    },
  };
  return tx;
}

const TRANSCRIPT_APPEND = `INSERT INTO transcript_messages (run_id, member, idx, message)
SELECT $1::int, $2::text, $3::int + (m.n - 1)::int, m.message FROM json_array_elements($4::json) WITH ORDINALITY AS m(message, n)`;

