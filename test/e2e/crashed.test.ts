/**
 * A run whose process is killed (kill -9, a closed terminal) must not look alive: once its driver
 * stops beating (CRASH_AFTER_MS, within the 15 s the issue allows), every read command shows it
 * crashed with `team resume N` as the next step, and the resume completes it.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_AFTER_MS } from '../../src/board/liveness.js';
import { ensureBuilt, outputSeen, spawnTeam, team as teamIn, tempDir, waitFor } from '../helpers/runtime.js';
import { smallChurnProject } from '../helpers/small-churn.js';

let cwd = '';

/**
 * Every process of the test beats and judges with a shorter threshold than a person's runs do
 * (src/board/liveness.ts), so the wait for the crash is a few seconds, not CRASH_AFTER_MS; the
 * product's own threshold is checked against the 15 s below.
 */
// Ten beats' margin: on a machine loaded by other tests, a live run was once judged crashed at 3 s.
const FAST_LIVENESS = { TEAM_HEARTBEAT_MS: '500', TEAM_CRASH_AFTER_MS: '5000' };
const team = (dir: string, args: string[]) => teamIn(dir, args, FAST_LIVENESS);

beforeAll(async () => {
  await ensureBuilt();
  cwd = smallChurnProject(tempDir('teamboard-crashed-'));
}, 120_000);

afterAll(() => {
  if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
});

interface RunsJson {
  id: number;
  state: string;
}

describe('a killed run is seen (built CLI, SIGKILL)', () => {
  it('team runs and team status show it crashed with the next step, and team resume completes it', async () => {
    expect(CRASH_AFTER_MS).toBeLessThan(15_000);
    // Real time (not --instant), slowed down: the run is surely in the middle of a step when killed.
    const child = spawnTeam(cwd, ['start', 'churn-project', '--headless', '--auto-answer', '--speed', '0.5'], FAST_LIVENESS);
    await outputSeen(child, 'claimed #1');
    const alive: unknown = JSON.parse((await team(cwd, ['runs', '--json'])).stdout);
    expect(alive).toEqual([expect.objectContaining({ id: 1, state: 'running' })]);
    child.kill('SIGKILL');
    await child;

    // Polled, not timed: the state turns once the last heartbeat is TEAM_CRASH_AFTER_MS old.
    await waitFor(
      'team runs to show the run crashed',
      async () => {
        const runs = JSON.parse((await team(cwd, ['runs', '--json'])).stdout) as RunsJson[];
        return runs[0]?.state === 'crashed' ? true : undefined;
      },
      60_000,
      500,
    );
    const runs = await team(cwd, ['runs']);
    expect(runs.stdout).toMatch(/^1\s+churn-project\s+crashed\s/m);
    expect(runs.stdout).toContain('run 1 crashed: the process driving it stopped without ending it; go on with `team resume 1`');
    const status = await team(cwd, ['status', '1']);
    expect(status.stdout.split('\n')[0]).toMatch(/^Run 1 {2}churn-project {2}crashed/);
    expect(status.stdout).toContain('team resume 1');

    const resumed = await team(cwd, ['resume', '1', '--headless', '--instant', '--auto-answer']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Run 1 (churn-project) completed');
    const after = JSON.parse((await team(cwd, ['runs', '--json'])).stdout) as RunsJson[];
    expect(after[0]?.state).toBe('completed');
  }, 180_000);
});
