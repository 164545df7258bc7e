import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { openBoard } from '../../src/board/open.js';
import { ensureBuilt, outputLinesSeen, sleep, spawnTeam } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';
import { call, isRecord, joinOverMcp, type Joined } from './helpers.js';

const ROLE = 'devops-engineer';
const dirs: string[] = [];
const joined: Joined[] = [];

afterAll(async () => {
  for (const j of joined) await j.close().catch(() => undefined);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface TaskRow {
  id: string;
  subject: string;
  status: string;
  owner?: string;
  role?: string;
  blockedBy?: string[];
  gate?: unknown;
}

function tasksOf(result: Record<string, unknown>): TaskRow[] {
  const tasks = result.tasks;
  return Array.isArray(tasks) ? tasks.filter((t): t is TaskRow => isRecord(t) && typeof t.id === 'string' && typeof t.status === 'string') : [];
}

/** The next task this member may take (or already holds), as TaskList shows it. */
function nextTask(tasks: TaskRow[], me: string): TaskRow | undefined {
  const mine = tasks.find((t) => t.status === 'in_progress' && t.owner === me);
  if (mine) return mine;
  return tasks.find((t) => t.status === 'pending' && (!t.owner || t.owner === me) && (!t.role || t.role === ROLE) && (t.blockedBy ?? []).length === 0 && !t.gate);
}

/** `node scripts/x.js --flag` in the workspace, as a teammate with its own shell would run it. */
function run(workspace: string, command: string): string {
  const [program, ...args] = command.trim().split(/\s+/);
  if (program !== 'node') throw new Error(`the scripted member only runs node scripts, not: ${command}`);
  return execFileSync(process.execPath, args, { cwd: workspace, encoding: 'utf8', timeout: 60_000 });
}

/**
 * Carry out one task by reading its description, as a real teammate in another client would:
 * ask the person when it says so, save the answer with the config command it gives, run the
 * commands it names, record the metrics of the report it names, then complete the task.
 */
async function work(client: Client, workspace: string, id: string): Promise<void> {
  const got = await call(client, 'TaskGet', { taskId: id });
  const task = isRecord(got.result.task) ? got.result.task : {};
  const description = String(task.description ?? '');
  const metadata: Record<string, unknown> = {};

  const setting = /node scripts\/config\.js set (\w+)=<([^>]+)>/.exec(description);
  if (/AskUserQuestion/.test(description) && setting) {
    const [, key = '', choices = ''] = setting;
    const options = choices.split('|').map((value) => ({ label: value, description: `Set ${key} to ${value}.` }));
    const asked = await call(client, 'AskUserQuestion', { questions: [{ question: `${String(task.subject)}: which ${key}?`, header: key.slice(0, 12), multiSelect: false, options }] }, { timeout: 120_000, resetTimeoutOnProgress: true });
    const answers = isRecord(asked.result.answers) ? Object.values(asked.result.answers) : [];
    const picked = String(answers[0] ?? '');
    if (!choices.split('|').includes(picked)) throw new Error(`unexpected answer for ${key}: ${picked}`);
    run(workspace, `node scripts/config.js set ${key}=${picked}`);
    metadata[key] = picked;
  }
  for (const match of description.matchAll(/\b[Rr]un `(node scripts\/[^`]+)`/g)) run(workspace, match[1] ?? '');
  const report = /metadata\.metrics from (reports\/[\w.-]+\.json)/.exec(description)?.[1];
  if (report) {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(workspace, report), 'utf8'));
    const numbers = isRecord(parsed) ? Object.entries(parsed).filter(([, v]) => typeof v === 'number') : [];
    metadata.metrics = Object.fromEntries(numbers);
  }
  const done = await call(client, 'TaskUpdate', { taskId: id, status: 'completed', metadata });
  if (done.isError) throw new Error(`could not complete #${id}: ${JSON.stringify(done.result)}`);
}

describe('churn-project with an open seat played over MCP', () => {
  it('completes when a scripted MCP client plays devops and the simulated model the others', async () => {
    await ensureBuilt();
    const dir = smallChurnProject();
    dirs.push(dir);
    const child = spawnTeam(dir, ['start', 'churn-project', '--open-seats', `devops:${ROLE}`, '--headless', '--auto-answer', '--instant']);
    let exited = false;
    void child.then(() => (exited = true));
    // The run exists once the first progress line is out.
    expect(await outputLinesSeen(child, 1)).toBe(true);

    const seat = await joinOverMcp(dir, ['--run', '1', '--as', 'devops']);
    joined.push(seat);
    const workspace = /The run's workspace \(where the team's files are\): (.+)/.exec(seat.client.getInstructions() ?? '')?.[1] ?? '';
    expect(fs.existsSync(path.join(workspace, 'scripts', 'deploy.js'))).toBe(true);

    const worked: string[] = [];
    while (!exited) {
      const list = await call(seat.client, 'TaskList');
      if (String(list.inbox?.run ?? '').includes('nothing more to do')) break;
      const task = nextTask(tasksOf(list.result), 'devops');
      if (!task) {
        await sleep(100);
        continue;
      }
      if (task.status === 'pending') {
        const claimed = await call(seat.client, 'TaskUpdate', { taskId: task.id, status: 'in_progress' });
        if (claimed.isError) continue;
      }
      await work(seat.client, workspace, task.id);
      worked.push(task.subject);
    }
    const result = await child;
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toContain(`team: open seat devops (${ROLE}) waits for an MCP client: team mcp --run 1 --as devops`);
    expect(worked).toEqual(['Serve the model and smoke-test it', 'Roll out the model']);

    const board = await openBoard(path.join(dir, '.team', 'board.db'));
    try {
      expect(await board.requireRun(1)).toMatchObject({ status: 'completed' });
      const devops = (await board.listTaskRows(1)).filter((t) => t.role === ROLE);
      expect(devops.map((t) => [t.key, t.status, t.owner])).toEqual([
        ['serve-and-smoke-test', 'completed', 'devops'],
        ['rollout', 'completed', 'devops'],
      ]);
      expect(devops[0]?.metadata.metrics).toMatchObject({ checks_passed: expect.any(Number) });
      expect(devops[1]?.metadata).toMatchObject({ rollout: 'canary-10' });
      expect(JSON.parse(fs.readFileSync(path.join(workspace, 'deploy', 'manifest.json'), 'utf8'))).toMatchObject({ strategy: 'canary-10' });
      const asked = (await board.listQuestions(1)).filter((q) => q.askedBy === 'devops');
      expect(asked.map((q) => [q.kind, q.status, q.answeredBy])).toEqual([['agent', 'answered', 'auto']]);
    } finally {
      await board.close();
    }
  }, 180_000);
});
