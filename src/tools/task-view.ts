import type { Board } from '../board/board.js';
import type { BoardEvent } from '../board/events.js';
import { describeGate, gateOpen } from '../board/gates.js';
import type { Gate, Task, TaskStatus } from '../board/types.js';

/**
 * What members choose their next step by, kept in memory per board connection and run and brought
 * up to date from the run's event log on each read. Reading every task of a 2,000-task run costs
 * tens of milliseconds, and members look at the board on almost every turn; the new events since
 * the last look are a handful. The board stays the judge: a claim the view allows is still checked
 * (and may be refused) by the board's rules.
 */

/** A task's columns that matter for choosing work. */
export interface ViewTask {
  id: number;
  subject: string;
  status: TaskStatus;
  owner: string | null;
  role: string | null;
  stage: string | null;
}

/** Stage blockers listed per task, as the board's own listing does (docs/decisions/0004). */
const STAGE_BLOCKERS_SHOWN = 10;

/** A consistent look at the board: every task with what keeps it from starting. */
export interface TaskView {
  /** The run's stages, in order. */
  readonly pipeline: readonly string[];
  /** Every task, by id. */
  readonly tasks: readonly ViewTask[];
  /** Unfinished explicit blockers, then up to ten unfinished tasks of earlier stages; [] once completed. */
  blockedBy(task: ViewTask): number[];
  /** The gates closed on the task's stage, in words; undefined when none (or the task is completed). */
  gate(task: ViewTask): string | undefined;
  /** Whether `member` (with `role`) may claim the task now: the board's rule for a claim. */
  claimable(task: ViewTask, member: string, role: string | null): boolean;
}

interface Kept {
  lastSeq: number;
  pipeline: string[];
  /** Map order is id order: a rebuild reads tasks by id and new tasks get higher ids. */
  tasks: Map<number, ViewTask>;
  /** Explicit edges: task id -> its blockers. */
  blockers: Map<number, Set<number>>;
  gates: Gate[];
}

interface Entry {
  /** Catch-ups run one at a time, so an older read never overwrites a newer one. */
  queue: Promise<unknown>;
  kept: Kept | null;
}

const views = new WeakMap<Board, Map<number, Entry>>();

/** The board as members see it now (up to the last committed event). */
export async function readTaskView(board: Board, runId: number): Promise<TaskView> {
  let runs = views.get(board);
  if (!runs) {
    runs = new Map();
    views.set(board, runs);
  }
  let entry = runs.get(runId);
  if (!entry) {
    entry = { queue: Promise.resolve(), kept: null };
    runs.set(runId, entry);
  }
  const target = entry;
  const next = target.queue.then(async () => {
    target.kept = target.kept ? await catchUp(board, runId, target.kept) : await rebuild(board, runId);
    return target.kept;
  });
  // A failed read leaves the next caller to rebuild from scratch.
  target.queue = next.catch(() => {
    target.kept = null;
  });
  return snapshotOf(await next);
}

async function rebuild(board: Board, runId: number): Promise<Kept> {
  // The sequence number is read first: events committed while the rows are read are applied again,
  // which is harmless because applying an event re-reads the rows it touched.
  const lastSeq = await board.lastEventSeq(runId);
  const [run, rows, deps, gates] = await Promise.all([board.requireRun(runId), board.listTaskRows(runId), board.listDeps(runId), board.listGates(runId)]);
  const tasks = new Map<number, ViewTask>();
  for (const row of rows) tasks.set(row.id, columns(row));
  const blockers = new Map<number, Set<number>>();
  for (const d of deps) addEdge(blockers, d.taskId, d.blockedBy);
  return { lastSeq, pipeline: run.config.pipeline, tasks, blockers, gates };
}

/** Fields of a task.updated event that no listing shows: such an update needs no re-read. */
const UNLISTED_FIELDS: ReadonlySet<string> = new Set(['metadata', 'description', 'activeForm']);

