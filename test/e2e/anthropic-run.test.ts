/**
 * The anthropic backend end to end, offline: the built CLI drives the real SDK against a local
 * fake Messages API (`team sim-server` as a child process, or the server in this process when a
 * test needs to inject faults).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ResultPromise } from 'execa';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ALIASES } from '../../src/definitions/model-aliases.js';
import { startFakeMessagesApi, type FakeMessagesApi } from '../../src/models/fake/messages-api.js';
import { ensureBuilt, outputSeen, sleep, spawnTeam, statusJson, team, tempDir, waitForOpenQuestion } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';

interface MemberStatus {
  name: string;
  model: string;
  status: string;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

interface FullStatus {
  run: { status: string; reason: string | null; backend: string };
  totals: { calls: number; tokens: number; costUsd: number };
  members: MemberStatus[];
  tasks: { status: string }[];
}

let cwd: string;
let api: FakeMessagesApi | undefined;
let server: ResultPromise | undefined;

beforeAll(ensureBuilt, 120_000);

beforeEach(() => {
  cwd = smallChurnProject(tempDir('teamboard-anthropic-'));
});

afterEach(async () => {
  server?.kill('SIGTERM');
  await server?.catch(() => undefined);
  server = undefined;
  await api?.close();
  api = undefined;
  fs.rmSync(cwd, { recursive: true, force: true });
});

const workspace = () => path.join(cwd, '.team', 'runs', '1', 'workspace');
const claude = (url: string) => ({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: url });

async function fullStatus(): Promise<FullStatus> {
  const result = await team(cwd, ['status', '1', '--json']);
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as FullStatus;
}

/** `team sim-server --port 0` in a child process; resolves with the URL it printed. */
async function startSimServer(): Promise<string> {
  const child = spawnTeam(cwd, ['sim-server', '--port', '0', '--speed', '1000']);
  server = child;
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await outputSeen(child, 'Ctrl-C to stop');
  const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)?.[1];
  if (!url) throw new Error(`team sim-server printed no URL:\n${out}`);
  return url;
}

