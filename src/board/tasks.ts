import { and, asc, eq, sql } from 'drizzle-orm';
import { taskDeps, tasks, type Json, type JsonObject, type TaskStatus } from '../../db/schema.js';
import { prepared, transact, type Board } from './board.js';
import { appendEvent } from './events.js';
import { BoardError } from './errors.js';
import { actorName, isPrivileged, type Actor } from './actor.js';
import { closedGates, describeBlocker, describeGates, openBlockers } from './blockers.js';
import { addDependency, checkStageMove } from './deps.js';
import { pipelineOf } from './pipeline.js';
import { getMember } from './members.js';

export type Task = typeof tasks.$inferSelect;

export interface NewTask {
  subject: string;
  description?: string;
  activeForm?: string | null;
  metadata?: JsonObject;
  stage?: string | null;
  role?: string | null;
  key?: string | null;
  owner?: string | null;
  attempt?: number;
  blockedBy?: number[];
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
}

export interface UpdateResult {
  taskId: number;
  updatedFields: string[];
  statusChange?: { from: string; to: string };
}

function statements(board: Board) {
  return prepared(board, 'tasks', () => ({
    get: board.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.runId, sql.placeholder('runId')), eq(tasks.id, sql.placeholder('id'))))
      .prepare(),
    nextId: board.db
      .select({ next: sql<number>`coalesce(max(${tasks.id}), 0) + 1` })
      .from(tasks)
      .where(eq(tasks.runId, sql.placeholder('runId')))
      .prepare(),
    insert: board.db
      .insert(tasks)
      .values({
        runId: sql.placeholder('runId'),
        id: sql.placeholder('id'),
        key: sql.placeholder('key'),
        subject: sql.placeholder('subject'),
        description: sql.placeholder('description'),
        activeForm: sql.placeholder('activeForm'),
        metadata: sql.placeholder('metadata'),
        stage: sql.placeholder('stage'),
        role: sql.placeholder('role'),
        owner: sql.placeholder('owner'),
        createdBy: sql.placeholder('createdBy'),
        attempt: sql.placeholder('attempt'),
        createdAt: sql.placeholder('createdAt'),
        updatedAt: sql.placeholder('updatedAt'),
      })
      .returning()
      .prepare(),
  }));
}

export function getTask(board: Board, runId: number, id: number): Task | undefined {
  return statements(board).get.get({ runId, id });
}

export function requireTask(board: Board, runId: number, id: number): Task {
  const task = getTask(board, runId, id);
  if (!task) {
    throw new BoardError('not_found', `task #${id} does not exist in run ${runId}; use TaskList (or \`team tasks list\`) to see task ids`);
  }
  return task;
}

export function findTaskByKey(board: Board, runId: number, key: string): Task | undefined {
  return board.db
    .select()
    .from(tasks)
    .where(and(eq(tasks.runId, runId), eq(tasks.key, key)))
    .get();
}

export function listTaskRows(board: Board, runId: number): Task[] {
  return board.db.select().from(tasks).where(eq(tasks.runId, runId)).orderBy(asc(tasks.id)).all();
}

export function listDeps(board: Board, runId: number): { taskId: number; blockedBy: number }[] {
  return board.db
    .select({ taskId: taskDeps.taskId, blockedBy: taskDeps.blockedBy })
    .from(taskDeps)
    .where(eq(taskDeps.runId, runId))
    .all();
}

export function createTask(board: Board, runId: number, input: NewTask, actor: Actor): Task {
  const subject = input.subject.trim();
  if (subject === '') throw new BoardError('invalid', 'subject must not be empty; give the task a short imperative title');
  return transact(board, () => {
    const pipeline = pipelineOf(board, runId);
    const stage = input.stage ?? null;
    if (stage !== null && pipeline.length > 0 && !pipeline.includes(stage)) {
      throw new BoardError('invalid', `stage "${stage}" is not in this run's pipeline (${pipeline.join(', ')}); use one of those`);
    }
    const id = statements(board).nextId.get({ runId })?.next ?? 1;
    const now = board.now();
    const task = statements(board).insert.get({
      runId,
      id,
      key: input.key ?? null,
      subject,
      description: input.description ?? '',
      activeForm: input.activeForm ?? null,
      metadata: stripNulls(input.metadata ?? {}),
      stage,
      role: input.role ?? null,
      owner: input.owner ?? null,
      createdBy: actorName(actor),
      attempt: input.attempt ?? 1,
      createdAt: now,
      updatedAt: now,
    }) as Task;
    if (task.owner !== null) checkRole(board, runId, task, task.owner, actor);
    appendEvent(board, runId, actor, 'task.created', {
      taskId: id,
      subject,
      stage,
      role: task.role,
      key: task.key,
      attempt: task.attempt,
    });
    const blockers = input.blockedBy ?? [];
    for (const blocker of blockers) addDependency(board, runId, id, blocker, actor);
    return blockers.length > 0 ? requireTask(board, runId, id) : task;
  });
}

