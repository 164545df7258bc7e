import { shownMemberStatus } from '../crashed-run.js';
import { dryRunOf, wasSimulated } from '../dry-run.js';
import { describeGate } from '../gates.js';
import { runState } from '../liveness.js';
import type { BoardSnapshot, OpenQuestion, SnapshotMember, StageProgress, TaskColumns } from '../snapshot.js';
import { emptyFold, foldWork, runClock, type WorkFold } from '../work-time.js';
import type { BoardEvent } from '../events.js';
import type { Tx } from '../store.js';
import type { TaskSummary } from '../types.js';
import { requireRun } from './runs.js';
import { listTasks } from './views.js';

/**
 * Everything the live board shows for one run. Read-only; the caller runs it in one read transaction.
 * `folds` keeps the run's work-time fold between reads (events are only appended), so each read
 * folds only the events that are new.
 */
export async function readSnapshot(tx: Tx, runId: number, eventLimit: number, folds?: Map<number, WorkFold>): Promise<BoardSnapshot> {
  const run = await requireRun(tx, runId);
  const state = runState(run, Date.now());
  const rows = await tx.listTaskRows(runId);
  const summaries = await listTasks(tx, runId, {}, rows);
  const byId = new Map(rows.map((t) => [t.id, t]));
  const replacedBy = new Map<number, number>();
  for (const t of rows) {
    const of = t.metadata.retrain_of;
    if (typeof of === 'number') replacedBy.set(of, t.id);
  }
  const shown = summaries.map((s): TaskSummary => {
    const row = byId.get(s.id);
    const extra: Partial<TaskSummary> = {};
    if (row && wasSimulated(row)) extra.simulated = true;
    const newer = replacedBy.get(s.id);
    if (newer !== undefined) extra.replacedBy = newer;
    return Object.keys(extra).length > 0 ? { ...s, ...extra } : s;
  });
  const subjects = new Map(rows.map((t) => [t.id, t.subject]));
  const questions = (await tx.listQuestions(runId, 'open')).map(
    (q): OpenQuestion => ({ id: q.id, kind: q.kind, askedBy: q.askedBy, taskId: q.taskId, gateId: q.gateId, createdAt: q.createdAt, payload: q.payload }),
  );
  const waiting = new Map<string, number>();
  for (const q of questions) if (!waiting.has(q.askedBy)) waiting.set(q.askedBy, q.id);
  const external = new Set(run.config.members.filter((m) => m.external).map((m) => m.name));
  const members = (await tx.listMembers(runId)).map((m): SnapshotMember => {
    const status = shownMemberStatus(m.status, state);
    // A member stopped by the run's crash is in no step: its step is what the dead process last wrote.
    const step = status === m.status ? { step: m.step, stepAt: m.stepAt } : { step: null, stepAt: null };
    return {
      name: m.name,
      agent: m.agent,
      role: m.role,
      model: m.model,
      status,
      currentTask: m.currentTask,
      currentTaskSubject: m.currentTask === null ? null : (subjects.get(m.currentTask) ?? null),
      lastAction: m.lastAction,
      ...step,
      turns: m.turns,
      tokens: m.inputTokens + m.outputTokens + m.cacheReadTokens + m.cacheWriteTokens,
      costUsd: m.costUsd,
      waitingOn: waiting.get(m.name) ?? null,
      external: external.has(m.name),
    };
  });
  const gates = (await tx.listGates(runId)).map((g) => ({
    id: g.id,
    before: g.before,
    kind: g.kind,
    status: g.status,
    description: describeGate(g),
    detail: g.detail,
    note: g.note,
    decidedBy: g.decidedBy,
  }));
  const lastSeq = await tx.lastEventSeq(runId);
  const events = await tx.listEvents(runId, Math.max(0, lastSeq - eventLimit), eventLimit);
  const now = tx.now();
  const fold = await workFold(tx, runId, lastSeq, events, folds);
  const clock = runClock(run, state, fold, now);
  return {
    run: {
      id: run.id,
      team: run.team,
      status: run.status,
      state,
      statusReason: run.statusReason,
      backend: run.backend,
      seed: run.seed,
      workspace: run.workspace,
      budgetUsd: run.budgetUsd,
      budgetTokens: run.budgetTokens,
      pipeline: run.config.pipeline,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      elapsedMs: Math.max(0, (run.endedAt ?? now) - run.startedAt),
      workMs: clock.workMs,
      ticking: clock.ticking,
      unsandboxed: run.config.unsandboxed === true,
    },
    members,
    tasks: groupTasks(shown, await tx.completionOrder(runId)),
    taskCount: shown.length,
    doneCount: shown.filter((t) => t.status === 'completed').length,
    stages: stageProgress(run.config.pipeline, shown),
    simulatedCount: dryRunOf(shown).simulated,
    gates,
    questions,
    events,
    lastSeq,
    totals: await tx.runTotals(runId),
  };
}

/** The run's work-time fold up to `lastSeq`: carried on from the kept one with the new events only. */
async function workFold(tx: Tx, runId: number, lastSeq: number, recent: BoardEvent[], folds: Map<number, WorkFold> | undefined): Promise<WorkFold> {
  let kept = folds?.get(runId) ?? emptyFold();
  // A board whose events went back (a run made again after its database was lost) is folded afresh.
  if (kept.seq > lastSeq) kept = emptyFold();
  if (kept.seq < lastSeq) {
    const first = recent[0]?.seq ?? lastSeq + 1;
    const newer = first <= kept.seq + 1 ? recent : await tx.listEvents(runId, kept.seq, 1_000_000_000);
    kept = foldWork(kept, newer);
  }
  folds?.set(runId, kept);
  return kept;
}

function groupTasks(summaries: TaskSummary[], completed: number[]): TaskColumns {
  const columns: TaskColumns = { ready: [], blocked: [], in_progress: [], done: [] };
  const done = new Map<number, TaskSummary>();
  for (const task of summaries) {
    if (task.status === 'completed') done.set(task.id, task);
    else if (task.status === 'in_progress') columns.in_progress.push(task);
    else if (task.blockedBy.length > 0 || task.gate !== undefined) columns.blocked.push(task);
    else columns.ready.push(task);
  }
  for (const id of completed) {
    const task = done.get(id);
    if (task) columns.done.push(task);
  }
  return columns;
}

function stageProgress(pipeline: string[], tasks: TaskSummary[]): StageProgress[] {
  return pipeline.map((stage) => {
    const of = tasks.filter((t) => t.stage === stage);
    return { stage, done: of.filter((t) => t.status === 'completed').length, total: of.length };
  });
}
