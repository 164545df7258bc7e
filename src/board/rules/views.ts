import { describeGate, gateOpen } from '../gates.js';
import type { TaskSummaryRow, Tx } from '../store.js';
import type { Task, TaskDetail, TaskFilter, TaskSummary } from '../types.js';
import { closedGates, earlierStages, openBlockers } from './blockers.js';

/** The cap on stage blockers listed per task: a later stage can wait on hundreds of tasks. */
export const STAGE_BLOCKERS_SHOWN = 10;

/** Every task of a run (or those matching the filter) with its open blockers, computed in bulk. */
export async function listTasks(tx: Tx, runId: number, filter: TaskFilter = {}, rows?: TaskSummaryRow[]): Promise<TaskSummary[]> {
  const all = rows ?? (await tx.listTaskSummaries(runId));
  const [deps, pipeline, gates] = await Promise.all([tx.listDeps(runId), tx.pipelineOf(runId), tx.listGates(runId)]);
  const byId = new Map(all.map((t) => [t.id, t]));
  const blockersOf = new Map<number, number[]>();
  for (const d of deps) {
    const list = blockersOf.get(d.taskId);
    if (list) list.push(d.blockedBy);
    else blockersOf.set(d.taskId, [d.blockedBy]);
  }
  const unfinishedByStage = new Map<string, number[]>();
  for (const t of all) {
    if (t.status === 'completed' || t.stage === null) continue;
    const list = unfinishedByStage.get(t.stage);
    if (list) list.push(t.id);
    else unfinishedByStage.set(t.stage, [t.id]);
  }
  const gateByStage = new Map<string, string>();
  for (const g of gates) {
    if (gateOpen(g)) continue;
    const text = `${describeGate(g)} (${g.status})`;
    const before = gateByStage.get(g.before);
    gateByStage.set(g.before, before === undefined ? text : `${before}; ${text}`);
  }
  const wanted = all.filter((t) => (!filter.status || t.status === filter.status) && (!filter.stage || t.stage === filter.stage) && (!filter.owner || t.owner === filter.owner));
  return wanted.map((t) => {
    const open = (blockersOf.get(t.id) ?? []).filter((b) => byId.get(b)?.status !== 'completed').sort((a, b) => a - b);
    const stageBlockers: number[] = [];
    let stageWaits = 0;
    for (const stage of earlierStages(pipeline, t.stage)) {
      for (const id of unfinishedByStage.get(stage) ?? []) {
        if (open.includes(id)) continue;
        stageWaits++;
        if (stageBlockers.length < STAGE_BLOCKERS_SHOWN) stageBlockers.push(id);
      }
    }
    const summary = toSummary(t, [...open, ...stageBlockers], stageWaits);
    const gate = t.stage === null ? undefined : gateByStage.get(t.stage);
    return gate !== undefined && t.status !== 'completed' ? { ...summary, gate } : summary;
  });
}

export async function getTaskDetail(tx: Tx, runId: number, id: number): Promise<TaskDetail | undefined> {
  const task = await tx.getTask(runId, id);
  if (!task) return undefined;
  const [deps, blockers, gates] = await Promise.all([tx.listDeps(runId), openBlockers(tx, runId, task), closedGates(tx, runId, task.stage)]);
  const summary = toSummary(task, blockers.map((b) => b.id), blockers.filter((b) => b.via === 'stage').length);
  const detail: TaskDetail = {
    ...summary,
    ...(task.metadata.simulated === true ? { simulated: true } : {}),
    description: task.description,
    metadata: task.metadata,
    blocks: deps.filter((d) => d.blockedBy === id).map((d) => d.taskId).sort((a, b) => a - b),
    dependsOn: deps.filter((d) => d.taskId === id).map((d) => d.blockedBy).sort((a, b) => a - b),
    createdBy: task.createdBy,
    key: task.key,
    tokens: task.tokens,
    costUsd: task.costUsd,
    createdAt: task.createdAt,
    startedAt: task.startedAt,
    completedAt: task.completedAt,
  };
  if (gates.length > 0 && task.status !== 'completed') detail.gate = gates.map((g) => `${describeGate(g)} (${g.status})`).join('; ');
  return detail;
}

function toSummary(t: TaskSummaryRow | Task, blockedBy: number[], stageWaits: number): TaskSummary {
  const done = t.status === 'completed';
  return {
    id: t.id,
    subject: t.subject,
    status: t.status,
    owner: t.owner,
    role: t.role,
    stage: t.stage,
    activeForm: t.activeForm,
    attempt: t.attempt,
    blockedBy: done ? [] : blockedBy,
    stageWaits: done ? 0 : stageWaits,
  };
}
