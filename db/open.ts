import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Connection {
  /** The raw better-sqlite3 handle (transactions, pragmas, prepared statements). */
  sqlite: Database.Database;
  db: Db;
  file: string;
  close(): void;
}

export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

/** Where the board lives: $TEAM_HOME/board.db, else ./.team/board.db. */
export function defaultDbFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return path.join(teamHome(env, cwd), 'board.db');
}

export function teamHome(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env.TEAM_HOME ? path.resolve(cwd, env.TEAM_HOME) : path.join(cwd, '.team');
}

/** The package root: the nearest folder upward holding teamboard's package.json (works from src/ and dist/). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'teamboard') {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new DatabaseOpenError('cannot find the teamboard package root (package.json named "teamboard")');
    dir = parent;
  }
}

export function openDb(file: string = defaultDbFile(), options: { busyTimeoutMs?: number } = {}): Connection {
  ensureDir(path.dirname(file));
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file);
  } catch (error) {
    throw new DatabaseOpenError(`cannot open the board database ${file}: ${(error as Error).message}`);
  }
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  migrateWithLock(sqlite, db);
  return { sqlite, db, file, close: () => sqlite.close() };
}

/**
 * Create a folder and its missing parents one level at a time: Node's recursive mkdir never returns
 * for some paths (under /proc, for one), and a person needs to be told which folder failed.
 */
function ensureDir(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new DatabaseOpenError(`${dir} is not a folder; set TEAM_HOME to a writable folder`);
    return;
  }
  const parent = path.dirname(dir);
  if (parent !== dir) ensureDir(parent);
  try {
    fs.mkdirSync(dir);
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return;
    throw new DatabaseOpenError(`cannot create ${dir} for the board (${(error as Error).message}); set TEAM_HOME to a writable folder`);
  }
}

/** Several processes may open a fresh file at once: the loser of the race waits and finds the schema in place. */
function migrateWithLock(sqlite: Database.Database, db: Db): void {
  const migrationsFolder = path.join(packageRoot(), 'db', 'migrations');
  for (let attempt = 0; ; attempt++) {
    try {
      migrate(db, { migrationsFolder });
      return;
    } catch (error) {
      // drizzle wraps the SQLite error; the code and the real message are on its cause.
      const chain = causes(error);
      const raced = chain.some((e) => /^SQLITE_(BUSY|LOCKED)/.test(String(e.code ?? '')) || /already exists/.test(e.message));
      if (!raced || attempt >= 50) {
        const reason = chain[chain.length - 1]?.message ?? String(error);
        throw new DatabaseOpenError(`cannot migrate the board database: ${reason}`);
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.floor(Math.random() * 40));
    }
  }
}

function causes(error: unknown): { code?: unknown; message: string }[] {
  const chain: { code?: unknown; message: string }[] = [];
  for (let e = error; e instanceof Error && chain.length < 5; e = e.cause) {
    chain.push({ code: (e as { code?: unknown }).code, message: e.message });
  }
  return chain;
}
