/**
 * One way to measure time in a report. The run's duration, a task's, a wait's: each is `to - from`
 * less the time the run was off (paused, stopped before a resume, or dead before a resume), by
 * `workMs`. Nothing else in the report subtracts timestamps.
 */
import type { BoardEvent } from '../board/events.js';
import { emptyFold, foldWork, offSpans, runEnd, workBetween, workFrom } from '../board/work-time.js';
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
export function runDuration(
  run: Pick<Run, 'startedAt' | 'status' | 'endedAt'>,
  events: readonly BoardEvent[],
  questions: readonly Pick<Question, 'id' | 'kind' | 'askedBy' | 'createdAt' | 'answeredAt'>[],
  times: QuestionTimes = questionTimes(events),
): RunDuration {
  const fold = foldWork(emptyFold(), events);
  const from = workFrom(run, fold);
  const to = Math.max(from, runEnd(run, fold) ?? fold.lastEvent ?? run.startedAt);
  const off = offSpans(fold, to);
  const measure = (a: number, b: number) => workMs(a, b, off);
  const waits = questions.map(
    (q): PersonWait => {
      const at = times.get(q.id);
      const asked = at?.asked ?? q.createdAt;
      const end = Math.max(asked, at?.answered ?? q.answeredAt ?? at?.cancelled ?? to);
      return { question: q.id, kind: q.kind, askedBy: q.askedBy, from: asked, to: end, ms: measure(asked, end) };
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

/**
 * When each question was asked, answered or cancelled, by the run's events: they are stamped in
 * order on one time line, where a question's row keeps the clock of whichever process wrote it
 * (an instant run's virtual time for the question, a person's wall time for the answer).
 */
export type QuestionTimes = Map<number, { asked?: number; answered?: number; cancelled?: number }>;

export function questionTimes(events: readonly BoardEvent[]): QuestionTimes {
  const times: QuestionTimes = new Map();
  const at = (id: number) => times.get(id) ?? times.set(id, {}).get(id) ?? {};
  for (const e of events) {
    if (e.type === 'question.asked') at(e.payload.question).asked = e.ts;
    else if (e.type === 'question.answered') at(e.payload.question).answered = e.ts;
    else if (e.type === 'question.cancelled') at(e.payload.question).cancelled = e.ts;
  }
  return times;
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
