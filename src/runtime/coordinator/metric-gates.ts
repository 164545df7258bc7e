import { coordinator as coordinatorActor } from '../../board/actor.js';
import { answerNote, pickedValue } from '../../board/answers.js';
import type { Board } from '../../board/board.js';
import type { Gate, Json, QuestionOption, Question, Task } from '../../board/types.js';
import { askAgain, decidedBy, stopAtGate } from './outcomes.js';
import { retrain, retrainKeys, type MetricSpec } from './retrain.js';

/** What a person may do about a failed metric gate; the coordinator acts on the value picked. */
export type FailedGateChoice = 'retrain' | 'override' | 'stop';

/** Check every closed metric gate whose task is completed: pass it, or fail it and ask the person what now. */
export async function evaluateMetricGates(board: Board, runId: number): Promise<void> {
  for (const gate of await board.listGates(runId)) {
    const spec = gate.spec;
    if (spec.kind !== 'metric' || gate.status !== 'closed') continue;
    const task = await board.findTaskByKey(runId, spec.task);
    if (!task || task.status !== 'completed') continue;
    const verdict = judge(spec, task);
    if (verdict.pass) {
      await board.setGateStatus(runId, gate.id, 'passed', verdict.detail, coordinatorActor, 'coordinator');
      continue;
    }
    await board.transaction(async (tx) => {
      await tx.setGateStatus(runId, gate.id, 'failed', verdict.detail, coordinatorActor, 'coordinator');
      await tx.askQuestion(
        runId,
        {
          kind: 'gate',
          askedBy: 'coordinator',
          taskId: task.id,
          gateId: gate.id,
          payload: { questions: [{ question: `The gate before ${gate.before} failed: ${verdict.detail}. What now?`, header: 'Gate', options: failedGateOptions(gate, spec, task.attempt), multiSelect: false }] },
        },
        coordinatorActor,
      );
    });
  }
}

function failedGateOptions(gate: Gate, spec: MetricSpec, attempt: number): QuestionOption[] {
  const options: (QuestionOption & { value: FailedGateChoice })[] = [
    { label: 'Retrain', value: 'retrain', description: `Create new tasks for ${retrainKeys(spec).join(', ')} (attempt ${attempt + 1}) and evaluate again.` },
    { label: 'Override', value: 'override', description: `Let stage ${gate.before} start anyway; the override is recorded.` },
    { label: 'Stop', value: 'stop', description: 'Stop the run here.' },
  ];
  // After three attempts, stopping is the recommendation (listed first).
  return attempt >= 3 ? [...options.filter((o) => o.value === 'stop'), ...options.filter((o) => o.value !== 'stop')] : options;
}

/** The person answered a failed gate's question: retrain, override (with their note) or stop. */
export async function decideFailedGate(board: Board, runId: number, question: Question, gate: Gate): Promise<void> {
  const spec = gate.spec;
  // A decision is applied once: a resumed coordinator may see the same answer again.
  if (spec.kind !== 'metric' || gate.status !== 'failed') return;
  const by = decidedBy(question);
  const choice = pickedValue(question);
  if (choice === 'retrain') return retrain(board, runId, gate, spec, gate.detail ?? 'the gate failed', by);
  if (choice === 'override') {
    await board.setGateStatus(runId, gate.id, 'overridden', `overridden by ${by}: ${gate.detail ?? ''}`.trim(), coordinatorActor, by, answerNote(question));
    return;
  }
  if (choice === 'stop') return stopAtGate(board, runId, gate, `stopped by ${by} after the gate failed`, by, answerNote(question));
  await askAgain(board, runId, question);
}

/** Whether the task's recorded metric meets the gate, and why, in words. */
export function judge(spec: MetricSpec, task: Pick<Task, 'key' | 'metadata'>): { pass: boolean; detail: string } {
  const metrics = objectOf(task.metadata.metrics);
  const value = metrics[spec.metric];
  if (typeof value !== 'number') return { pass: false, detail: `task ${task.key} recorded no metrics.${spec.metric}` };
  const problems: string[] = [];
  if (spec.min !== undefined && value < spec.min) problems.push(`needs >= ${spec.min}`);
  if (spec.max !== undefined && value > spec.max) problems.push(`needs <= ${spec.max}`);
  if (spec.beatBaseline === true) {
    const baseline = metrics[`baseline_${spec.metric}`];
    if (typeof baseline !== 'number') problems.push(`no metrics.baseline_${spec.metric} to compare with`);
    else if (value <= baseline) problems.push(`needs to beat the baseline ${fmt(baseline)}`);
  }
  const shown = `${task.key} ${spec.metric} = ${fmt(value)}`;
  return problems.length === 0 ? { pass: true, detail: `${shown} passes` } : { pass: false, detail: `${shown} (${problems.join(', ')})` };
}

function objectOf(value: Json | undefined): { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3);
}
