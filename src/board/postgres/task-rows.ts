import type { JsonObject, SimScript, Task, TaskStatus } from '../types.js';

/**
 * A task row locked by id, read as plain SQL (so it can go in one batch with BEGIN and the run's
 * lock): the columns as the server sends them, mapped here as drizzle maps them for its own reads.
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
  };
}