export function updateTask(board: Board, runId: number, id: number, patch: TaskPatch, actor: Actor): UpdateResult {
  return transact(board, () => {
    const task = requireTask(board, runId, id);
    if (patch.status === 'deleted') return deleteTask(board, runId, task, actor);

    const updatedFields: string[] = [];
    const set: Partial<Task> = {};
    let owner = task.owner;

    if (patch.owner !== undefined && patch.owner !== task.owner) {
      if (actor.kind === 'member' && task.owner !== null && task.owner !== actor.name) {
        throw new BoardError('owned', `task #${id} is owned by ${task.owner}; only its owner, a person or the coordinator can reassign it`);
      }
      owner = patch.owner === '' ? null : patch.owner;
      if (owner !== null) checkRole(board, runId, task, owner, actor);
      set.owner = owner;
      updatedFields.push('owner');
    }

    for (const blocker of patch.addBlockedBy ?? []) {
      if (addDependency(board, runId, id, blocker, actor)) pushOnce(updatedFields, 'blockedBy');
    }
    for (const dependent of patch.addBlocks ?? []) {
      if (addDependency(board, runId, dependent, id, actor)) pushOnce(updatedFields, 'blocks');
    }

    if (patch.stage !== undefined && patch.stage !== task.stage) {
      const pipeline = pipelineOf(board, runId);
      if (patch.stage !== null && !pipeline.includes(patch.stage)) {
        throw new BoardError('invalid', `stage "${patch.stage}" is not in this run's pipeline (${pipeline.join(', ')}); use one of those`);
      }
      if (patch.stage !== null) checkStageMove(board, runId, id, patch.stage);
      set.stage = patch.stage;
      updatedFields.push('stage');
    }
    if (patch.role !== undefined && patch.role !== task.role) {
      set.role = patch.role;
      updatedFields.push('role');
    }

    let statusChange: UpdateResult['statusChange'];
    if (patch.status !== undefined && patch.status !== task.status) {
      // applyStatus sees the owner before this update; the requested one is `owner`.
      owner = applyStatus(board, runId, { ...task, ...set, owner: task.owner }, patch.status, owner, actor, set);
      statusChange = { from: task.status, to: patch.status };
      updatedFields.push('status');
      if (owner !== task.owner) pushOnce(updatedFields, 'owner');
    } else if (patch.status === 'in_progress' && task.owner !== (actor.kind === 'member' ? actor.name : task.owner)) {
      throw new BoardError('owned', `task #${id} is already in progress, owned by ${task.owner ?? 'nobody'}; pick another task from TaskList`);
    }

    if (patch.subject !== undefined && patch.subject !== task.subject) {
      if (patch.subject.trim() === '') throw new BoardError('invalid', 'subject must not be empty');
      set.subject = patch.subject;
      updatedFields.push('subject');
    }
    if (patch.description !== undefined && patch.description !== task.description) {
      set.description = patch.description;
      updatedFields.push('description');
    }
    if (patch.activeForm !== undefined && patch.activeForm !== task.activeForm) {
      set.activeForm = patch.activeForm;
      updatedFields.push('activeForm');
    }
    if (patch.metadata !== undefined && Object.keys(patch.metadata).length > 0) {
      set.metadata = mergeMetadata(task.metadata, patch.metadata);
      updatedFields.push('metadata');
    }

    if (Object.keys(set).length > 0) {
      set.updatedAt = board.now();
      writeTask(board, runId, id, set);
    }
    emitUpdate(board, runId, task, set, updatedFields, statusChange, actor, patch);
    return statusChange ? { taskId: id, updatedFields, statusChange } : { taskId: id, updatedFields };
  });
}

