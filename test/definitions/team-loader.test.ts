import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatEstimate, parseDuration } from '../../src/definitions/duration.js';
import { DefinitionError } from '../../src/definitions/errors.js';
import { packageRoot } from '../../src/definitions/paths.js';
import { findCycles, listTeams, loadTeam, validateTeamFile } from '../../src/definitions/team-loader.js';
import { simStepUnion, teamFileSchema } from '../../src/definitions/team-schema.js';
import { FIXTURES, agentFile, tempDir, writeFiles } from './helpers.js';

const BASE = fs.readFileSync(path.join(FIXTURES, 'teams/mini.yaml'), 'utf8');

let cwd: string;
let home: string;

beforeEach(() => {
  cwd = tempDir('teamboard-team-');
  home = tempDir('teamboard-home-');
  fs.mkdirSync(path.join(cwd, 'teams/mini'), { recursive: true });
});

function edit(from: string, to: string): string {
  expect(BASE).toContain(from);
  return BASE.replace(from, to);
}

function check(text: string): { errors: string[]; warnings: string[] } {
  fs.writeFileSync(path.join(cwd, 'teams/mini.yaml'), text);
  return validateTeamFile('teams/mini.yaml', { cwd, home, env: {} });
}

function errorsOf(text: string): string[] {
  return check(text).errors;
}

describe('loading a valid team', () => {
  it('returns the team, its members with agents, roles and models', () => {
    fs.writeFileSync(path.join(cwd, 'teams/mini.yaml'), BASE);
    const loaded = loadTeam('mini', { cwd, home, env: {} });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.path).toBe(path.join(cwd, 'teams/mini.yaml'));
    expect(loaded.dir).toBe(path.join(cwd, 'teams'));
    expect(loaded.source).toBe('project');
    expect(loaded.team.workspace).toBe(path.join(cwd, 'teams/mini'));
    expect(loaded.team.pipeline).toEqual(['data', 'training', 'deploy']);
    expect(loaded.team.budget).toEqual({ usd: 2, tokens: 500000 });
    expect(loaded.team.gates).toEqual([
      { before: 'deploy', spec: { kind: 'metric', task: 'train', metric: 'auc', min: 0.7, beatBaseline: true, retrain: ['train'] } },
      { before: 'deploy', spec: { kind: 'approval', question: 'Ship it?' } },
    ]);
    expect(loaded.members.map(({ name, role, model, agent }) => ({ name, role, model, agent: agent.name }))).toEqual([
      { name: 'ds', role: 'data-scientist', model: 'claude-sonnet-5-5', agent: 'data-scientist' },
      { name: 'mle', role: 'ml-engineer', model: 'claude-opus-5-5', agent: 'ml-engineer' },
    ]);
    expect(loaded.agents.get('mle')?.path).toBe(path.join(packageRoot(), 'agents/ml-engineer.md'));
    const [profile, train, ship] = loaded.team.tasks;
    expect(profile?.blockedBy).toEqual([]);
    expect(profile?.activeForm).toBe('Profiling the data');
    expect(profile?.metadata).toEqual({ area: 'data' });
    expect(profile?.sim?.steps).toEqual([
      { say: 'Looking at the data' },
      { ask: { key: 'churn_def', question: 'Which window?', header: 'Window', options: [{ label: '30 days', value: '30' }, { label: '60 days' }] } },
      { bash: 'node scripts/config.js set window={{churn_def}}', timeout: 30 },
      { write: { path: 'notes/profile.md', content: '# Profile' } },
      { read: 'notes/profile.md' },
      { record: { window: '{{churn_def}}' } },
      { message: { to: 'mle', text: 'Profile is ready' } },
    ]);
    expect(train?.sim?.retrain_steps).toEqual([{ bash: 'node scripts/train.js --stronger' }, { metrics: 'reports/metrics.json' }]);
    expect(ship?.blockedBy).toEqual(['train']);
    expect(ship?.role).toBeUndefined();
  });

  it('uses the team model for members whose agent inherits, and config/env overrides', () => {
    writeFiles(cwd, { '.team/config.json': JSON.stringify({ models: { sonnet: 'claude-sonnet-4-6' } }) });
    fs.writeFileSync(path.join(cwd, 'teams/mini.yaml'), BASE);
    const loaded = loadTeam('mini', { cwd, home, env: { TEAM_MODEL_OPUS: 'claude-opus-4-8' } });
    expect(loaded.members.map((member) => member.model)).toEqual(['claude-sonnet-4-6', 'claude-opus-4-8']);
  });

  it('loads agents by path relative to the team file and honours role overrides', () => {
    writeFiles(cwd, { 'teams/agents/analyst.md': agentFile('analyst', 'model: haiku\n') });
    const text = edit('  - { name: ds, agent: data-scientist }', '  - { name: ds, agent: ./agents/analyst.md, role: data-scientist }');
    fs.writeFileSync(path.join(cwd, 'teams/mini.yaml'), text);
    const loaded = loadTeam(path.join(cwd, 'teams/mini.yaml'), { cwd, home, env: {} });
    expect(loaded.source).toBe('path');
    expect(loaded.members[0]).toMatchObject({ name: 'ds', role: 'data-scientist', model: 'claude-haiku-5-5' });
    expect(loaded.members[0]?.agent.name).toBe('analyst');
  });

  it('passes member agent warnings through', () => {
    writeFiles(cwd, { 'agents/ml-engineer.md': agentFile('ml-engineer', 'tools: Read, mlflow\n') });
    const { errors, warnings } = check(BASE);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      'agents/ml-engineer.md:4: tool "mlflow" is not provided by teamboard and will be ignored (it provides TaskCreate, TaskList, TaskGet, TaskUpdate, AskUserQuestion, SendMessage, Read, Write, Edit, Glob, Grep, Bash)',
    ]);
  });

  it('exports JSON schemas for the team file and sim steps', async () => {
    const { z } = await import('zod');
    expect(z.toJSONSchema(simStepUnion, { io: 'input' })).toHaveProperty('anyOf');
    expect(teamFileSchema.safeParse({}).success).toBe(false);
  });
});

