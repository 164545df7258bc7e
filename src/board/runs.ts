import { desc, eq, sql } from 'drizzle-orm';
import { runs, type Backend, type RunConfig, type RunStatus } from '../../db/schema.js';
import { prepared, transact, type Board } from './board.js';
import { appendEvent } from './events.js';
import { BoardError } from './errors.js';
import type { Actor } from './actor.js';

export type Run = typeof runs.$inferSelect;

export interface NewRun {
  team: string;
  backend: Backend;
  seed?: number;
  workspace: string;
  budgetUsd?: number | null;
  budgetTokens?: number | null;
  config: RunConfig;
}

export function createRun(board: Board, input: NewRun, actor: Actor): Run {
  return transact(board, () => {
    const run = board.db
      .insert(runs)
      .values({
        team: input.team,
        backend: input.backend,
        seed: input.seed ?? 0,
        workspace: input.workspace,
        budgetUsd: input.budgetUsd ?? null,
        budgetTokens: input.budgetTokens ?? null,
        config: input.config,
        status: 'running',
        pid: process.pid,
        startedAt: board.now(),
      })
      .returning()
      .get();
    appendEvent(board, run.id, actor, 'run.started', {
      team: run.team,
      backend: run.backend,
      seed: run.seed,
      workspace: run.workspace,
    });
    return run;
  });
}

/** Read several times per step of the driver loop, so prepared once. */
export function getRun(board: Board, runId: number): Run | undefined {
  return prepared(board, 'runs.get', () => board.db.select().from(runs).where(eq(runs.id, sql.placeholder('runId'))).prepare()).get({ runId });
}

export function requireRun(board: Board, runId: number): Run {
  const run = getRun(board, runId);
  if (!run) throw new BoardError('not_found', `run ${runId} does not exist; list runs with \`team runs\``);
  return run;
}

export function latestRun(board: Board): Run | undefined {
  return board.db.select().from(runs).orderBy(desc(runs.id)).limit(1).get();
}

export function listRuns(board: Board): Run[] {
  return board.db.select().from(runs).orderBy(desc(runs.id)).all();
}

const TERMINAL: RunStatus[] = ['completed', 'failed', 'stopped'];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL.includes(status);
}

export function setRunStatus(board: Board, runId: number, status: RunStatus, reason: string | null, actor: Actor): Run {
  return transact(board, () => {
    const run = requireRun(board, runId);
    if (run.status === status && run.statusReason === reason) return run;
    const updated = board.db
      .update(runs)
      .set({ status, statusReason: reason, endedAt: isTerminal(status) ? board.now() : null })
      .where(eq(runs.id, runId))
      .returning()
      .get();
    appendEvent(board, runId, actor, `run.${status}`, { from: run.status, reason });
    return updated;
  });
}

export function updateRun(board: Board, runId: number, patch: Partial<Pick<Run, 'budgetUsd' | 'budgetTokens' | 'pid' | 'config' | 'workspace' | 'eventCursor'>>): void {
  board.db.update(runs).set(patch).where(eq(runs.id, runId)).run();
}
