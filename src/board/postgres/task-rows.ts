import { getTableColumns } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { tasks } from '../../../db/postgres/schema.js';
import type { JsonObject, SimScript, Task, TaskStatus } from '../types.js';
import { columnLiteral, integerLiteral } from './literal.js';

/**
 * Task rows as plain SQL, so they can go in one batch with other statements: a row locked by id
 * (with BEGIN and the run's lock; the columns as the server sends them, mapped as drizzle maps them
 * for its own reads), and an update of one task (with COMMIT).
 */
export const TASK_FOR_UPDATE = 'SELECT * FROM tasks WHERE run_id = $1 AND id = $2 FOR UPDATE';
export const TASK_SKIP_LOCKED = 'SELECT * FROM tasks WHERE run_id = $1 AND id = $2 FOR UPDATE SKIP LOCKED';

/** bigint columns arrive as text (node-postgres keeps 64-bit integers exact); the rest as their JS types. */
type Big = string | number;

export interface RawTask {
  run_id: number;
  id: number;
  key: string | null;
  subject: string;
  description: string;
  active_form: string | null;
  status: TaskStatus;
  owner: string | null;
  role: string | null;
  stage: string | null;
  metadata: JsonObject;
  sim: SimScript | null;
  created_by: string;
  attempt: number;
  tokens: Big;
  cost_usd: number;
  created_at: Big;
  updated_at: Big;
  started_at: Big | null;
  completed_at: Big | null;
  plan_rank: number | null;
}

const big = (v: Big): number => Number(v);
const bigOrNull = (v: Big | null): number | null => (v === null ? null : Number(v));

export function taskFromRaw(r: RawTask): Task {
  return {
    runId: r.run_id,
    id: r.id,
    key: r.key,
    subject: r.subject,
    description: r.description,
    activeForm: r.active_form,
    status: r.status,
    owner: r.owner,
    role: r.role,
    stage: r.stage,
    metadata: r.metadata,
    sim: r.sim,
    createdBy: r.created_by,
    attempt: r.attempt,
    tokens: big(r.tokens),
    costUsd: r.cost_usd,
    createdAt: big(r.created_at),
    updatedAt: big(r.updated_at),
    startedAt: bigOrNull(r.started_at),
    completedAt: bigOrNull(r.completed_at),
    planRank: r.plan_rank,
  };
}

const taskColumns = new Map<string, PgColumn>(Object.entries(getTableColumns(tasks)));

/** UPDATE of one task as SQL text (see literal.ts); null when nothing is set. */
export function taskUpdateSql(runId: number, id: number, set: Record<string, unknown>): string | null {
  const assignments: string[] = [];
  for (const [key, value] of Object.entries(set)) {
    if (value === undefined) continue;
    const column = taskColumns.get(key);
    if (!column) throw new Error(`tasks has no column ${key}`);
    assignments.push(`"${column.name}" = ${columnLiteral(column, value)}`);
  }
  if (assignments.length === 0) return null;
  return `UPDATE tasks SET ${assignments.join(', ')} WHERE run_id = ${integerLiteral(runId)} AND id = ${integerLiteral(id)}`;
}
