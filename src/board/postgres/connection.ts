import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { packageRoot } from '../../shared/paths.js';
import { BoardError } from '../errors.js';
import { codeOf, connectionProblem, messageOf, parseBoardUrl, type Where } from './errors.js';
import { LOCK_SPACE } from './tx.js';

/** Connections of one process to one board: enough for every member's turn to write at once. */
const POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 10_000;
/** Board transactions are short; one left open this long belongs to a process that stopped. */
const IDLE_IN_TRANSACTION_MS = 60_000;

export function clientConfig(url: string): pg.ClientConfig {
  return { connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'teamboard' };
}

export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(url), max: POOL_SIZE, idleTimeoutMillis: 30_000 });
  // An idle connection the server closed is dropped and replaced on next use; it must not end the process.
  pool.on('error', () => undefined);
  // A process frozen inside a transaction (stopped, swapping) must not hold a run's lock for ever:
  // the server ends such a session, and the transaction is rolled back.
  pool.on('connect', (client) => {
    client.query(`SET idle_in_transaction_session_timeout = ${IDLE_IN_TRANSACTION_MS}`).catch(() => undefined);
  });
  return pool;
}

/** The same server, another database (`postgres` to create the board's). */
function withDatabase(url: string, database: string): string {
  const u = parseBoardUrl(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Make the board's database when it does not exist yet (two processes may race: the loser finds it). */
async function createDatabase(url: string, where: Where): Promise<void> {
  const admin = new pg.Client(clientConfig(withDatabase(url, 'postgres')));
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(where.database)}`);
  } catch (error) {
    const code = codeOf(error);
    if (code === '42P04' || code === '23505') return;
    if (code === '42501') {
      throw new BoardError(
        'storage',
        `the PostgreSQL server at ${where.host}:${where.port} has no database ${where.database}, and user ${where.user} may not create one; create it (\`createdb -h ${where.host} -p ${where.port} ${where.database}\`) or use a user that may`,
      );
    }
    throw connectionProblem(error, where) ?? new BoardError('storage', `cannot create the database ${where.database} at ${where.host}:${where.port}: ${messageOf(error)}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/**
 * Connect once to check the board is reachable, creating its database unless `mustExist`, then
 * apply the migrations. Every failure is one BoardError line naming the server.
 */
export async function prepareDatabase(pool: pg.Pool, url: string, where: Where, mustExist: boolean): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    if (codeOf(error) !== '3D000' || mustExist) throw openError(error, where, mustExist);
    await createDatabase(url, where);
    try {
      client = await pool.connect();
    } catch (again) {
      throw openError(again, where, mustExist);
    }
  }
  client.on('error', () => undefined);
  try {
    if (mustExist) {
      const found = await client.query<{ ok: boolean }>(`SELECT to_regclass('runs') IS NOT NULL AS ok`);
      if (!found.rows[0]?.ok) throw noBoard(where);
    }
    await migrateLocked(client);
    client.release();
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error instanceof BoardError ? error : openError(error, where, mustExist);
  }
}

function noBoard(where: Where): BoardError {
  return new BoardError('not_found', `no board at postgres ${where.label}; start a run there with \`team start <team> --board <url>\``);
}

function openError(error: unknown, where: Where, mustExist: boolean): BoardError {
  if (mustExist && codeOf(error) === '3D000') return noBoard(where);
  return connectionProblem(error, where) ?? new BoardError('storage', `cannot open the PostgreSQL board at ${where.label}: ${messageOf(error)}`);
}

const migrationsFolder = (): string => path.join(packageRoot(), 'db', 'postgres', 'migrations');

/** When the newest migration of this build was made (drizzle records it as the applied migration's created_at). */
let newest: number | undefined;
function newestMigration(): number {
  newest ??= Math.max(0, ...readMigrationFiles({ migrationsFolder: migrationsFolder() }).map((m) => m.folderMillis));
  return newest;
}

/** Is every migration of this build applied? One cheap read, so opening a board that is up to date takes no lock. */
async function upToDate(client: pg.PoolClient): Promise<boolean> {
  try {
    const result = await client.query<{ last: string | null }>('SELECT max(created_at)::text AS last FROM drizzle.__drizzle_migrations');
    return Number(result.rows[0]?.last ?? 0) >= newestMigration();
  } catch {
    return false;
  }
}

/** Several processes may open a fresh database at once: one migrates while the others wait, then find it done. */
async function migrateLocked(client: pg.PoolClient): Promise<void> {
  if (await upToDate(client)) return;
  await client.query('SELECT pg_advisory_lock($1, 0)', [LOCK_SPACE]);
  try {
    await migrate(drizzle(client), { migrationsFolder: migrationsFolder() });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, 0)', [LOCK_SPACE]);
  }
}
