import type { MemberClaim } from '../board.js';
import { BoardError } from '../errors.js';
import { workerLapsed } from '../liveness.js';
import type { Tx } from '../store.js';
import type { Member } from '../types.js';
import { requireRun } from './runs.js';

/**
 * A process (a `team worker`, or the run's driver for the members it runs itself) takes members of
 * a run, all or none: refused while another process that beat within `leaseMs` runs one of them.
 * The run's driver may take any member back (`team resume` without --workers-only runs them all).
 * Beats are wall-clock time: they are compared across processes and machines.
 */
export async function claimMembers(tx: Tx, runId: number, worker: string, names: readonly string[], leaseMs: number): Promise<MemberClaim> {
  await tx.lockRun(runId, 'exclusive');
  const run = await requireRun(tx, runId);
  const all = await tx.listMembers(runId);
  const wanted: Member[] = [];
  for (const name of names) {
    const member = all.find((m) => m.name === name);
    if (!member) throw new BoardError('not_found', `run ${runId} has no member named ${name}; its members: ${all.map((m) => m.name).join(', ')}`);
    wanted.push(member);
  }
  const wall = Date.now();
  if (run.driver !== worker) {
    const held = wanted.find((m) => m.worker !== null && m.worker !== worker && !workerLapsed(m, wall, leaseMs));
    if (held?.worker) return { ok: false, member: held.name, worker: held.worker, beatAt: held.workerBeatAt };
  }
  for (const member of wanted) await tx.updateMember(runId, member.name, { worker, workerBeatAt: wall });
  return { ok: true };
}

/** The heartbeat of a process running members; returns the members it still runs (the coordinator takes back those of a lapsed one). */
export async function beatWorker(tx: Tx, runId: number, worker: string): Promise<string[]> {
  await tx.lockRun(runId, 'exclusive');
  const held = (await tx.listMembers(runId)).filter((m) => m.worker === worker);
  const wall = Date.now();
  for (const member of held) await tx.updateMember(runId, member.name, { workerBeatAt: wall });
  return held.map((m) => m.name);
}

/** A process lets go of the members it runs (it is exiting): they wait, tasks and all, for the next process to run them. */
export async function releaseWorker(tx: Tx, runId: number, worker: string): Promise<void> {
  await tx.lockRun(runId, 'exclusive');
  for (const member of await tx.listMembers(runId)) {
    if (member.worker === worker) await tx.updateMember(runId, member.name, { worker: null, workerBeatAt: null });
  }
}
