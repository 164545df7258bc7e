import { and, desc, eq, or, sql } from 'drizzle-orm';
import { events, tasks, type Backend, type GateStatus, type MemberStatus, type QuestionKind, type RunStatus } from '../../db/schema.js';
import { prepared, type Board } from './board.js';
import { lastEventSeq, listEvents, type BoardEvent } from './events.js';
import { describeGate, listGates } from './gates.js';
import { listMembers, runTotals, type RunTotals } from './members.js';
import { listQuestions, payloadOf, type QuestionPayload } from './questions.js';
import { requireRun } from './runs.js';
import { listTasks, type TaskSummary } from './views.js';

/** How many recent events a snapshot carries for the activity feed. */
export const SNAPSHOT_EVENTS = 200;

export interface SnapshotRun {
  id: number;
  team: string;
  status: RunStatus;
  statusReason: string | null;
  backend: Backend;
  seed: number;
  budgetUsd: number | null;
  budgetTokens: number | null;
  pipeline: string[];
  startedAt: number;
  endedAt: number | null;
  /** Time since start (to the end for a finished run), by the board's clock at read time. */
  elapsedMs: number;
}

export interface SnapshotMember {
  name: string;
  agent: string;
  role: string;
  model: string;
  status: MemberStatus;
  currentTask: number | null;
  currentTaskSubject: string | null;
  lastAction: string | null;
  turns: number;
  tokens: number;
  costUsd: number;
  /** The pending question this member asked, if any (what it is waiting on). */
  waitingOn: number | null;
}

export interface SnapshotGate {
  id: number;
  before: string;
  kind: 'metric' | 'approval';
  status: GateStatus;
  description: string;
  detail: string | null;
}

export interface PendingQuestion {
  id: number;
  kind: QuestionKind;
  askedBy: string;
  taskId: number | null;
  gateId: number | null;
  createdAt: number;
  payload: QuestionPayload;
}

/** Tasks as the board shows them: pending (startable), blocked, in progress, done (latest first). */
export interface TaskColumns {
  pending: TaskSummary[];
  blocked: TaskSummary[];
  in_progress: TaskSummary[];
  done: TaskSummary[];
}

export interface BoardSnapshot {
  run: SnapshotRun;
  members: SnapshotMember[];
  tasks: TaskColumns;
  taskCount: number;
  gates: SnapshotGate[];
  questions: PendingQuestion[];
  events: BoardEvent[];
  lastSeq: number;
  totals: RunTotals;
}

/**
 * Everything the live board shows for one run, read in one read transaction so the parts agree.
 * Read-only: it never writes.
 */
export function readSnapshot(board: Board, runId: number, eventLimit = SNAPSHOT_EVENTS): BoardSnapshot {
  const read = board.sqlite.transaction(() => {
    const run = requireRun(board, runId);
    const summaries = listTasks(board, runId);
    const subjects = new Map(summaries.map((t) => [t.id, t.subject]));
    const questions = listQuestions(board, runId, 'pending').map(
      (q): PendingQuestion => ({
        id: q.id,
        kind: q.kind,
        askedBy: q.askedBy,
        taskId: q.taskId,
        gateId: q.gateId,
        createdAt: q.createdAt,
        payload: payloadOf(q),
      }),
    );
    const waiting = new Map<string, number>();
    for (const q of questions) if (!waiting.has(q.askedBy)) waiting.set(q.askedBy, q.id);
    const members = listMembers(board, runId).map(
      (m): SnapshotMember => ({
        name: m.name,
        agent: m.agent,
        role: m.role,
        model: m.model,
        status: m.status,
        currentTask: m.currentTask,
        currentTaskSubject: m.currentTask === null ? null : (subjects.get(m.currentTask) ?? null),
        lastAction: m.lastAction,
        turns: m.turns,
        tokens: m.inputTokens + m.outputTokens + m.cacheReadTokens + m.cacheWriteTokens,
        costUsd: m.costUsd,
        waitingOn: waiting.get(m.name) ?? null,
      }),
    );
    const gates = listGates(board, runId).map(
      (g): SnapshotGate => ({ id: g.id, before: g.before, kind: g.kind, status: g.status, description: describeGate(g), detail: g.detail }),
    );
    const lastSeq = lastEventSeq(board, runId);
    const recent = listEvents(board, runId, Math.max(0, lastSeq - eventLimit), eventLimit);
    return {
      run: {
        id: run.id,
        team: run.team,
        status: run.status,
        statusReason: run.statusReason,
        backend: run.backend,
        seed: run.seed,
        budgetUsd: run.budgetUsd,
        budgetTokens: run.budgetTokens,
        pipeline: run.config.pipeline ?? [],
        startedAt: run.startedAt,
        endedAt: run.endedAt,
        elapsedMs: Math.max(0, (run.endedAt ?? board.now()) - run.startedAt),
      },
      members,
      tasks: groupTasks(summaries, completionOrder(board, runId)),
      taskCount: summaries.length,
      gates,
      questions,
      events: recent,
      lastSeq,
      totals: runTotals(board, runId),
    };
  });
  return read();
}

function groupTasks(summaries: TaskSummary[], completed: number[]): TaskColumns {
  const columns: TaskColumns = { pending: [], blocked: [], in_progress: [], done: [] };
  const done = new Map<number, TaskSummary>();
  for (const task of summaries) {
    if (task.status === 'completed') done.set(task.id, task);
    else if (task.status === 'in_progress') columns.in_progress.push(task);
    else if (task.blockedBy.length > 0 || task.gate !== undefined) columns.blocked.push(task);
    else columns.pending.push(task);
  }
  for (const id of completed) {
    const task = done.get(id);
    if (task) columns.done.push(task);
  }
  return columns;
}

/** Ids of completed tasks, the most recently completed first. */
function completionOrder(board: Board, runId: number): number[] {
  const st = prepared(board, 'snapshot.completed', () =>
    board.db
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(eq(tasks.runId, sql.placeholder('runId')), eq(tasks.status, 'completed')))
      .orderBy(desc(tasks.completedAt), desc(tasks.id))
      .prepare(),
  );
  return st.all({ runId }).map((r) => r.id);
}

/**
 * A cheap token that changes whenever anything on the board may have changed: commits by other
 * connections (data_version), writes through this connection (total_changes) and the run's
 * last event. Poll it and re-read the snapshot only when it differs.
 */
export function boardVersion(board: Board, runId: number): string {
  const st = prepared(board, 'snapshot.version', () => ({
    dataVersion: board.sqlite.prepare('PRAGMA data_version').pluck(),
    totalChanges: board.sqlite.prepare('SELECT total_changes()').pluck(),
  }));
  return `${String(st.dataVersion.get())}.${String(st.totalChanges.get())}.${lastEventSeq(board, runId)}`;
}

/** Events about one task (claims, updates, completions, questions asked for it), oldest first. */
export function readTaskHistory(board: Board, runId: number, taskId: number, limit = 500): BoardEvent[] {
  const st = prepared(board, 'snapshot.taskHistory', () =>
    board.db
      .select()
      .from(events)
      .where(
        and(
          eq(events.runId, sql.placeholder('runId')),
          or(
            sql`json_extract(${events.payload}, '$.taskId') = ${sql.placeholder('taskId')}`,
            sql`(${events.type} = 'task.dependency' AND json_extract(${events.payload}, '$.blockedBy') = ${sql.placeholder('taskId')})`,
          ),
        ),
      )
      .orderBy(desc(events.seq))
      .limit(sql.placeholder('limit'))
      .prepare(),
  );
  return (st.all({ runId, taskId, limit }) as BoardEvent[]).reverse();
}

