import { actorName, type Actor } from '../actor.js';
import type { DriveClaim } from '../board.js';
import { BoardError } from '../errors.js';
import { driverLapsed, isTerminal } from '../liveness.js';
import type { Tx } from '../store.js';
import type { NewRun, Run, RunPatch, RunStatus } from '../types.js';

export async function requireRun(tx: Tx, runId: number): Promise<Run> {
  const run = await tx.getRun(runId);
  if (!run) throw new BoardError('not_found', `run ${runId} does not exist; list runs with \`team runs\``);
  return run;
}

export async function createRun(tx: Tx, input: NewRun, actor: Actor): Promise<Run> {
  const run = await tx.insertRun({
    team: input.team,
    status: 'running',
    backend: input.backend,
    seed: input.seed ?? 0,
    workspace: input.workspace,
    budgetUsd: input.budgetUsd ?? null,
    budgetTokens: input.budgetTokens ?? null,
    config: input.config,
    statusReason: null,
    pid: null,
    driver: null,
    heartbeatAt: null,
    eventCursor: 0,
    startedAt: tx.now(),
    endedAt: null,
  });
  await tx.appendEvent(run.id, actorName(actor), {
    type: 'run.started',
    payload: { team: run.team, backend: run.backend, seed: run.seed, workspace: run.workspace },
  });
  return run;
}

export async function setRunStatus(tx: Tx, runId: number, status: RunStatus, reason: string | null, actor: Actor): Promise<Run> {
  await tx.lockRun(runId, 'exclusive');
  const run = await requireRun(tx, runId);
  if (run.status === status && run.statusReason === reason) return run;
  const endedAt = isTerminal(status) ? tx.now() : null;
  await tx.updateRun(runId, { status, statusReason: reason, endedAt });
  await tx.appendEvent(runId, actorName(actor), { type: `run.${status}`, payload: { from: run.status, reason } });
  return { ...run, status, statusReason: reason, endedAt };
}

export async function updateRun(tx: Tx, runId: number, patch: RunPatch): Promise<void> {
  await requireRun(tx, runId);
  await tx.updateRun(runId, patch);
}

/**
 * Driving a run is exclusive across processes: the claim succeeds when nobody drives it, the
 * caller already does, or the driver stopped beating or is known to be `dead` (it crashed; that is recorded). Heartbeats are
 * wall-clock time, whatever clock the run's events use, because other processes compare them with theirs.
 */
export async function claimRun(tx: Tx, runId: number, driver: string, pid: number, actor: Actor, dead?: string): Promise<DriveClaim> {
  await tx.lockRun(runId, 'exclusive');
  const run = await requireRun(tx, runId);
  const wall = Date.now();
  if (run.driver !== null && run.driver !== driver && run.driver !== dead && !driverLapsed(run, wall)) {
    return { ok: false, driver: run.driver, pid: run.pid, heartbeatAt: run.heartbeatAt };
  }
  const takenOver = run.driver !== null && run.driver !== driver ? run.driver : null;
  if (takenOver !== null && !isTerminal(run.status)) {
    await tx.appendEvent(runId, actorName(actor), { type: 'run.crashed', payload: { driver: takenOver, lastBeat: run.heartbeatAt } });
  }
  await tx.updateRun(runId, { driver, pid, heartbeatAt: wall });
  return { ok: true, takenOver };
}

export async function beatRun(tx: Tx, runId: number, driver: string): Promise<boolean> {
  const run = await requireRun(tx, runId);
  if (run.driver !== driver) return false;
  await tx.updateRun(runId, { heartbeatAt: Date.now() });
  return true;
}

export async function releaseRun(tx: Tx, runId: number, driver: string): Promise<void> {
  const run = await tx.getRun(runId);
  if (run?.driver !== driver) return;
  await tx.updateRun(runId, { driver: null });
}
