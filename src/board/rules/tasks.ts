import { actorName, isPrivileged, type Actor, type MemberActor } from '../actor.js';
import { claimOrder } from '../claim-order.js';
import { BoardError } from '../errors.js';
import { checkJsonSize, checkLength, LIMITS } from '../limits.js';
import type { Tx } from '../store.js';
import type { Json, JsonObject, Member, NewTask, Task, TaskPatch, TaskStatus, UpdateResult } from '../types.js';
import { closedGates, describeBlocker, describeGates, openBlockers } from './blockers.js';
import { addDependencies, checkStageMove } from './deps.js';
import { listTasks } from './views.js';

export async function requireTask(tx: Tx, runId: number, id: number, lock = false): Promise<Task> {
  const task = await tx.getTask(runId, id, lock);
  if (!task) {
    throw new BoardError('not_found', `task #${id} does not exist in run ${runId}; use TaskList (or \`team tasks list\`) to see task ids`);
  }
  return task;
}

function checkText(input: { subject?: string; description?: string; activeForm?: string | null }): void {
  if (input.subject !== undefined) checkLength('subject', input.subject, LIMITS.subject, 'keep the subject a short imperative title and put details in the description');
  if (input.description !== undefined) checkLength('description', input.description, LIMITS.description, 'put long material in a workspace file and name the file in the description');
  if (input.activeForm) checkLength('activeForm', input.activeForm, LIMITS.activeForm, 'keep it a short phrase like "Training the model"');
}

async function checkStage(tx: Tx, runId: number, stage: string | null): Promise<void> {
  if (stage === null) return;
  const pipeline = await tx.pipelineOf(runId);
  if (pipeline.length > 0 && !pipeline.includes(stage)) {
    throw new BoardError('invalid', `stage "${stage}" is not in this run's pipeline (${pipeline.join(', ')}); use one of those`);
  }
}

/** A role must be one that a member of the run has (a run without members, an ad-hoc board, takes any). */
async function checkRoleExists(tx: Tx, runId: number, role: string | null): Promise<void> {
  if (role === null) return;
  const members = await tx.listMembers(runId);
  if (members.length === 0 || members.some((m) => m.role === role)) return;
  const roles = [...new Set(members.map((m) => m.role))].sort();
  throw new BoardError('invalid', `no member of run ${runId} has the role "${role}"; use one of: ${roles.join(', ')} (or leave role empty for anyone)`);
}

export async function createTask(tx: Tx, runId: number, input: NewTask, actor: Actor): Promise<Task> {
  await tx.lockRun(runId, 'exclusive');
  await requireOpenRun(tx, runId);
  const task = await insertTask(tx, runId, input, actor);
  const blockers = input.blockedBy ?? [];
  if (blockers.length === 0) return task;
  await addDependencies(tx, runId, blockers.map((b) => ({ taskId: task.id, blockedBy: b })), actor);
  return task;
}

/** Many tasks in one transaction; blockers given by index into `inputs` or as existing ids; cycles checked once. */
export async function createTasks(tx: Tx, runId: number, inputs: (NewTask & { blockedByIndex?: number[] })[], actor: Actor): Promise<Task[]> {
  await tx.lockRun(runId, 'exclusive');
  await requireOpenRun(tx, runId);
  const created: Task[] = [];
  for (const input of inputs) created.push(await insertTask(tx, runId, input, actor));
  const edges = inputs.flatMap((input, i) => {
    const id = (created[i] as Task).id;
    const byIndex = (input.blockedByIndex ?? []).map((j) => {
      const blocker = created[j];
      if (!blocker) throw new BoardError('invalid', `task ${i + 1} of the batch names blocker ${j + 1}, which is not in the batch`);
      return { taskId: id, blockedBy: blocker.id };
    });
    return [...byIndex, ...(input.blockedBy ?? []).map((b) => ({ taskId: id, blockedBy: b }))];
  });
  if (edges.length > 0) await addDependencies(tx, runId, edges, actor);
  return created;
}

