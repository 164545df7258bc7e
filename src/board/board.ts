import type { Actor, MemberActor } from './actor.js';
import type { BoardEvent, NewEvent } from './events.js';
import type { BoardSnapshot } from './snapshot.js';
import type {
  Answers,
  AnsweredBy,
  Dependency,
  Gate,
  GateStatus,
  GateSpec,
  MailMessage,
  Member,
  MemberPatch,
  NewGate,
  NewMember,
  NewMessage,
  NewQuestion,
  NewRun,
  NewTask,
  OpenBlocker,
  Question,
  QuestionStatus,
  Run,
  RunPatch,
  RunStatus,
  RunTotals,
  StoredTranscript,
  Task,
  TaskDetail,
  TaskFilter,
  TaskPatch,
  TaskSummary,
  UpdateResult,
  UsageRecord,
  UsageRow,
} from './types.js';

/** The outcome of asking to drive a run: this process now drives it, or who already does. */
export type DriveClaim = { ok: true; takenOver: string | null } | { ok: false; driver: string; pid: number | null; heartbeatAt: number | null };

/** The outcome of a process asking to run members of a run: it now runs them, or the first one a live process already runs. */
export type MemberClaim = { ok: true } | { ok: false; member: string; worker: string; beatAt: number | null };

/** Reads: each is consistent on its own; readSnapshot is consistent across its parts. */
export interface BoardReads {
  getRun(runId: number): Promise<Run | undefined>;
  requireRun(runId: number): Promise<Run>;
  latestRun(): Promise<Run | undefined>;
  listRuns(): Promise<Run[]>;

  getMember(runId: number, name: string): Promise<Member | undefined>;
  listMembers(runId: number): Promise<Member[]>;
  runTotals(runId: number): Promise<RunTotals>;
  listUsage(runId: number): Promise<UsageRow[]>;

  getTask(runId: number, id: number): Promise<Task | undefined>;
  requireTask(runId: number, id: number): Promise<Task>;
  findTaskByKey(runId: number, key: string): Promise<Task | undefined>;
  /** Every task row of a run, by id. */
  listTaskRows(runId: number): Promise<Task[]>;
  listDeps(runId: number): Promise<Dependency[]>;
  tasksOwnedBy(runId: number, owner: string): Promise<Task[]>;
  /** Every task (or those matching the filter) with its open blockers, computed in bulk. */
  listTasks(runId: number, filter?: TaskFilter): Promise<TaskSummary[]>;
  getTaskDetail(runId: number, id: number): Promise<TaskDetail | undefined>;
  openBlockers(runId: number, taskId: number): Promise<OpenBlocker[]>;

  listGates(runId: number): Promise<Gate[]>;
  getGate(runId: number, gateId: number): Promise<Gate>;

  getQuestion(runId: number, id: number): Promise<Question | undefined>;
  listQuestions(runId: number, status?: QuestionStatus): Promise<Question[]>;

  hasUnread(runId: number, member: string): Promise<boolean>;
  listMessages(runId: number): Promise<MailMessage[]>;

  loadTranscript(runId: number, member: string): Promise<StoredTranscript | undefined>;

  listEvents(runId: number, afterSeq?: number, limit?: number): Promise<BoardEvent[]>;
  lastEventSeq(runId: number): Promise<number>;
  /** Events about one task (claims, updates, completions, commands run for it), oldest first. */
  taskHistory(runId: number, taskId: number, limit?: number): Promise<BoardEvent[]>;

  /** Everything the live board shows for one run, read consistently. */
  readSnapshot(runId: number, eventLimit?: number): Promise<BoardSnapshot>;
  /** A cheap token that changes whenever anything on the run may have changed. */
  version(runId: number): Promise<string>;
}

/** Writes: each is one transaction, with the events it describes appended in it. */
export interface BoardWrites {
  createRun(input: NewRun, actor: Actor): Promise<Run>;
  setRunStatus(runId: number, status: RunStatus, reason: string | null, actor: Actor): Promise<Run>;
  updateRun(runId: number, patch: RunPatch): Promise<void>;
  /**
   * The coordinator's event cursor: one column written, the run not read first (its driver writes
   * it, often, about a run it holds). An unknown run changes nothing.
   */
  saveEventCursor(runId: number, seq: number): Promise<void>;
  /** Become the one process driving a run (atomic): refused while another driver's heartbeat is fresh, unless the caller knows it is `dead` (its process is gone). */
  claimRun(runId: number, driver: string, pid: number, actor: Actor, dead?: string): Promise<DriveClaim>;
  /** The driver's heartbeat; false when another process has taken the run over. */
  beatRun(runId: number, driver: string): Promise<boolean>;
  /** The driver lets go of the run (it ended, or the process is exiting). */
  releaseRun(runId: number, driver: string): Promise<void>;

