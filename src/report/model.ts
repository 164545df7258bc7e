/**
 * The report of one run as plain data: what `buildReport` reads off the board and every renderer
 * (Markdown, JSON, HTML) draws. Times are epoch milliseconds of the board's clock; every duration
 * is measured by the one function in duration.ts (start to end, less the time the run was off).
 */
import type { RunState } from '../board/snapshot.js';
import type { AnswerPart, AnsweredBy, Backend, GateSpec, GateStatus, QuestionKind, QuestionStatus, RunStatus, TaskStatus } from '../board/types.js';

/** How the run ended, as the headline says it. A completed run whose work was all simulated is a dry run. */
export type Outcome = 'completed' | 'dry-run' | 'failed' | 'stopped' | 'crashed' | 'running' | 'paused';

export interface Report {
  /** The shape of this object; bumped when it changes, for scripts reading the JSON. */
  format: 1;
  generatedAt: number;
  run: ReportRun;
  headline: Headline;
  duration: RunDuration;
  totals: ReportTotals;
  /** Stages in pipeline order (then any other stage a task has); the timeline colours follow this order. */
  stages: string[];
  decisions: Decision[];
  gates: GateReport[];
  metrics: MetricTable[];
  members: MemberReport[];
  tasks: TaskReport[];
  cost: CostNote;
  timeline: Timeline;
}

export interface ReportRun {
  id: number;
  team: string;
  description: string;
  status: RunStatus;
  /** The status as people see it: `crashed` when the process driving a live run stopped beating. */
  state: RunState;
  reason: string | null;
  backend: Backend;
  seed: number;
  workspace: string;
  budgetUsd: number | null;
  budgetTokens: number | null;
  startedAt: number;
  endedAt: number | null;
}

export interface Headline {
  outcome: Outcome;
  /** One line a person understands: how the run ended and what came of it. */
  text: string;
  /** The command that goes on from here (`team resume 3`), when there is one. */
  next: string | null;
}

export interface Interval {
  from: number;
  to: number;
}

/** Time nobody worked: the run was paused, stopped (and later resumed), or its process had died. */
export interface OffTime extends Interval {
  kind: 'paused' | 'stopped' | 'crashed';
  reason: string | null;
  ms: number;
}

/** A question that kept its asker (or a gate) waiting for a person. */
export interface PersonWait extends Interval {
  question: number;
  kind: QuestionKind;
  askedBy: string;
  /** The report's one duration of the wait (less off time). */
  ms: number;
}

/** `from` is the first task claim (the run's start when nothing was claimed); `to` is the run's end, or its last event while it goes on. */
export interface RunDuration extends Interval {
  /** The one duration of the run: from..to less the off time. */
  ms: number;
  /** from..to by the clock, off time included. */
  wallMs: number;
  off: OffTime[];
  offMs: number;
  /** The part of `ms` during which at least one question waited for a person. */
  waitingMs: number;
  waits: PersonWait[];
}

export interface ReportTotals {
  tasks: number;
  completed: number;
  /** Tasks a retrain made a newer attempt of. */
  replaced: number;
  /** Completed tasks the simulated model played without a script: no real work was done for them. */
  simulated: number;
  questions: number;
  openQuestions: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  tokens: number;
  costUsd: number;
}

export interface DecisionPart {
  header: string;
  question: string;
  options: { label: string; description: string }[];
  multiSelect: boolean;
  picked: string[];
  /** The person's own words (nothing picked), or a note added to a pick. */
  text: string | null;
  /** The answer in words: `Canary 10%`, `Approve (note: ...)`, `in their own words: "..."`; null while open. */
  answer: string | null;
  ownWords: boolean;
  /**
   * The question (`q7`) that followed this own-words answer up: the asker asked the same thing
   * again to learn which option was meant, so that answer, not this one, took effect.
   */
  followedUpBy: string | null;
}

