/**
 * `team worker` processes on a PostgreSQL board: a coordinator started with --workers-only and one
 * worker per member complete churn-project (small data) with every task done once; a worker killed
 * with -9 in the middle of a task has its members taken back when its lease lapses, the task goes
 * back with attempt + 1 and a note, and a new worker finishes the run.
 *
 * The members run in real time with the simulated model's --instant pace (no waiting between
 * steps): the ordered, virtual-clock driver of `team start --instant` is one process's schedule and
 * cannot be shared between processes; the coordinator keeps real time too.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Board } from '../../src/board/board.js';
import type { BoardEvent } from '../../src/board/events.js';
import { openBoard } from '../../src/board/open.js';
import type { Task } from '../../src/board/types.js';
import { databaseUrl, dropDatabase, POSTGRES_MISSING, POSTGRES_URL_ENV, postgresBinDir, startPostgresCluster, type PostgresCluster } from '../helpers/postgres.js';
import { writeWorkspaceMarker } from '../../src/runtime/workspace-marker.js';
import { ensureBuilt, outputSeen, prepareIn, spawnTeam, team, waitFor } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';

const given = process.env[POSTGRES_URL_ENV];
const bin = given ? undefined : postgresBinDir();
const missing = !given && !bin;
if (missing) console.warn(`\n*** test/e2e/workers.test.ts: ${POSTGRES_MISSING}\n`);

const MEMBERS = ['ds', 'mle', 'mlops', 'devops'];
/** Short enough that a killed worker's members come back quickly; long enough for a busy machine's live workers to beat in time. */
const LEASE_MS = 3000;

let cluster: PostgresCluster | undefined;
let serverUrl = '';
const databases: string[] = [];

beforeAll(async () => {
  if (missing) return;
  await ensureBuilt();
  if (given) serverUrl = given;
  else if (bin) {
    cluster = await startPostgresCluster(bin);
    serverUrl = cluster.url;
  }
}, 120_000);

afterAll(async () => {
  if (given) for (const db of databases) await dropDatabase(serverUrl, db).catch(() => undefined);
  await cluster?.stop();
});

interface Project {
  dir: string;
  url: string;
  env: Record<string, string>;
  workspace: string;
}

/** A small churn-project folder and a fresh database name on the test server (`team start` creates it). */
function project(name: string): Project {
  const dir = smallChurnProject();
  const url = databaseUrl(serverUrl, `board_${name}_${process.pid}_${Date.now().toString(36)}`);
  databases.push(url);
  return { dir, url, env: { TEAM_BOARD_URL: url, TEAM_WORKER_LEASE_MS: String(LEASE_MS) }, workspace: path.join(dir, '.team', 'runs', '1', 'workspace') };
}

/**
 * The coordinator: run 1 is created and driven once its workspace has the marker workers check.
 * (Wrapped: a child process is a promise, which an async function's result would wait for.)
 */
async function startCoordinator(p: Project): Promise<{ child: ResultPromise }> {
  const child = spawnTeam(p.dir, ['start', 'churn-project', '--instant', '--auto-answer', '--workers-only', '--headless'], p.env);
  let exited = false;
  void child.then(() => (exited = true));
  await waitFor('the run to be ready for workers', () => (fs.existsSync(path.join(p.workspace, '.teamboard-run.json')) || exited ? true : undefined), 60_000);
  return { child };
}

function startWorker(p: Project, member: string): ResultPromise {
  return spawnTeam(p.dir, ['worker', '--run', '1', '--members', member, '--instant'], p.env);
}

async function readBoard(url: string): Promise<{ events: BoardEvent[]; tasks: Task[]; status: string }> {
  const board = await openBoard(url);
  try {
    const run = await board.requireRun(1);
    return { events: await board.listEvents(1), tasks: await board.listTaskRows(1), status: run.status };
  } finally {
    await board.close();
  }
}

