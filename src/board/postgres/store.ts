import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { BoardClock } from '../clock.js';
import { BoardError } from '../errors.js';
import type { OpenOptions } from '../open.js';
import type { Store, Tx } from '../store.js';
import { listenForChanges } from './changes.js';
import { clientConfig, createPool, prepareDatabase } from './connection.js';
import { connectionProblem, describeUrl, isConnectionError, isRetryable, isUniqueRace, type Where } from './errors.js';
import { connectionOf } from './statements.js';
import { createTx, type StoreContext } from './tx.js';
import { commitTx, newTxState, RestartInTransaction } from './tx-state.js';

/** Serialization failures and deadlocks: the transaction did nothing, so it runs again. */
const CONFLICT_RETRIES = 8;
/** A unique key taken by a concurrent commit: a second run lets the rules see it and refuse properly. */
const UNIQUE_RETRIES = 2;

/**
 * A board on PostgreSQL. Each transaction runs on one pooled connection: writes in READ COMMITTED
 * with the rules' advisory run locks and row locks, reads in one REPEATABLE READ snapshot. See
 * docs/decisions/0011-postgres-board.md for the locking and event numbering.
 */
export async function openPostgresStore(url: string, options: OpenOptions, clock: BoardClock): Promise<Store> {
  const where = describeUrl(url);
  const pool = createPool(url);
  const storeId = randomBytes(6).toString('hex');
  try {
    await prepareDatabase(pool, url, where, options.mustExist === true);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  // Connects on first use (changes.ts).
  const changes = listenForChanges(clientConfig(url), storeId);
  const ctx: StoreContext = { clock, storeId, pipelines: new Map(), kept: new Map() };
  let closed = false;

  async function connect(): Promise<pg.PoolClient> {
    if (closed) throw new Error(`the board ${where.label} is closed`);
    const client = await pool.connect();
    const conn = connectionOf(client);
    return conn.client;
  }

  async function transaction<T>(write: boolean, fn: (tx: Tx) => Promise<T>): Promise<T> {
    let conflicts = 0;
    let races = 0;
    let dropped = 0;
    let single = !write;
    for (;;) {
      let client: pg.PoolClient;
      try {
        client = await connect();
      } catch (error) {
        // The pool opens a new connection: one more try if the server went away a moment.
        if (isConnectionError(error) && dropped++ === 0) continue;
        throw connectionProblem(error, where) ?? error;
      }
      const conn = connectionOf(client);
      const state = newTxState(write, single);
      let committing = false;
      try {
        const result = await fn(createTx(conn, state, ctx));
        if (state.restart) throw new RestartInTransaction('a read of more than one statement runs in a transaction');
        committing = true;
        await commitTx(conn, state, ctx.storeId);
        client.release();
        if (state.touched.size > 0) changes.committed(state.touched, state.evented);
        return result;
      } catch (error) {
        const broken = isConnectionError(error);
        if (!broken && state.begun) await client.query('ROLLBACK').catch(() => undefined);
        client.release(broken ? true : undefined);
        if (state.restart && !broken) {
          single = false;
          continue;
        }
        if (broken && committing) {
          throw new BoardError('storage', `lost the connection to the PostgreSQL board at ${where.host}:${where.port} while committing; the change may or may not be saved: check the board before trying again`);
        }
        if (isRetryable(error) && conflicts++ < CONFLICT_RETRIES) {
          await pause(conflicts);
          continue;
        }
        if (write && isUniqueRace(error) && races++ < UNIQUE_RETRIES) continue;
        // Nothing was committed: a dropped connection gets one more try on a fresh one.
        if (broken && dropped++ === 0) continue;
        throw connectionProblem(error, where) ?? error;
      }
    }
  }

  return {
    kind: 'postgres',
    // For messages: never the password.
    location: `postgres://${where.user}@${where.host}:${where.port}/${where.database}`,
    read: (fn) => transaction(false, fn),
    write: (fn) => transaction(true, fn),
    version: (runId) => changes.version(runId),
    waitForChange: (runId, timeoutMs, signal) => changes.wait(runId, timeoutMs, signal),
    async close() {
      if (closed) return;
      closed = true;
      await changes.close();
      await pool.end().catch(() => undefined);
    },
  };
}

/** A short random wait before running a conflicting transaction again, longer each time. */
function pause(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 ** attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export type { Where };
