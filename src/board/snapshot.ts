import type { BoardEvent } from './events.js';
import type {
  Backend,
  GateSpec,
  GateStatus,
  MemberStatus,
  QuestionKind,
  QuestionPayload,
  RunStatus,
  RunTotals,
  TaskSummary,
} from './types.js';

/** How many recent events a snapshot carries for the activity feed. */
export const SNAPSHOT_EVENTS = 200;

/** A run's status as people see it: `crashed` when its process stopped beating without ending it. */
export type RunState = RunStatus | 'crashed';

export interface SnapshotRun {
  id: number;
  team: string;
  status: RunStatus;
  state: RunState;
  statusReason: string | null;
  backend: Backend;
  seed: number;
  workspace: string;
  budgetUsd: number | null;
  budgetTokens: number | null;
  pipeline: string[];
  startedAt: number;
  endedAt: number | null;
  /** Time since start (to the end for a finished run), by the board's clock at read time. */
  elapsedMs: number;
  /**
   * The run's one duration at read time (work from the first claim, pauses and stops left out:
   * what `team runs` and the report show), and whether it still counts up (a live run that is not
   * paused). Read it at a later moment with `clockAt` (src/board/work-time.ts).
   */
  workMs: number;
  ticking: boolean;
  /** Bash runs without an OS sandbox in this run. */
  unsandboxed: boolean;
}

export interface SnapshotMember {
  name: string;
  agent: string;
  role: string;
  model: string;
  status: MemberStatus;
  currentTask: number | null;
  currentTaskSubject: string | null;
  lastAction: string | null;
  /** What it is doing right now and since when (a model call, a command); null between steps. */
  step: string | null;
  stepAt: number | null;
  turns: number;
  tokens: number;
  costUsd: number;
  /** The open question this member asked, if any (what it is waiting on). */
  waitingOn: number | null;
  external: boolean;
}

export interface SnapshotGate {
  id: number;
  before: string;
  kind: GateSpec['kind'];
  status: GateStatus;
  description: string;
  detail: string | null;
  note: string | null;
  decidedBy: string | null;
}

export interface OpenQuestion {
  id: number;
  kind: QuestionKind;
  askedBy: string;
  taskId: number | null;
  gateId: number | null;
  createdAt: number;
  payload: QuestionPayload;
}

/** Tasks as the board shows them: ready to start, blocked, in progress, done (latest first). */
export interface TaskColumns {
  ready: TaskSummary[];
  blocked: TaskSummary[];
  in_progress: TaskSummary[];
  done: TaskSummary[];
}

export interface StageProgress {
  stage: string;
  done: number;
  total: number;
}

export interface BoardSnapshot {
  run: SnapshotRun;
  members: SnapshotMember[];
  tasks: TaskColumns;
  taskCount: number;
  doneCount: number;
  stages: StageProgress[];
  /** Completed tasks the simulated model played without a script (nothing real was done). */
  simulatedCount: number;
  gates: SnapshotGate[];
  questions: OpenQuestion[];
  events: BoardEvent[];
  lastSeq: number;
  totals: RunTotals;
}
