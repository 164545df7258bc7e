import type { Board } from '../board/board.js';
import { claimOrder } from '../board/claim-order.js';
import type { BoardEvent } from '../board/events.js';
import { describeGate, gateOpen } from '../board/gates.js';
import type { Gate, Task, TaskStatus } from '../board/types.js';

/**
 * What members choose their next step by, kept in memory per board connection and run and brought
 * up to date from the run's event log on each read. Reading every task of a 2,000-task run costs
 * tens of milliseconds, and members look at the board on almost every turn; the new events since
 * the last look are a handful, and the counts and lists derived from the tasks are kept up to date
 * with them rather than rebuilt. The board stays the judge: a claim the view allows is still checked
 * (and may be refused) by the board's rules.
 */

/** A task's columns that matter for choosing work. Replaced, never changed in place. */
export interface ViewTask {
  readonly id: number;
  readonly subject: string;
  readonly status: TaskStatus;
  readonly owner: string | null;
  readonly role: string | null;
  readonly stage: string | null;
  /** Place in the run's planned claim order; null when the task has none. */
  readonly planRank: number | null;
}

/** How many tasks there are in each status, on the whole board and per stage (statuses with none left out). */
export interface BoardCounts {
  total: number;
  byStatus: Partial<Record<TaskStatus, number>>;
  byStage: Record<string, Partial<Record<TaskStatus, number>>>;
}

/** Stage blockers listed per task, as the board's own listing does (docs/decisions/0004). */
const STAGE_BLOCKERS_SHOWN = 10;

/**
 * The board as of the last event read. Use it right after the read: a later read by anyone
 * sharing the connection brings it further up to date.
 */
export interface TaskView {
  /** The run's stages, in order. */
  readonly pipeline: readonly string[];
  /** The tasks that pass `keep`, by id. */
  select(keep: (task: ViewTask) => boolean): ViewTask[];
  /** Every task counted by status, and by stage and status (stages in pipeline order). */
  counts(): BoardCounts;
  /** Unfinished explicit blockers, then up to ten unfinished tasks of earlier stages; [] once completed. */
  blockedBy(task: ViewTask): number[];
  /** The gates closed on the task's stage, in words; undefined when none (or the task is completed). */
  gate(task: ViewTask): string | undefined;
  /** Whether `member` (with `role`) may claim the task now (the board's rule for a claim): pending with nothing to wait for, and theirs to take. */
  claimable(task: ViewTask, member: string, role: string | null): boolean;
  /** The tasks that are pending with nothing to wait for (no unfinished blocker or earlier stage, no closed gate), in claim order (planned order, then lowest id); found without looking at the others. */
  readyTasks(): ViewTask[];
  /** The member's unfinished tasks (pending or in progress), lowest id first. */
  owned(member: string): ViewTask[];
  /** Ids of the tasks that list this one as an explicit blocker, ascending (whatever their status). */
  blocks(id: number): number[];
  /** Every unfinished task this one waits for: explicit blockers, then unfinished tasks of earlier stages by id (uncapped); [] once completed. */
  waitsFor(task: Pick<ViewTask, 'id' | 'stage' | 'status'>): number[];
}

interface Kept {
  lastSeq: number;
  pipeline: string[];
  /** Map order is id order: a rebuild reads tasks by id and new tasks get higher ids. */
  tasks: Map<number, ViewTask>;
  /** Explicit edges: task id -> its blockers. */
  blockers: Map<number, Set<number>>;
  /** The same edges the other way: task id -> the tasks it blocks. */
  dependents: Map<number, Set<number>>;
  /** Per task: how many of its explicit blockers are on the board and unfinished (absent: none). */
  openBlockers: Map<number, number>;
  /** Pending tasks with no unfinished explicit blocker, by stage (null: no stage): what may become ready without a look at the rest. */
  free: Map<string | null, Set<number>>;
  /** Unfinished tasks by owner. */
  owned: Map<string, Set<number>>;
  /** Closed gates in words, by the stage they hold. */
  gates: Map<string, string>;
  /** Ids of the pending and in-progress tasks of each stage, ascending. */
  unfinished: Map<string, number[]>;
  byStatus: Map<TaskStatus, number>;
  byStage: Map<string, Map<TaskStatus, number>>;
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
  return viewOf(await next);
}

