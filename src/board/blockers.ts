import { and, eq, ne, notInArray, sql } from 'drizzle-orm';
import { gates, taskDeps, tasks } from '../../db/schema.js';
import { prepared, type Board } from './board.js';
import { earlierStages, pipelineOf } from './pipeline.js';
import type { Gate } from './gates.js';
import { describeGate } from './gates.js';

export interface OpenBlocker {
  id: number;
  subject: string;
  status: string;
  owner: string | null;
  /** 'dependency' for an explicit blockedBy edge, 'stage' for an unfinished task of an earlier stage. */
  via: 'dependency' | 'stage';
  stage: string | null;
}

function statements(board: Board) {
  return prepared(board, 'blockers', () => ({
    explicit: board.db
      .select({ id: tasks.id, subject: tasks.subject, status: tasks.status, owner: tasks.owner, stage: tasks.stage })
      .from(taskDeps)
      .innerJoin(tasks, and(eq(tasks.runId, taskDeps.runId), eq(tasks.id, taskDeps.blockedBy)))
      .where(
        and(
          eq(taskDeps.runId, sql.placeholder('runId')),
          eq(taskDeps.taskId, sql.placeholder('taskId')),
          ne(tasks.status, 'completed'),
        ),
      )
      // The dependency key's order: ordering by tasks.id would make SQLite walk every task of the run.
      .orderBy(taskDeps.blockedBy)
      .prepare(),
    // Unfinished as `status IN (...)` and no ORDER BY, so SQLite can use an index instead of scanning the run.
    stage: board.db
      .select({ id: tasks.id, subject: tasks.subject, status: tasks.status, owner: tasks.owner, stage: tasks.stage })
      .from(tasks)
      .where(
        and(
          eq(tasks.runId, sql.placeholder('runId')),
          sql`${tasks.stage} IN (SELECT value FROM json_each(${sql.placeholder('stages')}))`,
          sql`${tasks.status} IN ('pending', 'in_progress')`,
        ),
      )
      .prepare(),
    gates: board.db
      .select()
      .from(gates)
      .where(
        and(
          eq(gates.runId, sql.placeholder('runId')),
          eq(gates.before, sql.placeholder('stage')),
          notInArray(gates.status, ['passed', 'overridden']),
        ),
      )
      .orderBy(gates.id)
      .prepare(),
  }));
}

/** Every unfinished task that keeps this one from starting: explicit blockers first, then earlier stages. */
export function openBlockers(board: Board, runId: number, task: { id: number; stage: string | null }): OpenBlocker[] {
  const st = statements(board);
  const result: OpenBlocker[] = st.explicit.all({ runId, taskId: task.id }).map((b) => ({ ...b, via: 'dependency' as const }));
  const stages = earlierStages(pipelineOf(board, runId), task.stage);
  if (stages.length === 0) return result;
  const seen = new Set(result.map((b) => b.id));
  for (const b of st.stage.all({ runId, stages: JSON.stringify(stages) }).sort((x, y) => x.id - y.id)) {
    if (!seen.has(b.id)) result.push({ ...b, via: 'stage' });
  }
  return result;
}

/** Gates guarding the task's stage that have not passed. */
export function closedGates(board: Board, runId: number, stage: string | null): Gate[] {
  if (stage === null) return [];
  return statements(board).gates.all({ runId, stage });
}

export function describeBlocker(b: OpenBlocker): string {
  const who = b.owner ? `owned by ${b.owner}` : 'no owner yet';
  const why = b.via === 'stage' ? `, earlier stage ${b.stage}` : '';
  return `#${b.id} "${b.subject}" (${b.status.replace('_', ' ')}, ${who}${why})`;
}

export function describeGates(list: Gate[]): string {
  return list.map((g) => `${describeGate(g)} [${g.status}]`).join('; ');
}
