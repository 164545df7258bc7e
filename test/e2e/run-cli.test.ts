import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BoardEvent } from '../../src/board/events.js';
import { openBoard } from '../../src/board/open.js';
import type { Task } from '../../src/board/types.js';
import type { Report } from '../../src/report/index.js';
import { REPO_ROOT, ensureBuilt, outputSeen, questionsAsked, write, spawnTeam, statusJson, team, tempDir, waitFor } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';

let cwd: string;

beforeAll(ensureBuilt, 120_000);

beforeEach(() => {
  // churn-project on small data: the team, its scripts and its gates as shipped, 1,500 rows.
  cwd = smallChurnProject(tempDir('teamboard-e2e-'));
});

afterEach(() => {
  fs.rmSync(cwd, { recursive: true, force: true });
});

const workspace = () => path.join(cwd, '.team', 'runs', '1', 'workspace');
const readJson = (rel: string) => JSON.parse(fs.readFileSync(path.join(workspace(), rel), 'utf8')) as Record<string, unknown>;

const boardFile = () => path.join(cwd, '.team', 'board.db');

/** Three legs in a row; leg 2 waits for a file named "go" in the workspace, so a test can stop the run during it. */
const RELAY = `
name: relay
description: Three legs run one after the other.
members:
  - { name: ds, agent: data-scientist }
pipeline: [work]
tasks:
  - id: leg-1
    subject: Run leg 1
    stage: work
    description: Run it.
    sim: { steps: [ { bash: "echo 'leg 1' >> relay.log" } ] }
  - id: leg-2
    subject: Run leg 2
    stage: work
    description: Run it when the go file appears.
    blockedBy: [leg-1]
    sim: { steps: [ { bash: "while [ ! -f go ]; do sleep 0.05; done; echo 'leg 2' >> relay.log" } ] }
  - id: leg-3
    subject: Run leg 3
    stage: work
    description: Run it.
    blockedBy: [leg-2]
    sim: { steps: [ { bash: "echo 'leg 3' >> relay.log" } ] }
`;

/** Events and tasks of run 1, read from the board file the CLI wrote. */
async function boardOf(): Promise<{ events: BoardEvent[]; stageOf: Map<number, string | null>; tasks: Task[] }> {
  const board = await openBoard(boardFile(), { mustExist: true });
  try {
    const tasks = await board.listTaskRows(1);
    return { events: await board.listEvents(1), stageOf: new Map(tasks.map((t) => [t.id, t.stage])), tasks };
  } finally {
    await board.close();
  }
}