/** What a process printed, to say why it failed: its errors and the last of its progress. */
function outputOf(result: { stdout?: unknown; stderr?: unknown } | undefined): string {
  return `stderr: ${String(result?.stderr ?? '')}\nstdout (end): ${String(result?.stdout ?? '').slice(-3000)}`;
}

/** The first event of run 1 that matches: each look reads only the events after the last one seen, and waits for the board to say it changed. */
async function eventSeen(board: Board, what: string, match: (event: BoardEvent) => boolean, timeoutMs: number): Promise<BoardEvent> {
  const until = Date.now() + timeoutMs;
  let seen = 0;
  for (;;) {
    const events = await board.listEvents(1, seen);
    const found = events.find(match);
    if (found) return found;
    seen = events.at(-1)?.seq ?? seen;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await board.waitForChange(1, 1000);
  }
}

/** Every task of the run completed, each by exactly one completion event. */
function expectEachTaskDoneOnce(events: BoardEvent[], tasks: { id: number; status: string }[]): void {
  expect(tasks.length).toBeGreaterThan(0);
  expect(tasks.filter((t) => t.status !== 'completed')).toEqual([]);
  const completions = new Map<number, number>();
  for (const e of events) if (e.type === 'task.completed') completions.set(e.payload.taskId, (completions.get(e.payload.taskId) ?? 0) + 1);
  expect([...completions.keys()].sort((a, b) => a - b)).toEqual(tasks.map((t) => t.id).sort((a, b) => a - b));
  expect([...completions].filter(([, n]) => n !== 1)).toEqual([]);
}

describe('team worker on a PostgreSQL board', () => {
  it.skipIf(missing)('a --workers-only coordinator and 4 workers complete churn-project, every task done once', async () => {
    const p = project('workers');
    const { child: coordinator } = await startCoordinator(p);
    const workers = MEMBERS.map((m) => startWorker(p, m));
    const [done, ...ran] = await Promise.all([coordinator, ...workers]);

    expect(done?.exitCode, outputOf(done)).toBe(0);
    for (const w of ran) expect(w.exitCode, outputOf(w)).toBe(0);
    // Each worker printed the run's progress, one line per event.
    for (const w of ran) expect(String(w.stdout)).toContain('claimed #');
    expect(String(done?.stdout)).toContain('completed');

    const { events, tasks, status } = await readBoard(p.url);
    expect(status).toBe('completed');
    expectEachTaskDoneOnce(events, tasks);
    // Members were run by the workers, not the coordinator's process.
    const claimedBy = new Set(events.filter((e) => e.type === 'task.claimed').map((e) => e.actor));
    expect([...claimedBy].sort()).toEqual([...MEMBERS].sort());
  }, 180_000);

  it.skipIf(missing)('kill -9 of a worker mid-task: its task goes back with attempt + 1 and a note, a new worker takes it, the run completes', async () => {
    const p = project('kill');
    const { child: coordinator } = await startCoordinator(p);
    const victimMember = 'mle';
    const others = MEMBERS.filter((m) => m !== victimMember).map((m) => startWorker(p, m));
    const victim = startWorker(p, victimMember);

    // Freeze the victim, look at the board, and kill it only while it holds a task: no race with its own progress.
    const board = await openBoard(p.url);
    let held: number | undefined;
    try {
      // Its own progress line says when it first claimed a task: no freezing and looking before that.
      await outputSeen(victim, `${victimMember} claimed #`);
      held = await waitFor(
        `${victimMember} to hold a task`,
        async () => {
          if (victim.pid === undefined) return undefined;
          process.kill(victim.pid, 'SIGSTOP');
          const task = (await board.tasksOwnedBy(1, victimMember))[0];
          if (task) {
            process.kill(victim.pid, 'SIGKILL');
            return task.id;
          }
          process.kill(victim.pid, 'SIGCONT');
          return undefined;
        },
        120_000,
        20,
      );
      const killed = await victim;
      expect(killed.signal).toBe('SIGKILL');

      // The coordinator takes the silent worker's member back once its lease lapses.
      await eventSeen(board, 'the lease of the killed worker to lapse', (e) => e.type === 'member.removed' && e.payload.member === victimMember, 60_000);
    } finally {
      await board.close();
    }
    const replacement = startWorker(p, victimMember);
    const [done, again, ...ran] = await Promise.all([coordinator, replacement, ...others]);

    expect(done?.exitCode, outputOf(done)).toBe(0);
    expect(again?.exitCode, outputOf(again)).toBe(0);
    for (const w of ran) expect(w.exitCode, outputOf(w)).toBe(0);

    const { events, tasks, status } = await readBoard(p.url);
    expect(status).toBe('completed');
    expectEachTaskDoneOnce(events, tasks);
    const retried = tasks.find((t) => t.id === held);
    expect(retried?.attempt).toBe(2);
    expect(retried?.metadata.notes).toEqual([expect.stringMatching(new RegExp(`^${victimMember} died: its worker \\(worker pid ${victim.pid} on .+\\) sent no heartbeat for 3 s: lease expired$`))]);
    const released = events.filter((e) => e.type === 'task.released');
    expect(released.map((e) => e.payload)).toEqual([expect.objectContaining({ taskId: held, owner: victimMember, attempt: 2 })]);
    // The released task was finished by the worker that took the member over.
    const completion = events.find((e) => e.type === 'task.completed' && e.payload.taskId === held);
    expect(completion?.actor).toBe(victimMember);
  }, 240_000);
});