/** UPDATE the given columns of one task, with a statement prepared once per set of columns. */
function writeTask(board: Board, runId: number, id: number, set: Partial<Task>): void {
  const columns = Object.keys(set).sort() as (keyof Task)[];
  const statement = prepared(board, `tasks.write:${columns.join(',')}`, () =>
    board.db
      .update(tasks)
      .set(Object.fromEntries(columns.map((c) => [c, sql.placeholder(c)])) as Partial<Task>)
      .where(and(eq(tasks.runId, sql.placeholder('runId')), eq(tasks.id, sql.placeholder('id'))))
      .prepare(),
  );
  statement.run({ ...set, runId, id });
}

/** The fast path for "claim this task": the same rules as updateTask, in one transaction. */
export function claimTask(board: Board, runId: number, id: number, actor: Actor & { kind: 'member' }): UpdateResult {
  return updateTask(board, runId, id, { status: 'in_progress' }, actor);
}

function applyStatus(
  board: Board,
  runId: number,
  task: Task,
  to: TaskStatus,
  owner: string | null,
  actor: Actor,
  set: Partial<Task>,
): string | null {
  const now = board.now();
  if (to === 'in_progress') {
    if (task.status === 'completed' && !isPrivileged(actor)) {
      throw new BoardError('state', `task #${task.id} is already completed; create a new task for follow-up work`);
    }
    if (actor.kind === 'member') {
      if (task.owner !== null && task.owner !== actor.name) {
        throw new BoardError('owned', `task #${task.id} is owned by ${task.owner}; pick another task from TaskList`);
      }
      if (owner !== null && owner !== actor.name) {
        throw new BoardError('owned', `a member can only start a task for itself; leave owner empty or set it to "${actor.name}"`);
      }
      owner = actor.name;
    }
    if (owner !== null) checkRole(board, runId, task, owner, actor);
    requireUnblocked(board, runId, task, 'start');
    set.status = 'in_progress';
    set.owner = owner;
    set.startedAt = now;
    return owner;
  }
  if (to === 'completed') {
    if (actor.kind === 'member') {
      if (task.owner !== null && task.owner !== actor.name) {
        throw new BoardError('not_owner', `task #${task.id} is owned by ${task.owner}; only its owner can complete it`);
      }
      owner = actor.name;
    }
    if (task.status === 'pending' && actor.kind !== 'coordinator') requireUnblocked(board, runId, task, 'complete');
    set.status = 'completed';
    set.owner = owner;
    set.completedAt = now;
    return owner;
  }
  if (actor.kind === 'member' && task.owner !== null && task.owner !== actor.name) {
    throw new BoardError('not_owner', `task #${task.id} is owned by ${task.owner}; only its owner can put it back to pending`);
  }
  set.status = 'pending';
  set.startedAt = null;
  set.completedAt = null;
  if (actor.kind === 'member') set.owner = null;
  return set.owner === undefined ? owner : set.owner;
}

function requireUnblocked(board: Board, runId: number, task: Task, verb: 'start' | 'complete'): void {
  const blockers = openBlockers(board, runId, task);
  if (blockers.length > 0) {
    const shown = blockers.slice(0, 8).map(describeBlocker).join(', ');
    const more = blockers.length > 8 ? ` and ${blockers.length - 8} more` : '';
    throw new BoardError('blocked', `cannot ${verb} task #${task.id}: blocked by ${shown}${more}. Wait for them to be completed, or pick another task`);
  }
  const gates = closedGates(board, runId, task.stage);
  if (gates.length > 0) {
    throw new BoardError('gated', `cannot ${verb} task #${task.id}: stage ${task.stage} is gated by ${describeGates(gates)}. Wait for the gate to pass`);
  }
}

function checkRole(board: Board, runId: number, task: Task, owner: string, actor: Actor): void {
  if (task.role === null) return;
  const role = actor.kind === 'member' && actor.name === owner ? actor.role : getMember(board, runId, owner)?.role;
  if (role === task.role) return;
  if (role === undefined) {
    throw new BoardError('role', `task #${task.id} is for role ${task.role}, and ${owner} is not a member of run ${runId}; assign it to a ${task.role}`);
  }
  throw new BoardError('role', `task #${task.id} is for role ${task.role}; ${owner} ${role === null ? 'has no role' : `has the role ${role}`} and cannot take it`);
}

