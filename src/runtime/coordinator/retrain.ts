import { coordinator as coordinatorActor } from '../../board/actor.js';
import type { Board, BoardOps } from '../../board/board.js';
import type { Gate, GateSpec, SimScript, Task } from '../../board/types.js';

export type MetricSpec = Extract<GateSpec, { kind: 'metric' }>;

/** `train-model@2` -> `train-model`: every attempt of a task shares its team-file key. */
export function baseKey(key: string): string {
  return key.replace(/@\d+$/, '');
}

/** The task keys a retrain recreates: the gate's `retrain` list, else the task it checks. */
export function retrainKeys(spec: MetricSpec): string[] {
  return spec.retrain && spec.retrain.length > 0 ? spec.retrain : [baseKey(spec.task)];
}

/**
 * A person chose to retrain after a failed metric gate: the latest attempt of every task to redo
 * gets a copy (attempt + 1, waiting on the copies of its blockers), the gate is pointed at the copy
 * of the task it checks and closed again, all in one transaction.
 */
export async function retrain(board: Board, runId: number, gate: Gate, spec: MetricSpec, reason: string, by: string, also?: (tx: BoardOps) => Promise<void>): Promise<void> {
  const [all, deps] = await Promise.all([board.listTaskRows(runId), board.listDeps(runId)]);
  const bases = retrainKeys(spec);
  const latest = new Map<string, Task>();
  for (const t of all) {
    if (t.key !== null && bases.includes(baseKey(t.key))) latest.set(baseKey(t.key), t);
  }
  const ordered = [...latest.values()].sort((a, b) => a.id - b.id);
  const checked = baseKey(spec.task);
  const gated = latest.get(checked);
  await board.transaction(async (tx) => {
    const copies = new Map<number, number>();
    for (const original of ordered) {
      const attempt = original.attempt + 1;
      const blockedBy = deps.filter((d) => d.taskId === original.id).map((d) => copies.get(d.blockedBy) ?? d.blockedBy);
      const copy = await tx.createTask(
        runId,
        {
          subject: `${original.subject} (retrain ${attempt})`,
          description: `Retrain, attempt ${attempt}: ${reason}\n\n${original.description}`,
          activeForm: original.activeForm,
          stage: original.stage,
          role: original.role,
          key: `${baseKey(original.key ?? String(original.id))}@${attempt}`,
          attempt,
          blockedBy,
          metadata: { retrain_of: original.id },
          sim: retrainScript(original.sim),
        },
        coordinatorActor,
      );
      copies.set(original.id, copy.id);
    }
    const task = gated ? `${checked}@${gated.attempt + 1}` : spec.task;
    await tx.setGateSpec(runId, gate.id, { ...spec, task });
    await tx.setGateStatus(runId, gate.id, 'closed', `retraining: ${reason}`, coordinatorActor, by);
    await also?.(tx);
  });
}

/** The simulated model plays a retrain with the task's `retrain_steps` when it has them. */
function retrainScript(sim: SimScript | null): SimScript | null {
  if (!sim) return null;
  return { steps: sim.retrain_steps ?? sim.steps };
}