async function catchUp(board: Board, runId: number, kept: Kept): Promise<Kept> {
  const events = await board.listEvents(runId, kept.lastSeq);
  if (events.length === 0) return kept;
  // Sequence numbers of a run have no holes; a hole means an event this version could not read.
  if (events.some((e, i) => e.seq !== kept.lastSeq + i + 1)) return rebuild(board, runId);
  const touched = new Set<number>();
  let gatesChanged = false;
  for (const event of events) {
    const id = touchedTask(event);
    if (id !== null) touched.add(id);
    if (event.type === 'task.dependency') addEdge(kept.blockers, event.payload.taskId, event.payload.blockedBy);
    if (event.type.startsWith('gate.')) gatesChanged = true;
  }
  // Read after the events: each row is at least as new as the last event applied.
  for (const id of touched) {
    const row = await board.getTask(runId, id);
    if (row) kept.tasks.set(id, columns(row));
    else forget(kept, id);
  }
  if (gatesChanged) kept.gates = await board.listGates(runId);
  kept.lastSeq = events[events.length - 1]?.seq ?? kept.lastSeq;
  return kept;
}

function touchedTask(event: BoardEvent): number | null {
  switch (event.type) {
    case 'task.created':
    case 'task.claimed':
    case 'task.completed':
    case 'task.released':
    case 'task.deleted':
      return event.payload.taskId;
    case 'task.updated':
      return event.payload.fields.every((f) => UNLISTED_FIELDS.has(f)) ? null : event.payload.taskId;
    default:
      return null;
  }
}

function forget(kept: Kept, id: number): void {
  kept.tasks.delete(id);
  kept.blockers.delete(id);
  for (const set of kept.blockers.values()) set.delete(id);
}

function addEdge(blockers: Map<number, Set<number>>, taskId: number, blockedBy: number): void {
  const set = blockers.get(taskId);
  if (set) set.add(blockedBy);
  else blockers.set(taskId, new Set([blockedBy]));
}

function columns(row: Task): ViewTask {
  return { id: row.id, subject: row.subject, status: row.status, owner: row.owner, role: row.role, stage: row.stage };
}

function snapshotOf(kept: Kept): TaskView {
  const tasks = [...kept.tasks.values()].map((t) => ({ ...t }));
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const unfinishedByStage = new Map<string, number[]>();
  for (const t of tasks) {
    if (t.status === 'completed' || t.stage === null) continue;
    const list = unfinishedByStage.get(t.stage);
    if (list) list.push(t.id);
    else unfinishedByStage.set(t.stage, [t.id]);
  }
  const gateByStage = new Map<string, string>();
  for (const g of kept.gates) {
    if (gateOpen(g)) continue;
    const text = `${describeGate(g)} (${g.status})`;
    const before = gateByStage.get(g.before);
    gateByStage.set(g.before, before === undefined ? text : `${before}; ${text}`);
  }
  const pipeline = [...kept.pipeline];
  const earlier = (stage: string | null): string[] => {
    const index = stage === null ? -1 : pipeline.indexOf(stage);
    return index <= 0 ? [] : pipeline.slice(0, index);
  };
  const openExplicit = (task: ViewTask): number[] =>
    [...(kept.blockers.get(task.id) ?? [])].filter((b) => byId.has(b) && byId.get(b)?.status !== 'completed').sort((a, b) => a - b);

  return {
    pipeline,
    tasks,
    blockedBy(task) {
      if (task.status === 'completed') return [];
      const open = openExplicit(task);
      const shown = new Set(open);
      const stageBlockers: number[] = [];
      for (const stage of earlier(task.stage)) {
        for (const id of unfinishedByStage.get(stage) ?? []) {
          if (stageBlockers.length >= STAGE_BLOCKERS_SHOWN) break;
          if (!shown.has(id)) stageBlockers.push(id);
        }
      }
      return [...open, ...stageBlockers];
    },
    gate(task) {
      return task.status === 'completed' || task.stage === null ? undefined : gateByStage.get(task.stage);
    },
    claimable(task, member, role) {
      if (task.status !== 'pending') return false;
      if (task.owner !== null && task.owner !== member) return false;
      if (task.role !== null && task.role !== role) return false;
      if (task.stage !== null && gateByStage.has(task.stage)) return false;
      if (earlier(task.stage).some((stage) => (unfinishedByStage.get(stage)?.length ?? 0) > 0)) return false;
      return openExplicit(task).length === 0;
    },
  };
}