function deleteTask(board: Board, runId: number, task: Task, actor: Actor): UpdateResult {
  if (actor.kind === 'member' && task.owner !== null && task.owner !== actor.name) {
    throw new BoardError('not_owner', `task #${task.id} is owned by ${task.owner}; only its owner can delete it`);
  }
  board.db
    .delete(taskDeps)
    .where(and(eq(taskDeps.runId, runId), sql`(${taskDeps.taskId} = ${task.id} OR ${taskDeps.blockedBy} = ${task.id})`))
    .run();
  board.db
    .delete(tasks)
    .where(and(eq(tasks.runId, runId), eq(tasks.id, task.id)))
    .run();
  appendEvent(board, runId, actor, 'task.deleted', { taskId: task.id, subject: task.subject });
  return { taskId: task.id, updatedFields: ['deleted'], statusChange: { from: task.status, to: 'deleted' } };
}

function emitUpdate(
  board: Board,
  runId: number,
  before: Task,
  set: Partial<Task>,
  fields: string[],
  statusChange: UpdateResult['statusChange'],
  actor: Actor,
  patch: TaskPatch,
): void {
  const base = { taskId: before.id, subject: set.subject ?? before.subject };
  if (statusChange?.to === 'in_progress') {
    appendEvent(board, runId, actor, 'task.claimed', { ...base, owner: set.owner ?? null, attempt: before.attempt });
  } else if (statusChange?.to === 'completed') {
    appendEvent(board, runId, actor, 'task.completed', { ...base, owner: set.owner ?? null });
  } else if (statusChange?.to === 'pending') {
    appendEvent(board, runId, actor, 'task.released', { ...base, from: statusChange.from });
  }
  // task.claimed and task.completed already carry the owner.
  const ownerShown = statusChange?.to === 'in_progress' || statusChange?.to === 'completed';
  const rest = fields.filter((f) => f !== 'status' && f !== 'blockedBy' && f !== 'blocks' && !(ownerShown && f === 'owner'));
  if (rest.length === 0) return;
  const payload: JsonObject = { ...base, fields: rest };
  if (rest.includes('metadata') && patch.metadata) payload.metadata = patch.metadata as JsonObject;
  if (rest.includes('owner')) payload.owner = set.owner ?? null;
  appendEvent(board, runId, actor, 'task.updated', payload);
}

export function mergeMetadata(current: JsonObject, patch: Record<string, Json | undefined>): JsonObject {
  const next: JsonObject = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete next[key];
    else next[key] = value;
  }
  return next;
}

function stripNulls(metadata: JsonObject): JsonObject {
  return mergeMetadata({}, metadata);
}

function pushOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** Give a task back to the pool after its owner died: pending, no owner, attempt + 1, with a note. */
export function releaseTask(board: Board, runId: number, id: number, note: string, actor: Actor): void {
  transact(board, () => {
    const task = requireTask(board, runId, id);
    if (task.status !== 'in_progress') return;
    const notes = Array.isArray(task.metadata.notes) ? task.metadata.notes : [];
    board.db
      .update(tasks)
      .set({
        status: 'pending',
        owner: null,
        startedAt: null,
        attempt: task.attempt + 1,
        metadata: { ...task.metadata, notes: [...notes, note] },
        updatedAt: board.now(),
      })
      .where(and(eq(tasks.runId, runId), eq(tasks.id, id)))
      .run();
    appendEvent(board, runId, actor, 'task.released', { taskId: id, subject: task.subject, from: 'in_progress', owner: task.owner, attempt: task.attempt + 1, note });
  });
}

/** Asked after every turn of every member (its current task), so prepared once. */
export function tasksOwnedBy(board: Board, runId: number, owner: string): Task[] {
  return prepared(board, 'tasks.ownedBy', () =>
    board.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.runId, sql.placeholder('runId')), eq(tasks.owner, sql.placeholder('owner')), eq(tasks.status, 'in_progress')))
      .orderBy(asc(tasks.id))
      .prepare(),
  ).all({ runId, owner });
}
