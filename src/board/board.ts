import type Database from 'better-sqlite3';
import { defaultDbFile, openDb, type Connection, type Db } from '../../db/open.js';
import type { BoardEvent } from './events.js';

export type ChangeListener = (events: BoardEvent[]) => void;

/** An open board: the connection, and in-process listeners told about every committed change. */
export interface Board {
  conn: Connection;
  db: Db;
  sqlite: Database.Database;
  /** Events appended by the transaction in progress, handed to listeners after commit. */
  pending: BoardEvent[];
  listeners: Set<ChangeListener>;
  /** Per-board cache of prepared statements, keyed by name. */
  statements: Map<string, unknown>;
  /** Clock for timestamps; the runtime swaps in a virtual clock for instant runs. */
  now: () => number;
  close(): void;
}

export function openBoard(file: string = defaultDbFile()): Board {
  const conn = openDb(file);
  return fromConnection(conn);
}

export function fromConnection(conn: Connection): Board {
  return {
    conn,
    db: conn.db,
    sqlite: conn.sqlite,
    pending: [],
    listeners: new Set(),
    statements: new Map(),
    now: () => Date.now(),
    close: () => conn.close(),
  };
}

export function onChange(board: Board, listener: ChangeListener): () => void {
  board.listeners.add(listener);
  return () => board.listeners.delete(listener);
}

/** Prepare a statement once per board and reuse it. */
export function prepared<T>(board: Board, name: string, make: () => T): T {
  const cached = board.statements.get(name);
  if (cached !== undefined) return cached as T;
  const made = make();
  board.statements.set(name, made);
  return made;
}

const BUSY_RETRIES = 50;

/**
 * Run fn in a BEGIN IMMEDIATE transaction (read-then-write safe across processes), retrying on
 * SQLITE_BUSY that outlives the busy timeout. Listeners hear the appended events after commit.
 */
export function transact<T>(board: Board, fn: () => T): T {
  if (board.sqlite.inTransaction) return fn();
  const run = prepared(board, 'transaction', () => board.sqlite.transaction((body: () => unknown) => body()));
  for (let attempt = 0; ; attempt++) {
    board.pending = [];
    try {
      const result = run.immediate(fn) as T;
      flush(board);
      return result;
    } catch (error) {
      board.pending = [];
      if (!isBusy(error) || attempt >= BUSY_RETRIES) throw error;
      sleepSync(5 + Math.floor(Math.random() * 20));
    }
  }
}

function flush(board: Board): void {
  const events = board.pending;
  board.pending = [];
  if (events.length === 0) return;
  for (const listener of board.listeners) listener(events);
}

export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}