  /**
   * A process (a `team worker`, or the driver for the members it runs) takes these members, all or
   * none: refused while a process that beat within `leaseMs` (wall clock) runs one of them. The
   * run's driver may take any member.
   */
  claimMembers(runId: number, worker: string, names: readonly string[], leaseMs: number): Promise<MemberClaim>;
  /** The heartbeat of a process running members; returns the names it still runs. */
  beatWorker(runId: number, worker: string): Promise<string[]>;
  /** The process lets go of its members (it is exiting); their tasks stay theirs. */
  releaseWorker(runId: number, worker: string): Promise<void>;

  addMember(runId: number, input: NewMember, actor: Actor): Promise<Member>;
  updateMember(runId: number, name: string, patch: MemberPatch, actor: Actor): Promise<void>;
  heartbeat(runId: number, names: string[]): Promise<void>;
  noteLastAction(runId: number, name: string, lastAction: string): Promise<void>;
  recordUsage(runId: number, member: string, usage: UsageRecord): Promise<void>;

  createTask(runId: number, input: NewTask, actor: Actor): Promise<Task>;
  /** Many tasks at once, with blockers given as indexes into `inputs` or existing task ids; cycles checked once. */
  createTasks(runId: number, inputs: (NewTask & { blockedByIndex?: number[] })[], actor: Actor): Promise<Task[]>;
  updateTask(runId: number, id: number, patch: TaskPatch, actor: Actor): Promise<UpdateResult>;
  /**
   * Claim the first task in claim order (planned order, then lowest id) this member may take now (pending, unowned or its own, its role,
   * unblocked, no closed gate), atomically; null when there is none. Rows another claimer holds
   * are skipped, not waited for.
   */
  claimNext(runId: number, actor: MemberActor): Promise<Task | null>;
  /** Give a task back to the pool after its owner died or was stopped: pending, no owner, attempt + 1, with a note. */
  releaseTask(runId: number, id: number, note: string, actor: Actor): Promise<void>;
  addDependencies(runId: number, edges: Dependency[], actor: Actor): Promise<number>;

  addGate(runId: number, input: NewGate, actor: Actor): Promise<Gate>;
  setGateStatus(runId: number, gateId: number, status: GateStatus, detail: string | null, actor: Actor, decidedBy?: string | null, note?: string | null): Promise<Gate>;
  /** Point a gate at another task (a retrained copy of the one it checked). */
  setGateSpec(runId: number, gateId: number, spec: GateSpec): Promise<void>;

  askQuestion(runId: number, input: NewQuestion, actor: Actor): Promise<Question>;
  answerQuestion(runId: number, id: number, answers: Answers, answeredBy: AnsweredBy, actor: Actor): Promise<Question>;
  cancelQuestion(runId: number, id: number, reason: string, actor: Actor): Promise<void>;

  sendMessage(runId: number, input: NewMessage, actor: Actor): Promise<MailMessage[]>;
  /** Unread messages for a member, oldest first; marks them read. */
  takeInbox(runId: number, member: string): Promise<MailMessage[]>;

  /**
   * Persist a member's conversation: the first `keep` stored messages stay, the rest is replaced
   * by `append` (a step writes only what is new), and the turn in flight is replaced.
   */
  saveTranscript(runId: number, member: string, keep: number, append: unknown[], inFlight: unknown): Promise<void>;

  appendEvent(runId: number, actor: Actor | string, event: NewEvent): Promise<void>;
}

export type BoardOps = BoardReads & BoardWrites;

export interface Board extends BoardOps {
  readonly kind: 'sqlite' | 'postgres';
  /** The file or the server (without credentials), for messages. */
  readonly location: string;
  /** Time for timestamps; the runtime sets a virtual clock for instant runs. */
  now(): number;
  setClock(now: () => number): void;
  /** Several operations as one transaction: all of them happen, or none. */
  transaction<T>(fn: (tx: BoardOps) => Promise<T>): Promise<T>;
  /**
   * Resolves when the run may have new events (a commit by this or another process), or after
   * `timeoutMs`. Backends wake at once for their own commits and notice others' by polling or
   * notifications. A commit that appends no event (a heartbeat, a saved transcript) may not wake a
   * waiter before its timeout: callers watching for something else, such as a lease, must pass a
   * timeout.
   */
  waitForChange(runId: number, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