// The refusals need no PostgreSQL: a run prepared on the project's SQLite board, and no coordinator.
describe('team worker refuses in one line', () => {
  it('an unknown run, member or role, a workspace that is not the run\'s, and a member a live worker runs', async () => {
    await ensureBuilt();
    const t = await prepareIn(smallChurnProject(), 'churn-project');
    try {
      const worker = (...args: string[]) => team(t.dir, ['worker', ...args]);
      const oneLine = (r: { exitCode: number | undefined; stderr: string }) => ({ exitCode: r.exitCode, lines: r.stderr.trim().split('\n') });

      expect(oneLine(await worker('--run', '9'))).toEqual({ exitCode: 1, lines: ['team: run 9 does not exist; list runs with `team runs`'] });
      expect(oneLine(await worker('--run', '1', '--members', 'ds,nobody'))).toEqual({
        exitCode: 1,
        lines: ['team: run 1 has no member named nobody; its members: ds (data-scientist), mle (ml-engineer), mlops (mlops-engineer), devops (devops-engineer)'],
      });
      expect(oneLine(await worker('--run', '1', '--role', 'chef'))).toEqual({
        exitCode: 1,
        lines: ['team: run 1 has no member with role chef; its members: ds (data-scientist), mle (ml-engineer), mlops (mlops-engineer), devops (devops-engineer)'],
      });
      // Not started with --workers-only: the workspace has no marker.
      const unmarked = oneLine(await worker('--run', '1', '--members', 'ds'));
      expect(unmarked.exitCode).toBe(1);
      expect(unmarked.lines).toEqual([expect.stringMatching(/^team: .+ is not the workspace of run 1: it has no \.teamboard-run\.json/)]);

      writeWorkspaceMarker(t.run);
      await t.board.claimMembers(t.runId, 'worker pid 1 on elsewhere', ['mle'], 60_000);
      const held = oneLine(await worker('--run', '1', '--members', 'ds,mle'));
      expect(held.exitCode).toBe(1);
      expect(held.lines).toEqual([expect.stringMatching(/^team: mle of run 1 is already run by worker pid 1 on elsewhere, heartbeat \d+s ago; pick other members, stop that worker first, or if it is gone, try again in \d+s when its lease runs out$/)]);
      // All or none: ds was not taken either.
      expect((await t.board.getMember(t.runId, 'ds'))?.worker).toBeNull();
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