/** A completed run is over: a task added to it would never run, and the run would read "12/13" for good. */
async function requireOpenRun(tx: Tx, runId: number): Promise<void> {
  const run = await tx.getRun(runId);
  if (run?.status !== 'completed') return;
  throw new BoardError('state', `run ${runId} is completed, so no task can be added to it; start a new run with \`team start ${run.team}\``);
}

async function insertTask(tx: Tx, runId: number, input: NewTask, actor: Actor): Promise<Task> {
  const subject = input.subject.trim();
  if (subject === '') throw new BoardError('invalid', 'subject must not be empty; give the task a short imperative title');
  checkText({ ...input, subject });
  const metadata = stripNulls(input.metadata ?? {});
  checkJsonSize('metadata', metadata, LIMITS.metadata, 'record results in a workspace file and put its path in metadata');
  const planRank = input.planRank ?? null;
  if (planRank !== null && (!Number.isSafeInteger(planRank) || planRank < 1)) {
    throw new BoardError('invalid', `planRank ${planRank} is not a place in a planned order; give a whole number from 1, or none`);
  }
  const stage = input.stage ?? null;
  await checkStage(tx, runId, stage);
  await checkRoleExists(tx, runId, input.role ?? null);
  const now = tx.now();
  const task: Task = {
    runId,
    id: await tx.nextTaskId(runId),
    key: input.key ?? null,
    subject,
    description: input.description ?? '',
    activeForm: input.activeForm ?? null,
    status: 'pending',
    owner: input.owner ?? null,
    role: input.role ?? null,
    stage,
    metadata,
    sim: input.sim ?? null,
    createdBy: actorName(actor),
    attempt: input.attempt ?? 1,
    tokens: 0,
    costUsd: 0,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    completedAt: null,
    planRank,
  };
  if (task.owner !== null) await checkOwner(tx, runId, task, task.owner, actor);
  if (task.key !== null && (await tx.findTaskByKey(runId, task.key))) {
    throw new BoardError('invalid', `a task with the key "${task.key}" already exists in run ${runId}; keys are unique`);
  }
  await tx.insertTask(task);
  await tx.appendEvent(runId, actorName(actor), {
    type: 'task.created',
    payload: { taskId: task.id, subject, stage, role: task.role, key: task.key, attempt: task.attempt },
  });
  return task;
}