describe('team file errors name the file, the line and the fix', () => {
  it('unknown agent', () => {
    expect(errorsOf(edit('agent: ml-engineer', 'agent: ml-enginer'))).toEqual([
      'teams/mini.yaml:8: member "mle" uses unknown agent "ml-enginer" (did you mean "ml-engineer"?). Fix: use one of data-scientist, devops-engineer, ml-engineer, mlops-engineer or add agents/ml-enginer.md',
    ]);
  });

  it('agent file that does not exist', () => {
    expect(errorsOf(edit('agent: ml-engineer', 'agent: ./agents/ml.md'))).toEqual([
      'teams/mini.yaml:8: member "mle" uses agent file "./agents/ml.md", which does not exist (looked at teams/agents/ml.md). Fix: correct the path (it is relative to the team file) or use an agent name',
    ]);
  });

  it('agent whose file is broken', () => {
    writeFiles(cwd, { 'agents/ml-engineer.md': '---\nname: ml-engineer\ntools: [Read\n---\nBody\n' });
    expect(errorsOf(BASE)).toEqual([
      'teams/mini.yaml:8: member "mle" uses agent "ml-engineer", whose file is broken: agents/ml-engineer.md:3: bad YAML in frontmatter: Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the indentation (spaces, not tabs) or put the value in quotes',
    ]);
  });

  it('duplicate member name', () => {
    expect(errorsOf(edit('name: mle', 'name: ds'))).toEqual([
      'teams/mini.yaml:8: member name "ds" is used twice (lines 7 and 8). Fix: give each member its own name',
    ]);
  });

  it('duplicate task id', () => {
    expect(errorsOf(edit('id: ship', 'id: train'))).toEqual([
      'teams/mini.yaml:45: task id "train" is used twice (lines 32 and 45). Fix: give each task its own id',
    ]);
  });

  it('unknown task in blockedBy, with a did-you-mean', () => {
    expect(errorsOf(edit('blockedBy: [profile]', 'blockedBy: [profle]'))).toEqual([
      'teams/mini.yaml:37: task "train" is blocked by unknown task "profle" (did you mean "profile"?). Fix: use the id of a task in this file',
    ]);
  });

  it('dependency cycle', () => {
    const text = edit('blockedBy: [profile]', 'blockedBy: [profile, ship]').replace('    stage: deploy\n    blockedBy: train', '    stage: training\n    blockedBy: train');
    expect(errorsOf(text)).toEqual([
      'teams/mini.yaml:37: tasks wait for each other in a cycle: train -> ship -> train (each waits for the next). Fix: remove one of these blockedBy entries',
    ]);
  });

  it('a task blocked by itself', () => {
    expect(errorsOf(edit('blockedBy: [profile]', 'blockedBy: [train]'))).toEqual([
      'teams/mini.yaml:37: tasks wait for each other in a cycle: train -> train (each waits for the next). Fix: remove one of these blockedBy entries',
    ]);
  });

  it('a blocker from a later stage', () => {
    const text = edit('blockedBy: [profile]', 'blockedBy: [ship]').replace('    blockedBy: train\n', '');
    expect(errorsOf(text)).toEqual([
      'teams/mini.yaml:37: task "train" (stage training) is blocked by "ship" from the later stage deploy, which itself waits for every training task: neither could start. Fix: remove the blocker or move one of the tasks to another stage',
    ]);
  });

  it('stage not in the pipeline', () => {
    expect(errorsOf(edit('stage: training', 'stage: trainig'))).toEqual([
      'teams/mini.yaml:35: task "train" has stage "trainig", which is not in the pipeline (did you mean "training"?). Fix: use one of data, training, deploy or add "trainig" to pipeline',
    ]);
  });

  it('duplicate stage in the pipeline', () => {
    expect(errorsOf(edit('[data, training, deploy]', '[data, training, data, deploy]'))).toEqual([
      'teams/mini.yaml:9: stage "data" appears twice in the pipeline. Fix: list each stage once, in order',
    ]);
  });

  it('role no member has', () => {
    expect(errorsOf(edit('role: ml-engineer', 'role: mlops-engineer'))).toEqual([
      'teams/mini.yaml:36: task "train" has role "mlops-engineer", but no member has that role (did you mean "ml-engineer"?). Fix: use one of data-scientist, ml-engineer, or add a member with role: mlops-engineer',
    ]);
  });

  it('gate on a missing task', () => {
    expect(errorsOf(edit('task: train, metric', 'task: trian, metric'))).toEqual([
      'teams/mini.yaml:11: gate 1 (before deploy) checks unknown task "trian" (did you mean "train"?). Fix: use the id of a task in this file',
    ]);
  });

  it('gate before a stage that is not in the pipeline', () => {
    expect(errorsOf(edit('before: deploy, approval', 'before: release, approval'))).toEqual([
      'teams/mini.yaml:12: gate 2 (before release) guards stage "release", which is not in the pipeline. Fix: use one of data, training, deploy',
    ]);
  });

  it('gate on a task that cannot run before the gate', () => {
    expect(errorsOf(edit('before: deploy, task: train', 'before: training, task: train'))).toEqual([
      'teams/mini.yaml:11: gate 1 (before training) checks task "train" from stage training, which cannot run until the gate passes. Fix: check a task from a stage before training, or gate a later stage',
    ]);
  });

  it('metric gate without metric', () => {
    expect(errorsOf(edit('metric: auc, ', ''))).toEqual([
      'teams/mini.yaml:11: gate 1 (before deploy) checks task "train" but names no metric. Fix: add metric: <a number the task records in metadata.metrics>, e.g. metric: auc',
    ]);
  });

  it('gate that checks nothing, or both kinds at once', () => {
    expect(errorsOf(edit('{ before: deploy, approval: human, question: "Ship it?" }', '{ before: deploy }'))).toEqual([
      'teams/mini.yaml:12: gate 2 (before deploy) checks nothing. Fix: add task: and metric: for a metric check, or approval: human for a human decision',
    ]);
    expect(errorsOf(edit('approval: human,', 'approval: human, task: train,'))).toEqual([
      'teams/mini.yaml:12: gate 2 (before deploy) is both a human approval and a metric check (task). Fix: split it into two gates with the same "before"',
    ]);
  });

  it('gate retrain list and min above max', () => {
    expect(errorsOf(edit('retrain: [train]', 'retrain: [train, trainn]'))).toEqual([
      'teams/mini.yaml:11: gate 1 (before deploy) would retrain unknown task "trainn" (did you mean "train"?). Fix: use the id of a task in this file',
    ]);
    expect(errorsOf(edit('min: 0.7,', 'min: 0.7, max: 0.5,'))).toEqual([
      'teams/mini.yaml:11: gate 1 (before deploy) has min 0.7 above max 0.5, so it can never pass. Fix: swap them or drop one',
    ]);
  });

  it('a gate with no bound is a warning', () => {
    const result = check(edit('min: 0.7, beat_baseline: true, ', ''));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      'teams/mini.yaml:11: gate 1 (before deploy) has no min, max or beat_baseline, so it passes whenever "auc" is recorded. Fix: add min:, max: or beat_baseline: true',
    ]);
  });

  it('bad budgets', () => {
    expect(errorsOf(edit('usd: 2', 'usd: -2'))).toEqual(['teams/mini.yaml:13: "budget.usd" must be a positive number, not the number -2. Fix: write it like usd: 5']);
    expect(errorsOf(edit('usd: 2', 'usd: 0'))).toEqual(['teams/mini.yaml:13: "budget.usd" must be a positive number, not the number 0. Fix: write it like usd: 5']);
    expect(errorsOf(edit('tokens: 500000', 'tokens: lots'))).toEqual(['teams/mini.yaml:13: "budget.tokens" must be a number, not text "lots". Fix: write it like tokens: 2000000']);
    expect(errorsOf(edit('budget: { usd: 2, tokens: 500000 }', 'budget: 5'))).toEqual([
      'teams/mini.yaml:13: "budget" must be a mapping, not the number 5. Fix: write it like budget: { usd: 5, tokens: 2000000 }',
    ]);
  });

  it('missing required fields', () => {
    expect(errorsOf(edit('    subject: Train the model\n', ''))).toEqual([
      'teams/mini.yaml:32: task "train": missing required field "subject". Fix: add subject: Train the churn model',
    ]);
    expect(errorsOf(edit('pipeline: [data, training, deploy]\n', ''))).toEqual([
      'teams/mini.yaml:2: missing required field "pipeline". Fix: add pipeline: [data, features, training, validation, deploy]',
    ]);
    expect(errorsOf(edit('  - { name: ds, agent: data-scientist }', '  - { name: ds }'))).toEqual([
      'teams/mini.yaml:7: member "ds": missing required field "agent". Fix: add agent: data-scientist',
    ]);
    // The fix names the file's own stages and tasks, not the demo team's; a blocker, another task's.
    const ownPipeline = edit('pipeline: [data, training, deploy]', 'pipeline: [draft, review]').replace(/stage: \w+/g, 'stage: draft');
    expect(errorsOf(ownPipeline.replace('    stage: draft\n', ''))[0]).toMatch(/missing required field "stage"\. Fix: add stage: draft$/);
    expect(errorsOf(edit('    role: data-scientist\n', '    role: data-scientist\n    blockedBy: [[train]]\n'))[0]).toMatch(/Fix: write it like blockedBy: train$/);
  });

  it('wrong types', () => {
    expect(errorsOf(edit('subject: Train the model', 'subject: [a, b]'))).toEqual([
      'teams/mini.yaml:33: task "train": "subject" must be text, not a list. Fix: write it like subject: Train the churn model',
    ]);
    expect(errorsOf(edit('pipeline: [data, training, deploy]', 'pipeline: data'))).toEqual([
      'teams/mini.yaml:9: "pipeline" must be a list, not text "data". Fix: write it like pipeline: [data, features, training, validation, deploy]',
    ]);
    expect(errorsOf(edit('beat_baseline: true', 'beat_baseline: yes'))).toEqual([
      'teams/mini.yaml:11: gate 1 (before deploy): "beat_baseline" must be true or false, not text "yes". Fix: write it like beat_baseline: true',
    ]);
    expect(errorsOf(edit('approval: human', 'approval: manager'))).toEqual([
      'teams/mini.yaml:12: gate 2 (before deploy): "approval" must be "human", not text "manager". Fix: write it like approval: human',
    ]);
  });

  it('names that are not kebab-case', () => {
    expect(errorsOf(edit('name: mini', 'name: Mini Team'))).toEqual([
      'teams/mini.yaml:2: "name" must be kebab-case, not text "Mini Team". Fix: use lowercase letters, digits and single hyphens, e.g. churn-project',
    ]);
    expect(errorsOf(edit('  - id: ship', '  - id: Ship_It'))).toEqual([
      'teams/mini.yaml:45: task "Ship_It": "id" must be kebab-case, not text "Ship_It". Fix: use lowercase letters, digits and single hyphens, e.g. train-model',
    ]);
  });

  it('unknown fields, with a did-you-mean', () => {
    expect(errorsOf(edit('blockedBy: [profile]', 'blockedby: [profile]'))).toEqual([
      'teams/mini.yaml:37: task "train": unknown field "blockedby" (did you mean "blockedBy"?). Fix: remove it or rename it (allowed: id, subject, description, activeForm, stage, role, blockedBy, estimate, metadata, sim)',
    ]);
  });

  it('estimates: hours, minutes and seconds as people write them; a bare number or other text names the accepted forms', () => {
    fs.writeFileSync(path.join(cwd, 'teams/mini.yaml'), edit('    blockedBy: [profile]\n', '    blockedBy: [profile]\n    estimate: 1h30m\n').replace('    blockedBy: train\n', '    blockedBy: train\n    estimate: 90s\n'));
    const tasks = loadTeam('mini', { cwd, home, env: {} }).team.tasks;
    expect(tasks.map((t) => t.estimateMs)).toEqual([undefined, 5_400_000, 90_000]);
    for (const [text, ms] of [
      ['20m', 1_200_000],
      ['2h', 7_200_000],
      ['1h0m5s', 3_605_000],
      ['1.5h', 5_400_000],
      ['20 min', 1_200_000],
      ['15 minutes', 900_000],
      ['1 hour and 30 minutes', 5_400_000],
      ['2 Hrs, 10 secs', 7_210_000],
      ['~20m', 1_200_000],
      ['about 20 minutes', 1_200_000],
      ['around 1.5h', 5_400_000],
      ['an hour', 3_600_000],
      ['about half an hour', 1_800_000],
      ['1 hour and a minute', 3_660_000],
      ['approx. 45 min', 2_700_000],
    ] as const) {
      fs.writeFileSync(path.join(cwd, 'teams/mini.yaml'), edit('    blockedBy: [profile]\n', `    blockedBy: [profile]\n    estimate: ${text}\n`));
      expect(loadTeam('mini', { cwd, home, env: {} }).team.tasks[1]?.estimateMs).toBe(ms);
    }
    const withEstimate = (value: string) => errorsOf(edit('    blockedBy: [profile]\n', `    blockedBy: [profile]\n    estimate: ${value}\n`));
    expect(withEstimate('90')).toEqual([
      'teams/mini.yaml:38: task "train": "estimate" must be a duration such as 90s, 20m, 1h30m, 1.5h or 20 minutes, not the number 90. Fix: write it like estimate: 20m',
    ]);
    expect(withEstimate('soon')).toEqual([
      'teams/mini.yaml:38: task "train": "estimate" must be a duration such as 90s, 20m, 1h30m, 1.5h or 20 minutes, not text "soon". Fix: write it like estimate: 20m',
    ]);
    for (const bad of ['0m', '20m 20m', '2 days', 'maybe 20m', '20 m!', '[20m]', '""', '20-30 min']) expect(withEstimate(bad), bad).toHaveLength(1);
    expect(withEstimate('0m')[0]).toContain('must be longer than zero, not "0m"');
    expect(withEstimate('0 days')[0]).toContain('must be a duration such as');
    expect(withEstimate('20-30 min')[0]).toContain('must be one duration, not the range "20-30 min". Fix: pick one');
    expect(withEstimate('1h-2h')[0]).toContain('not the range "1h-2h"');
    expect(withEstimate('[20m]')[0]).toContain('not a list');
  });

  it('estimates read back the way they are shown', () => {
    for (const [ms, text] of [
      [5_400_000, '1h30m'],
      [1_200_000, '20m'],
      [90_000, '1m30s'],
      [7_200_000, '2h'],
      [3_605_000, '1h5s'],
      [400, '1s'],
    ] as const) {
      expect(formatEstimate(ms)).toBe(text);
      expect(parseDuration(text)).toBe(Math.max(1000, ms));
    }
  });

  it('bad sim steps', () => {
    expect(errorsOf(edit('- say: Looking at the data', '- sya: Looking at the data'))).toEqual([
      'teams/mini.yaml:24: task "profile" sim step 1: no known action in "sya" (did you mean "say"?). Fix: start the step with one of say:, bash:, write:, read:, ask:, metrics:, record:, message:',
    ]);
    expect(errorsOf(edit(', { label: 60 days }', ''))).toEqual([
      'teams/mini.yaml:25: task "profile" sim step 2: "ask.options" needs at least 2 entries. Fix: write it like options: [{ label: "30 days", value: "30" }, { label: "60 days", value: "60" }]',
    ]);
    expect(errorsOf(edit('header: Window', 'header: A very long header'))).toEqual([
      'teams/mini.yaml:25: task "profile" sim step 2: "ask.header" is longer than 12 characters. Fix: shorten it, e.g. header: "Churn def"',
    ]);
    expect(errorsOf(edit('timeout: 30', 'timeout: soon'))).toEqual([
      'teams/mini.yaml:27: task "profile" sim step 3: "timeout" must be a number, not text "soon". Fix: write it like timeout: 120',
    ]);
    expect(errorsOf(edit('- read: notes/profile.md', '- read: notes/profile.md\n          say: two things'))).toEqual([
      'teams/mini.yaml:29: task "profile" sim step 5: a sim step does one thing, but this one has several actions. Fix: split it into one step per action (say:, bash:, write:, read:, ask:, metrics:, record:, message:)',
    ]);
    expect(errorsOf(edit('- message: { to: mle, text: Profile is ready }', '- message: { to: mle, body: Profile is ready }'))).toEqual([
      'teams/mini.yaml:31: task "profile" sim step 7: missing required field "text". Fix: add text: "Features are ready"',
      'teams/mini.yaml:31: task "profile" sim step 7: "message": unknown field "body". Fix: remove it or rename it (allowed: to, text)',
    ]);
    expect(errorsOf(edit('- metrics: reports/metrics.json\n      retrain_steps:', '- metrics: 42\n      retrain_steps:'))).toEqual([
      'teams/mini.yaml:41: task "train" sim step 2: "metrics" must be text, not the number 42. Fix: write it like metrics: reports/metrics.json',
    ]);
  });

  it('YAML syntax errors', () => {
    expect(errorsOf(edit('    subject: Train the model\n', '   subject: Train the model\n'))).toEqual([
      'teams/mini.yaml:33: bad YAML: Sequence item without - indicator. Fix: check the indentation (spaces, not tabs) and quote values that contain ": " or start with a special character',
      'teams/mini.yaml:34: bad YAML: Nested mappings are not allowed in compact mappings. Fix: check the indentation (spaces, not tabs) and quote values that contain ": " or start with a special character',
      'teams/mini.yaml:35: bad YAML: Nested mappings are not allowed in compact mappings. Fix: check the indentation (spaces, not tabs) and quote values that contain ": " or start with a special character',
    ]);
    expect(errorsOf('name: [unclosed\n')).toEqual([
      'teams/mini.yaml:2: bad YAML: Flow sequence in block collection must be sufficiently indented and end with a ]. Fix: check the indentation (spaces, not tabs) and quote values that contain ": " or start with a special character',
    ]);
  });

  it('a file that is not a mapping', () => {
    expect(errorsOf('- just\n- a list\n')).toEqual([
      'teams/mini.yaml:1: a team file must be a mapping with name, members, pipeline and tasks, not a list or a single value. Fix: give it name:, members:, pipeline: and tasks: (`team teams show churn-project` shows a whole team)',
    ]);
  });

  it('missing workspace folder', () => {
    expect(errorsOf(edit('workspace: ./mini', 'workspace: ./missing'))).toEqual([
      `teams/mini.yaml:4: workspace folder "./missing" does not exist (looked at ${path.join(cwd, 'teams/missing')}). Fix: create it, or correct the path (it is relative to the team file)`,
    ]);
  });

  it('a name that differs from the file name is a warning', () => {
    const result = check(edit('name: mini', 'name: other'));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      'teams/mini.yaml:2: name "other" differs from the file name "mini"; `team start mini` finds this file, runs are recorded as "other". Fix: rename one to match',
    ]);
  });

  it('loadTeam throws a DefinitionError with every error', () => {
    const text = edit('stage: training', 'stage: trainig').replace('id: ship', 'id: train');
    fs.writeFileSync(path.join(cwd, 'teams/mini.yaml'), text);
    let caught: unknown;
    try {
      loadTeam('mini', { cwd, home, env: {} });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DefinitionError);
    const error = caught as DefinitionError;
    expect(error.file).toBe(path.join(cwd, 'teams/mini.yaml'));
    expect(error.line).toBe(45);
    expect(error.message).toBe('teams/mini.yaml:45: task id "train" is used twice (lines 32 and 45). Fix: give each task its own id');
    expect(error.errors).toHaveLength(2);
  });
});

