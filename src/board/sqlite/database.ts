import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../../shared/paths.js';
import { BoardError } from '../errors.js';

export interface SqliteConnection {
  sqlite: Database.Database;
  file: string;
  /** Whether the file has the newest migration; if not, the store migrates it before its first use. */
  migrated: boolean;
}

/**
 * Open (and create, unless `mustExist`) a board file: WAL, synchronous=NORMAL, foreign keys, a
 * busy timeout, and whether it needs migrating (drizzle's migrator, in ./drizzle-statements.ts,
 * loads only then). Every failure is one line naming the file and the fix.
 */
export function openDatabase(file: string, options: { mustExist?: boolean; busyTimeoutMs?: number } = {}): SqliteConnection {
  if (options.mustExist && !fs.existsSync(file)) {
    throw new BoardError('not_found', `no board at ${file}; start a run with \`team start churn-project\` (or point TEAM_HOME at the folder that holds board.db)`);
  }
  ensureDir(path.dirname(file));
  let sqlite: Database.Database;
  try {
    const binding = nativeBinding();
    sqlite = new Database(file, binding ? { nativeBinding: binding } : {});
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5_000}`);
    // A command that only uses a board must not make one out of some other SQLite file (or an
    // empty one): it is left untouched, not even switched to WAL.
    if (options.mustExist && !isBoardFile(sqlite)) {
      sqlite.close();
      throw new BoardError('not_found', `${file} is not a teamboard board (it has none of the board's tables); point --board or TEAM_HOME at a board.db that \`team start\` made`);
    }
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    if (error instanceof BoardError) throw error;
    throw storageError(error, file) ?? new BoardError('storage', `cannot open the board database ${file}: ${message(error)}`);
  }
  return { sqlite, file, migrated: isMigrated(sqlite) };
}

/** Whether a file holds a board, of this version or an older one: drizzle's migration table is its mark. */
function isBoardFile(sqlite: Database.Database): boolean {
  return sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get() !== undefined;
}

let bindingPath: string | null | undefined;
/** Where node-gyp (and prebuild-install) put the addon; scripts/bundle-cli.mjs bundles better-sqlite3 only when it is in one. */
const ADDON_BUILDS = ['Release', 'Debug'];

/**
 * Where better-sqlite3's native addon is built (or unpacked) to. Handed over, it spares the
 * `bindings` package's search of a dozen folders on every start (and the CLI bundle needs it:
 * bundled, that search would start from the wrong folder); undefined leaves the search to it.
 */
function nativeBinding(): string | undefined {
  if (bindingPath === undefined) {
    try {
      const dir = path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
      bindingPath = ADDON_BUILDS.map((build) => path.join(dir, 'build', build, 'better_sqlite3.node')).find((file) => fs.existsSync(file)) ?? null;
    } catch {
      bindingPath = null;
    }
  }
  return bindingPath ?? undefined;
}

/**
 * Whether the file already has the newest migration, checked the way drizzle's migrator decides
 * (a migration runs when it is newer than the newest one applied). drizzle reads and hashes every
 * migration file to find out, on every open; this reads one row and the journal. Any doubt (no
 * table yet, an unreadable journal) means "not migrated" and the migrator decides.
 */
function isMigrated(sqlite: Database.Database): boolean {
  try {
    const applied: unknown = sqlite.prepare('SELECT max(created_at) FROM __drizzle_migrations').pluck().get();
    const newest = newestMigration();
    return typeof applied === 'number' && newest !== null && applied >= newest;
  } catch {
    return false;
  }
}

let newestWhen: number | null | undefined;

/** The time of the newest migration in drizzle-kit's journal (meta/_journal.json). */
function newestMigration(): number | null {
  if (newestWhen !== undefined) return newestWhen;
  const journal: unknown = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'db', 'sqlite', 'migrations', 'meta', '_journal.json'), 'utf8'));
  const entries: unknown = isRecord(journal) ? journal.entries : undefined;
  const times = Array.isArray(entries) ? entries.map((e: unknown) => (isRecord(e) ? e.when : undefined)).filter((w) => typeof w === 'number') : [];
  newestWhen = times.length > 0 ? Math.max(...times) : null;
  return newestWhen;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Create a folder and its missing parents one level at a time: Node's recursive mkdir never returns
 * for some paths (under /proc, for one), and a person needs to be told which folder failed.
 */
function ensureDir(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new BoardError('storage', `${dir} is not a folder; set TEAM_HOME to a writable folder`);
    return;
  }
  const parent = path.dirname(dir);
  if (parent !== dir) ensureDir(parent);
  try {
    fs.mkdirSync(dir);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return;
    throw new BoardError('storage', `cannot create ${dir} for the board (${message(error)}); set TEAM_HOME to a writable folder`);
  }
}

export function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  return chain;
}

export function codeOf(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('code' in error)) return '';
  return typeof error.code === 'string' ? error.code : '';
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** SQLite failures of the file itself, as one line naming the file and what to do; null for other errors. */
export function storageError(error: unknown, file: string): BoardError | null {
  const code = causes(error).map(codeOf).find((c) => c.startsWith('SQLITE_')) ?? codeOf(error);
  if (code.startsWith('SQLITE_READONLY')) {
    return new BoardError('storage', `the board database ${file} cannot be written (read-only file, folder or disk); fix its permissions, then \`team resume\` the run`);
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new BoardError('storage', `the board database ${file} is damaged (${message(error)}); move it aside and start again, or restore it from a copy`);
  }
  if (code.startsWith('SQLITE_FULL')) return new BoardError('storage', `the disk holding the board database ${file} is full; free some space, then \`team resume\` the run`);
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return new BoardError('storage', `cannot read or write the board database ${file} (${code}); check the disk and the file's permissions`);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new BoardError('storage', `the board database ${file} stayed locked by another process; try again in a moment`);
  }
  return null;
}
