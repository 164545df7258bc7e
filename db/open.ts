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
  fs.mkdirSync(path.dirname(file), { recursive: true });
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

/** Several processes may open a fresh file at once: take the write lock so only one migrates. */
function migrateWithLock(sqlite: Database.Database, db: Db): void {
  const migrationsFolder = path.join(packageRoot(), 'db', 'migrations');
  for (let attempt = 0; ; attempt++) {
    try {
      migrate(db, { migrationsFolder });
      return;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const message = (error as Error).message;
      const raced = code.startsWith('SQLITE_BUSY') || /already exists/.test(message);
      if (!raced || attempt >= 20) {
        throw new DatabaseOpenError(`cannot migrate the board database: ${message}`);
      }
      sqlite.prepare('SELECT 1').get();
    }
  }
}
