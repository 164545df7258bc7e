import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateTeamFile } from '../../src/definitions/index.js';
import { TEAM_FILE, TEMPLATE, readJson, removeWorkspace } from './helpers.js';
import { Ask, allSteps, gatePasses, playRun, team } from './play.js';

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

describe('churn-project played through its sim steps', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) removeWorkspace(dir);
  });

  // The run with the recommended answers is played once, in test/churn-project/pipeline.test.ts,
  // whose tests read the workspace it leaves.
  it('with usage-only features, misses the gate; the retrain steps recover and deploy', async () => {
    const { dir, firstVerdict, evaluation } = await playRun({ feature_set: 'usage-only', optimise: 'recall', rollout: 'shadow' });
    dirs.push(dir);
    expect(firstVerdict).toBe(false);
    expect(gatePasses(evaluation)).toBe(true);
    expect(readJson(dir, 'config.json').feature_set).toBe('full');
    expect(readJson(dir, 'reports/metrics.json').optimise).toBe('recall');
    expect(readJson(dir, 'deploy/manifest.json').strategy).toBe('shadow');
    expect(fs.readFileSync(path.join(dir, 'reports/model-card.md'), 'utf8')).toContain('**passed**');
  }, 60_000);
});