describe('team start on the anthropic backend (built CLI, real SDK, local fake Messages API)', () => {
  it('picks anthropic when a key is set and completes churn-project through team sim-server, with tokens and cost per member and per task', async () => {
    const url = await startSimServer();
    const result = await team(cwd, ['start', 'churn-project', '--headless', '--auto-answer', '--speed', '50'], claude(url));
    expect(result.stderr).toBe(`team: run 1 of churn-project on anthropic (Claude via ${url}); workspace ${workspace()}`);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('run 1 started: team churn-project, backend anthropic (seed 42)');
    expect(lines).toContain('Run 1 (churn-project) completed: 12 tasks completed');
    expect(lines.find((line) => line.startsWith('  cost  '))).toMatch(/^ {2}cost {7}\$0\.\d{4}$/);

    const status = await fullStatus();
    expect(status.run).toMatchObject({ status: 'completed', backend: 'anthropic' });
    expect(status.members.map((m) => m.name)).toEqual(['devops', 'ds', 'mle', 'mlops']);
    for (const member of status.members) {
      // Every built-in agent says `model: inherit`: the team default, resolved to a full model id.
      expect(member.model, member.name).toBe(DEFAULT_MODEL_ALIASES.sonnet);
      expect(member.turns, member.name).toBeGreaterThan(0);
      expect(member.outputTokens, member.name).toBeGreaterThan(0);
      expect(member.cacheReadTokens + member.cacheWriteTokens + member.inputTokens, member.name).toBeGreaterThan(0);
      expect(member.costUsd, member.name).toBeGreaterThan(0);
    }
    const memberCost = status.members.reduce((sum, m) => sum + m.costUsd, 0);
    expect(status.totals.costUsd).toBeCloseTo(memberCost, 9);

    const report = await team(cwd, ['export', '1', '--format', 'json']);
    expect(report.exitCode).toBe(0);
    const exported = JSON.parse(report.stdout) as { tasks: { id: number; status: string; tokens: number; costUsd: number }[]; members: { name: string; model: string; costUsd: number }[] };
    expect(exported.tasks).toHaveLength(12);
    for (const task of exported.tasks) {
      expect(task.status, `task #${task.id}`).toBe('completed');
      expect(task.tokens, `task #${task.id}`).toBeGreaterThan(0);
      expect(task.costUsd, `task #${task.id}`).toBeGreaterThan(0);
    }
    // Turns spent looking for work belong to no task, so tasks cost less than the run.
    expect(exported.tasks.reduce((sum, t) => sum + t.costUsd, 0)).toBeLessThan(status.totals.costUsd);
    expect(exported.members.map((m) => [m.name, m.model])).toEqual(status.members.map((m) => [m.name, DEFAULT_MODEL_ALIASES.sonnet]));

    // Every call went through the server: it counts them when it stops.
    server?.kill('SIGTERM');
    const stopped = await server;
    expect(String(stopped?.stdout)).toContain(`stopped after ${status.totals.calls} message requests`);
  });

  it('a key the API refuses (401) stops every member with one line naming the cause, and the run fails', async () => {
    api = await startFakeMessagesApi({ port: 0, responder: 'sim', simOptions: { speed: 1000 }, apiKey: 'sk-ant-the-right-one' });
    const result = await team(cwd, ['start', 'churn-project', '--headless', '--auto-answer', '--speed', '50'], claude(api.url));
    expect(result.exitCode).toBe(1);
    const cause = 'Anthropic API rejected the key (401 authentication_error: invalid x-api-key): check ANTHROPIC_API_KEY';
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => line.includes(' stopped: ')).sort()).toEqual(['devops', 'ds', 'mle', 'mlops'].map((m) => `${m} stopped: ${cause}`));
    expect(lines).toContain(`Run 1 (churn-project) failed: every member stopped (ds, mle, mlops, devops): ${cause}`);

    const status = await fullStatus();
    expect(status.run).toEqual(expect.objectContaining({ status: 'failed', reason: `every member stopped (ds, mle, mlops, devops): ${cause}` }));
    expect(status.members.map((m) => [m.name, m.status, m.costUsd])).toEqual(['devops', 'ds', 'mle', 'mlops'].map((m) => [m, 'stopped', 0]));
    expect(status.tasks.every((t) => t.status === 'pending')).toBe(true);
    // Not retried: one refused request per member, and the key never recorded.
    const messages = api.requests.filter((r) => r.path === '/v1/messages');
    expect(messages.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(messages.every((r) => !('x-api-key' in r.headers) && !('authorization' in r.headers))).toBe(true);
  });

  it('a tiny --budget-usd pauses the run with a budget question; answered "Stop" from another process, the run stops (exit 3)', async () => {
    api = await startFakeMessagesApi({ port: 0, responder: 'sim', simOptions: { speed: 1000 } });
    const run = spawnTeam(cwd, ['start', 'churn-project', '--headless', '--speed', '50', '--budget-usd', '0.01'], claude(api.url));
    await outputSeen(run, 'run 1 started');
    await waitForOpenQuestion(cwd, 'the budget question', (q) => q.kind === 'budget');
    const budget = (await statusJson(cwd)).questions.find((q) => q.kind === 'budget');
    if (!budget) throw new Error('team status shows no budget question');
    expect(budget.questions[0]?.question).toMatch(/^The run has used \$0\.0\d of \$0\.01\. The team is paused\. Raise the budget or stop\?$/);
    const paused = await statusJson(cwd);
    expect(paused.run.status).toBe('paused');
    expect(paused.run.reason).toMatch(/^budget reached: \$0\.0\d of \$0\.01$/);
    // Paused: no member calls the model any more.
    const calls = api.requests.length;
    await sleep(500);
    expect(api.requests.length).toBe(calls);

    const answered = await team(cwd, ['answer', '1', budget.id, 'Stop']);
    expect(answered).toEqual({ stdout: `Answered ${budget.id}: Stop`, stderr: '', exitCode: 0 });
    const result = await run;
    expect(result.exitCode).toBe(3);
    expect(String(result.stdout).split('\n')).toContain('Run 1 (churn-project) stopped: stopped at the budget by a person');
    const status = await fullStatus();
    expect(status.run).toMatchObject({ status: 'stopped', reason: 'stopped at the budget by a person' });
    expect(status.totals.costUsd).toBeGreaterThanOrEqual(0.01);
  });
});
