import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { beforeEach, describe, expect, it } from 'vitest';
import { registerAgentsCommand } from '../../src/cli/commands/agents.js';
import type { CommandIO } from '../../src/cli/io.js';
import { registerTeamsCommand } from '../../src/cli/commands/teams.js';
import { AGENT_FIXTURES, FIXTURES, agentFile, tempDir, writeFiles } from './helpers.js';

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

let cwd: string;
let home: string;

beforeEach(() => {
  cwd = tempDir('teamboard-cli-');
  home = tempDir('teamboard-home-');
});

async function run(...args: string[]): Promise<Run> {
  const result: Run = { stdout: '', stderr: '', exitCode: undefined };
  const io: CommandIO = {
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    setExitCode: (code) => void (result.exitCode = code),
    cwd: () => cwd,
    home: () => home,
    env: {},
  };
  const program = new Command('team').exitOverride();
  registerAgentsCommand(program, io);
  registerTeamsCommand(program, io);
  await program.parseAsync(args, { from: 'user' });
  return result;
}

describe('team agents', () => {
  it('list shows the winner of each name and what it shadows', async () => {
    writeFiles(cwd, { 'agents/ml-engineer.md': agentFile('ml-engineer', 'model: opus\n') });
    const { stdout, stderr, exitCode } = await run('agents', 'list');
    expect(stderr).toBe('');
    expect(exitCode).toBeUndefined();
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SOURCE\s+MODEL\s+FILE$/);
    expect(lines.find((line) => line.startsWith('ml-engineer'))).toMatch(/^ml-engineer\s+project\s+opus -> claude-opus-5-5\s+agents\/ml-engineer\.md$/);
    expect(lines.find((line) => line.includes('shadows'))).toMatch(/^\s+shadows builtin\s+.*agents\/ml-engineer\.md$/);
    expect(lines.find((line) => line.startsWith('data-scientist'))).toMatch(/builtin\s+inherit -> claude-sonnet-5-5/);
  });

  it('list --json', async () => {
    writeFiles(cwd, { 'agents/broken.md': '---\nname: broken\n' });
    const { stdout, stderr } = await run('agents', 'list', '--json');
    const data = JSON.parse(stdout) as { agents: { name: string; resolvedModel: string }[]; errors: { message: string }[] };
    expect(data.agents.map((agent) => agent.name)).toEqual(['data-scientist', 'devops-engineer', 'ml-engineer', 'mlops-engineer']);
    expect(data.agents[0]?.resolvedModel).toBe('claude-sonnet-5-5');
    expect(data.errors.map((error) => error.message)).toEqual([
      'agents/broken.md:1: the frontmatter opened here is never closed. Fix: add a line "---" after the last field (name, description, tools, ...) and before the prompt',
    ]);
    expect(stderr).toBe(`team: ${data.errors[0]?.message}\n`);
  });

  it('show prints model, tools, warnings and the prompt within 80 columns', async () => {
    const { stdout, exitCode } = await run('agents', 'show', path.join(AGENT_FIXTURES, 'unknown-tools.md'));
    expect(exitCode).toBeUndefined();
    expect(stdout).toContain('\n  model    inherit -> claude-sonnet-5-5\n');
    expect(stdout).toContain('\n  ignored  mlflow, WebSearch, mcp__github__search_code, Task (not provided by\n           teamboard)\n');
    expect(stdout).toContain('--- prompt ---\nYou try your best with what you get.\n');
    const lines = stdout.split('\n');
    for (const line of lines.slice(0, lines.indexOf('--- prompt ---'))) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('show fits a file in a deep folder within 80 columns, naming it from ~ when it lies under home', async () => {
    // However deep the checkout: the path breaks after a "/" instead of running past the width.
    const deep = path.join(tempDir('teamboard-deep-'), 'a-very-long-directory-name-for-testing-paths', 'x'.repeat(40), 'teamboard');
    fs.mkdirSync(deep, { recursive: true });
    const file = path.join(deep, 'unknown-tools.md');
    fs.copyFileSync(path.join(AGENT_FIXTURES, 'unknown-tools.md'), file);
    const { stdout } = await run('agents', 'show', file);
    const head = stdout.split('\n--- prompt ---\n')[0] ?? '';
    for (const line of head.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    const fileRow = head.slice(head.indexOf('  file '), head.indexOf('\n  model '));
    const joined = fileRow.replace(/\/\n +/g, '/').replace(/\n +/g, ' ').replace(/^ {2}file +/, '');
    expect(joined).toBe(`${file} (path)`);

    const underHome = path.join(home, 'agents', 'unknown-tools.md');
    fs.mkdirSync(path.dirname(underHome), { recursive: true });
    fs.copyFileSync(file, underHome);
    expect((await run('agents', 'show', underHome)).stdout).toContain('\n  file     ~/agents/unknown-tools.md (path)\n');
  });

  it('show --json and an unknown name', async () => {
    const shown = await run('agents', 'show', 'ml-engineer', '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ name: 'ml-engineer', source: 'builtin', resolvedModel: 'claude-sonnet-5-5' });
    const missing = await run('agents', 'show', 'ml-enginer');
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(
      'team: agent "ml-enginer" not found (did you mean "ml-engineer"?). Fix: use one of data-scientist, devops-engineer, ml-engineer, mlops-engineer, or add agents/ml-enginer.md\n',
    );
    expect(missing.exitCode).toBe(1);
  });

  it('validate reports OK, warnings and errors per file and fails on errors', async () => {
    const files = ['comma-string.md', 'unknown-model.md', 'broken-yaml.md'].map((name) => path.join(AGENT_FIXTURES, name));
    const { stdout, exitCode } = await run('agents', 'validate', ...files);
    const label = (name: string): string => path.join(AGENT_FIXTURES, name);
    expect(stdout).toBe(
      [
        `OK     ${label('comma-string.md')} (comma-string)`,
        `WARN   ${label('unknown-model.md')} (unknown-model)`,
        `       ${label('unknown-model.md')}:4: model "gpt-4o" is neither an alias (sonnet, opus, haiku, fable, mythos, inherit) nor a Claude model id; it will be sent to the API as written`,
        `ERROR  ${label('broken-yaml.md')}`,
        `       ${label('broken-yaml.md')}:6: bad YAML in frontmatter: A block sequence may not be used as an implicit map key. Fix the indentation (spaces, not tabs) or put the value in quotes`,
        '3 files: 1 ok, 1 with warnings, 1 with errors',
        '',
      ].join('\n'),
    );
    expect(exitCode).toBe(1);
  });

  it('validate with only warnings exits zero, and with no paths checks the search path', async () => {
    const warned = await run('agents', 'validate', path.join(AGENT_FIXTURES, 'unknown-tools.md'));
    expect(warned.exitCode).toBeUndefined();
    writeFiles(cwd, { 'agents/README.md': '# notes\n', 'agents/extra.md': agentFile('extra') });
    const all = await run('agents', 'validate', '--json');
    const results = JSON.parse(all.stdout) as { file: string; ok: boolean; skipped?: boolean }[];
    expect(results.filter((result) => result.file.startsWith(cwd)).map((result) => [path.relative(cwd, result.file), result.ok, result.skipped ?? false])).toEqual([
      ['agents/extra.md', true, false],
      ['agents/README.md', true, true],
    ]);
    expect(results.filter((result) => !result.skipped)).toHaveLength(5);
    expect(all.exitCode).toBeUndefined();
  });
});

describe('team teams', () => {
  beforeEach(() => {
    fs.mkdirSync(path.join(cwd, 'teams/mini'), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'teams/mini.yaml'), path.join(cwd, 'teams/mini.yaml'));
  });

  it('list', async () => {
    const { stdout } = await run('teams', 'list');
    expect(stdout.split('\n')).toContain('mini           project  A small test team.');
    const json = JSON.parse((await run('teams', 'list', '--json')).stdout) as { name: string; source: string }[];
    expect(json.find((team) => team.name === 'mini')?.source).toBe('project');
  });

  it('show prints members, pipeline, gates and the task graph in 80 columns', async () => {
    const { stdout, exitCode } = await run('teams', 'show', 'mini');
    expect(exitCode).toBeUndefined();
    expect(stdout).toBe(
      [
        'mini  (teams/mini.yaml, project)',
        'A small test team.',
        '',
        'Members',
        '  NAME  AGENT           ROLE            MODEL',
        '  ds    data-scientist  data-scientist  claude-sonnet-5-5',
        '  mle   ml-engineer     ml-engineer     claude-opus-5-5',
        '',
        'Pipeline: data -> training -> deploy',
        '',
        'Gates',
        '  before deploy: auc of train >= 0.7, > baseline (retrain: train)',
        '  before deploy: human approval: "Ship it?"',
        '',
        'Budget: $2.00, 500,000 tokens',
        'Workspace: teams/mini',
        '',
        'Tasks',
        '  data',
        '    profile  [data-scientist]',
        '      Profile the data',
        '  training',
        '    train  [ml-engineer]',
        '      Train the model',
        '      after: profile',
        '  deploy  (behind 2 gates)',
        '    ship',
        '      Ship the model',
        '      after: train',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await run('teams', 'show', 'mini', '--json')).stdout) as { members: { name: string; model: string }[] };
    expect(json.members).toEqual([
      expect.objectContaining({ name: 'ds', agent: 'data-scientist', role: 'data-scientist', model: 'claude-sonnet-5-5' }),
      expect.objectContaining({ name: 'mle', agent: 'ml-engineer', role: 'ml-engineer', model: 'claude-opus-5-5' }),
    ]);
  });

  it('show gives each estimate after its task, in the form a team file takes', async () => {
    const file = path.join(cwd, 'teams/mini.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('blockedBy: [profile]', 'blockedBy: [profile]\n    estimate: 1.5 hours'));
    const { stdout } = await run('teams', 'show', 'mini');
    expect(stdout.split('\n')).toContain('    train  [ml-engineer]  ~1h30m');
    expect(stdout.split('\n')).toContain('    profile  [data-scientist]');
    const json = JSON.parse((await run('teams', 'show', 'mini', '--json')).stdout) as { team: { tasks: { id: string; estimateMs?: number }[] } };
    expect(json.team.tasks.find((t) => t.id === 'train')?.estimateMs).toBe(5_400_000);
  });

  it('show on a broken team prints every error on stderr and exits 1', async () => {
    const file = path.join(cwd, 'teams/mini.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('stage: training', 'stage: trainig').replace('blockedBy: [profile]', 'blockedBy: [profle]'));
    const { stdout, stderr, exitCode } = await run('teams', 'show', 'mini');
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        'team: teams/mini.yaml:35: task "train" has stage "trainig", which is not in the pipeline (did you mean "training"?). Fix: use one of data, training, deploy or add "trainig" to pipeline',
        'team: teams/mini.yaml:37: task "train" is blocked by unknown task "profle" (did you mean "profile"?). Fix: use the id of a task in this file',
        '',
      ].join('\n'),
    );
    expect(exitCode).toBe(1);
    expect((await run('teams', 'show', 'nobody')).stderr).toMatch(/^team: team "nobody" not found/);
  });

  it('validate by name or path, and every team when none is given', async () => {
    const ok = await run('teams', 'validate', 'mini');
    expect(ok.stdout).toBe(`OK     teams/mini.yaml (mini)\n1 file: 1 ok, 0 with warnings, 0 with errors\n`);
    expect(ok.exitCode).toBeUndefined();

    writeFiles(cwd, { 'teams/bad.yaml': 'name: bad\n' });
    const bad = await run('teams', 'validate', 'teams/bad.yaml', '--json');
    expect(JSON.parse(bad.stdout)).toEqual([
      {
        file: path.join(cwd, 'teams/bad.yaml'),
        name: 'bad',
        ok: false,
        errors: [
          'teams/bad.yaml:1: missing required field "members". Fix: add members: [{ name: ds, agent: data-scientist }]',
          'teams/bad.yaml:1: missing required field "pipeline". Fix: add pipeline: [data, features, training, validation, deploy]',
          'teams/bad.yaml:1: missing required field "tasks". Fix: add tasks: [{ id: train-model, subject: ..., description: ..., stage: training }]',
        ],
        warnings: [],
      },
    ]);
    expect(bad.exitCode).toBe(1);

    const all = await run('teams', 'validate');
    expect(all.stdout).toMatch(/^ERROR {2}teams\/bad\.yaml \(bad\)$/m);
    expect(all.stdout).toMatch(/^OK {5}teams\/mini\.yaml \(mini\)$/m);
    expect(all.exitCode).toBe(1);

    const missing = await run('teams', 'validate', 'nothere');
    expect(missing.stdout).toMatch(/^ERROR {2}nothere\n {7}team "nothere" not found/);
  });
});