describe('team start (built CLI)', () => {
  it('runs churn-project headless, instant and auto-answered to completion, in order, with real artifacts', async () => {
    const result = await team(cwd, ['start', 'churn-project', '--headless', '--auto-answer', '--instant']);
    expect(result.stderr).toBe(`team: run 1 of churn-project on sim (simulated model, seed 42, no ANTHROPIC_API_KEY set); workspace ${workspace()}`);
    expect(result.exitCode).toBe(0);

    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('run 1 started: team churn-project, backend sim (seed 42)');
    expect(lines).toContain('ds claimed #1 Decide what counts as churn');
    expect(lines).toContain('auto answered q1: Cancelled');
    expect(lines).toContain('run 1 completed: 12 tasks completed');
    expect(lines).toContain('Run 1 (churn-project) completed: 12 tasks completed');
    expect(lines).toContain('  tasks      12/12 completed, 5 question(s) asked');
    expect(lines).toContain('  report     team export 1');

    const status = await statusJson(cwd);
    expect(status.run).toMatchObject({ id: 1, status: 'completed', reason: '12 tasks completed' });
    expect(status.tasks.map((t) => t.status)).toEqual(Array(12).fill('completed'));
    expect(status.questions).toEqual([]);

    expect(fs.existsSync(path.join(workspace(), 'artifacts/model.json'))).toBe(true);
    const metrics = readJson('reports/metrics.json');
    expect(metrics.auc).toBeGreaterThanOrEqual(0.75);
    expect(metrics.auc).toBeGreaterThan(metrics.baseline_auc as number);
    // The gate judged the AUC the evaluation wrote, as the progress line shows it.
    const gateLine = lines.find((line) => line.startsWith('gate before deploy passed: evaluate-model auc = '));
    expect(gateLine).toMatch(/^gate before deploy passed: evaluate-model auc = 0\.\d+ passes$/);
    expect(Number(/auc = ([\d.]+)/.exec(gateLine ?? '')?.[1])).toBeCloseTo(metrics.auc as number, 3);
    expect(readJson('reports/smoke.json').passed).toBe(true);
    expect(readJson('deploy/manifest.json').strategy).toBe('canary-10');

    // The gate passed before any deploy-stage task was claimed.
    const { events, stageOf } = await boardOf();
    const gatePassed = events.filter((e) => e.type === 'gate.passed').map((e) => e.seq);
    const deployClaims = events.flatMap((e) => (e.type === 'task.claimed' && stageOf.get(e.payload.taskId) === 'deploy' ? [e.seq] : []));
    expect(gatePassed).toHaveLength(2);
    expect(deployClaims).toHaveLength(5);
    expect(Math.max(...gatePassed)).toBeLessThan(Math.min(...deployClaims));
  });

  it('answered from a second process: Features "2" fails the gate, "Retrain" recovers, "Shadow" rolls out; --json gives NDJSON', { timeout: 150_000 }, async () => {
    const run = spawnTeam(cwd, ['start', 'churn-project', '--headless', '--instant', '--json']);
    const given: [string, string, string][] = [];
    const choose = (header: string) => (header === 'Features' ? '2' : header === 'Gate' ? 'Retrain' : header === 'Rollout' ? 'Shadow' : '1');
    // The run's own NDJSON says when it asks: answer then, instead of polling the board. The
    // questions themselves come from `team status --json`.
    for await (const _asked of questionsAsked(run)) {
      const status = await statusJson(cwd).catch(() => null);
      for (const q of status?.questions ?? []) {
        const header = q.questions[0]?.header ?? '';
        const answered = await team(cwd, ['answer', '1', q.id, choose(header)]);
        expect(answered.exitCode).toBe(0);
        given.push([q.id, header, answered.stdout]);
      }
    }
    const result = await run;
    expect(result.exitCode).toBe(0);
    expect(given).toEqual([
      ['q1', 'Churn def', 'Answered q1: Cancelled'],
      ['q2', 'Features', 'Answered q2: Usage-only (faster)'],
      ['q3', 'Optimise', 'Answered q3: AUC'],
      ['q4', 'Gate', 'Answered q4: Retrain'],
      ['q5', 'Approve', 'Answered q5: Approve'],
      ['q6', 'Rollout', 'Answered q6: Shadow'],
    ]);

    const lines = String(result.stdout).trim().split('\n');
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = parsed.at(-1) as Record<string, unknown>;
    expect(summary).toMatchObject({ type: 'summary', run: 1, team: 'churn-project', status: 'completed', reason: '15 tasks completed', backend: 'sim', seed: 42, tasks: { total: 15, completed: 15 }, questions: 6, costUsd: 0 });
    // What the team wrote, not the template's scripts it was given.
    expect(summary.artifacts).toEqual(expect.arrayContaining(['artifacts/model.json', 'dist/model-bundle.json', 'reports/metrics.json', 'reports/model-card.md', 'deploy/manifest.json', 'docs/runbook.md']));
    expect((summary.artifacts as string[]).filter((file) => file.startsWith('scripts/'))).toEqual([]);
    const events = parsed.slice(0, -1);
    expect(events.every((e) => typeof e.seq === 'number' && typeof e.type === 'string' && typeof e.actor === 'string')).toBe(true);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['gate.failed', 'gate.passed']));
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', actor: 'coordinator', payload: { from: 'running', reason: '15 tasks completed' } });
    expect(events.filter((e) => e.type === 'question.answered').map((e) => (e.payload as { answeredBy: string }).answeredBy)).toEqual(Array(6).fill('cli'));

    const manifest = readJson('deploy/manifest.json');
    expect(manifest).toMatchObject({ strategy: 'shadow', initial_traffic_percent: 0 });
    expect(readJson('reports/metrics.json').auc).toBeGreaterThanOrEqual(0.75);

    const md = await team(cwd, ['export', '1']);
    expect(md.exitCode).toBe(0);
    expect(md.stdout).toContain('# Run 1: churn-project (completed)');
    expect(md.stdout).toMatch(/\*Which feature set should the churn model use\?\* \(Full features \/ Usage-only \(faster\)\) -> \*\*Usage-only \(faster\)\*\* \(you, with team answer, after /);
    expect(md.stdout).toMatch(/\*The gate before deploy failed: evaluate-model auc = 0\.\d{3} \(needs >= 0\.75\)\. What now\?\* \(Retrain \/ Override \/ Stop\) -> \*\*Retrain\*\* \(you, with team answer, /);
    expect(md.stdout).toContain('-> **Shadow** (you, with team answer, ');
    expect(md.stdout).toMatch(/^\| 13 \| Build the feature table \(retrain 2\) \| features \| ds \| completed \| 2 \|/m);
    expect(md.stdout).toMatch(/^\| 15 \| Evaluate the model on the held-out test split \(retrain 2\) \| validation \| mle \| completed \| 2 \|/m);

    const json = await team(cwd, ['export', '1', '--format', 'json']);
    expect(json.exitCode).toBe(0);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.decisions.map((d) => [d.id, d.parts[0]?.answer, d.answeredBy])).toEqual([
      ['q1', 'Cancelled', 'cli'],
      ['q2', 'Usage-only (faster)', 'cli'],
      ['q3', 'AUC', 'cli'],
      ['q4', 'Retrain', 'cli'],
      ['q5', 'Approve', 'cli'],
      ['q6', 'Shadow', 'cli'],
    ]);
    expect(report.tasks.filter((t) => t.attempt === 2).map((t) => [t.id, t.key, t.status])).toEqual([
      [13, 'build-features@2', 'completed'],
      [14, 'train-model@2', 'completed'],
      [15, 'evaluate-model@2', 'completed'],
    ]);
    expect(report.gates.map((g) => [g.kind, g.status])).toEqual([
      ['metric', 'passed'],
      ['approval', 'passed'],
    ]);
    // One run, one duration: the summary line, `team runs` and the report agree.
    const runs = JSON.parse((await team(cwd, ['runs', '--json'])).stdout) as { durationMs: number }[];
    expect(runs[0]?.durationMs).toBe(report.duration.ms);
    expect(summary.durationMs).toBe(report.duration.ms);

    const page = await team(cwd, ['export', '1', '--format', 'html']);
    expect(page.exitCode).toBe(0);
    expect(page.stdout).toMatch(/^<!doctype html>/i);
    expect(page.stdout).toContain('</html>');
  });

  it('`team stop` makes a running run exit non-zero, and `team resume` finishes it', async () => {
    // A small team of its own: three steps that take real time, so there is a moment to stop it in.
    write(cwd, 'teams/relay.yaml', RELAY);
    const run = spawnTeam(cwd, ['start', 'relay', '--headless', '--instant', '--auto-answer']);
    await outputSeen(run, 'run 1 started');
    await waitFor('leg 2 to start', async () => ((await boardOf()).tasks.find((t) => t.id === 2)?.status === 'in_progress' ? true : undefined), 30_000, 50);
    const stop = await team(cwd, ['stop', '1']);
    expect(stop).toEqual({ stdout: 'Run 1 stopped. Resume it with `team resume 1`.', stderr: '', exitCode: 0 });
    // The run stops between steps: let leg 2's command finish.
    fs.writeFileSync(path.join(workspace(), 'go'), '');
    const stopped = await run;
    expect(stopped.exitCode).toBe(3);
    expect(String(stopped.stdout)).toContain('Run 1 (relay) stopped: stopped with `team stop`');
    const mid = await statusJson(cwd);
    expect(mid.run).toMatchObject({ status: 'stopped', reason: 'stopped with `team stop`' });
    expect(mid.tasks.map((t) => t.status)).toEqual(['completed', 'in_progress', 'pending']);

    expect(await team(cwd, ['stop', '1'])).toEqual({ stdout: 'Run 1 is already stopped.', stderr: '', exitCode: 0 });

    const resumed = await team(cwd, ['resume', '1', '--headless', '--instant', '--auto-answer']);
    expect(resumed.stderr).toBe('team: resuming run 1 of relay on sim');
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toMatch(/^run 1 resumed by pid \d+ on .+$/m);
    expect(resumed.stdout).toContain('Run 1 (relay) completed: 3 tasks completed');
    const { events } = await boardOf();
    expect(events.flatMap((e) => (e.type === 'task.completed' ? [e.payload.taskId] : []))).toEqual([1, 2, 3]);
    expect(fs.readFileSync(path.join(workspace(), 'relay.log'), 'utf8')).toBe('leg 1\nleg 2\nleg 3\n');

    expect(await team(cwd, ['resume', '1'])).toEqual({ stdout: '', stderr: 'team: run 1 already completed; see `team export 1`', exitCode: 1 });
  });

  it('refuses --backend anthropic without a key, and an unknown team, in one line each', async () => {
    expect(await team(cwd, ['start', 'churn-project', '--backend', 'anthropic', '--headless'])).toEqual({
      stdout: '',
      stderr: 'team: --backend anthropic needs ANTHROPIC_API_KEY; set it, or use --backend sim for a free simulated run',
      exitCode: 1,
    });
    // Nothing was created by the refused start.
    expect(fs.existsSync(path.join(cwd, '.team'))).toBe(false);

    const unknown = await team(cwd, ['start', 'churn-projekt', '--headless']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.split('\n')).toHaveLength(1);
    expect(unknown.stderr).toBe(
      `team: team "churn-projekt" not found (did you mean "churn-project"?); looked for teams/churn-projekt.yaml and ${path.join(REPO_ROOT, 'teams', 'churn-projekt.yaml')}. Fix: use one of churn-project, create teams/churn-projekt.yaml or pass the path of a team file`,
    );

    const missingFile = await team(cwd, ['start', './teams/nope.yaml', '--headless']);
    expect(missingFile).toEqual({ stdout: '', stderr: 'team: teams/nope.yaml: team file not found. Fix: check the path', exitCode: 1 });

    // A chance is from 0 to 1.
    expect(await team(cwd, ['start', 'churn-project', '--headless', '--fail-rate', '2'])).toEqual({ stdout: '', stderr: 'team: --fail-rate must be a number from 0 to 1, got "2"', exitCode: 1 });
    expect(fs.existsSync(path.join(cwd, '.team'))).toBe(false);
  });
});
