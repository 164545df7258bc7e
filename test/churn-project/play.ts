/**
 * The churn-project team file's sim steps, played straight against a workspace the way the
 * simulated model plays them: bash steps run, asks take the given (or recommended) answer, reads
 * check files, metrics steps read reports.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { execa } from 'execa';
import { z } from 'zod';
import { expect } from 'vitest';
import { TEAM_FILE, makeWorkspace, readJson } from './helpers.js';

const Step = z.record(z.string(), z.unknown());
const Option = z.object({ label: z.string(), description: z.string(), value: z.string().optional() });
export const Ask = z.object({
  key: z.string(),
  question: z.string(),
  header: z.string().max(12),
  multiSelect: z.boolean().optional(),
  options: z.array(Option).min(2).max(4),
});
const Task = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  subject: z.string(),
  description: z.string().min(80),
  stage: z.string(),
  role: z.string().optional(),
  blockedBy: z.array(z.string()).optional(),
  sim: z.object({ steps: z.array(Step).min(1), retrain_steps: z.array(Step).optional() }),
});
const Gate = z.object({
  before: z.string(),
  task: z.string().optional(),
  metric: z.string().optional(),
  min: z.number().optional(),
  beat_baseline: z.boolean().optional(),
  retrain: z.array(z.string()).optional(),
  approval: z.literal('human').optional(),
  question: z.string().optional(),
});
export const Team = z.object({
  name: z.string(),
  description: z.string(),
  workspace: z.string(),
  members: z.array(z.object({ name: z.string(), agent: z.string() })),
  pipeline: z.array(z.string()),
  gates: z.array(Gate),
  budget: z.object({ usd: z.number() }),
  tasks: z.array(Task),
});
export type Team = z.infer<typeof Team>;
export type TaskDef = z.infer<typeof Task>;

export const team: Team = Team.parse(YAML.parse(fs.readFileSync(TEAM_FILE, 'utf8')));
export const allSteps = team.tasks.flatMap((task) => [...task.sim.steps, ...(task.sim.retrain_steps ?? [])]);
/** Plays the sim steps the way the simulated model does, straight against a workspace. */
async function playSteps(dir: string, steps: Record<string, unknown>[], answers: Record<string, string>): Promise<Record<string, number>> {
  const metrics: Record<string, number> = {};
  const local: Record<string, string> = {};
  const fill = (text: string) =>
    text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      const value = local[key];
      if (value === undefined) throw new Error(`{{${key}}} has no answer yet in this task`);
      return value;
    });
  for (const step of steps) {
    if ('ask' in step) {
      const ask = Ask.parse(step.ask);
      const chosen = answers[ask.key] ?? ask.options[0]?.value;
      expect(ask.options.map((o) => o.value)).toContain(chosen);
      local[ask.key] = chosen ?? '';
    } else if ('bash' in step) {
      const result = await execa(fill(String(step.bash)), { shell: true, cwd: dir, reject: false });
      if (result.exitCode !== 0) throw new Error(`${String(step.bash)} failed: ${String(result.stderr)}`);
    } else if ('write' in step) {
      const write = z.object({ path: z.string(), content: z.string() }).parse(step.write);
      fs.mkdirSync(path.dirname(path.join(dir, write.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, write.path), fill(write.content));
    } else if ('read' in step) {
      expect(fs.existsSync(path.join(dir, fill(String(step.read)))), String(step.read)).toBe(true);
    } else if ('metrics' in step) {
      for (const [key, value] of Object.entries(readJson(dir, fill(String(step.metrics))))) {
        if (typeof value === 'number') metrics[key] = value;
      }
    } else if ('record' in step || 'message' in step || 'say' in step) {
      fill(JSON.stringify(step));
    } else {
      throw new Error(`unknown step ${JSON.stringify(step)}`);
    }
  }
  return metrics;
}

export function gatePasses(metrics: Record<string, number>): boolean {
  const auc = metrics.auc ?? 0;
  return auc >= 0.75 && auc > (metrics.baseline_auc ?? 1);
}

export interface PlayedRun {
  dir: string;
  /** Whether the first evaluation cleared the deploy gate. */
  firstVerdict: boolean;
  /** The metrics of the last evaluation. */
  evaluation: Record<string, number>;
}

/**
 * Plays a whole run in a fresh workspace (on small data): every task before the deploy stage, the
 * gate's retrain tasks when the first evaluation misses it, then the deploy stage when the gate
 * passes. The caller removes `dir`.
 */
export async function playRun(answers: Record<string, string>): Promise<PlayedRun> {
  const dir = makeWorkspace();
  const byId = new Map(team.tasks.map((t) => [t.id, t]));
  const before = (stage: string) => team.tasks.filter((t) => team.pipeline.indexOf(t.stage) < team.pipeline.indexOf(stage));
  const play = (task: TaskDef, retrain = false) => playSteps(dir, retrain ? (task.sim.retrain_steps ?? task.sim.steps) : task.sim.steps, answers);

  let evaluation: Record<string, number> = {};
  for (const task of before('deploy')) {
    const metrics = await play(task);
    if (task.id === 'evaluate-model') evaluation = metrics;
  }
  const firstVerdict = gatePasses(evaluation);
  if (!firstVerdict) {
    for (const id of team.gates[0]?.retrain ?? []) {
      const task = byId.get(id);
      if (!task) throw new Error(`no task ${id}`);
      const metrics = await play(task, true);
      if (id === 'evaluate-model') evaluation = metrics;
    }
  }
  if (gatePasses(evaluation)) {
    for (const task of team.tasks.filter((t) => t.stage === 'deploy')) await play(task);
  }
  return { dir, firstVerdict, evaluation };
}
