import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBoard } from '../../src/board/open.js';
import { mulberry32 } from '../../src/models/rng.js';
import type { PartialTurn } from '../../src/runtime/member.js';
import { ensureBuilt, outputLinesSeen, outputSeen, spawnTeam, team, tempDir } from '../helpers/runtime.js';
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

/** Calls that had started when the process died and have no result yet (not counting a question waiting for its answer). */
async function callsInFlight(): Promise<string[]> {
  if (!fs.existsSync(boardFile())) return [];
  const board = await openBoard(boardFile(), { mustExist: true });
  try {
    const found: string[] = [];
    for (const member of await board.listMembers(1)) {
      // The runtime stores a PartialTurn (checked with zod when it reads it back).
      const partial = (await board.loadTranscript(1, member.name))?.inFlight as PartialTurn | null | undefined;
      if (!partial) continue;
      // A question's call is not cut off: a resume delivers its answer (given already or still to come).
      for (const id of partial.started) if (!partial.results[id] && id !== partial.question?.useId) found.push(`${member.name}:${id}`);
    }
    return found;
  } finally {
    await board.close();
  }
}

describe('crash and resume (built CLI, SIGKILL)', () => {
  it('a run killed -9 at random points and resumed each time completes with every task done exactly once', async () => {
    const random = mulberry32(20260101);
    const kills: { afterLines: number; inFlight: string[] }[] = [];
    const args = ['--headless', '--instant', '--auto-answer'];
    for (let attempt = 0; kills.length < 6 && attempt < 12; attempt++) {
      const child = attempt === 0 ? spawnTeam(cwd, ['start', 'churn-project', ...args]) : spawnTeam(cwd, ['resume', '1', ...args]);
      // A kill point named by progress, not time: after a random number of progress lines (a
      // whole run prints about 160), so a run is killed several times before it can finish.
      const afterLines = 3 + Math.floor(random() * 20);
      // The first process is killed only once the run exists, so that there is a run to resume.
      if (attempt === 0) await outputSeen(child, 'run 1 started');
      const ended = !(await outputLinesSeen(child, afterLines));
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
      kills.push({ afterLines, inFlight: await callsInFlight() });
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

      const workspace = path.join(cwd, '.team', 'runs', '1', 'workspace');
      expect(fs.existsSync(path.join(workspace, 'artifacts/model.json'))).toBe(true);
      const metrics = JSON.parse(fs.readFileSync(path.join(workspace, 'reports/metrics.json'), 'utf8')) as { auc: number };
      expect(metrics.auc).toBeGreaterThanOrEqual(0.75);

      // A call that was running at a kill came back to its member as "interrupted". Transcripts are
      // cut back at task boundaries in long runs, so the member's answer to it (an event) counts too.
      const stored = await Promise.all((await board.listMembers(1)).map((m) => board.loadTranscript(1, m.name)));
      const transcripts = stored.map((t) => JSON.stringify(t?.messages ?? [])).join('\n');
      const said = events.flatMap((e) => (e.type === 'member.said' ? [e.payload.text] : []));
      const delivered = transcripts.includes('interrupted: this tool call was running when the run stopped') || said.some((text) => text.startsWith('That step was interrupted before it finished'));
      const inFlight = kills.flatMap((k) => k.inFlight);
      if (inFlight.length > 0) expect(delivered, `calls in flight at the kills: ${JSON.stringify(kills)}`).toBe(true);
      // (When no kill lands mid-call, test/runtime/agent-loop.test.ts covers the interrupted result.)
    } finally {
      await board.close();
    }
  }, 120_000);
});
