import { jsonText } from './json.js';
import { dollarQuoted, integerLiteral } from './literal.js';

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
 * One statement that numbers and inserts a transaction's events of one run. The run's counter row
 * is updated first: that row lock is held until COMMIT, so another transaction appending to the
 * run waits here and gets the next numbers only after this one is visible. Numbers have no gaps
 * (a rolled-back transaction rolls its counter back too) and readers never see #n+1 before #n.
 * Appending last keeps the lock short: claims of different tasks run together until this point.
 * `prev_ts` returns the counter's time before this update, so no event is dated before the last.
 *
 * It is plain SQL text (the numbers are integers, the events one dollar-quoted JSON literal) so that
 * it can go to the server in one round trip with the notifications and COMMIT.
 */
export function flushSql(runId: number, list: PendingEvent[]): string {
  const rows = list.map((e, i) => ({ ord: i + 1, ts: e.ts, actor: e.actor, type: e.type, task_id: e.taskId, payload: e.payload }));
  const run = integerLiteral(runId);
  const count = list.length;
  const last = integerLiteral(Math.trunc(list.at(-1)?.ts ?? 0));
  return `WITH c AS (
  INSERT INTO event_counters AS k (run_id, seq, ts, prev_ts) VALUES (${run}, ${count}, ${last}, 0)
  ON CONFLICT (run_id) DO UPDATE SET seq = k.seq + excluded.seq, prev_ts = k.ts, ts = greatest(k.ts, excluded.ts)
  RETURNING k.seq - ${count} AS base, k.prev_ts
)
INSERT INTO events (run_id, seq, ts, actor, type, task_id, payload)
SELECT ${run}, c.base + x.ord, greatest(c.prev_ts, x.ts), x.actor, x.type, x.task_id, x.payload
FROM c CROSS JOIN jsonb_to_recordset(${dollarQuoted(jsonText(rows))}::jsonb) AS x(ord int, ts bigint, actor text, type text, task_id int, payload jsonb)`;
}
