/**
 * The SQLite store's other writes (and the reads only a run makes), through drizzle over the schema's
 * tables, and the migrations. Loaded on a connection's first such write or when the file needs
 * migrating: a read command, and the writes of `team tasks create/update` and `team answer`, go
 * through ./hot-statements.ts and never load drizzle; the writes of a member's every step go
 * through ./step-statements.ts.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { gates, members, messages, questions, runs, tasks, transcriptMessages, transcripts } from '../../../db/sqlite/schema.js';
import { packageRoot } from '../../shared/paths.js';
import { BoardError } from '../errors.js';
import type { Tx } from '../store.js';
import type { Gate, MailMessage, Member, Question, Run, Task } from '../types.js';
import { causes, codeOf, message, storageError } from './database.js';
import { once } from '../once.js';

/** Queries are built from the schema's tables; drizzle's relational `db.query` is not used, so it is not set up. */
type Db = BetterSQLite3Database;

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
  return {
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
  };
}

/** An UPDATE of the given columns of one row, prepared once per table and set of columns. */
function updater(db: Db) {
  const cache = new Map<string, { run(values: Record<string, unknown>): unknown }>();
  return (name: string, table: typeof gates, where: SQL, set: Record<string, unknown>, key: Record<string, unknown>) => {
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

/** The store's operations that go through drizzle: the Tx methods of these names, run synchronously. */
export type DrizzleOp =
  | 'insertRun'
  | 'insertMember'
  | 'deleteTask'
  | 'nextGateId'
  | 'insertGate'
  | 'updateGate'
  | 'nextQuestionId'
  | 'insertQuestion'
  | 'nextMessageId'
  | 'insertMessage'
  | 'loadTranscript';

export type DrizzleStatements = { [K in DrizzleOp]: (...args: Parameters<Tx[K]>) => Awaited<ReturnType<Tx[K]>> } & {
  /** Apply the migrations the file does not have yet. */
  migrate(file: string): void;
};

export function drizzleStatements(sqlite: Database.Database): DrizzleStatements {
  const db = drizzle(sqlite);
  const st = statements(db);
  const update = updater(db);
  return {
    migrate: (file) => migrateWithRetry(sqlite, db, file),

    insertRun: (values) => db.insert(runs).values(values).returning().get(),

    insertMember: (member) => {
      db.insert(members).values(member).run();
    },

    deleteTask: (runId, id) => {
      // The dependency rows go with it (foreign keys cascade).
      db.delete(tasks).where(and(eq(tasks.runId, runId), eq(tasks.id, id))).run();
    },

    nextGateId: (runId) => db.select({ next: sql<number>`coalesce(max(${gates.id}), 0) + 1` }).from(gates).where(eq(gates.runId, runId)).get()?.next ?? 1,
    insertGate: (gate) => {
      db.insert(gates).values(gate).run();
    },
    updateGate: (runId, id, set) => update('gates', gates, and(eq(gates.runId, p('runId')), eq(gates.id, p('id'))) as SQL, set, { runId, id }),

    nextQuestionId: (runId) =>
      db.select({ next: sql<number>`coalesce(max(${questions.id}), 0) + 1` }).from(questions).where(eq(questions.runId, runId)).get()?.next ?? 1,
    insertQuestion: (question) => {
      db.insert(questions).values(question).run();
    },

    nextMessageId: (runId) =>
      db.select({ next: sql<number>`coalesce(max(${messages.id}), 0) + 1` }).from(messages).where(eq(messages.runId, runId)).get()?.next ?? 1,
    insertMessage: (message) => {
      db.insert(messages).values(message).run();
    },

    loadTranscript: (runId, member) => {
      const head = st.transcriptHead().get({ runId, member });
      const rows = st.transcriptRows().all({ runId, member });
      if (!head && rows.length === 0) return undefined;
      return { messages: rows.map((r) => r.message), inFlight: head?.inFlight ?? null };
    },
  };
}

/** Several processes may open a fresh file at once: the loser of the race waits and finds the schema in place. */
function migrateWithRetry(sqlite: Database.Database, db: Db, file: string): void {
  const migrationsFolder = path.join(packageRoot(), 'db', 'sqlite', 'migrations');
  for (let attempt = 0; ; attempt++) {
    try {
      migrate(db, { migrationsFolder });
      return;
    } catch (error) {
      // drizzle wraps the SQLite error; the code and the real message are on its cause.
      const chain = causes(error);
      const raced = chain.some((e) => /^SQLITE_(BUSY|LOCKED)/.test(codeOf(e)) || /already exists/.test(message(e)));
      if (!raced || attempt >= 50) {
        const root = chain[chain.length - 1] ?? error;
        sqlite.close();
        throw storageError(root, file) ?? new BoardError('storage', `cannot prepare the board database ${file}: ${message(root)}`);
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.floor(Math.random() * 40));
    }
  }
}
