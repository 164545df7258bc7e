import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Board } from '../../src/board/board.js';
import { openBoard } from '../../src/board/open.js';
import { mulberry32 } from '../../src/models/rng.js';
import type { PartialTurn } from '../../src/runtime/member.js';
import { ensureBuilt, outputLinesSeen, outputSeen, sleep, spawnTeam, team, tempDir } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';

let cwd: string;

beforeAll(async () => {
  await ensureBuilt();
  cwd = smallChurnProject(tempDir('teamboard-crash-'));
}, 120_000);

afterAll(() => {
  fs.rmSync(cwd, { recursive: true, force: true });
});

const boardFile = () => path.join(cwd, '.team', 'board.db');

/** Per member, how many calls the log shows as cut off by a stop (reported as interrupted on resume). */
function cutOffCalls(events: Awaited<ReturnType<Board['listEvents']>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) if (e.type === 'tool.called' && e.payload.error?.startsWith('interrupted:')) counts[e.payload.member] = (counts[e.payload.member] ?? 0) + 1;
  return counts;
}

interface Kill {
  afterLines: number;
  /** Calls that had started when the process died and have no result yet (not counting a question waiting for its answer). */
  inFlight: string[];
  /** What the log showed as cut off by then. */
  cutOff: Record<string, number>;
}

async function boardAtKill(afterLines: number): Promise<Kill> {
  if (!fs.existsSync(boardFile())) return { afterLines, inFlight: [], cutOff: {} };
  const board = await openBoard(boardFile(), { mustExist: true });
  try {
    const inFlight: string[] = [];
    for (const member of await board.listMembers(1)) {
      // The runtime stores a PartialTurn (checked with zod when it reads it back).
      const partial = (await board.loadTranscript(1, member.name))?.inFlight as PartialTurn | null | undefined;
      if (!partial) continue;
      // A question's call is not cut off: a resume delivers its answer (given already or still to come).
      for (const id of partial.started) if (!partial.results[id] && id !== partial.question?.useId) inFlight.push(`${member.name}:${id}`);
    }
    return { afterLines, inFlight, cutOff: cutOffCalls(await board.listEvents(1)) };
  } finally {
    await board.close();
  }
}

/**
 * Per member, how many calls should be reported cut off: one per call in flight at a kill, except
 * that a call still in flight at the next kill with nothing reported in between (killed again
 * before the resume got to it) is the same call. The simulated model numbers calls by turn, so an
 * id may come back later, once a long transcript has been trimmed.
 */
function expectedCutOff(kills: Kill[]): Record<string, number> {
  const counts: Record<string, number> = {};
  kills.forEach((kill, k) => {
    const next = kills[k + 1];
    for (const call of kill.inFlight) {
      const member = call.slice(0, call.indexOf(':'));
      if (next?.inFlight.includes(call) && (next.cutOff[member] ?? 0) === (kill.cutOff[member] ?? 0)) continue;
      counts[member] = (counts[member] ?? 0) + 1;
    }
  });
  return counts;
}

describe('crash and resume (built CLI, SIGKILL)', () => {
  it('a run killed -9 at random points and resumed each time completes with every task done exactly once', async () => {
    const random = mulberry32(20260101);
    const kills: Kill[] = [];
    const args = ['--headless', '--instant', '--auto-answer'];
    for (let attempt = 0; kills.length < 6 && attempt < 12; attempt++) {
      const child = attempt === 0 ? spawnTeam(cwd, ['start', 'churn-project', ...args]) : spawnTeam(cwd, ['resume', '1', ...args]);
      // A kill point named by progress, not time: after a random number of progress lines (a
      // whole run prints about 160), so a run is killed several times before it can finish.
      const afterLines = 3 + Math.floor(random() * 20);
      // The first process is killed only once the run exists, so that there is a run to resume.
      if (attempt === 0) await outputSeen(child, 'run 1 started');
      // Then up to 150 ms more: a progress line is printed between calls, and most kills should
      // land while a call runs.
      const pauseMs = Math.floor(random() * 150);
      const ended = !(await Promise.race([outputLinesSeen(child, afterLines).then((seen) => seen && sleep(pauseMs).then(() => true)), child.then(() => false)]));
      if (ended) {
        const result = await child;
        // Finished (or failed to start) before the kill: it must have completed cleanly.
        expect(result.exitCode, String(result.stderr)).toBe(0);
        break;
      }
      child.kill('SIGKILL');
      const result = await child;
      if (result.signal !== 'SIGKILL') {
        // It printed its last lines and exited just before the kill: it must have completed cleanly.
        expect(result.exitCode, String(result.stderr)).toBe(0);
        break;
      }
      kills.push(await boardAtKill(afterLines));
    }
    expect(kills.length).toBeGreaterThanOrEqual(5);

    const last = await team(cwd, ['resume', '1', ...args]);
    expect(last.stderr).toBe('team: resuming run 1 of churn-project on sim');
    expect(last.exitCode).toBe(0);

    const board = await openBoard(boardFile(), { mustExist: true });
    try {
      expect(await board.getRun(1)).toMatchObject({ status: 'completed', statusReason: '12 tasks completed' });
      const tasks = await board.listTaskRows(1);
      expect(tasks.map((t) => t.status)).toEqual(Array(12).fill('completed'));

      const events = await board.listEvents(1);
      const completedAt = new Map<number, number>();
      for (const e of events) {
        if (e.type !== 'task.completed') continue;
        const id = e.payload.taskId;
        expect(completedAt.has(id), `task #${id} completed twice`).toBe(false);
        completedAt.set(id, e.seq);
      }
      expect([...completedAt.keys()].sort((a, b) => a - b)).toEqual(tasks.map((t) => t.id));
      const reclaimed = events.filter((e) => e.type === 'task.claimed' && (completedAt.get(e.payload.taskId) ?? Infinity) < e.seq);
      expect(reclaimed).toEqual([]);
      // A kill during start-up comes before the process gets as far as resuming.
      const resumes = events.filter((e) => e.type === 'run.resumed').length;
      expect(resumes).toBeGreaterThanOrEqual(2);
      expect(resumes).toBeLessThanOrEqual(kills.length + 1);
      // A resume on the same machine sees the killed driver's process gone and records the crash.
      const crashes = events.filter((e) => e.type === 'run.crashed').length;
      expect(crashes).toBeGreaterThanOrEqual(1);
      expect(crashes).toBeLessThanOrEqual(kills.length);

      const workspace = path.join(cwd, '.team', 'runs', '1', 'workspace');
      expect(fs.existsSync(path.join(workspace, 'artifacts/model.json'))).toBe(true);
      const metrics = JSON.parse(fs.readFileSync(path.join(workspace, 'reports/metrics.json'), 'utf8')) as { auc: number };
      expect(metrics.auc).toBeGreaterThanOrEqual(0.75);

      // A call that was running at a kill came back to its member as "interrupted", once, and the
      // log says so (transcripts are cut back at task boundaries in long runs; events are kept).
      expect(cutOffCalls(events), `calls in flight at the kills: ${JSON.stringify(kills)}`).toEqual(expectedCutOff(kills));
      // (When no kill lands mid-call, test/runtime/agent-loop.test.ts covers the interrupted result.)
    } finally {
      await board.close();
    }
  }, 120_000);
});
