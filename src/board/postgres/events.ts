import type pg from 'pg';
import { jsonText } from './json.js';

/** An event appended in a transaction, waiting for its number. */
export interface PendingEvent {
  actor: string;
  type: string;
  taskId: number | null;
  payload: unknown;
  /** The clock when appended, never before the transaction's previous event. */
  ts: number;
}

/**
 * Number and insert a transaction's events of one run in one statement. The run's counter row is
 * updated first: that row lock is held until COMMIT, so another transaction appending to the run
 * waits here and gets the next numbers only after this one is visible. Numbers have no gaps (a
 * rolled-back transaction rolls its counter back too) and readers never see #n+1 before #n.
 * Appending last keeps the lock short: claims of different tasks run together until this point.
 * `prev_ts` returns the counter's time before this update, so no event is dated before the last.
 */
const FLUSH = `WITH c AS (
  UPDATE event_counters SET seq = seq + $2::int, prev_ts = ts, ts = greatest(ts, $3::bigint)
  WHERE run_id = $1::int
  RETURNING seq - $2::int AS base, prev_ts
)
INSERT INTO events (run_id, seq, ts, actor, type, task_id, payload)
SELECT $1::int, c.base + x.ord, greatest(c.prev_ts, x.ts), x.actor, x.type, x.task_id, x.payload
FROM c CROSS JOIN jsonb_to_recordset($4::jsonb) AS x(ord int, ts bigint, actor text, type text, task_id int, payload jsonb)`;

/** A run made before its counter row existed (or by hand) gets one that continues from its events. */
const COUNTER = `INSERT INTO event_counters (run_id, seq, ts, prev_ts)
SELECT $1::int, coalesce(max(seq), 0), coalesce(max(ts), 0), coalesce(max(ts), 0) FROM events WHERE run_id = $1::int
ON CONFLICT (run_id) DO NOTHING`;

export async function flushEvents(client: pg.PoolClient, runId: number, list: PendingEvent[]): Promise<void> {
  const rows = list.map((e, i) => ({ ord: i + 1, ts: e.ts, actor: e.actor, type: e.type, task_id: e.taskId, payload: e.payload }));
  const values = [runId, list.length, list.at(-1)?.ts ?? 0, jsonText(rows)];
  const result = await client.query({ name: 'tb_flush_events', text: FLUSH, values });
  if (result.rowCount === list.length) return;
  await client.query({ name: 'tb_event_counter', text: COUNTER, values: [runId] });
  const again = await client.query({ name: 'tb_flush_events', text: FLUSH, values });
  if (again.rowCount !== list.length) throw new Error(`run ${runId} has no event counter; its events could not be numbered`);
}