async function rebuild(board: Board, runId: number): Promise<Kept> {
  // The sequence number is read first: events committed while the rows are read are applied again,
  // which is harmless because applying an event re-reads the rows it touched.
  const lastSeq = await board.lastEventSeq(runId);
  const [run, rows, deps, gates] = await Promise.all([board.requireRun(runId), board.listTaskRows(runId), board.listDeps(runId), board.listGates(runId)]);
  const kept: Kept = {
    lastSeq,
    pipeline: run.config.pipeline,
    tasks: new Map(),
    blockers: new Map(),
    dependents: new Map(),
    openBlockers: new Map(),
    free: new Map(),
    owned: new Map(),
    gates: closedGates(gates),
    unfinished: new Map(),
    byStatus: new Map(),
    byStage: new Map(),
  };
  for (const row of rows) put(kept, row.id, columns(row));
  for (const d of deps) addEdge(kept, d.taskId, d.blockedBy);
  return kept;
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
    if (event.type === 'task.dependency') addEdge(kept, event.payload.taskId, event.payload.blockedBy);
    if (event.type.startsWith('gate.')) gatesChanged = true;
  }
  // Read after the events: each row is at least as new as the last event applied.
  for (const id of touched) {
    const row = await board.getTask(runId, id);
    put(kept, id, row ? columns(row) : undefined);
  }
  if (gatesChanged) kept.gates = closedGates(await board.listGates(runId));
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

/**
 * Replace (or, with undefined, remove) a task, keeping the counts, the unfinished lists, the
 * owners' tasks and the free tasks in step; a task that starts or stops counting as an unfinished
 * blocker updates the tasks it blocks.
 */
function put(kept: Kept, id: number, next: ViewTask | undefined): void {
  const before = kept.tasks.get(id);
  if (before) {
    count(kept, before, -1);
    if (isUnfinished(before) && before.stage !== null) remove(kept.unfinished.get(before.stage), id);
    if (isUnfinished(before) && before.owner !== null) kept.owned.get(before.owner)?.delete(id);
    kept.free.get(before.stage)?.delete(id);
  }
  const wasOpen = before !== undefined && isUnfinished(before);
  if (!next) {
    kept.tasks.delete(id);
    for (const blocker of kept.blockers.get(id) ?? []) kept.dependents.get(blocker)?.delete(id);
    for (const dependent of kept.dependents.get(id) ?? []) {
      kept.blockers.get(dependent)?.delete(id);
      if (wasOpen) openBlockersChanged(kept, dependent, -1);
    }
    kept.blockers.delete(id);
    kept.dependents.delete(id);
    kept.openBlockers.delete(id);
    return;
  }
  kept.tasks.set(id, next);
  count(kept, next, 1);
  if (isUnfinished(next) && next.stage !== null) {
    let list = kept.unfinished.get(next.stage);
    if (!list) {
      list = [];
      kept.unfinished.set(next.stage, list);
    }
    insert(list, id);
  }
  if (isUnfinished(next) && next.owner !== null) setOf(kept.owned, next.owner).add(id);
  placeFree(kept, id);
  if (wasOpen !== isUnfinished(next)) for (const dependent of kept.dependents.get(id) ?? []) openBlockersChanged(kept, dependent, wasOpen ? -1 : 1);
}

function openBlockersChanged(kept: Kept, id: number, delta: number): void {
  const n = (kept.openBlockers.get(id) ?? 0) + delta;
  if (n > 0) kept.openBlockers.set(id, n);
  else kept.openBlockers.delete(id);
  placeFree(kept, id);
}

/** Put the task in its stage's free set, or take it out, by its status and its unfinished blockers. */
function placeFree(kept: Kept, id: number): void {
  const task = kept.tasks.get(id);
  if (!task) return;
  if (task.status === 'pending' && !kept.openBlockers.has(id)) setOf(kept.free, task.stage).add(id);
  else kept.free.get(task.stage)?.delete(id);
}

function setOf<K>(map: Map<K, Set<number>>, key: K): Set<number> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

function isUnfinished(task: ViewTask): boolean {
  return task.status !== 'completed';
}

function count(kept: Kept, task: ViewTask, delta: number): void {
  kept.byStatus.set(task.status, (kept.byStatus.get(task.status) ?? 0) + delta);
  if (task.stage === null) return;
  let stage = kept.byStage.get(task.stage);
  if (!stage) {
    stage = new Map();
    kept.byStage.set(task.stage, stage);
  }
  stage.set(task.status, (stage.get(task.status) ?? 0) + delta);
}

/** Insert into an ascending list (new tasks have the highest ids, so this is nearly always a push). */
function insert(list: number[], id: number): void {
  let at = list.length;
  while (at > 0 && (list[at - 1] as number) > id) at--;
  if (list[at - 1] !== id) list.splice(at, 0, id);
}

function remove(list: number[] | undefined, id: number): void {
  const at = list?.indexOf(id) ?? -1;
  if (list && at >= 0) list.splice(at, 1);
}

function addEdge(kept: Kept, taskId: number, blockedBy: number): void {
  const blockers = setOf(kept.blockers, taskId);
  if (blockers.has(blockedBy)) return;
  blockers.add(blockedBy);
  setOf(kept.dependents, blockedBy).add(taskId);
  const blocker = kept.tasks.get(blockedBy);
  if (blocker && isUnfinished(blocker)) openBlockersChanged(kept, taskId, 1);
}

