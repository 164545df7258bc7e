import type { Task } from '../types.js';
import { flushSql, type PendingEvent } from './events.js';
import type { RunView } from './kept-lists.js';
import { integerLiteral } from './literal.js';
import type { Connection } from './statements.js';

/**
 * The channel every write notifies, with "<run id>:<store id>", and ":q" after it for a quiet
 * commit: one that appended no event to the run (changes.ts listens).
 */
export const CHANGES_CHANNEL = 'teamboard_changes';
export const QUIET = 'q';

/** What one transaction has done so far. */
export interface TxState {
  write: boolean;
  /** BEGIN is sent with the first statement, so a transaction that reads nothing costs nothing. */
  begun: boolean;
  /**
   * A read that runs its first statement on its own, without BEGIN and COMMIT: one statement sees
   * one snapshot, so a read of one statement (nearly every read) is one round trip instead of three.
   * A second statement cannot share that snapshot: it sets `restart` and the read runs again, whole,
   * in a transaction (store.ts).
   */
  single: boolean;
  /** Statements sent so far (counted while `single`). */
  sent: number;
  restart: boolean;
  locks: Map<number, 'shared' | 'exclusive'>;
  /** Events appended, by run: numbered and inserted at commit (see events.ts). */
  pending: Map<number, PendingEvent[]>;
  /** Runs this transaction wrote to: notified at commit. */
  touched: Set<number>;
  /** Runs this transaction appended events to (the others it touched had quiet writes: beats, transcripts, cursors). */
  evented: Set<number>;
  /** Tasks changed, and tasks named by events, by run: a change with no event is counted at commit (kept-lists.ts). */
  changedTasks: Map<number, Set<number>>;
  eventTasks: Map<number, Set<number>>;
  /** Runs whose dependency edges changed, and runs with an event about edges (task.dependency, task.deleted). */
  depsChanged: Set<number>;
  depEvents: Set<number>;
  /** Runs whose gates this transaction wrote. */
  gatesWritten: Set<number>;
  /** The tasks, edges and gates read for a run, reused by the rest of the transaction (see `mayKeep`). */
  views: Map<number, RunView>;
  /** Task rows this transaction holds locked, as they are now: nobody else can change them until it ends. */
  lockedTasks: Map<string, Task>;
  /** Statements not sent yet (the run lock, task updates): they go in one batch with the next statement, or with COMMIT. */
  later: string[];
}

/** A read's first try runs `single` (see TxState); a write, or a read run again, is a transaction. */
export function newTxState(write: boolean, single = false): TxState {
  return { write, begun: false, single: single && !write, sent: 0, restart: false, locks: new Map(), pending: new Map(), touched: new Set(), evented: new Set(), changedTasks: new Map(), eventTasks: new Map(), depsChanged: new Set(), depEvents: new Set(), gatesWritten: new Set(), views: new Map(), lockedTasks: new Map(), later: [] };
}

export function note(map: Map<number, Set<number>>, runId: number, taskId: number): void {
  const set = map.get(runId);
  if (set) set.add(taskId);
  else map.set(runId, new Set([taskId]));
}

/** Thrown at a read's second statement while it runs `single`: the store runs the read again in a transaction. */
export class RestartInTransaction extends Error {
  override name = 'RestartInTransaction';
}

/**
 * May this statement go without BEGIN? Only a `single` read's first; at its second the read must
 * run again in a transaction (this throws, and marks the state so that even a caller catching the
 * error has its result thrown away).
 */
export function aloneAllowed(state: TxState): boolean {
  if (!state.single) return false;
  if (state.sent > 0 || state.later.length > 0) {
    state.restart = true;
    throw new RestartInTransaction('a read of more than one statement runs in a transaction');
  }
  state.sent++;
  return true;
}

export function beginSql(state: TxState): string {
  return state.write ? 'BEGIN' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';
}

/**
 * Write what the transaction appended, count task changes no event names, notify the runs it
 * changed, and commit: one round trip (plain SQL: run ids are integers, the store id is hex, the
 * events one dollar-quoted literal).
 */
export async function commitTx(conn: Connection, state: TxState, storeId: string): Promise<void> {
  const statements: string[] = [...state.later];
  state.later = [];
  for (const [runId, list] of state.pending) {
    if (list.length > 0) statements.push(flushSql(runId, list));
  }
  state.pending.clear();
  const untracked = new Set([...state.depsChanged].filter((runId) => !state.depEvents.has(runId)));
  for (const [runId, changed] of state.changedTasks) {
    const named = state.eventTasks.get(runId);
    if ([...changed].some((id) => !named?.has(id))) untracked.add(runId);
  }
  for (const runId of untracked) statements.push(`UPDATE event_counters SET untracked = untracked + 1 WHERE run_id = ${integerLiteral(runId)}`);
  if (!state.begun && statements.length === 0) return;
  if (state.write) {
    for (const runId of state.touched) {
      const quiet = state.evented.has(runId) ? '' : `:${QUIET}`;
      statements.push(`SELECT pg_notify('${CHANGES_CHANNEL}', '${integerLiteral(runId)}:${storeId}${quiet}')`);
    }
  }
  const begin = state.begun ? [] : [beginSql(state)];
  state.begun = true;
  await conn.client.query([...begin, ...statements, 'COMMIT'].join(';\n'));
}
