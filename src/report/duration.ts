/**
 * One way to measure time in a report. The run's duration, a task's, a wait's: each is `to - from`
 * less the time the run was off (paused, stopped before a resume, or dead before a resume), by
 * `workMs`. Nothing else in the report subtracts timestamps.
 */
import type { BoardEvent } from '../board/events.js';
import { isTerminal } from '../board/liveness.js';
import { emptyFold, foldWork, offSpans, workBetween } from '../board/work-time.js';
import type { Question, Run } from '../board/types.js';
import type { Interval, OffTime, PersonWait, RunDuration } from './model.js';

/** The time from `from` to `to`, less every off interval overlapping it. */
export function workMs(from: number, to: number, off: readonly Interval[]): number {
  return workBetween(from, to, off);
}

/**
 * When nobody worked, from the run's events: a pause until the run runs again; a stop or failure
 * that was later resumed; and a crash, from the last thing that happened until a process took the
 * run over (`run.crashed`) or resumed it. `end` closes an interval still open. The live board
 * measures with the same fold (src/board/work-time.ts).
 */
export function offTimes(events: readonly BoardEvent[], end: number): OffTime[] {
  return offSpans(foldWork(emptyFold(), events), end);
}

/** Merge intervals that overlap or touch, in time order. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].filter((i) => i.to > i.from).sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const i of sorted) {
    const last = merged[merged.length - 1];
    if (last && i.from <= last.to) last.to = Math.max(last.to, i.to);
    else merged.push({ from: i.from, to: i.to });
  }
  return merged;
}

/**
 * The run's one duration: from the start of work (the first claim, else the run's start) to its end
 * (the run's end, else its last event), less the time it was off; and the waits on a person in it.
 * `team runs`, a run's summary and the report all show this number.
 */
export function runDuration(run: Pick<Run, 'startedAt' | 'status' | 'endedAt'>, events: readonly BoardEvent[], questions: readonly Pick<Question, 'id' | 'kind' | 'askedBy' | 'createdAt' | 'answeredAt'>[]): RunDuration {
  const firstClaim = events.find((e) => e.type === 'task.claimed');
  const lastEvent = events[events.length - 1];
  const from = firstClaim?.ts ?? run.startedAt;
  const to = Math.max(from, isTerminal(run.status) && run.endedAt !== null ? run.endedAt : (lastEvent?.ts ?? run.startedAt));
  const off = offTimes(events, to);
  const measure = (a: number, b: number) => workMs(a, b, off);
  const cancelledAt = new Map<number, number>();
  for (const e of events) if (e.type === 'question.cancelled') cancelledAt.set(e.payload.question, e.ts);
  const waits = questions.map(
    (q): PersonWait => {
      const end = q.answeredAt ?? cancelledAt.get(q.id) ?? to;
      return { question: q.id, kind: q.kind, askedBy: q.askedBy, from: q.createdAt, to: end, ms: measure(q.createdAt, end) };
    },
  );
  const within = mergeIntervals(waits.map((w): Interval => ({ from: Math.max(w.from, from), to: Math.min(w.to, to) })));
  return {
    from,
    to,
    ms: measure(from, to),
    wallMs: to - from,
    off,
    offMs: off.reduce((sum, o) => sum + workOverlap(o, from, to), 0),
    waitingMs: within.reduce((sum, i) => sum + measure(i.from, i.to), 0),
    waits,
  };
}

/** How much of an off interval falls inside the span of work. */
function workOverlap(o: Interval, from: number, to: number): number {
  return Math.max(0, Math.min(to, o.to) - Math.max(from, o.from));
}

/** A duration as people read it: `45s`, `1m13s`, `2h05m`; `<1s` for a moment. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return '<1s';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A moment as an offset from a start, `m:ss` (`h:mm:ss` past an hour): where it sits on the timeline. */
export function formatOffset(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