describe('finding teams', () => {
  it('lists project teams before built-in ones and says when a name is unknown', () => {
    writeFiles(cwd, { 'teams/mini.yaml': BASE, 'teams/other.yml': 'name: other\ndescription: Another team.\n' });
    const teams = listTeams({ cwd });
    expect(teams.filter((team) => team.source === 'project').map((team) => [team.name, team.description])).toEqual([
      ['mini', 'A small test team.'],
      ['other', 'Another team.'],
    ]);
    expect(() => loadTeam('mni', { cwd, home })).toThrow(/^team "mni" not found \(did you mean "mini"\?\); looked for teams\/mni\.yaml and .*Fix: use one of .*mini.*create teams\/mni\.yaml or pass the path of a team file$/);
    expect(() => loadTeam('teams/nope.yaml', { cwd, home })).toThrow('teams/nope.yaml: team file not found. Fix: check the path');
  });

  it('says a folder is a folder, not that it is missing', () => {
    fs.mkdirSync(path.join(cwd, 'teams', 'dir.yaml'), { recursive: true });
    fs.mkdirSync(path.join(cwd, 'plans'), { recursive: true });
    const folder = (where: string) => `${where} is a folder, not a team file. Fix: pass the path of a .yaml team file, or a team name from \`team teams list\``;
    expect(() => loadTeam('dir', { cwd, home })).toThrow(folder('teams/dir.yaml'));
    expect(() => loadTeam('teams/dir.yaml', { cwd, home })).toThrow(folder('teams/dir.yaml'));
    expect(() => loadTeam('./plans', { cwd, home })).toThrow(folder('plans'));
    expect(() => loadTeam('plans', { cwd, home })).toThrow(folder('plans'));
    // A folder that happens to share a team's name does not hide the team.
    writeFiles(cwd, { 'teams/mini.yaml': BASE });
    fs.mkdirSync(path.join(cwd, 'mini'));
    expect(loadTeam('mini', { cwd, home }).team.name).toBe('mini');
  });

  it('loads the built-in churn-project team once it exists', () => {
    const builtin = path.join(packageRoot(), 'teams/churn-project.yaml');
    if (!fs.existsSync(builtin)) return;
    const loaded = loadTeam('churn-project', { cwd, home, env: {} });
    expect(loaded.team.name).toBe('churn-project');
    expect(loaded.members.length).toBeGreaterThan(0);
  });
});

describe('findCycles', () => {
  it('reports each cycle once', () => {
    expect(findCycles([{ id: 'a', blockedBy: ['b'] }, { id: 'b', blockedBy: ['c'] }, { id: 'c', blockedBy: ['a'] }, { id: 'd', blockedBy: ['a'] }])).toEqual([['a', 'b', 'c', 'a']]);
    expect(findCycles([{ id: 'a', blockedBy: [] }, { id: 'b', blockedBy: ['a'] }])).toEqual([]);
  });
});
