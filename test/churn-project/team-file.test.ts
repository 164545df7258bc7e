import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { execa } from 'execa';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { validateTeamFile } from '../../src/definitions/index.js';
import { TEAM_FILE, TEMPLATE, makeWorkspace, readJson, removeWorkspace } from './helpers.js';

const Step = z.record(z.string(), z.unknown());
const Option = z.object({ label: z.string(), description: z.string(), value: z.string().optional() });
const Ask = z.object({
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
const Team = z.object({
  name: z.string(),
  description: z.string(),
  workspace: z.string(),
  members: z.array(z.object({ name: z.string(), agent: z.string() })),
  pipeline: z.array(z.string()),
  gates: z.array(Gate),
  budget: z.object({ usd: z.number() }),
  tasks: z.array(Task),
});
type Team = z.infer<typeof Team>;
type TaskDef = z.infer<typeof Task>;

const team: Team = Team.parse(YAML.parse(fs.readFileSync(TEAM_FILE, 'utf8')));
const allSteps = team.tasks.flatMap((task) => [...task.sim.steps, ...(task.sim.retrain_steps ?? [])]);
const AGENT_ROLES: Record<string, string> = {
  ds: 'data-scientist',
  mle: 'ml-engineer',
  mlops: 'mlops-engineer',
  devops: 'devops-engineer',
};

describe('teams/churn-project.yaml', () => {
  it('passes the team loader without errors or warnings', () => {
    expect(validateTeamFile(TEAM_FILE, { cwd: path.dirname(path.dirname(TEAM_FILE)) })).toEqual({ errors: [], warnings: [] });
  });

  it('declares the team, its members, pipeline, gates and budget', () => {
    expect(team.name).toBe(path.basename(TEAM_FILE, '.yaml'));
    expect(path.resolve(path.dirname(TEAM_FILE), team.workspace)).toBe(TEMPLATE);
    expect(team.members).toEqual(Object.entries(AGENT_ROLES).map(([name, agent]) => ({ name, agent })));
    expect(team.pipeline).toEqual(['data', 'features', 'training', 'validation', 'deploy']);
    expect(team.gates).toEqual([
      { before: 'deploy', task: 'evaluate-model', metric: 'auc', min: 0.75, beat_baseline: true, retrain: ['build-features', 'train-model', 'evaluate-model'] },
      { before: 'deploy', approval: 'human', question: expect.any(String) },
    ]);
    expect(team.budget).toEqual({ usd: 5 });
  });

  it('has 10-15 tasks with valid stages, roles and dependencies, in an order that respects them', () => {
    expect(team.tasks.length).toBeGreaterThanOrEqual(10);
    expect(team.tasks.length).toBeLessThanOrEqual(15);
    const roles = new Set(Object.values(AGENT_ROLES));
    const seen = new Set<string>();
    for (const task of team.tasks) {
      expect(team.pipeline, task.id).toContain(task.stage);
      expect(roles.has(task.role ?? ''), `${task.id} role ${task.role}`).toBe(true);
      for (const blocker of task.blockedBy ?? []) expect(seen.has(blocker), `${task.id} blockedBy ${blocker}`).toBe(true);
      expect(seen.has(task.id), `duplicate ${task.id}`).toBe(false);
      seen.add(task.id);
    }
    expect(new Set(team.tasks.map((t) => t.role))).toEqual(roles);
    for (const gate of team.gates) for (const id of [gate.task, ...(gate.retrain ?? [])]) if (id) expect(seen.has(id), id).toBe(true);
  });

  it('only runs scripts that exist in the workspace template', () => {
    const commands = allSteps.filter((step) => 'bash' in step).map((step) => String(step.bash));
    expect(commands.length).toBeGreaterThan(10);
    for (const command of commands) {
      const match = /^node (scripts\/[a-z-]+\.js)(\s|$)/.exec(command);
      expect(match, command).not.toBeNull();
      expect(fs.existsSync(path.join(TEMPLATE, match?.[1] ?? '')), command).toBe(true);
    }
    for (const step of allSteps.filter((s) => 'metrics' in s)) {
      expect(String(step.metrics)).toMatch(/^(reports|data\/raw)\/[a-z-]+\.json$/);
    }
  });

  it('asks at least four questions whose first option is the recommended default of config.json', () => {
    const defaults = readJson(TEMPLATE, 'config.json');
    const asks = allSteps.filter((step) => 'ask' in step).map((step) => Ask.parse(step.ask));
    expect(asks.map((a) => a.key).sort()).toEqual(['churn_definition', 'feature_set', 'optimise', 'rollout']);
    for (const ask of asks) {
      expect(ask.options[0]?.value, ask.key).toBe(defaults[ask.key]);
      expect(ask.options[0]?.description, ask.key).toMatch(/^Recommended\./);
    }
  });
});

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

function gatePasses(metrics: Record<string, number>): boolean {
  const auc = metrics.auc ?? 0;
  return auc >= 0.75 && auc > (metrics.baseline_auc ?? 1);
}

describe('churn-project played through its sim steps', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) removeWorkspace(dir);
  });

  async function playRun(answers: Record<string, string>) {
    const dir = makeWorkspace();
    dirs.push(dir);
    const byId = new Map(team.tasks.map((t) => [t.id, t]));
    const before = (stage: string) => team.tasks.filter((t) => team.pipeline.indexOf(t.stage) < team.pipeline.indexOf(stage));
    const play = (task: TaskDef, retrain = false) =>
      playSteps(dir, retrain ? (task.sim.retrain_steps ?? task.sim.steps) : task.sim.steps, answers);

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

  it('with the recommended answers, passes the gate and deploys', async () => {
    const { dir, firstVerdict, evaluation } = await playRun({});
    expect(firstVerdict).toBe(true);
    expect(evaluation.auc).toBeGreaterThanOrEqual(0.75);
    expect(readJson(dir, 'deploy/manifest.json').strategy).toBe('canary-10');
    expect(readJson(dir, 'reports/smoke.json').passed).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'docs/runbook.md'), 'utf8')).toContain('# Churn scorer runbook');
  }, 60_000);

  it('with usage-only features, misses the gate; the retrain steps recover and deploy', async () => {
    const { dir, firstVerdict, evaluation } = await playRun({ feature_set: 'usage-only', optimise: 'recall', rollout: 'shadow' });
    expect(firstVerdict).toBe(false);
    expect(gatePasses(evaluation)).toBe(true);
    expect(readJson(dir, 'config.json').feature_set).toBe('full');
    expect(readJson(dir, 'reports/metrics.json').optimise).toBe('recall');
    expect(readJson(dir, 'deploy/manifest.json').strategy).toBe('shadow');
    expect(fs.readFileSync(path.join(dir, 'reports/model-card.md'), 'utf8')).toContain('**passed**');
  }, 60_000);
});
