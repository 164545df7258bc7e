import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import { events, type JsonObject } from '../../db/schema.js';
import { prepared, type Board } from './board.js';
import { actorName, type Actor } from './actor.js';

export interface BoardEvent {
  runId: number;
  seq: number;
  ts: number;
  actor: string;
  type: string;
  payload: JsonObject;
}

function statements(board: Board) {
  return prepared(board, 'events', () => ({
    last: board.db
      .select({ seq: events.seq, ts: events.ts })
      .from(events)
      .where(eq(events.runId, sql.placeholder('runId')))
      .orderBy(desc(events.seq))
      .limit(1)
      .prepare(),
    insert: board.db
      .insert(events)
      .values({
        runId: sql.placeholder('runId'),
        seq: sql.placeholder('seq'),
        ts: sql.placeholder('ts'),
        actor: sql.placeholder('actor'),
        type: sql.placeholder('type'),
        payload: sql.placeholder('payload'),
      })
      .prepare(),
    since: board.db
      .select()
      .from(events)
      .where(and(eq(events.runId, sql.placeholder('runId')), gt(events.seq, sql.placeholder('after'))))
      .orderBy(asc(events.seq))
      .limit(sql.placeholder('limit'))
      .prepare(),
  }));
}

/** Append an event; call inside the transaction that makes the change it describes. */
export function appendEvent(board: Board, runId: number, actor: Actor | string, type: string, payload: JsonObject): BoardEvent {
  const st = statements(board);
  const last = st.last.get({ runId });
  const event: BoardEvent = {
    runId,
    seq: (last?.seq ?? 0) + 1,
    // An instant run's virtual clock runs ahead of real time; a change from another process (an
    // answer, a stop) must not appear to happen before what it follows.
    ts: Math.max(board.now(), last?.ts ?? 0),
    actor: typeof actor === 'string' ? actor : actorName(actor),
    type,
    payload,
  };
  st.insert.run({ ...event });
  board.pending.push(event);
  return event;
}

export function listEvents(board: Board, runId: number, afterSeq = 0, limit = 1_000_000): BoardEvent[] {
  return statements(board).since.all({ runId, after: afterSeq, limit }) as BoardEvent[];
}

export function lastEventSeq(board: Board, runId: number): number {
  return statements(board).last.get({ runId })?.seq ?? 0;
}