function closedGates(gates: readonly Gate[]): Map<string, string> {
  const byStage = new Map<string, string>();
  for (const g of gates) {
    if (gateOpen(g)) continue;
    const text = `${describeGate(g)} (${g.status})`;
    const before = byStage.get(g.before);
    byStage.set(g.before, before === undefined ? text : `${before}; ${text}`);
  }
  return byStage;
}

function columns(row: Task): ViewTask {
  return { id: row.id, subject: row.subject, status: row.status, owner: row.owner, role: row.role, stage: row.stage, planRank: row.planRank };
}

function viewOf(kept: Kept): TaskView {
  const earlier = (stage: string | null): string[] => {
    const index = stage === null ? -1 : kept.pipeline.indexOf(stage);
    return index <= 0 ? [] : kept.pipeline.slice(0, index);
  };
  const open = (id: number): boolean => {
    const blocker = kept.tasks.get(id);
    return blocker !== undefined && blocker.status !== 'completed';
  };

  function stageOpen(stage: string | null): boolean {
    if (stage !== null && kept.gates.has(stage)) return false;
    for (const earlierStage of earlier(stage)) if ((kept.unfinished.get(earlierStage)?.length ?? 0) > 0) return false;
    return true;
  }

  function ready(task: ViewTask): boolean {
    return task.status === 'pending' && !kept.openBlockers.has(task.id) && stageOpen(task.stage);
  }

  const byId = (ids: Iterable<number>): ViewTask[] => {
    const out: ViewTask[] = [];
    for (const id of [...ids].sort((a, b) => a - b)) {
      const task = kept.tasks.get(id);
      if (task) out.push(task);
    }
    return out;
  };

  return {
    pipeline: [...kept.pipeline],
    select(keep) {
      const out: ViewTask[] = [];
      for (const task of kept.tasks.values()) if (keep(task)) out.push(task);
      return out;
    },
    counts() {
      const byStatus: BoardCounts['byStatus'] = {};
      for (const [status, n] of kept.byStatus) if (n > 0) byStatus[status] = n;
      const byStage: BoardCounts['byStage'] = {};
      const stages = [...kept.pipeline, ...[...kept.byStage.keys()].filter((s) => !kept.pipeline.includes(s))];
      for (const stage of stages) {
        const counted: Partial<Record<TaskStatus, number>> = {};
        for (const [status, n] of kept.byStage.get(stage) ?? []) if (n > 0) counted[status] = n;
        if (Object.keys(counted).length > 0) byStage[stage] = counted;
      }
      return { total: kept.tasks.size, byStatus, byStage };
    },
    blockedBy(task) {
      if (task.status === 'completed') return [];
      const explicit = [...(kept.blockers.get(task.id) ?? [])].filter(open).sort((a, b) => a - b);
      const shown = new Set(explicit);
      const stageBlockers: number[] = [];
      for (const stage of earlier(task.stage)) {
        for (const id of kept.unfinished.get(stage) ?? []) {
          if (stageBlockers.length >= STAGE_BLOCKERS_SHOWN) break;
          if (!shown.has(id)) stageBlockers.push(id);
        }
      }
      return [...explicit, ...stageBlockers];
    },
    gate(task) {
      return task.status === 'completed' || task.stage === null ? undefined : kept.gates.get(task.stage);
    },
    claimable(task, member, role) {
      if (task.owner !== null && task.owner !== member) return false;
      if (task.role !== null && task.role !== role) return false;
      return ready(task);
    },
    readyTasks() {
      // Stages are barriers: only the free tasks of stages up to the first unfinished one (and of
      // stages outside the pipeline) can be ready, so the rest of the board is never looked at.
      const ids: number[] = [];
      const take = (stage: string | null) => {
        if (stage !== null && kept.gates.has(stage)) return;
        for (const id of kept.free.get(stage) ?? []) ids.push(id);
      };
      for (const stage of kept.pipeline) {
        take(stage);
        if ((kept.unfinished.get(stage)?.length ?? 0) > 0) break;
      }
      for (const stage of kept.free.keys()) if (stage === null || !kept.pipeline.includes(stage)) take(stage);
      return byId(ids).sort(claimOrder);
    },
    owned(member) {
      return byId(kept.owned.get(member) ?? []);
    },
    blocks(id) {
      return [...(kept.dependents.get(id) ?? [])].sort((a, b) => a - b);
    },
    waitsFor(task) {
      if (task.status === 'completed') return [];
      const explicit = [...(kept.blockers.get(task.id) ?? [])].filter(open).sort((a, b) => a - b);
      const shown = new Set(explicit);
      const stageBlockers: number[] = [];
      for (const stage of earlier(task.stage)) for (const id of kept.unfinished.get(stage) ?? []) if (!shown.has(id)) stageBlockers.push(id);
      return [...explicit, ...stageBlockers.sort((a, b) => a - b)];
    },
  };
}