export interface Decision {
  /** As the board shows it: `q3`. */
  id: string;
  question: number;
  kind: QuestionKind;
  askedBy: string;
  taskId: number | null;
  task: string | null;
  gateId: number | null;
  status: QuestionStatus;
  parts: DecisionPart[];
  answers: AnswerPart[] | null;
  answeredBy: AnsweredBy | null;
  /** Who answered, in words: `you, on the board`, `--auto-answer`. */
  answeredByText: string | null;
  cancelReason: string | null;
  askedAt: number;
  answeredAt: number | null;
  /** How long it waited for a person (the report's one duration). */
  waitedMs: number;
}

export interface GateStep {
  at: number;
  status: GateStatus;
  detail: string | null;
  note: string | null;
}

/** What a metric gate compared, with the values of the task it checks now. */
export interface GateCheck {
  task: string;
  taskId: number | null;
  metric: string;
  label: string;
  value: number | null;
  baseline: number | null;
  min: number | null;
  max: number | null;
  beatBaseline: boolean;
}

export interface GateReport {
  id: number;
  before: string;
  kind: GateSpec['kind'];
  description: string;
  status: GateStatus;
  detail: string | null;
  /** The person's note with the decision: an approval's condition, an override's reason. */
  note: string | null;
  decidedBy: string | null;
  decidedByText: string | null;
  check: GateCheck | null;
  /** Every status the gate went through, oldest first. */
  history: GateStep[];
  /** How many times a failed check was answered with a retrain. */
  retrains: number;
}

export interface MetricRow {
  key: string;
  label: string;
  value: number | string | boolean;
  shown: string;
  /** The baseline's value of the same metric (`baseline_auc` beside `auc`), shown in the same row. */
  baseline: number | null;
  baselineShown: string | null;
}

export interface MetricTable {
  taskId: number;
  subject: string;
  stage: string | null;
  owner: string | null;
  replacedBy: number | null;
  rows: MetricRow[];
  /** The task's own note (metadata.note), as the member wrote it. */
  note: string | null;
}

export interface MemberReport {
  name: string;
  role: string;
  model: string;
  turns: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  tokens: number;
  costUsd: number;
  /** Time on task attempts (the report's one duration). */
  busyMs: number;
  /** Time its own questions waited for a person. */
  waitedMs: number;
  completed: number;
}

export interface TaskReport {
  id: number;
  key: string | null;
  subject: string;
  stage: string | null;
  role: string | null;
  owner: string | null;
  status: TaskStatus;
  attempt: number;
  createdBy: string;
  /** Explicit blockers (stage order comes on top of these). */
  blockedBy: number[];
  startedAt: number | null;
  completedAt: number | null;
  /** Time on its attempts (the report's one duration); null when it never started. */
  durationMs: number | null;
  /** How many times it was claimed. */
  claims: number;
  retrainOf: number | null;
  replacedBy: number | null;
  simulated: boolean;
  tokens: number;
  costUsd: number;
  metrics: { [key: string]: number | string | boolean } | null;
}

export interface CostNote {
  /** The numbers are not a bill: a simulated model's estimate, or a replayed tape's record. */
  estimated: boolean;
  note: string | null;
  /** Usage not recorded against any task (planning, reading the board between tasks). */
  unattributedTokens: number;
  unattributedUsd: number;
}

export interface TimelineBar extends Interval {
  taskId: number;
  subject: string;
  stage: string | null;
  /** Index into Report.stages; -1 for a task without a stage. */
  stageIndex: number;
  attempt: number;
  ms: number;
  /** How the attempt ended: completed, given back (released), deleted, or still going at the end of the report. */
  end: 'completed' | 'released' | 'deleted' | 'open';
  replaced: boolean;
  simulated: boolean;
}

export interface TimelineWait extends Interval {
  kind: 'person' | 'gate';
  question: number | null;
  gateId: number | null;
  label: string;
  ms: number;
}

export interface TimelineRow {
  member: string;
  role: string;
  bars: TimelineBar[];
  waits: TimelineWait[];
}

export interface GateMark {
  at: number;
  gateId: number;
  before: string;
  status: GateStatus;
  label: string;
}

export interface Timeline extends Interval {
  rows: TimelineRow[];
  off: OffTime[];
  gates: GateMark[];
}
