import { describeGate, gateOpen } from '../gates.js';
import type { Tx } from '../store.js';
import type { Gate, OpenBlocker } from '../types.js';

/** Stages that come before `stage`, or [] when the task has no stage. */
export function earlierStages(pipeline: string[], stage: string | null): string[] {
  const index = stage === null ? -1 : pipeline.indexOf(stage);
  return index <= 0 ? [] : pipeline.slice(0, index);
}

/** Every unfinished task that keeps this one from starting: explicit blockers first, then earlier stages. */
export async function openBlockers(tx: Tx, runId: number, task: { id: number; stage: string | null }): Promise<OpenBlocker[]> {
  const result: OpenBlocker[] = (await tx.openExplicitBlockers(runId, task.id)).map((b) => ({ ...b, via: 'dependency' }));
  const stages = earlierStages(await tx.pipelineOf(runId), task.stage);
  if (stages.length === 0) return result;
  const seen = new Set(result.map((b) => b.id));
  for (const b of (await tx.unfinishedInStages(runId, stages)).sort((x, y) => x.id - y.id)) {
    if (!seen.has(b.id)) result.push({ ...b, via: 'stage' });
  }
  return result;
}

/** Gates guarding the task's stage that have not passed. */
export async function closedGates(tx: Tx, runId: number, stage: string | null): Promise<Gate[]> {
  if (stage === null) return [];
  return (await tx.listGates(runId)).filter((g) => g.before === stage && !gateOpen(g));
}

export function describeBlocker(b: OpenBlocker): string {
  const who = b.owner ? `owned by ${b.owner}` : 'no owner yet';
  const why = b.via === 'stage' ? `, earlier stage ${b.stage}` : '';
  return `#${b.id} "${b.subject}" (${b.status.replace('_', ' ')}, ${who}${why})`;
}

export function describeGates(list: Gate[]): string {
  return list.map((g) => `${describeGate(g)} [${g.status}]`).join('; ');
}
