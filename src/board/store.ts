import type { BoardEvent, NewEvent } from './events.js';
import type {
  Dependency,
  Gate,
  MailMessage,
  Member,
  Question,
  QuestionStatus,
  Run,
  RunTotals,
  StoredTranscript,
  Task,
  UsageRecord,
  UsageRow,
} from './types.js';

/**
 * What a board backend implements: typed row operations inside transactions. The board's rules
 * (src/board/rules) are written once against this, so every backend enforces them identically.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly location: string;
  /** A consistent read of several rows. */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A read-then-write transaction. Writers that call `tx.lockRun(run, 'exclusive')` are serialised
   * per run; `shared` writers (claims, updates of one task) may run together and lock their rows.
   * Events appended are visible to readers together with the change, in `seq` order.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  version(runId: number): Promise<string>;
  waitForChange(runId: number, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** A task row's columns that lists need (TaskList runs on every member's turn). */
export type TaskSummaryRow = Pick<Task, 'id' | 'subject' | 'status' | 'owner' | 'role' | 'stage' | 'activeForm' | 'attempt' | 'planRank'>;

export type BlockerRow = Pick<Task, 'id' | 'subject' | 'status' | 'owner' | 'stage'>;

export interface Tx {
  now(): number;
  /** Serialise this transaction against other writers of the run (PostgreSQL: an advisory lock; SQLite: already serial). */
  lockRun(runId: number, mode: 'shared' | 'exclusive'): Promise<void>;

  insertRun(values: Omit<Run, 'id'>): Promise<Run>;
  getRun(id: number): Promise<Run | undefined>;
  latestRun(): Promise<Run | undefined>;
  listRuns(): Promise<Run[]>;
  updateRun(id: number, set: Partial<Omit<Run, 'id'>>): Promise<void>;
  /** The run's ordered stages: fixed when the run is made, so backends may cache it. */
  pipelineOf(runId: number): Promise<string[]>;

  insertMember(member: Member): Promise<void>;
  getMember(runId: number, name: string): Promise<Member | undefined>;
  listMembers(runId: number): Promise<Member[]>;
  updateMember(runId: number, name: string, set: Partial<Omit<Member, 'runId' | 'name'>>): Promise<void>;
  heartbeatMembers(runId: number, names: string[], now: number): Promise<void>;
  /** One model call: the usage log row, the member's counters and its task's, together. */
  addUsage(runId: number, member: string, usage: UsageRecord, ts: number): Promise<void>;
  runTotals(runId: number): Promise<RunTotals>;
  listUsage(runId: number): Promise<UsageRow[]>;

  nextTaskId(runId: number): Promise<number>;
  insertTask(task: Task): Promise<void>;
  /**
   * With `lock`, the row is locked for this transaction (PostgreSQL `FOR UPDATE`); with `'skip'`,
   * a row another transaction holds is reported as undefined instead of waited for (`SKIP LOCKED`).
   */
  getTask(runId: number, id: number, lock?: boolean | 'skip'): Promise<Task | undefined>;
  findTaskByKey(runId: number, key: string): Promise<Task | undefined>;
  listTaskRows(runId: number): Promise<Task[]>;
  listTaskSummaries(runId: number): Promise<TaskSummaryRow[]>;
  /** In-progress tasks of an owner, by id. */
  tasksOwnedBy(runId: number, owner: string): Promise<Task[]>;
  /** Pending or in-progress tasks of these stages. */
  unfinishedInStages(runId: number, stages: string[]): Promise<BlockerRow[]>;
  /** Id and stage of every task of a run (the wait graph's nodes). */
  taskStages(runId: number): Promise<Pick<Task, 'id' | 'stage'>[]>;
  updateTask(runId: number, id: number, set: Partial<Omit<Task, 'runId' | 'id'>>): Promise<void>;
  /** Delete a task and every dependency edge touching it. */
  deleteTask(runId: number, id: number): Promise<void>;
  /** Completed task ids, the most recently completed first. */
  completionOrder(runId: number): Promise<number[]>;

  listDeps(runId: number): Promise<Dependency[]>;
  /** Unfinished explicit blockers of a task, by blocker id. */
  openExplicitBlockers(runId: number, taskId: number): Promise<BlockerRow[]>;
  /** Insert edges; returns the ones that were new. */
  insertDeps(runId: number, edges: Dependency[]): Promise<Dependency[]>;

  nextGateId(runId: number): Promise<number>;
  insertGate(gate: Gate): Promise<void>;
  getGate(runId: number, id: number): Promise<Gate | undefined>;
  listGates(runId: number): Promise<Gate[]>;
  updateGate(runId: number, id: number, set: Partial<Omit<Gate, 'runId' | 'id'>>): Promise<void>;

  nextQuestionId(runId: number): Promise<number>;
  insertQuestion(question: Question): Promise<void>;
  getQuestion(runId: number, id: number): Promise<Question | undefined>;
  listQuestions(runId: number, status?: QuestionStatus): Promise<Question[]>;
  updateQuestion(runId: number, id: number, set: Partial<Omit<Question, 'runId' | 'id'>>): Promise<void>;

  nextMessageId(runId: number): Promise<number>;
  insertMessage(message: MailMessage): Promise<void>;
  unreadMessages(runId: number, member: string): Promise<MailMessage[]>;
  countUnread(runId: number, member: string): Promise<number>;
  markRead(runId: number, member: string, now: number): Promise<void>;
  listMessages(runId: number): Promise<MailMessage[]>;

  loadTranscript(runId: number, member: string): Promise<StoredTranscript | undefined>;
  saveTranscript(runId: number, member: string, keep: number, append: unknown[], inFlight: unknown, now: number): Promise<void>;

  /** Append an event in this transaction; its `seq` follows the run's last, its time never goes back. */
  appendEvent(runId: number, actor: string, event: NewEvent): Promise<void>;
  listEvents(runId: number, afterSeq: number, limit: number): Promise<BoardEvent[]>;
  lastEventSeq(runId: number): Promise<number>;
  taskHistory(runId: number, taskId: number, limit: number): Promise<BoardEvent[]>;
}