export async function updateTask(tx: Tx, runId: number, id: number, patch: TaskPatch, actor: Actor): Promise<UpdateResult> {
  const structural = patch.addBlockedBy?.length || patch.addBlocks?.length || patch.stage !== undefined || patch.status === 'deleted' || patch.status === 'pending';
  await tx.lockRun(runId, structural ? 'exclusive' : 'shared');
  const task = await requireTask(tx, runId, id, true);
  if (patch.status === 'deleted') return deleteTask(tx, runId, task, actor);
  checkText(patch);
  if (actor.kind === 'member') checkEditor(task, patch, actor);

  const updatedFields: string[] = [];
  const set: Partial<Task> = {};
  let owner = task.owner;

  if (patch.owner !== undefined && patch.owner !== task.owner && !(patch.owner === '' && task.owner === null)) {
    const next = patch.owner === '' ? null : patch.owner;
    checkReassign(task, next, actor, patch.reassign === true);
    owner = next;
    if (owner !== null) await checkOwner(tx, runId, task, owner, actor);
    set.owner = owner;
    updatedFields.push('owner');
  }

  const edges = [
    ...(patch.addBlockedBy ?? []).map((b) => ({ taskId: id, blockedBy: b })),
    ...(patch.addBlocks ?? []).map((d) => ({ taskId: d, blockedBy: id })),
  ];
  if (edges.length > 0) {
    const added = await addDependencies(tx, runId, edges, actor);
    if (added.some((e) => e.taskId === id)) updatedFields.push('blockedBy');
    if (added.some((e) => e.blockedBy === id)) updatedFields.push('blocks');
  }

  if (patch.stage !== undefined && patch.stage !== task.stage) {
    const pipeline = await tx.pipelineOf(runId);
    if (patch.stage !== null && !pipeline.includes(patch.stage)) {
      throw new BoardError('invalid', `stage "${patch.stage}" is not in this run's pipeline (${pipeline.join(', ')}); use one of those`);
    }
    if (patch.stage !== null) await checkStageMove(tx, runId, id, patch.stage);
    set.stage = patch.stage;
    updatedFields.push('stage');
  }
  if (patch.role !== undefined && patch.role !== task.role) {
    await checkRoleExists(tx, runId, patch.role);
    set.role = patch.role;
    updatedFields.push('role');
  }

  let statusChange: UpdateResult['statusChange'];
  if (patch.status !== undefined && patch.status !== task.status) {
    // The status rules see the owner before this update; the requested one is `owner`.
    owner = await applyStatus(tx, runId, { ...task, ...set, owner: task.owner }, patch.status, owner, actor, set);
    statusChange = { from: task.status, to: patch.status };
    updatedFields.push('status');
    if (owner !== task.owner && !updatedFields.includes('owner')) updatedFields.push('owner');
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
    checkJsonSize('metadata', set.metadata, LIMITS.metadata, 'record results in a workspace file and put its path in metadata');
    updatedFields.push('metadata');
  }

  if (Object.keys(set).length > 0) {
    set.updatedAt = tx.now();
    await tx.updateTask(runId, id, set);
  }
  await emitUpdate(tx, runId, task, set, updatedFields, statusChange, actor, patch);
  return statusChange ? { taskId: id, updatedFields, statusChange } : { taskId: id, updatedFields };
}

/**
 * A member edits the text and metadata of its own tasks and of open ones nobody owns: another
 * member's task, or a finished one, holds results (metrics a gate reads) that only its owner, a
 * person or the coordinator may change.
 */
function checkEditor(task: Task, patch: TaskPatch, actor: MemberActor): void {
  if (task.owner === actor.name) return;
  const edited = [
    patch.subject !== undefined && patch.subject !== task.subject ? 'subject' : null,
    patch.description !== undefined && patch.description !== task.description ? 'description' : null,
    patch.activeForm !== undefined && patch.activeForm !== task.activeForm ? 'activeForm' : null,
    patch.metadata !== undefined && Object.keys(patch.metadata).length > 0 ? 'metadata' : null,
  ].filter((field): field is string => field !== null);
  if (edited.length === 0) return;
  const what = edited.join(', ');
  if (task.owner !== null) {
    throw new BoardError('not_owner', `task #${task.id} is owned by ${task.owner}; only its owner, a person or the coordinator can change its ${what}. Send ${task.owner} a message (SendMessage) instead`);
  }
  if (task.status === 'completed') {
    throw new BoardError('state', `task #${task.id} is completed; only a person or the coordinator can change its ${what}. Create a new task for follow-up work`);
  }
}

/** A person may not silently take a task someone owns: they say so with --reassign. */
function checkReassign(task: Task, next: string | null, actor: Actor, reassign: boolean): void {
  if (task.owner === null || next === task.owner) return;
  if (actor.kind === 'member') {
    if (task.owner !== actor.name) {
      throw new BoardError('owned', `task #${task.id} is owned by ${task.owner}; only its owner, a person or the coordinator can reassign it`);
    }
    return;
  }
  if (actor.kind === 'human' && !reassign) {
    const state = task.status === 'in_progress' ? 'in progress, owned by' : 'owned by';
    throw new BoardError('owned', `task #${task.id} is ${state} ${task.owner}; pass --reassign to take it from ${task.owner}`);
  }
}

