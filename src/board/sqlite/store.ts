import type { BoardClock } from '../clock.js';
import { eventTaskId } from '../event-task-id.js';
import type { BoardEvent, StoredEventRow } from '../events.js';
import type { OpenOptions } from '../open.js';
import type { Store, Tx } from '../store.js';
import { openDatabase, storageError, codeOf, type SqliteConnection } from './database.js';
import type { DrizzleStatements } from './drizzle-statements.js';
import { once } from '../once.js';
import { hotStatements } from './hot-statements.js';
import { createMutex } from './mutex.js';
import { stepStatements } from './step-statements.js';

// The event schemas load with the first event read: a command that only writes (`team tasks update`)
// spent a tenth of its start building them.
const eventsModule = once(() => import('../events.js'));

async function decoded(rows: StoredEventRow[]): Promise<BoardEvent[]> {
  const { decodeEvent } = await eventsModule();
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

/** A read made a second statement in its first, transactionless try (see `oneStatement`). */
class RestartInTransaction extends Error {
  constructor() {
    super('a read of more than one statement runs in a transaction');
  }
}

function sqliteStore(conn: SqliteConnection, clock: BoardClock): Store {
  const { sqlite, file } = conn;
  const hot = hotStatements(sqlite);
  const step = stepStatements(sqlite);
  // Writes go through drizzle, loaded on the first one: a read command never loads it.
  const orm = once(async (): Promise<DrizzleStatements> => (await import('./drizzle-statements.js')).drizzleStatements(sqlite));
  // A file without the newest migration is migrated before anything else reads or writes it.
  const ready = once(async (): Promise<void> => {
    if (!conn.migrated) (await orm()).migrate(file);
  });
  const pipelines = new Map<number, string[]>();
  const mutex = createMutex();
  const waiters = new Set<() => void>();
  /**
   * The last event this write transaction appended, by run: it holds the write lock, so nobody else
   * appends meanwhile and its next event follows without looking the last one up again.
   */
  const appended = new Map<number, { seq: number; ts: number }>();
  const begin = { immediate: sqlite.prepare('BEGIN IMMEDIATE'), deferred: sqlite.prepare('BEGIN'), commit: sqlite.prepare('COMMIT'), rollback: sqlite.prepare('ROLLBACK') };
  const versionParts = { data: sqlite.prepare('PRAGMA data_version').pluck(), changes: sqlite.prepare('SELECT total_changes()').pluck() };
  let closed = false;

  const tx: Tx = {
    now: () => clock.now(),
    lockRun: async () => undefined,

    insertRun: async (values) => (await orm()).insertRun(values),
    getRun: async (id) => hot.getRun(id),
    latestRun: async () => hot.latestRun(),
    listRuns: async () => hot.listRuns(),
    updateRun: async (id, set) => step.updateRun(id, set),
    async pipelineOf(runId) {
      const cached = pipelines.get(runId);
      if (cached) return cached;
      const run = hot.getRun(runId);
      const pipeline = run?.config.pipeline ?? [];
      if (run) pipelines.set(runId, pipeline);
      return pipeline;
    },

    insertMember: async (member) => (await orm()).insertMember(member),
    getMember: async (runId, name) => hot.getMember(runId, name),
    listMembers: async (runId) => hot.listMembers(runId),
    updateMember: async (runId, name, set) => step.updateMember(runId, name, set),
    heartbeatMembers: async (runId, names, now) => step.heartbeatMembers(runId, names, now),
    addUsage: async (runId, member, rec, ts) => step.addUsage(runId, member, rec, ts),
    runTotals: async (runId) => hot.runTotals(runId),
    listUsage: async (runId) => hot.listUsage(runId),

    nextTaskId: async (runId) => hot.nextTaskId(runId),
    insertTask: async (task) => hot.insertTask(task),
    getTask: async (runId, id) => hot.getTask(runId, id),
    findTaskByKey: async (runId, key) => hot.findTaskByKey(runId, key),
    listTaskRows: async (runId) => hot.taskRows(runId),
    listTaskSummaries: async (runId) => hot.summaries(runId),
    tasksOwnedBy: async (runId, owner) => hot.ownedBy(runId, owner),
    unfinishedInStages: async (runId, stages) => hot.unfinishedInStages(runId, stages),
    taskStages: async (runId) => hot.taskStages(runId),
    async updateTask(runId, id, set) {
      hot.updateTask(runId, id, set);
    },
    deleteTask: async (runId, id) => (await orm()).deleteTask(runId, id),
    completionOrder: async (runId) => hot.completionOrder(runId),

    listDeps: async (runId) => hot.deps(runId),
    openExplicitBlockers: async (runId, taskId) => hot.explicitBlockers(runId, taskId),
    insertDeps: async (runId, edges) => hot.insertDeps(runId, edges),

    nextGateId: async (runId) => (await orm()).nextGateId(runId),
    insertGate: async (gate) => (await orm()).insertGate(gate),
    getGate: async (runId, id) => hot.getGate(runId, id),
    listGates: async (runId) => hot.listGates(runId),
    updateGate: async (runId, id, set) => (await orm()).updateGate(runId, id, set),

    nextQuestionId: async (runId) => (await orm()).nextQuestionId(runId),
    insertQuestion: async (question) => (await orm()).insertQuestion(question),
    getQuestion: async (runId, id) => hot.getQuestion(runId, id),
    listQuestions: async (runId, status) => hot.listQuestions(runId, status),
    updateQuestion: async (runId, id, set) => hot.updateQuestion(runId, id, set),

    nextMessageId: async (runId) => (await orm()).nextMessageId(runId),
    insertMessage: async (message) => (await orm()).insertMessage(message),
    unreadMessages: async (runId, member) => step.unreadMessages(runId, member),
    countUnread: async (runId, member) => step.countUnread(runId, member),
    markRead: async (runId, member, now) => step.markRead(runId, member, now),
    listMessages: async (runId) => hot.listMessages(runId),

    loadTranscript: async (runId, member) => (await orm()).loadTranscript(runId, member),
    saveTranscript: async (runId, member, keep, append, inFlight, now) => step.saveTranscript(runId, member, keep, append, inFlight, now),

    async appendEvent(runId, actor, event) {
      const last = appended.get(runId) ?? hot.lastEvent(runId);
      // An instant run's virtual clock runs ahead of real time; a change from another process (an
      // answer, a stop) must not appear to happen before what it follows.
      const next = { seq: (last?.seq ?? 0) + 1, ts: Math.max(clock.now(), last?.ts ?? 0) };
      hot.insertEvent(runId, next.seq, next.ts, actor, event, eventTaskId(event));
      appended.set(runId, next);
    },
    listEvents: async (runId, after, limit) => decoded(hot.eventsSince(runId, after, limit)),
    lastEventSeq: async (runId) => hot.lastEvent(runId)?.seq ?? 0,
    taskHistory: async (runId, taskId, limit) => (await decoded(hot.taskHistory(runId, taskId, limit))).reverse(),
  };

  function guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw storageError(error, file) ?? error;
    }
  }

  /**
   * A read runs first without BEGIN and COMMIT: one statement reads one snapshot on its own, and
   * nearly every read is one statement, which a transaction made three. A read that makes a
   * second cannot share the first one's snapshot: it is stopped there and runs again, whole, in a
   * transaction (as the PostgreSQL store does).
   */
  const single = { calls: 0, restart: false };
  const wrapped = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  const oneStatement: Tx = new Proxy(tx, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'now' || key === 'lockRun') return value;
      let method = wrapped.get(key);
      if (!method) {
        method = (...args: unknown[]): unknown => {
          if (single.calls++ > 0) {
            single.restart = true;
            return Promise.reject(new RestartInTransaction());
          }
          return Reflect.apply(value, target, args);
        };
        wrapped.set(key, method);
      }
      return method;
    },
  });

  /** The read, when it was one statement; `restart` when it must run again in a transaction. */
  async function readOneStatement<T>(fn: (tx: Tx) => Promise<T>): Promise<{ result: T } | 'restart'> {
    single.calls = 0;
    single.restart = false;
    try {
      const result = await fn(oneStatement);
      return single.restart ? 'restart' : { result };
    } catch (error) {
      if (single.restart) return 'restart';
      throw storageError(error, file) ?? error;
    }
  }

  async function inTransaction<T>(write: boolean, fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (closed) throw new Error(`the board ${file} is closed`);
    return mutex.run(async () => {
      await ready();
      if (!write) {
        const read = await readOneStatement(fn);
        if (read !== 'restart') return read.result;
      }
      await beginWithRetry(write);
      let result: T;
      try {
        result = await fn(tx);
        guard(() => begin.commit.run());
      } catch (error) {
        if (sqlite.inTransaction) begin.rollback.run();
        throw storageError(error, file) ?? error;
      } finally {
        appended.clear();
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
    // Another connection's commit moves data_version, this one's total_changes(): together they
    // move on every change to any run (the run's last event added nothing, and was a third statement
    // for the driver's look before each read of new events).
    version: () =>
      mutex.run(async () => {
        await ready();
        return guard(() => `${String(versionParts.data.get())}.${String(versionParts.changes.get())}`);
      }),
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
