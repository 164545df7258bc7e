import type { Task } from '../types.js';
import { flushSql, type PendingEvent } from './events.js';
import type { RunView } from './kept-lists.js';
import { integerLiteral } from './literal.js';
import type { Connection } from './statements.js';

/** The channel every write notifies, with "<run id>:<store id>" (changes.ts listens). */
export const CHANGES_CHANNEL = 'teamboard_changes';

/** What one transaction has done so far. */
export interface TxState {
  write: boolean;
  /** BEGIN is sent with the first statement, so a transaction that reads nothing costs nothing. */
  begun: boolean;
  locks: Map<number, 'shared' | 'exclusive'>;
  /** Events appended, by run: numbered and inserted at commit (see events.ts). */
  pending: Map<number, PendingEvent[]>;
  /** Runs this transaction wrote to: notified at commit. */
  touched: Set<number>;
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

export function newTxState(write: boolean): TxState {
  return { write, begun: false, locks: new Map(), pending: new Map(), touched: new Set(), changedTasks: new Map(), eventTasks: new Map(), depsChanged: new Set(), depEvents: new Set(), gatesWritten: new Set(), views: new Map(), lockedTasks: new Map(), later: [] };
}

export function note(map: Map<number, Set<number>>, runId: number, taskId: number): void {
  const set = map.get(runId);
  if (set) set.add(taskId);
  else map.set(runId, new Set([taskId]));
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
  if (state.write) for (const runId of state.touched) statements.push(`SELECT pg_notify('${CHANGES_CHANNEL}', '${integerLiteral(runId)}:${storeId}')`);
  const begin = state.begun ? [] : [beginSql(state)];
  state.begun = true;
  await conn.client.query([...begin, ...statements, 'COMMIT'].join(';\n'));
}