async function applyStatus(tx: Tx, runId: number, task: Task, to: TaskStatus, owner: string | null, actor: Actor, set: Partial<Task>): Promise<string | null> {
  const now = tx.now();
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
    if (owner !== null) await checkOwner(tx, runId, task, owner, actor);
    await requireUnblocked(tx, runId, task, 'start');
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
      // Completing a task nobody owns takes it first: the task's role holds as for a claim.
      if (task.owner === null) await checkOwner(tx, runId, task, actor.name, actor);
      owner = actor.name;
    }
    if (task.status === 'pending' && actor.kind !== 'coordinator') await requireUnblocked(tx, runId, task, 'complete');
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

async function requireUnblocked(tx: Tx, runId: number, task: Task, verb: 'start' | 'complete'): Promise<void> {
  const blockers = await openBlockers(tx, runId, task);
  if (blockers.length > 0) {
    const shown = blockers.slice(0, 8).map(describeBlocker).join(', ');
    const more = blockers.length > 8 ? ` and ${blockers.length - 8} more` : '';
    throw new BoardError('blocked', `cannot ${verb} task #${task.id}: blocked by ${shown}${more}. Wait for them to be completed, or pick another task`);
  }
  const gates = await closedGates(tx, runId, task.stage);
  if (gates.length > 0) {
    throw new BoardError('gated', `cannot ${verb} task #${task.id}: stage ${task.stage} is gated by ${describeGates(gates)}. Wait for the gate to pass`);
  }
}

/** An owner must be a member of the run (any name on a board without members), with the task's role if it has one. */
async function checkOwner(tx: Tx, runId: number, task: Pick<Task, 'id' | 'role'>, owner: string, actor: Actor): Promise<void> {
  const member: Pick<Member, 'role'> | undefined = actor.kind === 'member' && actor.name === owner ? { role: actor.role ?? '' } : await tx.getMember(runId, owner);
  if (member === undefined) {
    const members = await tx.listMembers(runId);
    if (members.length === 0 && task.role === null) return;
    if (task.role !== null) {
      throw new BoardError('role', `task #${task.id} is for role ${task.role}, and ${owner} is not a member of run ${runId}; assign it to a ${task.role}`);
    }
    throw new BoardError('invalid', `${owner} is not a member of run ${runId}; assign the task to one of: ${members.map((m) => m.name).join(', ')}`);
  }
  if (task.role === null || member.role === task.role) return;
  throw new BoardError('role', `task #${task.id} is for role ${task.role}; ${owner} ${member.role === '' ? 'has no role' : `has the role ${member.role}`} and cannot take it`);
}

async function deleteTask(tx: Tx, runId: number, task: Task, actor: Actor): Promise<UpdateResult> {
  if (actor.kind === 'member') {
    if (task.owner !== null && task.owner !== actor.name) {
      throw new BoardError('not_owner', `task #${task.id} is owned by ${task.owner}; only its owner can delete it`);
    }
    if (task.owner === null && task.role !== null && task.role !== actor.role) {
      throw new BoardError('role', `task #${task.id} is for role ${task.role}; ${actor.name} has the role ${actor.role ?? 'none'} and cannot delete it`);
    }
  }
  await tx.deleteTask(runId, task.id);
  await tx.appendEvent(runId, actorName(actor), { type: 'task.deleted', payload: { taskId: task.id, subject: task.subject } });
  return { taskId: task.id, updatedFields: ['deleted'], statusChange: { from: task.status, to: 'deleted' } };
}

