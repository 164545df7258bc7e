import { asc, eq, sql } from 'drizzle-orm';
import { taskDeps, tasks, type JsonObject } from '../../db/schema.js';
import { prepared, type Board } from './board.js';
import { earlierStages, pipelineOf } from './pipeline.js';
import { listDeps, getTask, type Task } from './tasks.js';
import { closedGates, openBlockers } from './blockers.js';
import { describeGate, listGates } from './gates.js';

/** The cap on stage blockers listed per task: a later stage can wait on hundreds of tasks. */
const STAGE_BLOCKERS_SHOWN = 10;

export interface TaskSummary {
  id: number;
  subject: string;
  status: Task['status'];
  owner: string | null;
  role: string | null;
  stage: string | null;
  activeForm: string | null;
  attempt: number;
  blockedBy: number[];
  /** Set when a gate on the task's stage has not passed. */
  gate?: string;
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

type SummaryRow = Pick<Task, 'id' | 'subject' | 'status' | 'owner' | 'role' | 'stage' | 'activeForm' | 'attempt'>;

/** TaskList runs on every member's turn: only the columns a summary needs, with statements prepared once. */
function statements(board: Board) {
  return prepared(board, 'views', () => ({
    summaries: board.db
      .select({
        id: tasks.id,
        subject: tasks.subject,
        status: tasks.status,
        owner: tasks.owner,
        role: tasks.role,
        stage: tasks.stage,
        activeForm: tasks.activeForm,
        attempt: tasks.attempt,
      })
      .from(tasks)
      .where(eq(tasks.runId, sql.placeholder('runId')))
      .orderBy(asc(tasks.id))
      .prepare(),
    deps: board.db
      .select({ taskId: taskDeps.taskId, blockedBy: taskDeps.blockedBy })
      .from(taskDeps)
      .where(eq(taskDeps.runId, sql.placeholder('runId')))
      .prepare(),
  }));
}

/** Every task of a run with its open blockers, computed in bulk (one pass, no per-task queries). */
export function listTasks(board: Board, runId: number): TaskSummary[] {
  const st = statements(board);
  const rows: SummaryRow[] = st.summaries.all({ runId });
  const byId = new Map(rows.map((t) => [t.id, t]));
  const deps = new Map<number, number[]>();
  for (const d of st.deps.all({ runId })) {
    const list = deps.get(d.taskId) ?? [];
    list.push(d.blockedBy);
    deps.set(d.taskId, list);
  }
  const pipeline = pipelineOf(board, runId);
  const unfinishedByStage = new Map<string, number[]>();
  for (const t of rows) {
    if (t.status === 'completed' || t.stage === null) continue;
    const list = unfinishedByStage.get(t.stage) ?? [];
    list.push(t.id);
    unfinishedByStage.set(t.stage, list);
  }
  const gateByStage = new Map<string, string>();
  for (const g of listGates(board, runId)) {
    if (g.status === 'passed' || g.status === 'overridden') continue;
    const text = `${describeGate(g)} (${g.status})`;
    gateByStage.set(g.before, gateByStage.has(g.before) ? `${gateByStage.get(g.before)}; ${text}` : text);
  }
  return rows.map((t) => {
    const open = (deps.get(t.id) ?? []).filter((b) => byId.get(b)?.status !== 'completed').sort((a, b) => a - b);
    const stageBlockers: number[] = [];
    for (const stage of earlierStages(pipeline, t.stage)) {
      for (const id of unfinishedByStage.get(stage) ?? []) {
        if (stageBlockers.length >= STAGE_BLOCKERS_SHOWN) break;
        if (!open.includes(id)) stageBlockers.push(id);
      }
    }
    const summary = toSummary(t, [...open, ...stageBlockers]);
    const gate = t.stage === null ? undefined : gateByStage.get(t.stage);
    return gate !== undefined && t.status !== 'completed' ? { ...summary, gate } : summary;
  });
}

export function getTaskDetail(board: Board, runId: number, id: number): TaskDetail | undefined {
  const task = getTask(board, runId, id);
  if (!task) return undefined;
  const deps = listDeps(board, runId);
  const blockers = openBlockers(board, runId, task).map((b) => b.id);
  const gates = closedGates(board, runId, task.stage);
  const summary = toSummary(task, blockers);
  const detail: TaskDetail = {
    ...summary,
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

function toSummary(t: SummaryRow, blockedBy: number[]): TaskSummary {
  return {
    id: t.id,
    subject: t.subject,
    status: t.status,
    owner: t.owner,
    role: t.role,
    stage: t.stage,
    activeForm: t.activeForm,
    attempt: t.attempt,
    blockedBy: t.status === 'completed' ? [] : blockedBy,
  };
}
