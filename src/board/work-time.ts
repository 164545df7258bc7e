/**
 * How long a run has worked: from its first claim, less the time it was off (paused, stopped before
 * a resume, dead before a resume). One fold over the run's events, in order, that the report
 * (src/report/duration.ts) and the live board both use, so they show the same duration. The fold
 * can be carried on with later events, so a board that re-reads a run often reads each event once.
 */
import type { BoardEvent } from './events.js';
import { isTerminal } from './liveness.js';
import type { RunState } from './snapshot.js';
import type { Run } from './types.js';

export interface OffSpan {
  from: number;
  to: number;
  kind: 'paused' | 'stopped' | 'crashed';
  reason: string | null;
  ms: number;
}

/** What the fold knows after the events up to `seq`. */
export interface WorkFold {
  seq: number;
  firstClaim: number | null;
  lastEvent: number | null;
  /** The last event that was work, not a change of the run's state. */
  lastActivity: number | null;
  lastOffEnd: number;
  /** An off interval still open (the run is paused or stopped now). */
  open: { from: number; kind: OffSpan['kind']; reason: string | null } | null;
  off: OffSpan[];
}

/** Run-level events: they describe the run's state, not work done in it. */
const RUN_EVENTS = new Set(['run.running', 'run.paused', 'run.completed', 'run.failed', 'run.stopped', 'run.resumed', 'run.crashed']);

export function emptyFold(): WorkFold {
  return { seq: 0, firstClaim: null, lastEvent: null, lastActivity: null, lastOffEnd: -Infinity, open: null, off: [] };
}

/**
 * Carry the fold on with later events (in seq order; older ones are skipped). A pause is off until
 * the run runs again; a stop or failure until it is resumed; a crash from the last thing that
 * happened until a process took the run over (`run.crashed`) or resumed it.
 */
export function foldWork(fold: WorkFold, events: readonly BoardEvent[]): WorkFold {
  const f: WorkFold = { ...fold, open: fold.open, off: [...fold.off] };
  for (const e of events) {
    if (e.seq <= f.seq) continue;
    f.seq = e.seq;
    f.lastEvent = e.ts;
    if (e.type === 'task.claimed') f.firstClaim ??= e.ts;
    if (e.type === 'run.paused') {
      f.open ??= { from: e.ts, kind: 'paused', reason: e.payload.reason };
    } else if (e.type === 'run.stopped' || e.type === 'run.failed') {
      f.open ??= { from: e.ts, kind: 'stopped', reason: e.payload.reason };
    } else if (e.type === 'run.running') {
      closeOff(f, e.ts);
    } else if ((e.type === 'run.crashed' || e.type === 'run.resumed') && f.open === null && f.lastActivity !== null) {
      const from = Math.max(f.lastActivity, f.lastOffEnd);
      if (e.ts > from) {
        f.off.push({ from, to: e.ts, kind: 'crashed', reason: 'the process running the team stopped; `team resume` went on', ms: e.ts - from });
        f.lastOffEnd = e.ts;
      }
    }
    if ((!RUN_EVENTS.has(e.type) || e.type === 'run.running') && !fromOutside(e)) f.lastActivity = e.ts;
  }
  return f;
}

/**
 * A person's answer (on the board, with `team answer`) can come while no process drives the run,
 * after a crash: it is not the team at work, so it neither ends a crash's off time nor moves a
 * crashed run's clock.
 */
function fromOutside(e: BoardEvent): boolean {
  return e.type === 'question.answered' && (e.payload.answeredBy === 'cli' || e.payload.answeredBy === 'human');
}

function closeOff(f: WorkFold, to: number): void {
  if (f.open && to > f.open.from) f.off.push({ from: f.open.from, to, kind: f.open.kind, reason: f.open.reason, ms: to - f.open.from });
  if (f.open) f.lastOffEnd = Math.max(f.lastOffEnd, to);
  f.open = null;
}

/** The off intervals, an interval still open closed at `end`. */
export function offSpans(fold: WorkFold, end: number): OffSpan[] {
  const f: WorkFold = { ...fold, off: [...fold.off] };
  closeOff(f, end);
  return f.off;
}

/** The time from `from` to `to`, less every off interval overlapping it. */
export function workBetween(from: number, to: number, off: readonly { from: number; to: number }[]): number {
  if (to <= from) return 0;
  let ms = to - from;
  // Off intervals never overlap each other (the fold makes them in order), so each is subtracted once.
  for (const o of off) ms -= Math.max(0, Math.min(to, o.to) - Math.max(from, o.from));
  return Math.max(0, ms);
}

/** Where the run's work starts: its first claim, else its start. */
export function workFrom(run: Pick<Run, 'startedAt'>, fold: WorkFold): number {
  return fold.firstClaim ?? run.startedAt;
}

/**
 * The run's clock as a person reads it at `now` (the board's clock): the work so far, and whether
 * it still counts up. It stops at the end of an ended run, at the last thing that happened in a
 * crashed one (nothing drives it), and while the run is paused.
 */
export function runClock(run: Pick<Run, 'startedAt' | 'status' | 'endedAt'>, state: RunState, fold: WorkFold, now: number): { workMs: number; ticking: boolean } {
  const from = workFrom(run, fold);
  const ended = runEnd(run, fold);
  const crashed = state === 'crashed';
  const to = Math.max(from, ended ?? (crashed ? (fold.lastActivity ?? fold.lastEvent ?? run.startedAt) : now));
  return { workMs: workBetween(from, to, offSpans(fold, to)), ticking: ended === null && !crashed && fold.open === null };
}

/**
 * When an ended run ended (null while it has not): never before its last event, since a stop from
 * another process carries wall time, which an instant run's virtual clock may be ahead of.
 */
export function runEnd(run: Pick<Run, 'status' | 'endedAt'>, fold: WorkFold): number | null {
  if (!isTerminal(run.status) || run.endedAt === null) return null;
  return Math.max(run.endedAt, fold.lastEvent ?? 0);
}

/** A snapshot's run clock read at `now`: the work at read time, plus the time since while it still counts. */
export function clockAt(run: { startedAt: number; elapsedMs: number; workMs: number; ticking: boolean }, now: number): number {
  return run.ticking ? run.workMs + Math.max(0, now - (run.startedAt + run.elapsedMs)) : run.workMs;
}
