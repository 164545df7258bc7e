/** The board's vocabulary: what every backend stores and returns, and what callers pass in. */
import type {
  AnsweredBy,
  Answers,
  Backend,
  GateSpec,
  GateStatus,
  JsonObject,
  Json,
  MemberStatus,
  QuestionKind,
  QuestionPayload,
  QuestionStatus,
  RunConfig,
  RunStatus,
  SimScript,
  TaskStatus,
} from '../../db/types.js';

export type {
  AnsweredBy,
  AnswerPart,
  Answers,
  Backend,
  GateSpec,
  GateStatus,
  Json,
  JsonObject,
  MemberConfig,
  MemberStatus,
  QuestionContext,
  QuestionItem,
  QuestionKind,
  QuestionOption,
  QuestionPayload,
  QuestionStatus,
  RunConfig,
  RunStatus,
  SandboxConfig,
  SimScript,
  TaskStatus,
} from '../../db/types.js';

export interface Run {
  id: number;
  team: string;
  status: RunStatus;
  backend: Backend;
  seed: number;
  workspace: string;
  budgetUsd: number | null;
  budgetTokens: number | null;
  config: RunConfig;
  statusReason: string | null;
  pid: number | null;
  driver: string | null;
  heartbeatAt: number | null;
  eventCursor: number;
  startedAt: number;
  endedAt: number | null;
}

export interface Member {
  runId: number;
  name: string;
  agent: string;
  role: string;
  model: string;
  status: MemberStatus;
  currentTask: number | null;
  lastAction: string | null;
  /** What the member is doing right now, and since when; null between steps. */
  step: string | null;
  stepAt: number | null;
  /** The process (the run's driver or a `team worker`) running this member, and its last wall-clock beat. */
  worker: string | null;
  workerBeatAt: number | null;
  heartbeatAt: number | null;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export interface Task {
  runId: number;
  id: number;
  key: string | null;
  subject: string;
  description: string;
  activeForm: string | null;
  status: TaskStatus;
  owner: string | null;
  role: string | null;
  stage: string | null;
  metadata: JsonObject;
  sim: SimScript | null;
  createdBy: string;
  attempt: number;
  tokens: number;
  costUsd: number;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /** Place in the run's planned claim order (docs/decisions/0014); null: unplanned, after the planned tasks, lowest id first. */
  planRank: number | null;
}

export interface Dependency {
  taskId: number;
  blockedBy: number;
}

export interface Gate {
  runId: number;
  id: number;
  before: string;
  kind: GateSpec['kind'];
  spec: GateSpec;
  status: GateStatus;
  detail: string | null;
  note: string | null;
  decidedBy: string | null;
  updatedAt: number;
}

export interface Question {
  runId: number;
  id: number;
  kind: QuestionKind;
  askedBy: string;
  taskId: number | null;
  gateId: number | null;
  toolUseId: string | null;
  payload: QuestionPayload;
  status: QuestionStatus;
  answers: Answers | null;
  answeredBy: AnsweredBy | null;
  createdAt: number;
  answeredAt: number | null;
}

export interface MailMessage {
  runId: number;
  id: number;
  from: string;
  to: string;
  summary: string | null;
  body: string;
  createdAt: number;
  readAt: number | null;
}

export interface UsageRecord {
  model: string;
  taskId: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export interface RunTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  tokens: number;
  costUsd: number;
  calls: number;
}

/** Per member and per task usage, for reports. */
export interface UsageRow extends UsageRecord {
  member: string;
  ts: number;
}

/** A member's conversation as stored: messages (validated by the runtime) and the turn in flight. */
export interface StoredTranscript {
  messages: unknown[];
  inFlight: unknown;
}

export interface NewRun {
  team: string;
  backend: Backend;
  seed?: number;
  workspace: string;
  budgetUsd?: number | null;
  budgetTokens?: number | null;
  config: RunConfig;
}

export type RunPatch = Partial<Pick<Run, 'budgetUsd' | 'budgetTokens' | 'pid' | 'config' | 'workspace' | 'eventCursor'>>;

export interface NewMember {
  name: string;
  agent: string;
  role: string;
  model: string;
}

export interface MemberPatch {
  status?: MemberStatus;
  currentTask?: number | null;
  lastAction?: string | null;
  step?: string | null;
  worker?: string | null;
}

export interface NewTask {
  subject: string;
  description?: string;
  activeForm?: string | null;
  metadata?: JsonObject;
  sim?: SimScript | null;
  stage?: string | null;
  role?: string | null;
  key?: string | null;
  owner?: string | null;
  attempt?: number;
  blockedBy?: number[];
  /** Place in the run's planned claim order (a positive integer), from the planner (src/runtime/plan). */
  planRank?: number | null;
}

export interface TaskPatch {
  status?: TaskStatus | 'deleted';
  subject?: string;
  description?: string;
  activeForm?: string;
  owner?: string | null;
  addBlocks?: number[];
  addBlockedBy?: number[];
  metadata?: Record<string, Json | undefined>;
  stage?: string | null;
  role?: string | null;
  /** A person or the coordinator takes an in-progress task from its owner on purpose. */
  reassign?: boolean;
}

export interface UpdateResult {
  taskId: number;
  updatedFields: string[];
  statusChange?: { from: string; to: string };
}

export interface NewGate {
  before: string;
  spec: GateSpec;
}

export interface NewQuestion {
  kind: QuestionKind;
  askedBy: string;
  taskId?: number | null;
  gateId?: number | null;
  toolUseId?: string | null;
  payload: QuestionPayload;
}

export interface NewMessage {
  from: string;
  to: string;
  body: string;
  summary?: string | null;
}

/** An unfinished task that keeps another from starting. */
export interface OpenBlocker {
  id: number;
  subject: string;
  status: TaskStatus;
  owner: string | null;
  /** 'dependency' for an explicit blockedBy edge, 'stage' for an unfinished task of an earlier stage. */
  via: 'dependency' | 'stage';
  stage: string | null;
}

/** A task as lists show it. */
export interface TaskSummary {
  id: number;
  subject: string;
  status: TaskStatus;
  owner: string | null;
  role: string | null;
  stage: string | null;
  activeForm: string | null;
  attempt: number;
  /** Open explicit blockers, then (up to a cap) unfinished tasks of earlier stages. */
  blockedBy: number[];
  /** How many unfinished tasks of earlier stages it waits for in all (the list above is capped). */
  stageWaits: number;
  /** Set when a gate on the task's stage has not passed. */
  gate?: string;
  /** The task was played by the simulated model without a script: nothing real was done. */
  simulated?: boolean;
  /** A retrain made a newer attempt of this task. */
  replacedBy?: number;
}

export interface TaskDetail extends TaskSummary {
  description: string;
  metadata: JsonObject;
  blocks: number[];
  dependsOn: number[];
  createdBy: string;
  key: string | null;
  tokens: number;
  costUsd: number;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
}

/** What TaskList may ask for beyond the default view. */
export interface TaskFilter {
  status?: TaskStatus;
  stage?: string;
  owner?: string;
}