async function emitUpdate(
  tx: Tx,
  runId: number,
  before: Task,
  set: Partial<Task>,
  fields: string[],
  statusChange: UpdateResult['statusChange'],
  actor: Actor,
  patch: TaskPatch,
): Promise<void> {
  const who = actorName(actor);
  const base = { taskId: before.id, subject: set.subject ?? before.subject };
  if (statusChange?.to === 'in_progress') {
    await tx.appendEvent(runId, who, { type: 'task.claimed', payload: { ...base, owner: set.owner ?? null, attempt: before.attempt } });
  } else if (statusChange?.to === 'completed') {
    // A member that completes a task nobody owned took it first: the log shows who, and which attempt.
    if (actor.kind === 'member' && before.owner === null) {
      await tx.appendEvent(runId, who, { type: 'task.claimed', payload: { ...base, owner: actor.name, attempt: before.attempt } });
    }
    const simulated = set.metadata?.simulated === true || (set.metadata === undefined && before.metadata.simulated === true);
    await tx.appendEvent(runId, who, { type: 'task.completed', payload: { ...base, owner: set.owner ?? null, ...(simulated ? { simulated } : {}) } });
  } else if (statusChange?.to === 'pending') {
    await tx.appendEvent(runId, who, { type: 'task.released', payload: { ...base, from: statusChange.from } });
  }
  // task.claimed and task.completed already carry the owner.
  const ownerShown = statusChange?.to === 'in_progress' || statusChange?.to === 'completed';
  const rest = fields.filter((f) => f !== 'status' && f !== 'blockedBy' && f !== 'blocks' && !(ownerShown && f === 'owner'));
  if (rest.length === 0) return;
  const metadata = rest.includes('metadata') && patch.metadata ? definedOnly(patch.metadata) : undefined;
  await tx.appendEvent(runId, who, {
    type: 'task.updated',
    payload: { ...base, fields: rest, ...(metadata ? { metadata } : {}), ...(rest.includes('owner') ? { owner: set.owner ?? null } : {}) },
  });
}

export function mergeMetadata(current: JsonObject, patch: Record<string, Json | undefined>): JsonObject {
  const next: JsonObject = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete next[key];
    else next[key] = value;
  }
  return next;
}

function definedOnly(patch: Record<string, Json | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(patch)) out[key] = value === undefined ? null : value;
  return out;
}

function stripNulls(metadata: JsonObject): JsonObject {
  return mergeMetadata({}, metadata);
}

/** Give a task back to the pool after its owner died or was stopped: pending, no owner, attempt + 1, with a note. */
export async function releaseTask(tx: Tx, runId: number, id: number, note: string, actor: Actor): Promise<void> {
  await tx.lockRun(runId, 'exclusive');
  const task = await requireTask(tx, runId, id, true);
  if (task.status !== 'in_progress') return;
  const notes = Array.isArray(task.metadata.notes) ? task.metadata.notes : [];
  await tx.updateTask(runId, id, {
    status: 'pending',
    owner: null,
    startedAt: null,
    attempt: task.attempt + 1,
    metadata: { ...task.metadata, notes: [...notes, note] },
    updatedAt: tx.now(),
  });
  await tx.appendEvent(runId, actorName(actor), {
    type: 'task.released',
    payload: { taskId: id, subject: task.subject, from: 'in_progress', owner: task.owner, attempt: task.attempt + 1, note },
  });
}

/** The first task the member may take now in the claim order (planned order, then lowest id), claimed in this transaction; null when there is none. */
export async function claimNext(tx: Tx, runId: number, actor: MemberActor): Promise<Task | null> {
  await tx.lockRun(runId, 'shared');
  const rows = await tx.listTaskSummaries(runId);
  const rank = new Map(rows.map((t) => [t.id, t.planRank]));
  const candidates = (await listTasks(tx, runId, { status: 'pending' }, rows))
    .filter((t) => (t.owner === null || t.owner === actor.name) && (t.role === null || t.role === actor.role) && t.blockedBy.length === 0 && t.gate === undefined)
    .map((t) => ({ id: t.id, planRank: rank.get(t.id) ?? null }))
    .sort(claimOrder);
  for (const candidate of candidates) {
    const row = await tx.getTask(runId, candidate.id, 'skip');
    if (!row || row.status !== 'pending' || (row.owner !== null && row.owner !== actor.name)) continue;
    await updateTask(tx, runId, row.id, { status: 'in_progress' }, actor);
    return (await tx.getTask(runId, row.id)) ?? null;
  }
  return null;
}
